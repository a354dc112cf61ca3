/*
 * dbw.h - what the parts of the dbward module share (not installed).
 *
 * dbward reads TOML after expanding ${VAR} / ${VAR:-default} in the raw
 * text (reference §1.1). The module parses the raw text, so it sees what
 * the operator wrote (a token as ${DBWARD_AGENT_TOKEN} or as a literal),
 * and expands a string value with the process environment only where the
 * effective value matters (a DSN's user, a URL's scheme).
 */
#ifndef HG_MODULE_DBW_H
#define HG_MODULE_DBW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hardgate/module.h>

#include "appconf.h"

struct dbw {
	struct hg_app a;		/* the file, its document, the findings */
	const char *env;		/* the production environment's name */
	enum hg_severity rec;		/* severity of "Recommended" items */
};

/* A Must item fails, a Recommended one has the policy's severity. */
#define DBW_MUST HG_SEV_FAIL
#define DBW_REC(d) ((d)->rec)

/*
 * dbward's ${} rules on one string value. A "reference" is the whole value
 * being exactly one ${NAME} or ${NAME:-DEFAULT}.
 */
struct dbw_ref {
	char name[128];
	const char *def;	/* into the value, or NULL when there is no :- */
	size_t deflen;
};
/* 1 if S is exactly one reference (filled into R), 0 if not. */
int dbw_is_ref(const char *s, struct dbw_ref *r);
/* 1 if S contains any ${. */
int dbw_has_ref(const char *s);
/*
 * Expand S as dbward would into OUT. 0; -ENOENT when a ${NAME} without
 * default is unset (NAME into MISSING); -EINVAL when dbward would refuse
 * it (nested ${ in a default, a bad name, an unclosed ${).
 */
int dbw_expand(const char *s, char *out, size_t n, char *missing, size_t mlen);

void dbw_check_server(struct dbw *d);
void dbw_check_agent(struct dbw *d);


#endif
