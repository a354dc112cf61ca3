/* decision.c - the decision object and the public accessors of hardgate.h. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hardgate/module.h>

#include "analyzer.h"
#include "decision.h"
#include "report.h"
#include "util.h"

struct hg_decision *
hg_decision_new(const char *service)
{
	struct hg_decision *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	if ((d->service = strdup(service ? service : "")) == NULL) {
		free(d);
		return NULL;
	}
	d->status = HG_EXIT_INTERNAL;	/* until a verdict says otherwise */
	snprintf(d->reason, sizeof(d->reason), "no verdict");
	return d;
}

int
hg_decision_set_service(struct hg_decision *d, const char *service)
{
	char *s = strdup(service ? service : "");

	if (s == NULL)
		return -ENOMEM;
	free(d->service);
	d->service = s;
	return 0;
}

static char *
dup_or_empty(const char *s, int *fail)
{
	char *r = strdup(s ? s : "");

	if (r == NULL)
		*fail = 1;
	return r;
}

/* Out of memory: an internal refusal. */
static int
nomem(struct hg_decision *d)
{
	d->status = HG_EXIT_INTERNAL;
	snprintf(d->reason, sizeof(d->reason), "out of memory");
	return -ENOMEM;
}

HG_LEAK_FP_BEGIN	/* analyzer.h: the array may have grown by realloc */
int
hg_decision_add(struct hg_decision *d, const char *id, enum hg_severity sev,
		const char *module, const char *where, const char *fix, const char *message)
{
	struct hg_finding *f;
	int fail = 0;

	if ((f = hg_room(d->f, &d->cap, d->n, sizeof(*f))) == NULL)
		return nomem(d);
	d->f = f;
	f = &d->f[d->n];
	f->severity = sev;
	f->id = dup_or_empty(id, &fail);
	f->module = dup_or_empty(module, &fail);
	f->where = dup_or_empty(where, &fail);
	f->fix = dup_or_empty(fix, &fail);
	f->message = dup_or_empty(message, &fail);
	if (fail) {
		free((char *)f->id);
		free((char *)f->module);
		free((char *)f->where);
		free((char *)f->fix);
		free((char *)f->message);
		return nomem(d);
	}
	d->n++;
	return 0;
}
HG_LEAK_FP_END

const char *
hg_metric_name(int kind)
{
	static const char *const names[] = {
		[HG_METRIC_CERT_NOT_AFTER] = "certificate_not_after",
		[HG_METRIC_ATTEST_TIME] = "attestation_time",
		[HG_METRIC_ATTEST_MAX_AGE] = "attestation_max_age",
	};

	return kind >= 1 && kind <= HG_METRIC_LAST ? names[kind] : NULL;
}

static int
same_metric(const struct hg_metric_sample *x, int kind, const char *id, const char *where,
	    const char *key)
{
	return x->kind == kind && strcmp(x->id, id ? id : "") == 0 &&
	       strcmp(x->where, where ? where : "") == 0 && strcmp(x->key, key ? key : "") == 0;
}

HG_LEAK_FP_BEGIN
int
hg_decision_add_metric(struct hg_decision *d, int kind, const char *id, const char *module,
		       const char *where, const char *key, double value)
{
	struct hg_metric_sample *x;
	int fail = 0;

	if (hg_metric_name(kind) == NULL || !isfinite(value))
		return -EINVAL;
	for (size_t i = 0; i < d->nm; i++) {
		if (same_metric(&d->m[i], kind, id, where, key)) {
			if (value < d->m[i].value)	/* the most pressing: the earliest */
				d->m[i].value = value;
			return 0;
		}
	}
	if ((x = hg_room(d->m, &d->mcap, d->nm, sizeof(*x))) == NULL)
		return nomem(d);
	d->m = x;
	x = &d->m[d->nm];
	x->kind = kind;
	x->value = value;
	x->id = dup_or_empty(id, &fail);
	x->module = dup_or_empty(module, &fail);
	x->where = dup_or_empty(where, &fail);
	x->key = dup_or_empty(key, &fail);
	if (fail) {
		free(x->id);
		free(x->module);
		free(x->where);
		free(x->key);
		return nomem(d);
	}
	d->nm++;
	return 0;
}
HG_LEAK_FP_END

int
hg_decision_add_error(struct hg_decision *d, const struct hg_error *e)
{
	return hg_decision_add(d, e->id ? e->id : "HG-000", HG_SEV_FAIL, "core", e->where,
			       e->fix, e->msg);
}

void
hg_decision_set(struct hg_decision *d, int status, const char *fmt, ...)
{
	va_list ap;

	d->status = status;
	va_start(ap, fmt);
	vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
	va_end(ap);
}

size_t
hg_decision_count_sev(const struct hg_decision *d, enum hg_severity sev)
{
	size_t n = 0;

	for (size_t i = 0; d && i < d->n; i++)
		n += d->f[i].severity == sev;
	return n;
}

int
hg_decision_noteworthy(const struct hg_decision *d)
{
	return hg_decision_count_sev(d, HG_SEV_FAIL) + hg_decision_count_sev(d, HG_SEV_WARN) > 0;
}

const char *
hg_severity_name(enum hg_severity s)
{
	switch (s) {
	case HG_SEV_INFO:
		return "INFO";
	case HG_SEV_WARN:
		return "WARN";
	case HG_SEV_FAIL:
		return "FAIL";
	}
	return "?";
}

/* --- public accessors (hardgate.h); NULL reads as an internal refusal --- */

int
hg_decision_allowed(const struct hg_decision *d)
{
	return d != NULL && d->status == HG_EXIT_ALLOWED;
}

int
hg_decision_status(const struct hg_decision *d)
{
	return d ? d->status : HG_EXIT_INTERNAL;
}

const char *
hg_decision_reason(const struct hg_decision *d)
{
	return d ? d->reason : "out of memory";
}

size_t
hg_decision_count(const struct hg_decision *d)
{
	return d ? d->n : 0;
}

const struct hg_finding *
hg_decision_finding(const struct hg_decision *d, size_t i)
{
	return d && i < d->n ? &d->f[i] : NULL;
}

int
hg_decision_write(const struct hg_decision *d, FILE *f, int json)
{
	if (d == NULL || f == NULL) {
		if (f)
			fprintf(f, "hardgate: HG-007 FAIL out of memory; refused\n");
		return -EINVAL;
	}
	return json ? hg_report_json(d, f) : hg_report_text(d, f);
}

void
hg_decision_free(struct hg_decision *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free((char *)d->f[i].id);
		free((char *)d->f[i].module);
		free((char *)d->f[i].where);
		free((char *)d->f[i].fix);
		free((char *)d->f[i].message);
	}
	free(d->f);
	for (size_t i = 0; i < d->nm; i++) {
		free(d->m[i].id);
		free(d->m[i].module);
		free(d->m[i].where);
		free(d->m[i].key);
	}
	free(d->m);
	free(d->results);
	free(d->service);
	free(d);
}
