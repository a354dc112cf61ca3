/* cmd_explain.c - hardgate explain ID: what it means, how enforced, how to fix. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <hardgate/hardgate.h>

#include "catalog.h"
#include "cli.h"
#include "policy.h"
#include "util.h"

/* Is the module that enforces E installed in DIR? */
static const char *
module_state(const struct hg_catalog_entry *e, const char *dir, char *buf, size_t n)
{
	struct stat st;
	char path[4096];

	if (strcmp(e->module, "core") == 0)
		return "core (always present)";
	snprintf(path, sizeof(path), "%s/hardgate_%s.so", dir, e->module);
	snprintf(buf, n, "%s (%s)", e->module,
		 stat(path, &st) == 0 ? "installed" : "not installed: planned or missing");
	return buf;
}

static void
explain_text(const struct hg_catalog_entry *e, const char *dir)
{
	char buf[256];

	printf("%s  %s\n", e->id, e->item);
	printf("  checklist: %s, section %s\n", e->checklist, e->section);
	printf("  class:     %s\n", hg_class_name(e->cls));
	printf("  module:    %s\n", module_state(e, dir, buf, sizeof(buf)));
	printf("  how:       %s\n", e->how);
	printf("  fix:       %s\n", e->fix);
}

/* One object, one line. */
static void
explain_json(const struct hg_catalog_entry *e, const char *dir)
{
	char buf[256];

	printf("{\"id\":");
	hg_json_str(stdout, e->id);
	printf(",\"checklist\":");
	hg_json_str(stdout, e->checklist);
	printf(",\"section\":");
	hg_json_str(stdout, e->section);
	printf(",\"item\":");
	hg_json_str(stdout, e->item);
	printf(",\"class\":\"%s\",\"module\":", hg_class_name(e->cls));
	hg_json_str(stdout, module_state(e, dir, buf, sizeof(buf)));
	printf(",\"how\":");
	hg_json_str(stdout, e->how);
	printf(",\"fix\":");
	hg_json_str(stdout, e->fix);
	printf("}\n");
}

int
cmd_explain(struct cli *c)
{
	const struct hg_catalog_entry *all, *e;
	struct hg_policy *p = NULL;
	struct hg_error err = { 0 };
	const char *dir = HG_MODULE_DIR;
	size_t n;
	int st = 0;

	/* The policy's module_dir when it loads; explain works without one. */
	if (hg_policy_load(cli_conf(c), &p, &err) == 0)
		dir = p->module_dir;

	if (c->argc != (c->all ? 0 : 1)) {
		fprintf(stderr, "usage: hardgate explain ID | --all (IDs: hardgate explain --all)\n");
		return EXIT_USAGE;
	}
	if (c->all) {
		all = hg_catalog_all(&n);
		for (size_t i = 0; i < n; i++) {
			if (c->json)
				explain_json(&all[i], dir);
			else
				printf("%-11s %-8s %s\n", all[i].id, hg_class_name(all[i].cls),
				       all[i].item);
		}
	} else if ((e = hg_catalog_find(c->argv[0])) == NULL) {
		fprintf(stderr, "hardgate: unknown ID '%s' (hardgate explain --all lists them)\n",
			c->argv[0]);
		st = EXIT_USAGE;
	} else if (c->json) {
		explain_json(e, dir);
	} else {
		explain_text(e, dir);
	}
	hg_policy_free(p);
	return st;
}
