/*
 * dbwexpand.h - dbward's ${VAR} / ${VAR:-default} expansion
 * (crates/dbward-config/src/expand.rs; shared/reference/dbward-config.md
 * 1.1), for every module that reads dbward's files as dbward does: the
 * dbward module, and netout's allow-list taken from an agent's config.
 */
#ifndef HG_COMMON_DBWEXPAND_H
#define HG_COMMON_DBWEXPAND_H

#include <stddef.h>

/*
 * dbward's ${} rules on one string value. A "reference" is the whole value
 * being exactly one ${NAME} or ${NAME:-DEFAULT}.
 */
struct hg_dbw_ref {
	char name[128];
	const char *def;	/* into the value, or NULL when there is no :- */
	size_t deflen;
};
/* 1 if S is exactly one reference (filled into R), 0 if not. */
int hg_dbw_is_ref(const char *s, struct hg_dbw_ref *r);
/* 1 if S contains any ${. */
int hg_dbw_has_ref(const char *s);
/*
 * Expand S as dbward would into OUT. 0; -ENOENT when a ${NAME} without
 * default is unset (NAME into MISSING); -EINVAL when dbward would refuse
 * it (nested ${ in a default, a bad name, an unclosed ${).
 */
int hg_dbw_expand(const char *s, char *out, size_t n, char *missing, size_t mlen);

#endif
