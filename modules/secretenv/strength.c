/*
 * strength.c - strength of a secret (strength.h) and the one table of
 * published secret values.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "strength.h"

/*
 * Values that everyone can read, each with where it was published. A
 * secret equal to one of them is no secret. KalamDB refuses the first six
 * itself outside localhost (backend/src/main.rs); the others ship in its
 * repository or dbward's documentation
 * (shared/reference/kalamdb-config.md 2.2, dbward-config.md 2.8).
 */
static const struct published {
	const char *value;
	const char *where;
} published[] = {
	{ "CHANGE_ME_IN_PRODUCTION",
	  "KalamDB's default auth.jwt_secret and its own insecure list" },
	{ "kalamdb-dev-secret-key-change-in-production",
	  "KalamDB's insecure list (backend/src/main.rs)" },
	{ "your-secret-key-at-least-32-chars-change-me-in-production",
	  "KalamDB backend/server.example.toml, the Docker images' config" },
	{ "test", "KalamDB's insecure list" },
	{ "secret", "KalamDB's insecure list" },
	{ "password", "KalamDB's insecure list" },
	{ "kalamdb-docker-dev-secret-please-change-32chars",
	  "KalamDB docker/run/*/docker-compose.yml, the KALAMDB_JWT_SECRET fallback" },
	{ "kalamdb-local-dev-2026-02-23-strong-jwt-secret-32plus",
	  "KalamDB backend/server.toml (development config)" },
	{ "kalamdb-bench-local-2026-04-03-jwt-secret-32-plus",
	  "KalamDB benchv2/server.toml (benchmark config)" },
	{ "kalamdb123",
	  "KalamDB docker/run/cluster/docker-compose.yml, the KALAMDB_ROOT_PASSWORD fallback" },
	{ "test-secret", "dbward docs, the webhook HMAC test vector" },
};

#define NPUB (sizeof(published) / sizeof(published[0]))

static unsigned
class_of(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		return HG_SE_LOWER;
	if (c >= 'A' && c <= 'Z')
		return HG_SE_UPPER;
	if (c >= '0' && c <= '9')
		return HG_SE_DIGIT;
	return HG_SE_OTHER;
}

unsigned
hg_se_classes(const unsigned char *v, size_t n)
{
	unsigned m = 0;

	for (size_t i = 0; i < n; i++)
		m |= class_of(v[i]);
	return m;
}

const char *
hg_se_class_name(unsigned cls)
{
	switch (cls) {
	case HG_SE_LOWER:
		return "lowercase letters";
	case HG_SE_UPPER:
		return "uppercase letters";
	case HG_SE_DIGIT:
		return "digits";
	default:
		return "symbols";
	}
}

size_t
hg_se_period(const unsigned char *v, size_t n)
{
	size_t found = 0;

	if (n > HG_SE_STRUCT_MAX)
		n = HG_SE_STRUCT_MAX;
	for (size_t p = n / 2; p >= 1; p--) {
		unsigned diff = 0;

		for (size_t i = p; i < n; i++)
			diff |= v[i] ^ v[i - p];
		if (diff == 0)
			found = p;	/* the loop ends on the shortest */
	}
	return found;
}

/*
 * log2(X) in 1/65536ths for X >= 1, in integers (no libm to load): the
 * integer part from the highest bit, then 16 fraction bits by squaring
 * the mantissa (Q30, so its square fits 64 bits).
 */
static uint64_t
log2_q16(uint64_t x)
{
	unsigned k = 63 - (unsigned)__builtin_clzll(x);
	uint64_t r = (uint64_t)k << 16;
	uint64_t m = k >= 30 ? x >> (k - 30) : x << (30 - k);	/* [1, 2) in Q30 */

	for (uint64_t bit = 1u << 15; bit; bit >>= 1) {
		m = (m * m) >> 30;
		if (m >= (UINT64_C(2) << 30)) {
			m >>= 1;
			r |= bit;
		}
	}
	return r;
}

unsigned
hg_se_entropy(const unsigned char *v, size_t n)
{
	size_t count[256] = { 0 }, m = 0;
	uint64_t sum = 0, h;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		count[v[i]]++;
		/* a run: the same step as the one before ("aaa", "abc") */
		m += !(i >= 2 && (int)v[i] - v[i - 1] == (int)v[i - 1] - v[i - 2]);
	}
	/* H = log2 n - (1/n) sum c log2 c, in Q16 */
	for (size_t c = 0; c < 256; c++)
		if (count[c])
			sum += count[c] * log2_q16(count[c]);
	h = log2_q16(n) - sum / n;
	sodium_memzero(count, sizeof(count));
	return (unsigned)((h * m) >> 16);
}

const char *
hg_se_published(const unsigned char d[32])
{
	unsigned char pd[crypto_hash_sha256_BYTES];
	size_t hit = NPUB;

	for (size_t i = 0; i < NPUB; i++) {
		size_t eq;

		crypto_hash_sha256(pd, (const unsigned char *)published[i].value,
				   strlen(published[i].value));
		/* select without a branch on the comparison */
		eq = (size_t)0 - (size_t)(sodium_memcmp(pd, d, sizeof(pd)) == 0);
		hit = (hit & ~eq) | (i & eq);
	}
	return hit < NPUB ? published[hit].where : NULL;
}

size_t
hg_se_published_count(void)
{
	return NPUB;
}

const char *
hg_se_published_value(size_t i)
{
	return i < NPUB ? published[i].value : NULL;
}
