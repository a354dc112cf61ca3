/*
 * fuzz_sigkey.c - the sigkey module's judgement of a signing key file
 * (modules/sigkey/seed.c, seed_read): the fuzzer's bytes as the file, on
 * a memfd. Only exactly 32 bytes is a seed; every other form is named
 * (hex, base64, PEM, PKCS#8 DER, expanded, text, short, long, huge) in
 * words that never carry the file's bytes.
 */
#include "config.h"

#include <sys/mman.h>
#include <unistd.h>

#include <sodium.h>

#include "fingerprint.h"
#include "fuzz.h"
#include "seed.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	unsigned char pk[SEED_PK_LEN], want[SEED_PK_LEN], sk[crypto_sign_SECRETKEYBYTES];
	char fp[HG_FP_LEN];
	struct seed_info in;
	int fd, r;

	if (!ready)
		HGF_ASSERT((ready = seed_init() == 0));
	if ((fd = memfd_create("seed", MFD_CLOEXEC)) < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return 0;
	}
	r = seed_read(fd, &in, pk);
	close(fd);
	if (r < 0)
		return 0;
	/* the description: said, one line of printable ASCII */
	HGF_ASSERT(in.what[0] != '\0');
	for (const char *p = in.what; *p; p++)
		HGF_ASSERT(*p >= 0x20 && *p < 0x7f);
	HGF_ASSERT(in.len == (size > SEED_READ_MAX ? SEED_READ_MAX + 1 : size));
	HGF_ASSERT((in.form == SEED_RAW) == (size == SEED_LEN));
	HGF_ASSERT((in.form == SEED_EMPTY) == (size == 0));
	HGF_ASSERT((in.form == SEED_HUGE) == (size > SEED_READ_MAX));
	HGF_ASSERT(in.weak == NULL || in.form == SEED_RAW);
	if (in.form == SEED_SHORT)
		HGF_ASSERT(size < SEED_LEN);
	if (in.form == SEED_LONG || in.form == SEED_NEWLINE)
		HGF_ASSERT(size > SEED_LEN);
	if (in.form == SEED_PKCS8)
		HGF_ASSERT(size == 48);
	if (in.form == SEED_EXPANDED)
		HGF_ASSERT(size == crypto_sign_SECRETKEYBYTES);
	if (in.form == SEED_HEX)
		HGF_ASSERT(size >= 64);
	if (in.form != SEED_RAW)
		return 0;
	/* a seed: its public key, and the fingerprint hardgate prints for it */
	crypto_sign_seed_keypair(want, sk, data);
	sodium_memzero(sk, sizeof(sk));
	HGF_ASSERT(memcmp(pk, want, sizeof(pk)) == 0);
	HGF_ASSERT(seed_fingerprint(pk, fp, sizeof(fp)) == 0 && hg_fp_valid(fp));
	return 0;
}
