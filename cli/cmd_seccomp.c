/* cmd_seccomp.c - hardgate seccomp --service NAME --print: the resolved filter. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <hardgate/hardgate.h>

#include "cli.h"
#include "decision.h"
#include "policy.h"
#include "report.h"
#include "stack.h"

int
cmd_seccomp(struct cli *c)
{
	const struct hg_service *s;
	struct hg_policy *p;
	struct hg_decision *d;
	int n, st;

	if (c->service == NULL || !c->print) {
		fprintf(stderr, "usage: hardgate seccomp --service NAME --print [--conf FILE]\n");
		return EXIT_USAGE;
	}
	if ((st = cli_load_service(c, &p, &s)) != 0)
		return st;
	if ((d = hg_decision_new(c->service)) == NULL) {
		hg_policy_free(p);
		return HG_EXIT_INTERNAL;
	}
	n = hg_stack_describe(p, s, "seccomp", stdout, d);
	st = n < 0 ? HG_EXIT_INTERNAL : hg_decision_count_sev(d, HG_SEV_FAIL) ? HG_EXIT_REFUSED : 0;
	if (n == 0 && st == 0)
		printf("# %s has no seccomp entry: no syscall filter\n", c->service);
	if (st == HG_EXIT_REFUSED) {
		hg_decision_set(d, st, "the filter cannot be resolved");
		hg_report_text(d, stderr);
	}
	hg_decision_free(d);
	hg_policy_free(p);
	return st;
}
