/*
 * revoke.c - read and extend the revocation list (revoke.h).
 *
 * The list is loaded whole, sorted, and searched by bsearch: a start asks
 * for a handful of fingerprints. Every file is read through the trusted
 * walk (safefile.c), like the policy.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fingerprint.h"
#include "revoke.h"
#include "safefile.h"
#include "util.h"

struct rev {
	char fp[HG_FP_LEN];
	char *reason;
	char *where;		/* "file:line" */
};

struct hg_revlist {
	struct rev *v;
	size_t n, cap;
};

static int
cmp_rev(const void *a, const void *b)
{
	return strcmp(((const struct rev *)a)->fp, ((const struct rev *)b)->fp);
}

/*
 * Text a reason may be: well-formed UTF-8 (hg_utf8_check) without C0
 * controls, DEL or C1 controls (U+0080..U+009F, UTF-8 C2 80..C2 9F: a
 * terminal takes C2 9B as CSI). A reason reaches the terminal, syslog
 * and the JSON log as it is written.
 */
static int
printable(const char *s, size_t n)
{
	if (hg_utf8_check(s, n) != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return 0;
		/* well-formed, so C2 always leads a continuation byte */
		if (c == 0xc2 && (unsigned char)s[i + 1] <= 0x9f)
			return 0;
	}
	return 1;
}

static int
add(struct hg_revlist *l, const char *fp, const char *reason, size_t rlen, const char *where)
{
	struct rev *r;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct rev *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	r = &l->v[l->n];
	memcpy(r->fp, fp, HG_FP_LEN);
	if ((r->reason = strndup(reason, rlen)) == NULL)
		return -ENOMEM;
	if ((r->where = strdup(where)) == NULL) {
		free(r->reason);
		return -ENOMEM;
	}
	l->n++;
	return 0;
}

/* One line (without its newline) of FILE. */
static int
parse_line(struct hg_revlist *l, const char *file, unsigned lineno, const char *s, size_t n,
	   struct hg_error *e)
{
	char where[PATH_MAX + 16], fp[HG_FP_LEN];
	size_t i = 0, t, end;

	snprintf(where, sizeof(where), "%s:%u", file, lineno);
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || s[i] == '#')
		return 0;
	for (t = i; t < n && s[t] != ' ' && s[t] != '\t' && s[t] != '\r'; t++)
		;
	if (t - i == HG_FP_LEN - 1) {
		memcpy(fp, s + i, t - i);
		fp[t - i] = '\0';
	} else {
		fp[0] = '\0';
	}
	if (!hg_fp_valid(fp))
		return hg_error_set(e, EINVAL, HG_REVOKE_ID, where,
				    "write one fingerprint per line (SHA256:..., as printed by "
				    "hardgate fingerprint), then a reason",
				    "revocation list %s: line %u is not a fingerprint", file, lineno);
	while (t < n && (s[t] == ' ' || s[t] == '\t' || s[t] == '\r'))
		t++;
	for (end = n; end > t && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r');
	     end--)
		;
	if (!printable(s + t, end - t))
		return hg_error_set(e, EINVAL, HG_REVOKE_ID, where,
				    "write the reason as UTF-8 text without control characters",
				    "revocation list %s: line %u has control characters or is not "
				    "UTF-8", file, lineno);
	return add(l, fp, s + t, end - t, where) < 0 ?
	       hg_error_set(e, ENOMEM, HG_REVOKE_ID, where, NULL, "out of memory") : 0;
}

struct hg_revlist *
hg_revlist_new(void)
{
	return calloc(1, sizeof(struct hg_revlist));
}

int
hg_revlist_parse_bytes(struct hg_revlist *l, const char *name, const char *text, size_t len,
		       struct hg_error *e)
{
	size_t off = 0;
	unsigned lineno = 0;
	int r = 0;

	if (len > HG_REVOKE_MAX_BYTES)
		return hg_error_set(e, EFBIG, HG_REVOKE_ID, name, "keep it under 1 MiB",
				    "revocation list %s is larger than %u bytes", name,
				    HG_REVOKE_MAX_BYTES);
	while (off < len && r == 0) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;

		r = parse_line(l, name, ++lineno, text + off, n, e);
		off += n + 1;
	}
	if (l->n)	/* qsort(NULL, 0) is undefined: an empty list has no array */
		qsort(l->v, l->n, sizeof(*l->v), cmp_rev);
	return r;
}

static int
load_file(struct hg_revlist *l, const char *path, struct hg_error *e)
{
	char *text;
	size_t len;
	int r;

	if ((r = hg_read_trusted(path, HG_REVOKE_MAX_BYTES, "revocation list", HG_REVOKE_ID,
				 &text, &len, e)) < 0)
		return r;
	r = hg_revlist_parse_bytes(l, path, text, len, e);
	free(text);
	return r;
}

int
hg_revlist_load(const char *dir, struct hg_revlist **out, struct hg_error *e)
{
	struct hg_revlist *l;
	char path[PATH_MAX], **names;
	size_t n;
	int r;

	*out = NULL;
	if ((l = hg_revlist_new()) == NULL)
		return hg_error_set(e, ENOMEM, HG_REVOKE_ID, dir, NULL, "out of memory");
	r = hg_list_trusted(dir, NULL, HG_REVOKE_MAX_FILES, HG_REVOKE_ID, &names, &n, e);
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= (int)sizeof(path))
			r = hg_error_set(e, ENAMETOOLONG, HG_REVOKE_ID, dir, NULL,
					 "%s/%s: path too long", dir, names[i]);
		else
			r = load_file(l, path, e);
	}
	hg_names_free(names, n);
	if (r < 0) {
		hg_revlist_free(l);
		return r;
	}
	*out = l;
	return 0;
}

static const struct rev *
find(const struct hg_revlist *l, const char *fp)
{
	struct rev key = { 0 };

	if (l == NULL || l->n == 0 || strlen(fp) != HG_FP_LEN - 1)
		return NULL;
	memcpy(key.fp, fp, HG_FP_LEN);
	return bsearch(&key, l->v, l->n, sizeof(*l->v), cmp_rev);
}

const char *
hg_revlist_find(const struct hg_revlist *l, const char *fp)
{
	const struct rev *r = find(l, fp);

	return r ? r->reason : NULL;
}

const char *
hg_revlist_where(const struct hg_revlist *l, const char *fp)
{
	const struct rev *r = find(l, fp);

	return r ? r->where : NULL;
}

size_t
hg_revlist_count(const struct hg_revlist *l)
{
	return l ? l->n : 0;
}

void
hg_revlist_free(struct hg_revlist *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].reason);
		free(l->v[i].where);
	}
	free(l->v);
	free(l);
}

/* The current contents of DFD/NAME (empty if missing) followed by LINE. */
static int
appended(int dfd, const char *dir, const char *name, const char *line, char **out,
	 size_t *outlen, struct hg_error *e)
{
	char *old = NULL, *buf;
	size_t olen = 0, llen = strlen(line);
	int fd, r;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT)
		return hg_error_set(e, errno, HG_REVOKE_ID, dir, NULL, "cannot read %s/%s: %s",
				    dir, name, strerror(errno));
	if (fd >= 0) {
		r = hg_read_fd(fd, HG_REVOKE_MAX_BYTES, &old, &olen);
		close(fd);
		if (r < 0)
			return hg_error_set(e, -r, HG_REVOKE_ID, dir, NULL, "cannot read %s/%s: %s",
					    dir, name, strerror(-r));
	}
	if ((buf = malloc(olen + llen + 2)) == NULL) {
		free(old);
		return hg_error_set(e, ENOMEM, HG_REVOKE_ID, dir, NULL, "out of memory");
	}
	if (olen)
		memcpy(buf, old, olen);
	if (olen && old[olen - 1] != '\n')
		buf[olen++] = '\n';
	memcpy(buf + olen, line, llen);
	free(old);
	*out = buf;
	*outlen = olen + llen;
	return 0;
}

int
hg_revoke_reason_valid(const char *reason)
{
	return strlen(reason) <= HG_REVOKE_REASON_MAX && printable(reason, strlen(reason));
}

int
hg_revoke_add(const char *dir, const char *fp, const char *reason, struct hg_error *e)
{
	const struct hg_trust t = { HG_REVOKE_ID, HG_UID_NONE, 0, HG_WANT_DIR };
	struct hg_revlist *l;
	char line[HG_FP_LEN + HG_REVOKE_REASON_MAX + 32], day[16], *text = NULL;
	size_t len = 0;
	time_t now = time(NULL);
	struct tm tm;
	int dfd, r;

	if (!hg_fp_valid(fp))
		return hg_error_set(e, EINVAL, HG_REVOKE_ID, NULL,
				    "give a fingerprint as printed by hardgate fingerprint",
				    "not a fingerprint (SHA256: and 43 base64 characters); not shown, "
				    "in case it is a secret pasted by mistake");
	if (!hg_revoke_reason_valid(reason))
		return hg_error_set(e, EINVAL, HG_REVOKE_ID, NULL,
				    "give a short one-line reason",
				    "the reason must be one line of at most %d bytes of UTF-8 text "
				    "without control characters",
				    HG_REVOKE_REASON_MAX);
	if ((r = hg_safe_mkdir(dir, 0755, HG_REVOKE_ID, e)) < 0)
		return r;
	if ((dfd = hg_safe_open(dir, O_RDONLY | O_DIRECTORY, &t, NULL, e)) < 0)
		return dfd;
	/* One writer at a time: two adds that read the same list lose one entry. */
	if (flock(dfd, LOCK_EX) < 0) {
		r = hg_error_set(e, errno, HG_REVOKE_ID, dir, NULL, "cannot lock %s: %s", dir,
				 strerror(errno));
		goto out;
	}
	if ((r = hg_revlist_load(dir, &l, e)) < 0)
		goto out;
	r = hg_revlist_find(l, fp) != NULL;
	hg_revlist_free(l);
	if (r)
		goto out;
	gmtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	snprintf(line, sizeof(line), "%s %s %s\n", fp, day, reason);
	if ((r = appended(dfd, dir, HG_REVOKE_FILE, line, &text, &len, e)) == 0) {
		r = hg_replace_file(dfd, dir, HG_REVOKE_FILE, text, len, 0644, 0, HG_REVOKE_ID,
				    e);
		free(text);
	}
out:
	close(dfd);		/* and unlocks */
	return r;
}
