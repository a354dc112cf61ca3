/* testutil.h - shared helpers of the CUnit runner (tests/unit/runner.c). */
#ifndef HG_TESTUTIL_H
#define HG_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <CUnit/CUnit.h>
#include <hardgate/module.h>

#include "decision.h"

/*
 * CUnit's _FATAL assertions leave a failing test by longjmp(), which its
 * header cannot say: gcc -fanalyzer (make analyze) then follows the
 * test past a failed one with the NULL it asserted against. These say it;
 * the abort() is never reached inside a test (outside one, where CUnit
 * would go on, it stops the run).
 */
#define HGT_FATAL_(ok, text) do { \
	CU_BOOL hgt_ok_ = (ok) ? CU_TRUE : CU_FALSE; \
	CU_assertImplementation(hgt_ok_, __LINE__, text, __FILE__, "", CU_TRUE); \
	if (!hgt_ok_) \
		abort(); \
} while (0)
#undef CU_ASSERT_FATAL
#define CU_ASSERT_FATAL(v) HGT_FATAL_(v, #v)
#undef CU_ASSERT_TRUE_FATAL
#define CU_ASSERT_TRUE_FATAL(v) HGT_FATAL_(v, "CU_ASSERT_TRUE_FATAL(" #v ")")
#undef CU_ASSERT_EQUAL_FATAL
#define CU_ASSERT_EQUAL_FATAL(a, b) \
	HGT_FATAL_((a) == (b), "CU_ASSERT_EQUAL_FATAL(" #a "," #b ")")
#undef CU_ASSERT_PTR_NOT_NULL_FATAL
#define CU_ASSERT_PTR_NOT_NULL_FATAL(v) \
	HGT_FATAL_((const void *)(v) != NULL, "CU_ASSERT_PTR_NOT_NULL_FATAL(" #v ")")

/* The suites' fixture: a fresh temp dir in hgt_dir for the suite's life. */
extern char *hgt_dir;
int hgt_suite_init(void);
int hgt_suite_clean(void);

/* A fresh 0755 directory under /tmp; free with hgt_rmrf(). */
char *hgt_tmpdir(void);
/* Remove DIR and everything below it, then free it. */
void hgt_rmrf(char *dir);
/* Create DIR/NAME with TEXT and exactly MODE (after umask); returns the malloc'd path. */
char *hgt_write(const char *dir, const char *name, const char *text, mode_t mode);
/* The same with N bytes of BUF (binary, NULs included). */
char *hgt_write_bytes(const char *dir, const char *name, const void *buf, size_t n, mode_t mode);
/* Malloc'd "DIR/NAME". */
char *hgt_path(const char *dir, const char *name);

/*
 * readdir() as the code linked into this runner sees it (the runner is
 * linked with -Wl,--wrap=readdir): with hgt_readdir_fail_after = N >= 0,
 * N more entries are returned, then one call fails with EIO and the
 * counter goes back to -1 (never fail, the default).
 */
extern int hgt_readdir_fail_after;

/*
 * Write DIR/hardgate.conf: mode MODE ("enforce"...), module_dir the built
 * modules (HG_MODULE_DIR_TEST), revoked_dir DIR/revoked.d and attest_dir
 * DIR/attest (both absent unless a test makes them), syslog off, and
 * `services: { BODY };`.
 * Returns the malloc'd path.
 */
char *hgt_policy(const char *dir, const char *mode, const char *body);

/*
 * The module tests' harness: write DIR/hardgate.conf with one service
 * "svc" whose stack is MODULE (required) with ARGS (the inside of
 * args: { }), and run it with O (its conf and service are filled in;
 * NULL: the check stage). Prints the findings when refused. Never NULL.
 */
struct hg_run_opts;

/* Just the policy of hgt_run_module(); returns the malloc'd path. */
char *hgt_module_policy(const char *dir, const char *module, const char *args);

struct hg_decision *hgt_run_module(const char *dir, const char *module, const char *args,
				   const struct hg_run_opts *o);

/* hg_run() with SERVICE at STAGE (test_root may be NULL). Never NULL. */
struct hg_decision *hgt_run(const char *conf, const char *service, enum hg_stage stage,
			    const char *test_root);

/* 1 if D has a finding with ID, severity SEV (or any if SEV < 0) whose message contains SUB (or any if NULL). */
int hgt_has(const struct hg_decision *d, const char *id, int sev, const char *sub);

/*
 * An application module's run on its config: write TEXT as DIR/NAME
 * (0640), run MODULE (required) with `config = "DIR/NAME"; ARGS` at
 * STAGE. *CFGP (if given) gets the malloc'd path. Never NULL.
 */
struct hg_decision *hgt_run_config(const char *dir, const char *module, const char *name,
				   const char *text, const char *args, enum hg_stage stage,
				   char **cfgp);

/*
 * The source tree's file REL (HG_SRCDIR/REL) with every PLACEHOLDER
 * replaced by VALUE (PLACEHOLDER may be NULL); malloc'd. Aborts if it
 * cannot be read.
 */
char *hgt_fixture(const char *rel, const char *placeholder, const char *value);

/*
 * 1 if D has a finding ID of severity SEV (any if < 0) whose where is
 * "FILE:LINE", LINE being the first line of TEXT (FILE's contents) that
 * contains NEEDLE. Says what is missing on stderr otherwise.
 */
int hgt_has_at(const struct hg_decision *d, const char *id, int sev, const char *file,
	       const char *text, const char *needle);

/* The number of D's findings of severity SEV. */
int hgt_count(const struct hg_decision *d, int sev);

/* 1 if no finding of D shows S in its message, where or fix. */
int hgt_never_shows(const struct hg_decision *d, const char *s);

/* Print D's findings to stderr (for a failing test's log). */
void hgt_dump(const struct hg_decision *d);

/*
 * Run FN(ARG) in a forked child (for tests that change the process:
 * rlimits, uids, capabilities) and return its exit status, or -1 if it
 * did not exit normally.
 */
int hgt_fork(int (*fn)(void *), void *arg);

/*
 * Make the kernel look as if it lacked a feature, for fail-closed tests in
 * a forked child: syscall NR (with first argument ARG0, or any if < 0)
 * fails with ERR from now on. 0, or -1 if no filter can be installed.
 */
int hgt_deny_syscall(int nr, long arg0, int err);

/* Leave a test that needs root, saying so (CU_PASS: a skip, not a failure). */
#define HGT_NEED_ROOT()                                                       \
	do {                                                                  \
		if (!hgt_root()) {                                            \
			fprintf(stderr, "  (%s: needs root, skipped) ", __func__); \
			CU_PASS("skipped: needs root");                       \
			return;                                               \
		}                                                             \
	} while (0)

/* 1 when running as root (tests that chown skip otherwise, saying so). */
int hgt_root(void);

/* The built modules directory (HG_MODULE_DIR_TEST). */
const char *hgt_module_dir(void);

/*
 * Leave out the registered suites named in LIST ("seccomp netout"; NULL or
 * "": none), reported as inactive, not failed. For lanes that cannot run
 * them (valgrind has no seccomp(2)); a name that is no suite returns -1.
 */
int hgt_skip_suites(const char *list);

/* Suites: each test file defines one of these; runner.c calls them all. */
void hgt_suite_safefile(void);
void hgt_suite_policy(void);
void hgt_suite_stack(void);
void hgt_suite_loader(void);
void hgt_suite_catalog(void);
void hgt_suite_keyfile(void);
void hgt_suite_coredump(void);
void hgt_suite_privs(void);
void hgt_suite_seccomp(void);
void hgt_suite_netout(void);
void hgt_suite_allowlist(void);
void hgt_suite_revoke(void);
void hgt_suite_secretenv(void);
void hgt_suite_dbward(void);
void hgt_suite_kalamdb(void);
void hgt_suite_toml(void);
void hgt_suite_url(void);
void hgt_suite_attest(void);
void hgt_suite_tls(void);
void hgt_suite_sigkey(void);
void hgt_suite_report(void);

#define HGT_ADD(suite, fn) CU_add_test((suite), #fn, (fn))

#endif
