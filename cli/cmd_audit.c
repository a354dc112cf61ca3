/*
 * cmd_audit.c - hardgate audit: every service's checks, nothing applied
 * (the loop check uses), a summary, exit 78 on any FAIL finding, and
 * optionally a node_exporter textfile. The metrics are documented in
 * hardgate(8), METRICS.
 */
#include "config.h"

#include <stdio.h>
#include <time.h>

#include <hardgate/hardgate.h>

#include "cli.h"
#include "decision.h"
#include "prom.h"
#include "report.h"

/* The families hardgate audit writes; modules' metrics join as families here. */
struct audit {
	struct prom pm;
	int findings, allowed, services, failed, oom;
	size_t nsvc, nrefused;
};

static int
audit_families(struct audit *a)
{
	a->findings = prom_family(&a->pm, "hardgate_findings", "gauge",
				  "Findings of the last audit by service and severity.");
	a->allowed = prom_family(&a->pm, "hardgate_service_allowed", "gauge",
				 "1 if the service's stack allowed its start at the last audit, else 0.");
	a->services = prom_family(&a->pm, "hardgate_audit_services", "gauge",
				  "Services the last audit checked.");
	a->failed = prom_family(&a->pm, "hardgate_audit_failed", "gauge",
				"1 if the last audit found any FAIL (its exit status was not 0), else 0.");
	return a->findings < 0 || a->allowed < 0 || a->services < 0 || a->failed < 0 ? -1 : 0;
}

static void
collect(struct audit *a, const struct hg_decision *d)
{
	static const enum hg_severity sev[] = { HG_SEV_FAIL, HG_SEV_WARN, HG_SEV_INFO };
	static const char *const sevname[] = { "fail", "warn", "info" };
	const char *svc = d->service[0] ? d->service : "-";

	for (size_t i = 0; i < 3; i++) {
		const char *l[] = { "service", svc, "severity", sevname[i], NULL };

		if (prom_sample(&a->pm, a->findings, (double)hg_decision_count_sev(d, sev[i]), l) < 0)
			a->oom = 1;
	}
	{
		const char *l[] = { "service", svc, NULL };

		if (prom_sample(&a->pm, a->allowed, d->status == HG_EXIT_ALLOWED, l) < 0)
			a->oom = 1;
	}
}

/* One decision: printed as check prints it, counted, and 78 on any FAIL. */
static int
audit_one(const struct cli *c, const struct hg_decision *d, void *arg)
{
	struct audit *a = arg;
	int st = cli_report(c, d, 0);

	if (d->service[0]) {	/* not the policy itself failing */
		a->nsvc++;
		a->nrefused += st != HG_EXIT_ALLOWED;
	}
	collect(a, d);
	if (st == HG_EXIT_ALLOWED && hg_decision_count_sev(d, HG_SEV_FAIL) > 0)
		st = HG_EXIT_REFUSED;	/* a FAIL under an optional entry still fails the audit */
	return st;
}

static int
write_metrics(const struct cli *c, struct audit *a, int st)
{
	struct hg_error e = { 0 };
	const char *none[] = { NULL };

	if (prom_sample(&a->pm, a->services, (double)a->nsvc, none) < 0 ||
	    prom_sample(&a->pm, a->failed, st != HG_EXIT_ALLOWED, none) < 0 || a->oom) {
		fprintf(stderr, "hardgate: out of memory\n");
		return HG_EXIT_INTERNAL;
	}
	/* Last, so the timestamp is when the results were complete. */
	{
		int ts = prom_family(&a->pm, "hardgate_audit_last_run_timestamp_seconds", "gauge",
				     "Unix time the last audit finished.");

		if (ts < 0 || prom_sample(&a->pm, ts, (double)time(NULL), none) < 0)
			return HG_EXIT_INTERNAL;
	}
	if (prom_write_file(&a->pm, c->prometheus, &e) < 0) {
		hg_report_error(stderr, NULL, &e);
		return HG_EXIT_INTERNAL;
	}
	return st;
}

int
cmd_audit(struct cli *c)
{
	struct audit a = { 0 };
	int st;

	if (c->argc != 0) {
		fprintf(stderr, "usage: hardgate audit [--conf FILE] [--service NAME] [--json] "
				"[--prometheus FILE]\n");
		return EXIT_USAGE;
	}
	if (audit_families(&a) < 0) {
		prom_free(&a.pm);
		return HG_EXIT_INTERNAL;
	}
	st = cli_check_services(c, audit_one, &a);
	if (!c->json)
		printf("hardgate audit: %zu service%s checked, %zu refused, %s\n", a.nsvc,
		       a.nsvc == 1 ? "" : "s", a.nrefused,
		       st == HG_EXIT_ALLOWED ? "no FAIL" : "FAIL found");
	if (c->prometheus)
		st = write_metrics(c, &a, st);
	prom_free(&a.pm);
	return st;
}
