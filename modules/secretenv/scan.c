/* scan.c - Rabin-Karp search of a secret in a text (scan.h). */
#include "config.h"

#include <stdint.h>

#include <sodium.h>

#include "scan.h"

#define P ((UINT64_C(1) << 61) - 1)

__extension__ typedef unsigned __int128 u128;

/* X modulo P for X < 2^122. */
static uint64_t
reduce(u128 x)
{
	uint64_t r = (uint64_t)(x & P) + (uint64_t)(x >> 61);

	r = (r & P) + (r >> 61);
	return r >= P ? r - P : r;
}

static uint64_t
mulmod(uint64_t a, uint64_t b)
{
	return reduce((u128)a * b);
}

static uint64_t
addmod(uint64_t a, uint64_t b)
{
	uint64_t r = a + b;	/* both < 2^61: no overflow */

	return r >= P ? r - P : r;
}

static uint64_t
submod(uint64_t a, uint64_t b)
{
	return a >= b ? a - b : a + P - b;
}

static uint64_t
hash(const unsigned char *s, size_t n, uint64_t base)
{
	uint64_t h = 0;

	for (size_t i = 0; i < n; i++)
		h = addmod(mulmod(h, base), s[i]);
	return h;
}

/* A random base in [256, P - 1]. */
static uint64_t
random_base(void)
{
	uint64_t b;

	do {
		randombytes_buf(&b, sizeof(b));
		b &= P;
	} while (b < 256 || b >= P);
	return b;
}

unsigned
hg_scan(const char *text, size_t len, const char *needle, size_t nlen, hg_scan_hit hit,
	void *arg)
{
	const unsigned char *t = (const unsigned char *)text;
	uint64_t base, top = 1, want, h, out[256];
	unsigned line = 1, last = 0, n = 0;

	if (nlen == 0 || nlen > len)
		return 0;
	base = random_base();
	for (size_t i = 1; i < nlen; i++)
		top = mulmod(top, base);	/* base^(nlen - 1) */
	for (unsigned c = 0; c < 256; c++)
		out[c] = mulmod(c, top);	/* what a byte leaving the window weighs */
	want = hash((const unsigned char *)needle, nlen, base);
	h = hash(t, nlen, base);
	for (size_t i = 0;; i++) {
		if (h == want && line != last &&
		    sodium_memcmp(t + i, needle, nlen) == 0) {
			last = line;
			n++;
			if (hit(arg, line) != 0)
				break;
		}
		if (i + nlen >= len)
			break;
		h = addmod(mulmod(submod(h, out[t[i]]), base), t[i + nlen]);
		line += t[i] == '\n';
	}
	sodium_memzero(&want, sizeof(want));
	return n;
}
