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

#include "toml.h"

struct dbw {
	struct hg_ctx *ctx;
	const struct hg_args *args;
	const char *path;		/* the config file */
	const struct hg_toml *doc;
	const char *env;		/* the production environment's name */
	enum hg_severity rec;		/* severity of "Recommended" items */
	int fails;			/* FAIL findings so far */
};

/* Report under ID with severity SEV at the line of V (its key) in the config. */
void dbw_report(struct dbw *d, const char *id, enum hg_severity sev,
		const struct hg_toml_value *v, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* A Must item fails, a Recommended one has the policy's severity. */
#define DBW_MUST HG_SEV_FAIL
#define DBW_REC(d) ((d)->rec)

/* The string at KEY of table T, or NULL (a finding when present but not a string). */
const char *dbw_str(struct dbw *d, const char *id, const struct hg_toml_value *t,
		    const char *key, const struct hg_toml_value **vp);
/* The bool at KEY, DEF when absent. -1 (with a finding) when not a bool. */
int dbw_bool(struct dbw *d, const char *id, const struct hg_toml_value *t, const char *key,
	     int def, const struct hg_toml_value **vp);

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

/* Stale or unknown keys: report each member of T not in KNOWN (NULL-terminated). */
struct dbw_stale {
	const char *key;	/* a spelling dbward ignores or rejects */
	const char *id;		/* the item the operator meant */
	enum hg_severity sev;	/* FAIL: a control believed on is off */
	const char *why;
	const char *fix;
};
void dbw_unknown_keys(struct dbw *d, const struct hg_toml_value *t, const char *where,
		      const char *const *known, const struct dbw_stale *stale);

void dbw_check_server(struct dbw *d);
void dbw_check_agent(struct dbw *d);

#define DBW_UNKNOWN_ID "HG-033"	/* a key dbward ignores */
#define DBW_LITERAL_ID "HG-034"	/* a secret written in the config file */
#define DBW_REFUSED_ID "HG-035"	/* a config dbward itself refuses at start */

#endif
