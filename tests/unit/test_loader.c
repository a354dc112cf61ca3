/*
 * test_loader.c - the module loader's refusals, through real .so files:
 * ABI mismatch, missing symbol, wrong name, owner, mode, symlinks; and a
 * dlopen smoke test of every built module.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "loader.h"
#include "testutil.h"

static const char *
testmods(void)
{
	const char *d = getenv("HG_TESTMOD_DIR");

	return d ? d : "tests/unit/mods/.libs";
}

/* Copy FROM into DIR/NAME with MODE. */
static char *
copy(const char *from, const char *dir, const char *name, mode_t mode)
{
	char *to = hgt_path(dir, name), buf[65536];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ssize_t n;

	CU_ASSERT_FATAL(in >= 0 && out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		CU_ASSERT_EQUAL(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
	chmod(to, mode);
	return to;
}

static char *
fake_so(void)
{
	return hgt_path(testmods(), "hardgate_fake.so");
}

static int
load(const char *dir, const char *name, struct hg_error *e)
{
	struct hg_loaded l;
	int r;

	memset(e, 0, sizeof(*e));
	r = hg_module_load(dir, name, &l, e);
	if (r == 0) {
		CU_ASSERT_PTR_NOT_NULL(l.mod);
		hg_module_unload(&l);
	}
	return r;
}

static void
test_loader_loads_trusted_module(void)
{
	struct hg_error e;

	CU_ASSERT_EQUAL(load(testmods(), "fake", &e), 0);
}

static void
test_loader_refuses_abi_mismatch(void)
{
	struct hg_error e;
	char want[64];

	snprintf(want, sizeof(want), "has ABI %u, hardgate needs %u", HG_MODULE_ABI + 1000,
		 HG_MODULE_ABI);
	CU_ASSERT_EQUAL(load(testmods(), "badabi", &e), -EPROTO);
	CU_ASSERT_STRING_EQUAL(e.id, "HG-003");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, want));
}

static void
test_loader_refuses_missing_symbol(void)
{
	struct hg_error e;

	CU_ASSERT_EQUAL(load(testmods(), "nosym", &e), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "does not export hg_module_nosym"));
}

static void
test_loader_refuses_missing_file_with_fix(void)
{
	struct hg_error e;

	CU_ASSERT_EQUAL(load(testmods(), "absent", &e), -ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.where, "hardgate_absent.so"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.fix, "install module absent"));
}

static void
test_loader_refuses_bad_names(void)
{
	struct hg_error e;

	CU_ASSERT_EQUAL(load(testmods(), "../fake", &e), -EINVAL);
	CU_ASSERT_EQUAL(load(testmods(), "Fake", &e), -EINVAL);
	CU_ASSERT_EQUAL(load(testmods(), "", &e), -EINVAL);
}

static void
test_loader_refuses_module_calling_itself_otherwise(void)
{
	char *dir = hgt_tmpdir(), *so = fake_so(), *c = copy(so, dir, "hardgate_other.so", 0644);
	struct hg_error e;

	/* the file exports hg_module_fake, not hg_module_other */
	CU_ASSERT_EQUAL(load(dir, "other", &e), -ENOENT);
	free(c);
	free(so);
	hgt_rmrf(dir);
}

static void
test_loader_refuses_writable_or_foreign_module(void)
{
	char *dir = hgt_tmpdir(), *so = fake_so(), *c = copy(so, dir, "hardgate_fake.so", 0644);
	struct hg_error e;

	CU_ASSERT_EQUAL(load(dir, "fake", &e), 0);
	chmod(c, 0664);
	CU_ASSERT_EQUAL(load(dir, "fake", &e), -EPERM);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "group/world-writable"));
	chmod(c, 0646);
	CU_ASSERT_EQUAL(load(dir, "fake", &e), -EPERM);
	chmod(c, 0644);
	chmod(dir, 0777);
	CU_ASSERT_EQUAL(load(dir, "fake", &e), -EPERM);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "directory"));
	chmod(dir, 0755);
	if (hgt_root()) {
		CU_ASSERT_EQUAL(chown(c, 65534, 0), 0);
		CU_ASSERT_EQUAL(load(dir, "fake", &e), -EPERM);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "owned by uid 65534"));
		CU_ASSERT_EQUAL(chown(c, 0, 0), 0);
		CU_ASSERT_EQUAL(chown(dir, 65534, 0), 0);
		CU_ASSERT_EQUAL(load(dir, "fake", &e), -EPERM);
		CU_ASSERT_EQUAL(chown(dir, 0, 0), 0);
	}
	free(c);
	free(so);
	hgt_rmrf(dir);
}

static void
test_loader_symlinks_only_inside_module_dir(void)
{
	char *dir = hgt_tmpdir(), *so = fake_so(), *c = copy(so, dir, "real.so", 0644);
	char *in = hgt_path(dir, "hardgate_fake.so");
	struct hg_error e;

	CU_ASSERT_EQUAL(symlink("real.so", in), 0);
	/* real.so does not export hg_module_fake? it does: same file */
	CU_ASSERT_EQUAL(load(dir, "fake", &e), 0);
	unlink(in);
	CU_ASSERT_EQUAL(symlink(so, in), 0);
	CU_ASSERT_EQUAL(load(dir, "fake", &e), -EPERM);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "symlink out of module_dir"));
	unlink(in);
	CU_ASSERT_EQUAL(symlink("../real.so", in), 0);
	CU_ASSERT_EQUAL(load(dir, "fake", &e), -EPERM);
	free(in);
	free(c);
	free(so);
	hgt_rmrf(dir);
}

static void
test_loader_refuses_non_elf(void)
{
	char *dir = hgt_tmpdir(), *f = hgt_write(dir, "hardgate_junk.so", "not an ELF\n", 0644);
	struct hg_error e;

	CU_ASSERT_EQUAL(load(dir, "junk", &e), -ENOEXEC);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "cannot load module junk"));
	free(f);
	hgt_rmrf(dir);
}

/* PAM's tst-dlopen: every module we build loads and declares itself well. */
static void
test_loader_smoke_every_built_module(void)
{
	DIR *d = opendir(hgt_module_dir());
	struct dirent *de;
	int n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		char name[128];
		struct hg_loaded lm;
		struct hg_error e = { 0 };

		if (strncmp(de->d_name, "hardgate_", 9) != 0 || l < 13 ||
		    strcmp(de->d_name + l - 3, ".so") != 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(l - 12), de->d_name + 9);
		if (hg_module_load(hgt_module_dir(), name, &lm, &e) < 0) {
			fprintf(stderr, "  %s: %s\n", name, e.msg);
			CU_FAIL("module does not load");
			continue;
		}
		CU_ASSERT_PTR_NOT_NULL(lm.mod->ids);
		for (const char *const *id = lm.mod->ids; id && *id; id++)
			if (hg_catalog_find(*id) == NULL) {
				fprintf(stderr, "  %s: ID %s not in the catalog\n", name, *id);
				CU_FAIL("module reports an ID hardgate explain does not know");
			}
		CU_ASSERT_PTR_NOT_NULL(lm.mod->args);
		CU_ASSERT_TRUE(lm.mod->phases != 0);
		hg_module_unload(&lm);
		n++;
	}
	closedir(d);
	CU_ASSERT_TRUE(n >= 2);	/* keyfile, coredump */
}

void
hgt_suite_loader(void)
{
	CU_pSuite s = CU_add_suite("loader", NULL, NULL);

	HGT_ADD(s, test_loader_loads_trusted_module);
	HGT_ADD(s, test_loader_refuses_abi_mismatch);
	HGT_ADD(s, test_loader_refuses_missing_symbol);
	HGT_ADD(s, test_loader_refuses_missing_file_with_fix);
	HGT_ADD(s, test_loader_refuses_bad_names);
	HGT_ADD(s, test_loader_refuses_module_calling_itself_otherwise);
	HGT_ADD(s, test_loader_refuses_writable_or_foreign_module);
	HGT_ADD(s, test_loader_symlinks_only_inside_module_dir);
	HGT_ADD(s, test_loader_refuses_non_elf);
	HGT_ADD(s, test_loader_smoke_every_built_module);
}
