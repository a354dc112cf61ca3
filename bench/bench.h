/* bench.h - tiny timing helpers for the benchmarks: median of repeated runs. */
#ifndef HG_BENCH_H
#define HG_BENCH_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

static inline uint64_t
bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of N samples (sorted in place). */
static inline double
bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Iterations per sample: BENCH_SCALE=smoke makes every benchmark tiny. */
static inline long
bench_iters(long full)
{
	const char *s = getenv("BENCH_SCALE");

	return s && s[0] == 's' ? full / 1000 + 1 : full;
}

#endif
