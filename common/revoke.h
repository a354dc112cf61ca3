/*
 * revoke.h - the revocation list: fingerprints of keys, certificates and
 * tokens that must not be used any more (revoked.d/ beside the policy).
 *
 * Every file of the directory not starting with '.' is read; each must be
 * root-owned and not group/world-writable, like the policy. A line is
 *
 *     SHA256:<base64>  [reason ...]
 *
 * (fingerprint.h; `hardgate fingerprint` prints one; the reason UTF-8 text
 * without control characters), blank, or a '#'
 * comment. A line that is neither refuses the whole list: a typo must not
 * quietly un-revoke a key. Findings: HG-017 (list unreadable or malformed).
 */
#ifndef HG_COMMON_REVOKE_H
#define HG_COMMON_REVOKE_H

#include <stddef.h>

#include "error.h"

#define HG_REVOKE_ID "HG-017"
#define HG_REVOKED_ID "HG-018"
#define HG_REVOKE_FILE "hardgate-revoke.list"	/* what hg_revoke_add() writes */
#define HG_REVOKE_MAX_FILES 64
#define HG_REVOKE_MAX_BYTES (1u << 20)		/* per file */
#define HG_REVOKE_REASON_MAX 200

struct hg_revlist;

/* Load DIR (a missing DIR is an empty list). 0, or a negative errno with E filled. */
int hg_revlist_load(const char *dir, struct hg_revlist **out, struct hg_error *e);

/* The reason FP is listed for ("" if none was given), or NULL if FP is not listed. */
const char *hg_revlist_find(const struct hg_revlist *l, const char *fp);

/* "file:line" where FP is listed, or NULL. */
const char *hg_revlist_where(const struct hg_revlist *l, const char *fp);

/* An empty list, to fill with hg_revlist_parse_bytes(); NULL when out of memory. */
struct hg_revlist *hg_revlist_new(void);

/*
 * Add the lines of one list file, TEXT[0..LEN) as read by the caller (not
 * NUL-terminated), to L; NAME is the file named in "file:line". The file
 * reader behind hg_revlist_load() calls this once per file; a harness or a
 * test can call it on bytes in memory. 0, or a negative errno with E
 * filled (HG-017; -EFBIG over HG_REVOKE_MAX_BYTES): L then holds the
 * lines before the bad one, so the caller must free it, never use it.
 */
int hg_revlist_parse_bytes(struct hg_revlist *l, const char *name, const char *text, size_t len,
			   struct hg_error *e);

size_t hg_revlist_count(const struct hg_revlist *l);

void hg_revlist_free(struct hg_revlist *l);

/*
 * 1 if REASON can be listed: at most HG_REVOKE_REASON_MAX bytes of UTF-8
 * text without control characters (C0, DEL, C1), as a list line's reason.
 */
int hg_revoke_reason_valid(const char *reason);

/*
 * Append FP with REASON (printable, at most HG_REVOKE_REASON_MAX bytes) and
 * today's date to DIR/hardgate-revoke.list, atomically (a new file renamed
 * over the old), under an exclusive flock() of DIR so that concurrent
 * adds keep every entry. DIR is created 0755 if missing; the lists already
 * there must load. Returns 0 when added, 1 when FP was already listed, or a
 * negative errno with E filled.
 */
int hg_revoke_add(const char *dir, const char *fp, const char *reason, struct hg_error *e);

#endif
