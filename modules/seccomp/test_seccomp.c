/*
 * test_seccomp.c - the groups data, the module's refusals, and real
 * filters loaded in forked children that then try what is forbidden.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"
#include "sysgroups.h"
#include "testutil.h"

static char *dir;
static char groups[4096];

static int
setup(void)
{
	const char *src = getenv("HG_SRCDIR");

	dir = hgt_tmpdir();
	snprintf(groups, sizeof(groups), "%s/modules/seccomp/seccomp.groups", src ? src : ".");
	return 0;
}

static int
teardown(void)
{
	hgt_rmrf(dir);
	return 0;
}

/* --- seccomp.groups ------------------------------------------------------- */

static int
count(const char *name, void *arg)
{
	(void)name;
	(*(int *)arg)++;
	return 0;
}

static void
test_seccomp_groups_parse_and_nest(void)
{
	char err[256];
	struct hg_sysgroups *g = hg_sysgroups_parse("# c\n@a  first\n\tx y # z\n@b  second\n"
						    "\t@a w\n", err, sizeof(err));
	int n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_EQUAL(hg_sysgroups_expand(g, "@b", count, &n, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(n, 3);
	CU_ASSERT_STRING_EQUAL(hg_sysgroups_help(g, "@a"), "first");
	CU_ASSERT_EQUAL(hg_sysgroups_expand(g, "@nope", count, &n, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown syscall group @nope"));
	hg_sysgroups_free(g);
}

/* Stops a runaway expansion after 1000 names instead of hanging the test. */
static int
count_bounded(const char *name, void *arg)
{
	(void)name;
	return ++*(int *)arg > 1000 ? -1 : 0;
}

/*
 * 8 groups each naming the next 512 times: the expansion visits each group
 * once, not 512^7 times (a start-up that never ends).
 */
static void
test_seccomp_groups_expand_a_group_named_twice_once(void)
{
	char text[8 * (512 * 4 + 16) + 16], err[256];
	size_t l = 0;
	struct hg_sysgroups *g;
	int n = 0;

	for (int i = 0; i < 7; i++) {
		l += (size_t)snprintf(text + l, sizeof(text) - l, "@g%d  level\n\t", i);
		for (int j = 0; j < 512; j++)
			l += (size_t)snprintf(text + l, sizeof(text) - l, " @g%d", i + 1);
		text[l++] = '\n';
	}
	snprintf(text + l, sizeof(text) - l, "@g7  last\n\tread\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(g = hg_sysgroups_parse(text, err, sizeof(err)));
	CU_ASSERT_EQUAL(hg_sysgroups_expand(g, "@g0", count_bounded, &n, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(n, 1);
	hg_sysgroups_free(g);
}

static void
test_seccomp_groups_refuse_bad_data(void)
{
	static const char *const bad[][2] = {
		{ "x\n", "line 1: expected" },
		{ "\tx\n", "line 1: expected" },
		{ "@a\n\tx\n@a\n", "line 3: group @a defined twice" },
		{ "@A\n", "bad group name" },
		{ "@a\n\tx;y\n", "line 2: bad name" },
	};
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_PTR_NULL(hg_sysgroups_parse(bad[i][0], err, sizeof(err)));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, bad[i][1]));
	}
}

static void
test_seccomp_groups_refuse_cycles(void)
{
	char err[256];
	struct hg_sysgroups *g = hg_sysgroups_parse("@a\n\t@b\n@b\n\t@a\n", err, sizeof(err));
	int n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_EQUAL(hg_sysgroups_expand(g, "@a", count, &n, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "includes itself"));
	hg_sysgroups_free(g);
}

/* --- the module ---------------------------------------------------------- */

static struct hg_decision *
run(const char *args, enum hg_stage stage)
{
	struct hg_run_opts o = { .stage = stage };
	struct hg_decision *d;
	char *full;

	if (asprintf(&full, "groups_file = \"%s\"; %s", groups, args) < 0)
		abort();
	d = hgt_run_module(dir, "seccomp", full, &o);
	free(full);
	return d;
}

static void
test_seccomp_refuses_bad_policies(void)
{
	static const char *const cases[][2] = {
		{ "", "exactly one of allow and deny" },
		{ "allow = [ \"read\" ]; deny = [ \"write\" ];", "exactly one of allow and deny" },
		{ "deny = [ \"frobnicate\" ];", "unknown syscall 'frobnicate'" },
		{ "deny = [ \"@nosuch\" ];", "unknown syscall group @nosuch" },
		{ "deny = [ \"ptrace\" ]; action = \"explode\";", "unknown seccomp action" },
		{ "deny = [ \"ptrace\" ]; action = \"errno:99999\";", "unknown seccomp action" },
		{ "deny = [ \"ptrace\" ]; archs = [ \"vax\" ];", "unknown architecture 'vax'" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hg_decision *d = run(cases[i][0], HG_STAGE_CHECK);

		CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
		CU_ASSERT_TRUE(hgt_has(d, "HG-015", HG_SEV_FAIL, cases[i][1]));
		hg_decision_free(d);
	}
}

static void
test_seccomp_refuses_untrusted_groups_file(void)
{
	char *copy = hgt_write(dir, "open.groups", "@a\n\tread\n@hardgate-report\n\twrite\n", 0666);
	char args[512];
	struct hg_decision *d;

	snprintf(args, sizeof(args), "deny = [ \"@a\" ]; groups_file = \"%s\";", copy);
	d = hgt_run_module(dir, "seccomp", args, NULL);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-015", HG_SEV_FAIL, "group/world-writable"));
	hg_decision_free(d);
	free(copy);
}

/* Child: load the filter, then report what the kernel did. */
struct want {
	const char *args;
	enum hg_stage stage;
};

static int
child_deny_mount_and_ptrace(void *arg)
{
	struct hg_decision *d = run(((struct want *)arg)->args, HG_STAGE_PROCESS);

	if (d->status != HG_EXIT_ALLOWED)
		return 1;
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 2)
		return 2;
	if (swapoff("/nonexistent/hg") != -1 || errno != EPERM)	/* ENOENT without the filter */
		return 3;
	if (getppid() <= 0)	/* everything else still works */
		return 4;
	return 0;
}

static void
test_seccomp_deny_list_returns_configured_errno(void)
{
	struct want w = { "deny = [ \"@swap\", \"@mount\" ]; action = \"errno:EPERM\";",
			  HG_STAGE_PROCESS };

	if (!hgt_root())
		return;	/* swapoff's ENOENT needs CAP_SYS_ADMIN to be the control */
	CU_ASSERT_EQUAL(hgt_fork(child_deny_mount_and_ptrace, &w), 0);
}

static void
test_seccomp_allow_list_denies_the_rest(void)
{
	struct want w = { "allow = [ \"@system-service\" ]; action = \"errno:EPERM\";",
			  HG_STAGE_PROCESS };

	if (!hgt_root())
		return;
	/* swapoff is in @privileged, not @system-service */
	CU_ASSERT_EQUAL(hgt_fork(child_deny_mount_and_ptrace, &w), 0);
}

static void
test_seccomp_kill_action_kills_with_sigsys(void)
{
	pid_t pid;
	int st;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		struct hg_decision *d = run("deny = [ \"swapoff\" ];", HG_STAGE_PROCESS);

		if (d->status != HG_EXIT_ALLOWED)
			_exit(1);
		swapoff("/nonexistent/hg");
		_exit(2);	/* must not get here */
	}
	CU_ASSERT_EQUAL_FATAL(waitpid(pid, &st, 0), pid);
	CU_ASSERT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS);
}

static int
child_launcher_loads_nothing(void *arg)
{
	struct hg_decision *d = run(((struct want *)arg)->args, HG_STAGE_LAUNCHER);

	if (d->status != HG_EXIT_ALLOWED)
		return 1;
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0 ? 0 : 2;
}

static void
test_seccomp_launcher_compiles_but_does_not_load(void)
{
	struct want w = { "deny = [ \"swapoff\" ];", HG_STAGE_LAUNCHER };

	CU_ASSERT_EQUAL(hgt_fork(child_launcher_loads_nothing, &w), 0);
}

static void *
thread_swapoff(void *arg)
{
	(void)arg;
	return (void *)(long)(swapoff("/nonexistent/hg") == -1 ? errno : 0);
}

static int go;

static void *
thread_wait_then_swapoff(void *arg)
{
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		usleep(1000);
	return thread_swapoff(arg);
}

static int
child_tsync(void *arg)
{
	struct hg_decision *d;
	pthread_t t;
	void *res;

	(void)arg;
	if (pthread_create(&t, NULL, thread_wait_then_swapoff, NULL) != 0)
		return 9;
	d = run("deny = [ \"swapoff\" ]; action = \"errno:EPERM\";", HG_STAGE_PROCESS);
	if (d->status != HG_EXIT_ALLOWED)
		return 1;
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	pthread_join(t, &res);
	/* the thread that existed before the load is filtered too (TSYNC) */
	return (long)res == EPERM ? 0 : 2;
}

static void
test_seccomp_filters_threads_started_before(void)
{
	if (!hgt_root())
		return;
	CU_ASSERT_EQUAL(hgt_fork(child_tsync, NULL), 0);
}

/* seccomp "missing": prctl(PR_GET_SECCOMP) fails with EINVAL, as without CONFIG_SECCOMP. */
static int
child_no_seccomp(void *arg)
{
	struct hg_decision *d;

	(void)arg;
	if (hgt_deny_syscall(157 /* prctl */, PR_GET_SECCOMP, EINVAL) < 0)
		return 9;
	d = run("deny = [ \"swapoff\" ];", HG_STAGE_CHECK);
	return d->status == HG_EXIT_REFUSED &&
	       hgt_has(d, "HG-015", HG_SEV_FAIL, "the kernel has no seccomp") ? 0 : 1;
}

static void
test_seccomp_refuses_when_the_kernel_has_none(void)
{
	CU_ASSERT_EQUAL(hgt_fork(child_no_seccomp, NULL), 0);
}

/* TSYNC fails when another thread has a filter of its own. */
static void *
thread_own_filter(void *arg)
{
	(void)arg;
	hgt_deny_syscall(SYS_swapon, -1, EPERM);
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	pause();
	return NULL;
}

static int
child_tsync_fails(void *arg)
{
	struct hg_decision *d;
	pthread_t t;

	(void)arg;
	if (pthread_create(&t, NULL, thread_own_filter, NULL) != 0)
		return 9;
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		usleep(1000);
	d = run("deny = [ \"swapoff\" ];", HG_STAGE_PROCESS);
	return d->status == HG_EXIT_REFUSED &&
	       hgt_has(d, "HG-015", HG_SEV_FAIL, "cannot load the seccomp filter") ? 0 : 1;
}

static void
test_seccomp_refuses_when_tsync_fails(void)
{
	go = 0;
	CU_ASSERT_EQUAL(hgt_fork(child_tsync_fails, NULL), 0);
}

/* seccomp(2) "succeeds" without loading anything: only the read-back sees it. */
static int
child_fake_load(void *arg)
{
	struct hg_decision *d;

	(void)arg;
	if (hgt_deny_syscall(SYS_seccomp, -1, 0) < 0)	/* ERRNO(0): returns 0, does nothing */
		return 9;
	d = run("deny = [ \"swapoff\" ];", HG_STAGE_PROCESS);
	return d->status == HG_EXIT_REFUSED &&
	       hgt_has(d, "HG-015", HG_SEV_FAIL, "did not take hold") ? 0 : 1;
}

static void
test_seccomp_read_back_catches_a_load_that_did_nothing(void)
{
	CU_ASSERT_EQUAL(hgt_fork(child_fake_load, NULL), 0);
}

void
hgt_suite_seccomp(void)
{
	CU_pSuite s = CU_add_suite("seccomp", setup, teardown);

	HGT_ADD(s, test_seccomp_groups_parse_and_nest);
	HGT_ADD(s, test_seccomp_groups_expand_a_group_named_twice_once);
	HGT_ADD(s, test_seccomp_groups_refuse_bad_data);
	HGT_ADD(s, test_seccomp_groups_refuse_cycles);
	HGT_ADD(s, test_seccomp_refuses_bad_policies);
	HGT_ADD(s, test_seccomp_refuses_untrusted_groups_file);
	HGT_ADD(s, test_seccomp_deny_list_returns_configured_errno);
	HGT_ADD(s, test_seccomp_allow_list_denies_the_rest);
	HGT_ADD(s, test_seccomp_kill_action_kills_with_sigsys);
	HGT_ADD(s, test_seccomp_launcher_compiles_but_does_not_load);
	HGT_ADD(s, test_seccomp_filters_threads_started_before);
	HGT_ADD(s, test_seccomp_refuses_when_the_kernel_has_none);
	HGT_ADD(s, test_seccomp_refuses_when_tsync_fails);
	HGT_ADD(s, test_seccomp_read_back_catches_a_load_that_did_nothing);
}
