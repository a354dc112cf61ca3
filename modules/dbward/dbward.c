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
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "dbw.h"

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
	HG_APP_READ_ID, HG_APP_UNKNOWN_ID, HG_APP_LITERAL_ID, HG_APP_REFUSED_ID, NULL,
};

struct dbw_text {
	const struct hg_toml_value *v;
	char *s;
};

int
dbw_effective(struct dbw *d, const char *id, const struct hg_toml_value *v, const char *s,
	      char *out, size_t n)
{
	char missing[128];
	int r = hg_dbw_expand(s, out, n, missing, sizeof(missing));

	if (r == -ENOENT && hg_stage(d->a.ctx) == HG_STAGE_CHECK) {
		hg_app_report(&d->a, id, HG_SEV_WARN, v, "run the check in the service's environment",
			      "${%s} is not set here: the value cannot be judged", missing);
		return -1;
	}
	if (r == -ENOENT) {
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, v,
			      "set it in the service's environment",
			      "dbward refuses to start: ${%s} is not set", missing);
		return -1;
	}
	if (r == -E2BIG) {
		hg_app_report(&d->a, id, HG_SEV_FAIL, v, "shorten the value",
			      "the value is too long once expanded to be judged");
		return -1;
	}
	if (r < 0) {
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, v,
			      "write ${NAME} or ${NAME:-default}",
			      "dbward refuses to start: a ${} reference is malformed");
		return -1;
	}
	return 0;
}

HG_LEAK_FP_BEGIN	/* analyzer.h: the array may have grown by realloc */
const char *
dbw_text_of(struct dbw *d, const char *id, const struct hg_toml_value *v, const char *what)
{
	char buf[1024];
	const char *s;

	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < d->ntexts; i++)
		if (d->texts[i].v == v)
			return d->texts[i].s;
	if (d->ntexts == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 32;
		struct dbw_text *x = realloc(d->texts, cap * sizeof(*x));

		if (x == NULL)
			return NULL;
		d->texts = x;
		d->cap = cap;
	}
	if (hg_toml_string(v, &s, NULL) < 0) {
		hg_app_report(&d->a, id, HG_SEV_FAIL, v, "write it as a quoted string",
			      "%s is a %s, dbward wants a string", what,
			      hg_toml_type_name(hg_toml_type(v)));
		s = NULL;
	} else if (hg_dbw_has_ref(s) &&	/* a name read by many items: its ${} is the file's */
		   dbw_effective(d, HG_APP_REFUSED_ID, v, s, buf, sizeof(buf)) == 0) {
		s = buf;
	}
	d->texts[d->ntexts].v = v;
	d->texts[d->ntexts].s = s ? strdup(s) : NULL;
	return d->texts[d->ntexts++].s;
}
HG_LEAK_FP_END

const char *
dbw_text(struct dbw *d, const char *id, const struct hg_toml_value *t, const char *key)
{
	return dbw_text_of(d, id, hg_toml_get(t, key), key);
}

static void
texts_free(struct dbw *d)
{
	for (size_t i = 0; i < d->ntexts; i++)
		free(d->texts[i].s);
	free(d->texts);
}

/* dbward expands ${VAR} before parsing: the text as dbward parses it, or NULL. */
static char *
expanded(const char *text, size_t len)
{
	char *x;

	if (memchr(text, '\0', len) != NULL || !hg_dbw_has_ref(text) ||
	    (x = malloc(HG_TOML_MAX_LEN + 1)) == NULL)
		return NULL;
	if (hg_dbw_expand(text, x, HG_TOML_MAX_LEN + 1, NULL, 0) < 0) {
		free(x);
		return NULL;
	}
	return x;
}

static int
check(struct hg_ctx *ctx, const struct hg_args *a)
{
	const char *role = hg_arg_str(ctx, a, "role"), *env = hg_arg_str(ctx, a, "environment");
	const char *rec = hg_arg_str(ctx, a, "recommended");
	struct dbw d = { .a = { .ctx = ctx, .args = a, .app = "dbward" } };
	int r;

	if ((r = hg_app_open(&d.a, hg_arg_str(ctx, a, "config"), hg_arg_where(ctx, a, "config"),
			     expanded)) != HG_PASS)
		return r;
	d.env = env ? env : "production";
	d.rec = rec && strcmp(rec, "fail") == 0 ? HG_SEV_FAIL : HG_SEV_WARN;
	if (strcmp(role, "server") == 0)
		dbw_check_server(&d);
	else
		dbw_check_agent(&d);
	texts_free(&d);
	hg_app_close(&d.a);
	return d.a.fails ? HG_FAIL : HG_PASS;
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
