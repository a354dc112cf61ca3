/*
 * hardgate.h - plugin API of libhardgate.
 *
 * A server that wants hardgate in-process links libhardgate
 * (pkg-config --cflags --libs hardgate) and calls hg_enforce() once at
 * start-up, before it opens listeners or reads secrets:
 *
 *	struct hg_decision *d = hg_enforce("dbward-server", HG_PHASE_START);
 *	if (!hg_decision_allowed(d)) {
 *		hg_decision_write(d, stderr, 0);
 *		exit(hg_decision_status(d));	   // 78 (refused) or 70 (internal)
 *	}
 *	hg_decision_free(d);
 *
 * Every accessor accepts NULL and treats it as a refusal with status 70,
 * so a failed allocation can never read as "allowed".
 *
 * The policy is /etc/hardgate/hardgate.conf (plus the files in services.d/), or
 * the file named by HARDGATE_CONF (ignored in set-uid processes).
 */
#ifndef HARDGATE_HARDGATE_H
#define HARDGATE_HARDGATE_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define HG_API __attribute__((visibility("default")))
#else
#define HG_API
#endif

/* Exit statuses used by every way in (sysexits.h values). */
#define HG_EXIT_ALLOWED 0
#define HG_EXIT_REFUSED 78	/* EX_CONFIG: refused by policy */
#define HG_EXIT_INTERNAL 70	/* EX_SOFTWARE: internal error, also refuses */

/* When a service runs its stack (design.md section 2). */
enum hg_phase {
	HG_PHASE_START = 1,	/* server start-up (dbward server, kalamdb-server) */
	HG_PHASE_LAUNCH = 2,	/* agent launch (dbward agent) */
};

/* How bad one finding is. */
enum hg_severity {
	HG_SEV_INFO = 0,	/* a fact worth recording; never denies */
	HG_SEV_WARN = 1,	/* weaker than recommended; never denies */
	HG_SEV_FAIL = 2,	/* the control does not hold; denies under required/requisite */
};

/* One finding, owned by its decision. All strings are non-NULL ("" if unset). */
struct hg_finding {
	const char *id;		/* stable ID: "DBW-PRE-05", "KDB-B-01", "HG-003" */
	enum hg_severity severity;
	const char *module;	/* module that reported it, or "core" */
	const char *where;	/* "file:line", a path, or "" */
	const char *message;	/* what is wrong; never contains a secret */
	const char *fix;	/* how to fix it, or "" */
};

struct hg_decision;

/*
 * Run the stack of SERVICE for PHASE and apply its controls to the calling
 * process. Returns a decision the caller must free with hg_decision_free(),
 * or NULL when out of memory (which the accessors treat as refused).
 * If the decision is refused after a control was partly applied, the
 * process is in an unknown state: the caller must exit with
 * hg_decision_status() and not continue.
 */
HG_API struct hg_decision *hg_enforce(const char *service, enum hg_phase phase);

/* Same as hg_enforce() but a dry run: every check, nothing applied. */
HG_API struct hg_decision *hg_check(const char *service, enum hg_phase phase);

/* 1 if the service may start, 0 otherwise (also for NULL). */
HG_API int hg_decision_allowed(const struct hg_decision *d);

/* Exit status for the process: 0, 78 or 70 (70 for NULL). */
HG_API int hg_decision_status(const struct hg_decision *d);

/* One line saying why; never NULL. Owned by the decision. */
HG_API const char *hg_decision_reason(const struct hg_decision *d);

/* Number of findings; 0 for NULL. */
HG_API size_t hg_decision_count(const struct hg_decision *d);

/* Finding I (0-based), or NULL when out of range. Owned by the decision. */
HG_API const struct hg_finding *hg_decision_finding(const struct hg_decision *d,
						    size_t i);

/*
 * Write the findings and the verdict to F: one line per finding in the
 * form "hardgate[SERVICE]: ID SEVERITY WHERE WHAT; fix: HOW" or, with
 * JSON non-zero, one JSON object. Returns 0 or a negative errno.
 */
HG_API int hg_decision_write(const struct hg_decision *d, FILE *f, int json);

/* Free D and everything it owns. NULL is a no-op. */
HG_API void hg_decision_free(struct hg_decision *d);

#ifdef __cplusplus
}
#endif
#endif /* HARDGATE_HARDGATE_H */
