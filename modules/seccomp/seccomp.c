/*
 * seccomp.c - a syscall filter (libseccomp), loaded last and verified.
 *
 * allow = [ ... ] builds an allow-list (everything else gets `action`),
 * deny = [ ... ] a deny-list. Items are syscall names or @groups from
 * seccomp.groups (data, not code). Native architecture only unless
 * `archs` names more; a call from any other architecture kills the
 * process. The filter is an optimized binary tree (libseccomp optimize
 * level 2), synchronized to all threads (TSYNC) when threads exist.
 *
 * It is loaded in the final process only, as the last control, so the
 * allow-list has to cover the service, not ld.so or hardgate's start;
 * hardgate exec compiles it before execve so a bad filter still fails
 * early, and the child's preload loads it before main. Verified with
 * PR_GET_SECCOMP and /proc/self/status (Seccomp, Seccomp_filters).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <hardgate/module.h>

#include "bpfcache.h"
#include "safefile.h"
#include "sysgroups.h"
#include "util.h"

#define ID_DEFAULT "HG-015"
#define MAX_SYSCALLS 1024
#define MAX_NR 4096		/* native syscall numbers; others deduplicated by scan */
#define GROUPS_MAX_BYTES (1u << 20)

static const struct hg_arg_spec args[] = {
	{ "allow", HG_ARG_LIST, 0, NULL, "allow-list: syscalls and @groups" },
	{ "deny", HG_ARG_LIST, 0, NULL, "deny-list: syscalls and @groups" },
	{ "action", HG_ARG_STRING, 0, NULL,
	  "on violation: kill (default), kill-thread, log, trap, errno:EPERM|EACCES|ENOSYS|N" },
	{ "archs", HG_ARG_LIST, 0, NULL, "more architectures besides the native one (x86, x32)" },
	{ "groups_file", HG_ARG_STRING, 0, NULL, "syscall groups (default: installed seccomp.groups)" },
	{ "cache_dir", HG_ARG_STRING, 0, NULL,
	  "compiled filters, root-owned (default: " HG_SECCOMP_CACHE ")" },
	{ "id", HG_ARG_ID, 0, NULL, "finding ID to report (default HG-015)" },
	{ NULL, 0, 0, NULL, NULL },
};

static const char *const ids[] = { "HG-015", "DBW-REC-09", NULL };

/* The resolved filter: what the policy means on this machine. */
struct filter {
	const char *id;
	int allow_mode;
	uint32_t action;
	const char *action_name;
	int nr[MAX_SYSCALLS];
	const char *name[MAX_SYSCALLS];	/* borrowed from the groups or the args */
	int implicit[MAX_SYSCALLS];	/* added for hardgate's own report */
	size_t n;
	unsigned char seen[MAX_NR / 8];	/* bitmap of nr[] below MAX_NR */
	uint32_t archs[8];
	size_t narchs;
	char *text;			/* the groups file as read */
	size_t textlen;
	struct hg_sysgroups *groups;	/* parsed from text, once needed */
	unsigned char *key;		/* what the program depends on (cache key) */
	size_t klen, kcap;
	char err[512];
};

static int
parse_action(const char *s, uint32_t *out)
{
	static const struct { const char *name; int err; } errnos[] = {
		{ "EPERM", EPERM }, { "EACCES", EACCES }, { "ENOSYS", ENOSYS }, { "EINVAL", EINVAL },
	};
	char *end;
	long v;

	if (s == NULL || strcmp(s, "kill") == 0)
		*out = SCMP_ACT_KILL_PROCESS;
	else if (strcmp(s, "kill-thread") == 0)
		*out = SCMP_ACT_KILL;
	else if (strcmp(s, "log") == 0)
		*out = SCMP_ACT_LOG;
	else if (strcmp(s, "trap") == 0)
		*out = SCMP_ACT_TRAP;
	else if (strncmp(s, "errno:", 6) == 0) {
		for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
			if (strcmp(s + 6, errnos[i].name) == 0) {
				*out = SCMP_ACT_ERRNO((uint32_t)errnos[i].err);
				return 0;
			}
		v = strtol(s + 6, &end, 10);
		if (*end != '\0' || v < 1 || v > 4095)
			return -EINVAL;
		*out = SCMP_ACT_ERRNO((uint32_t)v);
	} else {
		return -EINVAL;
	}
	return 0;
}

static int
add_name(struct filter *f, const char *name, int implicit)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return -ENOENT;
	if (nr < 0)
		return 0;	/* not a syscall of this architecture */
	if (nr < MAX_NR && (f->seen[nr / 8] & (1u << (nr % 8))))
		return 0;
	for (size_t i = 0; nr >= MAX_NR && i < f->n; i++)
		if (f->nr[i] == nr)
			return 0;
	if (f->n == MAX_SYSCALLS)
		return -E2BIG;
	if (nr < MAX_NR)
		f->seen[nr / 8] |= (unsigned char)(1u << (nr % 8));
	f->nr[f->n] = nr;
	f->name[f->n] = name;
	f->implicit[f->n] = implicit;
	f->n++;
	return 0;
}

/* Group members: a name libseccomp does not know is skipped (newer kernels). */
static int
add_member(const char *name, void *arg)
{
	int r = add_name(arg, name, 0);

	return r == -ENOENT ? 0 : r;
}

static int
add_implicit(const char *name, void *arg)
{
	int r = add_name(arg, name, 1);

	return r == -ENOENT ? 0 : r;
}

/* Read the trusted groups file into F->text (parsed only when needed). */
static int
read_groups(struct hg_ctx *ctx, const struct hg_args *a, struct filter *f)
{
	const char *path = hg_arg_str(ctx, a, "groups_file");
	const struct hg_trust t = { f->id, HG_UID_NONE, 0, HG_WANT_FILE };
	struct hg_error e = { 0 };
	struct stat st;
	int fd, r;

	if (path == NULL)
		path = HG_SECCOMP_GROUPS;
	if ((fd = hg_safe_open(path, O_RDONLY, &t, &st, &e)) < 0) {
		hg_finding(ctx, f->id, HG_SEV_FAIL, e.where, e.fix, "%s", e.msg);
		return HG_FAIL;
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		hg_finding(ctx, f->id, HG_SEV_FAIL, path, "chown root and chmod 0644 it",
			   "%s is not root-owned or is group/world-writable", path);
		return HG_FAIL;
	}
	r = hg_read_fd(fd, GROUPS_MAX_BYTES, &f->text, &f->textlen);
	close(fd);
	if (r < 0) {
		hg_finding(ctx, f->id, HG_SEV_FAIL, path, NULL, "cannot read %s: %s", path,
			   strerror(-r));
		return HG_FAIL;
	}
	return HG_PASS;
}

static int
parse_groups(struct hg_ctx *ctx, const struct hg_args *a, struct filter *f)
{
	const char *path = hg_arg_str(ctx, a, "groups_file");

	f->groups = hg_sysgroups_parse(f->text, f->err, sizeof(f->err));
	if (f->groups == NULL) {
		path = path ? path : HG_SECCOMP_GROUPS;
		hg_finding(ctx, f->id, HG_SEV_FAIL, path, "correct the groups file", "%s: %s", path,
			   f->err);
		return HG_FAIL;
	}
	return HG_PASS;
}

static int
add_items(struct hg_ctx *ctx, const struct hg_args *a, const char *key, struct filter *f)
{
	for (size_t i = 0; i < hg_arg_list_len(ctx, a, key); i++) {
		const char *item = hg_arg_list_at(ctx, a, key, i);
		int r;

		if (item[0] == '@')
			r = hg_sysgroups_expand(f->groups, item, add_member, f, f->err, sizeof(f->err));
		else if ((r = add_name(f, item, 0)) == -ENOENT)
			snprintf(f->err, sizeof(f->err), "unknown syscall '%s'", item);
		else if (r == -E2BIG)
			snprintf(f->err, sizeof(f->err), "more than %d syscalls", MAX_SYSCALLS);
		if (r < 0) {
			hg_finding(ctx, f->id, HG_SEV_FAIL, hg_arg_where(ctx, a, key),
				   "use names from syscalls(2) or groups from seccomp.groups", "%s",
				   f->err);
			return HG_FAIL;
		}
	}
	return HG_PASS;
}

static int
add_archs(struct hg_ctx *ctx, const struct hg_args *a, struct filter *f)
{
	size_t n = hg_arg_list_len(ctx, a, "archs");

	if (n > sizeof(f->archs) / sizeof(f->archs[0])) {
		hg_finding(ctx, f->id, HG_SEV_FAIL, hg_arg_where(ctx, a, "archs"),
			   "list each architecture once", "more than %zu architectures in archs",
			   sizeof(f->archs) / sizeof(f->archs[0]));
		return HG_FAIL;
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = hg_arg_list_at(ctx, a, "archs", i);
		uint32_t arch = seccomp_arch_resolve_name(name);

		if (arch == 0) {
			hg_finding(ctx, f->id, HG_SEV_FAIL, hg_arg_where(ctx, a, "archs"),
				   "use libseccomp's names: x86, x86_64, x32, arm, aarch64",
				   "unknown architecture '%s'", name);
			return HG_FAIL;
		}
		f->archs[f->narchs++] = arch;
	}
	return HG_PASS;
}

static int
key_add(struct filter *f, const void *p, size_t n)
{
	if (f->klen + n > f->kcap) {
		size_t cap = (f->klen + n) * 2;
		unsigned char *k = realloc(f->key, cap);

		if (k == NULL)
			return -ENOMEM;
		f->key = k;
		f->kcap = cap;
	}
	memcpy(f->key + f->klen, p, n);
	f->klen += n;
	return 0;
}

/*
 * The cache key: everything the compiled program depends on, taken from
 * the inputs so that a hit needs no parsing of the groups and no name
 * resolution: libseccomp, kernel API level and arch (key head), mode,
 * action, archs, the listed items and the groups file's text.
 */
static int
make_key(struct hg_ctx *ctx, const struct hg_args *a, struct filter *f)
{
	const char *list = f->allow_mode ? "allow" : "deny";
	size_t n = hg_arg_list_len(ctx, a, list);
	uint32_t w[6 + 5 + 8];
	size_t k = hg_bpf_key_head(1, w);	/* kind 1: the service's filter */
	int r;

	w[k++] = (uint32_t)f->allow_mode;
	w[k++] = f->action;
	w[k++] = (uint32_t)f->narchs;
	for (size_t i = 0; i < f->narchs; i++)
		w[k++] = f->archs[i];
	w[k++] = (uint32_t)n;			/* counts first: no two inputs */
	w[k++] = (uint32_t)f->textlen;		/* give the same bytes */
	r = key_add(f, w, k * sizeof(w[0]));
	for (size_t i = 0; r == 0 && i < n; i++) {
		const char *item = hg_arg_list_at(ctx, a, list, i);

		r = key_add(f, item, strlen(item) + 1);
	}
	if (r == 0)
		r = key_add(f, f->text, f->textlen);
	return r < 0 ? HG_ERROR : HG_PASS;
}

/*
 * The policy's inputs into F, validated, and the cache key: all a cache
 * hit needs. HG_PASS, or HG_FAIL with a finding.
 */
static int
prepare(struct hg_ctx *ctx, const struct hg_args *a, struct filter *f)
{
	int allow = hg_arg_isset(ctx, a, "allow"), deny = hg_arg_isset(ctx, a, "deny");
	int r;

	memset(f, 0, sizeof(*f));
	f->id = hg_arg_str(ctx, a, "id") ? hg_arg_str(ctx, a, "id") : ID_DEFAULT;
	f->action_name = hg_arg_str(ctx, a, "action") ? hg_arg_str(ctx, a, "action") : "kill";
	f->allow_mode = allow;
	if (allow == deny) {
		hg_finding(ctx, f->id, HG_SEV_FAIL, hg_arg_where(ctx, a, "allow"),
			   "give either allow = [ ... ] or deny = [ ... ]",
			   "seccomp needs exactly one of allow and deny");
		return HG_FAIL;
	}
	if (parse_action(hg_arg_str(ctx, a, "action"), &f->action) < 0) {
		hg_finding(ctx, f->id, HG_SEV_FAIL, hg_arg_where(ctx, a, "action"),
			   "use kill, kill-thread, log, trap or errno:EPERM",
			   "unknown seccomp action \"%s\"", f->action_name);
		return HG_FAIL;
	}
	if ((r = read_groups(ctx, a, f)) != HG_PASS || (r = add_archs(ctx, a, f)) != HG_PASS)
		return r;
	return make_key(ctx, a, f);
}

/* The syscalls F means on this machine: groups expanded, names resolved. */
static int
expand_all(struct hg_ctx *ctx, const struct hg_args *a, struct filter *f)
{
	int r;

	if ((r = parse_groups(ctx, a, f)) != HG_PASS ||
	    (r = add_items(ctx, a, f->allow_mode ? "allow" : "deny", f)) != HG_PASS)
		return r;
	if (f->allow_mode && hg_sysgroups_expand(f->groups, "@hardgate-report", add_implicit, f,
						 f->err, sizeof(f->err)) < 0) {
		hg_finding(ctx, f->id, HG_SEV_FAIL, NULL, "reinstall seccomp.groups", "%s", f->err);
		return HG_FAIL;
	}
	return HG_PASS;
}

/* Resolve the policy into F. HG_PASS, or HG_FAIL with a finding. */
static int
resolve(struct hg_ctx *ctx, const struct hg_args *a, struct filter *f)
{
	int r = prepare(ctx, a, f);

	return r == HG_PASS ? expand_all(ctx, a, f) : r;
}

static void
release(struct filter *f)
{
	hg_sysgroups_free(f->groups);
	f->groups = NULL;
	free(f->text);
	free(f->key);
	f->text = NULL;
	f->key = NULL;
}

/* The libseccomp context for F; NULL with a finding on failure. */
static scmp_filter_ctx
build(struct hg_ctx *ctx, const struct filter *f)
{
	uint32_t def = f->allow_mode ? f->action : SCMP_ACT_ALLOW;
	uint32_t rule = f->allow_mode ? SCMP_ACT_ALLOW : f->action;
	scmp_filter_ctx sc = seccomp_init(def);
	int r = sc ? 0 : -ENOMEM;

	if (r == 0)
		r = seccomp_attr_set(sc, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (r == 0)
		r = seccomp_attr_set(sc, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (size_t i = 0; r == 0 && i < f->narchs; i++)
		if ((r = seccomp_arch_add(sc, f->archs[i])) == -EEXIST)
			r = 0;
	for (size_t i = 0; r == 0 && i < f->n; i++)
		r = seccomp_rule_add(sc, rule, f->nr[i], 0);
	if (r < 0) {
		hg_finding(ctx, f->id, HG_SEV_FAIL, NULL, NULL, "cannot build the seccomp filter: %s",
			   strerror(-r));
		seccomp_release(sc);
		return NULL;
	}
	return sc;
}

/* Compile F with libseccomp into OUT. HG_PASS, or HG_FAIL with a finding. */
static int
compile(struct hg_ctx *ctx, const struct filter *f, struct hg_bpf *out)
{
	scmp_filter_ctx sc = build(ctx, f);
	int r;

	if (sc == NULL)
		return HG_FAIL;
	r = hg_bpf_export(sc, seccomp_export_bpf, out);
	seccomp_release(sc);
	if (r < 0) {
		hg_finding(ctx, f->id, HG_SEV_FAIL, NULL, NULL,
			   "cannot compile the seccomp filter: %s", strerror(-r));
		return HG_FAIL;
	}
	return HG_PASS;
}

static const char *
cache_dir(struct hg_ctx *ctx, const struct hg_args *a)
{
	const char *d = hg_arg_str(ctx, a, "cache_dir");

	return d ? d : HG_SECCOMP_CACHE;
}

/*
 * The program for F into OUT: from the cache when an entry for exactly
 * this filter is there, else compiled (and stored when STORE, as root).
 * A cache entry that cannot be trusted refuses: it never falls back to
 * running without a filter, nor silently past a tampered file.
 */
static int
program(struct hg_ctx *ctx, const struct hg_args *a, struct filter *f, int store,
	struct hg_bpf *out)
{
	const char *dir = cache_dir(ctx, a);
	struct hg_error e = { 0 };
	char path[4096];
	int r;

	r = hg_bpfcache_get(dir, f->key, f->klen, out, path, sizeof(path), f->id, &e);
	if (r == -ENOMEM)
		return HG_ERROR;
	if (r < 0) {
		hg_finding(ctx, f->id, HG_SEV_FAIL, e.where, e.fix, "%s", e.msg);
		return HG_FAIL;
	}
	if (r == 1)
		return HG_PASS;
	if (f->groups == NULL && (r = expand_all(ctx, a, f)) != HG_PASS)
		return r;
	if ((r = compile(ctx, f, out)) == HG_PASS && store)
		hg_bpfcache_put(dir, f->key, f->klen, out);
	return r;
}

/* The kernel must support what the policy asks for. */
static int
kernel_ok(struct hg_ctx *ctx, const struct filter *f)
{
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0) {
		hg_finding(ctx, f->id, HG_SEV_FAIL, NULL, "use a kernel with CONFIG_SECCOMP_FILTER",
			   "the kernel has no seccomp: %s", strerror(errno));
		return HG_FAIL;
	}
	if (f->action == SCMP_ACT_LOG && seccomp_api_get() < 3) {
		hg_finding(ctx, f->id, HG_SEV_FAIL, NULL, "use another action",
			   "the kernel cannot log seccomp violations (SECCOMP_RET_LOG)");
		return HG_FAIL;
	}
	return HG_PASS;
}

static int
check(struct hg_ctx *ctx, const struct hg_args *a)
{
	struct filter *f = calloc(1, sizeof(*f));
	struct hg_bpf b = { 0 };
	int r;

	if (f == NULL)
		return HG_ERROR;
	/*
	 * Compile now to fail early (dry run, launcher); in the final process
	 * apply() gets the program right after, so once is enough. The
	 * launcher, still root, stores it for the child it starts.
	 */
	if (hg_stage(ctx) == HG_STAGE_CHECK)
		r = resolve(ctx, a, f);	/* a dry run reports the resolved list */
	else
		r = prepare(ctx, a, f);	/* the rest only if the cache misses */
	if (r == HG_PASS && (r = kernel_ok(ctx, f)) == HG_PASS && hg_stage(ctx) != HG_STAGE_PROCESS)
		r = program(ctx, a, f, hg_stage(ctx) == HG_STAGE_LAUNCHER, &b);
	hg_bpf_free(&b);
	if (r == HG_PASS && hg_stage(ctx) == HG_STAGE_CHECK)
		hg_finding(ctx, f->id, HG_SEV_INFO, NULL, NULL,
			   "seccomp %s-list of %zu syscalls, others: %s; loaded last, in the process "
			   "(hardgate seccomp --service %s --print lists them)",
			   f->allow_mode ? "allow" : "deny", f->n,
			   f->allow_mode ? f->action_name : "allowed", hg_service(ctx));
	release(f);
	free(f);
	return r;
}

static int
threads_running(void)
{
	char v[16] = "1";

	hg_proc_status("Threads", v, sizeof(v));
	return strcmp(v, "1") != 0;
}

/*
 * Principle 2, read from the kernel after the load: PR_GET_SECCOMP says
 * filter mode, and /proc/self/status (opened before the filter, re-read
 * with pread) says "Seccomp: 2" with one filter more than before.
 */
static int
verify_loaded(struct hg_ctx *ctx, const struct filter *f, int status_fd, long before)
{
	char mode[16] = "", count[16] = "";
	long after;

	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 2 ||
	    hg_proc_status_fd(status_fd, "Seccomp", mode, sizeof(mode)) < 0 ||
	    hg_proc_status_fd(status_fd, "Seccomp_filters", count, sizeof(count)) < 0 ||
	    strcmp(mode, "2") != 0 || (after = strtol(count, NULL, 10)) != before + 1) {
		hg_finding(ctx, f->id, HG_SEV_FAIL, "/proc/self/status", "report this",
			   "the seccomp filter did not take hold: Seccomp %s, Seccomp_filters %s "
			   "(was %ld)", mode[0] ? mode : "?", count[0] ? count : "?", before);
		return HG_FAIL;
	}
	return HG_PASS;
}

static int
load(struct hg_ctx *ctx, const struct hg_args *a)
{
	struct filter *f = calloc(1, sizeof(*f));
	int status_fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	struct hg_bpf b = { 0 };
	char count[16] = "0";
	long before;
	int r = HG_ERROR, x;

	if (f == NULL || status_fd < 0)
		goto out;
	hg_proc_status_fd(status_fd, "Seccomp_filters", count, sizeof(count));
	before = strtol(count, NULL, 10);
	if ((r = prepare(ctx, a, f)) != HG_PASS ||
	    (r = program(ctx, a, f, geteuid() == 0, &b)) != HG_PASS)
		goto out;
	if ((x = hg_bpf_load(&b, threads_running())) < 0) {
		hg_finding(ctx, f->id, HG_SEV_FAIL, NULL,
			   "start no threads before main, or run it under hardgate exec",
			   "cannot load the seccomp filter: %s", strerror(-x));
		r = HG_FAIL;
		goto out;
	}
	r = verify_loaded(ctx, f, status_fd, before);
out:
	if (status_fd >= 0)
		close(status_fd);
	hg_bpf_free(&b);
	if (f)
		release(f);
	free(f);
	return r;
}

static int
apply(struct hg_ctx *ctx, const struct hg_args *a, enum hg_step step)
{
	if (step != HG_STEP_SECCOMP || hg_stage(ctx) != HG_STAGE_PROCESS)
		return HG_PASS;	/* compiled by check(); loaded by the final process */
	return load(ctx, a);
}

static int
describe(struct hg_ctx *ctx, const struct hg_args *a, FILE *out)
{
	struct filter *f = calloc(1, sizeof(*f));
	int r;

	if (f == NULL)
		return HG_ERROR;
	if ((r = resolve(ctx, a, f)) == HG_PASS) {
		fprintf(out, "seccomp %s-list, %zu syscalls, others: %s\n",
			f->allow_mode ? "allow" : "deny", f->n,
			f->allow_mode ? f->action_name : "allow");
		fprintf(out, "  architectures: native%s\n", f->narchs ? " + listed" : " only");
		for (size_t i = 0; i < f->n; i++)
			fprintf(out, "  %-4s %-24s %s\n", f->allow_mode ? "allow" : f->action_name,
				f->name[i], f->implicit[i] ? "(@hardgate-report)" : "");
	}
	release(f);
	free(f);
	return r;
}

const struct hg_module hg_module_seccomp = {
	.abi = HG_MODULE_ABI,
	.name = "seccomp",
	.phases = HG_PHASES_ALL,
	.steps = HG_STEP_SECCOMP,
	.args = args,
	.ids = ids,
	.check = check,
	.apply = apply,
	.describe = describe,
};
