/*
 * attest.h - signed, dated attestations for the checklist items only
 * people can do (restore test, incident drill, token rotation).
 *
 * hardgate's own Ed25519 key (libsodium) lives in the policy's attest_dir
 * (/var/lib/hardgate/attest), created once by `hardgate attest --init`:
 *
 *     attest.key   the 32-byte seed, raw, 0600 root (read only by
 *                  hardgate attest, into sodium_malloc'd memory)
 *     attest.pub   "ed25519 <base64 of the 32-byte public key>\n", 0644
 *     attest.list  the records, 0644 root (HG_ATTEST_FILE)
 *
 * A record is one line of exactly seven tab-separated fields:
 *
 *     1 <TAB> ID <TAB> 2026-07-01T09:30:00Z <TAB> BY <TAB> NOTE <TAB> SHA256:<key fp> <TAB> SIG
 *
 * ID is [A-Z0-9-]{1,23}; the time is UTC, exactly that form; BY is a
 * name [A-Za-z0-9._@-]{1,64}; NOTE is printable ASCII, 0..200 bytes; the
 * fingerprint (fingerprint.h) names the signing key; SIG is the padded
 * base64 of the Ed25519 signature over the domain "hardgate-attest\0"
 * followed by the six other fields, each as a 4-byte big-endian length
 * and its bytes (so no two records share an encoding). Every line of the
 * file must be such a record, newline-terminated; anything else (a
 * truncated write, an edit, another key, a time in the future beyond
 * HG_ATTEST_SKEW) is a bad record, never skipped in silence.
 * Findings: HG-030 (bad record or unreadable list), HG-031 (key).
 */
#ifndef HG_COMMON_ATTEST_H
#define HG_COMMON_ATTEST_H

#include <stddef.h>
#include <time.h>

#include "error.h"
#include "fingerprint.h"

#define HG_ATTEST_ID "HG-030"		/* a record is bad, or the list unreadable */
#define HG_ATTEST_KEY_ID "HG-031"	/* the attestation key is missing or bad */
#define HG_ATTEST_SK "attest.key"
#define HG_ATTEST_PK "attest.pub"
#define HG_ATTEST_FILE "attest.list"
#define HG_ATTEST_MAX_BYTES (4u << 20)	/* the record list */
#define HG_ATTEST_LINE_MAX 1024
#define HG_ATTEST_ITEM_MAX 23
#define HG_ATTEST_BY_MAX 64
#define HG_ATTEST_NOTE_MAX 200
#define HG_ATTEST_SKEW 300		/* seconds a record may lie in the future */
#define HG_ATTEST_PK_LEN 32
#define HG_ATTEST_SEED_LEN 32

struct hg_attest_rec {
	char item[HG_ATTEST_ITEM_MAX + 1];
	time_t when;
	char by[HG_ATTEST_BY_MAX + 1];
	char note[HG_ATTEST_NOTE_MAX + 1];
	char fp[HG_FP_LEN];		/* of the key that signed it */
};

/* 1 if S is a valid BY name, NOTE, or ID for a record; 0 otherwise. */
int hg_attest_by_ok(const char *s);
int hg_attest_note_ok(const char *s);
int hg_attest_item_ok(const char *s);

/*
 * Create the key pair in DIR (made 0755 if missing): attest.key 0600 and
 * attest.pub 0644, neither replacing an existing file (-EEXIST if either
 * is there). FP gets the new key's fingerprint. 0 or a negative errno
 * with E filled (HG-031).
 */
int hg_attest_init(const char *dir, char fp[HG_FP_LEN], struct hg_error *e);

/*
 * As hg_attest_init, but a pair already in DIR is kept once checked
 * (attest.pub trusted and well-formed, attest.key the root-owned 0600
 * seed of it): for package scripts, run on every install. 1 when a key
 * was created, 0 when a good pair was there (FP filled either way), or a
 * negative errno with E filled (HG-031): -EEXIST when only one half is
 * there (never completed: records could not be signed or checked), or
 * the pair's own errors.
 */
int hg_attest_init_if_missing(const char *dir, char fp[HG_FP_LEN], struct hg_error *e);

/*
 * Read DIR/attest.pub through the trusted walk (root-owned, not
 * group/world-writable). 0 with PK and FP filled, or a negative errno
 * with E filled (HG-031).
 */
int hg_attest_pubkey(const char *dir, unsigned char pk[HG_ATTEST_PK_LEN], char fp[HG_FP_LEN],
		     struct hg_error *e);

/*
 * Sign R (its fp is set from SK) into LINE (newline-terminated, NUL
 * after it) with the 64-byte libsodium secret key SK. 0, or -EINVAL when
 * a field is not valid, -ENOSPC when LINE is too small.
 */
int hg_attest_sign(struct hg_attest_rec *r, const unsigned char *sk, char *line, size_t n);

/*
 * Parse and verify one record S (N bytes, without its newline) against
 * public key PK (fingerprint FP) at time NOW. 0 with R filled, or
 * -EINVAL with a one-line reason in WHY (never a secret: there is none).
 */
int hg_attest_parse(const char *s, size_t n, const unsigned char pk[HG_ATTEST_PK_LEN],
		    const char *fp, time_t now, struct hg_attest_rec *r, char *why, size_t wlen);

/*
 * Called by hg_attest_scan for each line: a valid record R (WHY NULL) or
 * a bad one (R NULL, WHY says why). WHERE is "file:line".
 */
typedef void (*hg_attest_fn)(void *arg, const struct hg_attest_rec *r, const char *where,
			     const char *why);

/*
 * Read DIR's public key (its fingerprint into FP) and every record of
 * DIR/attest.list (a missing list has no records) and call FN for each
 * line. 0 (bad lines are FN's to report), or a negative errno with E
 * filled when the key or the list cannot be read or trusted (HG-031,
 * HG-030).
 */
int hg_attest_scan(const char *dir, time_t now, hg_attest_fn fn, void *arg, char fp[HG_FP_LEN],
		   struct hg_error *e);

/*
 * Append a record for ITEM by BY with NOTE, dated NOW, signed with the
 * secret key of DIR (checked against attest.pub), to DIR/attest.list,
 * atomically; the records already there must all verify. The secret key
 * lives only in sodium_malloc'd memory and is wiped before return. LINE
 * (if non-NULL, N bytes) gets the record written. 0 or a negative errno
 * with E filled (-EINVAL: a field is not valid).
 */
int hg_attest_add(const char *dir, const char *item, const char *by, const char *note,
		  time_t now, char *line, size_t n, struct hg_error *e);

/* Format T as the record's UTC time into BUF (>= 21 bytes). */
const char *hg_attest_time(time_t t, char *buf, size_t n);

/* Parse a max age "90d", "24h", "2w" (1..99999 of d, h or w) into seconds. 0 or -EINVAL. */
int hg_attest_parse_age(const char *s, long long *secs);

#endif
