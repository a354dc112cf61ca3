/*
 * allowlist_lookup.c - netout's lookup cost at 10 to 100,000 entries,
 * against a baseline loop of the same shape that does no lookup.
 * Goal: <= 200 ns at 10,000 entries and flat growth.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include "allowlist.h"
#include "bench.h"

#define SAMPLES 9

static volatile int sink;

static double
lookup_ns(const struct hg_allow *a, long iters, int baseline)
{
	double v[SAMPLES];
	unsigned char addr[4] = { 10, 0, 0, 0 };

	for (int s = 0; s < SAMPLES; s++) {
		uint64_t t0 = bench_now_ns();

		for (long i = 0; i < iters; i++) {
			addr[2] = (unsigned char)(i >> 8);	/* hits and misses */
			addr[3] = (unsigned char)i;
			sink += baseline ? addr[3] : hg_allow_inet(a, AF_INET, addr, 5432);
		}
		v[s] = (double)(bench_now_ns() - t0) / (double)iters;
	}
	return bench_median(v, SAMPLES);
}

int
main(void)
{
	static const long sizes[] = { 10, 1000, 10000, 100000 };
	long iters = bench_iters(2000000);
	double base;

	printf("netout allowlist lookup (median of %d x %ld lookups, IPv4, exact + one CIDR)\n",
	       SAMPLES, iters);
	base = lookup_ns(NULL, iters, 1);
	printf("  %-24s %8.1f ns\n", "loop without lookup", base);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		struct hg_allow *a = hg_allow_new();
		unsigned char b[4] = { 10, 0, 0, 0 };
		double ns;

		for (long i = 0; i < sizes[k]; i++) {
			b[1] = (unsigned char)(i >> 16);
			b[2] = (unsigned char)(i >> 8);
			b[3] = (unsigned char)i;
			hg_allow_add_addr(a, AF_INET, b, 32, 5432);
		}
		b[0] = 192;
		hg_allow_add_addr(a, AF_INET, b, 16, 0);
		ns = lookup_ns(a, iters, 0);
		printf("  %6ld entries %17.1f ns  (%.1f ns over the loop)%s\n", sizes[k], ns, ns - base,
		       sizes[k] == 10000 ? "   (goal <= 200 ns)" : "");
		hg_allow_free(a);
	}
	return 0;
}
