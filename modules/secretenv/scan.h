/*
 * scan.h - where does a secret value appear in a text, without comparing
 * it byte by byte at every offset?
 *
 * Rabin-Karp: a rolling polynomial hash modulo the prime 2^61 - 1, with a
 * base drawn at random per scan (randombytes), so nobody can write a file
 * whose windows collide with the secret's hash on purpose. A window whose
 * hash equals the secret's is compared in constant time (sodium_memcmp).
 * The work per byte does not depend on the secret: two multiplications
 * modulo the prime and one comparison of hashes. Cost: O(text length) per
 * secret, whatever its length.
 */
#ifndef HG_SECRETENV_SCAN_H
#define HG_SECRETENV_SCAN_H

#include <stddef.h>

/*
 * Called for every line of TEXT where NEEDLE starts (once per line).
 * Return 0 to go on, anything else to stop the scan.
 */
typedef int (*hg_scan_hit)(void *arg, unsigned line);

/*
 * Find NEEDLE (NLEN >= 1 bytes) in TEXT (LEN bytes, any bytes): HIT for
 * each line it starts on, lines counted from 1 by '\n'. Returns the
 * number of lines reported.
 */
unsigned hg_scan(const char *text, size_t len, const char *needle, size_t nlen, hg_scan_hit hit,
		 void *arg);

#endif
