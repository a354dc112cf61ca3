/*
 * fuzz_tlspem.c - the tls module's reading of certificate and key files
 * (modules/tls/pem.c, anchors.c): the bytes of a file, NUL-terminated as
 * hg_read_fd() hands them over, read as a certificate file
 * (tls_parse_certs, tls_cert_names), as a CA bundle against those
 * certificates (tls_parse_anchors), as a private key file (tls_parse_key)
 * and as a peer's file (tls_material_fp); the raw bytes also as one DER
 * certificate (tls_der_cert). Every PEM block is read with
 * PEM_FLAG_SECURE; an encrypted key is refused, never prompted for.
 */
#include "config.h"

#include <errno.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

#include "fingerprint.h"
#include "fuzz.h"
#include "tls.h"

/* A reason that follows a path in a finding: said, one line. */
static void
reason(const char *err)
{
	HGF_ASSERT(err[0] != '\0' && strchr(err, '\n') == NULL);
}

/*
 * The certificates and the bundle; the leaf's fingerprint into LEAF_FP
 * ("" if none), *LEAF_BAD set when a leaf was read but has none.
 */
static void
certs(const char *buf, size_t len, char leaf_fp[HG_FP_LEN], int *leaf_bad)
{
	STACK_OF(X509) *sk = NULL, *cas = NULL;
	char err[256] = "";
	int r;

	leaf_fp[0] = '\0';
	if ((r = tls_parse_certs(buf, len, &sk, err, sizeof(err))) < 0) {
		HGF_ASSERT(sk == NULL);
		if (r == -EINVAL)
			reason(err);
		return;
	}
	HGF_ASSERT(sk_X509_num(sk) > 0);
	for (int i = 0; i < sk_X509_num(sk); i++) {
		struct tls_cert c = { .x = sk_X509_value(sk, i) };

		/* BER that OpenSSL reads: no fingerprint, which check() refuses (not DER) */
		if (tls_cert_names(&c) < 0) {
			if (i == 0)
				*leaf_bad = 1;
			continue;
		}
		HGF_ASSERT(hg_fp_valid(c.fp) && c.subject[0] != '\0');
		HGF_ASSERT(strchr(c.subject, '\n') == NULL);
		if (i == 0)
			memcpy(leaf_fp, c.fp, HG_FP_LEN);
	}
	err[0] = '\0';
	if (tls_parse_anchors(buf, len, sk, &cas, err, sizeof(err)) == 0)
		HGF_ASSERT(cas != NULL && sk_X509_num(cas) <= sk_X509_num(sk));
	else if (err[0] != '\0')
		reason(err);
	sk_X509_pop_free(cas, X509_free);
	sk_X509_pop_free(sk, X509_free);
	ERR_clear_error();
}

static void
key(const char *buf, size_t len)
{
	EVP_PKEY *k = NULL;
	char err[256] = "", fp[HG_FP_LEN];
	int r = tls_parse_key(buf, len, &k, err, sizeof(err));

	if (r == 0) {
		HGF_ASSERT(k != NULL);
		if (tls_spki_fp(k, fp) == 0)
			HGF_ASSERT(hg_fp_valid(fp));
		EVP_PKEY_free(k);
	} else if (r == -EACCES || r == -EINVAL) {
		HGF_ASSERT(k == NULL);
		reason(err);
		/* an encrypted key is refused whole: no passphrase, no key */
		if (r == -EACCES)
			HGF_ASSERT(strstr(err, "encrypted") != NULL);
	}
	ERR_clear_error();
}

static void
material(const char *buf, size_t len, const char *leaf_fp, int leaf_bad)
{
	char err[256] = "", fp[HG_FP_LEN] = "";
	int r = tls_material_fp(buf, len, fp, err, sizeof(err));

	/* a leaf the check cannot fingerprint has no fingerprint here either */
	if (leaf_bad)
		HGF_ASSERT(r == -EINVAL);

	if (r == 0) {
		HGF_ASSERT(hg_fp_valid(fp));
		/* what `hardgate fingerprint` says of a certificate file is its leaf's fingerprint */
		if (leaf_fp[0] != '\0')
			HGF_ASSERT(strcmp(fp, leaf_fp) == 0);
	} else if (r == -ENOTSUP) {
		HGF_ASSERT(strstr(buf, "-----BEGIN ") == NULL);
	} else if (r == -EACCES || r == -EINVAL) {
		reason(err);
	}
	ERR_clear_error();
}

static void
der(const uint8_t *data, size_t size)
{
	struct tls_der_cert c;

	if (size > 1 << 20 || tls_der_cert(data, (long)size, &c) < 0)
		return;
	HGF_ASSERT(c.subject >= data && c.subject_len > 0 &&
		   (size_t)(c.subject - data) + (size_t)c.subject_len <= size);
	HGF_ASSERT(c.spki > c.subject && c.spki_len > 0 &&
		   (size_t)(c.spki - data) + (size_t)c.spki_len <= size);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char leaf_fp[HG_FP_LEN];
	int leaf_bad = 0;
	char *buf;

	if (size > TLS_MAX_PUBLIC || (buf = hgf_cstr(data, size)) == NULL)
		return 0;
	certs(buf, size, leaf_fp, &leaf_bad);
	if (size <= TLS_MAX_KEY)
		key(buf, size);
	material(buf, size, leaf_fp, leaf_bad);
	der(data, size);
	tls_wipe_free(buf, size);
	return 0;
}
