/*
 * dbward.c - the dbward checklist from dbward's own config files.
 *
 * role = "server" reads dbward-server.toml, role = "agent" reads
 * dbward-agent.toml (shared/reference/dbward-config.md). Keys are judged
 * as dbward reads them, absent ones by dbward's real default; every
 * finding of the file is reported, with the file:line of its key. Keys
 * dbward silently ignores are findings of their own: whoever wrote
 * [execution_policy] believes a limit is on when it is not. "Must" items
 * fail; "Recommended" ones warn unless the policy sets
 * recommended = "fail". Check-only: nothing is applied, the file is
 * never written.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dbw.h"
#include "safefile.h"

#define READ_ID "HG-025"

static const char *const roles[] = { "server", "agent", NULL };
static const char *const levels[] = { "warn", "fail", NULL };

static const struct hg_arg_spec args[] = {
	{ "config", HG_ARG_STRING, 1, NULL, "absolute path of dbward-server.toml or dbward-agent.toml" },
	{ "role", HG_ARG_STRING, 1, roles, "which file it is: server or agent" },
	{ "environment", HG_ARG_STRING, 0, NULL,
	  "name of the production environment (default production)" },
	{ "recommended", HG_ARG_STRING, 0, levels,
	  "severity of the checklist's Recommended items: warn (default) or fail" },
	{ "tls_proxy", HG_ARG_STRING, 0, NULL,
	  "server: the TLS-terminating proxy in front of dbward (dbward has no TLS of its own)" },
	{ "owner", HG_ARG_STRING, 0, NULL,
	  "server: service account that must own state_dir and signing.key" },
	{ "break_glass_roles", HG_ARG_LIST, 0, NULL,
	  "server: roles designated for break-glass (default [\"operator\"], dbward's built-in)" },
	{ NULL, 0, 0, NULL, NULL },
};

static const char *const ids[] = {
	"DBW-PRE-01", "DBW-PRE-02", "DBW-PRE-03", "DBW-PRE-04", "DBW-PRE-05", "DBW-PRE-06",
	"DBW-REC-01", "DBW-REC-02", "DBW-REC-03", "DBW-REC-04", "DBW-REC-05", "DBW-REC-06",
	"DBW-REC-07", "DBW-REC-10", "DBW-REC-11", "DBW-REC-12", "DBW-REC-13",
	READ_ID, DBW_UNKNOWN_ID, DBW_LITERAL_ID, DBW_REFUSED_ID, NULL,
};

void
dbw_report(struct dbw *d, const char *id, enum hg_severity sev, const struct hg_toml_value *v,
	   const char *fix, const char *fmt, ...)
{
	char where[4096 + 16], msg[1024];
	unsigned line = v ? (hg_toml_key_line(v) ? hg_toml_key_line(v) : hg_toml_line(v)) : 0;
	va_list ap;

	if (line)
		snprintf(where, sizeof(where), "%s:%u", d->path, line);
	else
		snprintf(where, sizeof(where), "%s", d->path);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sev == HG_SEV_FAIL)
		d->fails++;
	hg_finding(d->ctx, id, sev, where, fix, "%s", msg);
}

const char *
dbw_str(struct dbw *d, const char *id, const struct hg_toml_value *t, const char *key,
	const struct hg_toml_value **vp)
{
	const struct hg_toml_value *v = hg_toml_get(t, key);
	const char *s;

	if (vp)
		*vp = v;
	if (v == NULL)
		return NULL;
	if (hg_toml_string(v, &s, NULL) < 0) {
		dbw_report(d, id, HG_SEV_FAIL, v, "write it as a quoted string",
			   "%s is a %s, dbward wants a string", key,
			   hg_toml_type_name(hg_toml_type(v)));
		return NULL;
	}
	return s;
}

int
dbw_bool(struct dbw *d, const char *id, const struct hg_toml_value *t, const char *key, int def,
	 const struct hg_toml_value **vp)
{
	const struct hg_toml_value *v = hg_toml_get(t, key);
	bool b;

	if (vp)
		*vp = v;
	if (v == NULL)
		return def;
	if (hg_toml_bool(v, &b) < 0) {
		dbw_report(d, id, HG_SEV_FAIL, v, "write true or false",
			   "%s is a %s, dbward wants a boolean", key,
			   hg_toml_type_name(hg_toml_type(v)));
		return -1;
	}
	return b;
}

static int
stale_index(const struct dbw_stale *stale, const char *key)
{
	for (int i = 0; stale && stale[i].key; i++)
		if (strcmp(stale[i].key, key) == 0)
			return i;
	return -1;
}

void
dbw_unknown_keys(struct dbw *d, const struct hg_toml_value *t, const char *where,
		 const char *const *known, const struct dbw_stale *stale)
{
	for (size_t i = 0; i < hg_toml_count(t); i++) {
		const struct hg_toml_value *v = hg_toml_at(t, i);
		const char *k = hg_toml_key(v, NULL);
		int j, ok = 0;

		for (const char *const *p = known; *p && !ok; p++)
			ok = strcmp(*p, k) == 0;
		if (ok)
			continue;
		if ((j = stale_index(stale, k)) >= 0) {
			dbw_report(d, stale[j].id, stale[j].sev, v, stale[j].fix, "%s%s%s: %s", where,
				   *where ? "." : "", k, stale[j].why);
			continue;
		}
		dbw_report(d, DBW_UNKNOWN_ID, HG_SEV_WARN, v,
			   "remove it, or correct its spelling (see dbward's configuration reference)",
			   "dbward ignores the key %s%s%s: whatever it was meant to set is not set",
			   where, *where ? "." : "", k);
	}
}

/* Open the config by the trusted walk and read it whole. HG_PASS, or HG_FAIL with a finding. */
static int
read_config(struct hg_ctx *ctx, const struct hg_args *a, const char *path, char **text,
	    size_t *len)
{
	const struct hg_trust t = { READ_ID, HG_UID_NONE, 1, HG_WANT_FILE };
	struct hg_error e = { 0 };
	struct stat st;
	char fix[4200], mb[6];
	int fd, r;

	if (path[0] != '/') {
		hg_finding(ctx, READ_ID, HG_SEV_FAIL, hg_arg_where(ctx, a, "config"),
			   "give an absolute path", "config %s is not an absolute path", path);
		return HG_FAIL;
	}
	if ((fd = hg_safe_open(path, O_RDONLY, &t, &st, &e)) < 0) {
		hg_finding(ctx, READ_ID, HG_SEV_FAIL, e.where, e.fix[0] ? e.fix : NULL, "%s", e.msg);
		return HG_FAIL;
	}
	if (st.st_mode & S_IWOTH) {
		snprintf(fix, sizeof(fix), "chmod o-w %s", path);
		hg_finding(ctx, READ_ID, HG_SEV_FAIL, path, fix,
			   "%s is mode %s: anyone can rewrite dbward's config", path,
			   hg_mode_str(st.st_mode, mb));
		close(fd);
		return HG_FAIL;
	}
	r = hg_read_fd(fd, HG_TOML_MAX_LEN, text, len);
	close(fd);
	if (r < 0) {
		hg_finding(ctx, READ_ID, HG_SEV_FAIL, path,
			   r == -EFBIG ? "keep it under 4 MiB" : NULL, "cannot read %s: %s", path,
			   strerror(-r));
		return HG_FAIL;
	}
	return HG_PASS;
}

/*
 * Parse the raw text. dbward expands ${} before parsing, so a ${} outside
 * quotes is legal for dbward but not TOML: then parse the expanded text
 * (positions stay right unless a value holds a newline).
 */
static int
parse_config(struct hg_ctx *ctx, const char *path, const char *text, size_t len,
	     struct hg_toml **doc)
{
	struct hg_error e = { 0 }, e2 = { 0 };
	char *x, missing[128];
	int r;

	if (hg_toml_parse(path, text, len, doc, &e) == 0)
		return HG_PASS;
	if (memchr(text, '\0', len) == NULL && dbw_has_ref(text) &&
	    (x = malloc(HG_TOML_MAX_LEN + 1)) != NULL) {
		r = dbw_expand(text, x, HG_TOML_MAX_LEN + 1, missing, sizeof(missing));
		if (r == 0 && hg_toml_parse(path, x, strlen(x), doc, &e2) == 0) {
			free(x);
			return HG_PASS;
		}
		free(x);
	}
	hg_finding(ctx, READ_ID, HG_SEV_FAIL, e.where, e.fix[0] ? e.fix : NULL,
		   "dbward config does not parse: %s", e.msg);
	return HG_FAIL;
}

static int
check(struct hg_ctx *ctx, const struct hg_args *a)
{
	const char *role = hg_arg_str(ctx, a, "role"), *env = hg_arg_str(ctx, a, "environment");
	const char *rec = hg_arg_str(ctx, a, "recommended");
	struct dbw d = { .ctx = ctx, .args = a, .path = hg_arg_str(ctx, a, "config") };
	struct hg_toml *doc = NULL;
	char *text = NULL;
	size_t len = 0;
	int r;

	if ((r = read_config(ctx, a, d.path, &text, &len)) != HG_PASS)
		return r;
	r = parse_config(ctx, d.path, text, len, &doc);
	free(text);
	if (r != HG_PASS)
		return r;
	d.doc = doc;
	d.env = env ? env : "production";
	d.rec = rec && strcmp(rec, "fail") == 0 ? HG_SEV_FAIL : HG_SEV_WARN;
	if (strcmp(role, "server") == 0)
		dbw_check_server(&d);
	else
		dbw_check_agent(&d);
	hg_toml_free(doc);
	return d.fails ? HG_FAIL : HG_PASS;
}

const struct hg_module hg_module_dbward = {
	.abi = HG_MODULE_ABI,
	.name = "dbward",
	.phases = HG_PHASES_ALL,
	.steps = 0,
	.args = args,
	.ids = ids,
	.check = check,
	.apply = NULL,
	.describe = NULL,
};
