/*
 * startup.c - start-up cost of commands, side by side, in one run.
 *
 *   startup RUNS WARMUP 'NAME|WORD WORD ...' ...
 *
 * Each case is a name and a command line split on spaces. Leading words
 * VAR=VALUE go into the child's environment (no extra exec, unlike
 * env(1)), RLIMIT_CORE=0 sets that limit in the child, and N<PATH opens
 * PATH on fd N (bwrap --seccomp N). Every round runs every case once,
 * in an order rotated per round, so a load spike from the other users of
 * a shared machine hits all cases alike. A run is fork to wait, like
 * hyperfine -N. Prints the median, the 10th-90th percentile spread, the
 * ratio to the baseline and the time added over it: the baseline is the
 * last case before it whose name starts with "bare" (else the first).
 * Never fails on timing; a case whose command fails is marked FAILED.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define MAX_WORDS 64

extern char **environ;

struct cmd {
	char *name;
	char *argv[MAX_WORDS];
	double *t;		/* ms per run */
	int failed;		/* last bad wait status, or 0 */
};

static int
parse(char *spec, struct cmd *c)
{
	char *bar = strchr(spec, '|'), *save = NULL;
	int n = 0;

	if (bar == NULL)
		return -1;
	*bar = '\0';
	c->name = spec;
	for (char *w = strtok_r(bar + 1, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (n == MAX_WORDS - 1)
			return -1;
		c->argv[n++] = w;
	}
	c->argv[n] = NULL;
	return n > 0 ? 0 : -1;
}

/* In the child: the setup words, then exec the rest. Never returns. */
static void
child(char **w)
{
	int fd = open("/dev/null", O_RDWR);

	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	for (; *w; w++) {
		char *eq = strchr(*w, '='), *lt = strchr(*w, '<');

		if (strcmp(*w, "RLIMIT_CORE=0") == 0) {
			struct rlimit rl = { 0, 0 };

			setrlimit(RLIMIT_CORE, &rl);
		} else if (lt && lt > *w && strspn(*w, "0123456789") == (size_t)(lt - *w)) {
			int n = atoi(*w), f = open(lt + 1, O_RDONLY);

			if (f < 0 || dup2(f, n) < 0)
				_exit(126);
		} else if (eq && eq > *w && (*w)[0] != '/') {
			putenv(*w);
		} else {
			break;
		}
	}
	if (*w)		/* not only setup words */
		execve(w[0], w, environ);
	_exit(127);
}

static double
one(struct cmd *c)
{
	uint64_t t0 = bench_now_ns();
	pid_t pid = fork();
	int st;

	if (pid == 0)
		child(c->argv);
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		st = -1;
	if (st != 0)
		c->failed = st;
	return (double)(bench_now_ns() - t0) / 1e6;
}

static double
pct(double *v, int n, double p)	/* V sorted */
{
	int i = (int)(p * (n - 1) + 0.5);

	return v[i < 0 ? 0 : i >= n ? n - 1 : i];
}

int
main(int argc, char **argv)
{
	int runs, warm, n = argc - 3;
	struct cmd *c;
	double base, *times;

	if (argc < 4 || (runs = atoi(argv[1])) < 1 || (warm = atoi(argv[2])) < 0) {
		fprintf(stderr, "usage: startup RUNS WARMUP 'NAME|CMD ARGS' ...\n");
		return 64;
	}
	if ((c = calloc((size_t)n, sizeof(*c))) == NULL ||
	    (times = calloc((size_t)n * (size_t)runs, sizeof(double))) == NULL)
		return 70;
	for (int i = 0; i < n; i++) {
		if (parse(argv[i + 3], &c[i]) < 0) {
			fprintf(stderr, "startup: bad case \"%s\"\n", argv[i + 3]);
			return 64;
		}
		c[i].t = times + (size_t)i * (size_t)runs;
	}
	for (int r = -warm; r < runs; r++)
		for (int k = 0; k < n; k++) {
			int i = (k + (r < 0 ? 0 : r)) % n;
			double t = one(&c[i]);

			if (r >= 0)
				c[i].t[r] = t;
		}
	base = bench_median(c[0].t, runs);
	printf("  %-58s %8s %15s %7s %9s\n", "", "median", "p10-p90", "ratio", "added");
	for (int i = 0; i < n; i++) {
		double m = bench_median(c[i].t, runs);

		if (strncmp(c[i].name, "bare", 4) == 0)
			base = m;
		printf("  %-58s %6.2f ms %6.2f-%6.2f %6.2fx %+7.2f ms", c[i].name, m,
		       pct(c[i].t, runs, 0.1), pct(c[i].t, runs, 0.9), m / base, m - base);
		if (c[i].failed)
			printf("  FAILED (wait status %#x)", c[i].failed);
		printf("\n");
	}
	return 0;
}
