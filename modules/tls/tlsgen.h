/*
 * tlsgen.h - real X.509 material for the tls tests, made with the OpenSSL
 * C API in the test run (any notBefore/notAfter, no openssl CLI config).
 * Test-only: every failure aborts the test run.
 */
#ifndef HG_TLSGEN_H
#define HG_TLSGEN_H

#include <sys/types.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

/* What a certificate says. Days are offsets from now (negative: past). */
struct tgen_cert {
	const char *cn;
	const char *san;	/* "DNS:a,IP:10.0.0.1" or NULL for none */
	long from_days, to_days;
	long to_secs;		/* added to to_days (an hour of slack for "N days left") */
	int ca;			/* basicConstraints CA:TRUE, keyCertSign */
	const char *eku;	/* "serverAuth,clientAuth" (default), "serverAuth", or "" for none */
};

/* A new key: "ec" (P-256), "p224", "rsa2048", "rsa1024", "ed25519". */
EVP_PKEY *tgen_key(const char *kind);

/* A certificate for KEY signed by ISSUER/ISSUER_KEY (self-signed when ISSUER is NULL). */
X509 *tgen_cert(EVP_PKEY *key, const struct tgen_cert *o, X509 *issuer, EVP_PKEY *issuer_key);

/* Write X (and X2 after it, if not NULL) as PEM to DIR/NAME, mode 0644. Malloc'd path. */
char *tgen_write_cert(const char *dir, const char *name, X509 *x, X509 *x2);

/* Write K's private key as PEM (PKCS#8; encrypted with PASS if not NULL) to DIR/NAME with MODE. */
char *tgen_write_key(const char *dir, const char *name, EVP_PKEY *k, mode_t mode, const char *pass);

/* K's unencrypted PKCS#8 PEM text (malloc'd), to search output for. */
char *tgen_key_pem(EVP_PKEY *k);

/* The first LEN bytes of the file PATH written to DIR/NAME (a truncated copy). */
char *tgen_truncated(const char *dir, const char *name, const char *path, size_t len,
		     mode_t mode);

/*
 * X again, its tbsCertificate in BER with an indefinite length (which
 * OpenSSL reads and keeps as read) and signed anew by ISSUER_KEY (EC).
 */
X509 *tgen_ber(X509 *x, EVP_PKEY *issuer_key);

#endif
