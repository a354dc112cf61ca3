/*
 * appconf.h - an application's own config file (dbward's, KalamDB's), as
 * the application modules read it: opened by the trusted walk, read
 * whole, parsed with the strict TOML reader, and judged key by key with
 * findings that point at the file:line of the key.
 *
 * Generic IDs shared by the application modules:
 *   HG-025  the file cannot be read, cannot be trusted or does not parse
 *   HG-033  a key the application ignores (a stale spelling, a typo)
 *   HG-034  a secret written in the file instead of coming from outside
 *   HG-035  a config the application itself refuses at start
 */
#ifndef HG_COMMON_APPCONF_H
#define HG_COMMON_APPCONF_H

#include <hardgate/module.h>

#include "toml.h"

#define HG_APP_READ_ID "HG-025"
#define HG_APP_UNKNOWN_ID "HG-033"
#define HG_APP_LITERAL_ID "HG-034"
#define HG_APP_REFUSED_ID "HG-035"

struct hg_app {
	struct hg_ctx *ctx;
	const struct hg_args *args;
	const char *app;		/* "dbward", "KalamDB": for messages */
	const char *path;		/* the config file */
	struct hg_toml *doc;
	unsigned fails;			/* FAIL findings reported through hg_app_report */
};

/*
 * Open PATH (absolute; the policy's file:line in WHERE for errors) by the
 * trusted walk, refuse it world-writable, read it whole (at most
 * HG_TOML_MAX_LEN) and parse it into A->doc. When the text does not parse
 * and PREPARE is given, parse PREPARE's rewrite of it instead (dbward
 * expands ${VAR} before parsing). HG_PASS, or HG_FAIL with an HG-025
 * finding. Free with hg_app_close().
 */
int hg_app_open(struct hg_app *a, const char *path, const char *where,
		char *(*prepare)(const char *text, size_t len));
void hg_app_close(struct hg_app *a);

/* A finding under ID with SEV at the line of V's key (the file if V is NULL). */
void hg_app_report(struct hg_app *a, const char *id, enum hg_severity sev,
		   const struct hg_toml_value *v, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/*
 * The string at KEY of table T, or NULL; *VP (if given) gets the value.
 * A value of another type is a finding under ID and NULL.
 */
const char *hg_app_str(struct hg_app *a, const char *id, const struct hg_toml_value *t,
		       const char *key, const struct hg_toml_value **vp);
/* The bool at KEY, DEF when absent; -1 with a finding under ID when not a bool. */
int hg_app_bool(struct hg_app *a, const char *id, const struct hg_toml_value *t,
		const char *key, int def, const struct hg_toml_value **vp);
/* The integer at KEY, DEF when absent; a finding and DEF when not an integer. */
int64_t hg_app_int(struct hg_app *a, const char *id, const struct hg_toml_value *t,
		   const char *key, int64_t def, const struct hg_toml_value **vp);

/* A spelling the application ignores, and the control the operator meant. */
struct hg_app_stale {
	const char *key;
	const char *id;		/* the item it was meant for */
	enum hg_severity sev;	/* FAIL: a control believed on is off */
	const char *why;
	const char *fix;
};

/*
 * Report every member of table T (named WHERE, "" for the root) that is
 * not in KNOWN: a STALE spelling under its item's ID, anything else as
 * HG-033 (warn).
 */
void hg_app_unknown_keys(struct hg_app *a, const struct hg_toml_value *t, const char *where,
			 const char *const *known, const struct hg_app_stale *stale);

#endif
