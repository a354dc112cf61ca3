/* util.c - small pure helpers (see util.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

int
hg_parse_mode(const char *s, mode_t *out)
{
	unsigned long v = 0;
	size_t n;

	if (s == NULL)
		return -EINVAL;
	n = strlen(s);
	if (n < 3 || n > 5)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '7')
			return -EINVAL;
		v = v * 8 + (unsigned long)(s[i] - '0');
	}
	if (v > 07777)
		return -EINVAL;
	*out = (mode_t)v;
	return 0;
}

static int
parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || *end != '\0' || *out >= (unsigned long)(uid_t)-1)
		return -EINVAL;
	return 0;
}

int
hg_parse_uid(const char *s, uid_t *out)
{
	struct passwd *pw;
	unsigned long v;

	if (parse_id(s, &v) == 0) {
		*out = (uid_t)v;
		return 0;
	}
	if (s == NULL || (pw = getpwnam(s)) == NULL)
		return -ENOENT;
	*out = pw->pw_uid;
	return 0;
}

int
hg_parse_gid(const char *s, gid_t *out)
{
	struct group *gr;
	unsigned long v;

	if (parse_id(s, &v) == 0) {
		*out = (gid_t)v;
		return 0;
	}
	if (s == NULL || (gr = getgrnam(s)) == NULL)
		return -ENOENT;
	*out = gr->gr_gid;
	return 0;
}

void
hg_json_str(FILE *f, const char *s)
{
	hg_json_strn(f, s ? s : "", s ? strlen(s) : 0);
}

static size_t utf8_seq(const unsigned char *p, size_t left);

void
hg_json_strn(FILE *f, const char *s, size_t n)
{
	const unsigned char *end = (const unsigned char *)s + n;
	size_t l;

	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; p < end; p++) {
		if (*p >= 0x80) {	/* JSON is UTF-8: a stray byte (a path) is U+FFFD */
			if ((l = utf8_seq(p, (size_t)(end - p))) == 0) {
				fputs("\\ufffd", f);
			} else {
				fwrite(p, 1, l, f);
				p += l - 1;
			}
			continue;
		}
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* Length of the well-formed sequence at P (RFC 3629, table 3-7), or 0. */
static size_t
utf8_seq(const unsigned char *p, size_t left)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;	/* continuation byte, overlong lead, > U+10FFFF */
	if (p[0] == 0xe0)
		lo = 0xa0;	/* overlong */
	else if (p[0] == 0xed)
		hi = 0x9f;	/* surrogates */
	else if (p[0] == 0xf0)
		lo = 0x90;	/* overlong */
	else if (p[0] == 0xf4)
		hi = 0x8f;	/* > U+10FFFF */
	if (left < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

size_t
hg_utf8_check(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l;

	while (i < n && (l = utf8_seq(p + i, n - i)) > 0)
		i += l;
	return i;
}

void
hg_text_str(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p == '\r')
			fputs("\\r", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

char *
hg_strdup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

int
hg_read_small(const char *path, char *buf, size_t n)
{
	ssize_t r;
	int fd;

	if (n == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	r = read(fd, buf, n - 1);
	if (r < 0) {
		int err = errno;

		close(fd);
		return -err;
	}
	close(fd);
	buf[r] = '\0';
	while (r > 0 && (buf[r - 1] == '\n' || buf[r - 1] == ' '))
		buf[--r] = '\0';
	return 0;
}

const char *
hg_rooted(const char *root, const char *path, char *buf, size_t n)
{
	snprintf(buf, n, "%s%s", root ? root : "", path);
	return buf;
}

int
hg_status_value(const char *st, const char *key, char *buf, size_t n)
{
	size_t kl = strlen(key);

	for (const char *line = st; line != NULL; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			const char *v = line + kl + 1 + strspn(line + kl + 1, " \t");

			snprintf(buf, n, "%.*s", (int)strcspn(v, "\n"), v);
			return 0;
		}
	}
	return -ENOENT;
}

int
hg_proc_status_all(char *buf, size_t n)
{
	return hg_read_small("/proc/self/status", buf, n);
}

int
hg_proc_status(const char *key, char *buf, size_t n)
{
	char st[8192];
	int r;

	if ((r = hg_read_small("/proc/self/status", st, sizeof(st))) < 0)
		return r;
	return hg_status_value(st, key, buf, n);
}

int
hg_proc_status_fd(int fd, const char *key, char *buf, size_t n)
{
	char st[8192];
	ssize_t r = pread(fd, st, sizeof(st) - 1, 0);

	if (r < 0)
		return -errno;
	st[r] = '\0';
	return hg_status_value(st, key, buf, n);
}

void *
hg_room(void *arr, size_t *cap, size_t n, size_t elem)
{
	size_t c = *cap ? *cap * 2 : 8;
	void *p;

	if (n < *cap)
		return arr;
	if (c < *cap || c > SIZE_MAX / elem || (p = realloc(arr, c * elem)) == NULL)
		return NULL;
	*cap = c;
	return p;
}
