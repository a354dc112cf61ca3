/*
 * keyperm.h - the checks of the keyfile module on one key file or
 * directory, for every module that reads key material (keyfile, sigkey,
 * tls): the object is opened by the trusted walk (safefile.h) and judged
 * on the fd's fstat, never by name again. Every problem is a finding.
 */
#ifndef HG_COMMON_KEYPERM_H
#define HG_COMMON_KEYPERM_H

#include <sys/types.h>
#include <hardgate/module.h>

struct hg_keyperm {
	const char *id;		/* finding ID of every problem */
	const char *path;	/* must be absolute */
	const char *where;	/* policy file:line of the path, or NULL */
	int dir;		/* a directory, not a regular file */
	mode_t mode;		/* most permissive permission bits allowed */
	const char *owner;	/* user (name or uid) that must own it, or NULL */
	const char *owner_where;
	const char *group;	/* group (name or gid), or NULL */
	const char *group_where;
	int follow_symlinks;	/* accept a symlink as the last component */
};

/*
 * Open K->path with OFLAGS (O_PATH to judge only, O_RDONLY to read what
 * was judged) and judge its mode, owner and group. Returns HG_PASS or
 * HG_FAIL (findings under K->id say why). With FD non-NULL, *FD gets the
 * open fd (the caller closes it) even when a mode or owner is wrong, or
 * -1 when it could not be opened; with FD NULL it is closed.
 */
int hg_keyperm_open(struct hg_ctx *ctx, const struct hg_keyperm *k, int oflags, int *fd);

#endif
