/*
 * test_stack.c - the engine: the full truth table of control flags x
 * results, then the real engine through the fake test module (modes,
 * stages, apply order, faulty entries, modules that misbehave).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"
#include "stack.h"
#include "testutil.h"

/* --- the pure combination ------------------------------------------------ */

static int
fold(int n, const enum hg_control *c, const int *r, int *ran)
{
	struct hg_verdict v = { 0 };

	*ran = 0;
	for (int i = 0; i < n && !v.done; i++, (*ran)++)
		hg_verdict_step(&v, c[i], r[i]);
	return hg_verdict_allowed(&v);
}

static void
test_stack_single_entry_truth_table(void)
{
	/* allowed[control][result] for a one-entry stack: only PASS is positive. */
	static const enum hg_control ctl[] = {
		HG_CTL_REQUIRED, HG_CTL_REQUISITE, HG_CTL_SUFFICIENT, HG_CTL_OPTIONAL,
	};
	static const int res[] = { HG_PASS, HG_FAIL, HG_IGNORE, HG_ERROR, 42 };
	int ran;

	for (size_t i = 0; i < 4; i++)
		for (size_t j = 0; j < 5; j++) {
			int allowed = fold(1, &ctl[i], &res[j], &ran);

			CU_ASSERT_EQUAL(allowed, res[j] == HG_PASS);
		}
}

struct row {
	enum hg_control c[3];
	int r[3];
	int n, allowed, ran;
};

static void
test_stack_combinations_follow_linux_pam(void)
{
	static const struct row rows[] = {
		/* required failure denies but the stack goes on */
		{ { HG_CTL_REQUIRED, HG_CTL_REQUIRED }, { HG_FAIL, HG_PASS }, 2, 0, 2 },
		{ { HG_CTL_REQUIRED, HG_CTL_REQUIRED }, { HG_PASS, HG_PASS }, 2, 1, 2 },
		/* requisite failure denies and stops */
		{ { HG_CTL_REQUISITE, HG_CTL_REQUIRED }, { HG_FAIL, HG_PASS }, 2, 0, 1 },
		{ { HG_CTL_REQUISITE, HG_CTL_REQUIRED }, { HG_ERROR, HG_PASS }, 2, 0, 1 },
		/* sufficient success stops with allow when nothing failed before */
		{ { HG_CTL_SUFFICIENT, HG_CTL_REQUIRED }, { HG_PASS, HG_FAIL }, 2, 1, 1 },
		/* ... but not after a required failure */
		{ { HG_CTL_REQUIRED, HG_CTL_SUFFICIENT, HG_CTL_REQUIRED },
		  { HG_FAIL, HG_PASS, HG_PASS }, 3, 0, 3 },
		/* sufficient failure is ignored */
		{ { HG_CTL_SUFFICIENT, HG_CTL_REQUIRED }, { HG_FAIL, HG_PASS }, 2, 1, 2 },
		/* optional failure is ignored; optional success alone is positive */
		{ { HG_CTL_OPTIONAL, HG_CTL_REQUIRED }, { HG_FAIL, HG_PASS }, 2, 1, 2 },
		{ { HG_CTL_OPTIONAL, HG_CTL_OPTIONAL }, { HG_FAIL, HG_PASS }, 2, 1, 2 },
		{ { HG_CTL_OPTIONAL, HG_CTL_OPTIONAL }, { HG_FAIL, HG_FAIL }, 2, 0, 2 },
		/* ignore is neither: a stack of ignores has no positive result */
		{ { HG_CTL_REQUIRED, HG_CTL_REQUIRED }, { HG_IGNORE, HG_IGNORE }, 2, 0, 2 },
		{ { HG_CTL_REQUIRED, HG_CTL_REQUIRED }, { HG_IGNORE, HG_PASS }, 2, 1, 2 },
		/* an unknown result code is a failure */
		{ { HG_CTL_REQUIRED, HG_CTL_REQUIRED }, { 42, HG_PASS }, 2, 0, 2 },
		/* an unknown control flag fails closed and stops */
		{ { (enum hg_control)99, HG_CTL_REQUIRED }, { HG_PASS, HG_PASS }, 2, 0, 1 },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int ran, allowed = fold(rows[i].n, rows[i].c, rows[i].r, &ran);

		if (allowed != rows[i].allowed || ran != rows[i].ran)
			fprintf(stderr, "  row %zu: allowed %d ran %d\n", i, allowed, ran);
		CU_ASSERT_EQUAL(allowed, rows[i].allowed);
		CU_ASSERT_EQUAL(ran, rows[i].ran);
	}
}

/* --- the real engine through the fake module ------------------------------ */

static const char *
testmods(void)
{
	const char *d = getenv("HG_TESTMOD_DIR");

	return d ? d : "tests/unit/mods/.libs";
}

static char *
policy(const char *mode, const char *stack)
{
	char *text, *p;

	if (asprintf(&text, "hardgate: { mode = \"%s\"; module_dir = \"%s\"; log: { syslog = false; "
		     "}; };\nservices: { svc: { stack = (\n%s\n); }; };\n", mode, testmods(),
		     stack) < 0)
		abort();
	p = hgt_write(hgt_dir, "hardgate.conf", text, 0644);
	free(text);
	return p;
}

static struct hg_decision *
run(const char *mode, const char *stack, enum hg_stage stage)
{
	char *conf = policy(mode, stack);
	struct hg_decision *d = hgt_run(conf, "svc", stage, NULL);

	free(conf);
	return d;
}

#define FAKE(ctl, args) "{ module = \"fake\"; control = \"" ctl "\"; args: { " args " }; }"

static void
test_stack_allows_passing_stack(void)
{
	struct hg_decision *d = run("enforce", FAKE("required", ""), HG_STAGE_CHECK);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_TRUE(d->matched);
	hg_decision_free(d);
}

static void
test_stack_refuses_failing_required_and_reports_all(void)
{
	struct hg_decision *d = run("enforce",
				    FAKE("required", "result = \"fail\"; tag = \"a\";") ",\n"
				    FAKE("required", "result = \"fail\"; tag = \"b\";"),
				    HG_STAGE_CHECK);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_EQUAL(hg_decision_count_sev(d, HG_SEV_FAIL), 2);
	hg_decision_free(d);
}

static void
test_stack_requisite_stops_at_failure(void)
{
	struct hg_decision *d = run("enforce",
				    FAKE("requisite", "result = \"fail\";") ",\n"
				    FAKE("required", "result = \"fail\";"), HG_STAGE_CHECK);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_EQUAL(hg_decision_count_sev(d, HG_SEV_FAIL), 1);
	hg_decision_free(d);
}

static void
test_stack_refuses_unknown_result_code(void)
{
	struct hg_decision *d = run("enforce", FAKE("required", "result = \"bogus\";"),
				    HG_STAGE_CHECK);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-007", HG_SEV_FAIL, "unknown result 42"));
	hg_decision_free(d);
}

static void
test_stack_believes_a_fail_finding_over_pass(void)
{
	struct hg_decision *d = run("enforce", FAKE("required", "result = \"sneaky\";"),
				    HG_STAGE_CHECK);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	hg_decision_free(d);
}

static void
test_stack_refuses_no_positive_result(void)
{
	struct hg_decision *d = run("enforce", FAKE("required", "result = \"ignore\";"),
				    HG_STAGE_CHECK);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-006", HG_SEV_FAIL, "no positive result"));
	hg_decision_free(d);
}

static void
test_stack_refuses_undeclared_arg_even_when_optional(void)
{
	struct hg_decision *d = run("enforce",
				    FAKE("required", "") ",\n" FAKE("optional", "colour = \"red\";"),
				    HG_STAGE_CHECK);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-004", HG_SEV_FAIL, "does not take arg 'colour'"));
	CU_ASSERT_TRUE(hgt_has(d, "HG-004", HG_SEV_FAIL, "hardgate.conf:4"));
	hg_decision_free(d);
}

static void
test_stack_refuses_bad_arg_types_and_values(void)
{
	static const char *const bad[][2] = {
		{ "count = \"5\";", "must be an integer" },
		{ "flag = 1;", "must be true or false" },
		{ "names = \"a\";", "must be a list of strings" },
		{ "mode = \"0999\";", "not an octal mode" },
		{ "mode = 384;", "octal mode string" },
		{ "id = \"DBW-PRE-99\";", "not a known finding ID" },
		{ "result = \"maybe\";", "unknown value \"maybe\"" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char stack[256];
		struct hg_decision *d;

		snprintf(stack, sizeof(stack), FAKE("required", "%s"), bad[i][0]);
		d = run("enforce", stack, HG_STAGE_CHECK);
		CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
		if (!hgt_has(d, "HG-004", HG_SEV_FAIL, bad[i][1]))
			hgt_dump(d);
		CU_ASSERT_TRUE(hgt_has(d, "HG-004", HG_SEV_FAIL, bad[i][1]));
		hg_decision_free(d);
	}
}

static void
test_stack_accepts_every_arg_type(void)
{
	struct hg_decision *d = run("enforce", FAKE("required",
		"count = 5; flag = true; names = [\"a\"]; mode = \"0640\"; id = \"DBW-PRE-05\";"),
		HG_STAGE_CHECK);

	if (d->status)
		hgt_dump(d);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	hg_decision_free(d);
}

static void
test_stack_refuses_missing_module(void)
{
	struct hg_decision *d = run("enforce",
		"{ module = \"nosuchmodule\"; control = \"optional\"; },\n" FAKE("required", ""),
		HG_STAGE_CHECK);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-003", HG_SEV_FAIL, "hardgate_nosuchmodule.so"));
	hg_decision_free(d);
}

static void
test_stack_refuses_every_entry_of_an_untrusted_module_dir(void)
{
	char *mods = hgt_path(hgt_dir, "openmods"), *text, *conf;
	struct hg_decision *d;
	size_t n = 0;

	mkdir(mods, 0755);
	chmod(mods, 0777);
	if (asprintf(&text, "hardgate: { module_dir = \"%s\"; log: { syslog = false; }; };\n"
		     "services: { svc: { stack = ( " FAKE("required", "") ", "
		     FAKE("optional", "") " ); }; };\n", mods) < 0)
		abort();
	conf = hgt_write(hgt_dir, "hardgate.conf", text, 0644);
	d = hgt_run(conf, "svc", HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	for (size_t i = 0; i < d->n; i++)
		n += strcmp(d->f[i].id, "HG-003") == 0 && strstr(d->f[i].message, "group/world-writable");
	CU_ASSERT_EQUAL(n, 2);	/* one walk, but each entry says why it is faulty */
	hg_decision_free(d);
	free(text);
	free(conf);
	free(mods);
}

static void
test_stack_refuses_unsupported_phase(void)
{
	char *text, *conf;
	struct hg_decision *d;

	if (asprintf(&text, "hardgate: { module_dir = \"%s\"; log: { syslog = false; }; };\n"
		     "services: { svc: { phase = \"launch\"; stack = ( " FAKE("required", "")
		     " ); }; };\n", testmods()) < 0)
		abort();
	conf = hgt_write(hgt_dir, "hardgate.conf", text, 0644);
	d = hgt_run(conf, "svc", HG_STAGE_CHECK, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-005", HG_SEV_FAIL, "does not support phase launch"));
	hg_decision_free(d);
	free(text);
	free(conf);
}

static void
test_stack_refuses_unknown_service(void)
{
	char *conf = policy("enforce", FAKE("required", ""));
	struct hg_decision *d = hgt_run(conf, "nosuch", HG_STAGE_CHECK, NULL);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-005", HG_SEV_FAIL, "unknown service 'nosuch'"));
	hg_decision_free(d);
	free(conf);
}

static char *
read_log(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static void
test_stack_applies_step_by_step_in_order(void)
{
	char *log = hgt_path(hgt_dir, "apply.log"), stack[1024];
	struct hg_decision *d;

	unlink(log);
	snprintf(stack, sizeof(stack),
		 FAKE("required", "tag = \"a\"; log = \"%s\";") ",\n"
		 FAKE("required", "tag = \"b\"; log = \"%s\";"), log, log);
	d = run("enforce", stack, HG_STAGE_PROCESS);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	/* every module's rlimits step, then every seccomp step, then verify */
	CU_ASSERT_STRING_EQUAL(read_log(log), "a:1:2\nb:1:2\na:32:2\nb:32:2\na:64:2\nb:64:2\n");
	hg_decision_free(d);
	free(log);
}

static void
test_stack_applies_nothing_in_check_or_audit_or_when_denied(void)
{
	char *log = hgt_path(hgt_dir, "apply.log"), stack[1024];
	struct hg_decision *d;

	unlink(log);
	snprintf(stack, sizeof(stack), FAKE("required", "tag = \"a\"; log = \"%s\";"), log);
	d = run("enforce", stack, HG_STAGE_CHECK);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	hg_decision_free(d);
	d = run("audit", stack, HG_STAGE_PROCESS);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	hg_decision_free(d);
	snprintf(stack, sizeof(stack),
		 FAKE("required", "tag = \"a\"; log = \"%s\";") ",\n"
		 FAKE("required", "result = \"fail\";"), log);
	d = run("enforce", stack, HG_STAGE_PROCESS);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	hg_decision_free(d);
	CU_ASSERT_STRING_EQUAL(read_log(log), "");
	free(log);
}

static void
test_stack_refuses_failed_verify(void)
{
	struct hg_decision *d = run("enforce", FAKE("required", "apply_result = \"fail\";"),
				    HG_STAGE_PROCESS);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_PTR_NOT_NULL(strstr(d->reason, "did not hold"));
	hg_decision_free(d);
}

static void
test_stack_keeps_module_metrics(void)
{
	struct hg_decision *d = run("enforce", FAKE("required", "metric = 1;") ",\n"
				    FAKE("required", "metric = 1;"), HG_STAGE_CHECK);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_EQUAL_FATAL(d->nm, 1);	/* the same figure twice is kept once */
	CU_ASSERT_EQUAL(d->m[0].kind, HG_METRIC_CERT_NOT_AFTER);
	CU_ASSERT_STRING_EQUAL(d->m[0].module, "fake");
	CU_ASSERT_STRING_EQUAL(d->m[0].where, "fake");
	CU_ASSERT_STRING_EQUAL(d->m[0].key, "");
	CU_ASSERT_EQUAL(d->m[0].value, 1);
	hg_decision_free(d);
}

static void
test_stack_refuses_unknown_metric(void)
{
	struct hg_decision *d = run("enforce", FAKE("optional", "metric = 99;"), HG_STAGE_CHECK);

	/* A module bug, not a figure: its entry fails, even an optional one's check. */
	CU_ASSERT_TRUE(hgt_has(d, "HG-007", HG_SEV_FAIL, "unknown metric"));
	CU_ASSERT_EQUAL(d->nm, 0);
	hg_decision_free(d);
}

static void
test_stack_warn_mode_reports_and_allows(void)
{
	struct hg_decision *d = run("warn", FAKE("required", "result = \"fail\";"),
				    HG_STAGE_PROCESS);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_TRUE(d->would_refuse);
	CU_ASSERT_TRUE(hgt_has(d, "HG-007", HG_SEV_FAIL, "fake result fails"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d->reason, "would refuse"));
	hg_decision_free(d);
}

static void
test_stack_check_ignores_warn_mode(void)
{
	char *conf = policy("warn", FAKE("required", "result = \"fail\";"));
	struct hg_run_opts o = { .conf = conf, .service = "svc", .stage = HG_STAGE_CHECK,
				 .ignore_mode = 1 };
	struct hg_decision *d = NULL;

	CU_ASSERT_EQUAL_FATAL(hg_run(&o, &d), 0);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	hg_decision_free(d);
	free(conf);
}

static void
test_stack_launched_child_applies_and_verifies_only(void)
{
	char *log = hgt_path(hgt_dir, "apply.log"), stack[1024], *conf;
	struct hg_run_opts o = { .service = "svc", .stage = HG_STAGE_PROCESS, .launched = 1 };
	struct hg_decision *d = NULL;

	unlink(log);
	/* check() would fail: the launcher already ran it, so it is not run again */
	snprintf(stack, sizeof(stack), FAKE("required", "result = \"fail\"; tag = \"a\"; log = \"%s\";"),
		 log);
	conf = policy("enforce", stack);
	o.conf = conf;
	CU_ASSERT_EQUAL_FATAL(hg_run(&o, &d), 0);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_STRING_EQUAL(read_log(log), "a:1:2\na:32:2\na:64:2\n");
	hg_decision_free(d);
	/* but the read-back still refuses */
	snprintf(stack, sizeof(stack), FAKE("required", "apply_result = \"fail\";"));
	free(conf);
	conf = policy("enforce", stack);
	o.conf = conf;
	CU_ASSERT_EQUAL_FATAL(hg_run(&o, &d), 0);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	hg_decision_free(d);
	free(conf);
	free(log);
}

static void
test_stack_refuses_when_policy_unusable(void)
{
	char *conf = hgt_write(hgt_dir, "hardgate.conf", "hardgate: { mode = \"nope\"; };\n", 0644);
	struct hg_decision *d = hgt_run(conf, NULL, HG_STAGE_PROCESS, NULL);

	/* even a process that would match nothing: we cannot know */
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(d->matched);
	CU_ASSERT_TRUE(hgt_has(d, "HG-002", HG_SEV_FAIL, "unknown value"));
	hg_decision_free(d);
	free(conf);
}

static void
test_stack_matches_on_exe_and_argv(void)
{
	char *text, *conf;
	char *a1[] = { "dbward", "server", "--x", NULL }, *a2[] = { "dbward", "agent", NULL };
	struct hg_run_opts o = { .stage = HG_STAGE_CHECK };
	struct hg_decision *d = NULL;

	if (asprintf(&text, "hardgate: { module_dir = \"%s\"; log: { syslog = false; }; };\n"
		     "services: {\n"
		     " srv: { match: { exe = \"/usr/bin/dbward\"; argv = [\"server\"]; }; stack = ( "
		     FAKE("required", "") " ); };\n"
		     " any: { match: { exe = \"/usr/bin/other\"; }; stack = ( "
		     FAKE("required", "") " ); };\n};\n", testmods()) < 0)
		abort();
	conf = hgt_write(hgt_dir, "hardgate.conf", text, 0644);
	o.conf = conf;
	o.exe = "/usr/bin/dbward";
	o.argc = 3;
	o.argv = a1;
	CU_ASSERT_EQUAL_FATAL(hg_run(&o, &d), 0);
	CU_ASSERT_TRUE(d->matched);
	CU_ASSERT_STRING_EQUAL(d->service, "srv");
	hg_decision_free(d);
	o.argc = 2;
	o.argv = a2;
	CU_ASSERT_EQUAL_FATAL(hg_run(&o, &d), 0);
	CU_ASSERT_FALSE(d->matched);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	hg_decision_free(d);
	free(text);
	free(conf);
}

static void
test_stack_refuses_ambiguous_match(void)
{
	char *text, *conf;
	char *a[] = { "x", NULL };
	struct hg_run_opts o = { .stage = HG_STAGE_CHECK, .exe = "/usr/bin/x", .argc = 1, .argv = a };
	struct hg_decision *d = NULL;

	if (asprintf(&text, "hardgate: { module_dir = \"%s\"; log: { syslog = false; }; };\n"
		     "services: {\n"
		     " one: { match: { exe = \"/usr/bin/x\"; }; stack = ( " FAKE("required", "")
		     " ); };\n two: { match: { exe = \"/usr/bin/x\"; }; stack = ( "
		     FAKE("required", "") " ); };\n};\n", testmods()) < 0)
		abort();
	conf = hgt_write(hgt_dir, "hardgate.conf", text, 0644);
	o.conf = conf;
	CU_ASSERT_EQUAL_FATAL(hg_run(&o, &d), 0);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-005", HG_SEV_FAIL, "matches both"));
	hg_decision_free(d);
	free(text);
	free(conf);
}

void
hgt_suite_stack(void)
{
	CU_pSuite s = CU_add_suite("stack", hgt_suite_init, hgt_suite_clean);

	HGT_ADD(s, test_stack_single_entry_truth_table);
	HGT_ADD(s, test_stack_combinations_follow_linux_pam);
	HGT_ADD(s, test_stack_allows_passing_stack);
	HGT_ADD(s, test_stack_refuses_failing_required_and_reports_all);
	HGT_ADD(s, test_stack_requisite_stops_at_failure);
	HGT_ADD(s, test_stack_refuses_unknown_result_code);
	HGT_ADD(s, test_stack_believes_a_fail_finding_over_pass);
	HGT_ADD(s, test_stack_refuses_no_positive_result);
	HGT_ADD(s, test_stack_refuses_undeclared_arg_even_when_optional);
	HGT_ADD(s, test_stack_refuses_bad_arg_types_and_values);
	HGT_ADD(s, test_stack_accepts_every_arg_type);
	HGT_ADD(s, test_stack_refuses_missing_module);
	HGT_ADD(s, test_stack_refuses_every_entry_of_an_untrusted_module_dir);
	HGT_ADD(s, test_stack_refuses_unsupported_phase);
	HGT_ADD(s, test_stack_refuses_unknown_service);
	HGT_ADD(s, test_stack_applies_step_by_step_in_order);
	HGT_ADD(s, test_stack_applies_nothing_in_check_or_audit_or_when_denied);
	HGT_ADD(s, test_stack_refuses_failed_verify);
	HGT_ADD(s, test_stack_warn_mode_reports_and_allows);
	HGT_ADD(s, test_stack_check_ignores_warn_mode);
	HGT_ADD(s, test_stack_launched_child_applies_and_verifies_only);
	HGT_ADD(s, test_stack_refuses_when_policy_unusable);
	HGT_ADD(s, test_stack_matches_on_exe_and_argv);
	HGT_ADD(s, test_stack_refuses_ambiguous_match);
	HGT_ADD(s, test_stack_keeps_module_metrics);
	HGT_ADD(s, test_stack_refuses_unknown_metric);
}
