/*
 * seed.h - an Ed25519 signing key file as dbward writes it: the raw
 * 32-byte seed, nothing else (shared/reference/dbward-config.md 2.2).
 *
 * Everything read from the file stays in sodium_malloc'd memory (guard
 * pages, locked, wiped by sodium_free). What goes out is the public key
 * and, for a file in another form, a description that names the form,
 * never its bytes.
 */
#ifndef HG_SIGKEY_SEED_H
#define HG_SIGKEY_SEED_H

#include <stddef.h>

#define SEED_LEN 32		/* crypto_sign_SEEDBYTES */
#define SEED_PK_LEN 32		/* crypto_sign_PUBLICKEYBYTES */
#define SEED_READ_MAX 4096	/* more is not a key file of any form */

/* What a key file holds. Only SEED_RAW is a key dbward loads. */
enum seed_form {
	SEED_RAW,		/* exactly 32 bytes */
	SEED_EMPTY,
	SEED_SHORT,		/* fewer than 32 bytes */
	SEED_NEWLINE,		/* 32 bytes, then only a newline or blanks */
	SEED_PEM,		/* -----BEGIN ...----- */
	SEED_HEX,		/* hex digits of 32 or 64 bytes */
	SEED_BASE64,		/* base64 of 32 or 64 bytes */
	SEED_PKCS8,		/* DER PKCS#8 Ed25519 private key (48 bytes) */
	SEED_EXPANDED,		/* 64 bytes: seed then its own public key */
	SEED_TEXT,		/* other printable text */
	SEED_LONG,		/* more than 32 bytes of something else */
	SEED_HUGE,		/* more than SEED_READ_MAX bytes */
};

/* What a key file was found to be. */
struct seed_info {
	enum seed_form form;
	size_t len;		/* bytes in the file (SEED_READ_MAX + 1 if huge) */
	const char *weak;	/* a raw seed no generator makes: why, or NULL */
	char what[200];		/* "is 33 bytes: ...", to follow the path; no key bytes */
};

/* sodium_init(), once per process. 0 or -1. */
int seed_init(void);

/*
 * Read the regular file FD (at most SEED_READ_MAX bytes) and say what it
 * holds. With PK non-NULL and a raw seed, PK gets the public key. The
 * bytes read never leave sodium_malloc'd memory and are wiped. 0, or a
 * negative errno (read error, no memory).
 */
int seed_read(int fd, struct seed_info *info, unsigned char pk[SEED_PK_LEN]);

/* The "SHA256:..." fingerprint (common/fingerprint.h) of the public key PK. */
int seed_fingerprint(const unsigned char pk[SEED_PK_LEN], char *out, size_t outlen);

#endif
