/* error.c - filling struct hg_error. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

int
hg_error_set(struct hg_error *e, int err, const char *id, const char *where,
	     const char *fix, const char *fmt, ...)
{
	va_list ap;

	if (err > 0)
		err = -err;
	if (err == 0)
		err = -1;
	if (e == NULL)
		return err;
	e->id = id ? id : "HG-000";
	snprintf(e->where, sizeof(e->where), "%s", where ? where : "");
	snprintf(e->fix, sizeof(e->fix), "%s", fix ? fix : "");
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return err;
}

void
hg_error_clear(struct hg_error *e)
{
	if (e == NULL)
		return;
	memset(e, 0, sizeof(*e));
}
