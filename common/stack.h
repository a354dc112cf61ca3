/*
 * stack.h - the stack engine: Linux-PAM control semantics over the
 * results of a service's modules, then the ordered apply.
 */
#ifndef HG_COMMON_STACK_H
#define HG_COMMON_STACK_H

#include <stdio.h>

#include <hardgate/module.h>

#include "decision.h"
#include "policy.h"

/* Running state of the control-flag combination. */
struct hg_verdict {
	int denied;	/* a required/requisite entry failed */
	int positive;	/* some entry gave a positive result */
	int done;	/* a requisite failure or a sufficient success stopped it */
};

/*
 * Fold one entry's result (enum hg_result; anything unknown counts as
 * HG_ERROR) into V under control C:
 *   required   fail -> denied, go on;        pass -> positive
 *   requisite  fail -> denied, stop;         pass -> positive
 *   sufficient pass -> positive and stop unless already denied; fail ignored
 *   optional   pass -> positive;             fail ignored
 *   any        ignore -> no effect
 */
void hg_verdict_step(struct hg_verdict *v, enum hg_control c, int result);

/* Allowed when nothing denied and something was positive. */
int hg_verdict_allowed(const struct hg_verdict *v);

struct hg_stack_opts {
	enum hg_stage stage;
	enum hg_mode mode;
	enum hg_phase phase;
	const char *test_root;	/* "" in production */
	int keep_loaded;	/* do not dlclose the modules (preload) */
	int skip_checks;	/* the launcher ran them: apply and verify only */
	int interposed;		/* the preload's connect() interposers are in this process */
};

/*
 * Load the modules of S (from P's module_dir), validate their args, run
 * every check(), combine per control flag, and, when the stack allows and
 * the stage applies, run apply() step by step in enum hg_step order.
 * Findings and the verdict go into D. Returns 0, or -ENOMEM.
 */
int hg_stack_run(const struct hg_policy *p, const struct hg_service *s,
		 const struct hg_stack_opts *o, struct hg_decision *d);

/*
 * Validate S without running it: modules load, args valid, phase
 * supported. Findings into D. Returns the number of problems found.
 */
int hg_stack_lint(const struct hg_policy *p, const struct hg_service *s, struct hg_decision *d);

/*
 * Warn (HG-002 WARN findings into D, never a failure) about entries of S
 * that are valid but do not do what they seem to: an entry after a
 * sufficient one (skipped when that one passes), an entry with the same
 * module and args as an earlier one, and a dbward Must item (DBW-PRE-nn)
 * under optional or sufficient, whose failure is ignored. Returns the
 * number of warnings, or -ENOMEM.
 */
int hg_stack_warn(const struct hg_service *s, struct hg_decision *d);

/*
 * Write what the entries of S using MODULE (all if NULL) would apply,
 * through their describe() hooks, to OUT. Problems go into D. Returns
 * the number of entries described, or -ENOMEM.
 */
int hg_stack_describe(const struct hg_policy *p, const struct hg_service *s, const char *module,
		      FILE *out, struct hg_decision *d);

#endif
