/*
 * test_keyfile.c - keyfile through the real .so and loader (PAM retval
 * style): modes, owners, groups, types, symlinks, parent directories.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static char *dir;

static int
setup(void)
{
	dir = hgt_tmpdir();
	return 0;
}

static int
teardown(void)
{
	hgt_rmrf(dir);
	return 0;
}

/* Run keyfile with ARGS (inside args: { }) in check stage. */
static struct hg_decision *
run(const char *args)
{
	char *body, *conf;
	struct hg_decision *d;

	if (asprintf(&body, "  svc: { stack = ( { module = \"keyfile\"; control = \"required\"; "
		     "args: { %s }; } ); };", args) < 0)
		abort();
	conf = hgt_policy(dir, "enforce", body);
	d = hgt_run(conf, "svc", HG_STAGE_CHECK, NULL);
	if (d->status != HG_EXIT_ALLOWED)
		hgt_dump(d);
	free(body);
	free(conf);
	return d;
}

/* A key file DIR/NAME with MODE; returns its path. */
static char *
key(const char *name, mode_t mode)
{
	return hgt_write(dir, name, "secret key material\n", mode);
}

static struct hg_decision *
run_path(const char *path, const char *extra)
{
	char args[1024];

	snprintf(args, sizeof(args), "path = \"%s\"; id = \"DBW-PRE-05\"; %s", path, extra);
	return run(args);
}

static void
expect(const char *path, const char *extra, int status, const char *sub)
{
	struct hg_decision *d = run_path(path, extra);

	CU_ASSERT_EQUAL(d->status, status);
	if (sub)
		CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-05", HG_SEV_FAIL, sub));
	hg_decision_free(d);
}

static void
test_keyfile_allows_0600_key(void)
{
	char *k = key("k600", 0600);

	expect(k, "mode = \"0600\";", HG_EXIT_ALLOWED, NULL);
	expect(k, "", HG_EXIT_ALLOWED, NULL);	/* default 0600 */
	free(k);
}

static void
test_keyfile_allows_stricter_0400_key(void)
{
	char *k = key("k400", 0400);

	expect(k, "mode = \"0600\";", HG_EXIT_ALLOWED, NULL);
	free(k);
}

static void
test_keyfile_refuses_group_readable_key(void)
{
	char *k = key("k640", 0640);
	struct hg_decision *d = run_path(k, "mode = \"0600\";");
	char fix[512];

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-05", HG_SEV_FAIL, "is mode 0640, must be 0600 or stricter"));
	snprintf(fix, sizeof(fix), "chmod 0600 %s", k);
	CU_ASSERT_EQUAL_FATAL(d->n, 1);
	CU_ASSERT_STRING_EQUAL(d->f[0].fix, fix);
	CU_ASSERT_STRING_EQUAL(d->f[0].where, k);
	hg_decision_free(d);
	free(k);
}

static void
test_keyfile_refuses_world_readable_key(void)
{
	char *k = key("k644", 0644);

	expect(k, "", HG_EXIT_REFUSED, "is mode 0644, must be 0600 or stricter");
	free(k);
}

static void
test_keyfile_group_read_allowed_when_policy_says(void)
{
	char *k = key("k640b", 0640);

	expect(k, "mode = \"0640\";", HG_EXIT_ALLOWED, NULL);
	expect(k, "mode = \"0604\";", HG_EXIT_REFUSED, "must be 0604 or stricter");
	free(k);
}

static void
test_keyfile_refuses_setuid_bits(void)
{
	char *k = key("ksuid", 0600);

	chmod(k, 04600);
	expect(k, "", HG_EXIT_REFUSED, "is mode 4600");
	free(k);
}

static void
test_keyfile_checks_directories(void)
{
	char *d700 = hgt_path(dir, "data700"), *d750 = hgt_path(dir, "data750");

	mkdir(d700, 0700);
	mkdir(d750, 0750);
	chmod(d750, 0750);
	expect(d700, "type = \"dir\";", HG_EXIT_ALLOWED, NULL);
	expect(d750, "type = \"dir\";", HG_EXIT_REFUSED, "is mode 0750, must be 0700 or stricter");
	expect(d750, "type = \"dir\"; mode = \"0750\";", HG_EXIT_ALLOWED, NULL);
	/* a directory where a file is expected, and the other way round */
	expect(d700, "", HG_EXIT_REFUSED, "not a regular file");
	{
		char *k = key("kf", 0600);

		expect(k, "type = \"dir\";", HG_EXIT_REFUSED, "not a directory");
		free(k);
	}
	free(d700);
	free(d750);
}

static void
test_keyfile_refuses_missing_key(void)
{
	char *k = hgt_path(dir, "absent.key");

	expect(k, "", HG_EXIT_REFUSED, "absent.key: No such file");
	free(k);
}

static void
test_keyfile_refuses_wrong_owner(void)
{
	char *k = key("kown", 0600);
	struct hg_decision *d;

	if (!hgt_root()) {
		fprintf(stderr, "  (not root: owner tests skipped)\n");
		free(k);
		return;
	}
	CU_ASSERT_EQUAL(chown(k, 65534, 65534), 0);
	d = run_path(k, "owner = \"root\";");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-05", HG_SEV_FAIL,
			       "is owned by uid 65534 (nobody), must be owned by root (uid 0)"));
	hg_decision_free(d);
	/* the right non-root owner is accepted (its parent is root's) */
	expect(k, "owner = \"65534\";", HG_EXIT_ALLOWED, NULL);
	free(k);
}

static void
test_keyfile_reports_every_problem(void)
{
	char *k = key("kmany", 0644);
	struct hg_decision *d;

	if (!hgt_root()) {
		free(k);
		return;
	}
	CU_ASSERT_EQUAL(chown(k, 65534, 65534), 0);
	d = run_path(k, "owner = \"root\"; group = \"root\";");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_EQUAL(hg_decision_count_sev(d, HG_SEV_FAIL), 3);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-05", HG_SEV_FAIL, "is mode 0644"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-05", HG_SEV_FAIL, "owned by uid 65534"));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-PRE-05", HG_SEV_FAIL, "has group gid 65534"));
	hg_decision_free(d);
	free(k);
}

static void
test_keyfile_checks_group(void)
{
	char *k = key("kgrp", 0600);

	if (!hgt_root()) {
		free(k);
		return;
	}
	CU_ASSERT_EQUAL(chown(k, 0, 0), 0);
	expect(k, "group = \"root\";", HG_EXIT_ALLOWED, NULL);
	CU_ASSERT_EQUAL(chown(k, 0, 65534), 0);
	expect(k, "group = \"root\";", HG_EXIT_REFUSED, "must be root (gid 0)");
	free(k);
}

static void
test_keyfile_refuses_unknown_accounts(void)
{
	char *k = key("kacct", 0600);

	expect(k, "owner = \"no-such-user-hg\";", HG_EXIT_REFUSED, "is not a known user");
	expect(k, "group = \"no-such-group-hg\";", HG_EXIT_REFUSED, "is not a known group");
	free(k);
}

static void
test_keyfile_symlink_refused_unless_allowed(void)
{
	char *k = key("real.key", 0600), *l = hgt_path(dir, "link.key");

	CU_ASSERT_EQUAL(symlink(k, l), 0);
	expect(l, "", HG_EXIT_REFUSED, "is a symbolic link");
	expect(l, "follow_symlinks = true;", HG_EXIT_ALLOWED, NULL);
	/* the target's mode is what counts once followed */
	chmod(k, 0644);
	expect(l, "follow_symlinks = true;", HG_EXIT_REFUSED, "is mode 0644");
	free(k);
	free(l);
}

static void
test_keyfile_refuses_writable_parent(void)
{
	char *sub = hgt_path(dir, "gw"), *k;

	mkdir(sub, 0755);
	k = hgt_write(sub, "key", "x", 0600);
	chmod(sub, 0775);
	expect(k, "", HG_EXIT_REFUSED, "is mode 0775, group/world-writable");
	chmod(sub, 0755);
	expect(k, "", HG_EXIT_ALLOWED, NULL);
	free(k);
	free(sub);
}

static void
test_keyfile_parent_owned_by_other_uid(void)
{
	char *sub = hgt_path(dir, "other"), *k;

	if (!hgt_root()) {
		free(sub);
		return;
	}
	mkdir(sub, 0755);
	k = hgt_write(sub, "key", "x", 0600);
	CU_ASSERT_EQUAL(chown(sub, 65534, 65534), 0);
	CU_ASSERT_EQUAL(chown(k, 65534, 65534), 0);
	/* a parent owned by someone who is neither root nor the owner */
	expect(k, "", HG_EXIT_REFUSED, "owned by uid 65534, must be owned by root");
	/* the same parent is fine when it belongs to the key's owner */
	expect(k, "owner = \"65534\";", HG_EXIT_ALLOWED, NULL);
	free(k);
	free(sub);
}

static void
test_keyfile_sticky_dir_needs_own_entries(void)
{
	char *sticky = hgt_path(dir, "sticky"), *k;

	/* a root-owned key directly in a world-writable sticky dir is fine */
	mkdir(sticky, 01777);
	chmod(sticky, 01777);
	k = hgt_write(sticky, "key", "x", 0600);
	expect(k, "", HG_EXIT_ALLOWED, NULL);
	if (hgt_root()) {
		/* one owned by another uid there could have been planted */
		CU_ASSERT_EQUAL(chown(k, 65534, 65534), 0);
		expect(k, "", HG_EXIT_REFUSED, "inside a world-writable directory");
	}
	/* world-writable without the sticky bit: anyone could swap the key */
	chmod(sticky, 0777);
	expect(k, "", HG_EXIT_REFUSED, "group/world-writable");
	free(k);
	free(sticky);
}

void
hgt_suite_keyfile(void)
{
	CU_pSuite s = CU_add_suite("keyfile", setup, teardown);

	HGT_ADD(s, test_keyfile_allows_0600_key);
	HGT_ADD(s, test_keyfile_allows_stricter_0400_key);
	HGT_ADD(s, test_keyfile_refuses_group_readable_key);
	HGT_ADD(s, test_keyfile_refuses_world_readable_key);
	HGT_ADD(s, test_keyfile_group_read_allowed_when_policy_says);
	HGT_ADD(s, test_keyfile_refuses_setuid_bits);
	HGT_ADD(s, test_keyfile_checks_directories);
	HGT_ADD(s, test_keyfile_refuses_missing_key);
	HGT_ADD(s, test_keyfile_refuses_wrong_owner);
	HGT_ADD(s, test_keyfile_reports_every_problem);
	HGT_ADD(s, test_keyfile_checks_group);
	HGT_ADD(s, test_keyfile_refuses_unknown_accounts);
	HGT_ADD(s, test_keyfile_symlink_refused_unless_allowed);
	HGT_ADD(s, test_keyfile_refuses_writable_parent);
	HGT_ADD(s, test_keyfile_parent_owned_by_other_uid);
	HGT_ADD(s, test_keyfile_sticky_dir_needs_own_entries);
}
