/*
 * test_secretenv.c - secretenv through the real .so and loader.
 *
 * The module reads the runner's own environment, so every test sets the
 * variables it needs (names HGT_SE_*) and unsets them after. Every run
 * goes through se_run(), which formats each finding of the decision as
 * text and JSON (the report functions the CLI and the logs use) and fails
 * the test if any secret value the test used (8 bytes or more: shorter
 * ones are words that occur in messages) appears in them.
 *
 * The env file parser is proved through the revocation list: a value
 * parsed exactly right has the fingerprint the test revoked, so the
 * module reports HG-018 for it; one byte off and it does not.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "fingerprint.h"
#include "report.h"
#include "run.h"
#include "testutil.h"
#include "strength.h"

#define ID "KDB-A-02"
#define STRONG1 "q7Rv2LmX9pZkW4tHc8NbY3sJd6FgA1eU"	/* 32 bytes, 4 classes */
#define STRONG2 "Zx5Qw8Er2Ty6Ui9Op3As7Df1Gh4Jk0LmN+Bv"
#define TOKEN "dbw_3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e"

static char *secrets[64];	/* every value a test set, for the leak check */
static size_t nsecrets;
static unsigned leak_checked;	/* findings the leak check looked at */

static int
teardown(void)
{
	hgt_suite_clean();
	for (size_t i = 0; i < nsecrets; i++)
		free(secrets[i]);
	nsecrets = 0;
	return 0;
}

/* Remember VALUE for the leak check. */
static void
remember(const char *value)
{
	for (size_t i = 0; i < nsecrets; i++)
		if (strcmp(secrets[i], value) == 0)
			return;
	if (nsecrets < sizeof(secrets) / sizeof(secrets[0]) && (secrets[nsecrets] = strdup(value)))
		nsecrets++;
}

/* setenv NAME=VALUE, remembered for the leak check. */
static void
set(const char *name, const char *value)
{
	remember(value);
	setenv(name, value, 1);
}

static void
unset_all(void)
{
	static const char *const names[] = { "HGT_SE_A", "HGT_SE_B", "HGT_SE_C", "HGT_SE_D",
					     "HGT_SE_E", "HGT_SE_F", "HGT_SE_G", NULL };

	for (const char *const *n = names; *n; n++)
		unsetenv(*n);
}

/* 1 if TEXT (LEN bytes) contains a remembered value of 8 bytes or more. */
static int
leaks(const char *text, size_t len)
{
	for (size_t i = 0; i < nsecrets; i++) {
		size_t n = strlen(secrets[i]);

		if (n < 8 || n > len)
			continue;
		for (size_t j = 0; j + n <= len; j++)
			if (memcmp(text + j, secrets[i], n) == 0) {
				fprintf(stderr, "  LEAK of a secret value (%zu bytes)\n", n);
				return 1;
			}
	}
	return 0;
}

/* Format D as the CLI and the logs do and look for secret values. */
static void
assert_no_leak(const struct hg_decision *d)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	hg_report_text(d, f);
	hg_report_json(d, f);
	fclose(f);
	CU_ASSERT_FALSE(leaks(text, len));
	CU_ASSERT_FALSE(leaks(d->reason, strlen(d->reason)));
	leak_checked += (unsigned)d->n;
	free(text);
}

/* Run secretenv with ARGS at STAGE; the caller frees the decision. */
static struct hg_decision *
se_run_at(const char *args, enum hg_stage stage)
{
	struct hg_run_opts o = { .stage = stage };
	struct hg_decision *d = hgt_run_module(hgt_dir, "secretenv", args, &o);

	assert_no_leak(d);
	return d;
}

static struct hg_decision *
se_run(const char *args)
{
	return se_run_at(args, HG_STAGE_CHECK);
}

static void
expect_refused(const char *args, const char *id, const char *sub)
{
	struct hg_decision *d = se_run(args);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, id, HG_SEV_FAIL, sub));
	if (!hgt_has(d, id, HG_SEV_FAIL, sub))
		fprintf(stderr, "  wanted %s FAIL containing '%s'\n", id, sub);
	hg_decision_free(d);
}

static void
expect_allowed(const char *args)
{
	struct hg_decision *d = se_run(args);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	if (d->status != HG_EXIT_ALLOWED)
		hgt_dump(d);
	hg_decision_free(d);
}

/* The fingerprint of VALUE, as the module computes it. */
static const char *
fp_of(const char *value, char out[HG_FP_LEN])
{
	unsigned char d[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(d, (const unsigned char *)value, strlen(value));
	return hg_fp_format(d, out);
}

/* Write DIR/revoked.d/list revoking the fingerprints of VALUES (NULL-ended). */
static void
revoke_values(const char *const *values)
{
	char *rd = hgt_path(hgt_dir, "revoked.d"), fp[HG_FP_LEN], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	mkdir(rd, 0755);
	chmod(rd, 0755);
	for (const char *const *v = values; *v; v++)
		fprintf(f, "%s case %ld\n", fp_of(*v, fp), (long)(v - values));
	fclose(f);
	free(hgt_write(rd, "list", text, 0644));
	free(text);
	free(rd);
}

static void
unrevoke_all(void)
{
	char *p = hgt_path(hgt_dir, "revoked.d/list");

	unlink(p);
	free(p);
}

/* --- present, not blank --- */

static void
test_secretenv_refuses_unset_variable(void)
{
	unset_all();
	expect_refused("require_env = [ \"HGT_SE_A\" ]; id = \"DBW-PRE-04\";", "DBW-PRE-04",
		       "HGT_SE_A is not set");
}

static void
test_secretenv_refuses_empty_variable(void)
{
	set("HGT_SE_A", "");
	expect_refused("require_env = [ \"HGT_SE_A\" ];", "HG-023", "empty or blank");
	unset_all();
}

static void
test_secretenv_refuses_blank_variable(void)
{
	/* dbward disables Slack on a blank signing_secret instead of failing */
	set("HGT_SE_A", "  \t ");
	expect_refused("require_env = [ \"HGT_SE_A\" ]; id = \"DBW-REC-04\";", "DBW-REC-04",
		       "empty or blank");
	unset_all();
}

static void
test_secretenv_allows_set_variable(void)
{
	set("HGT_SE_A", TOKEN);
	expect_allowed("require_env = [ \"HGT_SE_A\" ]; id = \"DBW-PRE-04\";");
	unset_all();
}

static void
test_secretenv_refuses_bad_variable_name(void)
{
	expect_refused("require_env = [ \"HGT-SE\" ];", "HG-023", "not an environment variable");
}

static void
test_secretenv_refuses_entry_naming_no_variable(void)
{
	expect_refused("id = \"KDB-A-02\";", ID, "names no variable");
}

/* --- strength --- */

#define STRONG_A "strong = [ \"HGT_SE_A\" ]; id = \"" ID "\";"

static void
test_secretenv_refuses_short_secret(void)
{
	set("HGT_SE_A", "q7Rv2LmX9pZkW4tHc8Nb");	/* 20 bytes */
	expect_refused(STRONG_A, ID, "is 20 bytes, must be at least 32");
	unset_all();
}

static void
test_secretenv_refuses_every_published_value(void)
{
	size_t n = hg_se_published_count();

	CU_ASSERT_TRUE(n >= 10);
	for (size_t i = 0; i < n; i++) {
		const char *v = hg_se_published_value(i);

		set("HGT_SE_A", v);
		expect_refused(STRONG_A, ID, "is a published value");
	}
	unset_all();
}

static void
test_secretenv_refuses_kalamdb_insecure_list(void)
{
	/* the references' list, spelled out here so the table cannot drift from it */
	static const char *const kdb[] = {
		"CHANGE_ME_IN_PRODUCTION", "kalamdb-dev-secret-key-change-in-production",
		"your-secret-key-at-least-32-chars-change-me-in-production", "test", "secret",
		"password", "kalamdb-docker-dev-secret-please-change-32chars",
		"kalamdb-local-dev-2026-02-23-strong-jwt-secret-32plus",
		"kalamdb-bench-local-2026-04-03-jwt-secret-32-plus", NULL,
	};

	for (const char *const *v = kdb; *v; v++) {
		set("HGT_SE_A", *v);
		expect_refused(STRONG_A, ID, "is a published value");
	}
	unset_all();
}

static void
test_secretenv_refuses_one_class_secret(void)
{
	set("HGT_SE_A", "qwhdkfjeuryvnbmaslpzoxicuwtyrhgfjdkeiwqz");	/* 40 lowercase */
	expect_refused(STRONG_A, ID, "uses only lowercase letters");
	set("HGT_SE_A", "8302957163840295716394027561938475610293");
	expect_refused(STRONG_A, ID, "uses only digits");
	unset_all();
}

static void
test_secretenv_refuses_repeated_pattern(void)
{
	set("HGT_SE_A", "Xk9#Pq2!Xk9#Pq2!Xk9#Pq2!Xk9#Pq2!Xk9#");
	expect_refused(STRONG_A, ID, "repeats a 8-character pattern");
	unset_all();
}

static void
test_secretenv_refuses_low_entropy_secret(void)
{
	/* four classes, no repeated pattern, but runs: little entropy */
	set("HGT_SE_A", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789");
	expect_refused(STRONG_A, ID, "bits of entropy, must have 80");
	unset_all();
}

static void
test_secretenv_allows_strong_secret(void)
{
	set("HGT_SE_A", STRONG1);
	expect_allowed(STRONG_A);
	unset_all();
}

static void
test_secretenv_min_length_and_entropy_args_raise_the_bar(void)
{
	set("HGT_SE_A", STRONG1);
	expect_refused("strong = [ \"HGT_SE_A\" ]; min_length = 48;", "HG-023",
		       "must be at least 48");
	expect_refused("strong = [ \"HGT_SE_A\" ]; min_entropy = 400;", "HG-023",
		       "must have 400");
	expect_refused("strong = [ \"HGT_SE_A\" ]; min_length = 0;", "HG-023", "out of range");
	unset_all();
}

static void
test_secretenv_estimator_scores_structure_low_and_random_high(void)
{
	const unsigned char *a = (const unsigned char *)"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaA1";
	const unsigned char *s = (const unsigned char *)STRONG1;

	CU_ASSERT_TRUE(hg_se_entropy(a, strlen((const char *)a)) < 10);
	CU_ASSERT_TRUE(hg_se_entropy(s, strlen(STRONG1)) >= 120);
	CU_ASSERT_EQUAL(hg_se_period((const unsigned char *)"abcabcab", 8), 3);
	CU_ASSERT_EQUAL(hg_se_period(s, strlen(STRONG1)), 0);
	CU_ASSERT_EQUAL(hg_se_classes(s, strlen(STRONG1)),
			HG_SE_LOWER | HG_SE_UPPER | HG_SE_DIGIT);
}

/* --- config files --- */

static void
test_secretenv_finds_token_in_config_file(void)
{
	char *conf = hgt_write(hgt_dir, "agent.toml",
			       "[server]\nurl = \"https://dbward.example:3000\"\n"
			       "agent_token = \"" TOKEN "\"\n", 0644);
	char args[1024], at[1100];
	struct hg_decision *d;

	set("HGT_SE_A", TOKEN);
	snprintf(args, sizeof(args),
		 "require_env = [ \"HGT_SE_A\" ]; forbid_in_files = [ \"%s\" ]; id = \"DBW-PRE-04\";",
		 conf);
	snprintf(at, sizeof(at), "%s:3", conf);
	d = se_run(args);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-04", HG_SEV_FAIL, "the value of HGT_SE_A is written"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-04", HG_SEV_FAIL, at));
	hg_decision_free(d);
	unset_all();
	free(conf);
}

static void
test_secretenv_finds_secret_inside_a_longer_value(void)
{
	char *conf = hgt_write(hgt_dir, "server.toml",
			       "# x\n\n[db]\nurl = \"postgres://u:" STRONG1 "@db:5432/x\"\n", 0644);
	char args[1024], at[1100];
	struct hg_decision *d;

	set("HGT_SE_A", STRONG1);
	snprintf(args, sizeof(args), "strong = [ \"HGT_SE_A\" ]; forbid_in_files = [ \"%s\" ];",
		 conf);
	snprintf(at, sizeof(at), "%s:4", conf);
	d = se_run(args);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-023", HG_SEV_FAIL, at));
	hg_decision_free(d);
	unset_all();
	free(conf);
}

static void
test_secretenv_allows_config_that_refers_to_the_variable(void)
{
	char *conf = hgt_write(hgt_dir, "agent-ok.toml",
			       "[server]\nagent_token = \"${HGT_SE_A}\"\n", 0644);
	char args[1024];

	set("HGT_SE_A", TOKEN);
	snprintf(args, sizeof(args),
		 "require_env = [ \"HGT_SE_A\" ]; forbid_in_files = [ \"%s\" ];", conf);
	expect_allowed(args);
	unset_all();
	free(conf);
}

static void
test_secretenv_refuses_unreadable_config_file(void)
{
	char args[1024];

	set("HGT_SE_A", TOKEN);
	snprintf(args, sizeof(args),
		 "require_env = [ \"HGT_SE_A\" ]; forbid_in_files = [ \"%s/missing.toml\" ];", hgt_dir);
	expect_refused(args, "HG-024", "missing.toml");
	unset_all();
}

static void
test_secretenv_refuses_value_too_short_to_search(void)
{
	char *conf = hgt_write(hgt_dir, "short.toml", "x = 1\n", 0644);
	char args[1024];

	set("HGT_SE_A", "abc");
	snprintf(args, sizeof(args),
		 "require_env = [ \"HGT_SE_A\" ]; forbid_in_files = [ \"%s\" ];", conf);
	expect_refused(args, "HG-023", "too short to be a secret");
	unset_all();
	free(conf);
}

/* 4 MiB of config text with the secret on the last line: bounded cost. */
static void
test_secretenv_scans_4mib_config_in_bounded_time(void)
{
	size_t size = 4u << 20, i;
	char *text = malloc(size + 1), *conf, args[1024], at[1100];
	struct timespec t0, t1;
	struct hg_decision *d;
	double ms;
	unsigned lines = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	for (i = 0; i + 256 < size; i += 64) {	/* 64-byte lines: STRONG1 but its last byte */
		static const char line[] = "key = \"q7Rv2LmX9pZkW4tHc8NbY3sJd6FgA1eX\"";

		memset(text + i, ' ', 63);
		memcpy(text + i, line, sizeof(line) - 1);
		text[i + 63] = '\n';
		lines++;
	}
	memset(text + i, '#', size - i);
	memcpy(text + size - 100, STRONG1, strlen(STRONG1));
	memcpy(text + size - 50, STRONG2, strlen(STRONG2));
	text[size - 1] = '\n';
	text[size] = '\0';
	conf = hgt_write(hgt_dir, "big.toml", text, 0644);
	free(text);
	set("HGT_SE_A", STRONG1);	/* on every line but one byte, whole on the last */
	set("HGT_SE_B", STRONG2);
	snprintf(args, sizeof(args),
		 "strong = [ \"HGT_SE_A\", \"HGT_SE_B\" ]; forbid_in_files = [ \"%s\" ];", conf);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	d = se_run(args);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	fprintf(stderr, "  (4 MiB config, 2 secrets: %.1f ms) ", ms);
	snprintf(at, sizeof(at), "%s:%u", conf, lines + 1);
	CU_ASSERT_TRUE(hgt_has(d, "HG-023", HG_SEV_FAIL, at));
	CU_ASSERT_TRUE(hgt_has(d, "HG-023", HG_SEV_FAIL, "value of HGT_SE_A is written"));
	CU_ASSERT_TRUE(hgt_has(d, "HG-023", HG_SEV_FAIL, "value of HGT_SE_B is written"));
	CU_ASSERT_EQUAL(hg_decision_count_sev(d, HG_SEV_FAIL), 2);	/* no near miss */
	CU_ASSERT_TRUE(ms < 5000);
	hg_decision_free(d);
	unset_all();
	free(conf);
}

/* --- env_file --- */

/* Run with the variables only in an env file with TEXT and MODE. */
static struct hg_decision *
run_env_file(const char *text, mode_t mode, const char *extra, enum hg_stage stage)
{
	char *env = hgt_write(hgt_dir, "svc.env", text, mode), args[1024];
	struct hg_decision *d;

	snprintf(args, sizeof(args),
		 "require_env = [ \"HGT_SE_A\", \"HGT_SE_B\", \"HGT_SE_C\", \"HGT_SE_D\", "
		 "\"HGT_SE_E\" ]; env_file = \"%s\"; %s", env, extra ? extra : "");
	d = se_run_at(args, stage);
	free(env);
	return d;
}

#define ENVFILE                                                                      \
	"# comment\n"                                                                \
	"  ; another comment\n"                                                      \
	"\n"                                                                         \
	"HGT_SE_A=plain-value-0001   \n"                                             \
	"HGT_SE_B = \"double \\\"quoted\\\" \\$HOME \\n kept\"\n"                    \
	"HGT_SE_C='single $HOME \\n literal'\n"                                      \
	"HGT_SE_D=joined\\\n"                                                        \
	"-line-value\n"                                                              \
	"HGT_SE_E=first-value-000\n"                                                 \
	"HGT_SE_E=\"last\"'-wins'-value\n"

static void
test_secretenv_parses_env_file_as_systemd(void)
{
	static const char *const want[] = {
		"plain-value-0001",
		"double \"quoted\" $HOME \\n kept",
		"single $HOME \\n literal",
		"joined-line-value",
		"last-wins-value",
		NULL,
	};
	struct hg_decision *d;

	HGT_NEED_ROOT();
	unset_all();
	for (const char *const *w = want; *w; w++)
		remember(*w);
	revoke_values(want);
	d = run_env_file(ENVFILE, 0600, NULL, HG_STAGE_CHECK);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-018", HG_SEV_FAIL, "HGT_SE_A (SHA256:"));
	CU_ASSERT_TRUE(hgt_has(d, "HG-018", HG_SEV_FAIL, "HGT_SE_B (SHA256:"));
	CU_ASSERT_TRUE(hgt_has(d, "HG-018", HG_SEV_FAIL, "HGT_SE_C (SHA256:"));
	CU_ASSERT_TRUE(hgt_has(d, "HG-018", HG_SEV_FAIL, "HGT_SE_D (SHA256:"));
	CU_ASSERT_TRUE(hgt_has(d, "HG-018", HG_SEV_FAIL, "HGT_SE_E (SHA256:"));
	CU_ASSERT_TRUE(hgt_has(d, "HG-018", HG_SEV_FAIL, "svc.env:10"));
	CU_ASSERT_EQUAL(hg_decision_count_sev(d, HG_SEV_FAIL), 10);	/* HG-018 + id each */
	hg_decision_free(d);
	unrevoke_all();
}

static void
test_secretenv_allows_good_env_file(void)
{
	struct hg_decision *d;

	HGT_NEED_ROOT();
	unset_all();
	d = run_env_file(ENVFILE, 0600, NULL, HG_STAGE_CHECK);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	hg_decision_free(d);
	d = run_env_file(ENVFILE, 0640, NULL, HG_STAGE_CHECK);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	hg_decision_free(d);
}

static void
test_secretenv_refuses_world_readable_env_file(void)
{
	struct hg_decision *d;

	unset_all();
	d = run_env_file(ENVFILE, 0644, NULL, HG_STAGE_CHECK);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-011", HG_SEV_FAIL, "is mode 0644, must be 0640"));
	hg_decision_free(d);
}

static void
test_secretenv_refuses_env_file_of_another_owner(void)
{
	char *env, args[1024];
	struct hg_decision *d;

	HGT_NEED_ROOT();
	unset_all();
	env = hgt_write(hgt_dir, "svc.env", ENVFILE, 0600);
	CU_ASSERT_EQUAL_FATAL(chown(env, 65534, 65534), 0);
	snprintf(args, sizeof(args), "require_env = [ \"HGT_SE_A\" ]; env_file = \"%s\";", env);
	d = se_run(args);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-011", HG_SEV_FAIL, "owned by uid 65534"));
	hg_decision_free(d);
	/* the service account may own it */
	snprintf(args, sizeof(args),
		 "require_env = [ \"HGT_SE_A\" ]; env_file = \"%s\"; owner = \"65534\";", env);
	expect_allowed(args);
	free(env);
}

static void
test_secretenv_refuses_relative_env_file(void)
{
	unset_all();
	expect_refused("require_env = [ \"HGT_SE_A\" ]; env_file = \"svc.env\";", "HG-011",
		       "not absolute");
}

static void
test_secretenv_refuses_malformed_env_file(void)
{
	struct hg_decision *d;

	HGT_NEED_ROOT();
	unset_all();
	d = run_env_file("HGT_SE_A=x\nHGT_SE_B\n", 0600, NULL, HG_STAGE_CHECK);
	CU_ASSERT_TRUE(hgt_has(d, "HG-024", HG_SEV_FAIL, "svc.env:2"));
	CU_ASSERT_TRUE(hgt_has(d, "HG-024", HG_SEV_FAIL, "has no '='"));
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	hg_decision_free(d);
	d = run_env_file("HGT_SE_A=x\n\nHGT_SE_B=\"never closed\nHGT_SE_C=y\n", 0600, NULL,
			 HG_STAGE_CHECK);
	CU_ASSERT_TRUE(hgt_has(d, "HG-024", HG_SEV_FAIL, "svc.env:3"));
	CU_ASSERT_TRUE(hgt_has(d, "HG-024", HG_SEV_FAIL, "never closed"));
	hg_decision_free(d);
	d = run_env_file("export HGT_SE_A=x\n", 0600, NULL, HG_STAGE_CHECK);
	CU_ASSERT_TRUE(hgt_has(d, "HG-024", HG_SEV_FAIL, "invalid variable name"));
	hg_decision_free(d);
}

static void
test_secretenv_environment_wins_over_env_file(void)
{
	static const char *const revoked[] = { "plain-value-0001", NULL };
	struct hg_decision *d;

	HGT_NEED_ROOT();
	unset_all();
	revoke_values(revoked);
	set("HGT_SE_A", "from-the-environment");	/* the file's value is revoked */
	d = run_env_file(ENVFILE, 0600, NULL, HG_STAGE_CHECK);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_FALSE(hgt_has(d, "HG-018", -1, NULL));
	hg_decision_free(d);
	unset_all();
	d = run_env_file(ENVFILE, 0600, NULL, HG_STAGE_CHECK);
	CU_ASSERT_TRUE(hgt_has(d, "HG-018", HG_SEV_FAIL, "HGT_SE_A"));
	hg_decision_free(d);
	unrevoke_all();
}

static void
test_secretenv_reads_no_env_file_when_environment_has_all(void)
{
	char args[1024];

	set("HGT_SE_A", TOKEN);
	snprintf(args, sizeof(args),
		 "require_env = [ \"HGT_SE_A\" ]; env_file = \"%s/absent.env\";", hgt_dir);
	expect_allowed(args);
	unset_all();
	expect_refused(args, "HG-011", "absent.env");
}

static void
test_secretenv_ignores_env_file_outside_check(void)
{
	struct hg_decision *d;

	HGT_NEED_ROOT();
	unset_all();
	/* under the preload the process environment is the only truth */
	d = run_env_file(ENVFILE, 0600, NULL, HG_STAGE_PROCESS);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-023", HG_SEV_FAIL, "HGT_SE_A is not set"));
	hg_decision_free(d);
	d = run_env_file(ENVFILE, 0600, NULL, HG_STAGE_LAUNCHER);
	CU_ASSERT_TRUE(hgt_has(d, "HG-023", HG_SEV_FAIL, "HGT_SE_A is not set"));
	hg_decision_free(d);
}

/* --- reuse --- */

static void
test_secretenv_refuses_reused_secret(void)
{
	set("HGT_SE_A", STRONG1);
	set("HGT_SE_B", STRONG1);
	expect_refused("strong = [ \"HGT_SE_A\", \"HGT_SE_B\" ]; "
		       "distinct = [ \"HGT_SE_A\", \"HGT_SE_B\" ]; id = \"" ID "\";",
		       ID, "HGT_SE_A and HGT_SE_B have the same value");
	unset_all();
}

static void
test_secretenv_allows_distinct_secrets(void)
{
	set("HGT_SE_A", STRONG1);
	set("HGT_SE_B", STRONG2);
	expect_allowed("strong = [ \"HGT_SE_A\", \"HGT_SE_B\" ]; "
		       "distinct = [ \"HGT_SE_A\", \"HGT_SE_B\" ];");
	unset_all();
}

static void
test_secretenv_refuses_secret_of_another_service(void)
{
	char *other, args[1024], at[1100];
	struct hg_decision *d;

	HGT_NEED_ROOT();
	other = hgt_write(hgt_dir, "other.env", "# dbward\nSLACK_SIGNING_SECRET=" STRONG1 "\n", 0600);
	set("HGT_SE_A", STRONG1);
	snprintf(args, sizeof(args),
		 "strong = [ \"HGT_SE_A\" ]; distinct_env_files = [ \"%s\" ]; id = \"" ID "\";",
		 other);
	snprintf(at, sizeof(at), "%s:2", other);
	d = se_run(args);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, "same value as SLACK_SIGNING_SECRET"));
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, at));
	hg_decision_free(d);
	set("HGT_SE_A", STRONG2);
	expect_allowed(args);
	unset_all();
	free(other);
}

/*
 * Another service's env file is that service's: owned by its own account
 * (not this service's `owner`), in that account's directory, 0640 at most.
 */
static void
test_secretenv_reads_another_services_env_file_owned_by_its_account(void)
{
	char *svc = hgt_path(hgt_dir, "othersvc"), *other, args[1024];
	struct hg_decision *d;

	HGT_NEED_ROOT();
	CU_ASSERT_EQUAL_FATAL(mkdir(svc, 0750), 0);
	other = hgt_write(svc, "other.env", "SLACK_SIGNING_SECRET=" STRONG1 "\n", 0640);
	CU_ASSERT_EQUAL_FATAL(chown(svc, 65534, 65534), 0);
	CU_ASSERT_EQUAL_FATAL(chown(other, 65534, 65534), 0);
	snprintf(args, sizeof(args),
		 "strong = [ \"HGT_SE_A\" ]; owner = \"1\"; distinct_env_files = [ \"%s\" ]; "
		 "id = \"" ID "\";", other);
	set("HGT_SE_A", STRONG2);
	expect_allowed(args);
	/* read, not skipped: the same value is still found */
	set("HGT_SE_A", STRONG1);
	d = se_run(args);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, "same value as SLACK_SIGNING_SECRET"));
	CU_ASSERT_FALSE(hgt_has(d, "HG-011", HG_SEV_FAIL, NULL));
	hg_decision_free(d);
	unset_all();
	free(other);
	free(svc);
}

static void
test_secretenv_refuses_another_services_env_file_others_may_write_or_read(void)
{
	static const mode_t modes[] = { 0660, 0644, 0602 };
	char *svc = hgt_path(hgt_dir, "opensvc"), *other, args[1024];

	HGT_NEED_ROOT();
	CU_ASSERT_EQUAL_FATAL(mkdir(svc, 0755), 0);
	other = hgt_write(svc, "other.env", "SLACK_SIGNING_SECRET=" STRONG1 "\n", 0600);
	CU_ASSERT_EQUAL_FATAL(chown(svc, 65534, 65534), 0);
	CU_ASSERT_EQUAL_FATAL(chown(other, 65534, 65534), 0);
	snprintf(args, sizeof(args),
		 "strong = [ \"HGT_SE_A\" ]; distinct_env_files = [ \"%s\" ]; id = \"" ID "\";",
		 other);
	set("HGT_SE_A", STRONG2);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(chmod(other, modes[i]), 0);
		expect_refused(args, "HG-011", other);
	}
	/* 0600 again, but its directory is writable by its group */
	CU_ASSERT_EQUAL_FATAL(chmod(other, 0600), 0);
	expect_allowed(args);
	CU_ASSERT_EQUAL_FATAL(chmod(svc, 0775), 0);
	expect_refused(args, "HG-011", svc);
	unset_all();
	free(other);
	free(svc);
}

/* --- revocation --- */

static void
test_secretenv_refuses_revoked_token(void)
{
	static const char *const revoked[] = { TOKEN, NULL };
	char fp[HG_FP_LEN];
	struct hg_decision *d;

	HGT_NEED_ROOT();
	revoke_values(revoked);
	set("HGT_SE_A", TOKEN);
	d = se_run("require_env = [ \"HGT_SE_A\" ]; id = \"DBW-PRE-04\"; "
		   "revoked_id = \"DBW-PRE-09\";");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-018", HG_SEV_FAIL, fp_of(TOKEN, fp)));
	CU_ASSERT_TRUE(hgt_has(d, "HG-018", HG_SEV_FAIL, "revoked: case 0"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-09", HG_SEV_FAIL, "HGT_SE_A is a revoked secret"));
	hg_decision_free(d);
	set("HGT_SE_A", TOKEN "0");	/* a new token */
	expect_allowed("require_env = [ \"HGT_SE_A\" ]; revoked_id = \"DBW-PRE-09\";");
	unrevoke_all();
	unset_all();
}

static void
test_secretenv_refuses_when_revocation_list_unreadable(void)
{
	char *rd = hgt_path(hgt_dir, "revoked.d"), *list;

	HGT_NEED_ROOT();
	mkdir(rd, 0755);
	list = hgt_write(rd, "list", "not a fingerprint\n", 0644);
	set("HGT_SE_A", TOKEN);
	expect_refused("require_env = [ \"HGT_SE_A\" ];", "HG-017", NULL);
	unlink(list);
	unset_all();
	free(list);
	free(rd);
}

/* --- no secret in any output --- */

static void
test_secretenv_no_finding_of_any_case_shows_a_secret(void)
{
	/* every run above went through assert_no_leak(); prove they were many */
	fprintf(stderr, "  (%u findings of %zu secret values checked) ", leak_checked, nsecrets);
	CU_ASSERT_TRUE(leak_checked >= 40);
	CU_ASSERT_TRUE(nsecrets >= 15);
	/* and the check itself catches a leak */
	CU_ASSERT_TRUE(leaks("x " STRONG1 " y", strlen(STRONG1) + 4));
}

void
hgt_suite_secretenv(void)
{
	CU_pSuite s = CU_add_suite("secretenv", hgt_suite_init, teardown);

	HGT_ADD(s, test_secretenv_refuses_unset_variable);
	HGT_ADD(s, test_secretenv_refuses_empty_variable);
	HGT_ADD(s, test_secretenv_refuses_blank_variable);
	HGT_ADD(s, test_secretenv_allows_set_variable);
	HGT_ADD(s, test_secretenv_refuses_bad_variable_name);
	HGT_ADD(s, test_secretenv_refuses_entry_naming_no_variable);
	HGT_ADD(s, test_secretenv_refuses_short_secret);
	HGT_ADD(s, test_secretenv_refuses_every_published_value);
	HGT_ADD(s, test_secretenv_refuses_kalamdb_insecure_list);
	HGT_ADD(s, test_secretenv_refuses_one_class_secret);
	HGT_ADD(s, test_secretenv_refuses_repeated_pattern);
	HGT_ADD(s, test_secretenv_refuses_low_entropy_secret);
	HGT_ADD(s, test_secretenv_allows_strong_secret);
	HGT_ADD(s, test_secretenv_min_length_and_entropy_args_raise_the_bar);
	HGT_ADD(s, test_secretenv_estimator_scores_structure_low_and_random_high);
	HGT_ADD(s, test_secretenv_finds_token_in_config_file);
	HGT_ADD(s, test_secretenv_finds_secret_inside_a_longer_value);
	HGT_ADD(s, test_secretenv_allows_config_that_refers_to_the_variable);
	HGT_ADD(s, test_secretenv_refuses_unreadable_config_file);
	HGT_ADD(s, test_secretenv_refuses_value_too_short_to_search);
	HGT_ADD(s, test_secretenv_scans_4mib_config_in_bounded_time);
	HGT_ADD(s, test_secretenv_parses_env_file_as_systemd);
	HGT_ADD(s, test_secretenv_allows_good_env_file);
	HGT_ADD(s, test_secretenv_refuses_world_readable_env_file);
	HGT_ADD(s, test_secretenv_refuses_env_file_of_another_owner);
	HGT_ADD(s, test_secretenv_refuses_relative_env_file);
	HGT_ADD(s, test_secretenv_refuses_malformed_env_file);
	HGT_ADD(s, test_secretenv_environment_wins_over_env_file);
	HGT_ADD(s, test_secretenv_reads_no_env_file_when_environment_has_all);
	HGT_ADD(s, test_secretenv_ignores_env_file_outside_check);
	HGT_ADD(s, test_secretenv_refuses_reused_secret);
	HGT_ADD(s, test_secretenv_allows_distinct_secrets);
	HGT_ADD(s, test_secretenv_refuses_secret_of_another_service);
	HGT_ADD(s, test_secretenv_reads_another_services_env_file_owned_by_its_account);
	HGT_ADD(s, test_secretenv_refuses_another_services_env_file_others_may_write_or_read);
	HGT_ADD(s, test_secretenv_refuses_revoked_token);
	HGT_ADD(s, test_secretenv_refuses_when_revocation_list_unreadable);
	HGT_ADD(s, test_secretenv_no_finding_of_any_case_shows_a_secret);
}
