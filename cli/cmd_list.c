/* cmd_list.c - hardgate list [modules|services], hardgate list --coverage. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hardgate/module.h>

#include "analyzer.h"
#include "catalog.h"
#include "cli.h"
#include "loader.h"
#include "policy.h"
#include "report.h"
#include "util.h"

static const char *
arg_type(enum hg_arg_type t)
{
	static const char *const names[] = { "?", "string", "bool", "int", "list", "mode", "id" };

	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

static void
module_text(const struct hg_module *m)
{
	printf("module %s (phases:%s%s)\n", m->name, m->phases & HG_PHASE_START ? " start" : "",
	       m->phases & HG_PHASE_LAUNCH ? " launch" : "");
	for (const struct hg_arg_spec *a = m->args; a && a->name; a++) {
		printf("  arg %-16s %-6s %s%s", a->name, arg_type(a->type),
		       a->required ? "(required) " : "", a->help ? a->help : "");
		for (const char *const *ch = a->choices; ch && *ch; ch++)
			printf("%s%s", ch == a->choices ? " [" : "|", *ch);
		printf("%s\n", a->choices ? "]" : "");
	}
	printf("  ids:");
	for (const char *const *id = m->ids; id && *id; id++)
		printf(" %s", *id);
	printf("\n");
}

static void
module_json(const struct hg_module *m, int comma)
{
	printf("%s{\"module\":", comma ? "," : "");
	hg_json_str(stdout, m->name);
	printf(",\"phases\":[%s%s%s],\"args\":[", m->phases & HG_PHASE_START ? "\"start\"" : "",
	       (m->phases & HG_PHASE_START) && (m->phases & HG_PHASE_LAUNCH) ? "," : "",
	       m->phases & HG_PHASE_LAUNCH ? "\"launch\"" : "");
	for (const struct hg_arg_spec *a = m->args; a && a->name; a++) {
		printf("%s{\"name\":", a == m->args ? "" : ",");
		hg_json_str(stdout, a->name);
		printf(",\"type\":\"%s\",\"required\":%s}", arg_type(a->type),
		       a->required ? "true" : "false");
	}
	printf("],\"ids\":[");
	for (const char *const *id = m->ids; id && *id; id++) {
		printf("%s", id == m->ids ? "" : ",");
		hg_json_str(stdout, *id);
	}
	printf("]}");
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#define MAX_MODULES 256

/*
 * The sorted NAMEs of every hardgate_NAME.so in DIR into NAMES; -1 if DIR
 * cannot be read (reported into BAD, cli_fail).
 */
HG_LEAK_FP_BEGIN	/* analyzer.h: a loop fills the array */
static int
module_names(const struct cli *c, struct hg_decision **bad, const char *dir, char **names,
	     size_t *n)
{
	struct hg_error e = { 0 };
	struct dirent *de;
	DIR *d = opendir(dir);

	*n = 0;
	if (d == NULL) {
		hg_error_set(&e, errno, "HG-003", dir, "correct hardgate.module_dir",
			     "%s cannot be listed: %s", dir, strerror(errno));
		cli_fail(c, bad, NULL, &e);
		return -1;
	}
	while ((de = readdir(d)) != NULL && *n < MAX_MODULES) {
		size_t l = strlen(de->d_name);

		if (strncmp(de->d_name, "hardgate_", 9) == 0 && l > 12 &&
		    strcmp(de->d_name + l - 3, ".so") == 0 &&
		    (names[*n] = strndup(de->d_name + 9, l - 12)) != NULL)
			(*n)++;
	}
	closedir(d);
	qsort(names, *n, sizeof(names[0]), cmp_str);
	return 0;
}
HG_LEAK_FP_END

/* Every hardgate_NAME.so in DIR, loaded through the same trusted loader. */
static int
list_modules(const struct cli *c, const char *dir)
{
	char *names[MAX_MODULES];
	struct hg_decision *bad = NULL;
	size_t n = 0;
	int st = 0, shown = 0;

	if (module_names(c, &bad, dir, names, &n) < 0)
		return cli_refused(c, &bad, HG_EXIT_REFUSED, "modules cannot be listed");
	if (c->json)
		printf("{\"modules\":[");
	for (size_t i = 0; i < n; i++) {
		struct hg_loaded l;
		struct hg_error e = { 0 };

		if (hg_module_load(dir, names[i], &l, &e) < 0) {
			cli_fail(c, &bad, NULL, &e);
			st = HG_EXIT_REFUSED;
		} else {
			if (c->json)
				module_json(l.mod, shown++);
			else
				module_text(l.mod);
			hg_module_unload(&l);
		}
		free(names[i]);
	}
	if (c->json)
		printf("]}\n");
	cli_refused(c, &bad, st, "a module cannot be loaded");
	return st;
}

static int
declares(const struct hg_module *m, const char *id)
{
	for (const char *const *p = m->ids; p && *p; p++)
		if (strcmp(*p, id) == 0)
			return 1;
	return 0;
}

/* The installed modules whose ids table declares ID, comma-separated, or "-". */
static void
declared_by(const struct hg_loaded *mods, size_t nm, const char *id, int json)
{
	int any = 0;

	for (size_t j = 0; j < nm; j++) {
		if (!declares(mods[j].mod, id))
			continue;
		if (json) {
			printf("%s", any++ ? "," : "");
			hg_json_str(stdout, mods[j].mod->name);
		} else {
			printf("%s%s", any++ ? "," : "", mods[j].mod->name);
		}
	}
	if (!json && !any)
		printf("-");
}

/*
 * The coverage matrix, one tab-separated line per checklist item: ID,
 * class, the module the catalog names, the installed modules whose ids
 * table declares the ID ("-" if none), and the checklist's words; under
 * --json one object {"coverage":[...]} with the same columns. A module
 * that does not load makes the status 78 (it is reported).
 */
static int
list_coverage(const struct cli *c, const char *dir)
{
	struct hg_loaded mods[MAX_MODULES];
	char *names[MAX_MODULES];
	const struct hg_catalog_entry *all;
	struct hg_decision *bad = NULL;
	size_t n = 0, nm = 0, na, shown = 0;
	int st = 0;

	if (module_names(c, &bad, dir, names, &n) < 0)
		return cli_refused(c, &bad, HG_EXIT_REFUSED, "modules cannot be listed");
	for (size_t i = 0; i < n; i++) {
		struct hg_error e = { 0 };

		if (hg_module_load(dir, names[i], &mods[nm], &e) < 0) {
			cli_fail(c, &bad, NULL, &e);
			st = HG_EXIT_REFUSED;
		} else {
			nm++;
		}
		free(names[i]);
	}
	all = hg_catalog_all(&na);
	fputs(c->json ? "{\"coverage\":[" : "id\tclass\tmodule\tdeclared_by\titem\n", stdout);
	for (size_t i = 0; i < na; i++) {
		const char *module = all[i].module && all[i].module[0] ? all[i].module : NULL;

		if (all[i].cls == HG_CLASS_CORE)
			continue;
		if (!c->json) {
			printf("%s\t%s\t%s\t", all[i].id, hg_class_name(all[i].cls),
			       module ? module : "-");
			declared_by(mods, nm, all[i].id, 0);
			printf("\t%s\n", all[i].item);
			continue;
		}
		printf("%s{\"id\":", shown++ ? "," : "");
		hg_json_str(stdout, all[i].id);
		printf(",\"class\":\"%s\",\"module\":", hg_class_name(all[i].cls));
		if (module)
			hg_json_str(stdout, module);
		else
			printf("null");
		printf(",\"declared_by\":[");
		declared_by(mods, nm, all[i].id, 1);
		printf("],\"item\":");
		hg_json_str(stdout, all[i].item);
		printf("}");
	}
	if (c->json)
		printf("]}\n");
	for (size_t j = 0; j < nm; j++)
		hg_module_unload(&mods[j]);
	cli_refused(c, &bad, st, "a module cannot be loaded");
	return st;
}

static void
list_services(const struct cli *c, const struct hg_policy *p)
{
	if (c->json)
		printf("{\"services\":[");
	for (size_t i = 0; i < p->nsvc; i++) {
		const struct hg_service *s = &p->svc[i];

		if (c->json) {
			printf("%s{\"service\":", i ? "," : "");
			hg_json_str(stdout, s->name);
			printf(",\"phase\":\"%s\",\"where\":", hg_phase_name(s->phase));
			hg_json_str(stdout, s->where);
			printf(",\"stack\":[");
			for (size_t j = 0; j < s->nstack; j++)
				printf("%s{\"module\":\"%s\",\"control\":\"%s\"}", j ? "," : "",
				       s->stack[j].module, hg_control_name(s->stack[j].control));
			printf("]}");
			continue;
		}
		printf("service %s (phase %s, %s)\n", s->name, hg_phase_name(s->phase), s->where);
		if (s->exe || s->nargv) {
			printf("  match:");
			if (s->exe)
				printf(" exe=%s", s->exe);
			for (size_t j = 0; j < s->nargv; j++)
				printf(" argv[%zu]=%s", j + 1, s->argv[j]);
			printf("\n");
		}
		for (size_t j = 0; j < s->nstack; j++)
			printf("  %-10s %s\n", hg_control_name(s->stack[j].control),
			       s->stack[j].module);
	}
	if (c->json)
		printf("]}\n");
}

int
cmd_list(struct cli *c)
{
	const char *what = c->argc > 0 ? c->argv[0] : "all";
	struct hg_policy *p = NULL;
	struct hg_error e = { 0 };
	int st = 0, mods = 0, svcs = 0;

	if (c->coverage && c->argc == 0) {
		if (hg_policy_load(cli_conf(c), &p, &e) < 0)	/* a note: the built-in dir */
			hg_report_error(stderr, NULL, &e);
		st = list_coverage(c, p ? p->module_dir : HG_MODULE_DIR);
		hg_policy_free(p);
		return st;
	}
	if (strcmp(what, "modules") == 0)
		mods = 1;
	else if (strcmp(what, "services") == 0)
		svcs = 1;
	else if (strcmp(what, "all") == 0)
		mods = svcs = 1;
	else {
		fprintf(stderr, "usage: hardgate list [modules|services], hardgate list --coverage\n");
		return EXIT_USAGE;
	}
	if (hg_policy_load(cli_conf(c), &p, &e) < 0) {
		if (svcs)
			return cli_refuse(c, NULL, &e, "policy cannot be used");
		hg_report_error(stderr, NULL, &e);	/* a note: the built-in module_dir */
	}
	if (mods)
		st = list_modules(c, p ? p->module_dir : HG_MODULE_DIR);
	if (svcs && p)
		list_services(c, p);
	hg_policy_free(p);
	return st;
}
