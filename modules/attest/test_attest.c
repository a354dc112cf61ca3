/*
 * test_attest.c - the attestation record format (common/attest.c) and the
 * attest module through the real .so and loader.
 *
 * Every test gets a fresh directory whose policy points attest_dir at
 * DIR/attest (hgt_policy). Keys are made by hg_attest_init(), as
 * `hardgate attest --init` does; old records by hg_attest_add() with a
 * past time (a test-only path: the CLI always dates with the clock);
 * records of another key with a key pair made here with libsodium.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "attest.h"
#include "catalog.h"
#include "loader.h"
#include "run.h"
#include "testutil.h"

#define DAY 86400

static char *adir;	/* its attest_dir */

static int
setup(void)
{
	if (sodium_init() < 0)
		return -1;
	hgt_suite_init();
	adir = hgt_path(hgt_dir, "attest");
	return 0;
}

static int
teardown(void)
{
	free(adir);
	hgt_suite_clean();
	adir = NULL;
	return 0;
}

/* A fresh directory per test, so one test's records never help another. */
static void
fresh(void)
{
	teardown();
	setup();
}

static void
init_key(void)
{
	struct hg_error e = { 0 };
	char fp[HG_FP_LEN];

	CU_ASSERT_EQUAL_FATAL(hg_attest_init(adir, fp, &e), 0);
}

static void
add_at(const char *item, const char *by, time_t when)
{
	struct hg_error e = { 0 };

	if (hg_attest_add(adir, item, by, "test", when, NULL, 0, &e) < 0)
		fprintf(stderr, "  add: %s %s\n", e.where, e.msg);
	CU_ASSERT_EQUAL_FATAL(e.id, NULL);
}

static char *
list_path(void)
{
	return hgt_path(adir, HG_ATTEST_FILE);
}

static void
append_text(const char *text)
{
	char *p = list_path();
	FILE *f = fopen(p, "a");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

/* Replace the first occurrence of FROM by TO in the list file. */
static void
edit_list(const char *from, const char *to)
{
	char *p = list_path(), buf[8192], out[8192], *at;
	FILE *f = fopen(p, "r");
	size_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	at = strstr(buf, from);
	CU_ASSERT_PTR_NOT_NULL_FATAL(at);
	snprintf(out, sizeof(out), "%.*s%s%s", (int)(at - buf), buf, to, at + strlen(from));
	free(hgt_write(adir, HG_ATTEST_FILE, out, 0644));
	free(p);
}

static struct hg_decision *
run(const char *items)
{
	char args[4096];

	CU_ASSERT_FATAL(snprintf(args, sizeof(args), "items = [ %s ];", items) <
			(int)sizeof(args));
	return hgt_run_module(hgt_dir, "attest", args, NULL);
}

/* --- the record format, with a key pair made here --- */

struct kp {
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char fp[HG_FP_LEN];
};

static void
keypair(struct kp *k)
{
	unsigned char d[crypto_hash_sha256_BYTES];

	crypto_sign_keypair(k->pk, k->sk);
	crypto_hash_sha256(d, k->pk, sizeof(k->pk));
	hg_fp_format(d, k->fp);
}

static void
sign_line(const struct kp *k, const char *item, time_t when, char *line, size_t n)
{
	struct hg_attest_rec r = { .when = when };

	snprintf(r.item, sizeof(r.item), "%s", item);
	snprintf(r.by, sizeof(r.by), "alice");
	snprintf(r.note, sizeof(r.note), "restored db01 from last night");
	CU_ASSERT_EQUAL_FATAL(hg_attest_sign(&r, k->sk, line, n), 0);
}

/* Parse LINE (with its newline) against K at NOW. */
static int
parse(const struct kp *k, const char *line, time_t now, struct hg_attest_rec *r, char *why)
{
	size_t n = strlen(line);

	if (n && line[n - 1] == '\n')
		n--;
	why[0] = '\0';
	return hg_attest_parse(line, n, k->pk, k->fp, now, r, why, 160);
}

static void
test_attest_record_round_trips(void)
{
	struct kp k;
	struct hg_attest_rec r;
	char line[2048], why[160];
	time_t now = time(NULL);

	keypair(&k);
	sign_line(&k, "DBW-OPS-06", now - 3600, line, sizeof(line));
	CU_ASSERT_EQUAL(parse(&k, line, now, &r, why), 0);
	CU_ASSERT_STRING_EQUAL(r.item, "DBW-OPS-06");
	CU_ASSERT_EQUAL(r.when, now - 3600);
	CU_ASSERT_STRING_EQUAL(r.by, "alice");
	CU_ASSERT_STRING_EQUAL(r.note, "restored db01 from last night");
	CU_ASSERT_STRING_EQUAL(r.fp, k.fp);
	CU_ASSERT_EQUAL(strncmp(line, "1\tDBW-OPS-06\t", 13), 0);
}

/* Each tamper must be caught, with a reason that says which kind. */
static void
expect_bad(const struct kp *k, const char *line, time_t now, const char *reason)
{
	struct hg_attest_rec r;
	char why[160];

	CU_ASSERT_EQUAL(parse(k, line, now, &r, why), -EINVAL);
	if (strstr(why, reason) == NULL)
		fprintf(stderr, "  want \"%s\", got \"%s\"\n", reason, why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, reason));
}

/* LINE with field I (0-based) replaced by TO. */
static void
with_field(const char *line, int i, const char *to, char *out, size_t n)
{
	const char *p = line, *end;
	int k;

	for (k = 0; k < i; k++)
		p = strchr(p, '\t') + 1;
	end = p + strcspn(p, "\t\n");
	snprintf(out, n, "%.*s%s%s", (int)(p - line), line, to, end);
}

static void
test_attest_record_refuses_every_tamper(void)
{
	static const struct {
		int field;
		const char *to, *reason;
	} t[] = {
		{ 1, "DBW-OPS-01", "does not verify" },
		{ 2, "2026-01-01T00:00:00Z", "does not verify" },
		{ 3, "mallory", "does not verify" },
		{ 4, "restored nothing", "does not verify" },
		{ 4, "", "does not verify" },
		{ 0, "2", "version" },
		{ 1, "dbw-ops-06", "checklist ID" },
		{ 2, "2026-02-30T00:00:00Z", "UTC time" },
		{ 2, "2026-01-01 00:00:00Z", "UTC time" },
		{ 3, "al ice", "name" },
		{ 3, "", "name" },
		{ 5, "SHA256:nope", "fingerprint" },
	};
	struct kp k, other;
	char line[2048], bad[2048], sig[128];
	time_t now = time(NULL);
	const char *s;

	keypair(&k);
	keypair(&other);
	sign_line(&k, "DBW-OPS-06", now - DAY, line, sizeof(line));
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		with_field(line, t[i].field, t[i].to, bad, sizeof(bad));
		expect_bad(&k, bad, now, t[i].reason);
	}
	/* another signature: one bit of it, then a valid one of another record */
	s = strrchr(line, '\t') + 1;
	snprintf(sig, sizeof(sig), "%.*s", (int)strcspn(s, "\n"), s);
	sig[10] = sig[10] == 'A' ? 'B' : 'A';
	with_field(line, 6, sig, bad, sizeof(bad));
	expect_bad(&k, bad, now, "does not verify");
	with_field(line, 6, "AAAA", bad, sizeof(bad));
	expect_bad(&k, bad, now, "base64");
	/* the key: the record names another key, or is signed by one */
	with_field(line, 5, other.fp, bad, sizeof(bad));
	expect_bad(&k, bad, now, "another key");
	sign_line(&other, "DBW-OPS-06", now - DAY, bad, sizeof(bad));
	expect_bad(&k, bad, now, "another key");
	/* truncated, extra field, nothing */
	snprintf(bad, sizeof(bad), "%.*s", (int)(strrchr(line, '\t') - line), line);
	expect_bad(&k, bad, now, "fields");
	snprintf(bad, sizeof(bad), "%.*s\textra\n", (int)strcspn(line, "\n"), line);
	expect_bad(&k, bad, now, "fields");
	expect_bad(&k, "", now, "fields");
	/* the untouched line still passes: the test above proves each change */
	{
		struct hg_attest_rec r;
		char why[160];

		CU_ASSERT_EQUAL(parse(&k, line, now, &r, why), 0);
	}
}

static void
test_attest_record_refuses_future_beyond_skew(void)
{
	struct kp k;
	struct hg_attest_rec r;
	char line[2048], why[160];
	time_t now = time(NULL);

	keypair(&k);
	sign_line(&k, "DBW-OPS-06", now + HG_ATTEST_SKEW + 60, line, sizeof(line));
	CU_ASSERT_EQUAL(parse(&k, line, now, &r, why), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "future"));
	/* the reason quotes the time field only, not the rest of the record */
	CU_ASSERT_PTR_NULL(strchr(why, '\t'));
	CU_ASSERT_PTR_NULL(strstr(why, "alice"));
	sign_line(&k, "DBW-OPS-06", now + HG_ATTEST_SKEW - 60, line, sizeof(line));
	CU_ASSERT_EQUAL(parse(&k, line, now, &r, why), 0);
}

static void
test_attest_max_age_parser_is_strict(void)
{
	static const char *const bad[] = {
		"", "d", "90", "0d", "090d", "-1d", "+1d", "90x", "90dd", "90 d", " 90d",
		"123456d", "1.5d", "90D",
	};
	long long s;

	CU_ASSERT_EQUAL(hg_attest_parse_age("90d", &s), 0);
	CU_ASSERT_EQUAL(s, 90LL * DAY);
	CU_ASSERT_EQUAL(hg_attest_parse_age("24h", &s), 0);
	CU_ASSERT_EQUAL(s, 24LL * 3600);
	CU_ASSERT_EQUAL(hg_attest_parse_age("2w", &s), 0);
	CU_ASSERT_EQUAL(s, 14LL * DAY);
	CU_ASSERT_EQUAL(hg_attest_parse_age("99999d", &s), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (hg_attest_parse_age(bad[i], &s) != -EINVAL)
			fprintf(stderr, "  accepted \"%s\"\n", bad[i]);
		CU_ASSERT_EQUAL(hg_attest_parse_age(bad[i], &s), -EINVAL);
	}
}

/* --- the key --- */

static void
test_attest_init_makes_key_pair_with_modes_and_never_overwrites(void)
{
	struct hg_error e = { 0 };
	char fp[HG_FP_LEN], fp2[HG_FP_LEN], *sk, *pk;
	unsigned char pub[HG_ATTEST_PK_LEN];
	struct stat st;

	fresh();
	CU_ASSERT_EQUAL_FATAL(hg_attest_init(adir, fp, &e), 0);
	CU_ASSERT_TRUE(hg_fp_valid(fp));
	sk = hgt_path(adir, HG_ATTEST_SK);
	pk = hgt_path(adir, HG_ATTEST_PK);
	CU_ASSERT_EQUAL(stat(sk, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	CU_ASSERT_EQUAL(st.st_size, HG_ATTEST_SEED_LEN);
	CU_ASSERT_EQUAL(stat(pk, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0644);
	CU_ASSERT_EQUAL(hg_attest_pubkey(adir, pub, fp2, &e), 0);
	CU_ASSERT_STRING_EQUAL(fp, fp2);
	/* a second init, or one with only the public half left, refuses */
	CU_ASSERT_EQUAL(hg_attest_init(adir, fp2, &e), -EEXIST);
	CU_ASSERT_STRING_EQUAL(e.id, HG_ATTEST_KEY_ID);
	unlink(sk);
	CU_ASSERT_EQUAL(hg_attest_init(adir, fp2, &e), -EEXIST);
	CU_ASSERT_EQUAL(hg_attest_pubkey(adir, pub, fp2, &e), 0);
	CU_ASSERT_STRING_EQUAL(fp, fp2);	/* the public key was not replaced */
	free(sk);
	free(pk);
}

/*
 * --if-missing (package scripts): creates the pair once, then keeps and
 * checks it; half a pair, or halves of two pairs, is refused and left
 * as it was, never completed with a new key.
 */
static void
test_attest_init_if_missing_makes_once_keeps_the_pair_refuses_a_half(void)
{
	struct hg_error e = { 0 };
	char fp[HG_FP_LEN], fp2[HG_FP_LEN], *sk, *pk, *moved;
	unsigned char seed[HG_ATTEST_SEED_LEN], pub[HG_ATTEST_PK_LEN];
	struct stat st;
	int fd;

	fresh();
	sk = hgt_path(adir, HG_ATTEST_SK);
	pk = hgt_path(adir, HG_ATTEST_PK);
	moved = hgt_path(hgt_dir, "moved");
	CU_ASSERT_EQUAL_FATAL(hg_attest_init_if_missing(adir, fp, &e), 1);
	CU_ASSERT_TRUE(hg_fp_valid(fp));
	CU_ASSERT_EQUAL(stat(sk, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	CU_ASSERT_EQUAL(stat(pk, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0644);
	/* again: kept, same fingerprint, and still usable for signing */
	memset(fp2, 0, sizeof(fp2));
	CU_ASSERT_EQUAL(hg_attest_init_if_missing(adir, fp2, &e), 0);
	CU_ASSERT_STRING_EQUAL(fp, fp2);
	CU_ASSERT_EQUAL(hg_attest_add(adir, "DBW-OPS-06", "alice", "", time(NULL), NULL, 0, &e), 0);
	CU_ASSERT_EQUAL(hg_attest_pubkey(adir, pub, fp2, &e), 0);
	CU_ASSERT_STRING_EQUAL(fp, fp2);

	/* the secret half alone */
	CU_ASSERT_EQUAL_FATAL(rename(pk, moved), 0);
	e = (struct hg_error){ 0 };
	CU_ASSERT_EQUAL(hg_attest_init_if_missing(adir, fp2, &e), -EEXIST);
	CU_ASSERT_STRING_EQUAL(e.id, HG_ATTEST_KEY_ID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "half an attestation key pair: attest.key without attest.pub"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.fix, "restore attest.pub from backup"));
	CU_ASSERT_EQUAL(lstat(pk, &st), -1);	/* not completed */
	CU_ASSERT_EQUAL_FATAL(rename(moved, pk), 0);

	/* the public half alone */
	CU_ASSERT_EQUAL_FATAL(rename(sk, moved), 0);
	e = (struct hg_error){ 0 };
	CU_ASSERT_EQUAL(hg_attest_init_if_missing(adir, fp2, &e), -EEXIST);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "attest.pub without attest.key"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.fix, "restore attest.key from backup"));
	CU_ASSERT_EQUAL(lstat(sk, &st), -1);
	CU_ASSERT_EQUAL_FATAL(rename(moved, sk), 0);
	CU_ASSERT_EQUAL(hg_attest_init_if_missing(adir, fp2, &e), 0);

	/* both halves there, but not of one pair */
	CU_ASSERT_EQUAL_FATAL(rename(sk, moved), 0);
	randombytes_buf(seed, sizeof(seed));
	fd = open(sk, O_WRONLY | O_CREAT | O_EXCL, 0600);
	CU_ASSERT_EQUAL_FATAL(write(fd, seed, sizeof(seed)), (ssize_t)sizeof(seed));
	close(fd);
	e = (struct hg_error){ 0 };
	CU_ASSERT_EQUAL(hg_attest_init_if_missing(adir, fp2, &e), -EKEYREJECTED);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "does not match attest.pub"));

	/* a readable secret key is not a good pair either */
	CU_ASSERT_EQUAL_FATAL(rename(moved, sk), 0);
	CU_ASSERT_EQUAL_FATAL(chmod(sk, 0640), 0);
	CU_ASSERT_EQUAL(hg_attest_init_if_missing(adir, fp2, &e), -EPERM);
	CU_ASSERT_EQUAL_FATAL(chmod(sk, 0600), 0);
	CU_ASSERT_EQUAL(hg_attest_init_if_missing(adir, fp2, &e), 0);
	CU_ASSERT_STRING_EQUAL(fp, fp2);
	free(sk);
	free(pk);
	free(moved);
}

/* An existing attest_dir others may write to, or not root's, gets no seed. */
static void
test_attest_init_refuses_a_group_or_world_writable_dir(void)
{
	static const mode_t modes[] = { 0777, 0775, 01777 };
	struct hg_error e = { 0 };
	char fp[HG_FP_LEN], *sk = NULL;
	struct stat st;

	HGT_NEED_ROOT();
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		fresh();
		free(sk);
		sk = hgt_path(adir, HG_ATTEST_SK);
		CU_ASSERT_EQUAL_FATAL(mkdir(adir, 0700) == 0 || errno == EEXIST, 1);
		CU_ASSERT_EQUAL_FATAL(chmod(adir, modes[i]), 0);
		CU_ASSERT_EQUAL(hg_attest_init(adir, fp, &e), -EPERM);
		CU_ASSERT_STRING_EQUAL(e.id, HG_ATTEST_KEY_ID);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "group/world-writable"));
		CU_ASSERT_PTR_NOT_NULL(strstr(e.fix, "chmod 0755"));
		CU_ASSERT_EQUAL(lstat(sk, &st), -1);
	}
	/* owned by another user, even 0755 */
	fresh();
	free(sk);
	sk = hgt_path(adir, HG_ATTEST_SK);
	CU_ASSERT_EQUAL_FATAL(mkdir(adir, 0755) == 0 || errno == EEXIST, 1);
	CU_ASSERT_EQUAL_FATAL(chown(adir, 65534, 65534), 0);
	CU_ASSERT_EQUAL(hg_attest_init(adir, fp, &e), -EPERM);
	CU_ASSERT_EQUAL(lstat(sk, &st), -1);
	/* the allowed case: root's 0755 */
	CU_ASSERT_EQUAL_FATAL(chown(adir, 0, 0), 0);
	CU_ASSERT_EQUAL(hg_attest_init(adir, fp, &e), 0);
	CU_ASSERT_EQUAL(lstat(sk, &st), 0);
	free(sk);
}

static void
test_attest_add_refuses_a_secret_key_of_another_pair(void)
{
	struct hg_error e = { 0 };
	char fp[HG_FP_LEN], *sk;
	unsigned char seed[HG_ATTEST_SEED_LEN];
	int fd;

	fresh();
	init_key();
	sk = hgt_path(adir, HG_ATTEST_SK);
	randombytes_buf(seed, sizeof(seed));
	fd = open(sk, O_WRONLY | O_TRUNC);
	CU_ASSERT_EQUAL_FATAL(write(fd, seed, sizeof(seed)), (ssize_t)sizeof(seed));
	close(fd);
	CU_ASSERT_EQUAL(hg_attest_add(adir, "DBW-OPS-06", "alice", "", time(NULL), NULL, 0, &e),
			-EKEYREJECTED);
	CU_ASSERT_STRING_EQUAL(e.id, HG_ATTEST_KEY_ID);
	chmod(sk, 0640);
	CU_ASSERT_EQUAL(hg_attest_add(adir, "DBW-OPS-06", "alice", "", time(NULL), NULL, 0, &e),
			-EPERM);
	(void)fp;
	free(sk);
}

static void
test_attest_add_refuses_bad_fields_and_a_tampered_list(void)
{
	struct hg_error e = { 0 };

	fresh();
	init_key();
	CU_ASSERT_EQUAL(hg_attest_add(adir, "DBW-OPS-06", "al\tice", "", time(NULL), NULL, 0, &e),
			-EINVAL);
	CU_ASSERT_EQUAL(hg_attest_add(adir, "DBW-OPS-06", "alice", "a\nb", time(NULL), NULL, 0,
				      &e), -EINVAL);
	add_at("DBW-OPS-06", "alice", time(NULL) - DAY);
	edit_list("alice", "bob");
	memset(&e, 0, sizeof(e));
	CU_ASSERT_EQUAL(hg_attest_add(adir, "DBW-OPS-06", "alice", "", time(NULL), NULL, 0, &e),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(e.id, HG_ATTEST_ID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.where, HG_ATTEST_FILE ":1"));
}

/* --- the module --- */

static void
test_attest_passes_fresh_item_and_reports_its_age(void)
{
	struct hg_decision *d;

	fresh();
	init_key();
	add_at("DBW-OPS-06", "alice", time(NULL) - 10 * DAY);
	add_at("DBW-OPS-01", "bob", time(NULL) - 3 * DAY);
	d = run("\"DBW-OPS-06:90d\", \"DBW-OPS-01:90d\"");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-OPS-06", HG_SEV_INFO, "age 10 days"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-OPS-01", HG_SEV_INFO, "age 3 days"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-OPS-06", HG_SEV_INFO, HG_ATTEST_FILE ":1"));
	hg_decision_free(d);
}

static void
test_attest_max_age_boundary(void)
{
	struct hg_decision *d;
	time_t now = time(NULL);

	fresh();
	init_key();
	add_at("DBW-OPS-06", "alice", now - 90 * DAY - 120);	/* too old */
	add_at("DBW-OPS-01", "alice", now - 90 * DAY + 120);	/* just in time */
	d = run("\"DBW-OPS-06:90d\"");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-OPS-06", HG_SEV_FAIL, "(90 days ago), max age 90 days"));
	hg_decision_free(d);
	d = run("\"DBW-OPS-01:90d\"");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	hg_decision_free(d);
	d = run("\"DBW-OPS-01:24h\"");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-OPS-01", HG_SEV_FAIL, "max age 24 hours"));
	hg_decision_free(d);
}

static void
test_attest_newest_record_counts(void)
{
	struct hg_decision *d;
	time_t now = time(NULL);

	fresh();
	init_key();
	add_at("DBW-OPS-06", "alice", now - 200 * DAY);
	add_at("DBW-OPS-06", "bob", now - 5 * DAY);
	d = run("\"DBW-OPS-06:90d\"");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-OPS-06", HG_SEV_INFO, "by bob"));
	hg_decision_free(d);
}

static void
test_attest_fails_item_never_attested(void)
{
	struct hg_decision *d;

	fresh();
	init_key();
	add_at("DBW-OPS-01", "alice", time(NULL) - DAY);
	d = run("\"DBW-OPS-01:90d\", \"DBW-OPS-08:365d\"");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-OPS-08", HG_SEV_FAIL, "never attested"));
	CU_ASSERT_FALSE(hgt_has(d, "DBW-OPS-01", HG_SEV_FAIL, NULL));
	hg_decision_free(d);
}

static void
test_attest_bad_record_fails_whole_entry_with_file_line(void)
{
	struct hg_decision *d;

	fresh();
	init_key();
	add_at("DBW-OPS-01", "alice", time(NULL) - 2 * DAY);
	add_at("DBW-OPS-06", "alice", time(NULL) - DAY);
	edit_list("DBW-OPS-06", "DBW-OPS-08");	/* line 2 now claims another item */
	d = run("\"DBW-OPS-01:90d\"");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, HG_ATTEST_ID, HG_SEV_FAIL, HG_ATTEST_FILE ":2"));
	CU_ASSERT_TRUE(hgt_has(d, HG_ATTEST_ID, HG_SEV_FAIL, "does not verify"));
	CU_ASSERT_FALSE(hgt_has(d, "DBW-OPS-01", HG_SEV_FAIL, NULL));
	hg_decision_free(d);
}

static void
test_attest_refuses_record_of_other_key_and_truncated_line(void)
{
	struct hg_decision *d;
	struct kp other;
	char line[2048];

	fresh();
	init_key();
	keypair(&other);
	sign_line(&other, "DBW-OPS-06", time(NULL) - DAY, line, sizeof(line));
	append_text(line);
	d = run("\"DBW-OPS-06:90d\"");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, HG_ATTEST_ID, HG_SEV_FAIL, "another key"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-OPS-06", HG_SEV_FAIL, "never attested"));
	hg_decision_free(d);

	fresh();
	init_key();
	add_at("DBW-OPS-06", "alice", time(NULL) - DAY);
	append_text("1\tDBW-OPS-06\t2026-");
	d = run("\"DBW-OPS-06:90d\"");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, HG_ATTEST_ID, HG_SEV_FAIL, "truncated"));
	hg_decision_free(d);
}

static void
test_attest_refuses_missing_key_and_untrusted_list(void)
{
	struct hg_decision *d;
	char *p;

	fresh();
	d = run("\"DBW-OPS-06:90d\"");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, HG_ATTEST_KEY_ID, HG_SEV_FAIL, NULL));
	hg_decision_free(d);

	init_key();
	add_at("DBW-OPS-06", "alice", time(NULL) - DAY);
	p = list_path();
	chmod(p, 0666);
	d = run("\"DBW-OPS-06:90d\"");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, HG_ATTEST_ID, HG_SEV_FAIL, "writable"));
	hg_decision_free(d);
	chmod(p, 0644);
	if (hgt_root()) {
		CU_ASSERT_EQUAL(chown(p, 65534, 65534), 0);
		d = run("\"DBW-OPS-06:90d\"");
		CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
		CU_ASSERT_TRUE(hgt_has(d, HG_ATTEST_ID, HG_SEV_FAIL, NULL));
		hg_decision_free(d);
	}
	free(p);
}

static void
test_attest_refuses_records_of_a_revoked_key(void)
{
	struct hg_decision *d;
	unsigned char pk[HG_ATTEST_PK_LEN];
	struct hg_error e = { 0 };
	char fp[HG_FP_LEN], line[256], *rev;

	fresh();
	init_key();
	add_at("DBW-OPS-06", "alice", time(NULL) - DAY);
	CU_ASSERT_EQUAL_FATAL(hg_attest_pubkey(adir, pk, fp, &e), 0);
	rev = hgt_path(hgt_dir, "revoked.d");
	CU_ASSERT_EQUAL_FATAL(mkdir(rev, 0755), 0);
	free(hgt_write(rev, "other.list", "# nothing of ours\n", 0644));
	d = run("\"DBW-OPS-06:90d\"");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	hg_decision_free(d);
	snprintf(line, sizeof(line), "%s attestation host rebuilt from a stolen image\n", fp);
	free(hgt_write(rev, "attest.list", line, 0644));
	d = run("\"DBW-OPS-06:90d\"");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-018", HG_SEV_FAIL, "stolen image"));
	hg_decision_free(d);
	free(rev);
}

static void
test_attest_refuses_bad_items(void)
{
	static const char *const bad[] = {
		"\"DBW-PRE-05:90d\"",		/* checked from files, not attested */
		"\"DBW-OPS-06\"",
		"\"DBW-OPS-06:90\"",
		"\"DBW-OPS-06:0d\"",
		"\"DBW-OPS-06:90d\", \"DBW-OPS-06:30d\"",
		"\"NOPE-01:1d\"",
	};
	struct hg_decision *d;

	fresh();
	init_key();
	add_at("DBW-OPS-06", "alice", time(NULL) - DAY);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d = run(bad[i]);
		CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
		CU_ASSERT_TRUE(hgt_has(d, "HG-004", HG_SEV_FAIL, NULL));
		hg_decision_free(d);
	}
}

/*
 * Every attest-class item, verbatim (so one grep finds its test): each
 * one fails until attested, then passes, and one left out fails alone.
 */
static const char *const every_item[] = {
	"DBW-PRE-08", "DBW-PRE-09", "DBW-REC-13", "DBW-OPS-01", "DBW-OPS-02", "DBW-OPS-03",
	"DBW-OPS-04", "DBW-OPS-05", "DBW-OPS-06", "DBW-OPS-07", "DBW-OPS-08", "DBW-OPS-09",
	"KDB-C-01", "KDB-C-02", "KDB-C-03", "KDB-C-04", "KDB-D-01", "KDB-D-02", "KDB-D-03",
	"KDB-D-04", "KDB-D-05", "KDB-E-01", "KDB-E-02", "KDB-E-03", "KDB-E-04", "KDB-E-05",
	"KDB-F-02", "KDB-F-03", "KDB-F-04", "KDB-F-05",
};
#define NITEMS (sizeof(every_item) / sizeof(every_item[0]))

static void
test_attest_every_attest_item_fails_until_attested(void)
{
	char items[2048] = "";
	struct hg_decision *d;
	time_t now = time(NULL);

	fresh();
	init_key();
	for (size_t i = 0; i < NITEMS; i++) {
		size_t l = strlen(items);

		snprintf(items + l, sizeof(items) - l, "%s\"%s:30d\"", i ? ", " : "",
			 every_item[i]);
	}
	d = run(items);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	for (size_t i = 0; i < NITEMS; i++)
		CU_ASSERT_TRUE(hgt_has(d, every_item[i], HG_SEV_FAIL, "never attested"));
	hg_decision_free(d);
	for (size_t i = 1; i < NITEMS; i++)	/* all but DBW-PRE-08 */
		add_at(every_item[i], "alice", now - DAY);
	d = run(items);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-08", HG_SEV_FAIL, "never attested"));
	for (size_t i = 1; i < NITEMS; i++) {
		CU_ASSERT_FALSE(hgt_has(d, every_item[i], HG_SEV_FAIL, NULL));
		CU_ASSERT_TRUE(hgt_has(d, every_item[i], HG_SEV_INFO, "age 1 days"));
	}
	hg_decision_free(d);
	add_at("DBW-PRE-08", "alice", now);
	d = run(items);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	hg_decision_free(d);
}

/* The module can check every item the catalog classes attest. */
static void
test_attest_module_ids_cover_catalog_attest_class(void)
{
	struct hg_loaded l;
	struct hg_error e = { 0 };
	const struct hg_catalog_entry *all;
	size_t n;

	CU_ASSERT_EQUAL_FATAL(hg_module_load(hgt_module_dir(), "attest", &l, &e), 0);
	all = hg_catalog_all(&n);
	for (size_t i = 0; i < n; i++) {
		int found = 0;

		if (all[i].cls != HG_CLASS_ATTEST)
			continue;
		for (const char *const *id = l.mod->ids; *id; id++)
			found |= strcmp(*id, all[i].id) == 0;
		if (!found)
			fprintf(stderr, "  %s is class attest, not in attest's ids\n", all[i].id);
		CU_ASSERT_TRUE(found);
	}
	for (const char *const *id = l.mod->ids; *id; id++)
		CU_ASSERT_PTR_NOT_NULL(hg_catalog_find(*id));
	hg_module_unload(&l);
}

void
hgt_suite_attest(void)
{
	CU_pSuite s = CU_add_suite("attest", setup, teardown);

	HGT_ADD(s, test_attest_record_round_trips);
	HGT_ADD(s, test_attest_record_refuses_every_tamper);
	HGT_ADD(s, test_attest_record_refuses_future_beyond_skew);
	HGT_ADD(s, test_attest_max_age_parser_is_strict);
	HGT_ADD(s, test_attest_init_makes_key_pair_with_modes_and_never_overwrites);
	HGT_ADD(s, test_attest_init_if_missing_makes_once_keeps_the_pair_refuses_a_half);
	HGT_ADD(s, test_attest_init_refuses_a_group_or_world_writable_dir);
	HGT_ADD(s, test_attest_add_refuses_a_secret_key_of_another_pair);
	HGT_ADD(s, test_attest_add_refuses_bad_fields_and_a_tampered_list);
	HGT_ADD(s, test_attest_passes_fresh_item_and_reports_its_age);
	HGT_ADD(s, test_attest_max_age_boundary);
	HGT_ADD(s, test_attest_newest_record_counts);
	HGT_ADD(s, test_attest_fails_item_never_attested);
	HGT_ADD(s, test_attest_bad_record_fails_whole_entry_with_file_line);
	HGT_ADD(s, test_attest_refuses_record_of_other_key_and_truncated_line);
	HGT_ADD(s, test_attest_refuses_missing_key_and_untrusted_list);
	HGT_ADD(s, test_attest_refuses_records_of_a_revoked_key);
	HGT_ADD(s, test_attest_refuses_bad_items);
	HGT_ADD(s, test_attest_every_attest_item_fails_until_attested);
	HGT_ADD(s, test_attest_module_ids_cover_catalog_attest_class);
}
