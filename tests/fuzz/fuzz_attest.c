/*
 * fuzz_attest.c - one line of attest.list (common/attest.c,
 * hg_attest_parse), which the attest module reads as the service user to
 * decide whether a person's checklist item counts as done.
 *
 * The key pair is fixed (a seed written below, never a real key), so the
 * seeds in corpus/attest verify. Each input is parsed twice: as it is, and
 * with its seventh field replaced by a good signature over its first six
 * fields (the encoding attest.h documents), so the fuzzer also reaches
 * what is checked after the signature. A record that parses has valid
 * fields, is signed by this key, is not dated past the skew, and is
 * exactly the line hg_attest_sign() writes for it: nothing else verifies.
 */
#include "config.h"

#include <sodium.h>

#include "attest.h"
#include "fingerprint.h"
#include "fuzz.h"

#define NOW ((time_t)1795600000)	/* 2026-11-24 */

static unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
static char fp[HG_FP_LEN];

static void
keys(void)
{
	static const unsigned char seed[crypto_sign_SEEDBYTES] = "hardgate fuzz key, not a secret";
	unsigned char d[crypto_hash_sha256_BYTES];

	HGF_ASSERT(sodium_init() >= 0);
	crypto_sign_seed_keypair(pk, sk, seed);
	crypto_hash_sha256(d, pk, sizeof(pk));
	hg_fp_format(d, fp);
}

static void
one(const char *s, size_t n)
{
	struct hg_attest_rec r, again;
	char why[160] = "", line[HG_ATTEST_LINE_MAX + 2];

	if (hg_attest_parse(s, n, pk, fp, NOW, &r, why, sizeof(why)) < 0) {
		HGF_ASSERT(why[0] != '\0' && strchr(why, '\n') == NULL);
		return;
	}
	HGF_ASSERT(hg_attest_item_ok(r.item) && hg_attest_by_ok(r.by) && hg_attest_note_ok(r.note));
	HGF_ASSERT(strcmp(r.fp, fp) == 0 && r.when <= NOW + HG_ATTEST_SKEW);
	again = r;
	HGF_ASSERT(hg_attest_sign(&again, sk, line, sizeof(line)) == 0);
	HGF_ASSERT(strlen(line) == n + 1 && memcmp(line, s, n) == 0 && line[n] == '\n');
}

/* S with its last tab-separated field replaced by a good signature of the six before it. */
static size_t
resign(const char *s, size_t n, char *out, size_t cap)
{
	unsigned char msg[16 + 6 * 4 + HG_ATTEST_LINE_MAX], sig[crypto_sign_BYTES];
	size_t off = 16, start = 0, k = 0;

	memcpy(msg, "hardgate-attest", 16);
	for (size_t i = 0; i <= n && k < 6; i++) {
		if (i < n && s[i] != '\t')
			continue;
		if (i == n)
			return 0;	/* fewer than seven fields */
		msg[off++] = (unsigned char)((i - start) >> 24);
		msg[off++] = (unsigned char)((i - start) >> 16);
		msg[off++] = (unsigned char)((i - start) >> 8);
		msg[off++] = (unsigned char)(i - start);
		memcpy(msg + off, s + start, i - start);
		off += i - start;
		start = i + 1;
		k++;
	}
	if (start + 89 > cap)
		return 0;
	crypto_sign_detached(sig, NULL, msg, off, sk);
	memcpy(out, s, start);
	sodium_bin2base64(out + start, cap - start, sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	return start + strlen(out + start);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[HG_ATTEST_LINE_MAX + 128];
	size_t m;

	if (fp[0] == '\0')
		keys();
	one((const char *)data, size);
	if (size <= HG_ATTEST_LINE_MAX && (m = resign((const char *)data, size, buf, sizeof(buf))))
		one(buf, m);
	return 0;
}
