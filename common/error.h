/* error.h - how core functions report a failure to the layer that prints it. */
#ifndef HG_COMMON_ERROR_H
#define HG_COMMON_ERROR_H

#include <stddef.h>

/*
 * Filled by a failing function; the caller (cli/, preload/, the API) turns
 * it into a finding or a line on stderr. id is a static string.
 */
struct hg_error {
	const char *id;		/* "HG-001"..., never NULL once set */
	char where[512];	/* "file:line", a path, or "" */
	char msg[512];		/* what is wrong, naming the object */
	char fix[384];		/* what the operator does about it, or "" */
};

/* Set E (if non-NULL). Returns -ERR so callers can `return hg_error_set(...)`. */
int hg_error_set(struct hg_error *e, int err, const char *id, const char *where,
		 const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

void hg_error_clear(struct hg_error *e);

#endif
