/* appconf.c - an application's config file for the application modules (appconf.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appconf.h"
#include "safefile.h"

static int
read_text(struct hg_app *a, const char *where, char **text, size_t *len)
{
	const struct hg_trust t = { HG_APP_READ_ID, HG_UID_NONE, 1, HG_WANT_FILE };
	struct hg_error e = { 0 };
	struct stat st;
	char fix[PATH_MAX + 16], mb[6];
	int fd, r;

	if (a->path == NULL || a->path[0] != '/') {
		hg_finding(a->ctx, HG_APP_READ_ID, HG_SEV_FAIL, where, "give an absolute path",
			   "%s config %s is not an absolute path", a->app,
			   a->path ? a->path : "(unset)");
		return HG_FAIL;
	}
	if ((fd = hg_safe_open(a->path, O_RDONLY, &t, &st, &e)) < 0) {
		hg_finding(a->ctx, HG_APP_READ_ID, HG_SEV_FAIL, e.where, e.fix[0] ? e.fix : NULL,
			   "%s", e.msg);
		return HG_FAIL;
	}
	if (st.st_mode & S_IWOTH) {
		snprintf(fix, sizeof(fix), "chmod o-w %s", a->path);
		hg_finding(a->ctx, HG_APP_READ_ID, HG_SEV_FAIL, a->path, fix,
			   "%s is mode %s: anyone can rewrite %s's config", a->path,
			   hg_mode_str(st.st_mode, mb), a->app);
		close(fd);
		return HG_FAIL;
	}
	r = hg_read_fd(fd, HG_TOML_MAX_LEN, text, len);
	close(fd);
	if (r < 0) {
		hg_finding(a->ctx, HG_APP_READ_ID, HG_SEV_FAIL, a->path,
			   r == -EFBIG ? "keep it under 4 MiB" : NULL, "cannot read %s: %s", a->path,
			   strerror(-r));
		return HG_FAIL;
	}
	return HG_PASS;
}

/* Config files may hold secrets, and an expanded one does: no copy is left in freed memory. */
static void
wipe_free(char *s, size_t n)
{
	explicit_bzero(s, n);
	free(s);
}

int
hg_app_open(struct hg_app *a, const char *path, const char *where,
	    char *(*prepare)(const char *text, size_t len))
{
	struct hg_error e = { 0 }, e2 = { 0 };
	char *text = NULL, *x;
	size_t len = 0;
	int r;

	a->path = path;
	a->doc = NULL;
	if ((r = read_text(a, where, &text, &len)) != HG_PASS)
		return r;
	if (hg_toml_parse(path, text, len, &a->doc, &e) == 0) {
		wipe_free(text, len);
		return HG_PASS;
	}
	if (prepare && (x = prepare(text, len)) != NULL) {
		r = hg_toml_parse(path, x, strlen(x), &a->doc, &e2);
		wipe_free(x, strlen(x));
		if (r == 0) {
			wipe_free(text, len);
			return HG_PASS;
		}
	}
	wipe_free(text, len);
	hg_finding(a->ctx, HG_APP_READ_ID, HG_SEV_FAIL, e.where, e.fix[0] ? e.fix : NULL,
		   "%s config does not parse: %s", a->app, e.msg);
	return HG_FAIL;
}

void
hg_app_close(struct hg_app *a)
{
	hg_toml_free(a->doc);
	a->doc = NULL;
}

void
hg_app_report(struct hg_app *a, const char *id, enum hg_severity sev,
	      const struct hg_toml_value *v, const char *fix, const char *fmt, ...)
{
	char where[PATH_MAX + 16], msg[1024];
	unsigned line = v ? (hg_toml_key_line(v) ? hg_toml_key_line(v) : hg_toml_line(v)) : 0;
	va_list ap;

	if (line)
		snprintf(where, sizeof(where), "%s:%u", a->path, line);
	else
		snprintf(where, sizeof(where), "%s", a->path);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sev == HG_SEV_FAIL)
		a->fails++;
	hg_finding(a->ctx, id, sev, where, fix, "%s", msg);
}

/* A value of the wrong type: the application would refuse it too. */
static void
wrong_type(struct hg_app *a, const char *id, const struct hg_toml_value *v, const char *key,
	   const char *want, const char *fix)
{
	hg_app_report(a, id, HG_SEV_FAIL, v, fix, "%s is a %s, %s wants %s", key,
		      hg_toml_type_name(hg_toml_type(v)), a->app, want);
}

const char *
hg_app_str(struct hg_app *a, const char *id, const struct hg_toml_value *t, const char *key,
	   const struct hg_toml_value **vp)
{
	const struct hg_toml_value *v = hg_toml_get(t, key);
	const char *s;

	if (vp)
		*vp = v;
	if (v == NULL)
		return NULL;
	if (hg_toml_string(v, &s, NULL) < 0) {
		wrong_type(a, id, v, key, "a string", "write it as a quoted string");
		return NULL;
	}
	return s;
}

int
hg_app_bool(struct hg_app *a, const char *id, const struct hg_toml_value *t, const char *key,
	    int def, const struct hg_toml_value **vp)
{
	const struct hg_toml_value *v = hg_toml_get(t, key);
	bool b;

	if (vp)
		*vp = v;
	if (v == NULL)
		return def;
	if (hg_toml_bool(v, &b) < 0) {
		wrong_type(a, id, v, key, "a boolean", "write true or false");
		return -1;
	}
	return b;
}

int64_t
hg_app_int(struct hg_app *a, const char *id, const struct hg_toml_value *t, const char *key,
	   int64_t def, const struct hg_toml_value **vp)
{
	const struct hg_toml_value *v = hg_toml_get(t, key);
	int64_t n;

	if (vp)
		*vp = v;
	if (v == NULL)
		return def;
	if (hg_toml_int(v, &n) < 0) {
		wrong_type(a, id, v, key, "an integer", "write a number without quotes");
		return def;
	}
	return n;
}

static const struct hg_app_stale *
stale_of(const struct hg_app_stale *stale, const char *key)
{
	for (; stale && stale->key; stale++)
		if (strcmp(stale->key, key) == 0)
			return stale;
	return NULL;
}

void
hg_app_unknown_keys(struct hg_app *a, const struct hg_toml_value *t, const char *where,
		    const char *const *known, const struct hg_app_stale *stale)
{
	if (hg_toml_type(t) != HG_TOML_TABLE)
		return;	/* an array's elements have no key: the caller judges the type */
	for (size_t i = 0; i < hg_toml_count(t); i++) {
		const struct hg_toml_value *v = hg_toml_at(t, i);
		const char *k = hg_toml_key(v, NULL);
		const struct hg_app_stale *s;
		int ok = 0;

		for (const char *const *p = known; *p && !ok; p++)
			ok = strcmp(*p, k) == 0;
		if (ok)
			continue;
		if ((s = stale_of(stale, k)) != NULL) {
			hg_app_report(a, s->id, s->sev, v, s->fix, "%s%s%s: %s", where,
				      *where ? "." : "", k, s->why);
			continue;
		}
		hg_app_report(a, HG_APP_UNKNOWN_ID, HG_SEV_WARN, v,
			      "remove it, or correct its spelling",
			      "%s ignores the key %s%s%s: whatever it was meant to set is not set",
			      a->app, where, *where ? "." : "", k);
	}
}
