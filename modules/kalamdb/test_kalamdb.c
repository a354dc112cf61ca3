/*
 * test_kalamdb.c - the kalamdb module through the real .so and loader, on
 * realistic server.toml files (fixtures/) and the environment overrides
 * KalamDB reads. Expectations name the ID and the file:line of the key
 * (found by searching the fixture) or the variable.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run.h"
#include "testutil.h"

/* Fixture NAME of this module with @TLS_DIR@ replaced by V; malloc'd. */
#define fixture(name, v) hgt_fixture("modules/kalamdb/fixtures/" name, "@TLS_DIR@", (v))


static const char *const kdb_env[] = {
	"KALAMDB_JWT_SECRET", "KALAMDB_ALLOW_REMOTE_SETUP", "KALAMDB_SECURITY_CORS_ALLOWED_ORIGINS",
	"KALAMDB_RPC_TLS_ENABLED", "KALAMDB_CLUSTER_RPC_TLS_ENABLED", "KALAMDB_SERVER_PUBLIC_ORIGIN",
	"KALAMDB_COOKIE_SECURE", "KALAMDB_NODE_ID", "KALAMDB_CLUSTER_PEERS", "KALAMDB_CLUSTER_NODE_ID",
	"KALAMDB_CLUSTER_RPC_ADDR", "KALAMDB_CLUSTER_ID", "KALAMDB_CLUSTER_API_ADDR",
	"KALAMDB_SECURITY_TRUSTED_PROXY_RANGES", "KALAMDB_TRUSTED_PROXY_RANGES",
	"KALAMDB_JWT_EXPIRY_HOURS", NULL,
};

static int
setup(void)
{
	hgt_suite_init();
	for (const char *const *e = kdb_env; *e; e++)
		unsetenv(*e);
	return 0;
}

static struct hg_decision *
run(const char *text, const char *args, enum hg_stage stage, char **cfgp)
{
	return hgt_run_config(hgt_dir, "kalamdb", "server.toml", text, args, stage, cfgp);
}

#define SECRET "q3Jv8xN2pL5tR9wZ1cF6hK0mB4yD7gS2"

static void
test_kalamdb_passes_a_hardened_single_node(void)
{
	char *text = fixture("single-hardened.toml", "");
	struct hg_decision *d;

	setenv("KALAMDB_JWT_SECRET", SECRET, 1);
	d = run(text, NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_EQUAL(hgt_count(d, HG_SEV_FAIL), 0);
	CU_ASSERT_EQUAL(hgt_count(d, HG_SEV_WARN), 0);
	if (hgt_count(d, HG_SEV_WARN) || hgt_count(d, HG_SEV_FAIL))
		hgt_dump(d);
	CU_ASSERT_TRUE(hgt_never_shows(d, SECRET));
	hg_decision_free(d);
	unsetenv("KALAMDB_JWT_SECRET");
	free(text);
}

static void
test_kalamdb_reports_every_item_of_an_insecure_single_node(void)
{
	char *text = fixture("single-insecure.toml", ""), *cfg;
	struct hg_decision *d = run(text, NULL, HG_STAGE_CHECK, &cfg);
	const int F = HG_SEV_FAIL, W = HG_SEV_WARN;

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "KDB-A-01", F, "no TLS proxy is declared"));
	CU_ASSERT_TRUE(hgt_has_at(d, "KDB-A-01", F, cfg, text, "cookie_secure = false"));
	CU_ASSERT_TRUE(hgt_has_at(d, "KDB-A-02", F, cfg, text, "jwt_secret = "));
	CU_ASSERT_TRUE(hgt_has_at(d, "KDB-A-04", F, cfg, text, "allow_remote_setup = true"));
	CU_ASSERT_TRUE(hgt_has_at(d, "KDB-A-05", F, cfg, text, "min_password_length = 6"));
	CU_ASSERT_TRUE(hgt_has_at(d, "KDB-A-05", F, cfg, text, "bcrypt_cost = 10"));
	CU_ASSERT_TRUE(hgt_has_at(d, "KDB-A-05", W, cfg, text, "disable_common_password_check"));
	CU_ASSERT_TRUE(hgt_has_at(d, "KDB-A-10", F, cfg, text, "root_password = "));
	CU_ASSERT_TRUE(hgt_has_at(d, "KDB-A-10", F, cfg, text, "trusted_proxy_ranges = [\"0.0.0.0/0\"]"));
	CU_ASSERT_TRUE(hgt_has(d, "KDB-A-03", F, "jwt_trusted_issuers is empty"));
	CU_ASSERT_TRUE(hgt_has_at(d, "KDB-C-01", F, cfg, text, "default_role = \"dba\""));
	CU_ASSERT_TRUE(hgt_has_at(d, "KDB-C-03", W, cfg, text, "jwt_expiry_hours = 720"));
	CU_ASSERT_TRUE(hgt_has_at(d, "KDB-A-06", F, cfg, text, "allowed_origins = [\"*\"]"));
	CU_ASSERT_TRUE(hgt_has(d, "KDB-A-07", F, "off (KalamDB's default)"));
	CU_ASSERT_TRUE(hgt_has_at(d, "KDB-A-08", F, cfg, text, "enable_connection_protection = false"));
	CU_ASSERT_TRUE(hgt_has_at(d, "KDB-A-09", F, cfg, text, "request_body_limit_bytes = 104857600"));
	CU_ASSERT_TRUE(hgt_has_at(d, "KDB-A-09", F, cfg, text, "max_ws_message_size = 16777216"));
	CU_ASSERT_TRUE(hgt_has(d, "KDB-A-09", F, "does not enforce request_body_limit_bytes"));
	/* the secrets in the file are named, never shown */
	CU_ASSERT_TRUE(hgt_never_shows(d, "your-secret-key-at-least"));
	CU_ASSERT_TRUE(hgt_never_shows(d, "kalamdb123"));
	hg_decision_free(d);
	free(cfg);
	free(text);
}

static void
test_kalamdb_environment_overrides_win_and_are_named(void)
{
	char *text = fixture("single-hardened.toml", "");
	struct hg_decision *d;

	setenv("KALAMDB_JWT_SECRET", SECRET, 1);
	setenv("KALAMDB_ALLOW_REMOTE_SETUP", "yes", 1);
	setenv("KALAMDB_SECURITY_CORS_ALLOWED_ORIGINS", "*", 1);
	d = run(text, NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "KDB-A-04", HG_SEV_FAIL, "KALAMDB_ALLOW_REMOTE_SETUP (environment)"));
	CU_ASSERT_TRUE(hgt_has(d, "KDB-A-06", HG_SEV_FAIL,
			       "KALAMDB_SECURITY_CORS_ALLOWED_ORIGINS (environment)"));
	hg_decision_free(d);
	/* the override of cookie_secure is the place to fix, not the file */
	setenv("KALAMDB_COOKIE_SECURE", "no", 1);
	d = run(text, NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "KDB-A-01", HG_SEV_FAIL, "KALAMDB_COOKIE_SECURE (environment)"));
	hg_decision_free(d);
	unsetenv("KALAMDB_COOKIE_SECURE");
	unsetenv("KALAMDB_ALLOW_REMOTE_SETUP");
	unsetenv("KALAMDB_SECURITY_CORS_ALLOWED_ORIGINS");
	unsetenv("KALAMDB_JWT_SECRET");
	free(text);
}

static void
test_kalamdb_default_jwt_secret_refuses_the_start(void)
{
	char *text = fixture("single-hardened.toml", "");
	struct hg_decision *d;

	/* hardgate check runs in the operator's shell: a warning there ... */
	d = run(text, NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_TRUE(hgt_has(d, "KDB-A-02", HG_SEV_WARN, "CHANGE_ME_IN_PRODUCTION"));
	hg_decision_free(d);
	/* ... and a refusal in the service's own start */
	d = run(text, NULL, HG_STAGE_PROCESS, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "KDB-A-02", HG_SEV_FAIL, "CHANGE_ME_IN_PRODUCTION"));
	hg_decision_free(d);
	free(text);
}

/* DIR/tls with a CA, a cert and a key file of MODE (content is the tls module's business). */
static char *
tls_dir(mode_t mode)
{
	char *t = hgt_path(hgt_dir, "tls"), *f;

	mkdir(t, 0755);
	f = hgt_write(t, "ca.pem", "-----BEGIN CERTIFICATE-----\n", 0644);
	free(f);
	f = hgt_write(t, "node1.pem", "-----BEGIN CERTIFICATE-----\n", 0644);
	free(f);
	f = hgt_write(t, "node1.key", "-----BEGIN PRIVATE KEY-----\n", mode);
	chmod(f, mode);
	free(f);
	return t;
}

static void
test_kalamdb_passes_a_hardened_cluster_node(void)
{
	char *t = tls_dir(0600), *text = fixture("node1-hardened.toml", t);
	struct hg_decision *d;

	setenv("KALAMDB_JWT_SECRET", SECRET, 1);
	d = run(text, "cluster = true; owner = \"root\";", HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_EQUAL(hgt_count(d, HG_SEV_FAIL), 0);
	CU_ASSERT_EQUAL(hgt_count(d, HG_SEV_WARN), 0);
	if (hgt_count(d, HG_SEV_WARN) || hgt_count(d, HG_SEV_FAIL))
		hgt_dump(d);
	CU_ASSERT_TRUE(hgt_has(d, "KDB-B-02", HG_SEV_INFO, "tls module"));
	hg_decision_free(d);
	unsetenv("KALAMDB_JWT_SECRET");
	free(text);
	free(t);
}

static void
test_kalamdb_refuses_a_world_readable_node_key(void)
{
	char *t = tls_dir(0644), *text = fixture("node1-hardened.toml", t);
	struct hg_decision *d;

	setenv("KALAMDB_JWT_SECRET", SECRET, 1);
	d = run(text, "cluster = true;", HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "KDB-B-02", HG_SEV_FAIL, "is mode 0644, must be 0600"));
	hg_decision_free(d);
	/* disabled by the environment: B-01 names the variable */
	setenv("KALAMDB_RPC_TLS_ENABLED", "false", 1);
	d = run(text, "cluster = true;", HG_STAGE_CHECK, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "KDB-B-01", HG_SEV_FAIL, "KALAMDB_RPC_TLS_ENABLED (environment)"));
	hg_decision_free(d);
	unsetenv("KALAMDB_RPC_TLS_ENABLED");
	unsetenv("KALAMDB_JWT_SECRET");
	free(text);
	free(t);
}

static void
test_kalamdb_reports_a_cluster_configured_as_the_old_docs_say(void)
{
	char *text = fixture("cluster-insecure.toml", ""), *cfg;
	struct hg_decision *d;

	setenv("KALAMDB_JWT_SECRET", SECRET, 1);
	setenv("KALAMDB_CLUSTER_RPC_TLS_ENABLED", "true", 1);
	d = run(text, "cluster = true;", HG_STAGE_CHECK, &cfg);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has_at(d, "KDB-B-01", HG_SEV_FAIL, cfg, text, "[cluster.rpc_tls]"));
	CU_ASSERT_TRUE(hgt_has(d, "KDB-B-01", HG_SEV_FAIL, "rpc_tls is not enabled"));
	CU_ASSERT_TRUE(hgt_has(d, "KDB-B-01", HG_SEV_FAIL, "KALAMDB_CLUSTER_RPC_TLS_ENABLED is set but KalamDB does not read it"));
	CU_ASSERT_TRUE(hgt_has_at(d, "KDB-B-04", HG_SEV_FAIL, cfg, text, "rpc_addr = \"kalamdb-node1:9188\""));
	CU_ASSERT_TRUE(hgt_has_at(d, "KDB-B-04", HG_SEV_FAIL, cfg, text, "rpc_addr = \"203.0.113.12:9188\""));
	CU_ASSERT_TRUE(hgt_has(d, "KDB-B-03", HG_SEV_INFO, "no rpc_server_name"));
	CU_ASSERT_TRUE(hgt_has_at(d, "HG-033", HG_SEV_WARN, cfg, text, "min_replication_nodes"));
	hg_decision_free(d);
	unsetenv("KALAMDB_CLUSTER_RPC_TLS_ENABLED");
	unsetenv("KALAMDB_JWT_SECRET");
	free(cfg);
	free(text);
}

static void
test_kalamdb_refuses_what_kalamdb_itself_refuses(void)
{
	struct hg_decision *d = run("[server]\nhost = \"127.0.0.1\"\n[auth]\n[authentication]\n",
				    NULL, HG_STAGE_CHECK, NULL);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-035", HG_SEV_FAIL, "[storage] section is missing"));
	CU_ASSERT_TRUE(hgt_has(d, "HG-035", HG_SEV_FAIL, "needs host and port"));
	CU_ASSERT_TRUE(hgt_has(d, "HG-035", HG_SEV_FAIL, "[auth] and its alias [authentication]"));
	hg_decision_free(d);
}

static void
test_kalamdb_expects_a_cluster_when_the_policy_says_so(void)
{
	char *text = fixture("single-hardened.toml", "");
	struct hg_decision *d;

	setenv("KALAMDB_JWT_SECRET", SECRET, 1);
	d = run(text, "cluster = true;", HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "KDB-B-01", HG_SEV_FAIL, "has no [cluster]"));
	hg_decision_free(d);
	unsetenv("KALAMDB_JWT_SECRET");
	free(text);
}

static void
test_kalamdb_survives_a_section_written_as_an_array(void)
{
	struct hg_decision *d = run("security = [ 1, 2 ]\nrate_limit = [ \"x\" ]\n"
				    "[server]\nhost = \"127.0.0.1\"\nport = 8080\n"
				    "[storage]\n[limits]\n[logging]\n[performance]\n",
				    NULL, HG_STAGE_CHECK, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	hg_decision_free(d);
}

static void
test_kalamdb_judges_a_cluster_made_by_the_environment(void)
{
	char *text = fixture("single-hardened.toml", "");
	struct hg_decision *d;

	/* no [cluster] in the file: these two make one, listening everywhere without TLS */
	setenv("KALAMDB_JWT_SECRET", SECRET, 1);
	setenv("KALAMDB_CLUSTER_NODE_ID", "1", 1);
	setenv("KALAMDB_CLUSTER_RPC_ADDR", "0.0.0.0:9188", 1);
	d = run(text, NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "KDB-B-04", HG_SEV_FAIL, "KALAMDB_CLUSTER_RPC_ADDR (environment)"));
	CU_ASSERT_TRUE(hgt_has(d, "KDB-B-01", HG_SEV_FAIL, "rpc_tls is not enabled"));
	hg_decision_free(d);
	unsetenv("KALAMDB_CLUSTER_NODE_ID");
	unsetenv("KALAMDB_CLUSTER_RPC_ADDR");
	unsetenv("KALAMDB_JWT_SECRET");
	free(text);
}

static void
test_kalamdb_trusted_proxy_ranges_from_the_environment_are_judged(void)
{
	char *text = fixture("single-hardened.toml", "");
	struct hg_decision *d;

	setenv("KALAMDB_JWT_SECRET", SECRET, 1);
	setenv("KALAMDB_SECURITY_TRUSTED_PROXY_RANGES", "10.0.0.0/8, 0.0.0.0/0", 1);
	d = run(text, NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "KDB-A-10", HG_SEV_FAIL,
			       "KALAMDB_SECURITY_TRUSTED_PROXY_RANGES (environment)"));
	hg_decision_free(d);
	unsetenv("KALAMDB_SECURITY_TRUSTED_PROXY_RANGES");
	/* the alias, and an entry that is fine */
	setenv("KALAMDB_TRUSTED_PROXY_RANGES", "::/0", 1);
	d = run(text, NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "KDB-A-10", HG_SEV_FAIL, "KALAMDB_TRUSTED_PROXY_RANGES (environment)"));
	hg_decision_free(d);
	setenv("KALAMDB_TRUSTED_PROXY_RANGES", "10.1.2.3/32", 1);
	d = run(text, NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	hg_decision_free(d);
	unsetenv("KALAMDB_TRUSTED_PROXY_RANGES");
	unsetenv("KALAMDB_JWT_SECRET");
	free(text);
}

static void
test_kalamdb_jwt_expiry_from_the_environment_is_judged(void)
{
	char *text = fixture("single-hardened.toml", "");
	struct hg_decision *d;

	setenv("KALAMDB_JWT_SECRET", SECRET, 1);
	setenv("KALAMDB_JWT_EXPIRY_HOURS", "8760", 1);
	d = run(text, NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "KDB-C-03", HG_SEV_WARN, "KALAMDB_JWT_EXPIRY_HOURS (environment)"));
	hg_decision_free(d);
	setenv("KALAMDB_JWT_EXPIRY_HOURS", "8", 1);
	d = run(text, NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_FALSE(hgt_has(d, "KDB-C-03", -1, NULL));
	hg_decision_free(d);
	unsetenv("KALAMDB_JWT_EXPIRY_HOURS");
	unsetenv("KALAMDB_JWT_SECRET");
	free(text);
}

static void
test_kalamdb_judges_peers_from_the_environment(void)
{
	char *t = tls_dir(0600), *text = fixture("node1-hardened.toml", t);
	struct hg_decision *d;

	setenv("KALAMDB_JWT_SECRET", SECRET, 1);
	setenv("KALAMDB_CLUSTER_PEERS", "2@10.0.0.12:9188@http://10.0.0.12:8080;"
	       "3@203.0.113.13:9188@http://10.0.0.13:8080@kalamdb-node-3", 1);
	d = run(text, "cluster = true; owner = \"root\";", HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "KDB-B-04", HG_SEV_FAIL, "peer rpc_addr 203.0.113.13:9188 is a public"));
	CU_ASSERT_FALSE(hgt_has(d, "KDB-B-04", HG_SEV_FAIL, "10.0.0.12"));
	hg_decision_free(d);
	unsetenv("KALAMDB_CLUSTER_PEERS");
	unsetenv("KALAMDB_JWT_SECRET");
	free(text);
	free(t);
}

static void
test_kalamdb_never_echoes_a_server_key_that_is_not_a_path(void)
{
	char *t = tls_dir(0600), *text = fixture("node1-hardened.toml", t), *key, *bad;
	struct hg_decision *d;
	const char *body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDxk";

	/* server_key = "<the key's base64 body, pasted without its BEGIN line>" */
	if (asprintf(&key, "%s/node1.key", t) < 0)
		abort();
	CU_ASSERT_PTR_NOT_NULL_FATAL(strstr(text, key));
	bad = calloc(1, strlen(text) + strlen(body) + 1);
	sprintf(bad, "%.*s%s%s", (int)(strstr(text, key) - text), text, body,
		strstr(text, key) + strlen(key));
	setenv("KALAMDB_JWT_SECRET", SECRET, 1);
	d = run(bad, "cluster = true; owner = \"root\";", HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "KDB-B-02", HG_SEV_FAIL, "not an absolute path"));
	CU_ASSERT_TRUE(hgt_never_shows(d, "MIIEvQIBADANBgkqhkiG9w0"));
	hg_decision_free(d);
	unsetenv("KALAMDB_JWT_SECRET");
	free(bad);
	free(key);
	free(text);
	free(t);
}

void
hgt_suite_kalamdb(void)
{
	CU_pSuite s = CU_add_suite("kalamdb", setup, hgt_suite_clean);

	HGT_ADD(s, test_kalamdb_passes_a_hardened_single_node);
	HGT_ADD(s, test_kalamdb_reports_every_item_of_an_insecure_single_node);
	HGT_ADD(s, test_kalamdb_environment_overrides_win_and_are_named);
	HGT_ADD(s, test_kalamdb_default_jwt_secret_refuses_the_start);
	HGT_ADD(s, test_kalamdb_passes_a_hardened_cluster_node);
	HGT_ADD(s, test_kalamdb_refuses_a_world_readable_node_key);
	HGT_ADD(s, test_kalamdb_reports_a_cluster_configured_as_the_old_docs_say);
	HGT_ADD(s, test_kalamdb_refuses_what_kalamdb_itself_refuses);
	HGT_ADD(s, test_kalamdb_expects_a_cluster_when_the_policy_says_so);
	HGT_ADD(s, test_kalamdb_survives_a_section_written_as_an_array);
	HGT_ADD(s, test_kalamdb_judges_a_cluster_made_by_the_environment);
	HGT_ADD(s, test_kalamdb_trusted_proxy_ranges_from_the_environment_are_judged);
	HGT_ADD(s, test_kalamdb_jwt_expiry_from_the_environment_is_judged);
	HGT_ADD(s, test_kalamdb_judges_peers_from_the_environment);
	HGT_ADD(s, test_kalamdb_never_echoes_a_server_key_that_is_not_a_path);
}
