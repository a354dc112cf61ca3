/*
 * kalamdb.c - the KalamDB checklist from KalamDB's own server.toml.
 *
 * Sections A (this file) and B (cluster.c) are judged on the values
 * KalamDB would use: its fixed environment overrides first, then the
 * file, then its defaults (shared/reference/kalamdb-config.md). KalamDB
 * ignores unknown keys everywhere, so in the sections whose schema is
 * known an unknown key is a finding, and the stale spellings of the
 * checklist ([cluster.rpc_tls], ca_cert_path...) fail the item they were
 * meant for. Certificates and keys themselves are the tls module's; the
 * JWT secret's strength is secretenv's: this module says where they must
 * come from. Check-only.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kdb.h"

static const struct hg_arg_spec args[] = {
	{ "config", HG_ARG_STRING, 1, NULL, "absolute path of KalamDB's server.toml" },
	{ "cluster", HG_ARG_BOOL, 0, NULL, "this node must be a cluster member (section B applies)" },
	{ "tls_proxy", HG_ARG_STRING, 0, NULL,
	  "the TLS-terminating proxy in front of the HTTP API (KalamDB has no HTTPS of its own)" },
	{ "owner", HG_ARG_STRING, 0, NULL, "account that must own rpc_tls.server_key" },
	{ "max_body_bytes", HG_ARG_INT, 0, NULL,
	  "largest rate_limit.request_body_limit_bytes allowed (default 10485760, KalamDB's)" },
	{ "max_ws_message_bytes", HG_ARG_INT, 0, NULL,
	  "largest security.max_ws_message_size allowed (default 1048576, KalamDB's)" },
	{ "max_file_bytes", HG_ARG_INT, 0, NULL,
	  "largest files.max_size_bytes allowed (default 26214400, KalamDB's)" },
	{ "max_jwt_expiry_hours", HG_ARG_INT, 0, NULL,
	  "longest auth.jwt_expiry_hours allowed (default 24, KalamDB's)" },
	{ NULL, 0, 0, NULL, NULL },
};

static const char *const ids[] = {
	"KDB-A-01", "KDB-A-02", "KDB-A-03", "KDB-A-04", "KDB-A-05", "KDB-A-06", "KDB-A-07",
	"KDB-A-08", "KDB-A-09", "KDB-A-10", "KDB-B-01", "KDB-B-02", "KDB-B-03", "KDB-B-04",
	"KDB-C-01", "KDB-C-03",
	HG_APP_READ_ID, HG_APP_UNKNOWN_ID, HG_APP_LITERAL_ID, HG_APP_REFUSED_ID, NULL,
};

static const char *const server_keys[] = {
	"host", "port", "public_origin", "workers", "api_version", "enable_http2", "ui_path", NULL,
};
static const char *const auth_keys[] = {
	"jwt_secret", "jwt_trusted_issuers", "jwt_expiry_hours", "cookie_secure",
	"min_password_length", "max_password_length", "bcrypt_cost",
	"enforce_password_complexity", "allow_remote_setup", "root_password", "pg_auth_token",
	NULL,
};
static const struct hg_app_stale auth_stale[] = {
	{ "disable_common_password_check", "KDB-A-05", HG_SEV_WARN,
	  "KalamDB has no such setting and ignores it", "remove it" },
	{ "auto_create_users_from_provider", "KDB-A-03", HG_SEV_WARN,
	  "KalamDB ignores it: provisioning is [oauth] auto_provision", "remove it" },
	{ NULL, NULL, 0, NULL, NULL },
};
static const char *const security_keys[] = {
	"trusted_proxy_ranges", "max_ws_message_size", "strict_ws_origin_check",
	"max_request_body_size", "cors", NULL,
};
static const char *const cors_keys[] = {
	"allowed_origins", "allowed_methods", "allowed_headers", "expose_headers",
	"allow_credentials", "max_age", "allow_private_network", NULL,
};
static const char *const rate_keys[] = {
	"enable_connection_protection", "max_queries_per_sec", "max_messages_per_sec",
	"max_subscriptions_per_user", "max_auth_requests_per_ip_per_sec", "max_connections_per_ip",
	"max_requests_per_ip_per_sec", "request_body_limit_bytes", "ban_duration_seconds",
	"cache_max_entries", "cache_ttl_seconds", NULL,
};

/* --- values as KalamDB uses them --- */

static int
env_true(const char *s)
{
	return strcmp(s, "1") == 0 || strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0;
}

const char *
kdb_str(struct kdb *d, const char *id, const struct hg_toml_value *t, const char *key,
	const char *env, struct kval *kv)
{
	const char *e = env ? getenv(env) : NULL;
	const char *s = hg_app_str(&d->a, id, t, key, &kv->v);

	kv->env = env;
	kv->from_env = e != NULL;
	return e ? e : s;
}

int
kdb_bool(struct kdb *d, const char *id, const struct hg_toml_value *t, const char *key,
	 const char *env, int def, struct kval *kv)
{
	const char *e = env ? getenv(env) : NULL;
	int b = hg_app_bool(&d->a, id, t, key, def, &kv->v);

	kv->env = env;
	kv->from_env = e != NULL;
	return e ? env_true(e) : b;
}

void
kdb_report(struct kdb *d, const char *id, enum hg_severity sev, const struct kval *kv,
	   const char *fix, const char *fmt, ...)
{
	char msg[1024], where[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (kv && kv->from_env) {
		snprintf(where, sizeof(where), "%s (environment)", kv->env);
		if (sev == HG_SEV_FAIL)
			d->a.fails++;
		hg_finding(d->a.ctx, id, sev, where, fix, "%s", msg);
		return;
	}
	hg_app_report(&d->a, id, sev, kv ? kv->v : NULL, fix, "%s", msg);
}

void
kdb_host(const char *addr, char *out, size_t n)
{
	const char *p = strstr(addr, "://"), *end;

	p = p ? p + 3 : addr;
	if (*p == '[') {
		end = strchr(p, ']');
		snprintf(out, n, "%.*s", end ? (int)(end - p + 1) : (int)strlen(p), p);
		return;
	}
	end = p + strcspn(p, ":/");
	snprintf(out, n, "%.*s", (int)(end - p), p);
}

int
kdb_loopback(const char *h)
{
	return strcmp(h, "localhost") == 0 || strcmp(h, "::1") == 0 || strcmp(h, "[::1]") == 0 ||
	       strncmp(h, "127.", 4) == 0;
}

/* --- HTTPS only --- */

static void
check_https(struct kdb *d, const struct hg_toml_value *server)
{
	const char *proxy = hg_arg_str(d->a.ctx, d->a.args, "tls_proxy");
	struct kval ko, kc;
	const char *origin = kdb_str(d, "KDB-A-01", server, "public_origin",
				     "KALAMDB_SERVER_PUBLIC_ORIGIN", &ko);
	int secure = kdb_bool(d, "KDB-A-01", d->auth, "cookie_secure", NULL, 1, &kc);
	const char *e = getenv("KALAMDB_COOKIE_SECURE");

	if (e) {	/* KalamDB: true unless false/0/no */
		secure = !(strcmp(e, "0") == 0 || strcasecmp(e, "false") == 0 ||
			   strcasecmp(e, "no") == 0);
		kc.env = "KALAMDB_COOKIE_SECURE";
		kc.from_env = 1;
	}
	if (secure == 0)
		kdb_report(d, "KDB-A-01", HG_SEV_FAIL, &kc, "set auth.cookie_secure = true",
			   "cookie_secure = false: session cookies go out without the Secure flag");
	if (origin && strncmp(origin, "https://", 8) == 0)
		return;
	if (proxy) {
		hg_finding(d->a.ctx, "KDB-A-01", HG_SEV_INFO,
			   hg_arg_where(d->a.ctx, d->a.args, "tls_proxy"),
			   "set server.public_origin to the https:// address clients use",
			   "KalamDB serves plain HTTP; TLS is terminated by %s (declared in the policy)",
			   proxy);
		return;
	}
	kdb_report(d, "KDB-A-01", HG_SEV_FAIL, &ko,
		   "terminate TLS in a reverse proxy, set public_origin = \"https://…\", and declare the proxy with tls_proxy",
		   "the API is plain HTTP (public_origin %s) and no TLS proxy is declared",
		   origin && *origin ? origin : "unset: http://localhost");
}

/* --- A-02 JWT secret's source, A-03 issuers, A-04 remote setup, A-05 passwords --- */

static void
check_auth(struct kdb *d)
{
	struct kval k = { 0 };
	const char *v;
	int64_t n;

	/* the secret comes from KALAMDB_JWT_SECRET (secretenv judges its strength) */
	k.from_env = 0;
	if (hg_app_str(&d->a, "KDB-A-02", d->auth, "jwt_secret", &k.v))
		kdb_report(d, "KDB-A-02", HG_SEV_FAIL, &k,
			   "remove jwt_secret from the file and set KALAMDB_JWT_SECRET in the service's environment",
			   "auth.jwt_secret is written in the config file%s",
			   getenv("KALAMDB_JWT_SECRET") ? " (KALAMDB_JWT_SECRET overrides it)" : "");
	else if (getenv("KALAMDB_JWT_SECRET") == NULL)
		hg_finding(d->a.ctx, "KDB-A-02",
			   hg_stage(d->a.ctx) == HG_STAGE_CHECK ? HG_SEV_WARN : HG_SEV_FAIL, d->a.path,
			   "set a long random KALAMDB_JWT_SECRET in the service's environment",
			   "KALAMDB_JWT_SECRET is not set%s: KalamDB would use its built-in default CHANGE_ME_IN_PRODUCTION",
			   hg_stage(d->a.ctx) == HG_STAGE_CHECK ? " here" : "");
	if (getenv("KALAMDB_JWT_SECRET") == NULL && !k.v && hg_stage(d->a.ctx) != HG_STAGE_CHECK)
		d->a.fails++;
	v = hg_app_str(&d->a, HG_APP_LITERAL_ID, d->auth, "root_password", &k.v);
	k.from_env = 0;
	if (v)
		kdb_report(d, "KDB-A-10", HG_SEV_FAIL, &k,
			   "remove root_password; set KALAMDB_ROOT_PASSWORD only for the first start",
			   "auth.root_password is written in the config file and gives root remote access");
	if (hg_app_str(&d->a, HG_APP_LITERAL_ID, d->auth, "pg_auth_token", &k.v))
		kdb_report(d, HG_APP_LITERAL_ID, HG_SEV_WARN, &k, "set KALAMDB_PG_AUTH_TOKEN instead",
			   "auth.pg_auth_token is written in the config file");
	if (kdb_bool(d, "KDB-A-04", d->auth, "allow_remote_setup", "KALAMDB_ALLOW_REMOTE_SETUP", 0,
		     &k) == 1)
		kdb_report(d, "KDB-A-04", HG_SEV_FAIL, &k, "set allow_remote_setup = false",
			   "allow_remote_setup is on: anyone who reaches the API can run the first setup");
	if ((n = hg_app_int(&d->a, "KDB-A-05", d->auth, "min_password_length", 8, &k.v)) < 8)
		kdb_report(d, "KDB-A-05", HG_SEV_FAIL, &k, "set min_password_length = 8 or more",
			   "min_password_length = %lld is below KalamDB's default of 8", (long long)n);
	if ((n = hg_app_int(&d->a, "KDB-A-05", d->auth, "bcrypt_cost", 12, &k.v)) < 12)
		kdb_report(d, "KDB-A-05", HG_SEV_FAIL, &k, "set bcrypt_cost = 12 or more",
			   "bcrypt_cost = %lld is below KalamDB's default of 12", (long long)n);
	k.from_env = 0;
	n = hg_app_int(&d->a, "KDB-C-03", d->auth, "jwt_expiry_hours", 24, &k.v);
	if ((v = getenv("KALAMDB_JWT_EXPIRY_HOURS")) != NULL) {	/* overrides the file */
		char *end;

		k.env = "KALAMDB_JWT_EXPIRY_HOURS";
		k.from_env = 1;
		errno = 0;
		n = strtoll(v, &end, 10);
		if (end == v || *end != '\0' || errno) {
			kdb_report(d, "KDB-C-03", HG_SEV_WARN, &k, "set it to a number of hours",
				   "KALAMDB_JWT_EXPIRY_HOURS is not a number: the token lifetime cannot be judged");
			return;
		}
	}
	if (n > hg_arg_int(d->a.ctx, d->a.args, "max_jwt_expiry_hours", 24))
		kdb_report(d, "KDB-C-03", HG_SEV_WARN, &k, "keep tokens short-lived (24 hours or less)",
			   "jwt_expiry_hours = %lld: tokens live longer than the policy's maximum",
			   (long long)n);
}

static int
provider_enabled(struct kdb *d, const struct hg_toml_value *oauth)
{
	const struct hg_toml_value *ps = hg_toml_get(oauth, "providers");

	if (hg_app_bool(&d->a, "KDB-A-03", oauth, "enabled", 0, NULL) == 1)
		return 1;
	for (size_t i = 0; i < hg_toml_count(ps); i++)
		if (hg_app_bool(&d->a, "KDB-A-03", hg_toml_at(ps, i), "enabled", 0, NULL) == 1)
			return 1;
	return 0;
}

static void
check_oauth(struct kdb *d)
{
	const struct hg_toml_value *oauth = hg_toml_get(hg_toml_root(d->a.doc), "oauth");
	struct kval k;
	const char *iss, *role;

	if (!provider_enabled(d, oauth))
		return;
	iss = kdb_str(d, "KDB-A-03", d->auth, "jwt_trusted_issuers", "KALAMDB_JWT_TRUSTED_ISSUERS",
		      &k);
	if (iss == NULL || iss[strspn(iss, " ,")] == '\0')
		kdb_report(d, "KDB-A-03", HG_SEV_FAIL, &k,
			   "list the identity provider's issuer in auth.jwt_trusted_issuers",
			   "an external identity provider is enabled but jwt_trusted_issuers is empty: its tokens are refused, or someone widens it in a hurry");
	role = hg_app_str(&d->a, "KDB-C-01", oauth, "default_role", &k.v);
	k.from_env = 0;
	if (role && (strcmp(role, "dba") == 0 || strcmp(role, "system") == 0))
		kdb_report(d, "KDB-C-01", HG_SEV_FAIL, &k, "set oauth.default_role = \"user\"",
			   "oauth.default_role = \"%s\": every auto-provisioned user gets %s", role, role);
}

/* --- A-06 CORS, A-07 WebSocket origin, A-10 proxies --- */

static void
check_cors(struct kdb *d, const struct hg_toml_value *sec)
{
	const struct hg_toml_value *cors = hg_toml_get(sec, "cors"), *o;
	const char *env = getenv("KALAMDB_SECURITY_CORS_ALLOWED_ORIGINS");
	struct kval k = { "KALAMDB_SECURITY_CORS_ALLOWED_ORIGINS", env != NULL, NULL };
	size_t n;

	if (cors)
		hg_app_unknown_keys(&d->a, cors, "security.cors", cors_keys, NULL);
	if (env) {
		if (env[strspn(env, " ,")] == '\0' || strstr(env, "*"))
			kdb_report(d, "KDB-A-06", HG_SEV_FAIL, &k,
				   "list the allowed origins (https://app.example.com,...)",
				   "CORS allows any origin (%s)", *env ? "*" : "empty list");
		return;
	}
	o = hg_toml_get(cors, "allowed_origins");
	k.v = o;
	n = hg_toml_count(o);
	if (n == 0) {
		kdb_report(d, "KDB-A-06", HG_SEV_FAIL, &k,
			   "set security.cors.allowed_origins to your front-ends' origins",
			   "security.cors.allowed_origins is empty: KalamDB treats that as any origin");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *s;

		if (hg_toml_string(hg_toml_at(o, i), &s, NULL) == 0 && strcmp(s, "*") == 0)
			kdb_report(d, "KDB-A-06", HG_SEV_FAIL, &k,
				   "replace \"*\" with your front-ends' origins",
				   "security.cors.allowed_origins contains \"*\"");
	}
}

static int
any_range(const char *s)
{
	return strcmp(s, "0.0.0.0/0") == 0 || strcmp(s, "::/0") == 0;
}

static void
proxy_finding(struct kdb *d, const struct kval *k, const char *s)
{
	kdb_report(d, "KDB-A-10", HG_SEV_FAIL, k, "list only your reverse proxy's addresses",
		   "trusted_proxy_ranges contains %s: any client can claim to be localhost and reach the local-only endpoints",
		   s);
}

/* A-10 on the comma-separated override NAME; 1 if it is set. */
static int
check_proxy_env(struct kdb *d, const char *name)
{
	const char *env = getenv(name);
	struct kval k = { name, 1, NULL };
	char item[128];

	if (env == NULL)
		return 0;
	for (const char *p = env; *p; ) {
		size_t n = strcspn(p, ","), b = strspn(p, " \t"), e = n;

		while (e > b && (p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
		snprintf(item, sizeof(item), "%.*s", (int)(e > b ? e - b : 0), p + b);
		if (any_range(item))
			proxy_finding(d, &k, item);
		p += n + (p[n] == ',');
	}
	return 1;
}

static void
check_security(struct kdb *d)
{
	const struct hg_toml_value *sec = hg_toml_get(hg_toml_root(d->a.doc), "security");
	const struct hg_toml_value *tp = hg_toml_get(sec, "trusted_proxy_ranges");
	struct kval k = { 0 };

	if (sec)
		hg_app_unknown_keys(&d->a, sec, "security", security_keys, NULL);
	check_cors(d, sec);
	if (kdb_bool(d, "KDB-A-07", sec, "strict_ws_origin_check", NULL, 0, &k) != 1)
		kdb_report(d, "KDB-A-07", HG_SEV_FAIL, &k, "set security.strict_ws_origin_check = true",
			   "strict_ws_origin_check is %s: WebSocket connections without an Origin are accepted",
			   k.v ? "false" : "off (KalamDB's default)");
	if (check_proxy_env(d, "KALAMDB_SECURITY_TRUSTED_PROXY_RANGES") ||
	    check_proxy_env(d, "KALAMDB_TRUSTED_PROXY_RANGES"))
		return;	/* the environment replaces the file's list */
	for (size_t i = 0; i < hg_toml_count(tp); i++) {
		const char *s;

		k.v = hg_toml_at(tp, i);
		if (hg_toml_string(k.v, &s, NULL) == 0 && any_range(s))
			proxy_finding(d, &k, s);
	}
}

/* --- A-08 connection protection, A-09 limits --- */

static void
limit(struct kdb *d, const struct hg_toml_value *t, const char *table, const char *key,
      int64_t def, const char *arg, int64_t argdef)
{
	struct kval k = { 0 };
	int64_t v = hg_app_int(&d->a, "KDB-A-09", t, key, def, &k.v);
	int64_t max = hg_arg_int(d->a.ctx, d->a.args, arg, argdef);
	char fix[128];

	if (v <= max)
		return;
	snprintf(fix, sizeof(fix), "set %s.%s to %lld or less", table, key, (long long)max);
	kdb_report(d, "KDB-A-09", HG_SEV_FAIL, &k, fix, "%s.%s = %lld is above the policy's %lld",
		   table, key, (long long)v, (long long)max);
}

static void
check_limits(struct kdb *d)
{
	const struct hg_toml_value *root = hg_toml_root(d->a.doc);
	const struct hg_toml_value *rl = hg_toml_get(root, "rate_limit");
	struct kval k = { 0 };

	if (rl)
		hg_app_unknown_keys(&d->a, rl, "rate_limit", rate_keys, NULL);
	if (kdb_bool(d, "KDB-A-08", rl, "enable_connection_protection", NULL, 1, &k) == 0) {
		kdb_report(d, "KDB-A-08", HG_SEV_FAIL, &k, "set enable_connection_protection = true",
			   "connection protection is off: no per-IP limits, no bans");
		kdb_report(d, "KDB-A-09", HG_SEV_FAIL, &k, "set enable_connection_protection = true",
			   "with connection protection off KalamDB does not enforce request_body_limit_bytes");
	}
	limit(d, rl, "rate_limit", "request_body_limit_bytes", 10485760, "max_body_bytes", 10485760);
	limit(d, hg_toml_get(root, "security"), "security", "max_ws_message_size", 1048576,
	      "max_ws_message_bytes", 1048576);
	limit(d, hg_toml_get(root, "files"), "files", "max_size_bytes", 26214400, "max_file_bytes",
	      26214400);
}

/* [server] host and port are required; [storage] [limits] [logging] [performance] too. */
static const struct hg_toml_value *
check_required(struct kdb *d)
{
	static const char *const sections[] = {
		"server", "storage", "limits", "logging", "performance", NULL,
	};
	const struct hg_toml_value *root = hg_toml_root(d->a.doc), *server;

	for (const char *const *s = sections; *s; s++)
		if (hg_toml_get(root, *s) == NULL)
			hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, NULL,
				      "add the section, even empty",
				      "KalamDB refuses to start: the [%s] section is missing", *s);
	server = hg_toml_get(root, "server");
	if (server && (hg_toml_get(server, "host") == NULL || hg_toml_get(server, "port") == NULL))
		hg_app_report(&d->a, HG_APP_REFUSED_ID, HG_SEV_FAIL, server,
			      "set host and port in [server]",
			      "KalamDB refuses to start: [server] needs host and port");
	if (server)
		hg_app_unknown_keys(&d->a, server, "server", server_keys, NULL);
	return server;
}

static int
check(struct hg_ctx *ctx, const struct hg_args *a)
{
	struct kdb d = { .a = { .ctx = ctx, .args = a, .app = "KalamDB" } };
	const struct hg_toml_value *root, *server, *au, *al;
	int r;

	if ((r = hg_app_open(&d.a, hg_arg_str(ctx, a, "config"), hg_arg_where(ctx, a, "config"),
			     NULL)) != HG_PASS)
		return r;
	root = hg_toml_root(d.a.doc);
	au = hg_toml_get(root, "auth");
	al = hg_toml_get(root, "authentication");
	if (au && al)
		hg_app_report(&d.a, HG_APP_REFUSED_ID, HG_SEV_FAIL, al, "merge them into [auth]",
			      "KalamDB refuses to start: [auth] and its alias [authentication] are both set");
	d.auth = au ? au : al;
	if (d.auth)
		hg_app_unknown_keys(&d.a, d.auth, au ? "auth" : "authentication", auth_keys,
				    auth_stale);
	server = check_required(&d);
	check_https(&d, server);
	check_auth(&d);
	check_oauth(&d);
	check_security(&d);
	check_limits(&d);
	kdb_check_cluster(&d);
	hg_app_close(&d.a);
	return d.a.fails ? HG_FAIL : HG_PASS;
}

const struct hg_module hg_module_kalamdb = {
	.abi = HG_MODULE_ABI,
	.name = "kalamdb",
	.phases = HG_PHASES_ALL,
	.steps = 0,
	.args = args,
	.ids = ids,
	.check = check,
	.apply = NULL,
	.describe = NULL,
};
