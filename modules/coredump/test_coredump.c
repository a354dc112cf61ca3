/*
 * test_coredump.c - coredump through the real .so and loader.
 *
 * The kernel-settings check (HG-013) runs against fixture /proc/sys files
 * written under a fresh temporary root. Apply and read-back run in a
 * forked child so the test runner itself is not changed; the child first
 * raises RLIMIT_CORE and sets dumpable 1, so that "0 afterwards" proves
 * the module did it. Refusals of apply are provoked with a seccomp filter
 * in the child that makes setrlimit or PR_SET_DUMPABLE fail (EPERM) or
 * pretend to succeed without doing anything (errno 0): the second kind
 * only the read-back can catch.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "run.h"
#include "testutil.h"

#define DBW "id = \"DBW-REC-08\";"
#define SYSTEMD_PIPE "|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h\n"

static int nroot;

static int
setup(void)
{
	hgt_suite_init();
	nroot = 0;
	return 0;
}

/* mkdir ROOT/SUB, aborting on failure. */
static void
mkdir_in(const char *root, const char *sub)
{
	char *p = hgt_path(root, sub);

	if (mkdir(p, 0755) != 0 && errno != EEXIST) {
		perror(p);
		abort();
	}
	free(p);
}

/*
 * A fresh fake "/" with PATTERN in proc/sys/kernel/core_pattern and SUID in
 * proc/sys/fs/suid_dumpable (NULL: the file is absent).
 */
static char *
fake_root(const char *pattern, const char *suid)
{
	char name[32], *root;

	snprintf(name, sizeof(name), "root%d", nroot++);
	root = hgt_path(hgt_dir, name);
	mkdir_in(hgt_dir, name);
	mkdir_in(root, "proc");
	mkdir_in(root, "proc/sys");
	mkdir_in(root, "proc/sys/kernel");
	mkdir_in(root, "proc/sys/fs");
	if (pattern)
		free(hgt_write(root, "proc/sys/kernel/core_pattern", pattern, 0644));
	if (suid)
		free(hgt_write(root, "proc/sys/fs/suid_dumpable", suid, 0644));
	return root;
}

/* A policy with service svc = one required coredump entry with ARGS. */
static struct hg_decision *
run(const char *args, enum hg_stage stage, const char *root, int status)
{
	struct hg_run_opts o = { .stage = stage, .test_root = root };
	struct hg_decision *d = hgt_run_module(hgt_dir, "coredump", args, &o);

	if (d->status != status && d->status == HG_EXIT_ALLOWED)
		hgt_dump(d);	/* the harness prints refusals itself */
	return d;
}

/* Check stage against fixture values; the caller frees the decision. */
static struct hg_decision *
check_with(const char *args, const char *pattern, const char *suid, int status)
{
	char *root = fake_root(pattern, suid);
	struct hg_decision *d = run(args, HG_STAGE_CHECK, root, status);

	free(root);
	return d;
}

/* Number of findings of severity SEV in D. */
static size_t
count_sev(const struct hg_decision *d, enum hg_severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n; i++)
		n += d->f[i].severity == sev;
	return n;
}

/* The first finding with ID and severity SEV, or NULL. */
static const struct hg_finding *
finding(const struct hg_decision *d, const char *id, enum hg_severity sev)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->f[i].id, id) == 0 && d->f[i].severity == sev)
			return &d->f[i];
	return NULL;
}

/* --- the kernel settings (check, no side effects) --- */

static void
test_coredump_allows_plain_pattern_with_suid_dumpable_0(void)
{
	struct hg_decision *d = check_with(DBW, "core\n", "0\n", HG_EXIT_ALLOWED);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_FALSE(hgt_has(d, "HG-013", -1, NULL));
	CU_ASSERT_EQUAL(count_sev(d, HG_SEV_FAIL), 0);
	hg_decision_free(d);
}

static void
test_coredump_allows_absolute_file_pattern_with_suid_dumpable_2(void)
{
	/* a file dump obeys RLIMIT_CORE 0, whatever suid_dumpable says */
	struct hg_decision *d = check_with(DBW, "/var/crash/core.%e.%p\n", "2\n",
					   HG_EXIT_ALLOWED);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_FALSE(hgt_has(d, "HG-013", -1, NULL));
	hg_decision_free(d);
}

static void
test_coredump_refuses_pipe_with_suid_dumpable_2(void)
{
	struct hg_decision *d = check_with(DBW, SYSTEMD_PIPE, "2\n", HG_EXIT_REFUSED);
	const struct hg_finding *f = finding(d, "HG-013", HG_SEV_FAIL);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-013", HG_SEV_FAIL, "suid_dumpable"));
	CU_ASSERT_TRUE(hgt_has(d, "HG-013", HG_SEV_FAIL,
			       "kernel.core_pattern pipes cores to /usr/lib/systemd/systemd-coredump "
			       "and fs.suid_dumpable = 2:"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->where, "/proc/sys/fs/suid_dumpable");
	CU_ASSERT_PTR_NOT_NULL(strstr(f->fix, "sysctl -w fs.suid_dumpable=0"));
	CU_ASSERT_PTR_NULL(strchr(f->message, '\n'));
	CU_ASSERT_PTR_NULL(strstr(f->message, "%P"));	/* the helper, not its arguments */
	hg_decision_free(d);
}

static void
test_coredump_refuses_pipe_with_suid_dumpable_1(void)
{
	/* a uid change resets dumpable to 1: dumped through the pipe as well */
	struct hg_decision *d = check_with("", "|/bin/catcher %p\n", "1\n", HG_EXIT_REFUSED);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-013", HG_SEV_FAIL, "fs.suid_dumpable = 1"));
	hg_decision_free(d);
}

static void
test_coredump_refuses_file_pattern_with_suid_dumpable_1(void)
{
	/* RLIMIT_CORE 0 stops the file, but dumpable 1 opens ptrace to the new uid */
	struct hg_decision *d = check_with(DBW, "core\n", "1\n", HG_EXIT_REFUSED);
	const struct hg_finding *f = finding(d, "HG-013", HG_SEV_FAIL);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "fs.suid_dumpable = 1: a uid change"));
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "ptrace"));
	CU_ASSERT_STRING_EQUAL(f->where, "/proc/sys/fs/suid_dumpable");
	CU_ASSERT_PTR_NOT_NULL(strstr(f->fix, "sysctl -w fs.suid_dumpable=0"));
	hg_decision_free(d);
	d = check_with("kernel = \"warn\";", "core\n", "1\n", HG_EXIT_ALLOWED);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-013", HG_SEV_WARN, "fs.suid_dumpable = 1"));
	hg_decision_free(d);
}

static void
test_coredump_refuses_socket_pattern_with_suid_dumpable_2(void)
{
	/* Linux 6.16+: '@' sends the core to an AF_UNIX socket, RLIMIT_CORE ignored */
	struct hg_decision *d = check_with(DBW, "@@/run/systemd/coredump.socket\n", "2\n",
					   HG_EXIT_REFUSED);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-013", HG_SEV_FAIL,
			       "socket /run/systemd/coredump.socket and fs.suid_dumpable = 2"));
	hg_decision_free(d);
}

static void
test_coredump_kernel_warn_allows_pipe_with_suid_dumpable_2_with_a_warning(void)
{
	struct hg_decision *d = check_with("id = \"DBW-REC-08\"; kernel = \"warn\";",
					   SYSTEMD_PIPE, "2\n", HG_EXIT_ALLOWED);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-013", HG_SEV_WARN, "suid_dumpable = 2"));
	CU_ASSERT_FALSE(hgt_has(d, "HG-013", HG_SEV_FAIL, NULL));
	hg_decision_free(d);
}

static void
test_coredump_kernel_off_allows_pipe_with_suid_dumpable_2_silently(void)
{
	struct hg_decision *d = check_with("kernel = \"off\";", SYSTEMD_PIPE, "2\n",
					   HG_EXIT_ALLOWED);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_FALSE(hgt_has(d, "HG-013", -1, NULL));
	hg_decision_free(d);
}

static void
test_coredump_kernel_off_reads_nothing(void)
{
	struct hg_decision *d = check_with("kernel = \"off\";", NULL, NULL, HG_EXIT_ALLOWED);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_FALSE(hgt_has(d, "HG-013", -1, NULL));
	hg_decision_free(d);
}

static void
test_coredump_allows_pipe_with_suid_dumpable_0_and_notes_it(void)
{
	struct hg_decision *d = check_with(DBW, SYSTEMD_PIPE, "0\n", HG_EXIT_ALLOWED);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-013", HG_SEV_INFO, "dumpable 0 does"));
	CU_ASSERT_EQUAL(count_sev(d, HG_SEV_FAIL), 0);
	CU_ASSERT_EQUAL(count_sev(d, HG_SEV_WARN), 0);
	hg_decision_free(d);
}

static void
test_coredump_refuses_missing_suid_dumpable(void)
{
	struct hg_decision *d = check_with(DBW, "core\n", NULL, HG_EXIT_REFUSED);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-013", HG_SEV_FAIL,
			       "cannot read /proc/sys/fs/suid_dumpable: No such file"));
	hg_decision_free(d);
}

static void
test_coredump_refuses_missing_core_pattern(void)
{
	struct hg_decision *d = check_with(DBW, NULL, "0\n", HG_EXIT_REFUSED);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-013", HG_SEV_FAIL,
			       "cannot read /proc/sys/kernel/core_pattern: No such file"));
	hg_decision_free(d);
}

static void
test_coredump_kernel_warn_still_refuses_unreadable_settings(void)
{
	/* fail closed: "warn" weakens a known finding, not an unknown state */
	struct hg_decision *d = check_with("kernel = \"warn\";", SYSTEMD_PIPE, NULL,
					   HG_EXIT_REFUSED);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-013", HG_SEV_FAIL, "cannot read /proc/sys/fs/suid_dumpable"));
	hg_decision_free(d);
}

static void
test_coredump_refuses_garbled_suid_dumpable(void)
{
	struct hg_decision *d = check_with(DBW, SYSTEMD_PIPE, "two\n", HG_EXIT_REFUSED);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-013", HG_SEV_FAIL, "unexpected value"));
	hg_decision_free(d);
}

/* First line of PATH into BUF ("" if unreadable); 0 or -1. */
static int
read_line(const char *path, char *buf, int n)
{
	FILE *f = fopen(path, "r");
	int ok;

	buf[0] = '\0';
	if (f == NULL)
		return -1;
	ok = fgets(buf, n, f) != NULL;
	fclose(f);
	return ok ? 0 : -1;
}

static void
test_coredump_reads_the_real_proc_sys(void)
{
	char pattern[256], suid[16];
	struct hg_decision *d;
	int expect;

	if (read_line("/proc/sys/kernel/core_pattern", pattern, sizeof(pattern)) < 0 ||
	    read_line("/proc/sys/fs/suid_dumpable", suid, sizeof(suid)) < 0) {
		fprintf(stderr, "  (/proc/sys not readable here: skipped)\n");
		return;
	}
	expect = (pattern[0] == '|' || pattern[0] == '@') && atoi(suid) != 0 ?
		HG_EXIT_REFUSED : HG_EXIT_ALLOWED;
	d = run(DBW, HG_STAGE_CHECK, NULL, expect);
	CU_ASSERT_EQUAL(d->status, expect);
	CU_ASSERT_FALSE(hgt_has(d, "HG-013", -1, "cannot read"));
	hg_decision_free(d);
}

/* --- apply and read-back, in a forked child --- */

/* What the child saw, as bits of its exit status. */
#define R_PRE		0x01	/* RLIMIT_CORE raised (non-zero) and dumpable 1 before the run */
#define R_ALLOWED	0x02
#define R_REFUSED	0x04
#define R_RLIMIT0	0x08	/* RLIMIT_CORE soft 0 hard 0 afterwards */
#define R_RAISED	0x10	/* RLIMIT_CORE as raised before, afterwards */
#define R_DUMPABLE0	0x20	/* PR_GET_DUMPABLE 0 afterwards */
#define R_FINDING	0x40	/* the expected FAIL finding; with none expected, no FAIL at all */
#define R_NOFILTER	0x80	/* the fault could not be installed */
#define SKIPPED		(-2)

/*
 * Make syscall NR fail with ERR (0: return 0 having done nothing) when its
 * argument ARG is VAL (low 32 bits) and argument PTR (if >= 0) is not NULL.
 */
struct fault {
	long nr;
	int arg;
	unsigned val;
	int ptr;
};

struct job {
	const char *conf;
	const char *root;
	enum hg_stage stage;
	const struct fault *faults;	/* ended by nr -1, or NULL */
	unsigned err;
	const char *id;		/* expected FAIL finding, or NULL for none */
	const char *sub;
};

#if defined(__x86_64__)
#define HGT_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define HGT_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARG_LO(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define ARG_HI(i) (ARG_LO(i) + 4)
#else
#define ARG_HI(i) (offsetof(struct seccomp_data, args) + 8 * (i))
#define ARG_LO(i) (ARG_HI(i) + 4)
#endif

#define LD(off) (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (unsigned)(off))
#define JEQ(k, t, f) (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (t), (f))
#define RET(k) (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, (k))
#define J_ALLOW 0xfe		/* placeholders, resolved by install_fault() */
#define J_FAULT 0xfd

static unsigned char
resolve(unsigned char j, unsigned i, unsigned n)
{
	if (j == J_ALLOW)
		return (unsigned char)(n - 1 - i - 1);
	if (j == J_FAULT)
		return (unsigned char)(n - 2 - i - 1);
	return j;
}

/* One seccomp filter for FT; filters stack and the ERRNO action wins over ALLOW. */
static int
install_fault(const struct fault *ft, unsigned err)
{
#ifdef HGT_AUDIT_ARCH
	struct sock_filter f[16];
	struct sock_fprog prog;
	unsigned n = 0;

	f[n++] = LD(offsetof(struct seccomp_data, arch));
	f[n++] = JEQ(HGT_AUDIT_ARCH, 0, J_ALLOW);
	f[n++] = LD(offsetof(struct seccomp_data, nr));
	f[n++] = JEQ((unsigned)ft->nr, 0, J_ALLOW);
	f[n++] = LD(ARG_LO(ft->arg));
	f[n++] = JEQ(ft->val, 0, J_ALLOW);
	if (ft->ptr >= 0) {
		f[n++] = LD(ARG_LO(ft->ptr));
		f[n++] = JEQ(0, 0, J_FAULT);
		f[n++] = LD(ARG_HI(ft->ptr));
		f[n++] = JEQ(0, J_ALLOW, J_FAULT);
	}
	f[n++] = RET(SECCOMP_RET_ERRNO | (err & SECCOMP_RET_DATA));
	f[n++] = RET(SECCOMP_RET_ALLOW);
	for (unsigned i = 0; i < n; i++) {
		if (BPF_CLASS(f[i].code) != BPF_JMP)
			continue;
		f[i].jt = resolve(f[i].jt, i, n);
		f[i].jf = resolve(f[i].jf, i, n);
	}
	prog.len = (unsigned short)n;
	prog.filter = f;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
#else
	(void)ft;
	(void)err;
	return -1;
#endif
}

/* setrlimit(RLIMIT_CORE, ...) in either of the syscalls glibc may use. */
static const struct fault setrlimit_core[] = {
#ifdef __NR_prlimit64
	{ __NR_prlimit64, 1, RLIMIT_CORE, 2 },	/* getrlimit passes new = NULL */
#endif
#ifdef __NR_setrlimit
	{ __NR_setrlimit, 0, RLIMIT_CORE, -1 },
#endif
	{ -1, 0, 0, -1 },
};

static const struct fault set_dumpable[] = {
	{ __NR_prctl, 0, PR_SET_DUMPABLE, -1 },
	{ -1, 0, 0, -1 },
};

/* Raise RLIMIT_CORE as far as allowed and set dumpable 1; 1 if that held. */
static int
raise_core(struct rlimit *rl)
{
	struct rlimit inf = { RLIM_INFINITY, RLIM_INFINITY };

	if (setrlimit(RLIMIT_CORE, &inf) != 0 && getrlimit(RLIMIT_CORE, rl) == 0) {
		rl->rlim_cur = rl->rlim_max;
		setrlimit(RLIMIT_CORE, rl);
	}
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	return getrlimit(RLIMIT_CORE, rl) == 0 && rl->rlim_cur != 0 &&
		rl->rlim_cur == rl->rlim_max && prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1;
}

static int
expected_finding(const struct hg_decision *d, const struct job *j)
{
	if (j->id)
		return hgt_has(d, j->id, HG_SEV_FAIL, j->sub);
	return count_sev(d, HG_SEV_FAIL) == 0;
}

static int
apply_in_child(void *arg)
{
	const struct job *j = arg;
	struct hg_decision *d;
	struct rlimit before, after;
	int r = 0;

	if (raise_core(&before))
		r |= R_PRE;
	for (const struct fault *ft = j->faults; ft && ft->nr >= 0; ft++)
		if (install_fault(ft, j->err) != 0)
			return R_NOFILTER;
	d = hgt_run(j->conf, "svc", j->stage, j->root);
	if (d->status == HG_EXIT_ALLOWED)
		r |= R_ALLOWED;
	if (d->status == HG_EXIT_REFUSED)
		r |= R_REFUSED;
	if (expected_finding(d, j))
		r |= R_FINDING;
	else
		hgt_dump(d);
	hg_decision_free(d);
	if (getrlimit(RLIMIT_CORE, &after) == 0) {
		if (after.rlim_cur == 0 && after.rlim_max == 0)
			r |= R_RLIMIT0;
		if (after.rlim_cur == before.rlim_cur && after.rlim_max == before.rlim_max)
			r |= R_RAISED;
	}
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0)
		r |= R_DUMPABLE0;
	return r;
}

/* Run J in a child; its R_* bits without R_PRE, or SKIPPED (said why). */
static int
outcome(struct job *j, const char *args, const char *pattern, const char *suid)
{
	char *root = fake_root(pattern, suid), *conf = hgt_module_policy(hgt_dir, "coredump", args);
	int r;

	j->conf = conf;
	j->root = root;
	r = hgt_fork(apply_in_child, j);
	free(conf);
	free(root);
	if (r == R_NOFILTER) {
		fprintf(stderr, "  (cannot install a seccomp filter here: skipped)\n");
		return SKIPPED;
	}
	if (r >= 0 && !(r & R_PRE)) {
		fprintf(stderr, "  (cannot raise RLIMIT_CORE or set dumpable 1 here: skipped)\n");
		return SKIPPED;
	}
	return r < 0 ? r : r & ~R_PRE;
}

static void
test_coredump_process_stage_sets_and_verifies_rlimit_and_dumpable(void)
{
	struct job j = { .stage = HG_STAGE_PROCESS };
	int r = outcome(&j, DBW, "core\n", "0\n");

	if (r != SKIPPED)
		CU_ASSERT_EQUAL(r, R_ALLOWED | R_RLIMIT0 | R_DUMPABLE0 | R_FINDING);
}

static void
test_coredump_launcher_stage_sets_rlimit_but_not_dumpable(void)
{
	/* execve would reset dumpable: the child's preload sets it */
	struct job j = { .stage = HG_STAGE_LAUNCHER };
	int r = outcome(&j, DBW, "core\n", "0\n");

	if (r != SKIPPED)
		CU_ASSERT_EQUAL(r, R_ALLOWED | R_RLIMIT0 | R_FINDING);
}

static void
test_coredump_check_stage_changes_nothing(void)
{
	struct job j = { .stage = HG_STAGE_CHECK };
	int r = outcome(&j, DBW, "core\n", "0\n");

	if (r != SKIPPED)
		CU_ASSERT_EQUAL(r, R_ALLOWED | R_RAISED | R_FINDING);
}

static void
test_coredump_process_stage_refuses_pipe_with_suid_dumpable_2_before_applying(void)
{
	struct job j = { .stage = HG_STAGE_PROCESS, .id = "HG-013", .sub = "suid_dumpable = 2" };
	int r = outcome(&j, DBW, SYSTEMD_PIPE, "2\n");

	if (r != SKIPPED)
		CU_ASSERT_EQUAL(r, R_REFUSED | R_RAISED | R_FINDING);
}

static void
test_coredump_refuses_when_setrlimit_fails(void)
{
	struct job j = { .stage = HG_STAGE_PROCESS, .faults = setrlimit_core, .err = EPERM,
			 .id = "HG-012", .sub = "setrlimit(RLIMIT_CORE, 0) failed" };
	int r = outcome(&j, "", "core\n", "0\n");

	/* whether the core goes on to later steps after a failure is its business */
	if (r != SKIPPED)
		CU_ASSERT_EQUAL(r & ~R_DUMPABLE0, R_REFUSED | R_RAISED | R_FINDING);
}

static void
test_coredump_refuses_when_rlimit_does_not_read_back_0(void)
{
	struct job j = { .stage = HG_STAGE_PROCESS, .faults = setrlimit_core, .err = 0,
			 .id = "DBW-REC-08", .sub = "RLIMIT_CORE is soft" };
	int r = outcome(&j, DBW, "core\n", "0\n");

	if (r != SKIPPED)
		CU_ASSERT_EQUAL(r & ~R_DUMPABLE0, R_REFUSED | R_RAISED | R_FINDING);
}

static void
test_coredump_refuses_when_set_dumpable_fails(void)
{
	struct job j = { .stage = HG_STAGE_PROCESS, .faults = set_dumpable, .err = EPERM,
			 .id = "DBW-REC-08", .sub = "prctl(PR_SET_DUMPABLE, 0) failed" };
	int r = outcome(&j, DBW, "core\n", "0\n");

	if (r != SKIPPED)
		CU_ASSERT_EQUAL(r, R_REFUSED | R_RLIMIT0 | R_FINDING);
}

static void
test_coredump_refuses_when_dumpable_does_not_read_back_0(void)
{
	struct job j = { .stage = HG_STAGE_PROCESS, .faults = set_dumpable, .err = 0,
			 .id = "DBW-REC-08", .sub = "dumpable = 1 after PR_SET_DUMPABLE 0" };
	int r = outcome(&j, DBW, "core\n", "0\n");

	if (r != SKIPPED)
		CU_ASSERT_EQUAL(r, R_REFUSED | R_RLIMIT0 | R_FINDING);
}

void
hgt_suite_coredump(void)
{
	CU_pSuite s = CU_add_suite("coredump", setup, hgt_suite_clean);

	HGT_ADD(s, test_coredump_allows_plain_pattern_with_suid_dumpable_0);
	HGT_ADD(s, test_coredump_allows_absolute_file_pattern_with_suid_dumpable_2);
	HGT_ADD(s, test_coredump_refuses_pipe_with_suid_dumpable_2);
	HGT_ADD(s, test_coredump_refuses_pipe_with_suid_dumpable_1);
	HGT_ADD(s, test_coredump_refuses_file_pattern_with_suid_dumpable_1);
	HGT_ADD(s, test_coredump_refuses_socket_pattern_with_suid_dumpable_2);
	HGT_ADD(s, test_coredump_kernel_warn_allows_pipe_with_suid_dumpable_2_with_a_warning);
	HGT_ADD(s, test_coredump_kernel_off_allows_pipe_with_suid_dumpable_2_silently);
	HGT_ADD(s, test_coredump_kernel_off_reads_nothing);
	HGT_ADD(s, test_coredump_allows_pipe_with_suid_dumpable_0_and_notes_it);
	HGT_ADD(s, test_coredump_refuses_missing_suid_dumpable);
	HGT_ADD(s, test_coredump_refuses_missing_core_pattern);
	HGT_ADD(s, test_coredump_kernel_warn_still_refuses_unreadable_settings);
	HGT_ADD(s, test_coredump_refuses_garbled_suid_dumpable);
	HGT_ADD(s, test_coredump_reads_the_real_proc_sys);
	HGT_ADD(s, test_coredump_process_stage_sets_and_verifies_rlimit_and_dumpable);
	HGT_ADD(s, test_coredump_launcher_stage_sets_rlimit_but_not_dumpable);
	HGT_ADD(s, test_coredump_check_stage_changes_nothing);
	HGT_ADD(s, test_coredump_process_stage_refuses_pipe_with_suid_dumpable_2_before_applying);
	HGT_ADD(s, test_coredump_refuses_when_setrlimit_fails);
	HGT_ADD(s, test_coredump_refuses_when_rlimit_does_not_read_back_0);
	HGT_ADD(s, test_coredump_refuses_when_set_dumpable_fails);
	HGT_ADD(s, test_coredump_refuses_when_dumpable_does_not_read_back_0);
}
