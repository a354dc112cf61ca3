/* match.c - pick the service for a process from its executable and argv. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "match.h"

static int
matches(const struct hg_service *s, const char *exe, int argc, char **argv)
{
	if (!s->has_match)
		return 0;
	if (s->exe && (exe == NULL || strcmp(s->exe, exe) != 0))
		return 0;
	if (s->nargv > 0 && (argc < 1 || (size_t)(argc - 1) < s->nargv))
		return 0;
	for (size_t i = 0; i < s->nargv; i++)
		if (argv == NULL || argv[i + 1] == NULL || strcmp(s->argv[i], argv[i + 1]) != 0)
			return 0;
	return 1;
}

int
hg_match_service(const struct hg_policy *p, const char *exe, int argc, char **argv,
		 const struct hg_service **out, struct hg_error *e)
{
	const struct hg_service *found = NULL;

	*out = NULL;
	for (size_t i = 0; i < p->nsvc; i++) {
		if (!matches(&p->svc[i], exe, argc, argv))
			continue;
		if (found)
			return hg_error_set(e, EEXIST, "HG-005", p->svc[i].where,
					    "make the match blocks disjoint (add argv to one)",
					    "process %s matches both service '%s' (%s) and '%s'",
					    exe ? exe : "?", found->name, found->where, p->svc[i].name);
		found = &p->svc[i];
	}
	*out = found;
	return found != NULL;
}
