/* test_safefile.c - the trusted walk by fd and the bounded reader. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "safefile.h"
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

static const struct hg_trust file_t = { "HG-001", HG_UID_NONE, 0, HG_WANT_FILE };

static int
open_ro(const char *path, const struct hg_trust *t, struct hg_error *e)
{
	struct stat st;
	int fd;

	memset(e, 0, sizeof(*e));
	fd = hg_safe_open(path, O_RDONLY, t, &st, e);
	if (fd >= 0)
		close(fd);
	return fd;
}

static void
test_safefile_refuses_relative_path(void)
{
	struct hg_error e;

	CU_ASSERT_EQUAL(open_ro("etc/passwd", &file_t, &e), -EINVAL);
	CU_ASSERT_STRING_EQUAL(e.id, "HG-001");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "not absolute"));
	CU_ASSERT_STRING_EQUAL(e.fix, "use an absolute path");
}

static void
test_safefile_reads_what_it_checked(void)
{
	char *f = hgt_write(dir, "a.conf", "hello\n", 0644), *buf = NULL;
	struct hg_error e = { 0 };
	struct stat st;
	size_t len = 0;
	int fd = hg_safe_open(f, O_RDONLY, &file_t, &st, &e);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_TRUE(S_ISREG(st.st_mode));
	CU_ASSERT_EQUAL(hg_read_fd(fd, 100, &buf, &len), 0);
	CU_ASSERT_EQUAL(len, 6);
	CU_ASSERT_STRING_EQUAL(buf, "hello\n");
	free(buf);
	CU_ASSERT_EQUAL(hg_read_fd(fd, 3, &buf, &len), -EFBIG);	/* bounded */
	close(fd);
	free(f);
}

static void
test_safefile_follows_symlink_in_the_middle(void)
{
	char *real = hgt_path(dir, "real"), *link = hgt_path(dir, "link"), *f, path[4096];
	struct hg_error e;

	mkdir(real, 0755);
	f = hgt_write(real, "x.conf", "x", 0644);
	CU_ASSERT_EQUAL(symlink("real", link), 0);	/* relative target */
	snprintf(path, sizeof(path), "%s/x.conf", link);
	CU_ASSERT_TRUE(open_ro(path, &file_t, &e) >= 0);
	unlink(link);
	CU_ASSERT_EQUAL(symlink(real, link), 0);	/* absolute target */
	CU_ASSERT_TRUE(open_ro(path, &file_t, &e) >= 0);
	free(f);
	free(real);
	free(link);
}

static void
test_safefile_resolves_dotdot_and_dot(void)
{
	char *sub = hgt_path(dir, "sub"), *f = hgt_write(dir, "y.conf", "y", 0644), path[4096];
	struct hg_error e;

	mkdir(sub, 0755);
	snprintf(path, sizeof(path), "%s/./sub/../y.conf", dir);
	CU_ASSERT_TRUE(open_ro(path, &file_t, &e) >= 0);
	free(sub);
	free(f);
}

static void
test_safefile_refuses_symlink_loop(void)
{
	char *a = hgt_path(dir, "loopa"), *b = hgt_path(dir, "loopb"), path[4096];
	struct hg_error e;

	CU_ASSERT_EQUAL(symlink("loopb", a), 0);
	CU_ASSERT_EQUAL(symlink("loopa", b), 0);
	snprintf(path, sizeof(path), "%s/x", a);
	CU_ASSERT_EQUAL(open_ro(path, &file_t, &e), -ELOOP);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "too many symbolic links"));
	free(a);
	free(b);
}

static void
test_safefile_final_symlink_only_when_allowed(void)
{
	char *f = hgt_write(dir, "t.conf", "t", 0644), *l = hgt_path(dir, "l.conf");
	struct hg_trust follow = file_t;
	struct hg_error e;

	follow.follow_final = 1;
	CU_ASSERT_EQUAL(symlink(f, l), 0);
	CU_ASSERT_EQUAL(open_ro(l, &file_t, &e), -ELOOP);
	CU_ASSERT_STRING_EQUAL(e.where, l);
	CU_ASSERT_TRUE(open_ro(l, &follow, &e) >= 0);
	free(f);
	free(l);
}

static void
test_safefile_wants_the_right_type(void)
{
	char *sub = hgt_path(dir, "d"), *f = hgt_write(dir, "z", "z", 0644), path[4096];
	struct hg_trust want_dir = file_t;
	struct hg_error e;

	want_dir.want = HG_WANT_DIR;
	mkdir(sub, 0755);
	CU_ASSERT_EQUAL(open_ro(sub, &file_t, &e), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "not a regular file"));
	CU_ASSERT_EQUAL(open_ro(f, &want_dir, &e), -ENOTDIR);
	snprintf(path, sizeof(path), "%s/below", f);	/* a file in the middle */
	CU_ASSERT_EQUAL(open_ro(path, &file_t, &e), -ENOTDIR);
	CU_ASSERT_TRUE(open_ro("/dev/null", &file_t, &e) < 0);	/* not a regular file */
	free(sub);
	free(f);
}

static void
test_safefile_names_the_untrusted_directory(void)
{
	char *sub = hgt_path(dir, "w"), *f, path[4096];
	struct hg_error e;

	mkdir(sub, 0755);
	f = hgt_write(sub, "f", "f", 0644);
	chmod(sub, 0757);
	CU_ASSERT_EQUAL(open_ro(f, &file_t, &e), -EPERM);
	CU_ASSERT_STRING_EQUAL(e.where, sub);
	CU_ASSERT_STRING_EQUAL(e.fix, "chmod go-w the directory");
	chmod(sub, 0755);
	snprintf(path, sizeof(path), "%s/missing", sub);
	CU_ASSERT_EQUAL(open_ro(path, &file_t, &e), -ENOENT);
	CU_ASSERT_STRING_EQUAL(e.where, path);
	free(sub);
	free(f);
}

static void
test_safefile_read_fd_refuses_non_regular(void)
{
	char *buf = NULL;
	size_t len;
	int fd = open("/dev/null", O_RDONLY);

	CU_ASSERT_EQUAL(hg_read_fd(fd, 10, &buf, &len), -EINVAL);
	close(fd);
}

static void
test_safefile_mode_string(void)
{
	char b[6];

	CU_ASSERT_STRING_EQUAL(hg_mode_str(0100644, b), "0644");
	CU_ASSERT_STRING_EQUAL(hg_mode_str(04755, b), "4755");
}

void
hgt_suite_safefile(void)
{
	CU_pSuite s = CU_add_suite("safefile", setup, teardown);

	HGT_ADD(s, test_safefile_refuses_relative_path);
	HGT_ADD(s, test_safefile_reads_what_it_checked);
	HGT_ADD(s, test_safefile_follows_symlink_in_the_middle);
	HGT_ADD(s, test_safefile_resolves_dotdot_and_dot);
	HGT_ADD(s, test_safefile_refuses_symlink_loop);
	HGT_ADD(s, test_safefile_final_symlink_only_when_allowed);
	HGT_ADD(s, test_safefile_wants_the_right_type);
	HGT_ADD(s, test_safefile_names_the_untrusted_directory);
	HGT_ADD(s, test_safefile_read_fd_refuses_non_regular);
	HGT_ADD(s, test_safefile_mode_string);
}
