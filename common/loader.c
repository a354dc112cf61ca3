/*
 * loader.c - the only file that calls dl*(). A module that fails any check
 * here is a failure of its stack entry (fail closed, as Linux-PAM's
 * "faulty module"), never skipped.
 */
#include "config.h"

#include <dlfcn.h>
#include <link.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hgenv.h"
#include "loader.h"
#include "safefile.h"

#define ID_LOAD "HG-003"

static int
valid_name(const char *n)
{
	return n && n[0] && strlen(n) < 64 &&
	       strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(n);
}

/* A module file must be root-owned and not group/world-writable. */
static int
trusted_file(const char *path, const struct stat *st, const char *id, struct hg_error *e)
{
	char mb[6];

	if (st->st_uid != 0)
		return hg_error_set(e, EPERM, id, path, "chown root the file",
				    "%s is owned by uid %u, must be owned by root", path,
				    (unsigned)st->st_uid);
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return hg_error_set(e, EPERM, id, path, "chmod 0644 the file",
				    "%s is mode %s, group/world-writable", path,
				    hg_mode_str(st->st_mode, mb));
	return 0;
}

/*
 * dlopen PATH (just checked through FD) and prove the object loaded is the
 * file checked: same device and inode. Not "/proc/self/fd/N": glibc
 * matches loaded objects by name first, so two such names would collide.
 * Every directory on PATH is root-owned and not writable by others, so
 * only root could swap the file in between, and the read-back catches it.
 */
static void *
dlopen_checked(const char *path, int fd, const char **why)
{
	struct link_map *lm = NULL;
	struct stat a, b;
	void *h;

	*why = NULL;
	if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		*why = dlerror();
		return NULL;
	}
	if (dlinfo(h, RTLD_DI_LINKMAP, &lm) != 0 || lm == NULL || fstat(fd, &a) != 0 ||
	    stat(lm->l_name, &b) != 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
		dlclose(h);
		*why = "the file changed while it was loaded";
		return NULL;
	}
	return h;
}

/* FOLLOW: a symlink as the last component is followed (walked as trusted). */
static int
dlopen_trusted(const char *path, const char *id, int follow, void **handle, struct hg_error *e)
{
	const struct hg_trust t = { id, HG_UID_NONE, follow, HG_WANT_FILE };
	const char *why;
	struct stat st;
	int fd, r;

	if ((fd = hg_safe_open(path, O_RDONLY, &t, &st, e)) < 0)
		return fd;
	if ((r = trusted_file(path, &st, id, e)) == 0 &&
	    (*handle = dlopen_checked(path, fd, &why)) == NULL)
		r = hg_error_set(e, ENOEXEC, id, path, "reinstall it for this architecture",
				 "cannot load %s: %s", path, why);
	close(fd);
	return r;
}

int
hg_preload_verify(const char *path, const char *id, int mine, struct hg_error *e)
{
	const char *mark;
	void *h = NULL;
	int r;

	/* ld.so follows a symlink (a library's SONAME link): so does the probe */
	if ((r = dlopen_trusted(path, id, !mine, &h, e)) < 0 || h == NULL)
		return r < 0 ? r : -ENOEXEC;
	mark = dlsym(h, HG_PRELOAD_MARK);
	if (mark != NULL && strcmp(mark, HG_PRELOAD_MARK_VALUE) == 0) {
		struct stat st;

		/* hardgate's own preload refuses to run from a symlink (HG-009) */
		if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
			dlclose(h);
			return hg_error_set(e, ELOOP, id, path,
					    "name the preload's file itself, not a symlink",
					    "%s is a symbolic link to hardgate's preload, which "
					    "refuses to run from one (HG-009)", path);
		}
		return 1;
	}
	dlclose(h);
	if (!mine)
		return 0;
	return hg_error_set(e, ENOEXEC, id, path,
			    "name hardgate's libhardgate-preload.so, or reinstall hardgate",
			    "%s is not hardgate's preload (it does not export %s): ld.so would "
			    "load it and protect nothing", path, HG_PRELOAD_MARK);
}

int
hg_moddir_open(struct hg_moddir *md, const char *dir, struct hg_error *e)
{
	const struct hg_trust t = { ID_LOAD, HG_UID_NONE, 0, HG_WANT_DIR };

	md->path = dir;
	md->sticky = 0;
	md->fd = hg_safe_opendir(dir, &t, &md->sticky, e);
	return md->fd < 0 ? md->fd : 0;
}

void
hg_moddir_close(struct hg_moddir *md)
{
	if (md->fd >= 0)
		close(md->fd);
	md->fd = -1;
}

/*
 * NAME's file in the module directory: hardgate_NAME.so, or the plain
 * name in the same directory it is a symlink to (libtool-style aliases),
 * never a link out of it. FILE gets the entry's name, PATH the full path.
 */
static int
module_file(const struct hg_moddir *md, const char *name, char *file, size_t fn, char *path,
	    size_t pn, struct hg_error *e)
{
	char link[256];
	ssize_t l;

	snprintf(file, fn, "hardgate_%s.so", name);
	snprintf(path, pn, "%s/%s", md->path, file);
	l = readlinkat(md->fd, file, link, sizeof(link) - 1);
	if (l < 0)
		return 0;	/* not a symlink (or missing: the open says so) */
	link[l] = '\0';
	if (strchr(link, '/') != NULL || strcmp(link, "..") == 0 || strcmp(link, ".") == 0)
		return hg_error_set(e, EPERM, ID_LOAD, path, "install the module file itself in module_dir",
				    "%s is a symlink out of module_dir (-> %s)", path, link);
	snprintf(file, fn, "%s", link);
	snprintf(path, pn, "%s/%s", md->path, link);
	return 0;
}

/* The loaded object must be the module NAME of this hardgate. */
static int
check_module(void *h, const char *name, const char *path, const struct hg_module **out,
	     struct hg_error *e)
{
	const struct hg_module *m;
	char sym[96];

	snprintf(sym, sizeof(sym), "hg_module_%s", name);
	m = dlsym(h, sym);
	if (m == NULL)
		return hg_error_set(e, ENOENT, ID_LOAD, path,
				    "rebuild the module against hardgate's module.h",
				    "module %s does not export %s", name, sym);
	if (m->abi != HG_MODULE_ABI)
		return hg_error_set(e, EPROTO, ID_LOAD, path, "rebuild the module for this hardgate",
				    "module %s has ABI %u, hardgate needs %u", name, m->abi,
				    HG_MODULE_ABI);
	if (m->name == NULL || strcmp(m->name, name) != 0)
		return hg_error_set(e, EPROTO, ID_LOAD, path, "rename the file to match the module",
				    "module file for %s calls itself \"%s\"", name,
				    m->name ? m->name : "(null)");
	if (m->check == NULL || (m->steps != 0 && m->apply == NULL))
		return hg_error_set(e, EPROTO, ID_LOAD, path, "rebuild the module",
				    "module %s lacks its check or apply function", name);
	*out = m;
	return 0;
}

int
hg_module_load_at(const struct hg_moddir *md, const char *name, struct hg_loaded *out,
		  struct hg_error *e)
{
	const struct hg_trust t = { ID_LOAD, HG_UID_NONE, 0, HG_WANT_FILE };
	char file[256], path[4096];
	const char *why;
	struct stat st;
	void *h;
	int fd, r;

	memset(out, 0, sizeof(*out));
	if (!valid_name(name))
		return hg_error_set(e, EINVAL, ID_LOAD, "", "module names are [a-z0-9_]",
				    "bad module name \"%s\"", name ? name : "");
	if ((r = module_file(md, name, file, sizeof(file), path, sizeof(path), e)) < 0)
		return r;
	if ((fd = hg_safe_openat(md->fd, md->path, md->sticky, file, &t, &st, e)) < 0) {
		if (e && fd == -ENOENT)
			snprintf(e->fix, sizeof(e->fix),
				 "install module %s, or correct hardgate.module_dir", name);
		return fd;
	}
	if ((r = trusted_file(path, &st, ID_LOAD, e)) < 0) {
		close(fd);
		return r;
	}
	h = dlopen_checked(path, fd, &why);
	close(fd);
	if (h == NULL)
		return hg_error_set(e, ENOEXEC, ID_LOAD, path, "reinstall the module",
				    "cannot load module %s: %s", name, why);
	if ((r = check_module(h, name, path, &out->mod, e)) < 0) {
		dlclose(h);
		return r;
	}
	out->handle = h;
	return 0;
}

int
hg_module_load(const char *dir, const char *name, struct hg_loaded *out, struct hg_error *e)
{
	struct hg_moddir md;
	int r;

	memset(out, 0, sizeof(*out));
	if (!valid_name(name))
		return hg_error_set(e, EINVAL, ID_LOAD, "", "module names are [a-z0-9_]",
				    "bad module name \"%s\"", name ? name : "");
	if ((r = hg_moddir_open(&md, dir, e)) < 0)
		return r;
	r = hg_module_load_at(&md, name, out, e);
	hg_moddir_close(&md);
	return r;
}

void
hg_module_unload(struct hg_loaded *l)
{
	if (l && l->handle)
		dlclose(l->handle);
	if (l)
		memset(l, 0, sizeof(*l));
}
