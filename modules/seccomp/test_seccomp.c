/*
 * test_seccomp.c - the groups data, the module's refusals, and real
 * filters loaded in forked children that then try what is forbidden.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bpfcache.h"
#include "run.h"
#include "sysgroups.h"
#include "testutil.h"

static char groups[4096];

static int
setup(void)
{
	const char *src = getenv("HG_SRCDIR");

	hgt_suite_init();
	snprintf(groups, sizeof(groups), "%s/modules/seccomp/seccomp.groups", src ? src : ".");
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
	d = hgt_run_module(hgt_dir, "seccomp", full, &o);
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
	char *copy = hgt_write(hgt_dir, "open.groups", "@a\n\tread\n@hardgate-report\n\twrite\n", 0666);
	char args[512];
	struct hg_decision *d;

	snprintf(args, sizeof(args), "deny = [ \"@a\" ]; groups_file = \"%s\";", copy);
	d = hgt_run_module(hgt_dir, "seccomp", args, NULL);
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

/* --- the compiled-filter cache (bpfcache.h) ------------------------------ */

#define CACHE_RULES "deny = [ \"swapoff\" ]; action = \"errno:EPERM\";"

/* A fresh, empty cache directory under the suite's dir; malloc'd path. */
static char *
fresh_cache(const char *name)
{
	char *c = hgt_path(hgt_dir, name);

	if (mkdir(c, 0755) < 0 || chmod(c, 0755) < 0)
		abort();
	return c;
}

static struct hg_decision *
run_cached(const char *cache, const char *rules, enum hg_stage stage)
{
	char args[4096];

	snprintf(args, sizeof(args), "cache_dir = \"%s\"; %s", cache, rules);
	return run(args, stage);
}

/* Path of the only entry in CACHE (malloc'd), or NULL; *N gets the count. */
static char *
cache_entry(const char *cache, int *n)
{
	DIR *d = opendir(cache);
	struct dirent *de;
	char *path = NULL;

	*n = 0;
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		(*n)++;
		free(path);
		path = hgt_path(cache, de->d_name);
	}
	if (d)
		closedir(d);
	return path;
}

static void
test_seccomp_cache_dry_run_compiles_without_storing(void)
{
	char *c = fresh_cache("cache-dry");
	struct hg_decision *d = run_cached(c, CACHE_RULES, HG_STAGE_CHECK);
	int n;

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	free(cache_entry(c, &n));
	CU_ASSERT_EQUAL(n, 0);	/* check() has no side effects */
	hg_decision_free(d);
	free(c);
}

/* The launcher (root) stores one root-owned 0644 entry; NULL if not root. */
static char *
stored_entry(const char *cache)
{
	struct hg_decision *d = run_cached(cache, CACHE_RULES, HG_STAGE_LAUNCHER);
	struct stat st;
	char *e;
	int n;

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	hg_decision_free(d);
	e = cache_entry(cache, &n);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_TRUE(e && stat(e, &st) == 0 && st.st_uid == 0 &&
		       (st.st_mode & 07777) == 0644 && st.st_size > 24);
	return e;
}

static void
test_seccomp_cache_launcher_stores_a_root_owned_entry(void)
{
	char *c, *e;

	HGT_NEED_ROOT();
	c = fresh_cache("cache-store");
	e = stored_entry(c);
	CU_ASSERT_PTR_NOT_NULL(e);
	free(e);
	free(c);
}

/*
 * Child: compiling is impossible (memfd_create fails), so the start holds
 * only if the program comes from the cache; then the filter must work.
 */
static int
child_start_without_compiler(void *arg)
{
	struct hg_decision *d;

	if (hgt_deny_syscall(SYS_memfd_create, -1, ENOSYS) < 0)
		return 9;
	d = run_cached(arg, CACHE_RULES, HG_STAGE_PROCESS);
	if (d->status != HG_EXIT_ALLOWED)
		return hgt_has(d, "HG-015", HG_SEV_FAIL, "cannot compile") ? 10 : 1;
	if (swapoff("/nonexistent/hg") != -1 || errno != EPERM)
		return 3;
	return 0;
}

static void
test_seccomp_cache_hit_loads_without_compiling(void)
{
	char *c, *e;

	HGT_NEED_ROOT();
	c = fresh_cache("cache-hit");
	/* the control: no entry, no compiler -> refused, no filter */
	CU_ASSERT_EQUAL(hgt_fork(child_start_without_compiler, c), 10);
	e = stored_entry(c);
	CU_ASSERT_EQUAL(hgt_fork(child_start_without_compiler, c), 0);
	free(e);
	free(c);
}

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ull;
	return h;
}

/*
 * An entry another hardgate wrote for the same key (format 1 as this
 * code's first version laid it out: header, key, program, named by the
 * key's hash) holds what that version compiled: after an upgrade it must
 * be a miss, never loaded in place of what this version compiles.
 */
static void
test_seccomp_cache_ignores_an_entry_of_another_hardgate(void)
{
	static const uint32_t key[] = { 1, 2, 3, 4 };
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct { char magic[8]; uint32_t klen, ninsn; uint64_t sum; } h = {
		"HGBPF\0\0\1", sizeof(key), 1, 0 };
	struct hg_bpf b = { 0 };
	struct hg_error e = { 0 };
	char *c, name[64], *path, got[4096];
	FILE *f;

	HGT_NEED_ROOT();
	c = fresh_cache("cache-old");
	h.sum = fnv(fnv(0xcbf29ce484222325ull, key, sizeof(key)), &allow, sizeof(allow));
	snprintf(name, sizeof(name), "%016llx.bpf",
		 (unsigned long long)fnv(0xcbf29ce484222325ull, key, sizeof(key)));
	path = hgt_path(c, name);
	CU_ASSERT_FATAL((f = fopen(path, "w")) != NULL);
	fwrite(&h, sizeof(h), 1, f);
	fwrite(key, sizeof(key), 1, f);
	fwrite(&allow, sizeof(allow), 1, f);
	fclose(f);
	CU_ASSERT_EQUAL(chmod(path, 0644), 0);
	/* 0: a miss (compile); an allow-all program from elsewhere is never a hit */
	CU_ASSERT_EQUAL(hg_bpfcache_get(c, key, sizeof(key), &b, got, sizeof(got), "HG-015", &e), 0);
	CU_ASSERT_PTR_NULL(b.insn);
	hg_bpf_free(&b);
	free(path);
	free(c);
}

/*
 * A libseccomp upgrade, a patch release too, may generate other BPF from
 * the same rules: an entry stored under one version is a miss under
 * another, whichever of major, minor and micro changed.
 */
static void
test_seccomp_cache_misses_under_another_libseccomp(void)
{
	const struct scmp_version *run = seccomp_version();
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	const struct hg_bpf prog = { &allow, 1 };
	uint32_t key[8], other[8];
	struct hg_error e = { 0 };
	char *c, got[4096];
	size_t k;

	HGT_NEED_ROOT();
	CU_ASSERT_FATAL(run != NULL);
	c = fresh_cache("cache-lib");
	k = hg_bpf_key_head(1, key);
	CU_ASSERT_EQUAL(k, hg_bpf_key_head_v(1, run, other));
	CU_ASSERT_EQUAL(memcmp(key, other, k * sizeof(key[0])), 0);	/* the running one */
	CU_ASSERT_FATAL(hg_bpfcache_put(c, key, k * sizeof(key[0]), &prog) == 0);
	for (int i = 0; i <= 3; i++) {
		struct scmp_version v = *run;
		struct hg_bpf b = { 0 };

		if (i == 1)
			v.major++;
		else if (i == 2)
			v.minor++;
		else if (i == 3)
			v.micro++;
		CU_ASSERT_EQUAL(hg_bpf_key_head_v(1, &v, other), k);
		/* i == 0 the control: the same version hits */
		CU_ASSERT_EQUAL(hg_bpfcache_get(c, other, k * sizeof(other[0]), &b, got,
						sizeof(got), "HG-015", &e), i == 0);
		CU_ASSERT_EQUAL(b.insn != NULL, i == 0);
		hg_bpf_free(&b);
	}
	free(c);
}

static void
patch(const char *path, off_t at, const void *bytes, size_t n)
{
	int fd = open(path, O_WRONLY);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(pwrite(fd, bytes, n, at), (ssize_t)n);
	close(fd);
}

/* One way to spoil an entry, and what the refusal must say. */
struct spoil {
	const char *name;
	void (*fn)(const char *entry);
	const char *says;
};

static void spoil_mode(const char *e) { chmod(e, 0666); }
static void spoil_magic(const char *e) { patch(e, 0, "X", 1); }
static void spoil_key(const char *e) { patch(e, 24, "\xff", 1); }
static void spoil_count(const char *e) { patch(e, 12, "\0\0\0\0", 4); }
static void spoil_length(const char *e) { CU_ASSERT_EQUAL(truncate(e, 64), 0); }

static void
spoil_program(const char *e)
{
	struct stat st;

	CU_ASSERT_FATAL(stat(e, &st) == 0);
	patch(e, st.st_size - 1, "\x7f", 1);
}

static void
spoil_size(const char *e)
{
	CU_ASSERT_EQUAL(truncate(e, 4 << 20), 0);	/* beyond key and program bounds */
}

static const struct spoil spoils[] = {
	{ "cache-mode", spoil_mode, "is not root-owned or is group/world-writable" },
	{ "cache-magic", spoil_magic, "is not in hardgate's format" },
	{ "cache-key", spoil_key, "was compiled for another filter" },
	{ "cache-count", spoil_count, "has sizes out of bounds" },
	{ "cache-length", spoil_length, "does not have the size its header says" },
	{ "cache-program", spoil_program, "is damaged (checksum)" },
	{ "cache-size", spoil_size, "is larger than any program" },
};

static int
fix_says(const struct hg_decision *d, const char *sub)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->f[i].fix && strstr(d->f[i].fix, sub))
			return 1;
	return 0;
}

/* Child: a spoiled entry refuses the start with a fix, and no filter is loaded. */
static int
child_spoiled_refuses(void *arg)
{
	const struct spoil *sp = arg;
	char *c = hgt_path(hgt_dir, sp->name);
	struct hg_decision *d = run_cached(c, CACHE_RULES, HG_STAGE_PROCESS);

	if (d->status != HG_EXIT_REFUSED || !hgt_has(d, "HG-015", HG_SEV_FAIL, sp->says))
		return 1;
	if (!fix_says(d, "remove the file"))
		return 2;
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0 ? 0 : 3;
}

static void
test_seccomp_cache_refuses_spoiled_entries(void)
{
	HGT_NEED_ROOT();
	for (size_t i = 0; i < sizeof(spoils) / sizeof(spoils[0]); i++) {
		char *c = fresh_cache(spoils[i].name), *e = stored_entry(c);
		struct hg_decision *d;

		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		spoils[i].fn(e);
		d = run_cached(c, CACHE_RULES, HG_STAGE_CHECK);
		CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
		if (!hgt_has(d, "HG-015", HG_SEV_FAIL, spoils[i].says)) {
			fprintf(stderr, "\n  %s: expected \"%s\"\n", spoils[i].name, spoils[i].says);
			hgt_dump(d);
			CU_FAIL("spoiled cache entry not refused with its reason");
		}
		hg_decision_free(d);
		CU_ASSERT_EQUAL(hgt_fork(child_spoiled_refuses, (void *)&spoils[i]), 0);
		free(e);
		free(c);
	}
}

static void
test_seccomp_cache_refuses_a_world_writable_cache_dir(void)
{
	char *c = fresh_cache("cache-open");
	struct hg_decision *d;

	CU_ASSERT_EQUAL_FATAL(chmod(c, 0777), 0);
	d = run_cached(c, CACHE_RULES, HG_STAGE_CHECK);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-015", HG_SEV_FAIL, NULL));
	hg_decision_free(d);
	free(c);
}

static void
test_seccomp_cache_keeps_one_entry_per_filter(void)
{
	char *c, *e;
	struct hg_decision *d;
	int n;

	HGT_NEED_ROOT();
	c = fresh_cache("cache-two");
	e = stored_entry(c);
	d = run_cached(c, "deny = [ \"swapoff\", \"swapon\" ]; action = \"errno:EPERM\";",
		       HG_STAGE_LAUNCHER);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	hg_decision_free(d);
	free(cache_entry(c, &n));
	CU_ASSERT_EQUAL(n, 2);
	free(e);
	free(c);
}

/* Child: under DENY_GROUP's filter from CACHE, swapon is denied (EPERM). */
static int
child_swapon_denied(void *arg)
{
	char args[8192];
	struct hg_decision *d;

	snprintf(args, sizeof(args), "%s deny = [ \"@x\" ]; action = \"errno:EPERM\";",
		 (const char *)arg);
	d = hgt_run_module(hgt_dir, "seccomp", args, &(struct hg_run_opts){ .stage = HG_STAGE_PROCESS });
	if (d->status != HG_EXIT_ALLOWED)
		return 1;
	return swapon("/nonexistent/hg", 0) == -1 && errno == EPERM ? 0 : 2;
}

static void
test_seccomp_cache_follows_an_edited_groups_file(void)
{
	char *c, *g, args[8192];
	struct hg_decision *d;
	int n;

	HGT_NEED_ROOT();
	c = fresh_cache("cache-edit");
	g = hgt_write(hgt_dir, "edit.groups", "@x\n\tswapoff\n@hardgate-report\n\twrite\n", 0644);
	snprintf(args, sizeof(args), "groups_file = \"%s\"; cache_dir = \"%s\";", g, c);
	{
		char full[8300];

		snprintf(full, sizeof(full), "%s deny = [ \"@x\" ]; action = \"errno:EPERM\";", args);
		d = hgt_run_module(hgt_dir, "seccomp", full,
				   &(struct hg_run_opts){ .stage = HG_STAGE_LAUNCHER });
		CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
		hg_decision_free(d);
	}
	/* the old program (swapoff only) lets swapon through */
	CU_ASSERT_EQUAL(hgt_fork(child_swapon_denied, args), 2);
	free(hgt_write(hgt_dir, "edit.groups", "@x\n\tswapoff swapon\n@hardgate-report\n\twrite\n",
		       0644));
	/* the edit changes the key: a new entry, and the new filter denies swapon */
	CU_ASSERT_EQUAL(hgt_fork(child_swapon_denied, args), 0);
	free(cache_entry(c, &n));
	CU_ASSERT_EQUAL(n, 2);
	free(g);
	free(c);
}

static void
test_seccomp_refuses_more_architectures_than_it_can_hold(void)
{
	struct hg_decision *d = run("allow = [ \"@system-service\" ]; archs = [ \"x86\", \"x32\", "
				    "\"x86\", \"x32\", \"x86\", \"x32\", \"x86\", \"x32\", \"x86\" ];",
				    HG_STAGE_CHECK);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-015", HG_SEV_FAIL, "more than 8 architectures"));
	hg_decision_free(d);
}

void
hgt_suite_seccomp(void)
{
	CU_pSuite s = CU_add_suite("seccomp", setup, hgt_suite_clean);

	HGT_ADD(s, test_seccomp_refuses_more_architectures_than_it_can_hold);
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
	HGT_ADD(s, test_seccomp_cache_dry_run_compiles_without_storing);
	HGT_ADD(s, test_seccomp_cache_launcher_stores_a_root_owned_entry);
	HGT_ADD(s, test_seccomp_cache_hit_loads_without_compiling);
	HGT_ADD(s, test_seccomp_cache_ignores_an_entry_of_another_hardgate);
	HGT_ADD(s, test_seccomp_cache_misses_under_another_libseccomp);
	HGT_ADD(s, test_seccomp_cache_refuses_spoiled_entries);
	HGT_ADD(s, test_seccomp_cache_refuses_a_world_writable_cache_dir);
	HGT_ADD(s, test_seccomp_cache_keeps_one_entry_per_filter);
	HGT_ADD(s, test_seccomp_cache_follows_an_edited_groups_file);
}
