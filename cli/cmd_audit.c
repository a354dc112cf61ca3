/*
 * cmd_audit.c - hardgate audit: every service's checks, nothing applied
 * (the loop check uses), a summary, exit 78 on any FAIL finding, and
 * optionally a node_exporter textfile. The metrics are documented in
 * hardgate(8), METRICS.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

#include <hardgate/hardgate.h>
#include <hardgate/module.h>

#include "cli.h"
#include "decision.h"
#include "prom.h"
#include "report.h"

/* The families hardgate audit writes, in this order; all gauges. */
enum fam {
	F_FINDINGS, F_ALLOWED, F_SERVICES, F_FAILED,
	F_CERT_TS, F_CERT_DAYS, F_ATT_TS, F_ATT_AGE, F_ATT_MAX,	/* modules' metrics */
	F_LAST_RUN,
	NFAM
};

static const struct {
	const char *name, *help;
} fams[NFAM] = {
	[F_FINDINGS] = { "hardgate_findings", "Findings of the last audit by service and severity." },
	[F_ALLOWED] = { "hardgate_service_allowed",
			"1 if the service's stack allowed its start at the last audit, else 0." },
	[F_SERVICES] = { "hardgate_audit_services", "Services the last audit checked." },
	[F_FAILED] = { "hardgate_audit_failed",
		       "1 if the last audit found any FAIL (its exit status was not 0), else 0." },
	[F_CERT_TS] = { "hardgate_certificate_expiry_timestamp_seconds",
			"Unix time each certificate the tls module checked expires." },
	[F_CERT_DAYS] = { "hardgate_certificate_days_left",
			  "Whole days until each certificate expires (negative: expired)." },
	[F_ATT_TS] = { "hardgate_attestation_timestamp_seconds",
		       "Unix time each item was last attested, 0 if never." },
	[F_ATT_AGE] = { "hardgate_attestation_age_days",
			"Whole days since each item was last attested, +Inf if never." },
	[F_ATT_MAX] = { "hardgate_attestation_max_age_days",
			"The policy's max age of each item's attestation, in days." },
	[F_LAST_RUN] = { "hardgate_audit_last_run_timestamp_seconds",
			 "Unix time the last audit finished." },
};

struct audit {
	struct prom pm;		/* family I is fams[I] */
	int oom;
	time_t now;		/* one clock for every age and days left */
	size_t nsvc, nrefused;
};

static int
audit_families(struct audit *a)
{
	for (int i = 0; i < NFAM; i++)
		if (prom_family(&a->pm, fams[i].name, "gauge", fams[i].help) != i)
			return -1;
	return 0;
}

static void
sample(struct audit *a, enum fam f, double v, const char *const l[])
{
	if (prom_sample(&a->pm, (int)f, v, l) < 0)
		a->oom = 1;
}

/* Whole days in SECS, rounded down (-0.5 days is -1): days left go negative on expiry. */
static double
whole_days(double secs)
{
	long long s = (long long)secs;

	return (double)(s >= 0 ? s / 86400 : -((-s + 86399) / 86400));
}

/* A module's metric as its gauges: the fact and what audit derives from it. */
static void
collect_metric(struct audit *a, const char *svc, const struct hg_metric_sample *m)
{
	const char *cert[] = { "service", svc, "id", m->id, "path", m->where,
			       "fingerprint", m->key, NULL };
	const char *item[] = { "service", svc, "id", m->id, NULL };
	double now = (double)a->now;

	switch (m->kind) {
	case HG_METRIC_CERT_NOT_AFTER:
		sample(a, F_CERT_TS, m->value, cert);
		sample(a, F_CERT_DAYS, whole_days(m->value - now), cert);
		break;
	case HG_METRIC_ATTEST_TIME:
		sample(a, F_ATT_TS, m->value, item);
		sample(a, F_ATT_AGE, m->value > 0 ? whole_days(now - m->value) : INFINITY,
		       item);
		break;
	case HG_METRIC_ATTEST_MAX_AGE:
		sample(a, F_ATT_MAX, m->value / 86400, item);
		break;
	}
}

static void
collect(struct audit *a, const struct hg_decision *d)
{
	static const enum hg_severity sev[] = { HG_SEV_FAIL, HG_SEV_WARN, HG_SEV_INFO };
	static const char *const sevname[] = { "fail", "warn", "info" };
	const char *svc = d->service[0] ? d->service : "-";

	const char *l[] = { "service", svc, NULL };

	for (size_t i = 0; i < 3; i++) {
		const char *ls[] = { "service", svc, "severity", sevname[i], NULL };

		sample(a, F_FINDINGS, (double)hg_decision_count_sev(d, sev[i]), ls);
	}
	sample(a, F_ALLOWED, d->status == HG_EXIT_ALLOWED, l);
	for (size_t i = 0; i < d->nm; i++)
		collect_metric(a, svc, &d->m[i]);
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
	if (c->prometheus)
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

	sample(a, F_SERVICES, (double)a->nsvc, none);
	sample(a, F_FAILED, st != HG_EXIT_ALLOWED, none);
	sample(a, F_LAST_RUN, (double)time(NULL), none);	/* when the results were complete */
	if (a->oom) {
		fprintf(stderr, "hardgate: out of memory\n");
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
	a.now = time(NULL);
	if (c->prometheus && audit_families(&a) < 0) {
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
