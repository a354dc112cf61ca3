/* run.h - one entry point for every way in: policy, service, stack, decision. */
#ifndef HG_COMMON_RUN_H
#define HG_COMMON_RUN_H

#include <hardgate/module.h>

#include "decision.h"
#include "policy.h"

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
	/* the caller's own check failed (check --preload-from-env): refused, recorded */
	const struct hg_error *fail;
};

/* The policy path to use when none is given: HARDGATE_CONF or the default. */
const char *hg_default_conf(void);

/*
 * Run. *OUT is always set to a decision (status 0/78/70), or NULL only on
 * -ENOMEM. A process that matches no service gets matched = 0, status 0.
 */
int hg_run(const struct hg_run_opts *o, struct hg_decision **out);

#endif
