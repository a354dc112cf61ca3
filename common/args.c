/* args.c - module arguments against the module's declared spec. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "catalog.h"
#include "util.h"

#define ID_ARG "HG-004"

static const char *
type_name(enum hg_arg_type t)
{
	switch (t) {
	case HG_ARG_STRING:
		return "a string";
	case HG_ARG_BOOL:
		return "true or false";
	case HG_ARG_INT:
		return "an integer";
	case HG_ARG_LIST:
		return "a list of strings";
	case HG_ARG_MODE:
		return "an octal mode string such as \"0600\"";
	case HG_ARG_ID:
		return "a finding ID such as \"DBW-PRE-05\"";
	}
	return "?";
}

static const struct hg_arg_spec *
spec_of(const struct hg_module *m, const char *name)
{
	for (const struct hg_arg_spec *s = m->args; s && s->name; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

static void
spec_names(const struct hg_module *m, char *buf, size_t n)
{
	size_t l = 0;

	buf[0] = '\0';
	for (const struct hg_arg_spec *s = m->args; s && s->name && l + 2 < n; s++)
		l += (size_t)snprintf(buf + l, n - l, "%s%s", l ? ", " : "", s->name);
	if (buf[0] == '\0')
		snprintf(buf, n, "none");
}

static int
check_choice(const struct hg_argval *a, const struct hg_arg_spec *s, struct hg_error *e,
	     const char *mod)
{
	char list[256];
	size_t l = 0;

	if (s->choices == NULL)
		return 0;
	for (const char *const *c = s->choices; *c; c++)
		if (strcmp(*c, a->str) == 0)
			return 0;
	list[0] = '\0';
	for (const char *const *c = s->choices; *c && l + 2 < sizeof(list); c++)
		l += (size_t)snprintf(list + l, sizeof(list) - l, "%s\"%s\"", l ? ", " : "", *c);
	{
		char fix[300];

		snprintf(fix, sizeof(fix), "use one of %s", list);
		return hg_error_set(e, EINVAL, ID_ARG, a->where, fix,
				    "module %s: arg '%s' has unknown value \"%s\"", mod, a->name,
				    a->str);
	}
}

/* Type of A against S; MODE and ID are strings with a stricter form. */
static int
check_one(struct hg_argval *a, const struct hg_arg_spec *s, const char *mod, struct hg_error *e)
{
	enum hg_arg_type written = a->type;
	int ok;

	if (written == HG_ARG_MODE || written == HG_ARG_ID)
		written = HG_ARG_STRING;	/* validated before */

	if (s->type == HG_ARG_MODE || s->type == HG_ARG_ID)
		ok = written == HG_ARG_STRING;
	else
		ok = written == s->type;
	if (!ok) {
		char fix[128];

		snprintf(fix, sizeof(fix), "write %s", type_name(s->type));
		return hg_error_set(e, EINVAL, ID_ARG, a->where, fix,
				    "module %s: arg '%s' must be %s", mod, a->name,
				    type_name(s->type));
	}
	if (s->type == HG_ARG_MODE) {
		mode_t m;

		if (hg_parse_mode(a->str, &m) < 0)
			return hg_error_set(e, EINVAL, ID_ARG, a->where, "write it like \"0600\"",
					    "module %s: arg '%s' = \"%s\" is not an octal mode", mod,
					    a->name, a->str);
		a->num = m;
		a->type = HG_ARG_MODE;
		return 0;
	}
	if (s->type == HG_ARG_ID && hg_catalog_find(a->str) == NULL)
		return hg_error_set(e, EINVAL, ID_ARG, a->where,
				    "use an ID from hardgate explain (ids.tsv or HG-nnn)",
				    "module %s: arg '%s' = \"%s\" is not a known finding ID", mod,
				    a->name, a->str);
	if (s->type == HG_ARG_ID)
		a->type = HG_ARG_ID;
	if (s->type == HG_ARG_STRING)
		return check_choice(a, s, e, mod);
	return 0;
}

int
hg_args_validate(struct hg_args *args, const struct hg_module *m, struct hg_error *e)
{
	char names[512];
	int r;

	for (size_t i = 0; i < args->n; i++) {
		struct hg_argval *a = &args->v[i];
		const struct hg_arg_spec *s = spec_of(m, a->name);

		if (s == NULL) {
			char fix[600];

			spec_names(m, names, sizeof(names));
			snprintf(fix, sizeof(fix), "remove it (module %s takes: %s)", m->name, names);
			return hg_error_set(e, EINVAL, ID_ARG, a->where, fix,
					    "module %s does not take arg '%s'", m->name, a->name);
		}
		if ((r = check_one(a, s, m->name, e)) < 0)
			return r;
	}
	for (const struct hg_arg_spec *s = m->args; s && s->name; s++)
		if (s->required && !hg_args_isset(args, s->name)) {
			char fix[128];

			snprintf(fix, sizeof(fix), "add %s = ...; to its args", s->name);
			return hg_error_set(e, EINVAL, ID_ARG, args->where, fix,
					    "module %s needs arg '%s'", m->name, s->name);
		}
	return 0;
}

static const struct hg_argval *
find(const struct hg_args *a, const char *name)
{
	for (size_t i = 0; a && i < a->n; i++)
		if (strcmp(a->v[i].name, name) == 0)
			return &a->v[i];
	return NULL;
}

int
hg_args_isset(const struct hg_args *a, const char *name)
{
	return find(a, name) != NULL;
}

const char *
hg_args_str(const struct hg_args *a, const char *name)
{
	const struct hg_argval *v = find(a, name);

	return v && (v->type == HG_ARG_STRING || v->type == HG_ARG_MODE ||
		     v->type == HG_ARG_ID) ? v->str : NULL;
}

int
hg_args_bool(const struct hg_args *a, const char *name, int def)
{
	const struct hg_argval *v = find(a, name);

	return v && v->type == HG_ARG_BOOL ? (int)v->num : def;
}

long long
hg_args_int(const struct hg_args *a, const char *name, long long def)
{
	const struct hg_argval *v = find(a, name);

	/* INT as written, or a validated MODE string (num holds its bits). */
	return v && (v->type == HG_ARG_INT || v->type == HG_ARG_MODE) ? v->num : def;
}

size_t
hg_args_list_len(const struct hg_args *a, const char *name)
{
	const struct hg_argval *v = find(a, name);

	return v && v->type == HG_ARG_LIST ? v->nlist : 0;
}

const char *
hg_args_list_at(const struct hg_args *a, const char *name, size_t i)
{
	const struct hg_argval *v = find(a, name);

	return v && v->type == HG_ARG_LIST && i < v->nlist ? v->list[i] : NULL;
}

const char *
hg_args_where(const struct hg_args *a, const char *name)
{
	const struct hg_argval *v = find(a, name);

	return v ? v->where : (a && a->where ? a->where : "");
}
