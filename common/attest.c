/*
 * attest.c - hardgate's attestation key and signed records (attest.h).
 *
 * The secret key is read only by hg_attest_add(), straight from its fd
 * into sodium_malloc'd memory (guard pages, locked, wiped on free); it is
 * never in a stdio buffer or on the ordinary heap. Checks need only the
 * public key, so the preload can run them as the service user.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "attest.h"
#include "safefile.h"

#define DOMAIN "hardgate-attest"	/* with its NUL: 16 bytes */
#define REC_VERSION "1"
#define NFIELDS 7
#define SIG_B64_LEN 88			/* padded base64 of 64 bytes */
#define PK_B64_LEN 44
#define PK_PREFIX "ed25519 "
#define FIX_KEY "create the key once with hardgate attest --init (as root)"
#define FIX_BAD "find out who changed the attestation list; remove or re-attest the line " \
	"named (hardgate attest ID --by NAME)"

static int
sodium_ready(struct hg_error *e)
{
	if (sodium_init() < 0)
		return hg_error_set(e, EIO, HG_ATTEST_KEY_ID, NULL, NULL,
				    "libsodium cannot be initialised");
	return 0;
}

int
hg_attest_item_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > HG_ATTEST_ITEM_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
			return 0;
	return 1;
}

int
hg_attest_by_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > HG_ATTEST_BY_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._@-", s[i]))
			return 0;
	return 1;
}

int
hg_attest_note_ok(const char *s)
{
	size_t n = strlen(s);

	if (n > HG_ATTEST_NOTE_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

const char *
hg_attest_time(time_t t, char *buf, size_t n)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, n, "?");
	return buf;
}

/* Strict "YYYY-MM-DDTHH:MM:SSZ": what hg_attest_time() writes, nothing else. */
static int
parse_time(const char *s, size_t n, time_t *out)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	char again[32], copy[32];
	struct tm tm = { 0 };
	time_t t;

	if (n != sizeof(shape) - 1)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return -EINVAL;
	memcpy(copy, s, n);
	copy[n] = '\0';
	if (sscanf(copy, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -EINVAL;
	/* 2026-02-30 normalises to March: only a date that formats back is one. */
	if (strcmp(hg_attest_time(t, again, sizeof(again)), copy) != 0)
		return -EINVAL;
	*out = t;
	return 0;
}

int
hg_attest_parse_age(const char *s, long long *secs)
{
	long long v = 0, unit;
	size_t i = 0;

	for (; i < 5 && isdigit((unsigned char)s[i]); i++)
		v = v * 10 + (s[i] - '0');
	if (i == 0 || s[0] == '0' || s[i] == '\0' || s[i + 1] != '\0')
		return -EINVAL;
	switch (s[i]) {
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	case 'w':
		unit = 7 * 86400;
		break;
	default:
		return -EINVAL;
	}
	*secs = v * unit;
	return 0;
}

/* Append a 4-byte big-endian length and S to BUF at *OFF. */
static int
put_field(unsigned char *buf, size_t cap, size_t *off, const char *s)
{
	size_t n = strlen(s);

	if (*off + 4 + n > cap)
		return -ENOSPC;
	buf[(*off)++] = (unsigned char)(n >> 24);
	buf[(*off)++] = (unsigned char)(n >> 16);
	buf[(*off)++] = (unsigned char)(n >> 8);
	buf[(*off)++] = (unsigned char)n;
	memcpy(buf + *off, s, n);
	*off += n;
	return 0;
}

/* The bytes that are signed: DOMAIN\0 then each field length-prefixed. */
static int
encode(const struct hg_attest_rec *r, unsigned char *buf, size_t cap, size_t *len)
{
	char when[32];
	const char *f[6];
	size_t off = sizeof(DOMAIN);

	f[0] = REC_VERSION;
	f[1] = r->item;
	f[2] = hg_attest_time(r->when, when, sizeof(when));
	f[3] = r->by;
	f[4] = r->note;
	f[5] = r->fp;
	memcpy(buf, DOMAIN, sizeof(DOMAIN));
	for (size_t i = 0; i < 6; i++)
		if (put_field(buf, cap, &off, f[i]) < 0)
			return -ENOSPC;
	*len = off;
	return 0;
}

static void
fingerprint(const unsigned char pk[HG_ATTEST_PK_LEN], char fp[HG_FP_LEN])
{
	unsigned char d[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(d, pk, HG_ATTEST_PK_LEN);
	hg_fp_format(d, fp);
}

int
hg_attest_sign(struct hg_attest_rec *r, const unsigned char *sk, char *line, size_t n)
{
	unsigned char msg[HG_ATTEST_LINE_MAX], sig[crypto_sign_BYTES];
	char when[32], b64[SIG_B64_LEN + 1];
	size_t len;
	int w;

	if (!hg_attest_item_ok(r->item) || !hg_attest_by_ok(r->by) || !hg_attest_note_ok(r->note))
		return -EINVAL;
	/* libsodium's secret key is seed || public key. */
	fingerprint(sk + crypto_sign_SEEDBYTES, r->fp);
	if (encode(r, msg, sizeof(msg), &len) < 0)
		return -ENOSPC;
	crypto_sign_detached(sig, NULL, msg, len, sk);
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	w = snprintf(line, n, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", REC_VERSION, r->item,
		     hg_attest_time(r->when, when, sizeof(when)), r->by, r->note, r->fp, b64);
	return w < 0 || (size_t)w >= n ? -ENOSPC : 0;
}

/* Copy field F (N bytes) into OUT (CAP bytes with its NUL) if it fits. */
static int
take(char *out, size_t cap, const char *f, size_t n)
{
	if (n >= cap || memchr(f, '\0', n))
		return -EINVAL;
	memcpy(out, f, n);
	out[n] = '\0';
	return 0;
}

/* Decode a padded base64 signature; only the canonical encoding passes. */
static int
decode_sig(const char *s, size_t n, unsigned char sig[crypto_sign_BYTES])
{
	char again[SIG_B64_LEN + 1];
	size_t len;
	const char *end;

	if (n != SIG_B64_LEN ||
	    sodium_base642bin(sig, crypto_sign_BYTES, s, n, NULL, &len, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    len != crypto_sign_BYTES || end != s + n)
		return -EINVAL;
	sodium_bin2base64(again, sizeof(again), sig, len, sodium_base64_VARIANT_ORIGINAL);
	return memcmp(again, s, n) == 0 ? 0 : -EINVAL;
}

#define BAD(...) (snprintf(why, wlen, __VA_ARGS__), -EINVAL)

int
hg_attest_parse(const char *s, size_t n, const unsigned char pk[HG_ATTEST_PK_LEN],
		const char *fp, time_t now, struct hg_attest_rec *r, char *why, size_t wlen)
{
	unsigned char msg[HG_ATTEST_LINE_MAX], sig[crypto_sign_BYTES];
	const char *f[NFIELDS];
	size_t fl[NFIELDS], k = 0, len;
	const char *p = s, *tab;

	memset(r, 0, sizeof(*r));
	if (n > HG_ATTEST_LINE_MAX)
		return BAD("record longer than %d bytes", HG_ATTEST_LINE_MAX);
	while (k < NFIELDS) {
		tab = memchr(p, '\t', (size_t)(s + n - p));
		f[k] = p;
		fl[k] = tab ? (size_t)(tab - p) : (size_t)(s + n - p);
		k++;
		if (tab == NULL)
			break;
		p = tab + 1;
	}
	if (k != NFIELDS || f[k - 1] + fl[k - 1] != s + n)
		return BAD("not a record: %s%zu fields, want %d", k == NFIELDS ? "more than " : "",
			   k, NFIELDS);
	if (fl[0] != 1 || f[0][0] != REC_VERSION[0])
		return BAD("unknown record version");
	if (take(r->item, sizeof(r->item), f[1], fl[1]) < 0 || !hg_attest_item_ok(r->item))
		return BAD("not a checklist ID");
	if (parse_time(f[2], fl[2], &r->when) < 0)
		return BAD("not a UTC time (YYYY-MM-DDTHH:MM:SSZ)");
	if (take(r->by, sizeof(r->by), f[3], fl[3]) < 0 || !hg_attest_by_ok(r->by))
		return BAD("not a name in the by field");
	if (take(r->note, sizeof(r->note), f[4], fl[4]) < 0 || !hg_attest_note_ok(r->note))
		return BAD("note is not printable text of at most %d bytes", HG_ATTEST_NOTE_MAX);
	if (take(r->fp, sizeof(r->fp), f[5], fl[5]) < 0 || !hg_fp_valid(r->fp))
		return BAD("no key fingerprint");
	if (decode_sig(f[6], fl[6], sig) < 0)
		return BAD("signature is not base64 of 64 bytes");
	if (strcmp(r->fp, fp) != 0)
		return BAD("signed by another key (%s), not %s", r->fp, fp);
	if (encode(r, msg, sizeof(msg), &len) < 0 ||
	    crypto_sign_verify_detached(sig, msg, len, pk) != 0)
		return BAD("signature does not verify: the record was changed or forged");
	if (r->when > now + HG_ATTEST_SKEW)
		return BAD("dated in the future (%.*s)", (int)fl[2], f[2]);
	return 0;
}

int
hg_attest_pubkey(const char *dir, unsigned char pk[HG_ATTEST_PK_LEN], char fp[HG_FP_LEN],
		 struct hg_error *e)
{
	char path[PATH_MAX], *text;
	size_t len, plen = strlen(PK_PREFIX), got;
	const char *end;
	int r;

	if ((r = sodium_ready(e)) < 0)
		return r;
	if (snprintf(path, sizeof(path), "%s/%s", dir, HG_ATTEST_PK) >= (int)sizeof(path))
		return hg_error_set(e, ENAMETOOLONG, HG_ATTEST_KEY_ID, dir, NULL, "path too long");
	if ((r = hg_read_trusted(path, 4096, "attestation public key", HG_ATTEST_KEY_ID, &text,
				 &len, e)) < 0) {
		if (r == -ENOENT && e)
			snprintf(e->fix, sizeof(e->fix), "%s", FIX_KEY);
		return r;
	}
	r = 0;
	if (len != plen + PK_B64_LEN + 1 || strncmp(text, PK_PREFIX, plen) != 0 ||
	    text[len - 1] != '\n' ||
	    sodium_base642bin(pk, HG_ATTEST_PK_LEN, text + plen, PK_B64_LEN, NULL, &got, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != HG_ATTEST_PK_LEN || end != text + plen + PK_B64_LEN)
		r = hg_error_set(e, EINVAL, HG_ATTEST_KEY_ID, path,
				 "restore attest.pub from the key pair, or create a new pair "
				 "with hardgate attest --init (old records then fail)",
				 "%s is not an ed25519 public key", path);
	free(text);
	if (r == 0)
		fingerprint(pk, fp);
	return r;
}

/* Call FN for every line of TEXT (LEN bytes), the list at PATH. */
static void
scan_text(const char *text, size_t len, const char *path, const unsigned char *pk,
	  const char *fp, time_t now, hg_attest_fn fn, void *arg)
{
	struct hg_attest_rec rec;
	char where[PATH_MAX + 16], why[160];
	size_t off = 0;
	unsigned line = 0;

	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (text + off)) : len - off;

		snprintf(where, sizeof(where), "%s:%u", path, ++line);
		if (nl == NULL)
			fn(arg, NULL, where, "truncated record (no newline at the end of the file)");
		else if (hg_attest_parse(text + off, n, pk, fp, now, &rec, why, sizeof(why)) < 0)
			fn(arg, NULL, where, why);
		else
			fn(arg, &rec, where, NULL);
		off += n + 1;
	}
}

int
hg_attest_scan(const char *dir, time_t now, hg_attest_fn fn, void *arg, char fp[HG_FP_LEN],
	       struct hg_error *e)
{
	unsigned char pk[HG_ATTEST_PK_LEN];
	char path[PATH_MAX], *text;
	size_t len;
	int r;

	if ((r = hg_attest_pubkey(dir, pk, fp, e)) < 0)
		return r;
	snprintf(path, sizeof(path), "%s/%s", dir, HG_ATTEST_FILE);
	r = hg_read_trusted(path, HG_ATTEST_MAX_BYTES, "attestation list", HG_ATTEST_ID, &text,
			    &len, e);
	if (r == -ENOENT) {
		hg_error_clear(e);
		return 0;	/* nothing attested yet */
	}
	if (r < 0)
		return r;
	scan_text(text, len, path, pk, fp, now, fn, arg);
	free(text);
	return 0;
}

static int load_secret(int dfd, const char *dir, const unsigned char *pk, unsigned char *sk,
		       struct hg_error *e);

/*
 * A complete pair in DFD: attest.pub read through the trusted walk,
 * attest.key the root-owned 0600 seed of it. 0 with FP filled.
 */
static int
check_pair(int dfd, const char *dir, char fp[HG_FP_LEN], struct hg_error *e)
{
	unsigned char pk[HG_ATTEST_PK_LEN], *sk;
	int r;

	if ((r = hg_attest_pubkey(dir, pk, fp, e)) < 0)
		return r;
	if ((sk = sodium_malloc(crypto_sign_SECRETKEYBYTES)) == NULL)
		return hg_error_set(e, ENOMEM, HG_ATTEST_KEY_ID, dir, NULL, "out of memory");
	r = load_secret(dfd, dir, pk, sk, e);
	sodium_free(sk);	/* wipes */
	return r;
}

/* What hg_attest_init and hg_attest_init_if_missing share (attest.h). */
static int
make_key(const char *dir, int if_missing, char fp[HG_FP_LEN], struct hg_error *e)
{
	const struct hg_trust t = { HG_ATTEST_KEY_ID, HG_UID_NONE, 0, HG_WANT_DIR };
	unsigned char pk[HG_ATTEST_PK_LEN], *sk;
	char pub[sizeof(PK_PREFIX) + PK_B64_LEN + 2];
	struct stat st;
	int dfd, r, has_sk, has_pk;

	if ((r = sodium_ready(e)) < 0 || (r = hg_safe_mkdir(dir, 0755, HG_ATTEST_KEY_ID, e)) < 0)
		return r;
	if ((dfd = hg_safe_open(dir, O_RDONLY | O_DIRECTORY, &t, &st, e)) < 0)
		return dfd;
	/*
	 * The walk judged the parents; the directory itself must be as closed:
	 * in a directory others may write, the seed could be swapped or moved.
	 */
	if ((r = hg_root_only(dir, &st, "attestation directory", HG_ATTEST_KEY_ID, e)) < 0) {
		close(dfd);
		return r;
	}
	/* One --init or attest at a time: no half pair seen mid-creation. */
	if (flock(dfd, LOCK_EX) < 0) {
		r = hg_error_set(e, errno, HG_ATTEST_KEY_ID, dir, NULL, "cannot lock %s: %s", dir,
				 strerror(errno));
		close(dfd);
		return r;
	}
	/* Refuse before making a key if either half is already there. */
	has_sk = fstatat(dfd, HG_ATTEST_SK, &st, AT_SYMLINK_NOFOLLOW) == 0;
	has_pk = fstatat(dfd, HG_ATTEST_PK, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (if_missing && has_sk && has_pk) {
		r = check_pair(dfd, dir, fp, e);
		close(dfd);
		return r;
	}
	if (if_missing && has_sk != has_pk) {
		close(dfd);
		return hg_error_set(e, EEXIST, HG_ATTEST_KEY_ID, dir,
				    has_sk ? "restore " HG_ATTEST_PK " from backup; to start over, "
				    "move " HG_ATTEST_SK " away and run hardgate attest --init "
				    "(records signed by the old key then fail)" :
				    "restore " HG_ATTEST_SK " from backup; to start over, "
				    "move " HG_ATTEST_PK " away and run hardgate attest --init "
				    "(records signed by the old key then fail)",
				    "half an attestation key pair: %s without %s",
				    has_sk ? HG_ATTEST_SK : HG_ATTEST_PK,
				    has_sk ? HG_ATTEST_PK : HG_ATTEST_SK);
	}
	if (has_sk || has_pk) {
		close(dfd);
		return hg_error_set(e, EEXIST, HG_ATTEST_KEY_ID, dir,
				    "keep it; to replace it, move both " HG_ATTEST_SK " and "
				    HG_ATTEST_PK " away first (records signed by the old key "
				    "then fail)",
				    "an attestation key already exists in %s", dir);
	}
	if ((sk = sodium_malloc(crypto_sign_SECRETKEYBYTES)) == NULL) {
		close(dfd);
		return hg_error_set(e, ENOMEM, HG_ATTEST_KEY_ID, dir, NULL, "out of memory");
	}
	crypto_sign_keypair(pk, sk);
	/* NOREPLACE: a race with another --init is lost, never overwritten. */
	r = hg_replace_file(dfd, dir, HG_ATTEST_SK, sk, crypto_sign_SEEDBYTES, 0600, 1,
			    HG_ATTEST_KEY_ID, e);
	sodium_free(sk);	/* wipes */
	if (r == 0) {
		memcpy(pub, PK_PREFIX, strlen(PK_PREFIX));
		sodium_bin2base64(pub + strlen(PK_PREFIX), PK_B64_LEN + 1, pk, sizeof(pk),
				  sodium_base64_VARIANT_ORIGINAL);
		strcat(pub, "\n");
		r = hg_replace_file(dfd, dir, HG_ATTEST_PK, pub, strlen(pub), 0644, 1,
				    HG_ATTEST_KEY_ID, e);
		if (r < 0)
			unlinkat(dfd, HG_ATTEST_SK, 0);	/* no half pair left */
	}
	close(dfd);		/* and unlocks */
	if (r < 0)
		return r;
	fingerprint(pk, fp);
	return 1;
}

int
hg_attest_init(const char *dir, char fp[HG_FP_LEN], struct hg_error *e)
{
	int r = make_key(dir, 0, fp, e);

	return r < 0 ? r : 0;
}

int
hg_attest_init_if_missing(const char *dir, char fp[HG_FP_LEN], struct hg_error *e)
{
	return make_key(dir, 1, fp, e);
}

/*
 * Read the seed from DFD/attest.key (root-owned, 0600 or stricter, exactly
 * 32 bytes) and derive the secret key into SK (sodium_malloc'd), checking
 * that its public half is PK.
 */
static int
load_secret(int dfd, const char *dir, const unsigned char *pk, unsigned char *sk,
	    struct hg_error *e)
{
	unsigned char *seed, check[HG_ATTEST_PK_LEN];
	struct stat st;
	ssize_t got = 0, w;
	int fd, r = 0;

	fd = openat(dfd, HG_ATTEST_SK, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return hg_error_set(e, errno, HG_ATTEST_KEY_ID, dir,
				    errno == ENOENT ? FIX_KEY : "run hardgate attest as root",
				    "cannot open %s/%s: %s", dir, HG_ATTEST_SK, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 077) != 0) {
		close(fd);
		return hg_error_set(e, EPERM, HG_ATTEST_KEY_ID, dir,
				    "chown root and chmod 0600 the secret key",
				    "%s/%s is not a root-owned file of mode 0600 or stricter", dir,
				    HG_ATTEST_SK);
	}
	if ((seed = sodium_malloc(HG_ATTEST_SEED_LEN + 1)) == NULL) {
		close(fd);
		return hg_error_set(e, ENOMEM, HG_ATTEST_KEY_ID, dir, NULL, "out of memory");
	}
	while (got <= HG_ATTEST_SEED_LEN &&
	       (w = read(fd, seed + got, HG_ATTEST_SEED_LEN + 1 - (size_t)got)) != 0) {
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			r = -errno;
			break;
		}
		got += w;
	}
	close(fd);
	if (r == 0 && got != HG_ATTEST_SEED_LEN)
		r = -EINVAL;
	if (r == 0) {
		crypto_sign_seed_keypair(check, sk, seed);
		if (sodium_memcmp(check, pk, sizeof(check)) != 0)
			r = -EKEYREJECTED;
	}
	sodium_free(seed);
	if (r < 0)
		return hg_error_set(e, -r, HG_ATTEST_KEY_ID, dir,
				    "restore the key pair from backup, or create a new one with "
				    "hardgate attest --init after moving both files away",
				    r == -EKEYREJECTED ? "%s/%s does not match %s" :
				    "%s/%s is not a 32-byte Ed25519 seed (%s)", dir, HG_ATTEST_SK,
				    r == -EKEYREJECTED ? HG_ATTEST_PK : strerror(-r));
	return 0;
}

/* Remember the first bad line of the list (for hg_attest_add). */
static void
first_bad(void *arg, const struct hg_attest_rec *r, const char *where, const char *why)
{
	struct hg_error *e = arg;

	if (r == NULL && e->id == NULL)
		hg_error_set(e, EINVAL, HG_ATTEST_ID, where, FIX_BAD,
			     "bad attestation record: %s", why);
}

/* The list DFD/attest.list (root-owned, not group/world-writable) or "" if missing. */
static int
read_list(int dfd, const char *dir, char **text, size_t *len, struct hg_error *e)
{
	struct stat st;
	int fd, r;

	*text = NULL;
	*len = 0;
	fd = openat(dfd, HG_ATTEST_FILE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 || fstat(fd, &st) < 0)
		return hg_error_set(e, errno, HG_ATTEST_ID, dir, NULL, "cannot read %s/%s: %s",
				    dir, HG_ATTEST_FILE, strerror(errno));
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		return hg_error_set(e, EPERM, HG_ATTEST_ID, dir,
				    "chown root and chmod 0644 the attestation list",
				    "%s/%s is not a root-owned, not group/world-writable file", dir,
				    HG_ATTEST_FILE);
	}
	r = hg_read_fd(fd, HG_ATTEST_MAX_BYTES, text, len);
	close(fd);
	if (r < 0)
		return hg_error_set(e, -r, HG_ATTEST_ID, dir,
				    r == -EFBIG ? "archive old records elsewhere" : NULL,
				    "cannot read %s/%s: %s", dir, HG_ATTEST_FILE, strerror(-r));
	return 0;
}

/* Sign REC, append it to the list of DFD, write the result back atomically. */
static int
append(int dfd, const char *dir, const unsigned char *pk, const char *fp,
       struct hg_attest_rec *rec, const unsigned char *sk, char *out, size_t outn,
       struct hg_error *e)
{
	struct hg_error bad = { 0 };
	char line[HG_ATTEST_LINE_MAX + 2], path[PATH_MAX], *old, *buf;
	size_t olen, llen;
	int r;

	if ((r = read_list(dfd, dir, &old, &olen, e)) < 0)
		return r;
	snprintf(path, sizeof(path), "%s/%s", dir, HG_ATTEST_FILE);
	scan_text(old ? old : "", olen, path, pk, fp, rec->when, first_bad, &bad);
	if (bad.id != NULL) {
		free(old);
		*e = bad;
		return -EINVAL;
	}
	if ((r = hg_attest_sign(rec, sk, line, sizeof(line))) < 0) {
		free(old);
		return hg_error_set(e, -r, HG_ATTEST_ID, NULL, NULL, "cannot sign the record");
	}
	llen = strlen(line);
	if ((buf = malloc(olen + llen)) == NULL) {
		free(old);
		return hg_error_set(e, ENOMEM, HG_ATTEST_ID, dir, NULL, "out of memory");
	}
	if (olen)
		memcpy(buf, old, olen);
	memcpy(buf + olen, line, llen);
	free(old);
	r = hg_replace_file(dfd, dir, HG_ATTEST_FILE, buf, olen + llen, 0644, 0, HG_ATTEST_ID, e);
	free(buf);
	if (r == 0 && out)
		snprintf(out, outn, "%s", line);
	return r;
}

int
hg_attest_add(const char *dir, const char *item, const char *by, const char *note, time_t now,
	      char *line, size_t n, struct hg_error *e)
{
	const struct hg_trust t = { HG_ATTEST_KEY_ID, HG_UID_NONE, 0, HG_WANT_DIR };
	struct hg_attest_rec rec = { .when = now };
	unsigned char pk[HG_ATTEST_PK_LEN], *sk;
	char fp[HG_FP_LEN];
	int dfd, r;

	if (!hg_attest_item_ok(item) || !hg_attest_by_ok(by) || !hg_attest_note_ok(note))
		return hg_error_set(e, EINVAL, HG_ATTEST_ID, NULL,
				    "give --by a name of letters, digits and ._@- (at most 64) "
				    "and --note one line of printable ASCII (at most 200)",
				    "the record's fields are not valid");
	snprintf(rec.item, sizeof(rec.item), "%s", item);
	snprintf(rec.by, sizeof(rec.by), "%s", by);
	snprintf(rec.note, sizeof(rec.note), "%s", note);
	if ((r = hg_attest_pubkey(dir, pk, fp, e)) < 0)
		return r;
	if ((dfd = hg_safe_open(dir, O_RDONLY | O_DIRECTORY, &t, NULL, e)) < 0)
		return dfd;
	/* One writer at a time: two appends must not lose a record. */
	if (flock(dfd, LOCK_EX) < 0) {
		r = hg_error_set(e, errno, HG_ATTEST_ID, dir, NULL, "cannot lock %s: %s", dir,
				 strerror(errno));
		close(dfd);
		return r;
	}
	if ((sk = sodium_malloc(crypto_sign_SECRETKEYBYTES)) == NULL)
		r = hg_error_set(e, ENOMEM, HG_ATTEST_KEY_ID, dir, NULL, "out of memory");
	else if ((r = load_secret(dfd, dir, pk, sk, e)) == 0)
		r = append(dfd, dir, pk, fp, &rec, sk, line, n, e);
	sodium_free(sk);	/* wipes; NULL is fine */
	close(dfd);		/* and unlocks */
	return r;
}
