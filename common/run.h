/* run.h - one entry point for every way in: policy, service, stack, decision. */
#ifndef HG_COMMON_RUN_H
#define HG_COMMON_RUN_H

#include <hardgate/module.h>

#include "decision.h"
#include "policy.h"

/* When hg_run() calls the caller's gate. */
enum hg_gate {
	HG_GATE_BEFORE = 1,	/* the service is known, its stack has not run */
	HG_GATE_AFTER,		/* the stack allowed, the decision is not recorded yet */
	HG_GATE_START,		/* the allowed decision is recorded: start the program */
};

/*
 * The caller's own refusal points (hardgate exec: the program and the
 * preload; check --preload-from-env: the unit's LD_PRELOAD), so that the decision recorded is the final one. At BEFORE
 * and AFTER a negative return with E filled refuses the start (status 78,
 * "program cannot be protected"), and that refusal is what is recorded.
 * At START the gate does not return on success (execve); when it
 * returns, its error is recorded as a second decision (status 70) that
 * supersedes the allowed one. D is the decision so far.
 */
typedef int (*hg_gate_fn)(void *arg, enum hg_gate when, const struct hg_decision *d,
			  struct hg_error *e);

struct hg_run_opts {
	const char *conf;	/* policy file; NULL: HARDGATE_CONF, then the default */
	const char *service;	/* NULL: match on exe/argv (preload) */
	enum hg_phase phase;	/* 0: the service's own phase */
	enum hg_stage stage;
	const char *exe;	/* for matching; NULL: /proc/self/exe */
	int argc;
	char **argv;
	const char *test_root;	/* NULL or "" in production */
	int record;		/* write syslog and the JSONL log */
	int keep_loaded;	/* leave modules loaded (preload) */
	int ignore_mode;	/* decide as enforce, whatever the policy's mode (check) */
	int launched;		/* child of hardgate exec: checks done, apply and verify */
	int interposed;		/* called from the preload: its interposers are live */
	hg_gate_fn gate;	/* NULL: none */
	void *gate_arg;
};

/* The policy path to use when none is given: HARDGATE_CONF or the default. */
const char *hg_default_conf(void);

/*
 * Run. *OUT is always set to a decision (status 0/78/70), or NULL only on
 * -ENOMEM. A process that matches no service gets matched = 0, status 0.
 */
int hg_run(const struct hg_run_opts *o, struct hg_decision **out);

#endif
