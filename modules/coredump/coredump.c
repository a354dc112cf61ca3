/*
 * coredump.c - no core dumps: RLIMIT_CORE 0 (soft and hard) and
 * PR_SET_DUMPABLE 0 in the final process, both read back.
 *
 * execve() and uid changes reset dumpable, so it is set at the process
 * stage (preload, plugin API) after any privilege drop, never by the
 * launcher for its child. The kernel can still dump: a piped
 * kernel.core_pattern ignores RLIMIT_CORE, and fs.suid_dumpable = 2 dumps
 * non-dumpable processes; both together defeat this module, so check()
 * reports that (HG-013). Covers DBW-REC-08.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <hardgate/module.h>

#include "util.h"

#define PATTERN "/proc/sys/kernel/core_pattern"
#define SUID_DUMPABLE "/proc/sys/fs/suid_dumpable"

static const char *const levels[] = { "fail", "warn", "off", NULL };

static const struct hg_arg_spec args[] = {
	{ "id", HG_ARG_ID, 0, NULL, "finding ID to report (default HG-012)" },
	{ "kernel", HG_ARG_STRING, 0, levels, "severity when the kernel would dump anyway" },
	{ NULL, 0, 0, NULL, NULL },
};

static const char *const ids[] = { "HG-012", "HG-013", "DBW-REC-08", NULL };

static const char *
id_of(struct hg_ctx *ctx, const struct hg_args *a)
{
	const char *id = hg_arg_str(ctx, a, "id");

	return id ? id : "HG-012";
}

static int
read_sysctl(struct hg_ctx *ctx, const char *path, char *buf, size_t n, enum hg_severity sev)
{
	char full[4096];
	int r;

	hg_rooted(hg_test_root(ctx), path, full, sizeof(full));
	if ((r = hg_read_small(full, buf, n)) < 0)
		hg_finding(ctx, "HG-013", sev, path, "mount /proc, or set kernel = \"off\" in the policy",
			   "cannot read %s: %s", path, strerror(-r));
	return r;
}

static int
check(struct hg_ctx *ctx, const struct hg_args *a)
{
	const char *k = hg_arg_str(ctx, a, "kernel");
	enum hg_severity sev = k && strcmp(k, "warn") == 0 ? HG_SEV_WARN : HG_SEV_FAIL;
	char pattern[512], suid[32];
	int fail = sev == HG_SEV_FAIL;

	if (k && strcmp(k, "off") == 0)
		return HG_PASS;
	if (read_sysctl(ctx, PATTERN, pattern, sizeof(pattern), sev) < 0 ||
	    read_sysctl(ctx, SUID_DUMPABLE, suid, sizeof(suid), sev) < 0)
		return fail ? HG_FAIL : HG_PASS;
	if (pattern[0] != '|')
		return HG_PASS;
	if (strcmp(suid, "2") == 0) {
		hg_finding(ctx, "HG-013", sev, SUID_DUMPABLE,
			   "sysctl -w fs.suid_dumpable=0 (and persist it in /etc/sysctl.d)",
			   "kernel.core_pattern pipes cores to %s and fs.suid_dumpable = 2: "
			   "a process with dumpable 0 is still dumped", pattern + 1);
		return fail ? HG_FAIL : HG_PASS;
	}
	hg_finding(ctx, "HG-013", HG_SEV_INFO, PATTERN, NULL,
		   "kernel.core_pattern pipes cores to %s: RLIMIT_CORE does not stop a piped "
		   "dump, dumpable 0 does", pattern + 1);
	return HG_PASS;
}

static int
set_rlimit(struct hg_ctx *ctx, const char *id)
{
	const struct rlimit zero = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &zero) == 0)
		return HG_PASS;
	hg_finding(ctx, id, HG_SEV_FAIL, NULL, NULL, "setrlimit(RLIMIT_CORE, 0) failed: %s",
		   strerror(errno));
	return HG_FAIL;
}

static int
set_dumpable(struct hg_ctx *ctx, const char *id)
{
	if (hg_stage(ctx) != HG_STAGE_PROCESS)
		return HG_PASS;	/* execve would reset it: the child's preload sets it */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0)
		return HG_PASS;
	hg_finding(ctx, id, HG_SEV_FAIL, NULL, NULL, "prctl(PR_SET_DUMPABLE, 0) failed: %s",
		   strerror(errno));
	return HG_FAIL;
}

/* Principle 2: read back from the kernel what was applied. */
static int
verify(struct hg_ctx *ctx, const char *id)
{
	struct rlimit rl;
	int d, r = HG_PASS;

	if (getrlimit(RLIMIT_CORE, &rl) != 0 || rl.rlim_cur != 0 || rl.rlim_max != 0) {
		hg_finding(ctx, id, HG_SEV_FAIL, NULL, "report this: the kernel refused the limit",
			   "core dumps still enabled: RLIMIT_CORE is soft %llu hard %llu after setting 0",
			   (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
		r = HG_FAIL;
	}
	if (hg_stage(ctx) == HG_STAGE_PROCESS && (d = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)) != 0) {
		hg_finding(ctx, id, HG_SEV_FAIL, NULL, "report this: the kernel refused the setting",
			   "core dumps still enabled: dumpable = %d after PR_SET_DUMPABLE 0", d);
		r = HG_FAIL;
	}
	return r;
}

static int
apply(struct hg_ctx *ctx, const struct hg_args *a, enum hg_step step)
{
	const char *id = id_of(ctx, a);

	switch (step) {
	case HG_STEP_RLIMITS:
		return set_rlimit(ctx, id);
	case HG_STEP_DUMPABLE:
		return set_dumpable(ctx, id);
	case HG_STEP_VERIFY:
		return verify(ctx, id);
	default:
		return HG_PASS;
	}
}

const struct hg_module hg_module_coredump = {
	.abi = HG_MODULE_ABI,
	.name = "coredump",
	.phases = HG_PHASES_ALL,
	.steps = HG_STEP_RLIMITS | HG_STEP_DUMPABLE | HG_STEP_VERIFY,
	.args = args,
	.ids = ids,
	.check = check,
	.apply = apply,
};
