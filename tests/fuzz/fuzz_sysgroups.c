/*
 * fuzz_sysgroups.c - the seccomp groups file (modules/seccomp/sysgroups.c):
 * parse, then expand every group defined (nested groups, cycles, depth)
 * and read its help, as the seccomp module does for `allow`/`deny`.
 */
#include "config.h"

#include <errno.h>

#include "fuzz.h"
#include "sysgroups.h"

/* seccomp.c's add_name() keeps each syscall once: so does this. */
struct names {
	char *v[64 * 512];
	size_t n, calls;
};

static int
add(const char *name, void *arg)
{
	struct names *ns = arg;

	HGF_ASSERT(name[0] != '\0' && name[0] != '@');
	ns->calls++;
	for (size_t i = 0; i < ns->n; i++)
		if (strcmp(ns->v[i], name) == 0)
			return 0;
	if (ns->n == sizeof(ns->v) / sizeof(ns->v[0]))
		return -E2BIG;
	ns->v[ns->n++] = (char *)name;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct names ns;
	struct hg_sysgroups *g;
	char err[512] = "", *s = hgf_cstr(data, size), *line, *save = NULL;

	if (s == NULL)
		return 0;
	g = hg_sysgroups_parse(s, err, sizeof(err));
	HGF_ASSERT(g != NULL || err[0] != '\0');
	/* every "@name" at the start of a line is a group to expand */
	for (line = g ? strtok_r(s, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] != '@')
			continue;
		line[strcspn(line, " \t#")] = '\0';
		ns.n = ns.calls = 0;
		if (hg_sysgroups_expand(g, line, add, &ns, err, sizeof(err)) == 0)
			HGF_ASSERT(hg_sysgroups_help(g, line) != NULL);
		/* each group's members reached once at most, not once per path */
		HGF_ASSERT(ns.calls <= 64 * 512);
	}
	hg_sysgroups_free(g);
	free(s);
	return 0;
}
