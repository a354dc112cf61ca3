/* cmd_list.c - hardgate list [modules|services]. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hardgate/module.h>

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

/* Every hardgate_NAME.so in DIR, loaded through the same trusted loader. */
static int
list_modules(const struct cli *c, const char *dir)
{
	char *names[256];
	size_t n = 0;
	int st = 0, shown = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL) {
		fprintf(stderr, "hardgate: HG-003 FAIL %s cannot be listed; fix: correct "
			"hardgate.module_dir\n", dir);
		return 78;
	}
	while ((de = readdir(d)) != NULL && n < 256) {
		size_t l = strlen(de->d_name);

		if (strncmp(de->d_name, "hardgate_", 9) == 0 && l > 12 &&
		    strcmp(de->d_name + l - 3, ".so") == 0 &&
		    (names[n] = strndup(de->d_name + 9, l - 12)) != NULL)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	if (c->json)
		printf("{\"modules\":[");
	for (size_t i = 0; i < n; i++) {
		struct hg_loaded l;
		struct hg_error e = { 0 };

		if (hg_module_load(dir, names[i], &l, &e) < 0) {
			hg_report_error(stderr, NULL, &e);
			st = 78;
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

	if (strcmp(what, "modules") == 0)
		mods = 1;
	else if (strcmp(what, "services") == 0)
		svcs = 1;
	else if (strcmp(what, "all") == 0)
		mods = svcs = 1;
	else {
		fprintf(stderr, "usage: hardgate list [modules|services]\n");
		return EXIT_USAGE;
	}
	if (hg_policy_load(cli_conf(c), &p, &e) < 0) {
		hg_report_error(stderr, NULL, &e);
		if (svcs)
			return 78;
	}
	if (mods)
		st = list_modules(c, p ? p->module_dir : HG_MODULE_DIR);
	if (svcs && p)
		list_services(c, p);
	hg_policy_free(p);
	return st;
}
