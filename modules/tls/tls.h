/*
 * tls.h - what the files of the tls module share (not installed).
 *
 * pem.c reads and parses the material (PEM only, never a passphrase
 * prompt) and names it; checks.c judges it (validity window, key
 * strength, name, chain); tls.c reads the policy and runs the checks.
 */
#ifndef HG_TLS_H
#define HG_TLS_H

#include <stddef.h>
#include <sys/types.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <hardgate/module.h>

#include "fingerprint.h"

#define TLS_MAX_PUBLIC (4u << 20)	/* a certificate, a CA bundle, a peer's file */
#define TLS_MAX_KEY (64u << 10)		/* a private key file */

/* One run of check(): the policy, resolved, and the verdict so far. */
struct tls_run {
	struct hg_ctx *ctx;
	const struct hg_args *a;
	const char *id;		/* material invalid (default HG-020) */
	const char *name_id;	/* server_name not in the SAN (default: id) */
	const char *expiry_id;	/* expired or inside the renewal window (HG-021) */
	const char *shared_id;	/* two nodes share a key (HG-022) */
	long long min_days, warn_days, min_rsa_bits;
	uid_t owner;		/* key_owner's uid, trusted for public files too */
	int result;		/* HG_PASS, or HG_FAIL once anything failed */
};

/* A certificate and its names for messages. */
struct tls_cert {
	X509 *x;
	char fp[HG_FP_LEN];	/* SPKI fingerprint (fingerprint.h) */
	char subject[256];	/* RFC 2253, escaped */
};

/* Report a FAIL finding and mark the run failed. */
void tls_fail(struct tls_run *r, const char *id, const char *where, const char *fix,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* --- pem.c --- */

/*
 * Read the public file PATH (certificate, CA bundle, peer) through the
 * trusted walk: owned by root or r->owner, not group/world-writable, and
 * not readable by others when it holds a private key too. HG_PASS with
 * *BUF (free it with tls_wipe_free), or HG_FAIL with a finding under ID.
 */
int tls_read_public(struct tls_run *r, const char *path, const char *id, char **buf,
		    size_t *len);

/*
 * Every certificate of the PEM text BUF, in order (at least one). 0, or
 * -EINVAL with the reason in ERR (a malformed or truncated block refuses
 * the whole file).
 */
int tls_parse_certs(const char *buf, size_t len, STACK_OF(X509) **out, char *err,
		    size_t errlen);

/*
 * The private key of the PEM text BUF. 0; -EACCES when it is encrypted
 * (no passphrase is ever asked for); -EINVAL with the reason in ERR.
 * Never puts key bytes in ERR.
 */
int tls_parse_key(const char *buf, size_t len, EVP_PKEY **out, char *err, size_t errlen);

/* The reason of OpenSSL's last error, or DEF. Clears the error queue. */
const char *tls_ssl_reason(const char *def);

/* 1 if OpenSSL's last PEM read stopped only because no further block starts. */
int tls_pem_at_end(void);

/* One PEM block as PEM_read_bio_ex() returns it. */
struct tls_pem {
	char *name, *header;
	unsigned char *data;	/* the decoded DER */
	long len;
};

/*
 * The next PEM block of B into P: 1 (free it with tls_pem_free), 0 at the
 * end of the text, -EINVAL for a malformed block. Read with
 * PEM_FLAG_SECURE, so OpenSSL allocates the base64 body, its line buffer
 * and the DER in its secure heap (the plain heap when the process set up
 * none) and cleanses them when freeing: a private key block, even one
 * only skipped on the way to a certificate, leaves no copy in freed memory.
 */
int tls_pem_next(BIO *b, struct tls_pem *p);
void tls_pem_free(struct tls_pem *p);

/* 1 if a PEM block NAME is a certificate (CERTIFICATE, X509 CERTIFICATE). */
int tls_pem_is_cert(const char *name);

/* SHA-256 fingerprint of K's DER SubjectPublicKeyInfo. 0 or -ENOMEM. */
int tls_spki_fp(const EVP_PKEY *k, char out[HG_FP_LEN]);

/* Fill C's fingerprint and subject from C->x. 0 or -ENOMEM. */
int tls_cert_names(struct tls_cert *c);

/*
 * Fingerprint of the first certificate, else public key, else private key
 * in the PEM text BUF. 0; -ENOTSUP when BUF holds no PEM block at all;
 * -EACCES (encrypted key) or -EINVAL with the reason in ERR.
 */
int tls_material_fp(const char *buf, size_t len, char out[HG_FP_LEN], char *err, size_t errlen);

/* Where the subject and the SubjectPublicKeyInfo sit in a DER certificate. */
struct tls_der_cert {
	const unsigned char *subject, *spki;	/* whole DER elements, header included */
	long subject_len, spki_len;
};

/*
 * Find them by a bounded walk of Certificate > tbsCertificate, without
 * decoding anything (OpenSSL 3.0 decodes a certificate's key through its
 * decoders, the most costly step of a check). 0 or -EINVAL.
 */
int tls_der_cert(const unsigned char *der, long n, struct tls_der_cert *c);

/* Wipe and free a buffer that held key material. */
void tls_wipe_free(char *buf, size_t len);

/* --- anchors.c --- */

/*
 * The certificates of the CA bundle BUF that may be in a chain of the
 * certificates FROM: a block is decoded only when its subject is the
 * issuer of one already taken, so a bundle of 150 CAs costs the few in
 * use. Every block must still be PEM with a certificate's outline. 0, or
 * -EINVAL with the reason in ERR. *OUT may be empty (no issuer known).
 */
int tls_parse_anchors(const char *buf, size_t len, STACK_OF(X509) *from, STACK_OF(X509) **out,
		      char *err, size_t errlen);

/* --- checks.c --- */

/* Not yet valid (r->id), expired or inside the window (r->expiry_id), days left (INFO). */
void tls_check_validity(struct tls_run *r, const struct tls_cert *c, const char *path);

/* RSA >= min_rsa_bits, EC on P-256/384/521, Ed25519/Ed448; nothing else. */
void tls_check_strength(struct tls_run *r, EVP_PKEY *k, const char *path);

/* NAME (DNS name or IP address) in C's subjectAltName; the subject CN never counts. */
void tls_check_name(struct tls_run *r, const struct tls_cert *c, const char *path,
		    const char *name);

/*
 * Verify LEAF (with the file's other certificates as intermediates)
 * against the trust anchors CAS for PURPOSE ("server", "client", "both",
 * "any") at the current time. The validity of every certificate of the
 * chain is judged by tls_check_validity, not here. *CHAIN gets the chain
 * built (free with sk_X509_pop_free(chain, X509_free)), or NULL.
 */
void tls_check_chain(struct tls_run *r, const struct tls_cert *leaf, STACK_OF(X509) *others,
		     STACK_OF(X509) *cas, const char *cert_path, const char *ca_path,
		     const char *purpose, STACK_OF(X509) **chain);

#endif
