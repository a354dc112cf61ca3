/*
 * seed.c - read an Ed25519 seed file and tell its form (seed.h).
 *
 * The file is read whole (bounded) into one sodium_malloc'd buffer; the
 * form is judged there, the public key derived there (the 64-byte secret
 * key also in sodium_malloc'd memory), and the buffer wiped and freed.
 * Descriptions name lengths and forms, never content: even a PEM label is
 * only echoed when it is a short run of capitals.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "fingerprint.h"
#include "seed.h"

/* DER of an Ed25519 PKCS#8 PrivateKeyInfo (RFC 8410) up to the seed. */
static const unsigned char pkcs8_head[16] = {
	0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
	0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
};

#define PEM_BEGIN "-----BEGIN "

int
seed_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

/* Public key of the 32-byte SEED; the secret key lives in guarded memory. */
static int
derive(const unsigned char *seed, unsigned char pk[SEED_PK_LEN])
{
	unsigned char *sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	int r;

	if (sk == NULL)
		return -ENOMEM;
	r = crypto_sign_seed_keypair(pk, sk, seed) == 0 ? 0 : -EINVAL;
	sodium_free(sk);
	return r;
}

static int
blank(unsigned char c)
{
	return c == '\n' || c == '\r' || c == ' ' || c == '\t';
}

static int
all_blank(const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!blank(b[i]))
			return 0;
	return 1;
}

/* Length of B without trailing blanks. */
static size_t
trimmed(const unsigned char *b, size_t n)
{
	while (n > 0 && blank(b[n - 1]))
		n--;
	return n;
}

static int
all_of(const unsigned char *b, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (b[i] == '\0' || strchr(set, b[i]) == NULL)
			return 0;
	return 1;
}

static int
printable_text(const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((b[i] < 0x20 && !blank(b[i])) || b[i] >= 0x7f)
			return 0;
	return 1;
}

/*
 * Why the 32-byte seed B cannot have come from a random generator, or
 * NULL. 32 random bytes are all printable with odds under 1e-13: such a
 * seed was typed or is text (a password, hex of 16 bytes).
 */
static const char *
weak_seed(const unsigned char *b)
{
	unsigned char acc = 0;

	for (size_t i = 1; i < SEED_LEN; i++)
		acc |= b[i] ^ b[0];
	if (acc == 0)
		return "one byte repeated 32 times: a placeholder";
	if (printable_text(b, SEED_LEN))
		return "32 bytes of text: a typed or encoded value";
	return NULL;
}

/* "-----BEGIN LABEL-----": the label when it is short capitals, else "". */
static void
pem_label(const unsigned char *b, size_t n, char *out, size_t outlen)
{
	size_t p = strlen(PEM_BEGIN), i = 0;

	out[0] = '\0';
	while (p + i < n && i + 1 < outlen && i < 40 &&
	       ((b[p + i] >= 'A' && b[p + i] <= 'Z') || b[p + i] == ' '))
		i++;
	if (p + i + 5 <= n && memcmp(b + p + i, "-----", 5) == 0) {
		memcpy(out, b + p, i);
		out[i] = '\0';
	}
}

/* Text forms: PEM, hex, base64, other text. 1 if B is one of them. */
static int
text_form(const unsigned char *b, size_t n, struct seed_info *in)
{
	size_t t = trimmed(b, n), pad = 0;
	char label[48];

	if (n >= strlen(PEM_BEGIN) && memcmp(b, PEM_BEGIN, strlen(PEM_BEGIN)) == 0) {
		pem_label(b, n, label, sizeof(label));
		in->form = SEED_PEM;
		snprintf(in->what, sizeof(in->what), "is PEM (%s%s-----), not the raw 32-byte seed",
			 PEM_BEGIN, label[0] ? label : "...");
		return 1;
	}
	if ((t == 64 || t == 128) && all_of(b, t, "0123456789abcdefABCDEF")) {
		in->form = SEED_HEX;
		snprintf(in->what, sizeof(in->what),
			 "is %zu hex digits (text of %zu bytes), not the raw 32-byte seed", t, t / 2);
		return 1;
	}
	while (pad < 2 && pad < t && b[t - 1 - pad] == '=')
		pad++;
	if ((t == 43 || t == 44 || t == 86 || t == 88) &&
	    all_of(b, t - pad, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_")) {
		in->form = SEED_BASE64;
		snprintf(in->what, sizeof(in->what),
			 "is %zu base64 characters (text of %d bytes), not the raw 32-byte seed", t,
			 t < 64 ? 32 : 64);
		return 1;
	}
	return 0;
}

/* Binary forms of the wrong length. B has N != 32 bytes. */
static int
binary_form(const unsigned char *b, size_t n, struct seed_info *in)
{
	unsigned char pk[SEED_PK_LEN];
	int r;

	if (n > SEED_LEN && all_blank(b + SEED_LEN, n - SEED_LEN) && !printable_text(b, SEED_LEN)) {
		in->form = SEED_NEWLINE;
		snprintf(in->what, sizeof(in->what),
			 "is %zu bytes: a 32-byte seed followed by a newline or blanks", n);
		return 0;
	}
	if (n == sizeof(pkcs8_head) + SEED_LEN && memcmp(b, pkcs8_head, sizeof(pkcs8_head)) == 0) {
		in->form = SEED_PKCS8;
		snprintf(in->what, sizeof(in->what),
			 "is a 48-byte PKCS#8 DER Ed25519 key, not the raw 32-byte seed");
		return 0;
	}
	if (n == crypto_sign_SECRETKEYBYTES) {
		if ((r = derive(b, pk)) < 0)
			return r;
		if (sodium_memcmp(pk, b + SEED_LEN, SEED_PK_LEN) == 0) {
			in->form = SEED_EXPANDED;
			snprintf(in->what, sizeof(in->what),
				 "is 64 bytes: the expanded secret key (seed, then its public key), "
				 "not the raw 32-byte seed");
			return 0;
		}
	}
	if (printable_text(b, n)) {
		in->form = SEED_TEXT;
		snprintf(in->what, sizeof(in->what),
			 "is %zu bytes of text, not the raw 32-byte seed", n);
	} else if (n < SEED_LEN) {
		in->form = SEED_SHORT;
		snprintf(in->what, sizeof(in->what),
			 "is %zu bytes, truncated: an Ed25519 seed is exactly 32", n);
	} else {
		in->form = SEED_LONG;
		snprintf(in->what, sizeof(in->what),
			 "is %zu bytes, must be exactly 32: %zu bytes follow the first 32", n,
			 n - SEED_LEN);
	}
	return 0;
}

/* Judge the N bytes of B (N <= SEED_READ_MAX). */
static int
judge(const unsigned char *b, size_t n, struct seed_info *in, unsigned char *pk)
{
	in->len = n;
	if (n == 0) {
		in->form = SEED_EMPTY;
		snprintf(in->what, sizeof(in->what), "is empty (0 bytes), must be the 32-byte seed");
		return 0;
	}
	if (n == SEED_LEN) {
		in->form = SEED_RAW;
		in->weak = weak_seed(b);
		snprintf(in->what, sizeof(in->what), "is a 32-byte Ed25519 seed");
		return pk ? derive(b, pk) : 0;
	}
	if (text_form(b, n, in))
		return 0;
	return binary_form(b, n, in);
}

/* Read FD whole into B (CAP bytes); *N is what was read, CAP if more was there. */
static int
read_all(int fd, unsigned char *b, size_t cap, size_t *n)
{
	*n = 0;
	while (*n < cap) {
		ssize_t r = read(fd, b + *n, cap - *n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		*n += (size_t)r;
	}
	return 0;
}

int
seed_read(int fd, struct seed_info *in, unsigned char pk[SEED_PK_LEN])
{
	size_t cap = SEED_READ_MAX + 1, n;
	unsigned char *b;
	int r;

	memset(in, 0, sizeof(*in));
	if ((b = sodium_malloc(cap)) == NULL)
		return -ENOMEM;
	if ((r = read_all(fd, b, cap, &n)) == 0) {
		if (n == cap) {
			in->form = SEED_HUGE;
			in->len = n;
			snprintf(in->what, sizeof(in->what),
				 "is larger than %d bytes: not a key file", SEED_READ_MAX);
		} else {
			r = judge(b, n, in, pk);
		}
	}
	sodium_free(b);	/* wipes all of it */
	return r;
}

int
seed_fingerprint(const unsigned char pk[SEED_PK_LEN], char *out, size_t outlen)
{
	unsigned char d[crypto_hash_sha256_BYTES];
	char fp[HG_FP_LEN];

	if (outlen < HG_FP_LEN)
		return -ENOBUFS;
	crypto_hash_sha256(d, pk, SEED_PK_LEN);
	snprintf(out, outlen, "%s", hg_fp_format(d, fp));
	return 0;
}
