/*
 * test_sigkey.c - sigkey through the real .so and loader: a raw 32-byte
 * Ed25519 seed (generated here with libsodium) passes; each other form of
 * a key file is refused with a message naming the form; pins in every
 * form match or refuse; a revoked key refuses with HG-018 and the reason;
 * and no finding ever holds the key's bytes, in any encoding.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "fingerprint.h"
#include "loader.h"
#include "run.h"
#include "testutil.h"

#define ID "DBW-PRE-07"

/* A key as dbward makes one, and every form it can be found in. */
struct key {
	unsigned char seed[crypto_sign_SEEDBYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	char hex[2 * crypto_sign_PUBLICKEYBYTES + 1];		/* of pk */
	char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
	char fp[HG_FP_LEN];
};

static void
new_key(struct key *k)
{
	unsigned char d[crypto_hash_sha256_BYTES];

	randombytes_buf(k->seed, sizeof(k->seed));
	crypto_sign_seed_keypair(k->pk, k->sk, k->seed);
	sodium_bin2hex(k->hex, sizeof(k->hex), k->pk, sizeof(k->pk));
	sodium_bin2base64(k->b64, sizeof(k->b64), k->pk, sizeof(k->pk),
			  sodium_base64_VARIANT_ORIGINAL);
	crypto_hash_sha256(d, k->pk, sizeof(k->pk));
	hg_fp_format(d, k->fp);
}

/* Write N bytes as DIR/NAME, 0600; returns the path. */
static char *
keyfile(const char *dir, const char *name, const void *b, size_t n)
{
	return hgt_write_bytes(dir, name, b, n, 0600);
}

/* sigkey on PATH under ID with EXTRA args, in DIR's policy, check stage. */
static struct hg_decision *
run_in(const char *dir, const char *path, const char *extra)
{
	char args[8192];

	snprintf(args, sizeof(args), "path = \"%s\"; id = \"" ID "\"; %s", path, extra);
	return hgt_run_module(dir, "sigkey", args, NULL);
}

/*
 * Assert the outcome: STATUS, and for a refusal a FAIL finding under FID
 * whose message or where contains SUB; an allowed run has no finding.
 */
static void
expect_in(const char *dir, const char *path, const char *extra, int status, const char *fid,
	  const char *sub)
{
	struct hg_decision *d = run_in(dir, path, extra);
	int ok = d->status == status;

	CU_ASSERT_EQUAL(d->status, status);
	if (sub) {
		CU_ASSERT_TRUE(hgt_has(d, fid, HG_SEV_FAIL, sub));
		ok = ok && hgt_has(d, fid, HG_SEV_FAIL, sub);
	}
	if (status == HG_EXIT_ALLOWED) {
		CU_ASSERT_EQUAL(d->n, 0);
		ok = ok && d->n == 0;
	}
	if (!ok) {
		fprintf(stderr, "\n  expected status %d and %s '%s' for %s { %s }\n", status,
			fid ? fid : "-", sub ? sub : "", path, extra);
		hgt_dump(d);
	}
	hg_decision_free(d);
}

static void
expect(const char *path, const char *extra, int status, const char *sub)
{
	expect_in(hgt_dir, path, extra, status, ID, sub);
}

/* --- the allowed key --- */

static void
test_sigkey_allows_raw_32_byte_seed(void)
{
	struct key k;
	char *p;

	new_key(&k);
	p = keyfile(hgt_dir, "good.key", k.seed, sizeof(k.seed));
	expect(p, "", HG_EXIT_ALLOWED, NULL);
	expect(p, "mode = \"0600\"; owner = \"0\";", HG_EXIT_ALLOWED, NULL);
	free(p);
}

/* Check-only: the launcher and the final process judge the key as the dry run does. */
static void
test_sigkey_checks_at_every_stage(void)
{
	static const enum hg_stage stages[] = { HG_STAGE_LAUNCHER, HG_STAGE_PROCESS };
	char args[4400], *good, *bad;
	unsigned char b[33];
	struct key k;

	new_key(&k);
	good = keyfile(hgt_dir, "stage-good.key", k.seed, 32);
	memcpy(b, k.seed, 32);
	b[32] = '\n';
	bad = keyfile(hgt_dir, "stage-bad.key", b, 33);
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		struct hg_run_opts o = { .stage = stages[i] };
		struct hg_decision *d;

		snprintf(args, sizeof(args), "path = \"%s\"; id = \"" ID "\";", good);
		d = hgt_run_module(hgt_dir, "sigkey", args, &o);
		CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
		hg_decision_free(d);
		snprintf(args, sizeof(args), "path = \"%s\"; id = \"" ID "\";", bad);
		d = hgt_run_module(hgt_dir, "sigkey", args, &o);
		CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
		CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, "followed by a newline"));
		hg_decision_free(d);
	}
	free(good);
	free(bad);
}

/* --- each wrong form: the message names it, the fix says what to do --- */

/* A file of N bytes of B must be refused with SUB in the message, FIX in the fix. */
static void
expect_form(const char *name, const void *b, size_t n, const char *sub, const char *fix)
{
	char *p = keyfile(hgt_dir, name, b, n);
	struct hg_decision *d = run_in(hgt_dir, p, "");
	int found = 0;

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->f[i].id, ID) == 0 && strstr(d->f[i].message, sub) &&
		    strstr(d->f[i].message, p) && strcmp(d->f[i].where, p) == 0 &&
		    strstr(d->f[i].fix, fix))
			found = 1;
	CU_ASSERT_TRUE(found);
	if (!found) {
		fprintf(stderr, "\n  %s: want '%s' / fix '%s'\n", name, sub, fix);
		hgt_dump(d);
	}
	hg_decision_free(d);
	free(p);
}

static void
test_sigkey_refuses_empty_file(void)
{
	expect_form("empty.key", "", 0, "is empty (0 bytes)", "let dbward create a new one");
}

static void
test_sigkey_refuses_truncated_seed(void)
{
	struct key k;

	new_key(&k);
	k.seed[0] = 0x80;	/* binary, so not taken for text */
	expect_form("short.key", k.seed, 31, "is 31 bytes, truncated", "restore the key");
}

static void
test_sigkey_refuses_seed_with_trailing_newline(void)
{
	unsigned char b[34];
	struct key k;

	new_key(&k);
	memcpy(b, k.seed, 32);
	b[32] = '\n';
	expect_form("nl.key", b, 33, "is 33 bytes: a 32-byte seed followed by a newline",
		    "truncate -s 32 ");
	b[32] = '\r';
	b[33] = '\n';
	expect_form("crlf.key", b, 34, "is 34 bytes: a 32-byte seed followed by a newline",
		    "truncate -s 32 ");
}

static void
test_sigkey_refuses_seed_with_trailing_junk(void)
{
	unsigned char b[40];
	struct key k;

	new_key(&k);
	k.seed[0] = 0x80;
	memcpy(b, k.seed, 32);
	memcpy(b + 32, "\x01junk\x02\x03\x04", 8);
	expect_form("junk.key", b, 40, "is 40 bytes, must be exactly 32: 8 bytes follow",
		    "restore the key");
}

static void
test_sigkey_refuses_expanded_64_byte_key(void)
{
	struct key k;

	new_key(&k);
	expect_form("expanded.key", k.sk, sizeof(k.sk), "is 64 bytes: the expanded secret key",
		    "truncate -s 32 ");
	/* 64 bytes whose second half is not the first half's public key */
	k.sk[63] ^= 1;
	k.sk[0] |= 0x80;
	expect_form("sixtyfour.key", k.sk, sizeof(k.sk), "is 64 bytes, must be exactly 32",
		    "restore the key");
}

/* DER PKCS#8 of an Ed25519 seed (RFC 8410), as openssl genpkey writes it. */
static size_t
pkcs8(const struct key *k, unsigned char out[48])
{
	static const unsigned char head[16] = { 0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
						0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20 };

	memcpy(out, head, 16);
	memcpy(out + 16, k->seed, 32);
	return 48;
}

static void
test_sigkey_refuses_pkcs8_der_key(void)
{
	unsigned char der[48];
	struct key k;

	new_key(&k);
	expect_form("der.key", der, pkcs8(&k, der), "is a 48-byte PKCS#8 DER Ed25519 key",
		    "tail -c 32 ");
}

static void
test_sigkey_refuses_pem_key(void)
{
	unsigned char der[48];
	char b64[80], pem[256];
	struct key k;

	new_key(&k);
	pkcs8(&k, der);
	sodium_bin2base64(b64, sizeof(b64), der, sizeof(der), sodium_base64_VARIANT_ORIGINAL);
	snprintf(pem, sizeof(pem), "-----BEGIN PRIVATE KEY-----\n%s\n-----END PRIVATE KEY-----\n",
		 b64);
	expect_form("pem.key", pem, strlen(pem), "is PEM (-----BEGIN PRIVATE KEY-----)",
		    "openssl pkey -outform DER | tail -c 32");
}

static void
test_sigkey_refuses_hex_seed(void)
{
	char hex[80];
	struct key k;

	new_key(&k);
	sodium_bin2hex(hex, sizeof(hex), k.seed, 32);
	strcat(hex, "\n");
	expect_form("hex.key", hex, strlen(hex), "is 64 hex digits (text of 32 bytes)", "xxd -r -p");
}

static void
test_sigkey_refuses_base64_seed(void)
{
	char b64[128];
	struct key k;

	new_key(&k);
	sodium_bin2base64(b64, sizeof(b64), k.seed, 32, sodium_base64_VARIANT_ORIGINAL);
	expect_form("b64.key", b64, strlen(b64), "is 44 base64 characters (text of 32 bytes)",
		    "base64 -d");
	strcat(b64, "\n");
	expect_form("b64nl.key", b64, strlen(b64), "is 44 base64 characters", "base64 -d");
	/* an expanded key in base64, unpadded */
	sodium_bin2base64(b64, sizeof(b64), k.sk, 64, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	expect_form("b64sk.key", b64, strlen(b64), "is 86 base64 characters (text of 64 bytes)",
		    "base64 -d");
}

static void
test_sigkey_refuses_text_file(void)
{
	expect_form("text.key", "changeme\n", 9, "is 9 bytes of text, not the raw 32-byte seed",
		    "let dbward create a new one");
}

static void
test_sigkey_refuses_placeholder_and_typed_seeds(void)
{
	unsigned char z[32];

	memset(z, 0, sizeof(z));
	expect_form("zero.key", z, 32, "one byte repeated 32 times: a placeholder",
		    "let dbward create a new one");
	memset(z, 0xff, sizeof(z));
	expect_form("ff.key", z, 32, "one byte repeated 32 times", "restore the key");
	/* 32 characters someone typed, or 16 bytes written as hex */
	expect_form("typed.key", "correct horse battery staple 4u!", 32,
		    "is 32 bytes of text: a typed or encoded value, not a generated key",
		    "let dbward create a new one");
	expect_form("hex16.key", "00112233445566778899aabbccddeeff", 32, "is 32 bytes of text",
		    "restore the key");
	/* and with a newline it is text, not a seed to truncate */
	expect_form("typednl.key", "correct horse battery staple 4u!\n", 33, "is 33 bytes of text",
		    "let dbward create a new one");
}

static void
test_sigkey_refuses_huge_file(void)
{
	size_t n = 5000;
	unsigned char *b = calloc(1, n);

	CU_ASSERT_FATAL(b != NULL);
	b[0] = 0x80;
	expect_form("huge.key", b, n, "is larger than 4096 bytes", "restore the key");
	free(b);
}

/* --- the file itself, through the keyfile checks --- */

static void
test_sigkey_refuses_missing_key_file(void)
{
	char *p = hgt_path(hgt_dir, "absent.key");

	expect(p, "", HG_EXIT_REFUSED, "absent.key");
	free(p);
}

static void
test_sigkey_refuses_group_readable_key(void)
{
	struct key k;
	char *p, msg[4200];

	new_key(&k);
	p = keyfile(hgt_dir, "g.key", k.seed, 32);
	CU_ASSERT_EQUAL(chmod(p, 0640), 0);
	snprintf(msg, sizeof(msg), "%s is mode 0640, must be 0600 or stricter", p);
	expect(p, "", HG_EXIT_REFUSED, msg);
	expect(p, "mode = \"0600\";", HG_EXIT_REFUSED, msg);
	/* perm_id puts the permissions under their own item (DBW-PRE-05) */
	expect_in(hgt_dir, p, "perm_id = \"DBW-PRE-05\";", HG_EXIT_REFUSED, "DBW-PRE-05", msg);
	/* a looser mode the policy allows */
	expect(p, "mode = \"0640\";", HG_EXIT_ALLOWED, NULL);
	free(p);
}

static void
test_sigkey_reports_both_mode_and_form(void)
{
	struct hg_decision *d;
	char *p;

	p = hgt_write(hgt_dir, "both.key", "changeme\n", 0644);
	d = run_in(hgt_dir, p, "perm_id = \"DBW-PRE-05\";");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-05", HG_SEV_FAIL, "is mode 0644"));
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, "bytes of text"));
	hg_decision_free(d);
	free(p);
}

/* --- pins --- */

static void
test_sigkey_allows_matching_pin_in_each_form(void)
{
	char upper[80], nopad[64], arg[256];
	struct key k;
	char *p;

	new_key(&k);
	p = keyfile(hgt_dir, "pinned.key", k.seed, 32);
	snprintf(arg, sizeof(arg), "public_key = \"%s\";", k.hex);
	expect(p, arg, HG_EXIT_ALLOWED, NULL);
	for (size_t i = 0; i <= strlen(k.hex); i++)
		upper[i] = (char)(k.hex[i] >= 'a' && k.hex[i] <= 'f' ? k.hex[i] - 32 : k.hex[i]);
	snprintf(arg, sizeof(arg), "public_key = \"%s\";", upper);
	expect(p, arg, HG_EXIT_ALLOWED, NULL);
	snprintf(arg, sizeof(arg), "public_key = \"%s\";", k.b64);
	expect(p, arg, HG_EXIT_ALLOWED, NULL);
	snprintf(nopad, sizeof(nopad), "%.43s", k.b64);
	snprintf(arg, sizeof(arg), "public_key = \"%s\";", nopad);
	expect(p, arg, HG_EXIT_ALLOWED, NULL);
	snprintf(arg, sizeof(arg), "fingerprint = \"%s\";", k.fp);
	expect(p, arg, HG_EXIT_ALLOWED, NULL);
	snprintf(arg, sizeof(arg), "public_key = \"%s\"; fingerprint = \"%s\";", k.hex, k.fp);
	expect(p, arg, HG_EXIT_ALLOWED, NULL);
	free(p);
}

static void
test_sigkey_refuses_other_key_pinned_in_each_form(void)
{
	char arg[256], msg[512];
	struct key k, other;
	char *p;

	new_key(&k);
	new_key(&other);
	p = keyfile(hgt_dir, "repinned.key", k.seed, 32);
	snprintf(msg, sizeof(msg), "has public key %s, the policy pins public_key %s", k.fp,
		 other.fp);
	snprintf(arg, sizeof(arg), "public_key = \"%s\";", other.hex);
	expect(p, arg, HG_EXIT_REFUSED, msg);
	snprintf(arg, sizeof(arg), "public_key = \"%s\";", other.b64);
	expect(p, arg, HG_EXIT_REFUSED, msg);
	snprintf(msg, sizeof(msg), "has public key %s, the policy pins fingerprint %s", k.fp,
		 other.fp);
	snprintf(arg, sizeof(arg), "fingerprint = \"%s\";", other.fp);
	expect(p, arg, HG_EXIT_REFUSED, msg);
	/* one right pin does not excuse a wrong one */
	snprintf(arg, sizeof(arg), "public_key = \"%s\"; fingerprint = \"%s\";", k.hex, other.fp);
	expect(p, arg, HG_EXIT_REFUSED, msg);
	free(p);
}

static void
test_sigkey_refuses_malformed_pins(void)
{
	char arg[256];
	struct key k;
	char *p;

	new_key(&k);
	p = keyfile(hgt_dir, "badpin.key", k.seed, 32);
	snprintf(arg, sizeof(arg), "public_key = \"%.63sz\";", k.hex);
	expect(p, arg, HG_EXIT_REFUSED, "neither 64 hex digits nor base64 of 32 bytes");
	snprintf(arg, sizeof(arg), "public_key = \"%.62s\";", k.hex);
	expect(p, arg, HG_EXIT_REFUSED, "neither 64 hex digits nor base64 of 32 bytes");
	snprintf(arg, sizeof(arg), "public_key = \"%.42s!=\";", k.b64);
	expect(p, arg, HG_EXIT_REFUSED, "neither 64 hex digits nor base64 of 32 bytes");
	snprintf(arg, sizeof(arg), "public_key = \"%s\";", k.fp);
	expect(p, arg, HG_EXIT_REFUSED, "is a fingerprint, not a public key");
	snprintf(arg, sizeof(arg), "fingerprint = \"%.49s\";", k.fp);
	expect(p, arg, HG_EXIT_REFUSED, "is not a SHA256: fingerprint");
	snprintf(arg, sizeof(arg), "fingerprint = \"%s\";", k.hex);
	expect(p, arg, HG_EXIT_REFUSED, "is not a SHA256: fingerprint");
	free(p);
}

/* --- revocation --- */

/* A fresh policy directory with a revoked.d holding TEXT (root, 0644). */
static char *
with_revoked(const char *text)
{
	char *dir = hgt_tmpdir(), *rd = hgt_path(dir, "revoked.d"), *f;

	CU_ASSERT_EQUAL(mkdir(rd, 0755), 0);
	CU_ASSERT_EQUAL(chmod(rd, 0755), 0);
	f = hgt_write(rd, "incident.list", text, 0644);
	free(f);
	free(rd);
	return dir;
}

static void
test_sigkey_refuses_revoked_key(void)
{
	char list[256], msg[512], *dir, *p;
	struct key k;

	HGT_NEED_ROOT();
	new_key(&k);
	snprintf(list, sizeof(list), "# incident 42\n%s 2026-11-25 leaked in a support ticket\n",
		 k.fp);
	dir = with_revoked(list);
	p = keyfile(dir, "signing.key", k.seed, 32);
	snprintf(msg, sizeof(msg), "(%s) is revoked: 2026-11-25 leaked in a support ticket", k.fp);
	expect_in(dir, p, "", HG_EXIT_REFUSED, "HG-018", msg);
	snprintf(msg, sizeof(msg), "%s is a revoked key (%s, see HG-018)", p, k.fp);
	expect_in(dir, p, "", HG_EXIT_REFUSED, ID, msg);
	/* a pin that matches does not let a revoked key through */
	snprintf(list, sizeof(list), "fingerprint = \"%s\";", k.fp);
	expect_in(dir, p, list, HG_EXIT_REFUSED, "HG-018", "leaked in a support ticket");
	free(p);
	hgt_rmrf(dir);
}

static void
test_sigkey_allows_key_not_on_revocation_list(void)
{
	char list[256], *dir, *p;
	struct key k, other;

	HGT_NEED_ROOT();
	new_key(&k);
	new_key(&other);
	snprintf(list, sizeof(list), "%s rotated\n", other.fp);
	dir = with_revoked(list);
	p = keyfile(dir, "signing.key", k.seed, 32);
	expect_in(dir, p, "", HG_EXIT_ALLOWED, NULL, NULL);
	free(p);
	hgt_rmrf(dir);
}

static void
test_sigkey_refuses_when_revocation_list_unreadable(void)
{
	char *dir, *p;
	struct key k;

	HGT_NEED_ROOT();
	new_key(&k);
	dir = with_revoked("not a fingerprint\n");
	p = keyfile(dir, "signing.key", k.seed, 32);
	expect_in(dir, p, "", HG_EXIT_REFUSED, "HG-017", "line 1 is not a fingerprint");
	free(p);
	hgt_rmrf(dir);
}

/* --- no key bytes in any output --- */

/* Every encoding of N secret bytes B a message could carry, and B itself. */
static int
leaks_in(const char *s, const unsigned char *b, size_t n)
{
	static const int variants[] = {
		sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
		sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING,
	};
	char enc[256];

	if (memmem(s, strlen(s), b, 8) || memmem(s, strlen(s), b + n - 8, 8))
		return 1;
	sodium_bin2hex(enc, sizeof(enc), b, n);
	/* any 16 hex digits of it, in either case */
	for (size_t i = 0; i + 16 <= 2 * n; i += 2) {
		char part[17], up[17];

		memcpy(part, enc + i, 16);
		part[16] = '\0';
		for (size_t j = 0; j < 17; j++)
			up[j] = (char)(part[j] >= 'a' && part[j] <= 'f' ? part[j] - 32 : part[j]);
		if (strstr(s, part) || strstr(s, up))
			return 1;
	}
	for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		sodium_bin2base64(enc, sizeof(enc), b, n, variants[v]);
		enc[16] = '\0';	/* its first 12 bytes */
		if (strstr(s, enc))
			return 1;
	}
	return 0;
}

/* 1 if any finding of D (every field, formatted) carries K's secret bytes. */
static int
leaks(const struct hg_decision *d, const struct key *k)
{
	for (size_t i = 0; i < d->n; i++) {
		char line[4096];

		snprintf(line, sizeof(line), "%s %s %s; fix: %s", d->f[i].id, d->f[i].where,
			 d->f[i].message, d->f[i].fix);
		if (leaks_in(line, k->seed, 32) || leaks_in(line, k->sk, 64))
			return 1;
	}
	return leaks_in(d->reason, k->seed, 32) || leaks_in(d->reason, k->sk, 64);
}

/* The leak check itself catches a key printed as hex or base64. */
static void
test_sigkey_leak_check_catches_printed_key(void)
{
	struct hg_decision *d = hg_decision_new("svc");
	char hex[65], b64[128];
	struct key k;

	new_key(&k);
	sodium_bin2hex(hex, sizeof(hex), k.seed, 32);
	sodium_bin2base64(b64, sizeof(b64), k.sk, 64, sodium_base64_VARIANT_URLSAFE);
	CU_ASSERT_FALSE(leaks(d, &k));
	hg_decision_add(d, ID, HG_SEV_FAIL, "sigkey", "x", "fix", hex + 10);
	CU_ASSERT_TRUE(leaks(d, &k));
	hg_decision_free(d);
	d = hg_decision_new("svc");
	hg_decision_add(d, ID, HG_SEV_FAIL, "sigkey", "x", b64, "m");
	CU_ASSERT_TRUE(leaks(d, &k));
	hg_decision_free(d);
}

static void
expect_no_leak(const char *dir, const struct key *k, const char *name, const void *b, size_t n,
	       const char *extra)
{
	char *p = keyfile(dir, name, b, n);
	struct hg_decision *d = run_in(dir, p, extra);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(d->n > 0);
	CU_ASSERT_FALSE(leaks(d, k));
	if (leaks(d, k))
		fprintf(stderr, "\n  %s: a finding carries key bytes\n", name);
	hg_decision_free(d);
	free(p);
}

static void
test_sigkey_findings_never_contain_key_bytes(void)
{
	char text[256], list[128], pin[128], *dir;
	unsigned char b[64];
	struct key k, other;

	new_key(&k);
	new_key(&other);
	memcpy(b, k.seed, 32);
	b[32] = '\n';
	expect_no_leak(hgt_dir, &k, "l-nl.key", b, 33, "");
	expect_no_leak(hgt_dir, &k, "l-short.key", k.seed, 31, "");
	expect_no_leak(hgt_dir, &k, "l-sk.key", k.sk, 64, "");
	sodium_bin2hex(text, sizeof(text), k.seed, 32);
	expect_no_leak(hgt_dir, &k, "l-hex.key", text, strlen(text), "");
	sodium_bin2hex(text, sizeof(text), k.sk, 64);
	expect_no_leak(hgt_dir, &k, "l-hexsk.key", text, strlen(text), "");
	sodium_bin2base64(text, sizeof(text), k.seed, 32, sodium_base64_VARIANT_ORIGINAL);
	expect_no_leak(hgt_dir, &k, "l-b64.key", text, strlen(text), "");
	snprintf(text, sizeof(text), "-----BEGIN ");
	sodium_bin2base64(text + 11, sizeof(text) - 11, k.seed, 32, sodium_base64_VARIANT_ORIGINAL);
	expect_no_leak(hgt_dir, &k, "l-pem.key", text, strlen(text), "");
	snprintf(pin, sizeof(pin), "public_key = \"%s\";", other.hex);
	expect_no_leak(hgt_dir, &k, "l-pin.key", k.seed, 32, pin);
	if (!hgt_root())
		return;
	snprintf(list, sizeof(list), "%s leaked\n", k.fp);
	dir = with_revoked(list);
	expect_no_leak(dir, &k, "l-revoked.key", k.seed, 32, "");
	hgt_rmrf(dir);
}

/* --- the fingerprint hook (hardgate fingerprint FILE) --- */

static void
test_sigkey_fingerprint_hook_names_public_key(void)
{
	char out[HG_FP_LEN], err[512], *p;
	unsigned char b[33];
	struct hg_loaded l;
	struct hg_error e = { 0 };
	struct key k;

	new_key(&k);
	CU_ASSERT_EQUAL_FATAL(hg_module_load(hgt_module_dir(), "sigkey", &l, &e), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l.mod->fingerprint);
	p = keyfile(hgt_dir, "fp.key", k.seed, 32);
	CU_ASSERT_EQUAL(l.mod->fingerprint(p, out, sizeof(out), err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(out, k.fp);
	CU_ASSERT_EQUAL(l.mod->fingerprint(p, out, 10, err, sizeof(err)), -ENOBUFS);
	free(p);
	/* another form: not this module's material, and said why */
	memcpy(b, k.seed, 32);
	b[32] = '\n';
	p = keyfile(hgt_dir, "fp-nl.key", b, 33);
	CU_ASSERT_EQUAL(l.mod->fingerprint(p, out, sizeof(out), err, sizeof(err)), -ENOTSUP);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "followed by a newline"));
	CU_ASSERT_FALSE(leaks_in(err, k.seed, 32));
	free(p);
	CU_ASSERT_EQUAL(l.mod->fingerprint(hgt_dir, out, sizeof(out), err, sizeof(err)), -ENOTSUP);
	p = hgt_path(hgt_dir, "fp-absent.key");
	CU_ASSERT_EQUAL(l.mod->fingerprint(p, out, sizeof(out), err, sizeof(err)), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot open"));
	free(p);
	hg_module_unload(&l);
}

void
hgt_suite_sigkey(void)
{
	CU_pSuite s = CU_add_suite("sigkey", hgt_suite_init, hgt_suite_clean);

	if (sodium_init() < 0)
		abort();
	HGT_ADD(s, test_sigkey_allows_raw_32_byte_seed);
	HGT_ADD(s, test_sigkey_checks_at_every_stage);
	HGT_ADD(s, test_sigkey_refuses_empty_file);
	HGT_ADD(s, test_sigkey_refuses_truncated_seed);
	HGT_ADD(s, test_sigkey_refuses_seed_with_trailing_newline);
	HGT_ADD(s, test_sigkey_refuses_seed_with_trailing_junk);
	HGT_ADD(s, test_sigkey_refuses_expanded_64_byte_key);
	HGT_ADD(s, test_sigkey_refuses_pkcs8_der_key);
	HGT_ADD(s, test_sigkey_refuses_pem_key);
	HGT_ADD(s, test_sigkey_refuses_hex_seed);
	HGT_ADD(s, test_sigkey_refuses_base64_seed);
	HGT_ADD(s, test_sigkey_refuses_text_file);
	HGT_ADD(s, test_sigkey_refuses_placeholder_and_typed_seeds);
	HGT_ADD(s, test_sigkey_refuses_huge_file);
	HGT_ADD(s, test_sigkey_refuses_missing_key_file);
	HGT_ADD(s, test_sigkey_refuses_group_readable_key);
	HGT_ADD(s, test_sigkey_reports_both_mode_and_form);
	HGT_ADD(s, test_sigkey_allows_matching_pin_in_each_form);
	HGT_ADD(s, test_sigkey_refuses_other_key_pinned_in_each_form);
	HGT_ADD(s, test_sigkey_refuses_malformed_pins);
	HGT_ADD(s, test_sigkey_refuses_revoked_key);
	HGT_ADD(s, test_sigkey_allows_key_not_on_revocation_list);
	HGT_ADD(s, test_sigkey_refuses_when_revocation_list_unreadable);
	HGT_ADD(s, test_sigkey_leak_check_catches_printed_key);
	HGT_ADD(s, test_sigkey_findings_never_contain_key_bytes);
	HGT_ADD(s, test_sigkey_fingerprint_hook_names_public_key);
}
