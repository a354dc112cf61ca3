/* cmd_check.c - hardgate check and lint, and the service loop audit shares: dry runs. */
#include "config.h"

#include <stdio.h>

#include <hardgate/hardgate.h>

#include "cli.h"
#include "decision.h"
#include "policy.h"
#include "report.h"
#include "run.h"
#include "stack.h"

static int
worst(int a, int b)
{
	if (a == HG_EXIT_INTERNAL || b == HG_EXIT_INTERNAL)
		return HG_EXIT_INTERNAL;
	return a > b ? a : b;
}

/* A policy that does not load: a decision with one finding, exit 78 (NULL: no memory). */
static struct hg_decision *
policy_failed(const struct cli *c, const struct hg_error *e)
{
	struct hg_decision *d = hg_decision_new(c->service);

	if (d == NULL)
		return NULL;
	d->matched = 1;
	hg_decision_add_error(d, e);
	hg_decision_set(d, HG_EXIT_REFUSED, "policy cannot be used");
	return d;
}

/* Check SERVICE (nothing applied, the policy's mode ignored) and hand the decision to FN. */
static int
check_one(const struct cli *c, const char *service, cli_decision_fn fn, void *arg)
{
	struct hg_run_opts o = {
		.conf = c->conf, .service = service, .stage = HG_STAGE_CHECK, .ignore_mode = 1,
	};
	struct hg_decision *d = NULL;
	int st;

	if (hg_run(&o, &d) < 0) {
		fprintf(stderr, "hardgate: out of memory\n");
		return HG_EXIT_INTERNAL;
	}
	st = fn(c, d, arg);
	hg_decision_free(d);
	return st;
}

int
cli_check_services(const struct cli *c, cli_decision_fn fn, void *arg)
{
	struct hg_policy *p;
	struct hg_error e = { 0 };
	struct hg_decision *d;
	int st = 0;

	if (c->service)
		return check_one(c, c->service, fn, arg);
	if (hg_policy_load(cli_conf(c), &p, &e) < 0) {
		if ((d = policy_failed(c, &e)) == NULL)
			return HG_EXIT_INTERNAL;
		st = fn(c, d, arg);
		hg_decision_free(d);
		return st;
	}
	for (size_t i = 0; i < p->nsvc; i++)
		st = worst(st, check_one(c, p->svc[i].name, fn, arg));
	if (p->nsvc == 0)
		fprintf(stderr, "hardgate: %s defines no services\n", cli_conf(c));
	hg_policy_free(p);
	return st;
}

static int
print_decision(const struct cli *c, const struct hg_decision *d, void *arg)
{
	(void)arg;
	return cli_report(c, d, 0);
}

int
cmd_check(struct cli *c)
{
	return cli_check_services(c, print_decision, NULL);
}

int
cmd_lint(struct cli *c)
{
	struct hg_policy *p;
	struct hg_error e = { 0 };
	struct hg_decision *d;
	size_t entries = 0;
	int bad = 0, r;

	if (hg_policy_load(cli_conf(c), &p, &e) < 0) {
		if ((d = policy_failed(c, &e)) == NULL)
			return HG_EXIT_INTERNAL;
		r = cli_report(c, d, 0);
		hg_decision_free(d);
		return r;
	}
	if ((d = hg_decision_new("lint")) == NULL) {
		hg_policy_free(p);
		return HG_EXIT_INTERNAL;
	}
	d->matched = 1;
	for (size_t i = 0; i < p->nsvc; i++) {
		if ((r = hg_stack_lint(p, &p->svc[i], d)) < 0) {
			bad = -1;
			break;
		}
		bad += r;
		entries += p->svc[i].nstack;
	}
	if (bad < 0)
		hg_decision_set(d, HG_EXIT_INTERNAL, "out of memory");
	else if (bad > 0)
		hg_decision_set(d, HG_EXIT_REFUSED, "%s: %d faulty stack %s", cli_conf(c), bad,
				bad == 1 ? "entry" : "entries");
	else
		hg_decision_set(d, HG_EXIT_ALLOWED, "%s: policy valid (%zu services, %zu stack entries)",
				cli_conf(c), p->nsvc, entries);
	r = cli_report(c, d, 0);
	hg_decision_free(d);
	hg_policy_free(p);
	return r;
}
