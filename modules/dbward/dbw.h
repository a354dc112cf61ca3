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
#include "dbwexpand.h"

struct dbw_text;

struct dbw {
	struct hg_app a;		/* the file, its document, the findings */
	const char *env;		/* the production environment's name */
	enum hg_severity rec;		/* severity of "Recommended" items */
	struct dbw_text *texts;		/* strings already read (dbw_text) */
	size_t ntexts, cap;
};

/*
 * The string at KEY of table T as dbward reads it: ${} expanded with the
 * process environment. Each value is read, and its problems reported,
 * once: a mistyped value is NULL (a finding under ID), one whose ${}
 * cannot be expanded stays as written, so it matches no name (HG-035: a
 * warning in hardgate check's shell, a failure in the service's start).
 * NULL when absent. Valid until the check ends.
 */
const char *dbw_text(struct dbw *d, const char *id, const struct hg_toml_value *t,
		     const char *key);
/* The same for the value V itself (an array element), named WHAT in messages. */
const char *dbw_text_of(struct dbw *d, const char *id, const struct hg_toml_value *v,
			const char *what);

/*
 * Expand S (the value V) as dbward would into OUT. 0, or -1 after a
 * finding: under ID (warn) when a variable is unset in hardgate check's
 * environment, HG-035 when dbward itself would refuse to start.
 */
int dbw_effective(struct dbw *d, const char *id, const struct hg_toml_value *v, const char *s,
		  char *out, size_t n);

/* A Must item fails, a Recommended one has the policy's severity. */
#define DBW_MUST HG_SEV_FAIL
#define DBW_REC(d) ((d)->rec)



void dbw_check_server(struct dbw *d);
void dbw_check_agent(struct dbw *d);


#endif
