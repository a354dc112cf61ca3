/*
 * expand.c - dbward's ${VAR} / ${VAR:-default} expansion
 * (crates/dbward-config/src/expand.rs, reference §1.1): a name is
 * [A-Za-z_][A-Za-z0-9_]*, an unset ${VAR} fails dbward's start, a nested
 * ${ inside a default and a leftover ${ are errors. Nothing else ($VAR,
 * $$) is special.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbw.h"

/* Parse the reference starting at S ("${..."): 1 with R and *END set, or -EINVAL. */
static int
parse_ref(const char *s, struct dbw_ref *r, const char **end)
{
	const char *p = s + 2, *close;
	size_t n = 0;

	if (!(isalpha((unsigned char)*p) || *p == '_'))
		return -EINVAL;
	while (isalnum((unsigned char)p[n]) || p[n] == '_')
		n++;
	if (n >= sizeof(r->name))
		return -EINVAL;
	memcpy(r->name, p, n);
	r->name[n] = '\0';
	p += n;
	r->def = NULL;
	r->deflen = 0;
	if (*p == '}') {
		*end = p + 1;
		return 1;
	}
	if (p[0] != ':' || p[1] != '-')
		return -EINVAL;
	p += 2;
	if ((close = strchr(p, '}')) == NULL)
		return -EINVAL;
	for (const char *q = p; q < close; q++)
		if (q[0] == '$' && q[1] == '{')
			return -EINVAL;	/* nested ${ in a default */
	r->def = p;
	r->deflen = (size_t)(close - p);
	*end = close + 1;
	return 1;
}

int
dbw_is_ref(const char *s, struct dbw_ref *r)
{
	const char *end;

	return s[0] == '$' && s[1] == '{' && parse_ref(s, r, &end) == 1 && *end == '\0';
}

int
dbw_has_ref(const char *s)
{
	return strstr(s, "${") != NULL;
}

int
dbw_expand(const char *s, char *out, size_t n, char *missing, size_t mlen)
{
	size_t o = 0;

	if (n == 0)
		return -EINVAL;
	while (*s) {
		struct dbw_ref r;
		const char *end, *val;
		size_t vlen;

		if (!(s[0] == '$' && s[1] == '{')) {
			if (o + 1 >= n)
				return -E2BIG;
			out[o++] = *s++;
			continue;
		}
		if (parse_ref(s, &r, &end) != 1)
			return -EINVAL;
		if ((val = getenv(r.name)) != NULL) {
			vlen = strlen(val);
		} else if (r.def) {
			val = r.def;
			vlen = r.deflen;
		} else {
			if (missing)
				snprintf(missing, mlen, "%s", r.name);
			return -ENOENT;
		}
		if (o + vlen >= n)
			return -E2BIG;
		memcpy(out + o, val, vlen);
		o += vlen;
		s = end;
	}
	out[o] = '\0';
	return 0;
}
