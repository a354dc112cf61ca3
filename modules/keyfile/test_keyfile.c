/*
 * test_keyfile.c - keyfile through the real .so and loader (PAM retval
 * style): modes, owners, groups, types, symlinks, parent directories.
 *
 * Every refusal asserts status 78 and the finding that names the fault,
 * so it fails if the refusal stops. Tests that chown need root; they pass
 * with a note otherwise.
 */
#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"
#include "testutil.h"

#define ID "DBW-PRE-05"
#define OTHER 65534u		/* uid and gid of nobody/nogroup: not root, not us */


/* Run keyfile with ARGS (the inside of args: { }) at STAGE. */
static struct hg_decision *
run_at(const char *args, enum hg_stage stage)
{
	struct hg_run_opts o = { .stage = stage };

	return hgt_run_module(hgt_dir, "keyfile", args, &o);
}

/* keyfile on PATH under ID with EXTRA args, in the check stage. */
static struct hg_decision *
run_path(const char *path, const char *extra)
{
	char args[8192];

	snprintf(args, sizeof(args), "path = \"%s\"; id = \"" ID "\"; %s", path, extra);
	return run_at(args, HG_STAGE_CHECK);
}

/*
 * Assert the outcome: STATUS, and for a refusal a FAIL finding under ID
 * containing SUB; an allowed run must have no finding at all.
 */
static void
expect(const char *path, const char *extra, int status, const char *sub)
{
	struct hg_decision *d = run_path(path, extra);
	int ok = d->status == status;

	CU_ASSERT_EQUAL(d->status, status);
	if (sub) {
		CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, sub));
		ok = ok && hgt_has(d, ID, HG_SEV_FAIL, sub);
	}
	if (status == HG_EXIT_ALLOWED) {
		CU_ASSERT_EQUAL(d->n, 0);
		ok = ok && d->n == 0;
	}
	if (!ok) {
		fprintf(stderr, "\n  expected status %d%s%s for %s { %s }\n", status,
			sub ? " and " : "", sub ? sub : "", path, extra);
		hgt_dump(d);
	}
	hg_decision_free(d);
}

/* A key file DIR/NAME with MODE; returns its path. */
static char *
key(const char *in, const char *name, mode_t mode)
{
	return hgt_write(in, name, "secret key material\n", mode);
}

/* A directory DIR/NAME with exactly MODE; returns its path. */
static char *
subdir(const char *in, const char *name, mode_t mode)
{
	char *p = hgt_path(in, name);

	CU_ASSERT_EQUAL(mkdir(p, 0700), 0);
	CU_ASSERT_EQUAL(chmod(p, mode), 0);
	return p;
}

static const char *
uname_of(uid_t uid)
{
	struct passwd *pw = getpwuid(uid);

	return pw ? pw->pw_name : "no such user";
}

static const char *
gname_of(gid_t gid)
{
	struct group *gr = getgrgid(gid);

	return gr ? gr->gr_name : "no such group";
}

/* --- modes --- */

static void
test_keyfile_allows_0600_key(void)
{
	char *k = key(hgt_dir, "k600", 0600);

	expect(k, "mode = \"0600\";", HG_EXIT_ALLOWED, NULL);
	expect(k, "", HG_EXIT_ALLOWED, NULL);	/* default for a file: 0600 */
	free(k);
}

static void
test_keyfile_allows_stricter_0400_key(void)
{
	char *k = key(hgt_dir, "k400", 0400);

	expect(k, "mode = \"0600\";", HG_EXIT_ALLOWED, NULL);
	free(k);
}

static void
test_keyfile_refuses_group_readable_key(void)
{
	char *k = key(hgt_dir, "k640", 0640);
	struct hg_decision *d = run_path(k, "mode = \"0600\";");
	char msg[4200], fix[4200];

	snprintf(msg, sizeof(msg), "%s is mode 0640, must be 0600 or stricter", k);
	snprintf(fix, sizeof(fix), "chmod 0600 %s", k);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_EQUAL_FATAL(d->n, 1);
	CU_ASSERT_STRING_EQUAL(d->f[0].id, ID);
	CU_ASSERT_EQUAL(d->f[0].severity, HG_SEV_FAIL);
	CU_ASSERT_STRING_EQUAL(d->f[0].module, "keyfile");
	CU_ASSERT_STRING_EQUAL(d->f[0].message, msg);
	CU_ASSERT_STRING_EQUAL(d->f[0].fix, fix);
	CU_ASSERT_STRING_EQUAL(d->f[0].where, k);
	hg_decision_free(d);
	free(k);
}

static void
test_keyfile_refuses_world_readable_key(void)
{
	char *k = key(hgt_dir, "k644", 0644);

	expect(k, "", HG_EXIT_REFUSED, "is mode 0644, must be 0600 or stricter");
	expect(k, "mode = \"0600\";", HG_EXIT_REFUSED, "is mode 0644, must be 0600 or stricter");
	free(k);
}

static void
test_keyfile_allows_group_read_when_policy_says(void)
{
	char *k = key(hgt_dir, "k640b", 0640);

	expect(k, "mode = \"0640\";", HG_EXIT_ALLOWED, NULL);
	/* 0604 allows as many bits, but not these: a mask, not a number */
	expect(k, "mode = \"0604\";", HG_EXIT_REFUSED, "is mode 0640, must be 0604 or stricter");
	free(k);
}

static void
test_keyfile_refuses_setuid_bit(void)
{
	char *k = key(hgt_dir, "ksuid", 0600);

	CU_ASSERT_EQUAL(chmod(k, 04600), 0);
	expect(k, "", HG_EXIT_REFUSED, "is mode 4600, must be 0600 or stricter");
	free(k);
}

static void
test_keyfile_reports_under_default_id(void)
{
	char *k = key(hgt_dir, "kdef", 0644), args[4200];
	struct hg_decision *d;

	snprintf(args, sizeof(args), "path = \"%s\";", k);
	d = run_at(args, HG_STAGE_CHECK);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-011", HG_SEV_FAIL, "is mode 0644"));
	hg_decision_free(d);
	free(k);
}

static void
test_keyfile_refuses_in_every_stage(void)
{
	char *k = key(hgt_dir, "kstage", 0644), args[4200];
	enum hg_stage stages[] = { HG_STAGE_CHECK, HG_STAGE_LAUNCHER, HG_STAGE_PROCESS };

	snprintf(args, sizeof(args), "path = \"%s\"; id = \"" ID "\";", k);
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		struct hg_decision *d = run_at(args, stages[i]);

		CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
		CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, "is mode 0644"));
		hg_decision_free(d);
	}
	CU_ASSERT_EQUAL(chmod(k, 0600), 0);
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		struct hg_decision *d = run_at(args, stages[i]);

		CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
		hg_decision_free(d);
	}
	free(k);
}

/* --- types --- */

static void
test_keyfile_allows_0700_dir(void)
{
	char *d = subdir(hgt_dir, "data700", 0700);

	expect(d, "type = \"dir\";", HG_EXIT_ALLOWED, NULL);	/* default for a hgt_dir: 0700 */
	expect(d, "type = \"dir\"; mode = \"0700\";", HG_EXIT_ALLOWED, NULL);
	free(d);
}

static void
test_keyfile_refuses_group_readable_dir(void)
{
	char *d = subdir(hgt_dir, "data750", 0750);

	expect(d, "type = \"dir\";", HG_EXIT_REFUSED, "is mode 0750, must be 0700 or stricter");
	expect(d, "type = \"dir\"; mode = \"0700\";", HG_EXIT_REFUSED,
	       "is mode 0750, must be 0700 or stricter");
	expect(d, "type = \"dir\"; mode = \"0750\";", HG_EXIT_ALLOWED, NULL);
	free(d);
}

static void
test_keyfile_refuses_dir_where_file_expected(void)
{
	char *d = subdir(hgt_dir, "notafile", 0700), sub[4200];

	snprintf(sub, sizeof(sub), "%s is not a regular file", d);
	expect(d, "", HG_EXIT_REFUSED, sub);
	expect(d, "type = \"file\";", HG_EXIT_REFUSED, sub);
	free(d);
}

static void
test_keyfile_refuses_file_where_dir_expected(void)
{
	char *k = key(hgt_dir, "notadir", 0600), sub[4200];

	snprintf(sub, sizeof(sub), "%s is not a directory", k);
	expect(k, "type = \"dir\";", HG_EXIT_REFUSED, sub);
	free(k);
}

static void
test_keyfile_refuses_missing_key(void)
{
	char *k = hgt_path(hgt_dir, "absent.key"), sub[4200];
	struct hg_decision *d;

	snprintf(sub, sizeof(sub), "%s: No such file or directory", k);
	d = run_path(k, "");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, sub));
	CU_ASSERT_EQUAL_FATAL(d->n, 1);
	CU_ASSERT_STRING_EQUAL(d->f[0].where, k);
	CU_ASSERT_STRING_EQUAL(d->f[0].fix, "create it, or correct the path");
	hg_decision_free(d);
	free(k);
}

static void
test_keyfile_refuses_relative_path(void)
{
	struct hg_decision *d = run_path("relative/signing.key", "");

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, "path relative/signing.key is not absolute"));
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, "hardgate.conf:"));	/* where: the policy */
	hg_decision_free(d);
}

/* --- owner and group --- */

static void
test_keyfile_refuses_wrong_owner(void)
{
	char *k, sub[256], fix[4200];
	struct hg_decision *d;

	HGT_NEED_ROOT();
	k = key(hgt_dir, "kown", 0600);
	CU_ASSERT_EQUAL(chown(k, OTHER, OTHER), 0);
	d = run_path(k, "owner = \"root\";");
	snprintf(sub, sizeof(sub), "is owned by uid %u (%s), must be owned by root (uid 0)",
		 OTHER, uname_of(OTHER));
	snprintf(fix, sizeof(fix), "chown root %s", k);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, sub));
	CU_ASSERT_EQUAL_FATAL(d->n, 1);
	CU_ASSERT_STRING_EQUAL(d->f[0].fix, fix);
	hg_decision_free(d);
	/* a numeric owner is named by its account in the message */
	expect(k, "owner = \"0\";", HG_EXIT_REFUSED, "must be owned by root (uid 0)");
	free(k);
}

static void
test_keyfile_allows_matching_non_root_owner(void)
{
	char *k, owner[64];

	HGT_NEED_ROOT();
	k = key(hgt_dir, "kmine", 0600);
	CU_ASSERT_EQUAL(chown(k, OTHER, OTHER), 0);
	snprintf(owner, sizeof(owner), "owner = \"%u\";", OTHER);
	expect(k, owner, HG_EXIT_ALLOWED, NULL);
	if (getpwuid(OTHER)) {
		snprintf(owner, sizeof(owner), "owner = \"%s\";", uname_of(OTHER));
		expect(k, owner, HG_EXIT_ALLOWED, NULL);
	}
	free(k);
}

static void
test_keyfile_refuses_wrong_group(void)
{
	char *k, sub[256], fix[4200];
	struct hg_decision *d;

	HGT_NEED_ROOT();
	k = key(hgt_dir, "kgrp", 0600);
	CU_ASSERT_EQUAL(chown(k, 0, OTHER), 0);
	d = run_path(k, "group = \"root\";");
	snprintf(sub, sizeof(sub), "has group gid %u (%s), must have group root (gid 0)",
		 OTHER, gname_of(OTHER));
	snprintf(fix, sizeof(fix), "chgrp root %s", k);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, sub));
	CU_ASSERT_EQUAL_FATAL(d->n, 1);
	CU_ASSERT_STRING_EQUAL(d->f[0].fix, fix);
	hg_decision_free(d);
	free(k);
}

static void
test_keyfile_allows_matching_group(void)
{
	char *k, group[64];

	HGT_NEED_ROOT();
	k = key(hgt_dir, "kgrp2", 0640);
	CU_ASSERT_EQUAL(chown(k, 0, OTHER), 0);
	snprintf(group, sizeof(group), "mode = \"0640\"; group = \"%u\";", OTHER);
	expect(k, group, HG_EXIT_ALLOWED, NULL);
	CU_ASSERT_EQUAL(chown(k, 0, 0), 0);
	expect(k, "mode = \"0640\"; group = \"root\";", HG_EXIT_ALLOWED, NULL);
	free(k);
}

static void
test_keyfile_refuses_unknown_owner(void)
{
	char *k = key(hgt_dir, "kacct", 0600);
	struct hg_decision *d = run_path(k, "owner = \"no-such-user-hg\";");

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, "owner 'no-such-user-hg' of"));
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, "is not a known user"));
	CU_ASSERT_EQUAL_FATAL(d->n, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(d->f[0].where, "hardgate.conf:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d->f[0].fix, "create the account"));
	hg_decision_free(d);
	free(k);
}

static void
test_keyfile_refuses_unknown_group(void)
{
	char *k = key(hgt_dir, "kacctg", 0600);
	struct hg_decision *d = run_path(k, "group = \"no-such-group-hg\";");

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, "group 'no-such-group-hg' of"));
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, "is not a known group"));
	CU_ASSERT_EQUAL_FATAL(d->n, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(d->f[0].where, "hardgate.conf:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(d->f[0].fix, "create the group"));
	hg_decision_free(d);
	free(k);
}

static void
test_keyfile_reports_every_problem(void)
{
	char *k;
	struct hg_decision *d;

	HGT_NEED_ROOT();
	k = key(hgt_dir, "kmany", 0644);
	CU_ASSERT_EQUAL(chown(k, OTHER, OTHER), 0);
	d = run_path(k, "owner = \"root\"; group = \"root\";");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_EQUAL(hg_decision_count_sev(d, HG_SEV_FAIL), 3);
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, "is mode 0644, must be 0600 or stricter"));
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, "is owned by uid 65534"));
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, "has group gid 65534"));
	hg_decision_free(d);
	/* mode and owner only */
	d = run_path(k, "owner = \"root\";");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_EQUAL(hg_decision_count_sev(d, HG_SEV_FAIL), 2);
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, "is mode 0644"));
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, "is owned by uid 65534"));
	hg_decision_free(d);
	free(k);
}

static void
test_keyfile_reports_both_unknown_accounts(void)
{
	char *k = key(hgt_dir, "kboth", 0600);
	struct hg_decision *d = run_path(k, "owner = \"no-such-user-hg\"; group = \"no-such-group-hg\";");

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, "is not a known user"));
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, "is not a known group"));
	hg_decision_free(d);
	free(k);
}

/* --- symbolic links --- */

static void
test_keyfile_refuses_symlinked_key_by_default(void)
{
	char *k = key(hgt_dir, "real.key", 0600), *l = hgt_path(hgt_dir, "link.key"), sub[4200];

	CU_ASSERT_EQUAL(symlink(k, l), 0);
	snprintf(sub, sizeof(sub), "%s is a symbolic link", l);
	expect(l, "", HG_EXIT_REFUSED, sub);
	expect(l, "follow_symlinks = false;", HG_EXIT_REFUSED, sub);
	free(k);
	free(l);
}

static void
test_keyfile_follows_symlinked_key_when_allowed(void)
{
	char *k = key(hgt_dir, "real2.key", 0600), *l = hgt_path(hgt_dir, "link2.key");

	CU_ASSERT_EQUAL(symlink("real2.key", l), 0);
	expect(l, "follow_symlinks = true;", HG_EXIT_ALLOWED, NULL);
	/* once followed, the target's mode is what counts */
	CU_ASSERT_EQUAL(chmod(k, 0644), 0);
	expect(l, "follow_symlinks = true;", HG_EXIT_REFUSED, "is mode 0644, must be 0600");
	free(k);
	free(l);
}

static void
test_keyfile_refuses_followed_symlink_into_untrusted_dir(void)
{
	char *gw = subdir(hgt_dir, "gwtarget", 0755), *k = key(gw, "key", 0600);
	char *l = hgt_path(hgt_dir, "link3.key"), sub[4200];

	CU_ASSERT_EQUAL(chmod(gw, 0777), 0);
	CU_ASSERT_EQUAL(symlink(k, l), 0);
	snprintf(sub, sizeof(sub), "directory %s is mode 0777, group/world-writable", gw);
	expect(l, "follow_symlinks = true;", HG_EXIT_REFUSED, sub);
	free(k);
	free(l);
	free(gw);
}

/* --- parent directories --- */

static void
test_keyfile_refuses_group_writable_parent(void)
{
	char *sub = subdir(hgt_dir, "gw", 0755), *k = key(sub, "key", 0600), msg[4200];
	struct hg_decision *d;

	CU_ASSERT_EQUAL(chmod(sub, 0775), 0);
	d = run_path(k, "");
	snprintf(msg, sizeof(msg), "directory %s is mode 0775, group/world-writable", sub);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, ID, HG_SEV_FAIL, msg));
	CU_ASSERT_EQUAL_FATAL(d->n, 1);
	CU_ASSERT_STRING_EQUAL(d->f[0].where, sub);
	hg_decision_free(d);
	CU_ASSERT_EQUAL(chmod(sub, 0755), 0);
	expect(k, "", HG_EXIT_ALLOWED, NULL);
	free(k);
	free(sub);
}

static void
test_keyfile_refuses_world_writable_parent_without_sticky_bit(void)
{
	char *sub = subdir(hgt_dir, "ww", 0755), *k = key(sub, "key", 0600), msg[4200];

	CU_ASSERT_EQUAL(chmod(sub, 0777), 0);
	snprintf(msg, sizeof(msg), "directory %s is mode 0777, group/world-writable", sub);
	expect(k, "", HG_EXIT_REFUSED, msg);
	free(k);
	free(sub);
}

static void
test_keyfile_refuses_parent_owned_by_other_uid(void)
{
	char *sub, *k, msg[4200];

	HGT_NEED_ROOT();
	sub = subdir(hgt_dir, "other", 0755);
	k = key(sub, "key", 0600);
	CU_ASSERT_EQUAL(chown(sub, OTHER, OTHER), 0);
	snprintf(msg, sizeof(msg), "directory %s is owned by uid %u, must be owned by root",
		 sub, OTHER);
	/* root's key below a directory someone else could swap it in */
	expect(k, "", HG_EXIT_REFUSED, msg);
	expect(k, "owner = \"root\";", HG_EXIT_REFUSED, msg);
	free(k);
	free(sub);
}

static void
test_keyfile_allows_parent_owned_by_policy_owner(void)
{
	char *sub, *k, owner[64];

	HGT_NEED_ROOT();
	sub = subdir(hgt_dir, "mine", 0700);
	k = key(sub, "key", 0600);
	CU_ASSERT_EQUAL(chown(sub, OTHER, OTHER), 0);
	CU_ASSERT_EQUAL(chown(k, OTHER, OTHER), 0);
	snprintf(owner, sizeof(owner), "owner = \"%u\";", OTHER);
	expect(k, owner, HG_EXIT_ALLOWED, NULL);
	/* and the data directory itself, as in design.md's dbward stack */
	snprintf(owner, sizeof(owner), "type = \"dir\"; owner = \"%u\";", OTHER);
	expect(sub, owner, HG_EXIT_ALLOWED, NULL);
	free(k);
	free(sub);
}

static void
test_keyfile_allows_root_entries_in_sticky_tmp(void)
{
	char k[] = "/tmp/hgtest-key.XXXXXX";
	struct stat st;
	int fd;

	/* every key of this suite lives below /tmp: it must be sticky for them */
	CU_ASSERT_EQUAL_FATAL(stat("/tmp", &st), 0);
	CU_ASSERT_TRUE(st.st_mode & S_ISVTX);
	CU_ASSERT_TRUE(st.st_mode & S_IWOTH);
	HGT_NEED_ROOT();
	fd = mkstemp(k);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL(chmod(k, 0600), 0);
	expect(k, "", HG_EXIT_ALLOWED, NULL);	/* directly in /tmp */
	unlink(k);
}

static void
test_keyfile_refuses_foreign_entry_in_sticky_dir(void)
{
	char k[] = "/tmp/hgtest-key.XXXXXX", msg[4200], *sticky, *k2;
	int fd;

	HGT_NEED_ROOT();
	fd = mkstemp(k);
	CU_ASSERT_FATAL(fd >= 0);
	close(fd);
	CU_ASSERT_EQUAL(chmod(k, 0600), 0);
	CU_ASSERT_EQUAL(chown(k, OTHER, OTHER), 0);
	snprintf(msg, sizeof(msg), "%s is owned by uid %u inside a world-writable directory", k,
		 OTHER);
	expect(k, "", HG_EXIT_REFUSED, msg);
	unlink(k);
	/* the same in a sticky directory of our own; root's entries are fine */
	sticky = subdir(hgt_dir, "sticky", 01777);
	k2 = key(sticky, "key", 0600);
	expect(k2, "", HG_EXIT_ALLOWED, NULL);
	CU_ASSERT_EQUAL(chown(k2, OTHER, OTHER), 0);
	snprintf(msg, sizeof(msg), "%s is owned by uid %u inside a world-writable directory", k2,
		 OTHER);
	expect(k2, "", HG_EXIT_REFUSED, msg);
	free(k2);
	free(sticky);
}

void
hgt_suite_keyfile(void)
{
	CU_pSuite s = CU_add_suite("keyfile", hgt_suite_init, hgt_suite_clean);

	HGT_ADD(s, test_keyfile_allows_0600_key);
	HGT_ADD(s, test_keyfile_allows_stricter_0400_key);
	HGT_ADD(s, test_keyfile_refuses_group_readable_key);
	HGT_ADD(s, test_keyfile_refuses_world_readable_key);
	HGT_ADD(s, test_keyfile_allows_group_read_when_policy_says);
	HGT_ADD(s, test_keyfile_refuses_setuid_bit);
	HGT_ADD(s, test_keyfile_reports_under_default_id);
	HGT_ADD(s, test_keyfile_refuses_in_every_stage);
	HGT_ADD(s, test_keyfile_allows_0700_dir);
	HGT_ADD(s, test_keyfile_refuses_group_readable_dir);
	HGT_ADD(s, test_keyfile_refuses_dir_where_file_expected);
	HGT_ADD(s, test_keyfile_refuses_file_where_dir_expected);
	HGT_ADD(s, test_keyfile_refuses_missing_key);
	HGT_ADD(s, test_keyfile_refuses_relative_path);
	HGT_ADD(s, test_keyfile_refuses_wrong_owner);
	HGT_ADD(s, test_keyfile_allows_matching_non_root_owner);
	HGT_ADD(s, test_keyfile_refuses_wrong_group);
	HGT_ADD(s, test_keyfile_allows_matching_group);
	HGT_ADD(s, test_keyfile_refuses_unknown_owner);
	HGT_ADD(s, test_keyfile_refuses_unknown_group);
	HGT_ADD(s, test_keyfile_reports_every_problem);
	HGT_ADD(s, test_keyfile_reports_both_unknown_accounts);
	HGT_ADD(s, test_keyfile_refuses_symlinked_key_by_default);
	HGT_ADD(s, test_keyfile_follows_symlinked_key_when_allowed);
	HGT_ADD(s, test_keyfile_refuses_followed_symlink_into_untrusted_dir);
	HGT_ADD(s, test_keyfile_refuses_group_writable_parent);
	HGT_ADD(s, test_keyfile_refuses_world_writable_parent_without_sticky_bit);
	HGT_ADD(s, test_keyfile_refuses_parent_owned_by_other_uid);
	HGT_ADD(s, test_keyfile_allows_parent_owned_by_policy_owner);
	HGT_ADD(s, test_keyfile_allows_root_entries_in_sticky_tmp);
	HGT_ADD(s, test_keyfile_refuses_foreign_entry_in_sticky_dir);
}
