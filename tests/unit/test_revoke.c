/*
 * test_revoke.c - fingerprints and the revocation list: the parser, the
 * atomic add behind `hardgate revoke`, and the host hook modules call
 * (through the fake test module and the real engine).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fingerprint.h"
#include "revoke.h"
#include "testutil.h"

/* SHA-256 of the empty string, and its OpenSSH-style fingerprint. */
static const unsigned char empty_sha256[32] = {
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
	0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
};
#define FP_EMPTY "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"
#define FP_OTHER "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

/* A fresh revocation directory (0755) for one test, returned malloc'd. */
static char *
revdir(void)
{
	char *r = hgt_path(hgt_dir, "revoked.XXXXXX");

	if (mkdtemp(r) == NULL)
		abort();
	chmod(r, 0755);
	return r;
}

static void
test_fingerprint_formats_sha256_as_openssh_does(void)
{
	char out[HG_FP_LEN];

	CU_ASSERT_STRING_EQUAL(hg_fp_format(empty_sha256, out), FP_EMPTY);
	CU_ASSERT_EQUAL(strlen(out), HG_FP_LEN - 1);
	CU_ASSERT_TRUE(hg_fp_valid(out));
}

static void
test_fingerprint_rejects_malformed_strings(void)
{
	CU_ASSERT_TRUE(hg_fp_valid(FP_OTHER));
	CU_ASSERT_FALSE(hg_fp_valid(""));
	CU_ASSERT_FALSE(hg_fp_valid("SHA256:"));
	CU_ASSERT_FALSE(hg_fp_valid("sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"));
	CU_ASSERT_FALSE(hg_fp_valid("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF"));
	CU_ASSERT_FALSE(hg_fp_valid("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFUU"));
	CU_ASSERT_FALSE(hg_fp_valid("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF="));
	CU_ASSERT_FALSE(hg_fp_valid("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hS-FU"));
	/* the last character must leave its two padding bits zero */
	CU_ASSERT_FALSE(hg_fp_valid("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV"));
}

static void
test_revlist_missing_dir_is_empty(void)
{
	struct hg_revlist *l = NULL;
	struct hg_error e = { 0 };
	char *r = hgt_path(hgt_dir, "nothing-here");

	CU_ASSERT_EQUAL(hg_revlist_load(r, &l, &e), 0);
	CU_ASSERT_PTR_NOT_NULL(l);
	CU_ASSERT_EQUAL(hg_revlist_count(l), 0);
	CU_ASSERT_PTR_NULL(hg_revlist_find(l, FP_EMPTY));
	hg_revlist_free(l);
	free(r);
}

static void
test_revlist_reads_every_file_with_comments_and_reasons(void)
{
	struct hg_revlist *l = NULL;
	struct hg_error e = { 0 };
	char *r = revdir(), *f1, *f2, *where;

	f1 = hgt_write(r, "incident-7", "# incident 7\n\n  " FP_EMPTY "\t2026-11-01 leaked in a log  \n",
		       0644);
	f2 = hgt_write(r, "b.list", FP_OTHER "\r\n", 0644);
	CU_ASSERT_EQUAL_FATAL(hg_revlist_load(r, &l, &e), 0);
	CU_ASSERT_EQUAL(hg_revlist_count(l), 2);
	CU_ASSERT_STRING_EQUAL(hg_revlist_find(l, FP_EMPTY), "2026-11-01 leaked in a log");
	CU_ASSERT_STRING_EQUAL(hg_revlist_find(l, FP_OTHER), "");
	if (asprintf(&where, "%s:3", f1) < 0)
		abort();
	CU_ASSERT_STRING_EQUAL(hg_revlist_where(l, FP_EMPTY), where);
	CU_ASSERT_PTR_NULL(hg_revlist_find(l, "SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA"));
	CU_ASSERT_PTR_NULL(hg_revlist_find(l, "SHA256:short"));
	hg_revlist_free(l);
	free(where);
	free(f1);
	free(f2);
	free(r);
}

static void
test_revlist_parses_bytes_in_memory_across_calls(void)
{
	static const char a[] = "# a\n" FP_OTHER " second file\n";
	static const char b[] = FP_EMPTY " first file";	/* no final newline */
	struct hg_revlist *l = hg_revlist_new();
	struct hg_error e = { 0 };

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(hg_revlist_parse_bytes(l, "a.list", a, sizeof(a) - 1, &e), 0);
	CU_ASSERT_EQUAL(hg_revlist_parse_bytes(l, "b.list", b, sizeof(b) - 1, &e), 0);
	CU_ASSERT_EQUAL(hg_revlist_count(l), 2);
	CU_ASSERT_STRING_EQUAL(hg_revlist_find(l, FP_EMPTY), "first file");
	CU_ASSERT_STRING_EQUAL(hg_revlist_where(l, FP_OTHER), "a.list:2");
	CU_ASSERT_EQUAL(hg_revlist_parse_bytes(l, "c.list", "x\n", 2, &e), -EINVAL);
	CU_ASSERT_STRING_EQUAL(e.where, "c.list:1");
	hg_revlist_free(l);
}

static void
test_revlist_refuses_a_line_that_is_not_a_fingerprint(void)
{
	struct hg_revlist *l = NULL;
	struct hg_error e = { 0 };
	char *r = revdir(), *f, *where;

	f = hgt_write(r, "local", FP_EMPTY " ok\nSHA256:typo reason\n", 0644);
	CU_ASSERT_EQUAL(hg_revlist_load(r, &l, &e), -EINVAL);
	CU_ASSERT_PTR_NULL(l);
	CU_ASSERT_STRING_EQUAL(e.id, "HG-017");
	if (asprintf(&where, "%s:2", f) < 0)
		abort();
	CU_ASSERT_STRING_EQUAL(e.where, where);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.fix, "hardgate fingerprint"));
	free(where);
	free(f);
	free(r);
}

static void
test_revlist_refuses_control_characters_in_a_reason(void)
{
	struct hg_revlist *l = NULL;
	struct hg_error e = { 0 };
	char *r = revdir(), *f;

	f = hgt_write(r, "local", FP_EMPTY " bell\a\n", 0644);
	CU_ASSERT_EQUAL(hg_revlist_load(r, &l, &e), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "control characters"));
	free(f);
	free(r);
}

static void
test_revlist_refuses_a_reason_that_is_not_utf8_or_has_c1_controls(void)
{
	static const char *const bad[] = {
		"\xff bad byte", "cut \xc3", "overlong \xc0\xaf", "surrogate \xed\xa0\x80",
		"csi \xc2\x9b" "2J", "nel \xc2\x85", "pad \xc2\x80",
	};
	struct hg_error e = { 0 };
	char line[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hg_revlist *l = hg_revlist_new();
		int n = snprintf(line, sizeof(line), "%s %s\n", FP_EMPTY, bad[i]);

		CU_ASSERT_PTR_NOT_NULL_FATAL(l);
		if (hg_revlist_parse_bytes(l, "local", line, (size_t)n, &e) != -EINVAL)
			fprintf(stderr, "  bad[%zu] was listed\n", i);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e.id);
		CU_ASSERT_STRING_EQUAL(e.id, "HG-017");
		CU_ASSERT_STRING_EQUAL(e.where, "local:1");
		CU_ASSERT_FALSE(hg_revoke_reason_valid(bad[i]));
		hg_revlist_free(l);
	}
}

static void
test_revlist_allows_a_utf8_reason(void)
{
	static const char text[] = FP_EMPTY " cl\xc3\xa9 perdue \xe2\x80\x94 \xc2\xa0nbsp \xf0\x9f\x94\x91\n";
	struct hg_revlist *l = hg_revlist_new();
	struct hg_error e = { 0 };

	CU_ASSERT_PTR_NOT_NULL_FATAL(l);
	CU_ASSERT_EQUAL(hg_revlist_parse_bytes(l, "local", text, sizeof(text) - 1, &e), 0);
	CU_ASSERT_STRING_EQUAL(hg_revlist_find(l, FP_EMPTY),
			       "cl\xc3\xa9 perdue \xe2\x80\x94 \xc2\xa0nbsp \xf0\x9f\x94\x91");
	CU_ASSERT_TRUE(hg_revoke_reason_valid("cl\xc3\xa9 perdue"));
	hg_revlist_free(l);
}

static void
test_revlist_refuses_a_group_writable_list(void)
{
	struct hg_revlist *l = NULL;
	struct hg_error e = { 0 };
	char *r = revdir(), *f;

	f = hgt_write(r, "local", FP_EMPTY "\n", 0664);
	CU_ASSERT_EQUAL(hg_revlist_load(r, &l, &e), -EPERM);
	CU_ASSERT_STRING_EQUAL(e.id, "HG-017");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.fix, "chmod 0644"));
	free(f);
	free(r);
}

static void
test_revlist_refuses_a_list_not_owned_by_root(void)
{
	struct hg_revlist *l = NULL;
	struct hg_error e = { 0 };
	char *r, *f;

	HGT_NEED_ROOT();
	r = revdir();
	f = hgt_write(r, "local", FP_EMPTY "\n", 0644);
	CU_ASSERT_EQUAL_FATAL(chown(f, 1, 1), 0);
	CU_ASSERT_EQUAL(hg_revlist_load(r, &l, &e), -EPERM);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "must be owned by root"));
	free(f);
	free(r);
}

/* A list the loader cannot read whole refuses: more files than it reads, or too big a file. */
static void
test_revlist_refuses_when_reading_the_directory_fails(void)
{
	struct hg_revlist *l = NULL;
	struct hg_error e = { 0 };
	char *r = revdir(), *f1, *f2, *f3;
	int rc;

	f1 = hgt_write(r, "a.list", FP_EMPTY " one\n", 0644);
	f2 = hgt_write(r, "b.list", FP_OTHER " two\n", 0644);
	f3 = hgt_write(r, "c.list", "# three\n", 0644);
	CU_ASSERT_EQUAL_FATAL(hg_revlist_load(r, &l, &e), 0);
	CU_ASSERT_EQUAL(hg_revlist_count(l), 2);
	hg_revlist_free(l);
	l = NULL;
	/* an I/O error after two entries: a partial list must not load */
	hgt_readdir_fail_after = 2;
	rc = hg_revlist_load(r, &l, &e);
	hgt_readdir_fail_after = -1;
	CU_ASSERT_EQUAL_FATAL(rc, -EIO);
	CU_ASSERT_PTR_NULL(l);
	CU_ASSERT_STRING_EQUAL(e.id, "HG-017");
	CU_ASSERT_STRING_EQUAL(e.where, r);
	free(f1);
	free(f2);
	free(f3);
	free(r);
}

static void
test_revlist_refuses_too_many_files_and_too_big_a_file(void)
{
	struct hg_revlist *l = NULL;
	struct hg_error e = { 0 };
	char *r = revdir(), *big = revdir(), name[32], *f, *text;

	for (int i = 0; i <= HG_REVOKE_MAX_FILES; i++) {
		snprintf(name, sizeof(name), "list%02d", i);
		free(hgt_write(r, name, "# nothing yet\n", 0644));
	}
	CU_ASSERT_EQUAL(hg_revlist_load(r, &l, &e), -E2BIG);
	CU_ASSERT_PTR_NULL(l);
	CU_ASSERT_STRING_EQUAL(e.id, "HG-017");
	text = malloc(HG_REVOKE_MAX_BYTES + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	memset(text, '#', HG_REVOKE_MAX_BYTES + 1);
	text[HG_REVOKE_MAX_BYTES + 1] = '\0';
	f = hgt_write(big, "huge", text, 0644);
	CU_ASSERT_EQUAL(hg_revlist_load(big, &l, &e), -EFBIG);
	CU_ASSERT_PTR_NULL(l);
	free(text);
	free(f);
	free(big);
	free(r);
}

static void
test_revoke_add_creates_the_list_and_is_idempotent(void)
{
	struct hg_revlist *l = NULL;
	struct hg_error e = { 0 };
	char *top = revdir(), *r = hgt_path(top, "revoked.d"), *f = hgt_path(r, HG_REVOKE_FILE);
	struct stat st;

	CU_ASSERT_EQUAL(hg_revoke_add(r, FP_EMPTY, "agent token leaked", &e), 0);
	CU_ASSERT_EQUAL(hg_revoke_add(r, FP_EMPTY, "again", &e), 1);
	CU_ASSERT_EQUAL(hg_revoke_add(r, FP_OTHER, "node key on a lost laptop", &e), 0);
	CU_ASSERT_EQUAL_FATAL(stat(f, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0644);
	CU_ASSERT_EQUAL_FATAL(hg_revlist_load(r, &l, &e), 0);
	CU_ASSERT_EQUAL(hg_revlist_count(l), 2);
	/* "YYYY-MM-DD reason" */
	CU_ASSERT_EQUAL(strlen(hg_revlist_find(l, FP_EMPTY)), 11 + strlen("agent token leaked"));
	CU_ASSERT_PTR_NOT_NULL(strstr(hg_revlist_find(l, FP_OTHER), "lost laptop"));
	hg_revlist_free(l);
	free(f);
	free(r);
	free(top);
}

static void
test_revoke_add_keeps_what_the_list_had(void)
{
	struct hg_revlist *l = NULL;
	struct hg_error e = { 0 };
	char *r = revdir(), *f;

	f = hgt_write(r, HG_REVOKE_FILE, "# by hand\n" FP_OTHER " no final newline", 0644);
	CU_ASSERT_EQUAL(hg_revoke_add(r, FP_EMPTY, "rotated", &e), 0);
	CU_ASSERT_EQUAL_FATAL(hg_revlist_load(r, &l, &e), 0);
	CU_ASSERT_EQUAL(hg_revlist_count(l), 2);
	CU_ASSERT_STRING_EQUAL(hg_revlist_find(l, FP_OTHER), "no final newline");
	hg_revlist_free(l);
	free(f);
	free(r);
}

static void
test_revoke_add_refuses_bad_fingerprint_and_reason(void)
{
	struct hg_error e = { 0 };
	char *r = revdir();

	CU_ASSERT_EQUAL(hg_revoke_add(r, "SHA256:nope", "x", &e), -EINVAL);
	/* a token pasted in place of its fingerprint is not echoed */
	CU_ASSERT_EQUAL(hg_revoke_add(r, "dbw_0123456789abcdef", "x", &e), -EINVAL);
	CU_ASSERT_PTR_NULL(strstr(e.msg, "dbw_0123456789abcdef"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "not a fingerprint"));
	CU_ASSERT_EQUAL(hg_revoke_add(r, FP_EMPTY, "two\nlines", &e), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "one line"));
	CU_ASSERT_TRUE(hg_revoke_reason_valid("rotated after INC-42"));
	CU_ASSERT_TRUE(hg_revoke_reason_valid(""));
	CU_ASSERT_FALSE(hg_revoke_reason_valid("two\nlines"));
	free(r);
}

/*
 * Revocations made at the same time (an incident script revoking a
 * node's key and its token at once) are all kept: each add reads the
 * list and renames a new one over it, so two unserialised adds lose one.
 */
static void
test_revoke_add_keeps_every_concurrent_revocation(void)
{
	enum { N = 12 };
	struct hg_revlist *l = NULL;
	struct hg_error e = { 0 };
	char *r = revdir(), fps[N][HG_FP_LEN];
	int go[2], status, ok = 1;
	pid_t pid[N];

	CU_ASSERT_EQUAL_FATAL(pipe(go), 0);
	for (int i = 0; i < N; i++) {
		unsigned char d[HG_FP_DIGEST_LEN] = { (unsigned char)(i + 1) };

		hg_fp_format(d, fps[i]);
		if ((pid[i] = fork()) == 0) {
			char c;

			close(go[1]);
			if (read(go[0], &c, 1) < 0)	/* all start when the pipe closes */
				_exit(2);
			_exit(hg_revoke_add(r, fps[i], "incident 7", &e) == 0 ? 0 : 1);
		}
		CU_ASSERT_FATAL(pid[i] > 0);
	}
	close(go[0]);
	close(go[1]);
	for (int i = 0; i < N; i++) {
		CU_ASSERT_EQUAL(waitpid(pid[i], &status, 0), pid[i]);
		ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	CU_ASSERT_TRUE(ok);
	CU_ASSERT_EQUAL_FATAL(hg_revlist_load(r, &l, &e), 0);
	CU_ASSERT_EQUAL(hg_revlist_count(l), N);
	for (int i = 0; i < N; i++)
		CU_ASSERT_PTR_NOT_NULL(hg_revlist_find(l, fps[i]));
	hg_revlist_free(l);
	free(r);
}

/*
 * The list's directory (and missing parents) are 0755 whatever the umask
 * of the root shell that ran hardgate revoke: with umask 077 a 0700
 * revoked.d would refuse every service whose checks run as its own user
 * (HG-017, permission denied).
 */
static void
test_revoke_add_makes_the_directory_0755_under_a_strict_umask(void)
{
	struct hg_error e = { 0 };
	char *top = revdir(), *mid = hgt_path(top, "hardgate"), *r = hgt_path(mid, "revoked.d");
	struct stat st;
	mode_t old = umask(077);

	CU_ASSERT_EQUAL(hg_revoke_add(r, FP_EMPTY, "x", &e), 0);
	umask(old);
	CU_ASSERT_EQUAL_FATAL(stat(r, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0755);
	CU_ASSERT_EQUAL_FATAL(stat(mid, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0755);
	free(r);
	free(mid);
	free(top);
}

/* A missing list is created only below a directory nobody else can write. */
static void
test_revoke_add_creates_nothing_in_a_world_writable_dir(void)
{
	struct hg_error e = { 0 };
	char *open = hgt_path(hgt_dir, "open"), *r = hgt_path(open, "revoked.d");
	struct stat st;

	HGT_NEED_ROOT();
	CU_ASSERT_EQUAL(mkdir(open, 0700), 0);
	CU_ASSERT_EQUAL(chmod(open, 0777), 0);
	CU_ASSERT_EQUAL(hg_revoke_add(r, FP_EMPTY, "x", &e), -EPERM);
	CU_ASSERT_STRING_EQUAL(e.id, "HG-017");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "group/world-writable"));
	CU_ASSERT_EQUAL(lstat(r, &st), -1);
	free(r);
	free(open);
}

static void
test_revoke_add_refuses_when_the_lists_do_not_load(void)
{
	struct hg_error e = { 0 };
	char *r = revdir(), *f;

	f = hgt_write(r, "broken", "not a fingerprint\n", 0644);
	CU_ASSERT_EQUAL(hg_revoke_add(r, FP_EMPTY, "x", &e), -EINVAL);
	CU_ASSERT_STRING_EQUAL(e.id, "HG-017");
	free(f);
	free(r);
}

/* A service whose fake test module looks FP up in the list REV. */
static struct hg_decision *
run_fake_n(const char *rev, const char *fp, int entries)
{
	const char *mods = getenv("HG_TESTMOD_DIR");
	char *text, *conf;
	struct hg_decision *d;

	if (asprintf(&text, "hardgate: { module_dir = \"%s\"; revoked_dir = \"%s\"; "
		     "log: { syslog = false; }; };\nservices: { svc: { stack = (\n"
		     "{ module = \"fake\"; control = \"required\"; args: { fingerprint = \"%s\"; }; }"
		     "%s%s%s\n); }; };\n", mods ? mods : "tests/unit/mods/.libs", rev, fp,
		     entries > 1 ? ",\n{ module = \"fake\"; control = \"required\"; "
				   "args: { fingerprint = \"" : "",
		     entries > 1 ? fp : "", entries > 1 ? "\"; }; }" : "") < 0)
		abort();
	conf = hgt_write(hgt_dir, "hardgate.conf", text, 0644);
	d = hgt_run(conf, "svc", HG_STAGE_CHECK, NULL);
	free(text);
	free(conf);
	return d;
}

static struct hg_decision *
run_fake_with(const char *rev, const char *fp)
{
	return run_fake_n(rev, fp, 1);
}

static void
test_engine_refuses_a_module_whose_key_is_revoked(void)
{
	char *r = revdir(), *f;
	struct hg_decision *d;

	f = hgt_write(r, "local", FP_EMPTY " stolen backup\n", 0644);
	d = run_fake_with(r, FP_OTHER);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	hg_decision_free(d);
	d = run_fake_with(r, FP_EMPTY);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-018", HG_SEV_FAIL, "stolen backup"));
	hg_decision_free(d);
	free(f);
	free(r);
}

static void
test_engine_refuses_when_the_revocation_list_is_malformed(void)
{
	char *r = revdir(), *f;
	struct hg_decision *d;

	f = hgt_write(r, "local", "garbage\n", 0644);
	d = run_fake_with(r, FP_OTHER);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-017", HG_SEV_FAIL, "not a fingerprint"));
	hg_decision_free(d);
	free(f);
	free(r);
}

/*
 * Every module that asks after the list failed to load fails on the
 * core's HG-017, not on a "failed without a finding" (HG-007) that tells
 * the operator to report a bug in the module.
 */
static void
test_engine_blames_a_malformed_list_for_every_module_that_asks(void)
{
	char *r = revdir(), *f;
	struct hg_decision *d;

	f = hgt_write(r, "local", "garbage\n", 0644);
	d = run_fake_n(r, FP_OTHER, 2);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-017", HG_SEV_FAIL, "not a fingerprint"));
	CU_ASSERT_FALSE(hgt_has(d, "HG-007", HG_SEV_FAIL, NULL));
	hg_decision_free(d);
	free(f);
	free(r);
}

void
hgt_suite_revoke(void)
{
	CU_pSuite s = CU_add_suite("revoke", hgt_suite_init, hgt_suite_clean);

	HGT_ADD(s, test_fingerprint_formats_sha256_as_openssh_does);
	HGT_ADD(s, test_fingerprint_rejects_malformed_strings);
	HGT_ADD(s, test_revlist_missing_dir_is_empty);
	HGT_ADD(s, test_revlist_reads_every_file_with_comments_and_reasons);
	HGT_ADD(s, test_revlist_parses_bytes_in_memory_across_calls);
	HGT_ADD(s, test_revlist_refuses_a_line_that_is_not_a_fingerprint);
	HGT_ADD(s, test_revlist_refuses_control_characters_in_a_reason);
	HGT_ADD(s, test_revlist_refuses_a_reason_that_is_not_utf8_or_has_c1_controls);
	HGT_ADD(s, test_revlist_allows_a_utf8_reason);
	HGT_ADD(s, test_revlist_refuses_a_group_writable_list);
	HGT_ADD(s, test_revlist_refuses_a_list_not_owned_by_root);
	HGT_ADD(s, test_revlist_refuses_when_reading_the_directory_fails);
	HGT_ADD(s, test_revlist_refuses_too_many_files_and_too_big_a_file);
	HGT_ADD(s, test_revoke_add_creates_the_list_and_is_idempotent);
	HGT_ADD(s, test_revoke_add_keeps_what_the_list_had);
	HGT_ADD(s, test_revoke_add_refuses_bad_fingerprint_and_reason);
	HGT_ADD(s, test_revoke_add_refuses_when_the_lists_do_not_load);
	HGT_ADD(s, test_revoke_add_creates_nothing_in_a_world_writable_dir);
	HGT_ADD(s, test_revoke_add_makes_the_directory_0755_under_a_strict_umask);
	HGT_ADD(s, test_revoke_add_keeps_every_concurrent_revocation);
	HGT_ADD(s, test_engine_refuses_a_module_whose_key_is_revoked);
	HGT_ADD(s, test_engine_refuses_when_the_revocation_list_is_malformed);
	HGT_ADD(s, test_engine_blames_a_malformed_list_for_every_module_that_asks);
}
