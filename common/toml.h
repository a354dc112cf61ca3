/*
 * toml.h - a small, strict TOML 1.0 reader for application config files
 * (dbward's server.toml, KalamDB's server.toml).
 *
 * The whole grammar of TOML 1.0, with the behaviour of Python's tomli 2.0
 * where the spec leaves room (tests/toml/ compares the two on every
 * document; the choices are listed at the top of toml.c). Strict: a duplicate key, a table defined twice, a static array
 * or inline table extended later, an integer outside int64, an invalid date,
 * bad UTF-8, a NUL byte or a control character where the spec forbids it
 * make the whole document fail: no half document is ever returned.
 *
 * Every value and every key carries its 1-based line and column (columns
 * count characters, a tab is one), so a module can report the file:line of
 * the offending key. Tables keep their members in document order, so a
 * module can walk a table and report the keys it does not know.
 *
 * A document owns everything reachable from it: pointers returned by the
 * accessors stay valid until hg_toml_free(). Nothing here prints or exits.
 *
 *	struct hg_toml *doc;
 *	const struct hg_toml_value *v;
 *	const char *const path[] = { "server", "tls", "enabled" };
 *	bool on;
 *
 *	if (hg_toml_parse("/etc/dbward/server.toml", text, len, &doc, &e) < 0)
 *		return -EINVAL;		// e: HG-025, where "FILE:LINE:COL"
 *	v = hg_toml_get_path(hg_toml_root(doc), path, 3);
 *	if (v != NULL && hg_toml_bool(v, &on) < 0)
 *		... hg_toml_where(doc, v, buf, sizeof(buf)): not a boolean
 *	hg_toml_free(doc);
 */
#ifndef HG_COMMON_TOML_H
#define HG_COMMON_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Tables nest at most this deep (headers, dotted keys, inline values and arrays together). */
#define HG_TOML_MAX_DEPTH 64

/* Largest document hg_toml_parse() accepts (the policy bound of conventions.md). */
#define HG_TOML_MAX_LEN (4u << 20)

enum hg_toml_type {
	HG_TOML_TABLE = 1,	/* [table], [[array.element]], { inline }, or dotted-key parent */
	HG_TOML_ARRAY,		/* [ values ] or the array behind [[name]] */
	HG_TOML_STRING,		/* any of the four string forms, escapes resolved */
	HG_TOML_INTEGER,	/* int64 */
	HG_TOML_FLOAT,		/* double, inf and nan included */
	HG_TOML_BOOL,
	HG_TOML_DATETIME,	/* offset date-time: 1979-05-27T07:32:00Z */
	HG_TOML_DATETIME_LOCAL,	/* 1979-05-27T07:32:00 */
	HG_TOML_DATE_LOCAL,	/* 1979-05-27 */
	HG_TOML_TIME_LOCAL,	/* 07:32:00 */
};

/* The parts of a date-time value; what the type has no part for is 0. */
struct hg_toml_datetime {
	int year, month, day;		/* DATETIME, DATETIME_LOCAL, DATE_LOCAL */
	int hour, minute, second;	/* DATETIME, DATETIME_LOCAL, TIME_LOCAL */
	long nanosecond;		/* the fraction, digits past the 9th dropped */
	int offset_minutes;		/* DATETIME only: east of UTC, "Z" is 0 */
	const char *text;		/* the value as written in the document */
};

struct hg_toml;		/* a parsed document */
struct hg_toml_value;	/* one value (or table) inside it */

/*
 * Parse TEXT[0..LEN) (not NUL-terminated; a NUL inside is an error). NAME
 * is the file name used in error positions. On success *OUT is a document
 * to free with hg_toml_free() and 0 is returned. On failure *OUT is NULL,
 * E (if non-NULL) is filled with id "HG-025", where "NAME:LINE:COL", a
 * message naming what is wrong and a fix, and -EINVAL (bad document),
 * -EFBIG (longer than HG_TOML_MAX_LEN) or -ENOMEM is returned.
 */
int hg_toml_parse(const char *name, const char *text, size_t len, struct hg_toml **out,
		  struct hg_error *e);

/* Free DOC and every value in it (NULL is fine). */
void hg_toml_free(struct hg_toml *doc);

/* The root table of DOC; never NULL for a parsed document. */
const struct hg_toml_value *hg_toml_root(const struct hg_toml *doc);

/* The NAME given to hg_toml_parse() (a copy owned by DOC). */
const char *hg_toml_name(const struct hg_toml *doc);

/* V's type (0 for NULL), and a lowercase name for messages ("table", "offset date-time"...). */
enum hg_toml_type hg_toml_type(const struct hg_toml_value *v);
const char *hg_toml_type_name(enum hg_toml_type t);

/*
 * Where V starts: its first character (the quote of a string, the '[' of
 * an array or of a [table] header, the '{' of an inline table; for a table
 * made implicitly by a dotted key or a header, the key part that made it).
 * 0 for the root and for NULL.
 */
unsigned hg_toml_line(const struct hg_toml_value *v);
unsigned hg_toml_col(const struct hg_toml_value *v);

/*
 * The key that names V in its table, with its length (keys may contain any
 * character, NUL included; the string is also NUL-terminated) and the
 * position of that key part in the document: for `a.b = 1` the value 1 has
 * key "b" at the column of b. NULL / 0 for the root, for array elements
 * and for NULL. An [[array]] element has no key; its array has.
 */
const char *hg_toml_key(const struct hg_toml_value *v, size_t *len);
unsigned hg_toml_key_line(const struct hg_toml_value *v);
unsigned hg_toml_key_col(const struct hg_toml_value *v);

/*
 * "NAME:LINE" of V's key into BUF (N bytes), as a finding's where: the
 * line of V itself when it has no key (an array element), "NAME" for the
 * root or NULL. Returns BUF.
 */
const char *hg_toml_where(const struct hg_toml *doc, const struct hg_toml_value *v, char *buf,
			  size_t n);

/*
 * Members of a table in document order (order of first definition), or
 * elements of an array. hg_toml_count() is 0 for any other type;
 * hg_toml_at() is NULL when I is out of range or V is not a container.
 */
size_t hg_toml_count(const struct hg_toml_value *v);
const struct hg_toml_value *hg_toml_at(const struct hg_toml_value *v, size_t i);

/*
 * The member KEY (KEYLEN bytes) of table T, or NULL when T is not a table
 * or has no such member. Keys are matched exactly (no dot splitting).
 */
const struct hg_toml_value *hg_toml_getn(const struct hg_toml_value *t, const char *key,
					 size_t keylen);
/* Same with a NUL-terminated KEY. */
const struct hg_toml_value *hg_toml_get(const struct hg_toml_value *t, const char *key);

/*
 * Follow N keys from table T: {"server", "tls"} is [server.tls] (and
 * {"a.b"} is the quoted key "a.b"). NULL when a step is missing or is
 * not a table; arrays of tables are not entered.
 */
const struct hg_toml_value *hg_toml_get_path(const struct hg_toml_value *t,
					     const char *const *keys, size_t n);

/*
 * Typed reads: 0 and *OUT filled, or -EINVAL when V is NULL or of another
 * type (*OUT untouched). hg_toml_string's text is NUL-terminated and may
 * contain NUL bytes (from \u0000): use *LEN (may be NULL) when that matters.
 * hg_toml_datetime accepts the four date/time types.
 */
int hg_toml_string(const struct hg_toml_value *v, const char **out, size_t *len);
int hg_toml_int(const struct hg_toml_value *v, int64_t *out);
int hg_toml_double(const struct hg_toml_value *v, double *out);
int hg_toml_bool(const struct hg_toml_value *v, bool *out);
int hg_toml_datetime(const struct hg_toml_value *v, struct hg_toml_datetime *out);

#endif
