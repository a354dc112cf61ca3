/*
 * syscall_filter.c - cost of a syscall (getppid) with no filter, under a
 * 300-rule filter without libseccomp's optimizer, and with the binary
 * tree hardgate uses (SCMP_FLTATR_CTL_OPTIMIZE 2). Each filter in its own
 * forked child; figures as ratios to the bare run of the same process.
 */
#include "config.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define SAMPLES 15

static double
ns_per_call(long iters)
{
	double v[SAMPLES];

	for (int s = 0; s < SAMPLES; s++) {
		uint64_t t0 = bench_now_ns();

		for (long i = 0; i < iters; i++)
			syscall(SYS_getppid);
		v[s] = (double)(bench_now_ns() - t0) / (double)iters;
	}
	return bench_median(v, SAMPLES);
}

/* Allow-list of ~300 rules: every syscall number up to 450 except a few. */
static int
load_filter(int optimize)
{
	scmp_filter_ctx sc = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int r = 0, rules = 0;

	if (sc == NULL)
		return -ENOMEM;
	if (optimize)
		r = seccomp_attr_set(sc, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (int nr = 0; r == 0 && nr < 450 && rules < 300; nr++) {
		if (seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr) == NULL)
			continue;
		if (seccomp_rule_add(sc, SCMP_ACT_ALLOW, nr, 0) == 0)
			rules++;
	}
	if (r == 0 && seccomp_rule_add(sc, SCMP_ACT_ALLOW, SCMP_SYS(getppid), 0) < 0)
		r = -EINVAL;
	if (r == 0)
		r = seccomp_load(sc);
	seccomp_release(sc);
	return r;
}

/* Run one case in a child; the ns figure comes back through a pipe. */
static double
measure(int filter, int optimize, long iters)
{
	int p[2];
	double ns = -1;
	pid_t pid;

	if (pipe(p) < 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		close(p[0]);
		if (filter && load_filter(optimize) < 0)
			_exit(1);
		ns = ns_per_call(iters);
		(void)!write(p[1], &ns, sizeof(ns));
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &ns, sizeof(ns)) != sizeof(ns))
		ns = -1;
	close(p[0]);
	waitpid(pid, NULL, 0);
	return ns;
}

int
main(void)
{
	long iters = bench_iters(200000);
	double bare = measure(0, 0, iters), flat = measure(1, 0, iters), tree = measure(1, 1, iters);

	printf("syscall cost (getppid, median of %d x %ld calls)\n", SAMPLES, iters);
	printf("  %-36s %8.1f ns  1.00x\n", "no filter", bare);
	printf("  %-36s %8.1f ns  %.2fx\n", "300-rule filter, not optimized", flat, flat / bare);
	printf("  %-36s %8.1f ns  %.2fx   (goal <= 1.3x)\n", "300-rule filter, binary tree", tree,
	       tree / bare);
	return bare > 0 && flat > 0 && tree > 0 ? 0 : 1;
}
