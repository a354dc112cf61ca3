/*
 * cmd_score.c - hardgate score --service NAME [--threshold N]: an exposure
 * score in the spirit of systemd-analyze security, from the controls the
 * service's stack has and whose checks pass. 0.0 is every control active,
 * 10.0 none. The weights (sum 10) are in the table below and in
 * hardgate(8), SCORE; a new control is one more row.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hardgate/hardgate.h>

#include "args.h"
#include "cli.h"
#include "decision.h"
#include "policy.h"
#include "report.h"
#include "run.h"
#include "stack.h"
#include "util.h"

/* Does entry E (of the control's module) provide the control? */
typedef int (*provides_fn)(const struct hg_entry *e);

static int
any_entry(const struct hg_entry *e)
{
	(void)e;
	return 1;
}

static int
unprivileged_user(const struct hg_entry *e)
{
	const char *u = hg_args_str(&e->args, "user");

	return u && strcmp(u, "root") != 0 && strcmp(u, "0") != 0 &&
	       !hg_args_bool(&e->args, "allow_root", 0);
}

static int
no_caps(const struct hg_entry *e)
{
	return hg_args_list_len(&e->args, "caps") == 0;
}

static int
no_new_privs(const struct hg_entry *e)
{
	return hg_args_bool(&e->args, "no_new_privs", 1);
}

static const struct control {
	const char *name;
	const char *module;
	double weight;
	provides_fn provides;
} controls[] = {
	{ "runs as an unprivileged user", "privs", 2.0, unprivileged_user },
	{ "keeps no capabilities", "privs", 1.0, no_caps },
	{ "no_new_privs set", "privs", 1.0, no_new_privs },
	{ "syscall filter", "seccomp", 2.0, any_entry },
	{ "outbound network allow-list", "netout", 2.0, any_entry },
	{ "no core dumps", "coredump", 1.0, any_entry },
	{ "key material permissions checked", "keyfile", 1.0, any_entry },
};

/* A module FAILing in D makes its controls missing: declared is not enough. */
static int
module_fails(const struct hg_decision *d, const char *module)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->f[i].severity == HG_SEV_FAIL && strcmp(d->f[i].module, module) == 0)
			return 1;
	return 0;
}

static int
active(const struct control *k, const struct hg_service *s, const struct hg_decision *d)
{
	if (module_fails(d, k->module))
		return 0;
	for (size_t i = 0; i < s->nstack; i++)	/* an entry whose check ran and passed */
		if (strcmp(s->stack[i].module, k->module) == 0 && k->provides(&s->stack[i]) &&
		    d->nresults == s->nstack && d->results[i] == HG_PASS)
			return 1;
	return 0;
}

/*
 * Entries that are faulty (a module that does not load, an argument it does
 * not take, a phase it lacks) stop the stack before any check runs, so no
 * module can report a FAIL: no control is active then. >0, 0 or -errno.
 */
static int
stack_faulty(const struct hg_policy *p, const struct hg_service *s)
{
	struct hg_decision *d = hg_decision_new(s->name);
	int bad;

	if (d == NULL)
		return -ENOMEM;
	bad = hg_stack_lint(p, s, d);
	hg_decision_free(d);
	return bad;
}

/* --threshold N (0 to 10), or -1 without it. 0, or -1 on a bad value. */
static int
parse_threshold(const struct cli *c, double *t)
{
	char *end;

	*t = -1;
	if (c->argc != 0)
		return -1;
	if (c->threshold == NULL)
		return 0;
	*t = strtod(c->threshold, &end);
	return *end == '\0' && end != c->threshold && *t >= 0 && *t <= 10 ? 0 : -1;
}

static void
print_score(const struct cli *c, const struct hg_service *s, const int *on, double score,
	    double threshold)
{
	size_t n = sizeof(controls) / sizeof(controls[0]);

	if (c->json) {
		printf("{\"service\":");
		hg_json_str(stdout, s->name);
		printf(",\"exposure\":%.1f,\"threshold\":", score);
		if (threshold >= 0)
			printf("%.1f", threshold);
		else
			printf("null");
		printf(",\"controls\":[");
		for (size_t i = 0; i < n; i++)
			printf("%s{\"control\":\"%s\",\"module\":\"%s\",\"weight\":%.1f,\"active\":%s}",
			       i ? "," : "", controls[i].name, controls[i].module, controls[i].weight,
			       on[i] ? "true" : "false");
		printf("]}\n");
		return;
	}
	for (size_t i = 0; i < n; i++)
		printf("%s %-34s %-9s %4.1f\n", on[i] ? "+" : "-", controls[i].name,
		       controls[i].module, on[i] ? 0.0 : controls[i].weight);
	printf("hardgate[%s]: exposure %.1f/10", s->name, score);
	if (threshold >= 0)
		printf(" (threshold %.1f: %s)", threshold, score > threshold ? "FAIL" : "ok");
	printf("\n");
}

int
cmd_score(struct cli *c)
{
	size_t n = sizeof(controls) / sizeof(controls[0]);
	struct hg_run_opts o = {
		.conf = c->conf, .service = c->service, .stage = HG_STAGE_CHECK, .ignore_mode = 1,
	};
	const struct hg_service *s;
	struct hg_decision *d = NULL;
	struct hg_policy *p;
	double threshold, missing = 0, total = 0;
	int on[sizeof(controls) / sizeof(controls[0])], st, faulty;

	if (c->service == NULL || parse_threshold(c, &threshold) < 0) {
		fprintf(stderr, "usage: hardgate score --service NAME [--conf FILE] [--json] "
				"[--threshold N (0-10)]\n");
		return EXIT_USAGE;
	}
	if ((st = cli_load_service(c, &p, &s)) != 0)
		return st;
	if ((faulty = stack_faulty(p, s)) < 0 || hg_run(&o, &d) < 0) {
		hg_policy_free(p);
		return HG_EXIT_INTERNAL;
	}
	if (faulty)	/* say why every control is missing */
		hg_report_text(d, stderr);
	for (size_t i = 0; i < n; i++) {
		on[i] = !faulty && active(&controls[i], s, d);
		total += controls[i].weight;
		missing += on[i] ? 0 : controls[i].weight;
	}
	missing = 10.0 * missing / total;
	print_score(c, s, on, missing, threshold);
	st = threshold >= 0 && missing > threshold + 1e-9 ? HG_EXIT_REFUSED : 0;
	hg_decision_free(d);
	hg_policy_free(p);
	return st;
}
