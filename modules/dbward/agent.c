/*
 * agent.c - the dbward checklist on dbward-agent.toml (reference §3):
 * the token arrives through ${VAR}, the server is reached over TLS, the
 * scopes are explicit [databases.<db>.<env>] tables, and the database
 * users are not superusers nor one user for reading and DDL.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dbw.h"

static const char *const top_keys[] = {
	"agent_id", "poll_interval_ms", "max_concurrent_tasks", "drain_timeout_secs",
	"statement_timeout_secs", "operations", "startup_retry_initial_ms", "startup_retry_max_ms",
	"startup_max_wait_secs", "schema_sync", "server", "databases", NULL,
};

static const struct hg_app_stale top_stale[] = {
	{ "environments", "DBW-REC-06", HG_SEV_FAIL,
	  "dbward-agent has no environments list and ignores it: its scopes are the [databases.<db>.<env>] tables",
	  "remove it; give each (database, environment) its own [databases.<db>.<env>] table" },
	{ "agent_token", "DBW-PRE-04", HG_SEV_FAIL,
	  "dbward-agent ignores a top-level agent_token: the token is [server].agent_token",
	  "set agent_token = \"${DBWARD_AGENT_TOKEN}\" under [server]" },
	{ NULL, NULL, 0, NULL, NULL },
};

static const char *const server_keys[] = { "url", "agent_token", "allow_insecure", NULL };

/* Database user names that are superusers on common engines and services. */
static const char *const superusers[] = {
	"postgres", "root", "admin", "sa", "rdsadmin", "azure_superuser", "cloudsqlsuperuser",
	"system", "sys", "mysql", NULL,
};

/* dbward's "local or internal" host for plain http (crates/dbward-config/src/transport.rs). */
static int
internal_host(const char *h)
{
	size_t n = strlen(h);
	unsigned char ip[4];
	unsigned a, b;

	if (strcmp(h, "localhost") == 0 || strcmp(h, "0.0.0.0") == 0 || strcmp(h, "[::1]") == 0 ||
	    strncasecmp(h, "[fc", 3) == 0 || strncasecmp(h, "[fd", 3) == 0 ||
	    strncasecmp(h, "[fe80:", 6) == 0 || strchr(h, '.') == NULL)
		return 1;
	if (n > 18 && strcmp(h + n - 18, ".svc.cluster.local") == 0)
		return 1;
	if (n > 9 && strcmp(h + n - 9, ".internal") == 0)
		return 1;
	if (inet_pton(AF_INET, h, ip) == 1) {	/* an address, not a name like 10.1.example.com */
		a = ip[0];
		b = ip[1];
		return a == 127 || a == 10 || (a == 172 && b >= 16 && b <= 31) ||
		       (a == 192 && b == 168) || (a == 169 && b == 254);
	}
	return 0;
}

/* Scheme, user and host of URL into the buffers ("" when absent). */
static void
split_url(const char *url, char *scheme, size_t sn, char *user, size_t un, char *host, size_t hn)
{
	const char *p = strstr(url, "://"), *auth, *end, *at, *colon;

	*scheme = *user = *host = '\0';
	if (p == NULL)
		return;
	snprintf(scheme, sn, "%.*s", (int)(p - url), url);
	auth = p + 3;
	end = auth + strcspn(auth, "/?#");
	at = NULL;	/* the last @ ends the userinfo, as in the URL standard dbward parses by */
	for (const char *q = auth; q < end; q++)
		if (*q == '@')
			at = q;
	if (at) {
		colon = memchr(auth, ':', (size_t)(at - auth));
		snprintf(user, un, "%.*s", (int)((colon ? colon : at) - auth), auth);
		auth = at + 1;
	}
	if (*auth == '[') {
		const char *rb = memchr(auth, ']', (size_t)(end - auth));

		snprintf(host, hn, "%.*s", (int)((rb ? rb + 1 : end) - auth), auth);
	} else {
		colon = memchr(auth, ':', (size_t)(end - auth));
		snprintf(host, hn, "%.*s", (int)((colon ? colon : end) - auth), auth);
	}
}

/* Expand a value as dbward would. 0, or -1 after reporting why it cannot be judged. */
static int
effective(struct dbw *d, const char *id, const struct hg_toml_value *v, const char *s,
	  char *out, size_t n)
{
	char missing[128];
	int r = dbw_expand(s, out, n, missing, sizeof(missing));

	if (r == -ENOENT && hg_stage(d->a.ctx) == HG_STAGE_CHECK) {
		hg_app_report(&d->a, id, HG_SEV_WARN, v, "run the check in the service's environment",
			   "${%s} is not set here: the value cannot be judged", missing);
		return -1;
	}
	if (r == -ENOENT) {
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, v, "set it in the service's environment",
			   "dbward-agent refuses to start: ${%s} is not set", missing);
		return -1;
	}
	if (r < 0) {
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, v, "write ${NAME} or ${NAME:-default}",
			   "dbward-agent refuses to start: a ${} reference is malformed");
		return -1;
	}
	return 0;
}

/* --- PRE-04: the token comes from the environment --- */

static int
looks_like_token(const char *s)
{
	if (strncmp(s, "dbw_", 4) != 0 || strlen(s) != 36)
		return 0;
	for (s += 4; *s; s++)
		if (!isxdigit((unsigned char)*s) || isupper((unsigned char)*s))
			return 0;
	return 1;
}

static void
check_token(struct dbw *d, const struct hg_toml_value *srv)
{
	const struct hg_toml_value *v;
	const char *t = hg_app_str(&d->a, "DBW-PRE-04", srv, "agent_token", &v);
	struct dbw_ref r;
	char val[512];

	if (v == NULL) {
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, srv,
			   "set agent_token = \"${DBWARD_AGENT_TOKEN}\" under [server]",
			   "dbward-agent refuses to start: [server].agent_token is not set");
		return;
	}
	if (t == NULL)
		return;
	if (!dbw_is_ref(t, &r)) {
		/* never the value: only what it looks like */
		hg_app_report(&d->a, "DBW-PRE-04", DBW_MUST, v,
			   "set agent_token = \"${DBWARD_AGENT_TOKEN}\", revoke the written token and inject a new one from the environment",
			   "[server].agent_token is written in the config file%s",
			   looks_like_token(t) ? " (a dbward token, dbw_ and 32 hex digits)" :
			   dbw_has_ref(t) ? " around a ${} reference" : "");
		return;
	}
	if (r.def && r.deflen) {
		hg_app_report(&d->a, "DBW-PRE-04", DBW_MUST, v, "drop the :- default: agent_token = \"${DBWARD_AGENT_TOKEN}\"",
			   "[server].agent_token falls back to a default written in the config file");
		return;
	}
	if (effective(d, "DBW-PRE-04", v, t, val, sizeof(val)) == 0 && val[0] == '\0')
		hg_app_report(&d->a, "DBW-PRE-04", DBW_MUST, v, "set %s in the service's environment",
			   "${%s} is empty: the agent has no token", r.name);
	memset(val, 0, sizeof(val));	/* the token went through it */
}

/* --- PRE-01: the server is reached over TLS --- */

static void
check_transport(struct dbw *d, const struct hg_toml_value *srv)
{
	const struct hg_toml_value *v, *ai;
	const char *url = hg_app_str(&d->a, "DBW-PRE-01", srv, "url", &v), *env;
	int insecure = hg_app_bool(&d->a, "DBW-PRE-01", srv, "allow_insecure", 0, &ai);
	char u[1024], scheme[16], user[64], host[256];

	if (v == NULL) {
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, srv, "set url = \"https://…\" under [server]",
			   "dbward-agent refuses to start: [server].url is not set");
		return;
	}
	if (insecure == 1)
		hg_app_report(&d->a, "DBW-PRE-01", DBW_MUST, ai, "remove allow_insecure and use https://",
			   "allow_insecure = true lets the agent talk to the server without TLS");
	env = getenv("DBWARD_ALLOW_INSECURE");
	if (env && (strcmp(env, "1") == 0 || strcasecmp(env, "true") == 0))
		hg_finding(d->a.ctx, "DBW-PRE-01", DBW_MUST, "DBWARD_ALLOW_INSECURE",
			   "unset DBWARD_ALLOW_INSECURE in the service's environment",
			   "DBWARD_ALLOW_INSECURE=%s overrides the config: the agent may talk without TLS", env);
	if (env && (strcmp(env, "1") == 0 || strcasecmp(env, "true") == 0))
		d->a.fails++;
	if (url == NULL || effective(d, "DBW-PRE-01", v, url, u, sizeof(u)) < 0)
		return;
	split_url(u, scheme, sizeof(scheme), user, sizeof(user), host, sizeof(host));
	if (strcmp(scheme, "https") == 0)
		return;
	if (strcmp(scheme, "http") != 0)
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, v, "use https://",
			   "dbward-agent refuses to start: [server].url scheme \"%s\" is not http(s)", scheme);
	else if (!internal_host(host) && insecure != 1)
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, v, "use https://",
			   "dbward-agent refuses to start: plain http to %s, an external host", host);
	else
		hg_app_report(&d->a, "DBW-PRE-01", DBW_MUST, v, "use https:// (dbward accepts http to internal hosts, but it is cleartext)",
			   "the agent reaches the server at %s over plain http: the token and the SQL travel in cleartext",
			   host);
}

/* --- PRE-06 least-privilege users, REC-06 explicit scopes --- */

static int
superuser(const char *u)
{
	for (const char *const *s = superusers; *s; s++)
		if (strcasecmp(u, *s) == 0)
			return 1;
	return 0;
}

/* Does the agent run reads and DDL (migrations) with the same credentials? */
static int
reads_and_ddl(const struct hg_toml_value *root)
{
	const struct hg_toml_value *ops = hg_toml_get(root, "operations");
	int read = 0, ddl = 0;
	const char *s;

	if (ops == NULL)
		return 1;	/* dbward's default: all five operations */
	for (size_t i = 0; i < hg_toml_count(ops); i++) {
		if (hg_toml_string(hg_toml_at(ops, i), &s, NULL) < 0)
			continue;
		read |= strcmp(s, "execute_select") == 0;
		ddl |= strncmp(s, "migrate_", 8) == 0 && strcmp(s, "migrate_status") != 0;
	}
	return read && ddl;
}

/* 1 if URL's userinfo has a password that is not one ${} reference. */
static int
literal_password(const char *url)
{
	const char *p = strstr(url, "://"), *auth, *end, *at = NULL, *colon;
	struct dbw_ref r;
	char pw[256];

	if (p == NULL)
		return 0;
	auth = p + 3;
	end = auth + strcspn(auth, "/?#");
	for (const char *q = auth; q < end; q++)
		if (*q == '@')
			at = q;
	if (at == NULL || (colon = memchr(auth, ':', (size_t)(at - auth))) == NULL ||
	    colon + 1 == at)
		return 0;
	snprintf(pw, sizeof(pw), "%.*s", (int)(at - colon - 1), colon + 1);
	return !dbw_is_ref(pw, &r);
}

static void
check_dsn(struct dbw *d, const char *db, const char *env, const struct hg_toml_value *t,
	  int mixed)
{
	const struct hg_toml_value *v;
	const char *url = hg_app_str(&d->a, "DBW-PRE-06", t, "url", &v);
	char u[2048], scheme[32], user[128], host[256];

	if (v == NULL) {
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, t, "set url = \"postgres://…\"",
			   "dbward-agent refuses to start: [databases.%s.%s] has no url", db, env);
		return;
	}
	if (url == NULL)
		return;
	if (literal_password(url))
		hg_app_report(&d->a, HG_APP_LITERAL_ID, HG_SEV_WARN, v,
			   "use ${VAR} for the password, or a password file",
			   "[databases.%s.%s].url has a password written in the config file", db, env);
	if (effective(d, "DBW-PRE-06", v, url, u, sizeof(u)) < 0)
		return;
	split_url(u, scheme, sizeof(scheme), user, sizeof(user), host, sizeof(host));
	if (user[0] == '\0')
		hg_finding(d->a.ctx, "DBW-PRE-06", HG_SEV_INFO, d->a.path, NULL,
			   "[databases.%s.%s].url names no user: the driver's default applies, not judged",
			   db, env);
	else if (superuser(user))
		hg_app_report(&d->a, "DBW-PRE-06", DBW_MUST, v,
			   "create a least-privilege user for the agent and use it in the DSN",
			   "[databases.%s.%s] connects as %s, a superuser", db, env, user);
	else if (mixed)
		hg_app_report(&d->a, "DBW-PRE-06", DBW_MUST, v,
			   "run migrations from a second agent with a DDL user, and give this one operations without migrate_up/down/repair",
			   "[databases.%s.%s] runs SELECTs and DDL (migrations) as the same user %s",
			   db, env, user);
}

static void
check_scopes(struct dbw *d)
{
	const struct hg_toml_value *root = hg_toml_root(d->a.doc), *dbs = hg_toml_get(root, "databases");
	int mixed = reads_and_ddl(root);
	size_t n = 0;

	if (dbs && hg_toml_type(dbs) != HG_TOML_TABLE) {
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, dbs,
			   "give each scope its own [databases.<db>.<env>] table with a url",
			   "dbward-agent refuses to start: databases is a %s, not [databases.<db>.<env>] tables",
			   hg_toml_type_name(hg_toml_type(dbs)));
		return;
	}
	for (size_t i = 0; i < hg_toml_count(dbs); i++) {
		const struct hg_toml_value *db = hg_toml_at(dbs, i);
		const char *dn = hg_toml_key(db, NULL);

		if (hg_toml_type(db) != HG_TOML_TABLE) {	/* an array's elements have no key */
			hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, db,
				      "give each scope its own [databases.<db>.<env>] table with a url",
				      "dbward-agent refuses to start: databases.%s is not a table of [databases.%s.<env>] tables (%s)",
				      dn, dn, hg_toml_type_name(hg_toml_type(db)));
			continue;
		}
		for (size_t j = 0; j < hg_toml_count(db); j++) {
			const struct hg_toml_value *e = hg_toml_at(db, j);
			const char *en = hg_toml_key(e, NULL);

			if (hg_toml_type(e) != HG_TOML_TABLE)
				continue;
			n++;
			if (strchr(dn, '*') || strchr(en, '*'))
				hg_app_report(&d->a, "DBW-REC-06", DBW_REC(d), e,
					   "name the database and environment explicitly",
					   "[databases.%s.%s] is a wildcard scope", dn, en);
			check_dsn(d, dn, en, e, mixed);
		}
	}
	if (n == 0)
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, NULL,
			   "add a [databases.<db>.<env>] table with the DSN",
			   "dbward-agent refuses to start: no [databases.<db>.<env>] scope");
}

void
dbw_check_agent(struct dbw *d)
{
	const struct hg_toml_value *root = hg_toml_root(d->a.doc), *srv = hg_toml_get(root, "server");
	const struct hg_toml_value *st = hg_toml_get(root, "statement_timeout_secs");

	hg_app_unknown_keys(&d->a, root, "", top_keys, top_stale);
	if (srv == NULL) {
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, NULL,
			   "add [server] with url and agent_token = \"${DBWARD_AGENT_TOKEN}\"",
			   "dbward-agent refuses to start: no [server] table");
	} else {
		hg_app_unknown_keys(&d->a, srv, "server", server_keys, NULL);
		check_token(d, srv);
		check_transport(d, srv);
	}
	check_scopes(d);
	if (st == NULL)
		hg_finding(d->a.ctx, "DBW-REC-02", HG_SEV_INFO, d->a.path, NULL,
			   "statement_timeout_secs is not set: dbward-agent's default of 60 s applies");
}
