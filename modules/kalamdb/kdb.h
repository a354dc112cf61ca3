/*
 * kdb.h - what the parts of the kalamdb module share (not installed).
 *
 * KalamDB reads server.toml, then a fixed list of environment overrides
 * (reference §1.1; there is no generic KALAMDB_<SECTION>_<KEY>). A value
 * is judged as KalamDB would use it: the override when the variable is
 * set in the process's environment, else the file, else KalamDB's
 * default. Findings point at the file's line, or name the variable.
 */
#ifndef HG_MODULE_KDB_H
#define HG_MODULE_KDB_H

#include <stdint.h>

#include "appconf.h"

struct kdb {
	struct hg_app a;
	const struct hg_toml_value *auth;	/* [auth] or its alias [authentication] */
};

/* Where a value came from: the environment, the file, or KalamDB's default. */
struct kval {
	const char *env;			/* the override's name, or NULL */
	int from_env;
	const struct hg_toml_value *v;		/* the file's value, or NULL */
};

/* The string KEY of table T, overridden by ENV when set; NULL if neither. */
const char *kdb_str(struct kdb *d, const char *id, const struct hg_toml_value *t,
		    const char *key, const char *env, struct kval *kv);
/* The bool KEY of T, overridden by ENV (true/1/yes); DEF if neither. */
int kdb_bool(struct kdb *d, const char *id, const struct hg_toml_value *t, const char *key,
	     const char *env, int def, struct kval *kv);

/* A finding at the value's place: the file's line or the variable. */
void kdb_report(struct kdb *d, const char *id, enum hg_severity sev, const struct kval *kv,
		const char *fix, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* 1 if HOST (no port, brackets allowed) is loopback or "localhost". */
int kdb_loopback(const char *host);
/* The host part of "host:port" / "[v6]:port" / "http://host:port" into OUT. */
void kdb_host(const char *addr, char *out, size_t n);

void kdb_check_cluster(struct kdb *d);

#endif
