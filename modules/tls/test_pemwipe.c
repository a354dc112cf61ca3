/*
 * test_pemwipe.c - reading a PEM text that holds a private key where the
 * tls module looks for certificates (a combined cert+key file, a CA
 * bundle) leaves no copy of the key in memory OpenSSL frees. Its own
 * program, because OpenSSL's allocator can only be replaced before its
 * first allocation: every block OpenSSL frees during the read is searched
 * for the key's private scalar and the first line of its base64 body.
 *
 * Not covered, and not ours to wipe: OpenSSL 3.0's PEM reader frees its
 * base64 decoding context (up to 80 characters of the block's last line)
 * without cleansing it, and its key decoders free copies of the DER they
 * decode (tls_parse_key, and the fingerprint of a private key in peers).
 * Exit 0 pass, 1 fail (automake).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "tls.h"

#define HDR 16	/* the block's size, kept in front of it */

static int armed;
static unsigned char needle[2][24];
static size_t needle_len[2], found;

static void
scan(const unsigned char *p, size_t n)
{
	if (!armed)
		return;
	for (size_t i = 0; i < 2; i++)
		if (needle_len[i] && n >= needle_len[i] && memmem(p, n, needle[i], needle_len[i]))
			found++, fprintf(stderr, "  needle %zu in a freed block of %zu bytes\n", i, n);
}

static void *
t_malloc(size_t n, const char *file, int line)
{
	unsigned char *p = malloc(n + HDR);

	(void)file;
	(void)line;
	if (p == NULL)
		return NULL;
	memcpy(p, &n, sizeof(n));
	return p + HDR;
}

static void
t_free(void *q, const char *file, int line)
{
	unsigned char *p = q;
	size_t n;

	(void)file;
	(void)line;
	if (p == NULL)
		return;
	memcpy(&n, p - HDR, sizeof(n));
	scan(p, n);
	free(p - HDR);
}

static void *
t_realloc(void *q, size_t n, const char *file, int line)
{
	unsigned char *p = t_malloc(n, file, line);
	size_t old;

	if (q == NULL || p == NULL)
		return p;
	memcpy(&old, (unsigned char *)q - HDR, sizeof(old));
	memcpy(p, q, old < n ? old : n);
	t_free(q, file, line);
	return p;
}

/* A P-256 key as PEM (traditional or PKCS#8) in plain malloc'd memory; needles from it. */
static char *
make_key(int pkcs8)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	BIGNUM *d = NULL;
	BIO *b = BIO_new(BIO_s_mem());
	char *mem, *text;
	const char *line;
	long n;

	if (k == NULL || b == NULL || !EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_PRIV_KEY, &d) ||
	    !(pkcs8 ? PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL)
		    : PEM_write_bio_PrivateKey_traditional(b, k, NULL, NULL, 0, NULL, NULL)))
		abort();
	/* the scalar's first 16 bytes, big-endian as in the DER */
	{
		unsigned char full[32];

		BN_bn2binpad(d, full, 32);
		memcpy(needle[0], full, 16);
		needle_len[0] = 16;
		OPENSSL_cleanse(full, sizeof(full));
	}
	n = BIO_get_mem_data(b, &mem);
	if ((text = malloc((size_t)n + 1)) == NULL)
		abort();
	memcpy(text, mem, (size_t)n);
	text[n] = '\0';
	/* 24 characters of the first body line */
	line = strchr(text, '\n') + 1;
	memcpy(needle[1], line + 8, 24);
	needle_len[1] = 24;
	BN_clear_free(d);
	BIO_free(b);
	EVP_PKEY_free(k);
	return text;
}

static int
check(const char *what, const char *text, int (*fn)(const char *, size_t))
{
	found = 0;
	ERR_clear_error();
	armed = 1;
	fn(text, strlen(text));
	ERR_clear_error();
	armed = 0;
	printf("%s %s: %zu freed blocks held key bytes\n", found ? "FAIL" : "ok  ", what, found);
	return found != 0;
}

static int
parse_certs(const char *t, size_t n)
{
	STACK_OF(X509) *sk = NULL;
	char err[256];
	int r = tls_parse_certs(t, n, &sk, err, sizeof(err));

	sk_X509_pop_free(sk, X509_free);
	return r;
}

int
main(void)
{
	int fail = 0;

	if (!CRYPTO_set_mem_functions(t_malloc, t_realloc, t_free)) {
		fprintf(stderr, "cannot replace OpenSSL's allocator\n");
		return 99;
	}
	for (int pkcs8 = 0; pkcs8 <= 1; pkcs8++) {
		char *key = make_key(pkcs8);

		printf("-- %s key\n", pkcs8 ? "PKCS#8" : "traditional EC");
		/* a key where certificates are read: a combined cert+key file, a CA bundle */
		fail |= check("tls_parse_certs skips a key block", key, parse_certs);
		free(key);
	}
	return fail;
}
