/*
 * strength.h - is a secret strong? Length, character classes, repetition,
 * an entropy estimate, and the table of published values.
 *
 * The entropy estimate (bits) is H x m: H is the Shannon entropy of the
 * value's own byte frequencies (bits per character) and m the number of
 * characters that do not continue a run, where a character continues a
 * run when its difference to the one before equals the difference before
 * that ("aaaa", "abcd", "1357", "zyxw" cost two characters each). It is a
 * floor against structure, not a proof of randomness: it cannot see a
 * phrase a person made up. Sampled over 20000 random values each, a
 * 32-character random hex string (16 bytes) scores 89 to 140 bits, a
 * 32-character random base64 string 124 to 170, 64 random hex characters
 * at least 215; "aaaa...A1" scores 2 and "abcdefgh" repeated 24.
 * Default threshold: HG_SE_MIN_ENTROPY bits.
 */
#ifndef HG_SECRETENV_STRENGTH_H
#define HG_SECRETENV_STRENGTH_H

#include <stddef.h>

#define HG_SE_MIN_LENGTH 32	/* KalamDB refuses a jwt_secret shorter than 32 bytes */
#define HG_SE_MIN_ENTROPY 80	/* bits of the estimate above */
#define HG_SE_STRUCT_MAX 1024	/* the repetition check looks at this many bytes at most */

enum hg_se_class {
	HG_SE_LOWER = 1u << 0,
	HG_SE_UPPER = 1u << 1,
	HG_SE_DIGIT = 1u << 2,
	HG_SE_OTHER = 1u << 3,
};

/* The classes of the bytes of V (every byte looked at, no early exit). */
unsigned hg_se_classes(const unsigned char *v, size_t n);

/* The name of a single class bit ("lowercase letters"...). */
const char *hg_se_class_name(unsigned cls);

/*
 * The length of the shortest pattern V repeats at least twice (V[i] ==
 * V[i - p] for every i >= p, p <= n / 2), over the first HG_SE_STRUCT_MAX
 * bytes, or 0 if none. Every p is tried in full: no early exit on V.
 */
size_t hg_se_period(const unsigned char *v, size_t n);

/* The entropy estimate of V in bits (see above). */
unsigned hg_se_entropy(const unsigned char *v, size_t n);

/*
 * If the SHA-256 digest D of a value is the digest of a published value,
 * where that value was published; NULL if not. Every entry is compared
 * in constant time (sodium_memcmp), with no early exit.
 */
const char *hg_se_published(const unsigned char d[32]);

/* The number of published values, and entry I's value (for the tests). */
size_t hg_se_published_count(void);
const char *hg_se_published_value(size_t i);

#endif
