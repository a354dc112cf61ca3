/*
 * syscall_filter.c - cost of a syscall (getppid) with no filter, under a
 * 300-rule filter without libseccomp's optimizer, and with the binary
 * tree hardgate uses (SCMP_FLTATR_CTL_OPTIMIZE 2). Each filter in its own
 * forked child; figures as ratios to the bare run of the same process.
 * Also the build time of that tree (rule adds and code generation, what
 * the compiled-filter cache saves), and with --bpf FILE the cost under a
 * raw program hardgate generated (startup.sh passes @system-service's).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
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

static struct sock_filter prog[4096];
static unsigned short prog_len;

/* hardgate's own program from FILE (raw BPF), loaded with seccomp(2). */
static int
read_prog(const char *file)
{
	int fd = open(file, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, prog, sizeof(prog));

	if (fd >= 0)
		close(fd);
	if (n <= 0 || n % (ssize_t)sizeof(prog[0]) != 0)
		return -1;
	prog_len = (unsigned short)(n / (ssize_t)sizeof(prog[0]));
	return 0;
}

static int
load_prog(void)
{
	struct sock_fprog fp = { prog_len, prog };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) == 0 ? 0 : -errno;
}

/* Allow-list of ~300 rules: every syscall number up to 450 except a few. */
static scmp_filter_ctx
build_filter(int optimize)
{
	scmp_filter_ctx sc = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int r = 0, rules = 0;

	if (sc == NULL)
		return NULL;
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
	if (r < 0) {
		seccomp_release(sc);
		return NULL;
	}
	return sc;
}

static int
load_filter(int optimize)
{
	scmp_filter_ctx sc = build_filter(optimize);
	int r = sc ? seccomp_load(sc) : -ENOMEM;

	seccomp_release(sc);
	return r;
}

/* Median microseconds to build the optimized tree and generate its code. */
static double
build_us(void)
{
	double v[SAMPLES];
	int null = open("/dev/null", O_WRONLY);

	for (int s = 0; s < SAMPLES; s++) {
		uint64_t t0 = bench_now_ns();
		scmp_filter_ctx sc = build_filter(1);

		if (sc == NULL || seccomp_export_bpf(sc, null) < 0)
			v[s] = -1;
		else
			v[s] = (double)(bench_now_ns() - t0) / 1e3;
		seccomp_release(sc);
	}
	close(null);
	return bench_median(v, SAMPLES);
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
		if (filter && (optimize == 2 ? load_prog() : load_filter(optimize)) < 0)
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
main(int argc, char **argv)
{
	long iters = bench_iters(200000);
	double bare = measure(0, 0, iters), flat, tree, own;

	if (argc == 3 && strcmp(argv[1], "--bpf") == 0) {
		if (read_prog(argv[2]) < 0 || (own = measure(1, 2, iters)) < 0) {
			printf("  hardgate's program: cannot load %s\n", argv[2]);
			return 0;
		}
		printf("  %-36s %8.1f ns  %.2fx   (goal <= 1.3x; bare %.1f ns)\n",
		       "under hardgate's own filter", own, own / bare, bare);
		return 0;
	}
	flat = measure(1, 0, iters);
	tree = measure(1, 1, iters);
	printf("syscall cost (getppid, median of %d x %ld calls)\n", SAMPLES, iters);
	printf("  %-36s %8.1f ns  1.00x\n", "no filter", bare);
	printf("  %-36s %8.1f ns  %.2fx\n", "300-rule filter, not optimized", flat, flat / bare);
	printf("  %-36s %8.1f ns  %.2fx\n", "300-rule filter, binary tree", tree, tree / bare);
	printf("  %-36s %8.0f us  (the compiled-filter cache saves it)\n",
	       "building that tree with libseccomp", build_us());
	return bare > 0 && flat > 0 && tree > 0 ? 0 : 1;
}
