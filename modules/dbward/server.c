/*
 * server.c - the dbward checklist on dbward-server.toml
 * (reference §2): workflows, self-approval, auto-approval, sql_review,
 * execution policies, webhooks, Slack, OIDC, break-glass roles, proxies,
 * result storage, and the modes of state_dir and its key files.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "allowlist.h"
#include "dbw.h"
#include "keyperm.h"

static const char *const top_keys[] = {
	"state_dir", "trusted_proxies", "allow_private_networks", "databases", "auth",
	"workflows", "sql_review", "execution_policies", "webhooks", "notification_policies",
	"result_policies", "slack", "result_storage", "retention", "audit", "logging",
	"result_channel", "mcp", "preflight", NULL,
};

static const struct hg_app_stale top_stale[] = {
	{ "execution_policy", "DBW-REC-07", HG_SEV_FAIL,
	  "dbward ignores this table: the limits are [[execution_policies]] (plural, an array)",
	  "rename it [[execution_policies]]" },
	{ "data_dir", "DBW-PRE-05", HG_SEV_FAIL,
	  "dbward has no data_dir: its key files live in state_dir",
	  "set state_dir, and protect it (0700) and state_dir/signing.key (0600)" },
	{ "allow_self_approve", "DBW-PRE-03", HG_SEV_WARN,
	  "dbward has no global switch: allow_self_approve is set per [[workflows]] entry",
	  "remove it; keep allow_self_approve unset or false in every workflow" },
	{ "tls", "DBW-PRE-01", HG_SEV_FAIL,
	  "dbward-server has no TLS settings and ignores this table: it serves plain HTTP",
	  "terminate TLS in a reverse proxy and declare it with tls_proxy in the policy" },
	{ "execution_window", "DBW-REC-07", HG_SEV_FAIL,
	  "dbward ignores it: the key is execution_window_secs inside [[execution_policies]]",
	  "set execution_window_secs in [[execution_policies]]" },
	{ NULL, NULL, 0, NULL, NULL },
};

static const char *const policy_keys[] = {
	"database", "environment", "max_executions", "execution_window_secs", "retry_on_failure",
	"statement_timeout_secs", "max_statement_timeout_secs", "max_rows",
	"migration_lease_duration_secs", "migration_statement_timeout_secs", NULL,
};

static const struct hg_app_stale policy_stale[] = {
	{ "execution_window", "DBW-REC-07", HG_SEV_FAIL,
	  "dbward ignores it: the window is execution_window_secs",
	  "rename it execution_window_secs" },
	{ NULL, NULL, 0, NULL, NULL },
};

static const char *const all_ops[] = {
	"execute_select", "execute_dml", "migrate_up", "migrate_down", "migrate_status",
	"migrate_repair", NULL,
};

/* The scope (database, environment) of an entry; "*" when absent. */
struct scope {
	const char *db, *env;
};

static struct scope
scope_of(struct dbw *d, const char *id, const struct hg_toml_value *t)
{
	struct scope s;

	s.db = hg_app_str(&d->a, id, t, "database", NULL);
	s.env = hg_app_str(&d->a, id, t, "environment", NULL);
	if (s.db == NULL)
		s.db = "*";
	if (s.env == NULL)
		s.env = "*";
	return s;
}

static int
matches(const char *pattern, const char *value)
{
	return strcmp(pattern, "*") == 0 || strcmp(pattern, value) == 0;
}

/* The array of tables at KEY, or NULL; a plain table there is a dbward start error. */
static const struct hg_toml_value *
table_array(struct dbw *d, const char *key)
{
	const struct hg_toml_value *v = hg_toml_get(hg_toml_root(d->a.doc), key);

	if (v == NULL)
		return NULL;
	if (hg_toml_type(v) != HG_TOML_ARRAY) {
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, v, "write it as [[...]], an array of tables",
			   "dbward refuses to start: %s must be an array of tables ([[%s]]), not a %s",
			   key, key, hg_toml_type_name(hg_toml_type(v)));
		return NULL;
	}
	return v;
}

/* 1 if the operations list of workflow W covers OP (an absent or empty list covers all). */
static int
covers_op(const struct hg_toml_value *w, const char *op)
{
	const struct hg_toml_value *ops = hg_toml_get(w, "operations");
	const char *s;

	if (ops == NULL || hg_toml_count(ops) == 0)
		return 1;
	for (size_t i = 0; i < hg_toml_count(ops); i++)
		if (hg_toml_string(hg_toml_at(ops, i), &s, NULL) == 0 && strcmp(s, op) == 0)
			return 1;
	return 0;
}

/* --- PRE-02: every registered (database, environment) has a workflow --- */

static int
has_workflow(struct dbw *d, const struct hg_toml_value *wfs, const char *db, const char *env)
{
	for (size_t i = 0; i < hg_toml_count(wfs); i++) {
		struct scope s = scope_of(d, "DBW-PRE-02", hg_toml_at(wfs, i));

		if (matches(s.db, db) && matches(s.env, env))
			return 1;
	}
	return 0;
}

static void
check_coverage(struct dbw *d, const struct hg_toml_value *wfs)
{
	const struct hg_toml_value *reg = table_array(d, "databases");
	unsigned pairs = 0, missing = 0;

	if (wfs == NULL || hg_toml_count(wfs) == 0) {
		hg_app_report(&d->a, "DBW-PRE-02", DBW_MUST, NULL,
			   "add a [[workflows]] entry for every database and environment",
			   "no [[workflows]]: every request is rejected, and nothing defines who approves");
		return;
	}
	if (reg == NULL || hg_toml_count(reg) == 0) {
		hg_app_report(&d->a, "DBW-PRE-02", HG_SEV_WARN, NULL,
			   "list the databases and their environments in [[databases]]",
			   "no [[databases]] registry: workflow coverage cannot be checked");
		return;
	}
	for (size_t i = 0; i < hg_toml_count(reg); i++) {
		const struct hg_toml_value *e = hg_toml_at(reg, i), *envs, *ev;
		const char *db = hg_app_str(&d->a, "DBW-PRE-02", e, "name", NULL), *env;

		envs = hg_toml_get(e, "environments");
		if (db == NULL)
			continue;
		for (size_t j = 0; j < hg_toml_count(envs); j++) {
			ev = hg_toml_at(envs, j);
			if (hg_toml_string(ev, &env, NULL) < 0)
				continue;
			pairs++;
			if (has_workflow(d, wfs, db, env))
				continue;
			missing++;
			hg_app_report(&d->a, "DBW-PRE-02", DBW_MUST, ev,
				   "add a [[workflows]] entry that matches it (database and environment, or \"*\")",
				   "no workflow matches database %s, environment %s: its requests are rejected",
				   db, env);
		}
	}
	if (missing == 0)
		hg_finding(d->a.ctx, "DBW-PRE-02", HG_SEV_INFO, d->a.path, NULL,
			   "all %u registered (database, environment) pairs have a workflow; "
			   "unmatched requests are rejected by dbward", pairs);
}

/* --- PRE-03 self-approval, REC-12 auto-approval --- */

/*
 * Does workflow W (environment "*") win for production requests of
 * operation OP on database DB? dbward scores env exact +4, db exact +2,
 * operation listed +1: any production-specific match beats it.
 */
static int
prod_override(struct dbw *d, const struct hg_toml_value *wfs, const char *db, const char *op)
{
	for (size_t i = 0; i < hg_toml_count(wfs); i++) {
		const struct hg_toml_value *w = hg_toml_at(wfs, i);
		struct scope s = scope_of(d, "DBW-REC-12", w);

		if (strcmp(s.env, d->env) == 0 && matches(s.db, db) && covers_op(w, op))
			return 1;
	}
	return 0;
}

/* The first operation of W for which it wins for production on DB, or NULL. */
static const char *
wins_for_prod(struct dbw *d, const struct hg_toml_value *wfs, const struct hg_toml_value *w,
	      const char *db)
{
	for (const char *const *op = all_ops; *op; op++)
		if (covers_op(w, *op) && !prod_override(d, wfs, db, *op))
			return *op;
	return NULL;
}

static void
check_auto_approve(struct dbw *d, const struct hg_toml_value *wfs, const struct hg_toml_value *w,
		   struct scope s)
{
	const struct hg_toml_value *aa = hg_toml_get(w, "auto_approve"), *rv;
	const char *mode = hg_app_str(&d->a, "DBW-REC-12", aa, "mode", NULL);
	const char *risk = hg_app_str(&d->a, "DBW-REC-12", aa, "risk", &rv), *op;

	if (aa == NULL)
		return;
	if (risk && strcmp(risk, "low") != 0 && strcmp(risk, "medium") != 0 &&
	    strcmp(risk, "high") != 0)
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, rv,
			   "use low, medium or high; for production, remove [workflows.auto_approve]",
			   "dbward refuses to start: auto_approve risk \"%s\" is not low, medium or high%s",
			   risk, strcmp(risk, "none") == 0 ? " (risk = \"none\" is the checklist's old wording)" : "");
	if (strcmp(s.env, d->env) == 0) {
		hg_app_report(&d->a, "DBW-REC-12", DBW_REC(d), aa, "remove [workflows.auto_approve] from it",
			   "workflow for %s/%s auto-approves%s in %s", s.db, s.env,
			   mode && strcmp(mode, "always") == 0 ? " every request" : " by risk", d->env);
		return;
	}
	if (strcmp(s.env, "*") != 0)
		return;
	if ((op = wins_for_prod(d, wfs, w, s.db)) != NULL)
		hg_app_report(&d->a, "DBW-REC-12", DBW_REC(d), aa,
			   "add a workflow for environment production without auto_approve, or scope this one to other environments",
			   "workflow for %s/* auto-approves and is the one that matches %s requests (%s) in %s",
			   s.db, s.db, op, d->env);
}

static void
check_workflows(struct dbw *d, const struct hg_toml_value *wfs)
{
	for (size_t i = 0; i < hg_toml_count(wfs); i++) {
		const struct hg_toml_value *w = hg_toml_at(wfs, i), *v;
		struct scope s = scope_of(d, "DBW-PRE-03", w);

		if (hg_app_bool(&d->a, "DBW-PRE-03", w, "allow_self_approve", 0, &v) == 1)
			hg_app_report(&d->a, "DBW-PRE-03", DBW_MUST, v, "set allow_self_approve = false",
				   "workflow for %s/%s allows self-approval", s.db, s.env);
		check_auto_approve(d, wfs, w, s);
	}
	if (hg_toml_get(hg_toml_root(d->a.doc), "auto_approve"))
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL,
			   hg_toml_get(hg_toml_root(d->a.doc), "auto_approve"),
			   "move it into a [workflows.auto_approve] of a non-production workflow",
			   "dbward refuses to start: top-level [[auto_approve]] is the legacy form");
}

/* --- REC-11 sql_review --- */

/* The rule's value for (DB, production): the most specific entry, else dbward's default. */
static const char *
review_rule(struct dbw *d, const struct hg_toml_value *rv, const char *db, const char *rule,
	    const struct hg_toml_value **where)
{
	const struct hg_toml_value *best = NULL;
	int best_score = -1;

	for (size_t i = 0; i < hg_toml_count(rv); i++) {
		const struct hg_toml_value *e = hg_toml_at(rv, i);
		struct scope s = scope_of(d, "DBW-REC-11", e);
		int score;

		if (!matches(s.db, db) || !matches(s.env, d->env))
			continue;
		score = (strcmp(s.env, "*") != 0) * 2 + (strcmp(s.db, "*") != 0);
		if (score > best_score) {
			best = e;
			best_score = score;
		}
	}
	*where = best;
	if (best) {
		const char *v = hg_app_str(&d->a, "DBW-REC-11", best, rule, NULL);

		if (v)
			return v;
	}
	return "block";	/* dbward's default for drop_table and truncate */
}

static void
check_sql_review(struct dbw *d, const char *const *dbs, size_t ndb)
{
	const struct hg_toml_value *rv = hg_toml_get(hg_toml_root(d->a.doc), "sql_review"), *w;
	static const char *const rules[] = { "drop_table", "truncate", NULL };

	if (rv && hg_toml_type(rv) == HG_TOML_TABLE) {
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, rv, "write [[sql_review]]",
			   "dbward refuses to start: [sql_review] must be [[sql_review]] (an array of tables)");
		return;
	}
	for (size_t i = 0; i < ndb; i++)
		for (const char *const *r = rules; *r; r++) {
			const char *val = review_rule(d, rv, dbs[i], *r, &w);

			if (strcmp(val, "block") != 0)
				hg_app_report(&d->a, "DBW-REC-11", DBW_REC(d), w ? hg_toml_get(w, *r) : NULL,
					   "set it to \"block\" for production",
					   "sql_review %s is \"%s\" for %s in %s", *r, val, dbs[i], d->env);
		}
}

/* --- REC-02 statement timeouts, REC-07 execution limits --- */

static void
check_execution_policies(struct dbw *d)
{
	const struct hg_toml_value *eps = table_array(d, "execution_policies");
	int limited = 0, timeout = 0;

	for (size_t i = 0; i < hg_toml_count(eps); i++) {
		const struct hg_toml_value *p = hg_toml_at(eps, i), *me, *ew;
		struct scope s = scope_of(d, "DBW-REC-07", p);
		int64_t n;

		/* a value of another type is a finding (dbward refuses it), and no limit */
		hg_app_int(&d->a, "DBW-REC-07", p, "max_executions", 0, &me);
		hg_app_int(&d->a, "DBW-REC-07", p, "execution_window_secs", 0, &ew);
		if (hg_toml_type(me) != HG_TOML_INTEGER)
			me = NULL;
		if (hg_toml_type(ew) != HG_TOML_INTEGER)
			ew = NULL;
		hg_app_unknown_keys(&d->a, p, "execution_policies", policy_keys, policy_stale);
		if (me && hg_toml_int(me, &n) == 0 && n == 0)
			hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, me, "remove it or set a positive limit",
				   "dbward refuses to start: max_executions = 0");
		if (!matches(s.env, d->env))
			continue;
		if (me && ew)
			limited = 1;
		else if (me || ew)
			hg_app_report(&d->a, "DBW-REC-07", DBW_REC(d), me ? me : ew,
				   "set both max_executions and execution_window_secs",
				   "execution policy for %s/%s sets %s without %s", s.db, s.env,
				   me ? "max_executions" : "execution_window_secs",
				   me ? "execution_window_secs" : "max_executions");
		timeout |= hg_toml_get(p, "statement_timeout_secs") != NULL;
	}
	if (!limited)
		hg_app_report(&d->a, "DBW-REC-07", DBW_REC(d), NULL,
			   "add [[execution_policies]] with max_executions and execution_window_secs",
			   "no execution policy limits how often a request runs in %s", d->env);
	if (!timeout)
		hg_finding(d->a.ctx, "DBW-REC-02", HG_SEV_INFO, d->a.path, NULL,
			   "no server-side statement timeout for %s: each agent's statement_timeout_secs applies (60 s unless set)",
			   d->env);
}

/* --- REC-03 webhooks, REC-04 Slack --- */

/*
 * A secret value written in the file instead of a ${VAR} reference, or a
 * reference that falls back to a default written in the file.
 */
static int
literal(const char *s)
{
	struct dbw_ref r;

	return s && *s && (!dbw_is_ref(s, &r) || (r.def && r.deflen));
}

static void
check_webhooks(struct dbw *d)
{
	const struct hg_toml_value *whs = table_array(d, "webhooks"), *v;

	for (size_t i = 0; i < hg_toml_count(whs); i++) {
		const struct hg_toml_value *w = hg_toml_at(whs, i);
		const char *id = hg_app_str(&d->a, "DBW-REC-03", w, "id", NULL);
		const char *sec = hg_app_str(&d->a, "DBW-REC-03", w, "secret", &v);

		if (sec == NULL || sec[strspn(sec, " \t")] == '\0')
			hg_app_report(&d->a, "DBW-REC-03", DBW_REC(d), v ? v : w,
				   "set secret = \"${WEBHOOK_SECRET}\" and verify X-Dbward-Signature at the receiver",
				   "webhook %s has no secret: its deliveries are unsigned", id ? id : "?");
		else if (literal(sec))
			hg_app_report(&d->a, HG_APP_LITERAL_ID, HG_SEV_WARN, v,
				   "use secret = \"${NAME}\" and put the value in the environment",
				   "webhook %s's secret is written in the config file", id ? id : "?");
	}
	if (hg_app_bool(&d->a, "DBW-REC-03", hg_toml_root(d->a.doc), "allow_private_networks", 0, &v) == 1)
		hg_app_report(&d->a, "DBW-REC-03", DBW_REC(d), v, "set allow_private_networks = false",
			   "allow_private_networks = true turns off the webhook SSRF guard");
}

static void
check_slack(struct dbw *d)
{
	const struct hg_toml_value *sl = hg_toml_get(hg_toml_root(d->a.doc), "slack"), *v;
	const char *sec, *tok;
	struct dbw_ref r;

	if (sl == NULL)
		return;
	sec = hg_app_str(&d->a, "DBW-REC-04", sl, "signing_secret", &v);
	if (v == NULL) {
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, sl,
			   "set signing_secret = \"${SLACK_SIGNING_SECRET}\"",
			   "dbward refuses to start: [slack] has no signing_secret");
	} else if (sec && dbw_is_ref(sec, &r) && r.def && r.deflen) {
		hg_app_report(&d->a, "DBW-REC-04", DBW_REC(d), v, "drop the :- default",
			   "[slack].signing_secret falls back to a default written in the config file");
	} else if (sec && literal(sec)) {
		hg_app_report(&d->a, "DBW-REC-04", DBW_REC(d), v,
			   "set signing_secret = \"${SLACK_SIGNING_SECRET}\" and put the value in the environment",
			   "[slack].signing_secret is written in the config file, not taken from the environment");
	} else if (sec && *sec == '\0') {
		hg_app_report(&d->a, "DBW-REC-04", DBW_REC(d), v, "set signing_secret = \"${SLACK_SIGNING_SECRET}\"",
			   "[slack].signing_secret is empty: dbward disables Slack");
	}
	tok = hg_app_str(&d->a, HG_APP_LITERAL_ID, sl, "bot_token", &v);
	if (literal(tok))
		hg_app_report(&d->a, HG_APP_LITERAL_ID, HG_SEV_WARN, v, "use bot_token = \"${SLACK_BOT_TOKEN}\"",
			   "[slack].bot_token is written in the config file");
}

/* --- REC-01 OIDC, REC-05 break-glass --- */

static void
check_oidc(struct dbw *d, const struct hg_toml_value *auth)
{
	const struct hg_toml_value *o = hg_toml_get(auth, "oidc"), *v;
	const char *iss;

	if (o == NULL) {
		hg_app_report(&d->a, "DBW-REC-01", DBW_REC(d), auth,
			   "configure [auth.oidc] with your identity provider",
			   "OIDC is not configured: every user is a dbward token to manage");
		return;
	}
	iss = hg_app_str(&d->a, "DBW-REC-01", o, "issuer_url", &v);
	if (iss == NULL)
		iss = hg_app_str(&d->a, "DBW-REC-01", o, "issuer", &v);
	if (iss == NULL)
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, o, "set issuer_url",
			   "dbward refuses to start: [auth.oidc] has no issuer_url");
	else if (strncmp(iss, "https://", 8) != 0)
		hg_app_report(&d->a, "DBW-REC-01", DBW_REC(d), v, "use the issuer's https:// URL",
			   "OIDC issuer %s is not https", iss);
}

/* 1 if one permission string grants break-glass ("*" or request.break_glass_*[:scope]). */
static int
break_glass_perm(const char *p)
{
	return strcmp(p, "*") == 0 || strncmp(p, "request.break_glass_", 20) == 0;
}

static int
listed(const char *s, struct dbw *d)
{
	const char *a;

	if (!hg_arg_isset(d->a.ctx, d->a.args, "break_glass_roles"))
		return strcmp(s, "operator") == 0;
	for (size_t i = 0; (a = hg_arg_list_at(d->a.ctx, d->a.args, "break_glass_roles", i)); i++)
		if (strcmp(a, s) == 0)
			return 1;
	return 0;
}

/* 1 if role NAME holds a break-glass permission (built-in operator, or a custom role). */
static int
break_glass_role(struct dbw *d, const struct hg_toml_value *roles, const char *name)
{
	if (strcmp(name, "operator") == 0)
		return 1;
	for (size_t i = 0; i < hg_toml_count(roles); i++) {
		const struct hg_toml_value *r = hg_toml_at(roles, i), *ps;
		const char *n = hg_app_str(&d->a, "DBW-REC-05", r, "name", NULL), *p;

		if (n == NULL || strcmp(n, name) != 0)
			continue;
		ps = hg_toml_get(r, "permissions");
		for (size_t j = 0; j < hg_toml_count(ps); j++)
			if (hg_toml_string(hg_toml_at(ps, j), &p, NULL) == 0 && break_glass_perm(p))
				return 1;
	}
	return 0;
}

static void
check_default_role(struct dbw *d, const struct hg_toml_value *t, const char *where,
		   const struct hg_toml_value *roles)
{
	const struct hg_toml_value *v;
	const char *r = hg_app_str(&d->a, "DBW-REC-05", t, "default_role", &v);

	if (r && break_glass_role(d, roles, r))
		hg_app_report(&d->a, "DBW-REC-05", DBW_REC(d), v,
			   "make the default role one without request.break_glass_*",
			   "%s.default_role = \"%s\" gives break-glass to every user without a role",
			   where, r);
}

/* REC-05 on one granted role name V (a group's role, an OIDC mapping's role). */
static void
check_grant(struct dbw *d, const struct hg_toml_value *v, const struct hg_toml_value *roles)
{
	const char *r;

	if (hg_toml_string(v, &r, NULL) == 0 && break_glass_role(d, roles, r) && !listed(r, d))
		hg_app_report(&d->a, "DBW-REC-05", DBW_REC(d), v,
			   "grant a role without request.break_glass_*, or add it to break_glass_roles in the policy",
			   "grants role %s, which can use break-glass but is not a designated break-glass role", r);
}

/* The roles granted by each element of the array of tables T (KEY: a name or a list of names). */
static void
check_grants(struct dbw *d, const struct hg_toml_value *t, const char *key,
	     const struct hg_toml_value *roles)
{
	for (size_t i = 0; i < hg_toml_count(t); i++) {
		const struct hg_toml_value *v = hg_toml_get(hg_toml_at(t, i), key);

		if (hg_toml_type(v) == HG_TOML_ARRAY)
			for (size_t j = 0; j < hg_toml_count(v); j++)
				check_grant(d, hg_toml_at(v, j), roles);
		else
			check_grant(d, v, roles);
	}
}

static void
check_break_glass(struct dbw *d, const struct hg_toml_value *auth)
{
	const struct hg_toml_value *roles = hg_toml_get(auth, "roles");

	for (size_t i = 0; i < hg_toml_count(roles); i++) {
		const struct hg_toml_value *r = hg_toml_at(roles, i);
		const char *n = hg_app_str(&d->a, "DBW-REC-05", r, "name", NULL);

		if (n && break_glass_role(d, roles, n) && !listed(n, d))
			hg_app_report(&d->a, "DBW-REC-05", DBW_REC(d), r,
				   "remove request.break_glass_* (and \"*\") from it, or add it to break_glass_roles in the policy",
				   "role %s can use break-glass but is not a designated break-glass role", n);
	}
	check_default_role(d, auth, "auth", roles);
	check_default_role(d, hg_toml_get(auth, "oidc"), "auth.oidc", roles);
	check_grants(d, hg_toml_get(auth, "groups"), "roles", roles);
	check_grants(d, hg_toml_get(hg_toml_get(auth, "oidc"), "role_mappings"), "role", roles);
}

/* --- REC-10 trusted proxies --- */

static void
check_proxies(struct dbw *d)
{
	const struct hg_toml_value *tp = hg_toml_get(hg_toml_root(d->a.doc), "trusted_proxies");
	char entry[128], err[128];
	struct hg_dest dest;

	if (hg_toml_count(tp) == 0) {
		hg_app_report(&d->a, "DBW-REC-10", DBW_REC(d), tp,
			   "set trusted_proxies to your reverse proxy's addresses or CIDRs",
			   "trusted_proxies is empty: behind a proxy, every request seems to come from the proxy");
		return;
	}
	for (size_t i = 0; i < hg_toml_count(tp); i++) {
		const struct hg_toml_value *v = hg_toml_at(tp, i);
		const char *s;

		if (hg_toml_string(v, &s, NULL) < 0)
			continue;
		snprintf(entry, sizeof(entry), strchr(s, ':') ? "[%s]:*" : "%s:*", s);
		if (hg_dest_parse(entry, &dest, err, sizeof(err)) < 0 || dest.family == AF_UNIX)
			hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, v,
				   "write an IP address or a CIDR", "dbward refuses to start: "
				   "trusted_proxies entry \"%s\" is not an address or CIDR", s);
		else if (dest.prefix == 0)
			hg_app_report(&d->a, "DBW-REC-10", DBW_REC(d), v,
				   "list only your reverse proxy's addresses",
				   "trusted_proxies contains %s: anyone can forge X-Forwarded-For", s);
	}
}

/* --- PRE-05 state_dir and its key files; REC-13 result storage --- */

static void
check_state_dir(struct dbw *d)
{
	static const char *const keys[] = {
		"signing.key", "audit-signing.key", "admin-token", "agent-token", "requester-token",
		NULL,
	};
	const struct hg_toml_value *v;
	const char *sd = hg_app_str(&d->a, "DBW-PRE-05", hg_toml_root(d->a.doc), "state_dir", &v);
	char dir[PATH_MAX], file[PATH_MAX + 32], xsd[PATH_MAX];
	struct hg_keyperm k = { .id = "DBW-PRE-05", .owner = hg_arg_str(d->a.ctx, d->a.args, "owner"),
				.owner_where = hg_arg_where(d->a.ctx, d->a.args, "owner") };
	const char *slash = strrchr(d->a.path, '/');
	struct stat st;
	int n;

	if (sd == NULL) {
		if (v == NULL)
			hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, NULL, "set state_dir",
				   "dbward refuses to start: state_dir is not set");
		return;
	}
	if (dbw_has_ref(sd)) {	/* dbward expands ${VAR} before it reads the path */
		char missing[128];
		int r = dbw_expand(sd, xsd, sizeof(xsd), missing, sizeof(missing));

		if (r == -ENOENT && hg_stage(d->a.ctx) == HG_STAGE_CHECK) {
			hg_app_report(&d->a, "DBW-PRE-05", HG_SEV_WARN, v, "run the check in the service's environment",
				   "${%s} is not set here: state_dir cannot be judged", missing);
			return;
		}
		if (r < 0) {
			hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, v, "write ${NAME} or ${NAME:-default}, and set NAME",
				   "dbward refuses to start: state_dir's ${} reference is unset or malformed");
			return;
		}
		sd = xsd;
	}
	if (sd[0] == '/')	/* relative: against the config file's directory */
		n = snprintf(dir, sizeof(dir), "%s", sd);
	else
		n = snprintf(dir, sizeof(dir), "%.*s/%s", (int)(slash - d->a.path), d->a.path, sd);
	if (n < 0 || (size_t)n >= sizeof(dir) - sizeof("/audit-signing.key")) {
		/* a cut path would be another directory: judge nothing rather than the wrong one */
		hg_app_report(&d->a, "DBW-PRE-05", DBW_MUST, v, "use a shorter state_dir",
			   "state_dir is longer than a path can be: its modes cannot be checked");
		return;
	}
	if (lstat(dir, &st) < 0 && errno == ENOENT) {
		hg_app_report(&d->a, "DBW-PRE-05", DBW_MUST, v, "create it first: install -d -m 0700 -o dbward STATE_DIR",
			   "state_dir %s does not exist: dbward would create it with the umask's mode", dir);
		return;
	}
	k.path = dir;
	k.dir = 1;
	k.mode = 0700;
	if (hg_keyperm_open(d->a.ctx, &k, O_PATH, NULL) != HG_PASS)
		d->a.fails++;
	k.dir = 0;
	k.mode = 0600;
	for (const char *const *f = keys; *f; f++) {
		snprintf(file, sizeof(file), "%s/%s", dir, *f);
		k.path = file;
		if (lstat(file, &st) < 0 && errno == ENOENT)
			continue;	/* dbward creates it 0600 at its first start */
		if (hg_keyperm_open(d->a.ctx, &k, O_PATH, NULL) != HG_PASS)
			d->a.fails++;
	}
}

static void
check_result_storage(struct dbw *d)
{
	const struct hg_toml_value *rs = hg_toml_get(hg_toml_root(d->a.doc), "result_storage"), *v;
	const char *b = hg_app_str(&d->a, "DBW-REC-13", rs, "backend", NULL);
	static const char *const secrets[] = { "access_key_id", "secret_access_key", NULL };

	if (b == NULL || strcmp(b, "s3") != 0)
		return;
	hg_finding(d->a.ctx, "DBW-REC-13", HG_SEV_INFO, d->a.path,
		   "enable SSE-S3 or SSE-KMS as the bucket's default, then run hardgate attest DBW-REC-13",
		   "results go to S3: server-side encryption is a bucket setting dbward cannot set, "
		   "not verifiable from config");
	for (const char *const *k = secrets; *k; k++)
		if (literal(hg_app_str(&d->a, HG_APP_LITERAL_ID, rs, *k, &v)))
			hg_app_report(&d->a, HG_APP_LITERAL_ID, HG_SEV_WARN, v,
				   "use an IAM role, or ${VAR} from the environment",
				   "[result_storage].%s is written in the config file", *k);
}

static void
check_tls(struct dbw *d)
{
	const char *proxy = hg_arg_str(d->a.ctx, d->a.args, "tls_proxy");

	if (proxy) {
		hg_finding(d->a.ctx, "DBW-PRE-01", HG_SEV_INFO, hg_arg_where(d->a.ctx, d->a.args, "tls_proxy"),
			   NULL, "dbward serves plain HTTP; TLS is terminated by %s (declared in the policy)",
			   proxy);
		return;
	}
	hg_finding(d->a.ctx, "DBW-PRE-01", DBW_MUST, hg_arg_where(d->a.ctx, d->a.args, "config"),
		   "put a TLS-terminating reverse proxy in front of dbward and declare it with tls_proxy",
		   "dbward serves plain HTTP and has no TLS settings, and no TLS proxy is declared");
	d->a.fails++;
}

/* The registered databases that have the production environment (for REC-11). */
static size_t
prod_databases(struct dbw *d, const char **out, size_t max)
{
	const struct hg_toml_value *reg = hg_toml_get(hg_toml_root(d->a.doc), "databases");
	size_t n = 0;

	for (size_t i = 0; i < hg_toml_count(reg) && n < max; i++) {
		const struct hg_toml_value *e = hg_toml_at(reg, i), *envs = hg_toml_get(e, "environments");
		const char *db, *env;

		if (hg_toml_string(hg_toml_get(e, "name"), &db, NULL) < 0)
			continue;
		for (size_t j = 0; j < hg_toml_count(envs); j++)
			if (hg_toml_string(hg_toml_at(envs, j), &env, NULL) == 0 &&
			    matches(env, d->env)) {
				out[n++] = db;
				break;
			}
	}
	if (n == 0 && max)
		out[n++] = "*";	/* no registry: judge the catch-all */
	return n;
}

void
dbw_check_server(struct dbw *d)
{
	const struct hg_toml_value *root = hg_toml_root(d->a.doc);
	const struct hg_toml_value *wfs = table_array(d, "workflows");
	const struct hg_toml_value *auth = hg_toml_get(root, "auth");
	const char *dbs[256];
	size_t ndb = prod_databases(d, dbs, 256);

	hg_app_unknown_keys(&d->a, root, "", top_keys, top_stale);
	check_tls(d);
	check_coverage(d, wfs);
	check_workflows(d, wfs);
	check_state_dir(d);
	check_oidc(d, auth);
	check_execution_policies(d);
	check_webhooks(d);
	check_slack(d);
	check_break_glass(d, auth);
	check_proxies(d);
	check_sql_review(d, dbs, ndb);
	check_result_storage(d);
}
