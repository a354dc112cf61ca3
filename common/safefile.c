/* safefile.c - trusted path walk by fd (see safefile.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <dirent.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "safefile.h"

#define MAX_HOPS 40	/* symlinks followed, as the kernel's ELOOP */

const char *
hg_mode_str(mode_t m, char buf[static 6])
{
	snprintf(buf, 6, "%04o", (unsigned)(m & 07777));
	return buf;
}

static int
trusted_uid(const struct hg_trust *t, uid_t uid)
{
	return uid == 0 || (t->owner != HG_UID_NONE && uid == t->owner);
}

static const char *
owners(const struct hg_trust *t, char *buf, size_t n)
{
	if (t->owner == HG_UID_NONE || t->owner == 0)
		snprintf(buf, n, "root");
	else
		snprintf(buf, n, "root or uid %u", (unsigned)t->owner);
	return buf;
}

/*
 * Check one directory on the way. *sticky is set when the directory is
 * writable by others but sticky: then its next entry must be ours.
 */
static int
check_dir(const char *dir, const struct stat *st, const struct hg_trust *t,
	  int *sticky, struct hg_error *e)
{
	char who[64], mb[6], fix[PATH_MAX + 32];

	if (!trusted_uid(t, st->st_uid)) {
		snprintf(fix, sizeof(fix), "chown root %s", dir);
		return hg_error_set(e, EPERM, t->id, dir, fix,
				    "directory %s is owned by uid %u, must be owned by %s",
				    dir, (unsigned)st->st_uid, owners(t, who, sizeof(who)));
	}
	*sticky = 0;
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		if (!(st->st_mode & S_ISVTX)) {
			snprintf(fix, sizeof(fix), "chmod go-w %s", dir);
			return hg_error_set(e, EPERM, t->id, dir, fix,
					    "directory %s is mode %s, group/world-writable",
					    dir, hg_mode_str(st->st_mode, mb));
		}
		*sticky = 1;
	}
	return 0;
}

/* Append component C (length N) to the resolved prefix R. */
static int
push(char *r, const char *c, size_t n)
{
	size_t l = strlen(r);

	if (l + 1 + n + 1 > PATH_MAX)
		return -ENAMETOOLONG;
	r[l] = '/';
	memcpy(r + l + 1, c, n);
	r[l + 1 + n] = '\0';
	return 0;
}

/* Next path component of *P: returns its length (0 at the end) and start. */
static size_t
next_comp(const char **p, const char **start)
{
	const char *s = *p;
	size_t n;

	while (*s == '/')
		s++;
	n = strcspn(s, "/");
	*start = s;
	*p = s + n;
	return n;
}

/* What the operator does about an open that failed with ERR. */
static const char *
fix_for(int err)
{
	switch (err) {
	case ENOENT:
		return "create it, or correct the path";
	case EACCES:
	case EPERM:
		return "let the user that runs this read it (chmod 0644 / o+x on its directories)";
	default:
		return "check the path and its permissions";
	}
}

int
hg_safe_open(const char *path, int oflags, const struct hg_trust *t,
	     struct stat *st, struct hg_error *e)
{
	char todo[PATH_MAX], res[PATH_MAX], tmp[PATH_MAX], link[PATH_MAX];
	const char *p, *c;
	struct stat cst;
	int dfd = -1, fd = -1, sticky = 0, hops = 0, trailing = 0, r;
	size_t n;

	if (path == NULL || path[0] != '/')
		return hg_error_set(e, EINVAL, t->id, path ? path : "", "use an absolute path",
				    "path %s is not absolute", path ? path : "(null)");
	if (snprintf(todo, sizeof(todo), "%s", path) >= (int)sizeof(todo))
		return hg_error_set(e, ENAMETOOLONG, t->id, path, "shorten the path",
				    "path too long (over %d bytes)", PATH_MAX - 1);
restart:	/* after a symlink or "..": walk again from "/" (res holds no symlink) */
	if (dfd >= 0)
		close(dfd);
	if (hops > MAX_HOPS) {
		r = hg_error_set(e, ELOOP, t->id, path, "shorten the chain of symbolic links",
				 "%s: too many symbolic links", path);
		goto out;
	}
	res[0] = '\0';
	trailing = 0;
	dfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &cst) < 0) {
		r = hg_error_set(e, errno, t->id, "/", NULL, "cannot open /: %s", strerror(errno));
		goto out;
	}
	if ((r = check_dir("/", &cst, t, &sticky, e)) < 0)
		goto out;
	p = todo;
	for (;;) {
		n = next_comp(&p, &c);
		if (n == 0)
			break;	/* path ended on a slash: the directory itself */
		if (n == 1 && c[0] == '.')
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			/* res holds no symlinks, so its parent is lexical. */
			char *s = strrchr(res, '/');

			if (s)
				*s = '\0';
			if (snprintf(tmp, sizeof(tmp), "%s/%s", res, p) >= (int)sizeof(tmp))
				goto toolong;
			memcpy(todo, tmp, sizeof(todo));
			goto restart;
		}
		if (n > NAME_MAX)
			goto toolong;
		memcpy(link, c, n);
		link[n] = '\0';
		trailing = *p == '/';
		while (*p == '/')
			p++;
		int last = (*p == '\0');

		fd = openat(dfd, link, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &cst) < 0) {
			int err = errno;

			if (push(res, c, n) < 0)
				goto toolong;
			r = hg_error_set(e, err, t->id, res, fix_for(err), "%s: %s", res,
					 strerror(err));
			goto out;
		}
		if (push(res, c, n) < 0)
			goto toolong;
		if (sticky && !trusted_uid(t, cst.st_uid)) {
			char who[64];

			r = hg_error_set(e, EPERM, t->id, res, "move it out of the shared directory",
					 "%s is owned by uid %u inside a world-writable directory, "
					 "must be owned by %s", res, (unsigned)cst.st_uid,
					 owners(t, who, sizeof(who)));
			goto out;
		}
		if (S_ISLNK(cst.st_mode)) {
			ssize_t l;

			if (last && !t->follow_final) {
				r = hg_error_set(e, ELOOP, t->id, res,
						 "point the policy at the real file, not a symlink",
						 "%s is a symbolic link", res);
				goto out;
			}
			l = readlinkat(fd, "", link, sizeof(link) - 1);
			if (l < 0) {
				r = hg_error_set(e, errno, t->id, res, NULL, "%s: readlink: %s",
						 res, strerror(errno));
				goto out;
			}
			link[l] = '\0';
			*strrchr(res, '/') = '\0';
			/* keep a trailing "/" only where the path had one */
			if (snprintf(tmp, sizeof(tmp), "%s/%s%s%s", link[0] == '/' ? "" : res, link,
				     *p || trailing ? "/" : "", p) >= (int)sizeof(tmp))
				goto toolong;
			memcpy(todo, tmp, sizeof(todo));
			close(fd);
			fd = -1;
			hops++;
			goto restart;
		}
		if (last)
			break;
		if (!S_ISDIR(cst.st_mode)) {
			r = hg_error_set(e, ENOTDIR, t->id, res, "correct the path: it goes through a file",
					 "%s is not a directory", res);
			goto out;
		}
		if ((r = check_dir(res, &cst, t, &sticky, e)) < 0)
			goto out;
		close(dfd);
		dfd = fd;
		fd = -1;
	}
	if (fd < 0) {		/* the path named a directory ("/" or "dir/") */
		fd = dfd;
		dfd = -1;
		if (res[0] == '\0')
			strcpy(res, "/");
	}
	if (trailing && !S_ISDIR(cst.st_mode)) {	/* "key/" must be a directory, as open(2) */
		r = hg_error_set(e, ENOTDIR, t->id, res, "drop the trailing /",
				 "%s is not a directory", res);
		goto out;
	}
	if (t->want == HG_WANT_FILE && !S_ISREG(cst.st_mode)) {
		r = hg_error_set(e, EINVAL, t->id, res, "give the path of a regular file",
				 "%s is not a regular file", res);
		goto out;
	}
	if (t->want == HG_WANT_DIR && !S_ISDIR(cst.st_mode)) {
		r = hg_error_set(e, ENOTDIR, t->id, res, "give the path of a directory",
				 "%s is not a directory", res);
		goto out;
	}
	if ((oflags & O_PATH) == 0) {
		/* Reopen for reading through the checked fd, not the name. */
		char proc[64];
		struct stat st2;
		int rfd;

		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		rfd = open(proc, (oflags & ~O_NOFOLLOW) | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (rfd < 0) {
			int err = errno;

			r = hg_error_set(e, err, t->id, res, fix_for(err), "%s: %s", res,
					 strerror(err));
			goto out;
		}
		if (fstat(rfd, &st2) < 0 || st2.st_ino != cst.st_ino || st2.st_dev != cst.st_dev) {
			close(rfd);
			r = hg_error_set(e, EAGAIN, t->id, res, "find out what replaces it, then retry",
					 "%s changed while opened", res);
			goto out;
		}
		fcntl(rfd, F_SETFL, fcntl(rfd, F_GETFL) & ~O_NONBLOCK);
		close(fd);
		fd = rfd;
	}
	if (st)
		*st = cst;
	if (dfd >= 0)
		close(dfd);
	return fd;
toolong:
	r = hg_error_set(e, ENAMETOOLONG, t->id, path, NULL, "%s: path too long", path);
out:
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
	return r;
}

int
hg_safe_opendir(const char *path, const struct hg_trust *t, int *sticky, struct hg_error *e)
{
	struct hg_trust dt = *t;
	struct stat st;
	int fd, r;

	dt.want = HG_WANT_DIR;
	if ((fd = hg_safe_open(path, O_PATH, &dt, &st, e)) < 0)
		return fd;
	if ((r = check_dir(path, &st, t, sticky, e)) < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int
hg_safe_openat(int dfd, const char *dir, int sticky, const char *name, const struct hg_trust *t,
	       struct stat *st, struct hg_error *e)
{
	char res[PATH_MAX], who[64];
	struct stat cst;
	int fd, err;

	if (name[0] == '\0' || strchr(name, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return hg_error_set(e, EINVAL, t->id, name, NULL, "bad file name \"%s\"", name);
	if (snprintf(res, sizeof(res), "%s/%s", dir, name) >= (int)sizeof(res))
		return hg_error_set(e, ENAMETOOLONG, t->id, dir, NULL, "%s: path too long", dir);
	fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &cst) < 0) {
		err = errno;
		if (fd >= 0)
			close(fd);
		return hg_error_set(e, err, t->id, res,
				    err == ENOENT ? "create it, or correct the path" : NULL,
				    "%s: %s", res, strerror(err));
	}
	err = 0;
	if (sticky && !trusted_uid(t, cst.st_uid))
		err = hg_error_set(e, EPERM, t->id, res, "move it out of the shared directory",
				   "%s is owned by uid %u inside a world-writable directory, "
				   "must be owned by %s", res, (unsigned)cst.st_uid,
				   owners(t, who, sizeof(who)));
	else if (S_ISLNK(cst.st_mode))
		err = hg_error_set(e, ELOOP, t->id, res,
				   "point the policy at the real file, not a symlink",
				   "%s is a symbolic link", res);
	else if (t->want == HG_WANT_FILE && !S_ISREG(cst.st_mode))
		err = hg_error_set(e, EINVAL, t->id, res, NULL, "%s is not a regular file", res);
	else if (t->want == HG_WANT_DIR && !S_ISDIR(cst.st_mode))
		err = hg_error_set(e, ENOTDIR, t->id, res, NULL, "%s is not a directory", res);
	if (err < 0) {
		close(fd);
		return err;
	}
	if (st)
		*st = cst;
	return fd;
}

int
hg_read_fd(int fd, size_t max, char **buf, size_t *len)
{
	return hg_read_fd_alloc(fd, max, malloc, free, buf, len);
}

/* Wipe N bytes of B and give them back with RELEASE. */
static void
drop(char *b, size_t n, void (*release)(void *))
{
	explicit_bzero(b, n);
	release(b);
}

int
hg_read_fd_alloc(int fd, size_t max, void *(*alloc)(size_t), void (*release)(void *),
		 char **buf, size_t *len)
{
	struct stat st;
	size_t size, n = 0;
	ssize_t r;
	char *b;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if ((size_t)st.st_size > max)
		return -EFBIG;
	size = (size_t)st.st_size;
	/* One byte more than the size to notice a file growing under us. */
	if ((b = alloc(size + 2)) == NULL)
		return -ENOMEM;
	while (n <= size) {
		r = read(fd, b + n, size + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = errno;

			drop(b, size + 2, release);
			return -err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n != size) {	/* changed while read: never act on half a file */
		drop(b, size + 2, release);
		return -EAGAIN;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int
hg_root_only(const char *path, const struct stat *st, const char *what, const char *id,
	     struct hg_error *e)
{
	char mb[6], fix[PATH_MAX + 32];

	if (st->st_uid != 0) {
		snprintf(fix, sizeof(fix), "chown root:root %s", path);
		return hg_error_set(e, EPERM, id, path, fix,
				    "%s %s is owned by uid %u, must be owned by root", what, path,
				    (unsigned)st->st_uid);
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(fix, sizeof(fix), "chmod %s %s", S_ISDIR(st->st_mode) ? "0755" : "0644",
			 path);
		return hg_error_set(e, EPERM, id, path, fix,
				    "%s %s is mode %s, group/world-writable", what, path,
				    hg_mode_str(st->st_mode, mb));
	}
	return 0;
}

int
hg_read_trusted(const char *path, size_t max, const char *what, const char *id,
		char **text, size_t *len, struct hg_error *e)
{
	const struct hg_trust t = { id, HG_UID_NONE, 0, HG_WANT_FILE };
	struct stat st;
	char fix[64];
	int fd, r;

	*text = NULL;
	if ((fd = hg_safe_open(path, O_RDONLY, &t, &st, e)) < 0)
		return fd;
	if ((r = hg_root_only(path, &st, what, id, e)) < 0)
		goto out;
	if ((r = hg_read_fd(fd, max, text, len)) < 0) {
		snprintf(fix, sizeof(fix), "keep it under %zu KiB", max >> 10);
		if (max >= (1u << 20) && max % (1u << 20) == 0)
			snprintf(fix, sizeof(fix), "keep it under %zu MiB", max >> 20);
		hg_error_set(e, -r, id, path, r == -EFBIG ? fix : NULL, "cannot read %s %s: %s",
			     what, path, strerror(-r));
	}
out:
	close(fd);
	return r;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
hg_names_free(char **names, size_t n)
{
	if (names == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Append the matching entries of the open directory D to V. */
static int
collect(DIR *d, const char *dir, const char *suffix, size_t max, const char *id, char **v,
	size_t *n, struct hg_error *e)
{
	size_t sl = suffix ? strlen(suffix) : 0;
	struct dirent *de;

	/* readdir() ends the directory and reports an error alike (NULL): only errno tells. */
	for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
		size_t l = strlen(de->d_name);

		if (de->d_name[0] == '.' || l <= sl ||
		    (suffix && strcmp(de->d_name + l - sl, suffix) != 0))
			continue;
		if (*n == max)
			return hg_error_set(e, E2BIG, id, dir, "merge some files",
					    "more than %zu files in %s", max, dir);
		if ((v[*n] = strdup(de->d_name)) == NULL)
			return hg_error_set(e, ENOMEM, id, dir, NULL, "out of memory");
		(*n)++;
	}
	if (errno != 0)		/* a list cut short must not pass for the whole list */
		return hg_error_set(e, errno, id, dir, NULL, "cannot list %s: %s", dir,
				    strerror(errno));
	return 0;
}

int
hg_list_trusted(const char *dir, const char *suffix, size_t max, const char *id,
		char ***names, size_t *n, struct hg_error *e)
{
	const struct hg_trust t = { id, HG_UID_NONE, 0, HG_WANT_DIR };
	struct stat st;
	char **v;
	DIR *d;
	int fd, r;

	*names = NULL;
	*n = 0;
	if (lstat(dir, &st) < 0 && errno == ENOENT)
		return 0;	/* nothing there: an empty list */
	if ((fd = hg_safe_open(dir, O_RDONLY | O_DIRECTORY, &t, &st, e)) < 0)
		return fd;
	if ((r = hg_root_only(dir, &st, "directory", id, e)) < 0) {
		close(fd);
		return r;
	}
	if ((d = fdopendir(fd)) == NULL) {
		r = hg_error_set(e, errno, id, dir, NULL, "cannot list %s: %s", dir, strerror(errno));
		close(fd);
		return r;
	}
	if ((v = calloc(max + 1, sizeof(*v))) == NULL) {
		closedir(d);
		return hg_error_set(e, ENOMEM, id, dir, NULL, "out of memory");
	}
	r = collect(d, dir, suffix, max, id, v, n, e);
	closedir(d);
	if (r < 0) {
		hg_names_free(v, *n);
		*n = 0;
		return r;
	}
	qsort(v, *n, sizeof(*v), cmp_name);
	*names = v;
	return 0;
}

int
hg_safe_mkdir(const char *dir, mode_t mode, const char *id, struct hg_error *e)
{
	const struct hg_trust t = { id, HG_UID_NONE, 0, HG_WANT_DIR };
	char parent[PATH_MAX];
	const char *base = strrchr(dir, '/');
	struct stat st;
	int pfd, dfd = -1, r, sticky;

	if (lstat(dir, &st) == 0 || errno != ENOENT)
		return 0;	/* there (or unreachable): the trusted open says which */
	if (dir[0] != '/' || base == NULL || base[1] == '\0' ||
	    base - dir >= (ptrdiff_t)sizeof(parent))
		return hg_error_set(e, EINVAL, id, dir, "give an absolute path",
				    "directory %s is not an absolute path", dir);
	snprintf(parent, sizeof(parent), "%.*s", base == dir ? 1 : (int)(base - dir), dir);
	if ((r = hg_safe_mkdir(parent, 0755, id, e)) < 0)
		return r;
	if ((pfd = hg_safe_open(parent, O_PATH, &t, &st, e)) < 0)
		return pfd;
	/* the walk judged the directories above PARENT; PARENT is judged here */
	if ((r = check_dir(parent, &st, &t, &sticky, e)) < 0) {
		close(pfd);
		return r;
	}
	if (mkdirat(pfd, base + 1, mode) < 0) {
		if (errno != EEXIST)
			r = hg_error_set(e, errno, id, dir, NULL, "cannot create %s: %s", dir,
					 strerror(errno));
	} else if ((dfd = openat(pfd, base + 1,
				 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
		   fchmod(dfd, mode) < 0) {	/* MODE, not what the umask left (077) */
		r = hg_error_set(e, errno, id, dir, NULL, "cannot set the mode of %s: %s", dir,
				 strerror(errno));
	}
	if (dfd >= 0)
		close(dfd);
	close(pfd);
	return r;
}

/* Write LEN bytes of BUF to FD, then fsync. 0 or -errno. */
static int
write_all(int fd, const char *buf, size_t len)
{
	size_t off = 0;

	while (off < len) {
		ssize_t w = write(fd, buf + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		off += (size_t)w;
	}
	return fsync(fd) < 0 ? -errno : 0;
}

int
hg_replace_file(int dfd, const char *dir, const char *name, const void *text, size_t len,
		mode_t mode, int noreplace, const char *id, struct hg_error *e)
{
	char tmp[128];
	int fd, r = 0;

	snprintf(tmp, sizeof(tmp), ".%s.%ld", name, (long)getpid());
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return hg_error_set(e, errno, id, dir, NULL, "cannot create %s/%s: %s", dir, tmp,
				    strerror(errno));
	if (fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0)
		r = write_all(fd, text, len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && noreplace && renameat2(dfd, tmp, dfd, name, RENAME_NOREPLACE) < 0)
		r = -errno;
	else if (r == 0 && !noreplace && renameat(dfd, tmp, dfd, name) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dfd, tmp, 0);
		return hg_error_set(e, -r, id, dir, NULL, "cannot write %s/%s: %s", dir, name,
				    strerror(-r));
	}
	fsync(dfd);	/* the rename itself */
	return 0;
}
