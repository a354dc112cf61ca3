/*
 * test_coredump.c - coredump through the real .so and loader: the kernel
 * settings check against fixture /proc files, and apply + read-back in a
 * forked child so the test runner itself is not changed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static char *dir;

static int
setup(void)
{
	dir = hgt_tmpdir();
	return 0;
}

static int
teardown(void)
{
	hgt_rmrf(dir);
	return 0;
}

/* A fake /proc/sys under DIR/root with the given values (NULL: absent). */
static char *
fake_root(const char *pattern, const char *suid)
{
	char *root = hgt_path(dir, "root"), path[4096];

	snprintf(path, sizeof(path), "rm -rf %s && mkdir -p %s/proc/sys/kernel %s/proc/sys/fs",
		 root, root, root);
	CU_ASSERT_EQUAL(system(path), 0);
	if (pattern) {
		snprintf(path, sizeof(path), "%s/proc/sys/kernel", root);
		free(hgt_write(path, "core_pattern", pattern, 0644));
	}
	if (suid) {
		snprintf(path, sizeof(path), "%s/proc/sys/fs", root);
		free(hgt_write(path, "suid_dumpable", suid, 0644));
	}
	return root;
}

static struct hg_decision *
run(const char *args, enum hg_stage stage, const char *root)
{
	char *body, *conf;
	struct hg_decision *d;

	if (asprintf(&body, "  svc: { stack = ( { module = \"coredump\"; control = \"required\"; "
		     "args: { %s }; } ); };", args) < 0)
		abort();
	conf = hgt_policy(dir, "enforce", body);
	d = hgt_run(conf, "svc", stage, root);
	free(body);
	free(conf);
	return d;
}

static void
test_coredump_allows_plain_pattern(void)
{
	char *root = fake_root("core\n", "0\n");
	struct hg_decision *d = run("id = \"DBW-REC-08\";", HG_STAGE_CHECK, root);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_FALSE(hgt_has(d, "HG-013", -1, NULL));
	hg_decision_free(d);
	free(root);
}

static void
test_coredump_refuses_pipe_with_suid_dumpable_2(void)
{
	char *root = fake_root("|/usr/lib/systemd/systemd-coredump %P %u\n", "2\n");
	struct hg_decision *d = run("id = \"DBW-REC-08\";", HG_STAGE_CHECK, root);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-013", HG_SEV_FAIL, "suid_dumpable = 2"));
	CU_ASSERT_TRUE(hgt_has(d, "HG-013", HG_SEV_FAIL, "systemd-coredump"));
	hg_decision_free(d);
	free(root);
}

static void
test_coredump_kernel_warn_allows_with_warning(void)
{
	char *root = fake_root("|/bin/catcher\n", "2\n");
	struct hg_decision *d = run("kernel = \"warn\";", HG_STAGE_CHECK, root);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-013", HG_SEV_WARN, "suid_dumpable = 2"));
	hg_decision_free(d);
	free(root);
}

static void
test_coredump_kernel_off_skips_the_check(void)
{
	char *root = fake_root("|/bin/catcher\n", "2\n");
	struct hg_decision *d = run("kernel = \"off\";", HG_STAGE_CHECK, root);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_FALSE(hgt_has(d, "HG-013", -1, NULL));
	hg_decision_free(d);
	free(root);
}

static void
test_coredump_pipe_alone_is_allowed_and_noted(void)
{
	char *root = fake_root("|/bin/catcher\n", "0\n");
	struct hg_decision *d = run("", HG_STAGE_CHECK, root);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-013", HG_SEV_INFO, "dumpable 0 does"));
	hg_decision_free(d);
	free(root);
}

static void
test_coredump_refuses_unreadable_kernel_settings(void)
{
	char *root = fake_root("core\n", NULL);
	struct hg_decision *d = run("", HG_STAGE_CHECK, root);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-013", HG_SEV_FAIL, "cannot read /proc/sys/fs/suid_dumpable"));
	hg_decision_free(d);
	free(root);
}

/* In the child: raise RLIMIT_CORE, run the stage; bit 0 allowed, 1 rlimit 0/0, 2 dumpable 0. */
static int
apply_in_child(void *arg)
{
	enum hg_stage stage = *(enum hg_stage *)arg;
	struct hg_decision *d;
	struct rlimit rl;
	int r = 0;

	getrlimit(RLIMIT_CORE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	d = run("id = \"DBW-REC-08\";", stage, NULL);
	if (d->status == HG_EXIT_ALLOWED)
		r |= 1;
	else
		hgt_dump(d);
	getrlimit(RLIMIT_CORE, &rl);
	if (rl.rlim_cur == 0 && rl.rlim_max == 0)
		r |= 2;
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0)
		r |= 4;
	return r;
}

static int
child_result(enum hg_stage stage)
{
	return hgt_fork(apply_in_child, &stage);
}

static int
kernel_lets_dumps_through(void)
{
	char pattern[256] = "", suid[16] = "";
	FILE *f;

	if ((f = fopen("/proc/sys/kernel/core_pattern", "r"))) {
		if (!fgets(pattern, sizeof(pattern), f))
			pattern[0] = '\0';
		fclose(f);
	}
	if ((f = fopen("/proc/sys/fs/suid_dumpable", "r"))) {
		if (!fgets(suid, sizeof(suid), f))
			suid[0] = '\0';
		fclose(f);
	}
	return pattern[0] == '|' && suid[0] == '2';
}

static void
test_coredump_process_stage_disables_and_verifies(void)
{
	if (kernel_lets_dumps_through()) {
		fprintf(stderr, "  (host has a piped core_pattern and suid_dumpable=2: skipped)\n");
		return;
	}
	CU_ASSERT_EQUAL(child_result(HG_STAGE_PROCESS), 1 | 2 | 4);
}

static void
test_coredump_launcher_stage_sets_rlimit_only(void)
{
	if (kernel_lets_dumps_through())
		return;
	/* dumpable would not survive execve: the child's preload sets it */
	CU_ASSERT_EQUAL(child_result(HG_STAGE_LAUNCHER), 1 | 2);
}

static void
test_coredump_check_stage_changes_nothing(void)
{
	if (kernel_lets_dumps_through())
		return;
	CU_ASSERT_EQUAL(child_result(HG_STAGE_CHECK), 1);
}

void
hgt_suite_coredump(void)
{
	CU_pSuite s = CU_add_suite("coredump", setup, teardown);

	HGT_ADD(s, test_coredump_allows_plain_pattern);
	HGT_ADD(s, test_coredump_refuses_pipe_with_suid_dumpable_2);
	HGT_ADD(s, test_coredump_kernel_warn_allows_with_warning);
	HGT_ADD(s, test_coredump_kernel_off_skips_the_check);
	HGT_ADD(s, test_coredump_pipe_alone_is_allowed_and_noted);
	HGT_ADD(s, test_coredump_refuses_unreadable_kernel_settings);
	HGT_ADD(s, test_coredump_process_stage_disables_and_verifies);
	HGT_ADD(s, test_coredump_launcher_stage_sets_rlimit_only);
	HGT_ADD(s, test_coredump_check_stage_changes_nothing);
}
