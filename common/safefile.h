/*
 * safefile.h - open a path only through directories nobody else can change.
 *
 * An improvement on OpenSSH's safe_path(): the walk starts at "/" and goes
 * one component at a time with openat(O_PATH|O_NOFOLLOW), checking owner
 * and mode of every directory on the fd it just opened, so there is no
 * window between check and use. Symbolic links in the middle of the path
 * are followed from where they stand (their directory is already trusted);
 * in the last component only when the caller allows it.
 */
#ifndef HG_COMMON_SAFEFILE_H
#define HG_COMMON_SAFEFILE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "error.h"

#define HG_UID_NONE ((uid_t)-1)

enum hg_want {
	HG_WANT_ANY = 0,
	HG_WANT_FILE,	/* regular file */
	HG_WANT_DIR,
};

struct hg_trust {
	const char *id;		/* finding ID for errors, e.g. "HG-001" */
	uid_t owner;		/* trusted besides root, or HG_UID_NONE */
	int follow_final;	/* follow a symlink in the last component */
	enum hg_want want;
};

/*
 * Open absolute PATH with OFLAGS (O_RDONLY or O_PATH; O_NOFOLLOW and
 * O_CLOEXEC are added) after checking every directory on the way: owned
 * by root or t->owner, not group- or world-writable, except a sticky
 * directory (/tmp) whose next entry is owned by root or t->owner.
 * On success returns the fd and fills *ST (of the object opened).
 * On failure returns a negative errno and fills E.
 */
int hg_safe_open(const char *path, int oflags, const struct hg_trust *t,
		 struct stat *st, struct hg_error *e);

/*
 * Open directory PATH as hg_safe_open() does (O_PATH), and check it as a
 * directory on the way to what is opened in it: owned by root or
 * t->owner, not group/world-writable unless sticky (then *STICKY is set
 * and hg_safe_openat() holds its entries to the owners). For opening
 * several files in one directory with one walk. The fd, or -errno with E.
 */
int hg_safe_opendir(const char *path, const struct hg_trust *t, int *sticky,
		    struct hg_error *e);

/*
 * Open NAME, one component, in DFD (from hg_safe_opendir() of DIR, with
 * its STICKY) as an O_PATH fd: never through a symlink, of the type
 * t->want, owned by root or t->owner if the directory is sticky. Fills
 * *ST. The fd, or -errno with E naming DIR/NAME.
 */
int hg_safe_openat(int dfd, const char *dir, int sticky, const char *name,
		   const struct hg_trust *t, struct stat *st, struct hg_error *e);

/*
 * Read the whole regular file FD into a NUL-terminated heap buffer of at
 * most MAX bytes. Returns 0 or a negative errno (-EFBIG if larger).
 */
int hg_read_fd(int fd, size_t max, char **buf, size_t *len);

/*
 * The same with the buffer from ALLOC (size + 2 bytes) given back with
 * RELEASE, for secrets: sodium_malloc/sodium_free. On failure the part
 * read is wiped before RELEASE; on success the caller wipes and releases.
 */
int hg_read_fd_alloc(int fd, size_t max, void *(*alloc)(size_t), void (*release)(void *),
		     char **buf, size_t *len);

/*
 * Read the root-owned, not group/world-writable text file PATH (opened
 * with hg_safe_open) whole into a NUL-terminated heap buffer of at most
 * MAX bytes (the text may hold NUL bytes: the caller's parser refuses
 * them). WHAT names the file in
 * messages ("policy file"), ID is the finding ID of every error.
 * Returns 0 or a negative errno with E filled.
 */
int hg_read_trusted(const char *path, size_t max, const char *what, const char *id,
		    char **text, size_t *len, struct hg_error *e);

/*
 * The sorted names in the root-owned, not group/world-writable directory
 * DIR (opened with hg_safe_open) that do not start with '.' and end in
 * SUFFIX (NULL: any), at most MAX of them; more is an error (E2BIG).
 * *NAMES is a malloc'd array of malloc'd strings: free with hg_names_free.
 * A missing DIR is an empty list. Returns 0 or a negative errno with E filled.
 */
int hg_list_trusted(const char *dir, const char *suffix, size_t max, const char *id,
		    char ***names, size_t *n, struct hg_error *e);
void hg_names_free(char **names, size_t n);

/*
 * Create the absolute directory DIR (mode MODE, and any missing parents
 * 0755, whatever the umask) below its nearest existing, trusted ancestor;
 * an existing DIR is left alone (the caller's trusted open judges it).
 * 0 or a negative errno with E filled under ID.
 */
int hg_safe_mkdir(const char *dir, mode_t mode, const char *id, struct hg_error *e);

/*
 * 0 if ST (of PATH) is owned by root and not group/world-writable, as the
 * policy, the revocation list and the attestation directory must be;
 * else -EPERM with E naming WHAT and PATH under ID and the chown/chmod fix.
 */
int hg_root_only(const char *path, const struct stat *st, const char *what, const char *id,
		 struct hg_error *e);

/*
 * Write TEXT (LEN bytes) as DFD/NAME (DIR names DFD in messages) with
 * MODE through a new file, fsync'd and renamed over NAME, so a reader
 * sees the old or the new file, never half of one. With NOREPLACE an
 * existing NAME is kept and the call fails with -EEXIST. 0 or a negative
 * errno with E filled under ID.
 */
int hg_replace_file(int dfd, const char *dir, const char *name, const void *text, size_t len,
		    mode_t mode, int noreplace, const char *id, struct hg_error *e);

/* "0644" style mode string of M's permission bits into BUF (>= 6 bytes). */
const char *hg_mode_str(mode_t m, char buf[static 6]);

#endif
