/*
 * test_safefile.c - the trusted walk by fd (hg_safe_open) and the bounded
 * reader (hg_read_fd), called directly.
 *
 * The walk trusts root and the trust's owner; the tests trust the user
 * running them (root, or the owner of their temporary directory), so all
 * but the chown tests also run unprivileged.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "safefile.h"
#include "testutil.h"

#define OTHER 65534u		/* nobody: neither root nor the test's user */


/* Trust of the tests: id HG-001, the running user, no final symlink. */
static struct hg_trust
trust(enum hg_want want)
{
	struct hg_trust t = { "HG-001", geteuid() == 0 ? HG_UID_NONE : geteuid(), 0, want };

	return t;
}

/* hg_safe_open(PATH, OFLAGS); closes a returned fd; returns fd or -errno. */
static int
try_open(const char *path, int oflags, const struct hg_trust *t, struct hg_error *e)
{
	struct stat st;
	int fd;

	memset(e, 0, sizeof(*e));
	fd = hg_safe_open(path, oflags, t, &st, e);
	if (fd >= 0)
		close(fd);
	/* the closed fd's number only says "opened" (>= 0) to the caller */
	/* cppcheck-suppress deallocret */
	return fd;
}

static int
open_ro(const char *path, const struct hg_trust *t, struct hg_error *e)
{
	return try_open(path, O_RDONLY, t, e);
}

/* Content of PATH opened through the walk, or NULL. */
static char *
slurp(const char *path)
{
	struct hg_trust t = trust(HG_WANT_FILE);
	struct hg_error e = { 0 };
	char *buf = NULL;
	size_t len;
	int fd = hg_safe_open(path, O_RDONLY, &t, NULL, &e);

	if (fd < 0) {
		fprintf(stderr, "\n  %s: %s\n", path, e.msg);
		return NULL;
	}
	if (hg_read_fd(fd, 4096, &buf, &len) < 0)
		buf = NULL;
	close(fd);
	return buf;
}

static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* --- input --- */

static void
test_safefile_refuses_relative_path(void)
{
	struct hg_trust t = trust(HG_WANT_FILE);
	struct hg_error e;

	CU_ASSERT_EQUAL(open_ro("etc/passwd", &t, &e), -EINVAL);
	CU_ASSERT_STRING_EQUAL(e.id, "HG-001");
	CU_ASSERT_STRING_EQUAL(e.msg, "path etc/passwd is not absolute");
	CU_ASSERT_STRING_EQUAL(e.where, "etc/passwd");
	CU_ASSERT_STRING_EQUAL(e.fix, "use an absolute path");
	CU_ASSERT_EQUAL(open_ro("", &t, &e), -EINVAL);
	CU_ASSERT_EQUAL(open_ro(NULL, &t, &e), -EINVAL);
	CU_ASSERT_EQUAL(open_ro("./x", &t, &e), -EINVAL);
}

static void
test_safefile_refuses_overlong_paths(void)
{
	struct hg_trust t = trust(HG_WANT_FILE);
	struct hg_error e;
	char path[PATH_MAX + 64];
	size_t n;

	/* one component longer than NAME_MAX */
	n = (size_t)snprintf(path, sizeof(path), "%s/", hgt_dir);
	memset(path + n, 'a', NAME_MAX + 1);
	path[n + NAME_MAX + 1] = '\0';
	CU_ASSERT_EQUAL(open_ro(path, &t, &e), -ENAMETOOLONG);
	CU_ASSERT_STRING_EQUAL(e.id, "HG-001");
	/* the whole path longer than PATH_MAX */
	memset(path, '/', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	CU_ASSERT_EQUAL(open_ro(path, &t, &e), -ENAMETOOLONG);
}

/* --- reading --- */

static void
test_safefile_reads_what_it_checked(void)
{
	char *f = hgt_write(hgt_dir, "a.conf", "hello\n", 0644), *buf = NULL;
	struct hg_trust t = trust(HG_WANT_FILE);
	struct hg_error e = { 0 };
	struct stat st, st2;
	size_t len = 0;
	int fd = hg_safe_open(f, O_RDONLY, &t, &st, &e);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_TRUE(S_ISREG(st.st_mode));
	CU_ASSERT_EQUAL(fstat(fd, &st2), 0);
	CU_ASSERT_EQUAL(st.st_ino, st2.st_ino);	/* *ST is of the fd returned */
	CU_ASSERT_EQUAL(st.st_dev, st2.st_dev);
	CU_ASSERT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	CU_ASSERT_EQUAL(hg_read_fd(fd, 100, &buf, &len), 0);
	CU_ASSERT_EQUAL(len, 6);
	CU_ASSERT_STRING_EQUAL(buf, "hello\n");
	free(buf);
	close(fd);
	free(f);
}

/* Swaps "swap.key" and "swap.other" (renameat2 RENAME_EXCHANGE) until told to stop. */
static int swap_stop;

static void *
swapper(void *arg)
{
	int dfd = open((const char *)arg, O_PATH | O_DIRECTORY | O_CLOEXEC);

	while (!__atomic_load_n(&swap_stop, __ATOMIC_ACQUIRE))
		renameat2(dfd, "swap.key", dfd, "swap.other", RENAME_EXCHANGE);
	close(dfd);
	return NULL;
}

/*
 * A key swapped with a world-readable file while it is opened (the
 * adversarial README's swap row): what the walk reports in *ST is always
 * the file it returns, so a check on *ST is a check of what is read.
 */
static void
test_safefile_checks_the_file_it_returns_under_rename_swap(void)
{
	struct hg_trust t = trust(HG_WANT_FILE);
	int opened = 0, mismatched = 0, good = 0;
	time_t end = time(NULL) + 3;
	pthread_t th;
	char *k, *o;

	/*
	 * valgrind runs one thread at a time: no race to see, and a spinning
	 * swapper can starve the loop for minutes. The other lanes run it.
	 */
	if (getenv("HGT_VALGRIND") != NULL)
		return;
	k = hgt_write(hgt_dir, "swap.key", "good", 0600);
	o = hgt_write(hgt_dir, "swap.other", "bad!", 0644);
	swap_stop = 0;
	CU_ASSERT_FATAL(pthread_create(&th, NULL, swapper, hgt_dir) == 0);
	for (int i = 0; i < 20000 && time(NULL) < end; i++) {
		struct hg_error e = { 0 };
		struct stat st;
		char buf[8] = "";
		int fd = hg_safe_open(k, O_RDONLY, &t, &st, &e);

		if (fd < 0)
			continue;	/* caught mid-swap: refused, never misjudged */
		opened++;
		if (pread(fd, buf, 4, 0) != 4 ||
		    (strcmp(buf, "good") == 0) != ((st.st_mode & 07777) == 0600))
			mismatched++;
		good += strcmp(buf, "good") == 0;
		close(fd);
	}
	__atomic_store_n(&swap_stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	CU_ASSERT_TRUE(opened > 0);
	CU_ASSERT_TRUE(good > 0 && good < opened);	/* the swap really raced the opens */
	CU_ASSERT_EQUAL(mismatched, 0);
	unlink(k);
	unlink(o);
	free(k);
	free(o);
}

static void
test_safefile_opens_o_path_without_reading(void)
{
	char *f = hgt_write(hgt_dir, "p.key", "k", 0600), *buf = NULL;
	struct hg_trust t = trust(HG_WANT_FILE);
	struct hg_error e = { 0 };
	struct stat st;
	size_t len;
	int fd = hg_safe_open(f, O_PATH, &t, &st, &e);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(st.st_mode & 07777, 0600);
	CU_ASSERT_TRUE(fcntl(fd, F_GETFL) & O_PATH);
	CU_ASSERT_TRUE(hg_read_fd(fd, 100, &buf, &len) < 0);	/* O_PATH: no reading */
	close(fd);
	free(f);
}

static void
test_safefile_read_fd_bounds_size(void)
{
	char *f = hgt_write(hgt_dir, "b.conf", "0123456789", 0644), *e0 = hgt_write(hgt_dir, "e", "", 0644);
	char *buf = NULL;
	size_t len = 99;
	int fd = open(f, O_RDONLY);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(hg_read_fd(fd, 9, &buf, &len), -EFBIG);	/* one byte too many */
	CU_ASSERT_PTR_NULL(buf);
	CU_ASSERT_EQUAL(hg_read_fd(fd, 10, &buf, &len), 0);	/* exactly the bound */
	CU_ASSERT_EQUAL(len, 10);
	CU_ASSERT_STRING_EQUAL(buf, "0123456789");
	free(buf);
	close(fd);
	buf = NULL;
	fd = open(e0, O_RDONLY);
	CU_ASSERT_EQUAL(hg_read_fd(fd, 0, &buf, &len), 0);	/* empty file */
	CU_ASSERT_EQUAL(len, 0);
	CU_ASSERT_STRING_EQUAL(buf, "");
	free(buf);
	close(fd);
	free(f);
	free(e0);
}

static void
test_safefile_read_fd_refuses_non_regular(void)
{
	char *buf = NULL;
	size_t len;
	int fd = open("/dev/null", O_RDONLY);

	CU_ASSERT_EQUAL(hg_read_fd(fd, 10, &buf, &len), -EINVAL);
	close(fd);
	fd = open(hgt_dir, O_RDONLY | O_DIRECTORY);
	CU_ASSERT_EQUAL(hg_read_fd(fd, 10, &buf, &len), -EINVAL);
	close(fd);
	CU_ASSERT_EQUAL(hg_read_fd(-1, 10, &buf, &len), -EBADF);
	CU_ASSERT_PTR_NULL(buf);
}

/* --- the walk --- */

static void
test_safefile_follows_symlink_in_the_middle(void)
{
	char *real = hgt_path(hgt_dir, "real"), *link = hgt_path(hgt_dir, "link"), *f, path[PATH_MAX];
	char *base = strrchr(hgt_dir, '/') + 1, target[PATH_MAX], *c;

	mkdir(real, 0755);
	f = hgt_write(real, "x.conf", "x", 0644);
	snprintf(path, sizeof(path), "%s/x.conf", link);
	CU_ASSERT_EQUAL(symlink("real", link), 0);	/* relative target */
	CU_ASSERT_PTR_NOT_NULL((c = slurp(path)));
	free(c);
	unlink(link);
	CU_ASSERT_EQUAL(symlink(real, link), 0);	/* absolute target */
	CU_ASSERT_PTR_NOT_NULL((c = slurp(path)));
	free(c);
	unlink(link);
	snprintf(target, sizeof(target), "../%s/./real/", base);	/* with .. and . */
	CU_ASSERT_EQUAL(symlink(target, link), 0);
	CU_ASSERT_PTR_NOT_NULL((c = slurp(path)));
	free(c);
	free(f);
	free(real);
	free(link);
}

static void
test_safefile_resolves_dotdot_and_dot(void)
{
	char *sub = hgt_path(hgt_dir, "sub"), *f = hgt_write(hgt_dir, "y.conf", "y", 0644), path[PATH_MAX];
	struct hg_trust t = trust(HG_WANT_FILE);
	struct hg_error e;

	mkdir(sub, 0755);
	snprintf(path, sizeof(path), "%s/./sub/../y.conf", hgt_dir);
	CU_ASSERT_TRUE(open_ro(path, &t, &e) >= 0);
	snprintf(path, sizeof(path), "%s//sub//..//y.conf", hgt_dir);
	CU_ASSERT_TRUE(open_ro(path, &t, &e) >= 0);
	snprintf(path, sizeof(path), "/../..%s/y.conf", hgt_dir);	/* ".." of / is / */
	CU_ASSERT_TRUE(open_ro(path, &t, &e) >= 0);
	snprintf(path, sizeof(path), "%s/sub/../nothere", hgt_dir);
	CU_ASSERT_EQUAL(open_ro(path, &t, &e), -ENOENT);
	snprintf(path, sizeof(path), "%s/nothere", hgt_dir);
	CU_ASSERT_STRING_EQUAL(e.where, path);	/* named as resolved */
	free(sub);
	free(f);
}

static void
test_safefile_dotdot_after_symlink_is_target_parent(void)
{
	char *a = hgt_path(hgt_dir, "a"), *b, *l = hgt_path(hgt_dir, "l"), *f1, *f2, *c, path[PATH_MAX];

	/* DIR/l -> a/b: "l/.." is DIR/a (as the kernel has it), not DIR */
	mkdir(a, 0755);
	b = hgt_path(a, "b");
	mkdir(b, 0755);
	f1 = hgt_write(a, "f", "in a\n", 0644);
	f2 = hgt_write(hgt_dir, "f", "in hgt_dir\n", 0644);
	CU_ASSERT_EQUAL(symlink("a/b", l), 0);
	snprintf(path, sizeof(path), "%s/l/../f", hgt_dir);
	c = slurp(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_STRING_EQUAL(c, "in a\n");
	free(c);
	free(f1);
	free(f2);
	free(b);
	free(a);
	free(l);
}

static void
test_safefile_refuses_symlink_loop(void)
{
	char *a = hgt_path(hgt_dir, "loopa"), *b = hgt_path(hgt_dir, "loopb"), *s = hgt_path(hgt_dir, "self");
	struct hg_trust t = trust(HG_WANT_FILE), follow = t;
	struct hg_error e;
	char path[PATH_MAX];

	follow.follow_final = 1;
	CU_ASSERT_EQUAL(symlink("loopb", a), 0);
	CU_ASSERT_EQUAL(symlink("loopa", b), 0);
	CU_ASSERT_EQUAL(symlink("self", s), 0);
	snprintf(path, sizeof(path), "%s/x", a);	/* a loop in the middle */
	CU_ASSERT_EQUAL(open_ro(path, &t, &e), -ELOOP);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "too many symbolic links"));
	CU_ASSERT_STRING_EQUAL(e.where, path);
	CU_ASSERT_STRING_EQUAL(e.fix, "shorten the chain of symbolic links");
	CU_ASSERT_EQUAL(open_ro(s, &follow, &e), -ELOOP);	/* a loop at the end */
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "too many symbolic links"));
	free(a);
	free(b);
	free(s);
}

static void
test_safefile_final_symlink_only_when_allowed(void)
{
	char *f = hgt_write(hgt_dir, "t.conf", "t", 0644), *l = hgt_path(hgt_dir, "l.conf"), msg[PATH_MAX + 32];
	struct hg_trust t = trust(HG_WANT_FILE), follow = t;
	struct hg_error e;

	follow.follow_final = 1;
	CU_ASSERT_EQUAL(symlink(f, l), 0);
	CU_ASSERT_EQUAL(open_ro(l, &t, &e), -ELOOP);
	snprintf(msg, sizeof(msg), "%s is a symbolic link", l);
	CU_ASSERT_STRING_EQUAL(e.msg, msg);
	CU_ASSERT_STRING_EQUAL(e.where, l);
	CU_ASSERT_STRING_EQUAL(e.fix, "point the policy at the real file, not a symlink");
	CU_ASSERT_EQUAL(try_open(l, O_PATH, &t, &e), -ELOOP);	/* O_PATH too */
	CU_ASSERT_TRUE(open_ro(l, &follow, &e) >= 0);
	free(f);
	free(l);
}

static void
test_safefile_walks_the_target_of_a_final_symlink(void)
{
	char *w = hgt_path(hgt_dir, "ww"), *f, *l = hgt_path(hgt_dir, "to-ww"), msg[PATH_MAX + 64];
	struct hg_trust follow = trust(HG_WANT_FILE);
	struct hg_error e;

	follow.follow_final = 1;
	mkdir(w, 0755);
	f = hgt_write(w, "f", "f", 0644);
	chmod(w, 0777);
	CU_ASSERT_EQUAL(symlink(f, l), 0);
	CU_ASSERT_EQUAL(open_ro(l, &follow, &e), -EPERM);
	snprintf(msg, sizeof(msg), "directory %s is mode 0777, group/world-writable", w);
	CU_ASSERT_STRING_EQUAL(e.msg, msg);
	CU_ASSERT_STRING_EQUAL(e.where, w);
	free(f);
	free(w);
	free(l);
}

static void
test_safefile_wants_the_right_type(void)
{
	char *sub = hgt_path(hgt_dir, "d"), *f = hgt_write(hgt_dir, "z", "z", 0644), path[PATH_MAX];
	char msg[PATH_MAX + 32];
	struct hg_trust t = trust(HG_WANT_FILE), want_dir = trust(HG_WANT_DIR);
	struct hg_trust any = trust(HG_WANT_ANY);
	struct hg_error e;

	mkdir(sub, 0755);
	CU_ASSERT_EQUAL(open_ro(sub, &t, &e), -EINVAL);
	snprintf(msg, sizeof(msg), "%s is not a regular file", sub);
	CU_ASSERT_STRING_EQUAL(e.msg, msg);
	CU_ASSERT_STRING_EQUAL(e.where, sub);
	CU_ASSERT_STRING_EQUAL(e.fix, "give the path of a regular file");
	CU_ASSERT_EQUAL(open_ro(f, &want_dir, &e), -ENOTDIR);
	snprintf(msg, sizeof(msg), "%s is not a directory", f);
	CU_ASSERT_STRING_EQUAL(e.msg, msg);
	CU_ASSERT_STRING_EQUAL(e.fix, "give the path of a directory");
	snprintf(path, sizeof(path), "%s/below", f);	/* a file in the middle */
	CU_ASSERT_EQUAL(open_ro(path, &t, &e), -ENOTDIR);
	CU_ASSERT_STRING_EQUAL(e.where, f);
	CU_ASSERT_TRUE(e.fix[0] != '\0');
	CU_ASSERT_EQUAL(open_ro("/dev/null", &t, &e), -EINVAL);	/* a device */
	CU_ASSERT_STRING_EQUAL(e.msg, "/dev/null is not a regular file");
	CU_ASSERT_TRUE(open_ro("/dev/null", &any, &e) >= 0);
	/* directories, with or without a trailing slash, and / itself */
	CU_ASSERT_TRUE(try_open(sub, O_PATH, &want_dir, &e) >= 0);
	snprintf(path, sizeof(path), "%s/", sub);
	CU_ASSERT_TRUE(try_open(path, O_PATH, &want_dir, &e) >= 0);
	CU_ASSERT_TRUE(try_open("/", O_PATH, &want_dir, &e) >= 0);
	CU_ASSERT_TRUE(open_ro(sub, &any, &e) >= 0);
	CU_ASSERT_TRUE(open_ro(f, &any, &e) >= 0);
	free(sub);
	free(f);
}

static void
test_safefile_names_the_untrusted_directory(void)
{
	char *sub = hgt_path(hgt_dir, "w"), *f, path[PATH_MAX], msg[PATH_MAX + 64];
	struct hg_trust t = trust(HG_WANT_FILE);
	struct hg_error e;

	mkdir(sub, 0755);
	f = hgt_write(sub, "f", "f", 0644);
	chmod(sub, 0757);	/* world-writable */
	CU_ASSERT_EQUAL(open_ro(f, &t, &e), -EPERM);
	snprintf(msg, sizeof(msg), "directory %s is mode 0757, group/world-writable", sub);
	CU_ASSERT_STRING_EQUAL(e.msg, msg);
	CU_ASSERT_STRING_EQUAL(e.where, sub);
	snprintf(msg, sizeof(msg), "chmod go-w %s", sub);
	CU_ASSERT_STRING_EQUAL(e.fix, msg);
	chmod(sub, 0775);	/* group-writable */
	CU_ASSERT_EQUAL(open_ro(f, &t, &e), -EPERM);
	CU_ASSERT_STRING_EQUAL(e.where, sub);
	chmod(sub, 0755);
	CU_ASSERT_TRUE(open_ro(f, &t, &e) >= 0);
	snprintf(path, sizeof(path), "%s/missing", sub);
	CU_ASSERT_EQUAL(open_ro(path, &t, &e), -ENOENT);
	CU_ASSERT_STRING_EQUAL(e.where, path);
	CU_ASSERT_STRING_EQUAL(e.fix, "create it, or correct the path");
	free(sub);
	free(f);
}

static void
test_safefile_allows_own_entries_in_sticky_dir(void)
{
	char *s = hgt_path(hgt_dir, "sticky"), *f;
	struct hg_trust t = trust(HG_WANT_FILE);
	struct hg_error e;

	mkdir(s, 0755);
	chmod(s, 01777);
	f = hgt_write(s, "f", "f", 0600);
	CU_ASSERT_TRUE(open_ro(f, &t, &e) >= 0);
	chmod(s, 0777);		/* the same without the sticky bit */
	CU_ASSERT_EQUAL(open_ro(f, &t, &e), -EPERM);
	CU_ASSERT_STRING_EQUAL(e.where, s);
	free(f);
	free(s);
}

/* One walk for a directory, then single entries in it (the module loader). */
static void
test_safefile_opens_entries_of_a_checked_directory(void)
{
	char *s = hgt_path(hgt_dir, "many"), *f, *l;
	struct hg_trust dt = trust(HG_WANT_DIR), ft = trust(HG_WANT_FILE);
	struct hg_error e;
	struct stat st;
	int sticky = -1, dfd, fd;

	mkdir(s, 0755);
	chmod(s, 0755);
	f = hgt_write(s, "f", "f", 0644);
	l = hgt_path(s, "l");
	CU_ASSERT_EQUAL(symlink("f", l), 0);
	CU_ASSERT_FATAL((dfd = hg_safe_opendir(s, &dt, &sticky, &e)) >= 0);
	CU_ASSERT_EQUAL(sticky, 0);
	CU_ASSERT_TRUE((fd = hg_safe_openat(dfd, s, sticky, "f", &ft, &st, &e)) >= 0);
	CU_ASSERT_TRUE(S_ISREG(st.st_mode));
	if (fd >= 0)
		close(fd);
	CU_ASSERT_EQUAL(hg_safe_openat(dfd, s, sticky, "l", &ft, &st, &e), -ELOOP);
	CU_ASSERT_STRING_EQUAL(e.where, l);
	CU_ASSERT_EQUAL(hg_safe_openat(dfd, s, sticky, "absent", &ft, &st, &e), -ENOENT);
	CU_ASSERT_EQUAL(hg_safe_openat(dfd, s, sticky, "../many/f", &ft, &st, &e), -EINVAL);
	CU_ASSERT_EQUAL(hg_safe_openat(dfd, s, sticky, "..", &ft, &st, &e), -EINVAL);
	close(dfd);
	chmod(s, 0777);		/* the directory itself is checked, not only its parents */
	CU_ASSERT_EQUAL(hg_safe_opendir(s, &dt, &sticky, &e), -EPERM);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "group/world-writable"));
	chmod(s, 01777);
	dfd = hg_safe_opendir(s, &dt, &sticky, &e);
	CU_ASSERT_FATAL(dfd >= 0);
	CU_ASSERT_EQUAL(sticky, 1);
	if (hgt_root()) {	/* a sticky directory holds its entries to the owners */
		CU_ASSERT_EQUAL(chown(f, OTHER, OTHER), 0);
		CU_ASSERT_EQUAL(hg_safe_openat(dfd, s, sticky, "f", &ft, &st, &e), -EPERM);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "inside a world-writable directory"));
	}
	close(dfd);
	free(l);
	free(f);
	free(s);
}

static void
test_safefile_refuses_foreign_entries_in_sticky_dir(void)
{
	char *s, *f, *l, msg[PATH_MAX + 96];
	struct hg_trust t = trust(HG_WANT_FILE), mine = t, follow = t;
	struct hg_error e;

	HGT_NEED_ROOT();
	follow.follow_final = 1;
	mine.owner = OTHER;
	s = hgt_path(hgt_dir, "sticky2");
	mkdir(s, 0755);
	chmod(s, 01777);
	f = hgt_write(s, "f", "f", 0600);
	CU_ASSERT_EQUAL(chown(f, OTHER, OTHER), 0);
	CU_ASSERT_EQUAL(open_ro(f, &t, &e), -EPERM);
	snprintf(msg, sizeof(msg), "%s is owned by uid %u inside a world-writable directory, "
		 "must be owned by root", f, OTHER);
	CU_ASSERT_STRING_EQUAL(e.msg, msg);
	CU_ASSERT_STRING_EQUAL(e.where, f);
	CU_ASSERT_STRING_EQUAL(e.fix, "move it out of the shared directory");
	CU_ASSERT_TRUE(open_ro(f, &mine, &e) >= 0);	/* the trusted owner's own entry */
	/* a symlink planted there by someone else is not followed */
	CU_ASSERT_EQUAL(chown(f, 0, 0), 0);
	l = hgt_path(s, "l");
	CU_ASSERT_EQUAL(symlink(f, l), 0);
	CU_ASSERT_EQUAL(lchown(l, OTHER, OTHER), 0);
	CU_ASSERT_EQUAL(open_ro(l, &follow, &e), -EPERM);
	CU_ASSERT_STRING_EQUAL(e.where, l);
	free(l);
	free(f);
	free(s);
}

static void
test_safefile_trusts_only_root_and_the_owner(void)
{
	char *sub, *f, msg[PATH_MAX + 64];
	struct hg_trust t = trust(HG_WANT_FILE), mine = t, other = t;
	struct hg_error e;

	HGT_NEED_ROOT();
	mine.owner = OTHER;
	other.owner = OTHER - 1;
	sub = hgt_path(hgt_dir, "owned");
	mkdir(sub, 0755);
	f = hgt_write(sub, "f", "f", 0600);
	CU_ASSERT_EQUAL(chown(sub, OTHER, OTHER), 0);
	CU_ASSERT_EQUAL(open_ro(f, &t, &e), -EPERM);
	snprintf(msg, sizeof(msg), "directory %s is owned by uid %u, must be owned by root",
		 sub, OTHER);
	CU_ASSERT_STRING_EQUAL(e.msg, msg);
	CU_ASSERT_STRING_EQUAL(e.where, sub);
	CU_ASSERT_TRUE(open_ro(f, &mine, &e) >= 0);
	CU_ASSERT_EQUAL(open_ro(f, &other, &e), -EPERM);
	snprintf(msg, sizeof(msg), "directory %s is owned by uid %u, must be owned by root or uid %u",
		 sub, OTHER, OTHER - 1);
	CU_ASSERT_STRING_EQUAL(e.msg, msg);
	/* the owner's directory must still not be writable by others */
	CU_ASSERT_EQUAL(chmod(sub, 0775), 0);
	CU_ASSERT_EQUAL(open_ro(f, &mine, &e), -EPERM);
	free(f);
	free(sub);
}

static void
test_safefile_fills_error_with_id_where_fix(void)
{
	char *f = hgt_write(hgt_dir, "idf", "x", 0644), *w = hgt_path(hgt_dir, "idw"), *g, path[PATH_MAX];
	struct hg_trust t = { "KDB-B-02", geteuid() == 0 ? HG_UID_NONE : geteuid(), 0,
			      HG_WANT_DIR };
	struct hg_error e;

	mkdir(w, 0755);
	g = hgt_write(w, "g", "g", 0644);
	chmod(w, 0777);
	snprintf(path, sizeof(path), "%s/none", hgt_dir);
	{
		const char *paths[] = { "rel", path, f, g };
		const char *where[] = { "rel", path, f, w };
		int err[] = { -EINVAL, -ENOENT, -ENOTDIR, -EPERM };

		for (size_t i = 0; i < 4; i++) {
			memset(&e, 0, sizeof(e));
			CU_ASSERT_EQUAL(try_open(paths[i], O_PATH, &t, &e), err[i]);
			CU_ASSERT_PTR_NOT_NULL_FATAL(e.id);
			CU_ASSERT_STRING_EQUAL(e.id, "KDB-B-02");
			CU_ASSERT_STRING_EQUAL(e.where, where[i]);
			CU_ASSERT_TRUE(e.msg[0] != '\0');
		}
	}
	/* E and ST may be NULL */
	CU_ASSERT_EQUAL(hg_safe_open("rel", O_PATH, &t, NULL, NULL), -EINVAL);
	{
		int fd = hg_safe_open(hgt_dir, O_PATH, &t, NULL, NULL);

		CU_ASSERT_TRUE(fd >= 0);
		if (fd >= 0)
			close(fd);
	}
	free(g);
	free(w);
	free(f);
}

static void
test_safefile_leaks_no_fds(void)
{
	char *f = hgt_write(hgt_dir, "leak", "x", 0644), *l = hgt_path(hgt_dir, "leakl"), path[PATH_MAX];
	struct hg_trust t = trust(HG_WANT_FILE), d = trust(HG_WANT_DIR);
	struct hg_error e;
	int before = count_fds();

	CU_ASSERT_EQUAL(symlink("leakl", l), 0);
	snprintf(path, sizeof(path), "%s/nothere/x", hgt_dir);
	for (int i = 0; i < 50; i++) {
		open_ro(f, &t, &e);		/* success, closed by us */
		try_open(f, O_PATH, &t, &e);
		open_ro(f, &d, &e);		/* wrong type */
		open_ro(path, &t, &e);		/* missing */
		open_ro(l, &t, &e);		/* final symlink */
		open_ro(hgt_dir, &t, &e);		/* a directory, and "/": fd becomes dfd */
		try_open("/", O_PATH, &d, &e);
		{
			struct hg_trust fl = t;

			fl.follow_final = 1;
			open_ro(l, &fl, &e);	/* loop */
		}
	}
	CU_ASSERT_EQUAL(count_fds(), before);
	free(f);
	free(l);
}

static void
test_safefile_mode_string(void)
{
	char b[6];

	CU_ASSERT_STRING_EQUAL(hg_mode_str(0100644, b), "0644");
	CU_ASSERT_STRING_EQUAL(hg_mode_str(04755, b), "4755");
	CU_ASSERT_STRING_EQUAL(hg_mode_str(041777, b), "1777");
	CU_ASSERT_STRING_EQUAL(hg_mode_str(0, b), "0000");
}

static void
test_safefile_trailing_slash_names_a_directory(void)
{
	char *f = hgt_write(hgt_dir, "slashed", "x", 0644), path[PATH_MAX];
	struct hg_trust t = trust(HG_WANT_ANY);
	struct hg_error e;

	snprintf(path, sizeof(path), "%s/", f);	/* as open(2): ENOTDIR */
	CU_ASSERT_EQUAL(open_ro(path, &t, &e), -ENOTDIR);
	snprintf(path, sizeof(path), "%s/", hgt_dir);
	t.want = HG_WANT_DIR;
	CU_ASSERT_TRUE(open_ro(path, &t, &e) >= 0);
	free(f);
}

static void
test_safefile_dotdot_is_not_a_symlink_hop(void)
{
	char *sub = hgt_path(hgt_dir, "dd"), *f, path[PATH_MAX];
	struct hg_trust t = trust(HG_WANT_FILE);
	struct hg_error e;
	size_t l;

	mkdir(sub, 0755);
	f = hgt_write(sub, "f", "x", 0644);
	l = (size_t)snprintf(path, sizeof(path), "%s", sub);
	for (int i = 0; i < 60; i++)
		l += (size_t)snprintf(path + l, sizeof(path) - l, "/../dd");
	snprintf(path + l, sizeof(path) - l, "/f");
	CU_ASSERT_TRUE(open_ro(path, &t, &e) >= 0);
	free(f);
	free(sub);
}

void
hgt_suite_safefile(void)
{
	CU_pSuite s = CU_add_suite("safefile", hgt_suite_init, hgt_suite_clean);

	HGT_ADD(s, test_safefile_trailing_slash_names_a_directory);
	HGT_ADD(s, test_safefile_dotdot_is_not_a_symlink_hop);
	HGT_ADD(s, test_safefile_refuses_relative_path);
	HGT_ADD(s, test_safefile_refuses_overlong_paths);
	HGT_ADD(s, test_safefile_reads_what_it_checked);
	HGT_ADD(s, test_safefile_checks_the_file_it_returns_under_rename_swap);
	HGT_ADD(s, test_safefile_opens_o_path_without_reading);
	HGT_ADD(s, test_safefile_read_fd_bounds_size);
	HGT_ADD(s, test_safefile_read_fd_refuses_non_regular);
	HGT_ADD(s, test_safefile_follows_symlink_in_the_middle);
	HGT_ADD(s, test_safefile_resolves_dotdot_and_dot);
	HGT_ADD(s, test_safefile_dotdot_after_symlink_is_target_parent);
	HGT_ADD(s, test_safefile_refuses_symlink_loop);
	HGT_ADD(s, test_safefile_final_symlink_only_when_allowed);
	HGT_ADD(s, test_safefile_walks_the_target_of_a_final_symlink);
	HGT_ADD(s, test_safefile_wants_the_right_type);
	HGT_ADD(s, test_safefile_names_the_untrusted_directory);
	HGT_ADD(s, test_safefile_allows_own_entries_in_sticky_dir);
	HGT_ADD(s, test_safefile_refuses_foreign_entries_in_sticky_dir);
	HGT_ADD(s, test_safefile_opens_entries_of_a_checked_directory);
	HGT_ADD(s, test_safefile_trusts_only_root_and_the_owner);
	HGT_ADD(s, test_safefile_fills_error_with_id_where_fix);
	HGT_ADD(s, test_safefile_leaks_no_fds);
	HGT_ADD(s, test_safefile_mode_string);
}
