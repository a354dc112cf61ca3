/* decision.h - the decision object behind hardgate.h. */
#ifndef HG_COMMON_DECISION_H
#define HG_COMMON_DECISION_H

#include <stddef.h>
#include <hardgate/hardgate.h>

#include "error.h"

/* A figure a module reported (module.h, enum hg_metric). */
struct hg_metric_sample {
	int kind;		/* enum hg_metric */
	char *id, *module, *where, *key;	/* "" when not given */
	double value;
};

struct hg_decision {
	char *service;		/* "" until known */
	int status;		/* HG_EXIT_* */
	int matched;		/* 0: no service selected (preload passes through) */
	int mode;		/* enum hg_mode of the policy, 0 if unknown */
	int would_refuse;	/* the stack denied, even if mode let it start */
	int stage;		/* enum hg_stage it ran at */
	char reason[512];
	struct hg_finding *f;
	size_t n, cap;
	int *results;		/* per stack entry: HG_PASS... of its check, -1 if it did not run */
	size_t nresults;	/* 0 until the stack ran its checks */
	struct hg_metric_sample *m;
	size_t nm, mcap;
};

struct hg_decision *hg_decision_new(const char *service);

/* Add a finding (copies every string). 0 or -ENOMEM (then status is 70). */
int hg_decision_add(struct hg_decision *d, const char *id, enum hg_severity sev,
		    const char *module, const char *where, const char *fix,
		    const char *message);

/*
 * Add a figure (copies every string); one with the kind, ID, WHERE and
 * KEY of an earlier one only lowers its value (the earliest expiry, the
 * oldest attestation: two certificates of one key in one file, such as
 * a cross-signed intermediate). 0, -EINVAL for an unknown kind or a
 * value that is not finite, or -ENOMEM (then status is 70).
 */
int hg_decision_add_metric(struct hg_decision *d, int kind, const char *id, const char *module,
			   const char *where, const char *key, double value);

/* The name of metric KIND in JSON and, behind hardgate_, in Prometheus; NULL if unknown. */
const char *hg_metric_name(int kind);

/* Add E as a FAIL finding of the core. */
int hg_decision_add_error(struct hg_decision *d, const struct hg_error *e);

/* Set status and reason. */
void hg_decision_set(struct hg_decision *d, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int hg_decision_set_service(struct hg_decision *d, const char *service);

/* Number of findings at severity SEV. */
size_t hg_decision_count_sev(const struct hg_decision *d, enum hg_severity sev);

/* 1 if D has a WARN or FAIL finding: worth printing even when allowed. */
int hg_decision_noteworthy(const struct hg_decision *d);

const char *hg_severity_name(enum hg_severity s);

#endif
