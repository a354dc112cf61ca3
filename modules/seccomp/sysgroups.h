/* sysgroups.h - the named syscall groups of seccomp.groups: parse, expand. */
#ifndef HG_SECCOMP_SYSGROUPS_H
#define HG_SECCOMP_SYSGROUPS_H

#include <stddef.h>

struct hg_sysgroups;

/*
 * Parse TEXT (the seccomp.groups format). NULL on error with a
 * "line N: why" message in ERR.
 */
struct hg_sysgroups *hg_sysgroups_parse(const char *text, char *err, size_t errlen);

void hg_sysgroups_free(struct hg_sysgroups *g);

/*
 * Call ADD(name, ARG) for every syscall in group NAME ("@x"), following
 * nested groups (cycles and depth > 8 are errors). 0, or -1 with ERR
 * (unknown group, cycle), or ADD's negative return.
 */
int hg_sysgroups_expand(const struct hg_sysgroups *g, const char *name,
			int (*add)(const char *syscall, void *arg), void *arg,
			char *err, size_t errlen);

/* Help text of group NAME, or NULL if unknown. */
const char *hg_sysgroups_help(const struct hg_sysgroups *g, const char *name);

#endif
