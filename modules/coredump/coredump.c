/*
 * coredump.c - no core dumps: RLIMIT_CORE 0 (soft and hard) and
 * PR_SET_DUMPABLE 0 in the final process, both read back from the kernel.
 * Covers DBW-REC-08 (no core dumps on the host holding the signing key).
 *
 * execve() and credential changes reset dumpable, so it is set at the
 * process stage (preload, plugin API) after any privilege drop, never by
 * the launcher for its child.
 *
 * What the kernel does (fs/coredump.c, kernel/cred.c):
 * - a process with dumpable 0 is never dumped;
 * - a core_pattern starting with '|' (pipe to a helper) or, since Linux
 *   6.16, '@' (AF_UNIX socket) dumps with RLIMIT_CORE ignored;
 * - any later change of euid, egid, fsuid, fsgid or a capability gain
 *   resets dumpable to fs.suid_dumpable. With 1 or 2 the process is
 *   dumpable again, and only RLIMIT_CORE, which a helper ignores, is left.
 * So a helper pattern with fs.suid_dumpable != 0 lets a core (and the key
 * in it) out after a uid change; check() reports that as HG-013. So does
 * fs.suid_dumpable = 1 with any pattern: dumpable 1 lets a process of the
 * new uid ptrace the service or read its memory (2, "suidsafe", does not:
 * ptrace then needs CAP_SYS_PTRACE).
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

#define ID_DEFAULT "HG-012"
#define ID_KERNEL "HG-013"
#define PATTERN "/proc/sys/kernel/core_pattern"
#define SUID_DUMPABLE "/proc/sys/fs/suid_dumpable"
#define FIX_SUID "sysctl -w fs.suid_dumpable=0 (and persist it in /etc/sysctl.d)"
#define FIX_READ "let the service read /proc/sys (mount /proc), " \
	"or set kernel = \"off\" if the host is checked otherwise"
#define FIX_BUG "report this: the kernel did not keep the setting"

enum level { LEVEL_FAIL, LEVEL_WARN, LEVEL_OFF };

static const char *const levels[] = { "fail", "warn", "off", NULL };

static const struct hg_arg_spec args[] = {
	{ "id", HG_ARG_ID, 0, NULL, "finding ID to report (default HG-012)" },
	{ "kernel", HG_ARG_STRING, 0, levels,
	  "severity of HG-013, kernel settings that dump anyway: fail (default), warn, off" },
	{ NULL, 0, 0, NULL, NULL },
};

static const char *const ids[] = { "HG-012", "HG-013", "DBW-REC-08", NULL };

static const char *
id_of(struct hg_ctx *ctx, const struct hg_args *a)
{
	const char *id = hg_arg_str(ctx, a, "id");

	return id ? id : ID_DEFAULT;
}

/* The core validates `kernel` against levels[]; anything else fails closed. */
static enum level
level_of(struct hg_ctx *ctx, const struct hg_args *a)
{
	const char *k = hg_arg_str(ctx, a, "kernel");

	if (k == NULL || strcmp(k, "fail") == 0)
		return LEVEL_FAIL;
	if (strcmp(k, "warn") == 0)
		return LEVEL_WARN;
	if (strcmp(k, "off") == 0)
		return LEVEL_OFF;
	return LEVEL_FAIL;
}

/* Read the sysctl file PATH (under the test root) into BUF. 0 or -errno. */
static int
read_sysctl(struct hg_ctx *ctx, const char *path, char *buf, size_t n)
{
	const char *root = hg_test_root(ctx);
	char full[4096];

	if (strlen(root) + strlen(path) >= sizeof(full))
		return -ENAMETOOLONG;
	if (hg_rooted(root, path, full, sizeof(full)) == NULL)
		return -ENAMETOOLONG;
	return hg_read_small(full, buf, n);
}

/* Both settings, or a FAIL finding (fail closed) and -1. */
static int
read_settings(struct hg_ctx *ctx, char *pattern, size_t plen, long *suid)
{
	const char *path = PATTERN;
	char val[32], *end;
	int r;

	if ((r = read_sysctl(ctx, PATTERN, pattern, plen)) == 0) {
		path = SUID_DUMPABLE;
		r = read_sysctl(ctx, SUID_DUMPABLE, val, sizeof(val));
	}
	if (r < 0) {
		hg_finding(ctx, ID_KERNEL, HG_SEV_FAIL, path, FIX_READ, "cannot read %s: %s",
			   path, strerror(-r));
		return -1;
	}
	errno = 0;
	*suid = strtol(val, &end, 10);
	if (errno || end == val || *end != '\0' || *suid < 0) {
		hg_finding(ctx, ID_KERNEL, HG_SEV_FAIL, SUID_DUMPABLE, FIX_SUID,
			   "cannot read %s: unexpected value \"%.16s\"", SUID_DUMPABLE, val);
		return -1;
	}
	return 0;
}

/*
 * If PATTERN hands cores to a helper (which RLIMIT_CORE does not limit),
 * how, with the helper's name (first word) in *NAME, *NLEN; else NULL.
 */
static const char *
helper_of(const char *pattern, const char **name, int *nlen)
{
	const char *how, *p = pattern;

	if (*p == '|')
		how = "pipes cores to";
	else if (*p == '@')
		how = "sends cores to the socket";
	else
		return NULL;
	p += strspn(p, "|@ \t");
	*name = p;
	*nlen = (int)strcspn(p, " \t");
	return how;
}

static int
check(struct hg_ctx *ctx, const struct hg_args *a)
{
	enum level lv = level_of(ctx, a);
	char pattern[512];
	const char *how, *name;
	long suid;
	int nlen;

	if (lv == LEVEL_OFF)
		return HG_PASS;
	if (read_settings(ctx, pattern, sizeof(pattern), &suid) < 0)
		return HG_FAIL;
	how = helper_of(pattern, &name, &nlen);
	if (how && suid != 0) {
		hg_finding(ctx, ID_KERNEL, lv == LEVEL_WARN ? HG_SEV_WARN : HG_SEV_FAIL,
			   SUID_DUMPABLE, FIX_SUID,
			   "kernel.core_pattern %s %.*s and fs.suid_dumpable = %ld: a uid "
			   "change resets dumpable 0 to %ld, and RLIMIT_CORE does not limit "
			   "the %s", how, nlen, name, suid, suid,
			   *pattern == '|' ? "pipe" : "socket");
		return lv == LEVEL_WARN ? HG_PASS : HG_FAIL;
	}
	if (suid == 1) {	/* 2 ("suidsafe") keeps ptrace to CAP_SYS_PTRACE */
		hg_finding(ctx, ID_KERNEL, lv == LEVEL_WARN ? HG_SEV_WARN : HG_SEV_FAIL,
			   SUID_DUMPABLE, FIX_SUID,
			   "fs.suid_dumpable = 1: a uid change after start makes the process "
			   "dumpable 1 again, open to ptrace, process_vm_readv and /proc/PID/mem "
			   "of its new uid");
		return lv == LEVEL_WARN ? HG_PASS : HG_FAIL;
	}
	if (how == NULL)
		return HG_PASS;	/* a file dump: RLIMIT_CORE 0 stops it */
	hg_finding(ctx, ID_KERNEL, HG_SEV_INFO, PATTERN, NULL,
		   "kernel.core_pattern %s %.*s: RLIMIT_CORE does not stop that dump, "
		   "dumpable 0 does", how, nlen, name);
	return HG_PASS;
}

static int
set_rlimit(struct hg_ctx *ctx, const char *id)
{
	const struct rlimit zero = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &zero) == 0)
		return HG_PASS;
	hg_finding(ctx, id, HG_SEV_FAIL, NULL, NULL,
		   "core dumps still enabled: setrlimit(RLIMIT_CORE, 0) failed: %s",
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
	hg_finding(ctx, id, HG_SEV_FAIL, NULL, NULL,
		   "core dumps still enabled: prctl(PR_SET_DUMPABLE, 0) failed: %s",
		   strerror(errno));
	return HG_FAIL;
}

/* "unlimited" or the decimal value of L, in BUF. */
static const char *
rlim_str(rlim_t l, char *buf, size_t n)
{
	if (l == RLIM_INFINITY)
		return "unlimited";
	snprintf(buf, n, "%llu", (unsigned long long)l);
	return buf;
}

static int
verify_rlimit(struct hg_ctx *ctx, const char *id)
{
	struct rlimit rl;
	char s[24], h[24];

	if (getrlimit(RLIMIT_CORE, &rl) != 0) {
		hg_finding(ctx, id, HG_SEV_FAIL, NULL, FIX_BUG,
			   "cannot read back RLIMIT_CORE: %s", strerror(errno));
		return HG_FAIL;
	}
	if (rl.rlim_cur == 0 && rl.rlim_max == 0)
		return HG_PASS;
	hg_finding(ctx, id, HG_SEV_FAIL, NULL, FIX_BUG,
		   "core dumps still enabled: RLIMIT_CORE is soft %s hard %s after setting 0",
		   rlim_str(rl.rlim_cur, s, sizeof(s)), rlim_str(rl.rlim_max, h, sizeof(h)));
	return HG_FAIL;
}

static int
verify_dumpable(struct hg_ctx *ctx, const char *id)
{
	int d;

	if (hg_stage(ctx) != HG_STAGE_PROCESS)
		return HG_PASS;	/* not set here, see set_dumpable() */
	if ((d = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)) == 0)
		return HG_PASS;
	if (d < 0)
		hg_finding(ctx, id, HG_SEV_FAIL, NULL, FIX_BUG,
			   "cannot read back dumpable: prctl(PR_GET_DUMPABLE) failed: %s",
			   strerror(errno));
	else
		hg_finding(ctx, id, HG_SEV_FAIL, NULL, FIX_BUG,
			   "core dumps still enabled: dumpable = %d after PR_SET_DUMPABLE 0", d);
	return HG_FAIL;
}

/* Read back from the kernel what was applied; both, to report both. */
static int
verify(struct hg_ctx *ctx, const char *id)
{
	int r = verify_rlimit(ctx, id), d = verify_dumpable(ctx, id);

	return r == HG_PASS && d == HG_PASS ? HG_PASS : HG_FAIL;
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
		return HG_PASS;	/* a step it does not declare: nothing to do */
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
	.describe = NULL,
};
