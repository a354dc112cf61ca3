/*
 * fingerprint.h - one printable name for a key, certificate or token.
 *
 * "SHA256:" and the unpadded standard base64 of a SHA-256 digest, as
 * OpenSSH prints key fingerprints. What is hashed depends on the material,
 * and each module that understands a kind of material says so:
 *   Ed25519 signing key    the 32-byte raw public key (sigkey)
 *   X.509 certificate/key  the DER SubjectPublicKeyInfo of the public key,
 *                          so a certificate and its key have one fingerprint (tls)
 *   token or secret        the bytes of the value (secretenv)
 * The revocation list (revoke.h) matches these strings exactly.
 * No hashing here: callers hash with their own library (libsodium, OpenSSL).
 */
#ifndef HG_COMMON_FINGERPRINT_H
#define HG_COMMON_FINGERPRINT_H

#include <stddef.h>

#define HG_FP_DIGEST_LEN 32
#define HG_FP_PREFIX "SHA256:"
/* "SHA256:" + 43 base64 characters + NUL */
#define HG_FP_LEN (sizeof(HG_FP_PREFIX) - 1 + 43 + 1)

/* Format DIGEST (SHA-256) into OUT. Returns OUT. */
const char *hg_fp_format(const unsigned char digest[HG_FP_DIGEST_LEN], char out[HG_FP_LEN]);

/* 1 if S is exactly one well-formed fingerprint, 0 otherwise. */
int hg_fp_valid(const char *s);

#endif
