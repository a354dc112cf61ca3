/*
 * fake.c - a test module whose results the policy dictates, so the tests
 * can drive the real loader and engine through every outcome.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <hardgate/module.h>

static const char *const results[] = { "pass", "fail", "ignore", "error", "bogus", "sneaky", NULL };

static const struct hg_arg_spec args[] = {
	{ "result", HG_ARG_STRING, 0, results, "what check() returns" },
	{ "apply_result", HG_ARG_STRING, 0, results, "what apply() returns" },
	{ "tag", HG_ARG_STRING, 0, NULL, "name written to the log" },
	{ "log", HG_ARG_STRING, 0, NULL, "file apply() appends TAG:STEP to" },
	{ "count", HG_ARG_INT, 0, NULL, "an integer arg" },
	{ "flag", HG_ARG_BOOL, 0, NULL, "a boolean arg" },
	{ "names", HG_ARG_LIST, 0, NULL, "a list arg" },
	{ "mode", HG_ARG_MODE, 0, NULL, "a mode arg" },
	{ "id", HG_ARG_ID, 0, NULL, "an ID arg" },
	{ "fingerprint", HG_ARG_STRING, 0, NULL, "check() fails when it is revoked" },
	{ "metric", HG_ARG_INT, 0, NULL, "check() reports this enum hg_metric, value 1" },
	{ NULL, 0, 0, NULL, NULL },
};

static const char *const ids[] = { "HG-007", "HG-018", NULL };

static int
outcome(struct hg_ctx *ctx, const struct hg_args *a, const char *key)
{
	const char *r = hg_arg_str(ctx, a, key);

	if (r == NULL || strcmp(r, "pass") == 0)
		return HG_PASS;
	if (strcmp(r, "fail") == 0) {
		hg_finding(ctx, "HG-007", HG_SEV_FAIL, hg_arg_where(ctx, a, key), "none",
			   "fake %s fails", key);
		return HG_FAIL;
	}
	if (strcmp(r, "ignore") == 0)
		return HG_IGNORE;
	if (strcmp(r, "error") == 0) {
		hg_finding(ctx, "HG-007", HG_SEV_FAIL, NULL, NULL, "fake %s errors", key);
		return HG_ERROR;
	}
	if (strcmp(r, "sneaky") == 0) {	/* reports a failure, returns PASS */
		hg_finding(ctx, "HG-007", HG_SEV_FAIL, NULL, NULL, "fake %s is sneaky", key);
		return HG_PASS;
	}
	return 42;	/* bogus */
}

/* As a module with key material does: its fingerprint must not be revoked. */
static int
not_revoked(struct hg_ctx *ctx, const struct hg_args *a)
{
	const char *fp = hg_arg_str(ctx, a, "fingerprint");
	char why[256];
	int r;

	if (fp == NULL || (r = hg_revoked(ctx, fp, why, sizeof(why))) == 0)
		return HG_PASS;
	if (r < 0)
		return HG_ERROR;
	hg_finding(ctx, "HG-018", HG_SEV_FAIL, hg_arg_where(ctx, a, "fingerprint"),
		   "replace the key", "key %s is revoked: %s", fp, why);
	return HG_FAIL;
}

static int
check(struct hg_ctx *ctx, const struct hg_args *a)
{
	int r = not_revoked(ctx, a);

	if (hg_arg_isset(ctx, a, "metric"))
		hg_metric(ctx, (enum hg_metric)hg_arg_int(ctx, a, "metric", 0), "HG-007", "fake",
			  NULL, 1);
	return r != HG_PASS ? r : outcome(ctx, a, "result");
}

static int
apply(struct hg_ctx *ctx, const struct hg_args *a, enum hg_step step)
{
	const char *log = hg_arg_str(ctx, a, "log");
	FILE *f;

	if (log && (f = fopen(log, "a")) != NULL) {
		fprintf(f, "%s:%u:%d\n", hg_arg_str(ctx, a, "tag") ? hg_arg_str(ctx, a, "tag") : "?",
			(unsigned)step, (int)hg_stage(ctx));
		fclose(f);
	}
	if (step == HG_STEP_VERIFY)
		return outcome(ctx, a, "apply_result");
	return HG_PASS;
}

const struct hg_module hg_module_fake = {
	.abi = HG_MODULE_ABI,
	.name = "fake",
	.phases = HG_PHASE_START,
	.steps = HG_STEP_RLIMITS | HG_STEP_SECCOMP | HG_STEP_VERIFY,
	.args = args,
	.ids = ids,
	.check = check,
	.apply = apply,
};
