/* loader.h - the only place that calls dlopen/dlsym/dlclose. */
#ifndef HG_COMMON_LOADER_H
#define HG_COMMON_LOADER_H

#include <hardgate/module.h>

#include "error.h"

struct hg_loaded {
	const struct hg_module *mod;
	void *handle;
};

/*
 * Load DIR/hardgate_NAME.so: NAME is [a-z0-9_]+; DIR and the file are
 * root-owned and not group/world-writable (trusted walk, checked on the
 * fd that is then loaded); a symlink may only point inside DIR. The
 * module must export hg_module_NAME with abi == HG_MODULE_ABI and
 * name == NAME. 0, or a negative errno with E (HG-003).
 */
int hg_module_load(const char *dir, const char *name, struct hg_loaded *out,
		   struct hg_error *e);

/*
 * The module directory, walked and checked once for a whole stack (each
 * module's own walk from / was a tenth of the stack's syscalls).
 */
struct hg_moddir {
	int fd;			/* O_PATH */
	int sticky;
	const char *path;	/* borrowed */
};

/* Open DIR as hg_module_load() would trust it. 0, or -errno with E. */
int hg_moddir_open(struct hg_moddir *md, const char *dir, struct hg_error *e);
void hg_moddir_close(struct hg_moddir *md);

/* hg_module_load() of NAME in MD, already opened. */
int hg_module_load_at(const struct hg_moddir *md, const char *name, struct hg_loaded *out,
		      struct hg_error *e);

void hg_module_unload(struct hg_loaded *l);

/*
 * Prove PATH loads as an LD_PRELOAD object: trusted walk (every directory
 * and the regular file root-owned, not group/world-writable), readable by
 * this process, then dlopen'ed (and left loaded). With MINE, it must be
 * hardgate's preload (it exports HG_PRELOAD_MARK, hgenv.h), and PATH itself
 * the file, not a symlink; without MINE a symlink is followed as ld.so
 * follows it, its target walked as trusted too. 1 if it is,
 * 0 if not (without MINE), or a negative errno with E (ID).
 */
int hg_preload_verify(const char *path, const char *id, int mine, struct hg_error *e);

#endif
