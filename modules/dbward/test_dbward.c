/*
 * test_dbward.c - the dbward module through the real .so and loader, on
 * realistic configs (fixtures/) and small ones written per test. Every
 * expectation names the checklist ID and the file:line of the key, found
 * by searching the fixture, so a fixture edit cannot make a test pass by
 * accident.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dbw.h"
#include "run.h"
#include "testutil.h"

/* Fixture NAME of this module with @STATE_DIR@ replaced by V; malloc'd. */
#define fixture(name, v) hgt_fixture("modules/dbward/fixtures/" name, "@STATE_DIR@", (v))

/* A 0700 state dir with a 0600 signing.key, under the suite's dir. */
static char *
state_dir(void)
{
	char *sd = hgt_path(hgt_dir, "state"), *k;

	mkdir(sd, 0700);
	chmod(sd, 0700);
	k = hgt_write(sd, "signing.key", "0123456789abcdef0123456789abcdef", 0600);
	free(k);
	return sd;
}

/* Run the module on TEXT written as DIR/NAME with extra ARGS. */
static struct hg_decision *
run_text(const char *name, const char *text, const char *role, const char *args,
	 enum hg_stage stage, char **cfgp)
{
	char *a;
	struct hg_decision *d;

	if (asprintf(&a, "role = \"%s\"; %s", role, args ? args : "") < 0)
		abort();
	d = hgt_run_config(hgt_dir, "dbward", name, text, a, stage, cfgp);
	free(a);
	return d;
}

#define PROXY "tls_proxy = \"nginx on :443\"; owner = \"root\";"

static void
test_dbward_passes_a_hardened_server(void)
{
	char *sd = state_dir(), *text = fixture("server-hardened.toml", sd);
	struct hg_decision *d = run_text("server.toml", text, "server",
					 PROXY " break_glass_roles = [ \"dba-oncall\" ];",
					 HG_STAGE_CHECK, NULL);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_EQUAL(hgt_count(d, HG_SEV_FAIL), 0);
	CU_ASSERT_EQUAL(hgt_count(d, HG_SEV_WARN), 0);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-02", HG_SEV_INFO, "all 3 registered"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-01", HG_SEV_INFO, "nginx on :443"));
	if (hgt_count(d, HG_SEV_WARN))
		hgt_dump(d);
	hg_decision_free(d);
	free(text);
	free(sd);
}

static void
test_dbward_break_glass_only_for_designated_roles(void)
{
	char *sd = state_dir(), *text = fixture("server-hardened.toml", sd);
	struct hg_decision *d = run_text("server.toml", text, "server", PROXY, HG_STAGE_CHECK, NULL);

	/* dba-oncall holds request.break_glass_* but the policy did not designate it */
	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-05", HG_SEV_WARN, "role dba-oncall can use break-glass"));
	hg_decision_free(d);
	free(text);
	free(sd);
}

static void
test_dbward_refuses_a_server_without_a_tls_proxy(void)
{
	char *sd = state_dir(), *text = fixture("server-hardened.toml", sd);
	struct hg_decision *d = run_text("server.toml", text, "server", NULL, HG_STAGE_CHECK, NULL);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-01", HG_SEV_FAIL, "no TLS proxy is declared"));
	hg_decision_free(d);
	free(text);
	free(sd);
}

static void
test_dbward_reports_every_item_of_an_insecure_server(void)
{
	char *sd = state_dir(), *text = fixture("server-insecure.toml", sd), *cfg;
	struct hg_decision *d = run_text("server.toml", text, "server", PROXY, HG_STAGE_CHECK, &cfg);
	const int F = HG_SEV_FAIL, W = HG_SEV_WARN;

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has_at(d, "DBW-PRE-02", F, cfg, text, "environments = [\"production\"]"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-02", F, "billing, environment production"));
	CU_ASSERT_TRUE(hgt_has_at(d, "DBW-PRE-03", F, cfg, text, "allow_self_approve = true"));
	CU_ASSERT_TRUE(hgt_has_at(d, "DBW-REC-12", W, cfg, text, "[workflows.auto_approve]"));
	CU_ASSERT_TRUE(hgt_has(d, "HG-035", F, "mode = \"always\" with approval steps"));
	CU_ASSERT_TRUE(hgt_has_at(d, "DBW-REC-11", W, cfg, text, "drop_table = \"warn\""));
	CU_ASSERT_TRUE(hgt_has_at(d, "DBW-REC-11", W, cfg, text, "truncate = \"off\""));
	CU_ASSERT_TRUE(hgt_has_at(d, "DBW-REC-07", F, cfg, text, "[execution_policy]"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-07", W, "no execution policy limits"));
	CU_ASSERT_TRUE(hgt_has_at(d, "DBW-REC-10", W, cfg, text, "trusted_proxies = [\"0.0.0.0/0\"]"));
	CU_ASSERT_TRUE(hgt_has_at(d, "DBW-REC-03", W, cfg, text, "allow_private_networks = true"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-03", W, "webhook chatops has no secret"));
	CU_ASSERT_TRUE(hgt_has_at(d, "HG-034", W, cfg, text, "secret = \"hunter2-webhook\""));
	CU_ASSERT_TRUE(hgt_has_at(d, "HG-034", W, cfg, text, "bot_token = \"xoxb"));
	CU_ASSERT_TRUE(hgt_has_at(d, "HG-034", W, cfg, text, "secret_access_key"));
	CU_ASSERT_TRUE(hgt_has_at(d, "DBW-REC-04", W, cfg, text, "signing_secret = "));
	CU_ASSERT_TRUE(hgt_has_at(d, "DBW-REC-05", W, cfg, text, "default_role = \"operator\""));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-05", W, "role helpdesk can use break-glass"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-13", HG_SEV_INFO, "not verifiable from config"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-01", W, "OIDC is not configured"));
	/* secrets are named, never shown */
	CU_ASSERT_TRUE(hgt_never_shows(d, "hunter2-webhook"));
	CU_ASSERT_TRUE(hgt_never_shows(d, "xoxb-123-456-abc"));
	CU_ASSERT_TRUE(hgt_never_shows(d, "8f14e45fceea167a5a36dedd4bea2543"));
	CU_ASSERT_TRUE(hgt_never_shows(d, "AKIAEXAMPLESECRET"));
	hg_decision_free(d);
	free(cfg);
	free(text);
	free(sd);
}

static void
test_dbward_recommended_fail_raises_recommended_items(void)
{
	char *sd = state_dir(), *text = fixture("server-insecure.toml", sd);
	struct hg_decision *d = run_text("server.toml", text, "server",
					 PROXY " recommended = \"fail\";", HG_STAGE_CHECK, NULL);

	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-11", HG_SEV_FAIL, "drop_table"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-12", HG_SEV_FAIL, NULL));
	CU_ASSERT_FALSE(hgt_has(d, "DBW-REC-11", HG_SEV_WARN, NULL));
	hg_decision_free(d);
	free(text);
	free(sd);
}

static void
test_dbward_judges_state_dir_and_key_modes(void)
{
	char *sd = state_dir(), *text = fixture("server-hardened.toml", sd), *k;
	struct hg_decision *d;

	chmod(sd, 0755);
	k = hgt_path(sd, "signing.key");
	chmod(k, 0644);
	d = run_text("server.toml", text, "server", PROXY, HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-05", HG_SEV_FAIL, "is mode 0755, must be 0700"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-05", HG_SEV_FAIL, "is mode 0644, must be 0600"));
	hg_decision_free(d);
	/* a missing state_dir would be created with the umask's mode */
	free(text);
	text = fixture("server-hardened.toml", "/nonexistent/dbward-state");
	d = run_text("server.toml", text, "server", PROXY, HG_STAGE_CHECK, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-05", HG_SEV_FAIL, "does not exist"));
	hg_decision_free(d);
	free(k);
	free(text);
	free(sd);
}

static void
test_dbward_state_dir_is_judged_after_expansion(void)
{
	char *sd = state_dir(), *text;
	struct hg_decision *d;

	setenv("HGT_STATE_DIR", sd, 1);
	text = fixture("server-hardened.toml", "${HGT_STATE_DIR}");
	d = run_text("server.toml", text, "server", PROXY, HG_STAGE_CHECK, NULL);
	CU_ASSERT_FALSE(hgt_has(d, "DBW-PRE-05", -1, NULL));
	hg_decision_free(d);
	chmod(sd, 0755);
	d = run_text("server.toml", text, "server", PROXY, HG_STAGE_CHECK, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-05", HG_SEV_FAIL, "is mode 0755, must be 0700"));
	hg_decision_free(d);
	chmod(sd, 0700);
	unsetenv("HGT_STATE_DIR");
	d = run_text("server.toml", text, "server", PROXY, HG_STAGE_PROCESS, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "HG-035", HG_SEV_FAIL, "${HGT_STATE_DIR} is not set"));
	hg_decision_free(d);
	free(text);
	free(sd);
}

static void
test_dbward_refuses_a_state_dir_too_long_to_check(void)
{
	char *sd = state_dir(), *long_sd, *text;
	struct hg_decision *d;
	size_t n = strlen(sd);

	/* the hardened state dir, then enough /. to push it past PATH_MAX: cut, it would pass */
	long_sd = malloc(n + 4200);
	strcpy(long_sd, sd);
	while (strlen(long_sd) < 4200)
		strcat(long_sd, "/.");
	text = fixture("server-hardened.toml", long_sd);
	chmod(sd, 0755);
	d = run_text("server.toml", text, "server", PROXY, HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-05", HG_SEV_FAIL, "longer than a path can be"));
	hg_decision_free(d);
	chmod(sd, 0700);
	free(text);
	free(long_sd);
	free(sd);
}

#define MINI_HEAD "state_dir = \"%s\"\ntrusted_proxies = [\"10.0.0.1\"]\n" \
	"[auth.oidc]\nissuer_url = \"https://sso.example.com\"\nclient_id = \"x\"\n" \
	"[[execution_policies]]\nmax_executions = 1\nexecution_window_secs = 60\n" \
	"[[databases]]\nname = \"app\"\nenvironments = [\"production\"]\n"

/* A small server config: MINI_HEAD plus BODY. */
static struct hg_decision *
run_mini(const char *body, char **textp, char **cfgp)
{
	char *sd = state_dir(), *text;
	struct hg_decision *d;

	if (asprintf(&text, MINI_HEAD "%s", sd, body) < 0)
		abort();
	d = run_text("mini.toml", text, "server", PROXY, HG_STAGE_CHECK, cfgp);
	*textp = text;
	free(sd);
	return d;
}

#define PROD_WF "[[workflows]]\nenvironment = \"production\"\n[[workflows.steps]]\n" \
	"[[workflows.steps.approvers]]\nrole = \"approver\"\n"

static void
test_dbward_absent_keys_take_dbwards_defaults(void)
{
	char *text;
	struct hg_decision *d = run_mini(PROD_WF, &text, NULL);

	/* allow_self_approve absent = false; no [[sql_review]] = drop_table/truncate block */
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_FALSE(hgt_has(d, "DBW-PRE-03", -1, NULL));
	CU_ASSERT_FALSE(hgt_has(d, "DBW-REC-11", -1, NULL));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-02", HG_SEV_INFO, "60 s"));
	hg_decision_free(d);
	free(text);
}

static void
test_dbward_refuses_what_dbward_itself_refuses(void)
{
	char *text;
	struct hg_decision *d;

	d = run_mini(PROD_WF "[sql_review]\ndrop_table = \"block\"\n", &text, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "HG-035", HG_SEV_FAIL, "[[sql_review]]"));
	hg_decision_free(d);
	free(text);
	d = run_mini("[[workflows]]\nenvironment = \"staging\"\n[workflows.auto_approve]\n"
		     "mode = \"risk_based\"\nrisk = \"none\"\n" PROD_WF, &text, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "HG-035", HG_SEV_FAIL, "risk \"none\""));
	hg_decision_free(d);
	free(text);
}

static void
test_dbward_auto_approve_on_a_wildcard_env_is_judged_per_operation(void)
{
	char *text;
	struct hg_decision *d;
	const char *star = "[[workflows]]\nenvironment = \"*\"\n[workflows.auto_approve]\n"
			   "mode = \"always\"\n";
	char *body;

	/* a production workflow covering every operation wins: fine */
	if (asprintf(&body, "%s%s", star, PROD_WF) < 0)
		abort();
	d = run_mini(body, &text, NULL);
	CU_ASSERT_FALSE(hgt_has(d, "DBW-REC-12", -1, NULL));
	hg_decision_free(d);
	free(text);
	free(body);
	/* one covering only execute_select leaves DML to the auto-approving one */
	if (asprintf(&body, "%s[[workflows]]\nenvironment = \"production\"\n"
		     "operations = [\"execute_select\"]\n[[workflows.steps]]\n"
		     "[[workflows.steps.approvers]]\nrole = \"approver\"\n", star) < 0)
		abort();
	d = run_mini(body, &text, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-12", HG_SEV_WARN, "(execute_dml)"));
	hg_decision_free(d);
	free(text);
	free(body);
}

static void
test_dbward_execution_limits_of_the_wrong_type_are_no_limits(void)
{
	char *text, *cfg;
	struct hg_decision *d = run_mini(PROD_WF, &text, &cfg);

	CU_ASSERT_FALSE(hgt_has(d, "DBW-REC-07", -1, NULL));
	hg_decision_free(d);
	free(text);
	free(cfg);
	/* the only production limit, written as strings: dbward refuses it, nothing limits */
	d = run_text("mini.toml", "state_dir = \"/nonexistent\"\n"
		     "[[execution_policies]]\nmax_executions = \"1\"\nexecution_window_secs = \"60\"\n",
		     "server", PROXY, HG_STAGE_CHECK, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-07", HG_SEV_FAIL, "max_executions is a string"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-07", HG_SEV_FAIL, "execution_window_secs is a string"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-07", HG_SEV_WARN, "no execution policy limits"));
	hg_decision_free(d);
}

static void
test_dbward_sql_review_takes_the_most_specific_entry_for_production(void)
{
	char *text;
	struct hg_decision *d;

	/* db-only "warn" loses to env-only "block": (*, production) is more specific */
	d = run_mini(PROD_WF "[[sql_review]]\ndatabase = \"app\"\ndrop_table = \"warn\"\n"
		     "[[sql_review]]\nenvironment = \"production\"\ndrop_table = \"block\"\n", &text, NULL);
	CU_ASSERT_FALSE(hgt_has(d, "DBW-REC-11", -1, NULL));
	hg_decision_free(d);
	free(text);
	/* an exact entry wins over the env-only one, and an absent rule is dbward's default */
	d = run_mini(PROD_WF "[[sql_review]]\nenvironment = \"production\"\ndrop_table = \"block\"\n"
		     "[[sql_review]]\ndatabase = \"app\"\nenvironment = \"production\"\n"
		     "drop_table = \"off\"\n", &text, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-11", HG_SEV_WARN, "drop_table is \"off\" for app in production"));
	CU_ASSERT_FALSE(hgt_has(d, "DBW-REC-11", -1, "truncate"));
	hg_decision_free(d);
	free(text);
	/* a staging-only entry does not apply to production */
	d = run_mini(PROD_WF "[[sql_review]]\nenvironment = \"staging\"\ntruncate = \"off\"\n", &text, NULL);
	CU_ASSERT_FALSE(hgt_has(d, "DBW-REC-11", -1, NULL));
	hg_decision_free(d);
	free(text);
}

static void
test_dbward_env_specific_workflow_beats_a_db_specific_auto_approving_one(void)
{
	char *text;
	struct hg_decision *d;

	/* (app, *) auto-approves, but (*, production) scores higher for every operation */
	d = run_mini("[[workflows]]\ndatabase = \"app\"\nenvironment = \"*\"\n"
		     "[workflows.auto_approve]\nmode = \"always\"\n" PROD_WF, &text, NULL);
	CU_ASSERT_FALSE(hgt_has(d, "DBW-REC-12", -1, NULL));
	hg_decision_free(d);
	free(text);
	/* without it, (app, *) is what production requests for app match */
	d = run_mini("[[workflows]]\ndatabase = \"app\"\nenvironment = \"*\"\n"
		     "[workflows.auto_approve]\nmode = \"always\"\n", &text, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-12", HG_SEV_WARN, "auto-approves and is the one that matches app"));
	hg_decision_free(d);
	free(text);
}

static void
test_dbward_break_glass_granted_by_groups_and_oidc_mappings(void)
{
	char *text, *cfg;
	struct hg_decision *d;
	const char *body = PROD_WF "[[auth.groups]]\nname = \"support\"\nroles = [\"requester\", \"operator\"]\n"
			   "[[auth.oidc.role_mappings]]\nclaim = \"groups\"\nvalue = \"ops\"\nrole = \"operator\"\n";

	/* operator is dbward's break-glass role: granting it is fine while it is designated */
	d = run_mini(body, &text, &cfg);
	CU_ASSERT_FALSE(hgt_has(d, "DBW-REC-05", -1, NULL));
	hg_decision_free(d);
	free(text);
	free(cfg);
	/* the policy designates another role: who is handed operator is reported at its line */
	{
		char *sd = state_dir(), *t2;

		if (asprintf(&t2, MINI_HEAD "%s", sd, body) < 0)
			abort();
		d = run_text("mini.toml", t2, "server", PROXY " break_glass_roles = [ \"dba-oncall\" ];",
			     HG_STAGE_CHECK, &cfg);
		CU_ASSERT_TRUE(hgt_has_at(d, "DBW-REC-05", HG_SEV_WARN, cfg, t2, "roles = [\"requester\", \"operator\"]"));
		CU_ASSERT_TRUE(hgt_has_at(d, "DBW-REC-05", HG_SEV_WARN, cfg, t2, "role = \"operator\""));
		hg_decision_free(d);
		free(t2);
		free(cfg);
		free(sd);
	}
}

static void
test_dbward_a_secret_default_in_the_file_is_a_written_secret(void)
{
	char *text, *cfg;
	struct hg_decision *d;

	unsetenv("HGT_WH_SECRET");
	d = run_mini(PROD_WF "[[webhooks]]\nid = \"siem\"\nurl = \"https://siem.example.com/in\"\n"
		     "secret = \"${HGT_WH_SECRET:-hunter3-default}\"\n"
		     "[[webhooks]]\nid = \"ok\"\nurl = \"https://ok.example.com/in\"\n"
		     "secret = \"${HGT_WH_SECRET}\"\n", &text, &cfg);
	CU_ASSERT_TRUE(hgt_has_at(d, "HG-034", HG_SEV_WARN, cfg, text, "secret = \"${HGT_WH_SECRET:-"));
	CU_ASSERT_TRUE(hgt_has(d, "HG-034", HG_SEV_WARN, "webhook siem's secret"));
	CU_ASSERT_FALSE(hgt_has(d, "HG-034", -1, "webhook ok's secret"));
	CU_ASSERT_TRUE(hgt_never_shows(d, "hunter3-default"));
	hg_decision_free(d);
	free(text);
	free(cfg);
}

static void
test_dbward_reports_ignored_keys(void)
{
	char *text, *cfg;
	struct hg_decision *d = run_mini(PROD_WF "[[execution_policies]]\nmax_executions = 2\n"
					 "execution_window = 60\n[typo_section]\nx = 1\n",
					 &text, &cfg);

	CU_ASSERT_TRUE(hgt_has_at(d, "DBW-REC-07", HG_SEV_FAIL, cfg, text, "execution_window = 60"));
	CU_ASSERT_TRUE(hgt_has_at(d, "HG-033", HG_SEV_WARN, cfg, text, "[typo_section]"));
	hg_decision_free(d);
	free(text);
	free(cfg);
}

static void
test_dbward_refuses_a_config_that_does_not_parse(void)
{
	char *cfg;
	struct hg_decision *d = run_text("bad.toml", "state_dir = \"/x\"\n[auth\n", "server", PROXY,
					 HG_STAGE_CHECK, &cfg);
	char *where;

	if (asprintf(&where, "%s:2:", cfg) < 0)
		abort();
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-025", HG_SEV_FAIL, where));
	hg_decision_free(d);
	free(where);
	free(cfg);
}

static void
test_dbward_refuses_a_world_writable_config(void)
{
	char *sd = state_dir(), *text = fixture("server-hardened.toml", sd), *cfg;
	struct hg_decision *d;

	cfg = hgt_write(hgt_dir, "ww.toml", text, 0666);
	chmod(cfg, 0666);
	free(cfg);
	cfg = NULL;
	d = run_text("ww.toml", text, "server", PROXY, HG_STAGE_CHECK, &cfg);
	/* run_text rewrote it 0640: make it world-writable again and rerun */
	hg_decision_free(d);
	chmod(cfg, 0666);
	{
		char *a;
		struct hg_run_opts o = { .stage = HG_STAGE_CHECK };

		if (asprintf(&a, "config = \"%s\"; role = \"server\"; " PROXY, cfg) < 0)
			abort();
		d = hgt_run_module(hgt_dir, "dbward", a, &o);
		free(a);
	}
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-025", HG_SEV_FAIL, "anyone can rewrite"));
	hg_decision_free(d);
	free(cfg);
	free(text);
	free(sd);
}

static void
test_dbward_passes_a_hardened_agent(void)
{
	char *text = fixture("agent-hardened.toml", "");
	struct hg_decision *d;

	setenv("DBWARD_AGENT_TOKEN", "dbw_0000000000000000000000000000beef", 1);
	setenv("ORDERS_DB_PASSWORD", "pw1", 1);
	setenv("ORDERS_STAGING_PASSWORD", "pw2", 1);
	d = run_text("agent.toml", text, "agent", NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_EQUAL(hgt_count(d, HG_SEV_FAIL), 0);
	CU_ASSERT_EQUAL(hgt_count(d, HG_SEV_WARN), 0);
	CU_ASSERT_TRUE(hgt_never_shows(d, "beef"));
	if (hgt_count(d, HG_SEV_WARN))
		hgt_dump(d);
	hg_decision_free(d);
	unsetenv("ORDERS_DB_PASSWORD");
	unsetenv("ORDERS_STAGING_PASSWORD");
	free(text);
}

static void
test_dbward_reports_every_item_of_an_insecure_agent(void)
{
	char *text = fixture("agent-insecure.toml", ""), *cfg;
	struct hg_decision *d;
	const int F = HG_SEV_FAIL, W = HG_SEV_WARN;

	setenv("APP_PW", "x", 1);
	d = run_text("agent.toml", text, "agent", NULL, HG_STAGE_CHECK, &cfg);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has_at(d, "DBW-PRE-04", F, cfg, text, "agent_token = \"dbw_"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-04", F, "(a dbward token"));
	CU_ASSERT_TRUE(hgt_never_shows(d, "0123456789abcdef0123456789abcdef"));
	CU_ASSERT_TRUE(hgt_has_at(d, "DBW-PRE-01", F, cfg, text, "url = \"http://dbward"));
	CU_ASSERT_TRUE(hgt_has_at(d, "DBW-PRE-01", F, cfg, text, "allow_insecure = true"));
	CU_ASSERT_TRUE(hgt_has_at(d, "DBW-PRE-06", F, cfg, text, "postgres://postgres:"));
	CU_ASSERT_TRUE(hgt_has_at(d, "HG-034", W, cfg, text, "postgres://postgres:"));
	CU_ASSERT_TRUE(hgt_never_shows(d, "s3cret"));
	CU_ASSERT_TRUE(hgt_has_at(d, "DBW-REC-06", W, cfg, text, "[databases.\"*\".staging]"));
	CU_ASSERT_TRUE(hgt_has_at(d, "DBW-REC-06", F, cfg, text, "environments = [\"production\"]"));
	CU_ASSERT_TRUE(hgt_has_at(d, "HG-033", W, cfg, text, "lease_duration_secs"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-06", F, "SELECTs and DDL (migrations) as the same user app"));
	hg_decision_free(d);
	unsetenv("APP_PW");
	free(cfg);
	free(text);
}

#define TOKEN_TOML "operations = [\"execute_select\"]\n" \
	"[server]\nurl = \"https://d.example.com\"\nagent_token = \"%s\"\n" \
	"[databases.a.production]\n" \
	"url = \"postgres://reader@db.example.com/a\"\n"

static void
test_dbward_token_default_and_unset_variable(void)
{
	char *text;
	struct hg_decision *d;

	if (asprintf(&text, TOKEN_TOML, "${DBWARD_AGENT_TOKEN:-dbw_0123456789abcdef0123456789abcdef}") < 0)
		abort();
	d = run_text("agent.toml", text, "agent", NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-04", HG_SEV_FAIL, "falls back to a default"));
	hg_decision_free(d);
	free(text);
	if (asprintf(&text, TOKEN_TOML, "${HGT_UNSET_TOKEN}") < 0)
		abort();
	unsetenv("HGT_UNSET_TOKEN");
	d = run_text("agent.toml", text, "agent", NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);	/* hardgate check: not the service's env */
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-04", HG_SEV_WARN, "${HGT_UNSET_TOKEN} is not set here"));
	hg_decision_free(d);
	d = run_text("agent.toml", text, "agent", NULL, HG_STAGE_PROCESS, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);	/* the service's own start */
	CU_ASSERT_TRUE(hgt_has(d, "HG-035", HG_SEV_FAIL, "${HGT_UNSET_TOKEN} is not set"));
	hg_decision_free(d);
	free(text);
}

static void
test_dbward_url_host_follows_the_last_at_sign(void)
{
	/* a password with an @ must not become part of the host, nor show in a finding */
	const char *text = "operations = [\"execute_select\"]\n"
			   "[server]\nurl = \"http://agent:pa@ssw0rd@dbward.example.com:3000\"\n"
			   "agent_token = \"${DBWARD_AGENT_TOKEN}\"\n"
			   "[databases.a.production]\n"
			   "url = \"postgres://reader@db.example.com/a\"\n";
	struct hg_decision *d;

	setenv("DBWARD_AGENT_TOKEN", "dbw_0000000000000000000000000000beef", 1);
	d = run_text("agent.toml", text, "agent", NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-035", HG_SEV_FAIL, "plain http to dbward.example.com,"));
	CU_ASSERT_TRUE(hgt_never_shows(d, "ssw0rd"));
	hg_decision_free(d);
}

static void
test_dbward_refuses_a_database_that_is_not_a_table(void)
{
	const char *text = "[server]\nurl = \"https://d.example.com\"\n"
			   "agent_token = \"${DBWARD_AGENT_TOKEN}\"\n"
			   "[databases]\norders = [ { url = \"postgres://reader@db.example.com/a\" } ]\n";
	struct hg_decision *d;

	setenv("DBWARD_AGENT_TOKEN", "dbw_0000000000000000000000000000beef", 1);
	d = run_text("agent.toml", text, "agent", NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-035", HG_SEV_FAIL, "databases.orders is not a table"));
	hg_decision_free(d);
}

static void
test_dbward_internal_host_is_an_address_not_a_name_that_starts_like_one(void)
{
#define HOST_FMT "operations = [\"execute_select\"]\n" \
		 "[server]\nurl = \"http://%s:3000\"\n" \
		 "agent_token = \"${DBWARD_AGENT_TOKEN}\"\n" \
		 "[databases.a.production]\n" \
		 "url = \"postgres://reader@db.example.com/a\"\n"
	char *text;
	struct hg_decision *d;

	setenv("DBWARD_AGENT_TOKEN", "dbw_0000000000000000000000000000beef", 1);
	/* a public name: dbward-agent itself refuses plain http to it */
	if (asprintf(&text, HOST_FMT, "10.1.example.com") < 0)
		abort();
	d = run_text("agent.toml", text, "agent", NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "HG-035", HG_SEV_FAIL, "plain http to 10.1.example.com, an external host"));
	hg_decision_free(d);
	free(text);
	/* a private address: dbward accepts it, hardgate still wants TLS */
	if (asprintf(&text, HOST_FMT, "10.1.2.3") < 0)
		abort();
	d = run_text("agent.toml", text, "agent", NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-01", HG_SEV_FAIL, "at 10.1.2.3 over plain http"));
	CU_ASSERT_FALSE(hgt_has(d, "HG-035", -1, NULL));
	hg_decision_free(d);
	free(text);
}

static void
test_dbward_expands_like_dbward(void)
{
	char out[64], missing[32];
	struct hg_dbw_ref r;

	setenv("HGT_A", "alpha", 1);
	unsetenv("HGT_B");
	CU_ASSERT_EQUAL(hg_dbw_expand("x${HGT_A}y", out, sizeof(out), missing, sizeof(missing)), 0);
	CU_ASSERT_STRING_EQUAL(out, "xalphay");
	CU_ASSERT_EQUAL(hg_dbw_expand("${HGT_B:-def}", out, sizeof(out), missing, sizeof(missing)), 0);
	CU_ASSERT_STRING_EQUAL(out, "def");
	CU_ASSERT_EQUAL(hg_dbw_expand("${HGT_B:-}", out, sizeof(out), missing, sizeof(missing)), 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_EQUAL(hg_dbw_expand("${HGT_B}", out, sizeof(out), missing, sizeof(missing)), -ENOENT);
	CU_ASSERT_STRING_EQUAL(missing, "HGT_B");
	CU_ASSERT_EQUAL(hg_dbw_expand("${HGT_B:-${HGT_A}}", out, sizeof(out), NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(hg_dbw_expand("${1BAD}", out, sizeof(out), NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(hg_dbw_expand("${HGT_A", out, sizeof(out), NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(hg_dbw_expand("$HGT_A", out, sizeof(out), NULL, 0), 0);
	CU_ASSERT_STRING_EQUAL(out, "$HGT_A");
	CU_ASSERT_EQUAL(hg_dbw_expand("${HGT_A}${HGT_A}${HGT_A}", out, 8, NULL, 0), -E2BIG);
	CU_ASSERT_TRUE(hg_dbw_is_ref("${DBWARD_AGENT_TOKEN}", &r));
	CU_ASSERT_STRING_EQUAL(r.name, "DBWARD_AGENT_TOKEN");
	CU_ASSERT_PTR_NULL(r.def);
	CU_ASSERT_TRUE(hg_dbw_is_ref("${T:-x}", &r));
	CU_ASSERT_EQUAL(r.deflen, 1);
	CU_ASSERT_FALSE(hg_dbw_is_ref("pre${T}", &r));
	CU_ASSERT_FALSE(hg_dbw_is_ref("${T}post", &r));
	CU_ASSERT_FALSE(hg_dbw_is_ref("dbw_0123", &r));
}

static void
test_dbward_expands_scopes_before_judging_them(void)
{
	char *text;
	struct hg_decision *d;

	/* an auto-approving workflow whose environment is production through ${} */
	setenv("HGT_PROD_ENV", "production", 1);
	d = run_mini(PROD_WF "[[workflows]]\ndatabase = \"app\"\nenvironment = \"${HGT_PROD_ENV}\"\n"
		     "[workflows.auto_approve]\nmode = \"always\"\n", &text, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-12", HG_SEV_WARN, "workflow for app/production auto-approves"));
	hg_decision_free(d);
	free(text);
	/* unset in hardgate check's shell: said, and the scope matches nothing */
	unsetenv("HGT_PROD_ENV");
	d = run_mini(PROD_WF "[[workflows]]\ndatabase = \"app\"\nenvironment = \"${HGT_PROD_ENV}\"\n"
		     "[workflows.auto_approve]\nmode = \"always\"\n", &text, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "HG-035", HG_SEV_WARN, "${HGT_PROD_ENV} is not set here"));
	CU_ASSERT_FALSE(hgt_has(d, "DBW-REC-12", -1, NULL));
	hg_decision_free(d);
	free(text);
}

static void
test_dbward_auto_approve_needs_a_mode_dbward_accepts(void)
{
	char *text;
	struct hg_decision *d;

	d = run_mini(PROD_WF "[[workflows]]\nenvironment = \"staging\"\n[workflows.auto_approve]\n"
		     "risk = \"low\"\n", &text, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "HG-035", HG_SEV_FAIL, "auto_approve mode is missing"));
	hg_decision_free(d);
	free(text);
	d = run_mini(PROD_WF "[[workflows]]\nenvironment = \"staging\"\n[workflows.auto_approve]\n"
		     "mode = \"risk_based\"\nrisk = \"low\"\n", &text, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "HG-035", HG_SEV_FAIL, "risk_based\" without steps"));
	hg_decision_free(d);
	free(text);
}

static void
test_dbward_allow_insecure_follows_the_environment_override(void)
{
	const char *text = "operations = [\"execute_select\"]\n[server]\n"
			   "url = \"https://d.example.com\"\nagent_token = \"${DBWARD_AGENT_TOKEN}\"\n"
			   "allow_insecure = true\n[databases.a.production]\n"
			   "url = \"postgres://reader@db.example.com/a\"\n";
	struct hg_decision *d;

	setenv("DBWARD_AGENT_TOKEN", "dbw_0000000000000000000000000000beef", 1);
	setenv("DBWARD_ALLOW_INSECURE", "false", 1);	/* wins over the file's true */
	d = run_text("agent.toml", text, "agent", NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_FALSE(hgt_has(d, "DBW-PRE-01", HG_SEV_FAIL, NULL));
	hg_decision_free(d);
	setenv("DBWARD_ALLOW_INSECURE", "1", 1);
	d = run_text("agent.toml", text, "agent", NULL, HG_STAGE_CHECK, NULL);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-01", HG_SEV_FAIL, "DBWARD_ALLOW_INSECURE (environment)"));
	hg_decision_free(d);
	unsetenv("DBWARD_ALLOW_INSECURE");
	unsetenv("DBWARD_AGENT_TOKEN");
}

void
hgt_suite_dbward(void)
{
	CU_pSuite s = CU_add_suite("dbward", hgt_suite_init, hgt_suite_clean);

	HGT_ADD(s, test_dbward_passes_a_hardened_server);
	HGT_ADD(s, test_dbward_break_glass_only_for_designated_roles);
	HGT_ADD(s, test_dbward_refuses_a_server_without_a_tls_proxy);
	HGT_ADD(s, test_dbward_reports_every_item_of_an_insecure_server);
	HGT_ADD(s, test_dbward_recommended_fail_raises_recommended_items);
	HGT_ADD(s, test_dbward_judges_state_dir_and_key_modes);
	HGT_ADD(s, test_dbward_state_dir_is_judged_after_expansion);
	HGT_ADD(s, test_dbward_refuses_a_state_dir_too_long_to_check);
	HGT_ADD(s, test_dbward_absent_keys_take_dbwards_defaults);
	HGT_ADD(s, test_dbward_refuses_what_dbward_itself_refuses);
	HGT_ADD(s, test_dbward_auto_approve_on_a_wildcard_env_is_judged_per_operation);
	HGT_ADD(s, test_dbward_reports_ignored_keys);
	HGT_ADD(s, test_dbward_a_secret_default_in_the_file_is_a_written_secret);
	HGT_ADD(s, test_dbward_break_glass_granted_by_groups_and_oidc_mappings);
	HGT_ADD(s, test_dbward_sql_review_takes_the_most_specific_entry_for_production);
	HGT_ADD(s, test_dbward_env_specific_workflow_beats_a_db_specific_auto_approving_one);
	HGT_ADD(s, test_dbward_execution_limits_of_the_wrong_type_are_no_limits);
	HGT_ADD(s, test_dbward_refuses_a_config_that_does_not_parse);
	HGT_ADD(s, test_dbward_refuses_a_world_writable_config);
	HGT_ADD(s, test_dbward_passes_a_hardened_agent);
	HGT_ADD(s, test_dbward_reports_every_item_of_an_insecure_agent);
	HGT_ADD(s, test_dbward_token_default_and_unset_variable);
	HGT_ADD(s, test_dbward_expands_like_dbward);
	HGT_ADD(s, test_dbward_expands_scopes_before_judging_them);
	HGT_ADD(s, test_dbward_auto_approve_needs_a_mode_dbward_accepts);
	HGT_ADD(s, test_dbward_allow_insecure_follows_the_environment_override);
	HGT_ADD(s, test_dbward_url_host_follows_the_last_at_sign);
	HGT_ADD(s, test_dbward_refuses_a_database_that_is_not_a_table);
	HGT_ADD(s, test_dbward_internal_host_is_an_address_not_a_name_that_starts_like_one);
}
