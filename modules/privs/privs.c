/*
 * privs.c - run the service as its own account with only the declared
 * capabilities, and prove it from /proc/self/status.
 *
 * Apply order (design.md section 6, minijail's): the bounding set is
 * reduced while the process still has CAP_SETPCAP; then setgroups,
 * setresgid, setresuid (keeping the declared capabilities across the
 * uid change with PR_SET_KEEPCAPS); then capset to exactly the declared
 * set and the same set raised as ambient, so it survives hardgate exec's
 * execve; no_new_privs at its own later step. Nothing of this may happen
 * with more than one thread (capset and the bounding set are per thread).
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <hardgate/module.h>

#include "util.h"

#define MAX_GROUPS 64
#define ID_DEFAULT "HG-014"

static const struct hg_arg_spec args[] = {
	{ "user", HG_ARG_STRING, 0, NULL, "account (name or uid) the service runs as" },
	{ "group", HG_ARG_STRING, 0, NULL, "primary group (default: the user's)" },
	{ "groups", HG_ARG_LIST, 0, NULL, "supplementary groups (default: none)" },
	{ "caps", HG_ARG_LIST, 0, NULL, "capabilities kept, e.g. cap_net_bind_service" },
	{ "allow_root", HG_ARG_BOOL, 0, NULL, "allow uid 0 (default false)" },
	{ "no_new_privs", HG_ARG_BOOL, 0, NULL, "set PR_SET_NO_NEW_PRIVS (default true)" },
	{ "id", HG_ARG_ID, 0, NULL, "finding ID to report (default HG-014)" },
	{ NULL, 0, 0, NULL, NULL },
};

static const char *const ids[] = { "HG-014", NULL };

/* Index = capability number (linux/capability.h). */
static const char *const cap_names[] = {
	"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid",
	"setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast",
	"net_admin", "net_raw", "ipc_lock", "ipc_owner", "sys_module", "sys_rawio",
	"sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
	"sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write",
	"audit_control", "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
	"block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
};
#define NCAPS (int)(sizeof(cap_names) / sizeof(cap_names[0]))

struct plan {
	const char *id;
	int has_user;
	uid_t uid;
	gid_t gid;
	gid_t groups[MAX_GROUPS];
	size_t ngroups;
	uint64_t keep;		/* capability mask */
	int allow_root;
	int nnp;
};

static int
cap_number(const char *name)
{
	if (strncasecmp(name, "cap_", 4) == 0)
		name += 4;
	for (int i = 0; i < NCAPS; i++)
		if (strcasecmp(name, cap_names[i]) == 0)
			return i;
	return -1;
}

static int
bad(struct hg_ctx *ctx, const char *id, const char *where, const char *fix, const char *what,
    const char *name)
{
	hg_finding(ctx, id, HG_SEV_FAIL, where, fix, "%s '%s'", what, name);
	return HG_FAIL;
}

static int
resolve_user(struct hg_ctx *ctx, const struct hg_args *a, struct plan *p)
{
	const char *u = hg_arg_str(ctx, a, "user"), *g = hg_arg_str(ctx, a, "group");
	struct passwd *pw = NULL;
	int numeric;

	if (u == NULL)
		return HG_PASS;
	p->has_user = 1;
	numeric = u[0] != '\0' && u[strspn(u, "0123456789")] == '\0';
	/* a name: one passwd lookup gives uid and primary gid (each is an NSS round) */
	if (!numeric && (pw = getpwnam(u)) != NULL)
		p->uid = pw->pw_uid;
	else if (!numeric || hg_parse_uid(u, &p->uid) < 0)
		return bad(ctx, p->id, hg_arg_where(ctx, a, "user"),
			   "create the account (adduser --system), or correct user", "unknown user", u);
	if (g != NULL) {
		if (hg_parse_gid(g, &p->gid) < 0)
			return bad(ctx, p->id, hg_arg_where(ctx, a, "group"),
				   "create the group, or correct group", "unknown group", g);
	} else if (pw != NULL || (pw = getpwuid(p->uid)) != NULL) {
		p->gid = pw->pw_gid;
	} else {
		return bad(ctx, p->id, hg_arg_where(ctx, a, "user"), "add group = \"...\"",
			   "no primary group known for user", u);
	}
	return HG_PASS;
}

/* Policy args into a plan. HG_FAIL (with findings) on unknown names. */
static int
resolve(struct hg_ctx *ctx, const struct hg_args *a, struct plan *p)
{
	size_t n;
	int r;

	memset(p, 0, sizeof(*p));
	p->id = hg_arg_str(ctx, a, "id") ? hg_arg_str(ctx, a, "id") : ID_DEFAULT;
	p->allow_root = hg_arg_bool(ctx, a, "allow_root", 0);
	p->nnp = hg_arg_bool(ctx, a, "no_new_privs", 1);
	if ((r = resolve_user(ctx, a, p)) != HG_PASS)
		return r;
	if ((n = hg_arg_list_len(ctx, a, "groups")) > MAX_GROUPS)
		return bad(ctx, p->id, hg_arg_where(ctx, a, "groups"), "list fewer groups",
			   "too many supplementary groups for", "groups");
	for (size_t i = 0; i < n; i++) {
		const char *g = hg_arg_list_at(ctx, a, "groups", i);

		if (hg_parse_gid(g, &p->groups[i]) < 0)
			return bad(ctx, p->id, hg_arg_where(ctx, a, "groups"),
				   "create the group, or correct groups", "unknown group", g);
	}
	p->ngroups = n;
	for (size_t i = 0; i < hg_arg_list_len(ctx, a, "caps"); i++) {
		const char *c = hg_arg_list_at(ctx, a, "caps", i);
		int num = cap_number(c);

		if (num < 0)
			return bad(ctx, p->id, hg_arg_where(ctx, a, "caps"),
				   "use names from capabilities(7), e.g. cap_net_bind_service",
				   "unknown capability", c);
		p->keep |= UINT64_C(1) << num;
	}
	return HG_PASS;
}

static int
status_hex(const char *st, const char *key, uint64_t *out)
{
	char v[64];
	int r;

	if ((r = hg_status_value(st, key, v, sizeof(v))) < 0)
		return r;
	*out = strtoull(v, NULL, 16);
	return 0;
}

static int
check(struct hg_ctx *ctx, const struct hg_args *a)
{
	struct plan p;
	char threads[16] = "1";
	int r;

	if ((r = resolve(ctx, a, &p)) != HG_PASS)
		return r;
	if (p.has_user && p.uid == 0 && !p.allow_root) {
		hg_finding(ctx, p.id, HG_SEV_FAIL, hg_arg_where(ctx, a, "user"),
			   "run it as its own account, or set allow_root = true",
			   "user is root and allow_root is false");
		return HG_FAIL;
	}
	if (hg_stage(ctx) == HG_STAGE_CHECK) {
		if (!p.has_user && !p.allow_root)
			hg_finding(ctx, p.id, HG_SEV_INFO, NULL, NULL,
				   "no user set: the service will be refused if started as root");
		else
			hg_finding(ctx, p.id, HG_SEV_INFO, NULL, NULL,
				   "runs as uid %u gid %u, capabilities %#llx, no_new_privs %s",
				   (unsigned)(p.has_user ? p.uid : 0), (unsigned)(p.has_user ? p.gid : 0),
				   (unsigned long long)p.keep, p.nnp ? "on" : "off");
		return HG_PASS;
	}
	if (!p.has_user && !p.allow_root && (getuid() == 0 || geteuid() == 0)) {
		hg_finding(ctx, p.id, HG_SEV_FAIL, hg_arg_where(ctx, a, "user"),
			   "set user = \"ACCOUNT\" in privs' args, or start it as that account",
			   "the service would run as root");
		return HG_FAIL;
	}
	if (p.has_user && geteuid() != 0 && geteuid() != p.uid) {
		hg_finding(ctx, p.id, HG_SEV_FAIL, NULL, "start it as root or as the account itself",
			   "cannot switch to uid %u: running as uid %u without privilege",
			   (unsigned)p.uid, (unsigned)geteuid());
		return HG_FAIL;
	}
	hg_proc_status("Threads", threads, sizeof(threads));
	if (strcmp(threads, "1") != 0) {
		hg_finding(ctx, p.id, HG_SEV_FAIL, NULL,
			   "use hardgate exec, or start no threads before main",
			   "%s threads already run: privileges cannot be changed for all of them",
			   threads);
		return HG_FAIL;
	}
	return HG_PASS;
}

/* Bounding set down to the kept caps (needs CAP_SETPCAP: done first). */
static int
drop_bounding(struct hg_ctx *ctx, const struct plan *p)
{
	for (int c = 0; c < 64; c++) {
		int in = prctl(PR_CAPBSET_READ, (unsigned long)c, 0, 0, 0);

		if (in < 0)
			break;	/* past the kernel's last capability */
		if (in == 0 || (p->keep & (UINT64_C(1) << c)))
			continue;
		if (prctl(PR_CAPBSET_DROP, (unsigned long)c, 0, 0, 0) == 0)
			continue;
		if (errno == EPERM && p->nnp)
			return HG_PASS;	/* not ours to drop; verify reports it */
		hg_finding(ctx, p->id, HG_SEV_FAIL, NULL, "start it as root, or keep no_new_privs on",
			   "cannot drop capability %d from the bounding set: %s", c, strerror(errno));
		return HG_FAIL;
	}
	return HG_PASS;
}

static int
switch_user(struct hg_ctx *ctx, const struct plan *p)
{
	if (!p->has_user || (getuid() == p->uid && geteuid() == p->uid))
		return HG_PASS;
	if ((p->keep && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) ||
	    setgroups(p->ngroups, p->groups) < 0 || setresgid(p->gid, p->gid, p->gid) < 0 ||
	    setresuid(p->uid, p->uid, p->uid) < 0 ||
	    (p->keep && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)) {
		hg_finding(ctx, p->id, HG_SEV_FAIL, NULL, NULL,
			   "cannot switch to uid %u gid %u: %s", (unsigned)p->uid, (unsigned)p->gid,
			   strerror(errno));
		return HG_FAIL;
	}
	return HG_PASS;
}

/* Effective, permitted, inheritable = kept; ambient = kept (survives execve). */
static int
set_caps(struct hg_ctx *ctx, const struct plan *p)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	uint64_t prm;

	if (syscall(SYS_capget, &h, d) < 0)
		goto fail;
	prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	if (p->keep & ~prm) {
		hg_finding(ctx, p->id, HG_SEV_FAIL, NULL, "start it as root, or keep fewer caps",
			   "cannot keep capabilities %#llx: the process only has %#llx",
			   (unsigned long long)p->keep, (unsigned long long)prm);
		return HG_FAIL;
	}
	for (int i = 0; i < 2; i++)
		d[i].effective = d[i].permitted = d[i].inheritable = (uint32_t)(p->keep >> (32 * i));
	if (syscall(SYS_capset, &h, d) < 0 ||
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		goto fail;
	for (int c = 0, root = getuid() == 0; c < 64 && !root; c++)
		if ((p->keep & (UINT64_C(1) << c)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)c, 0, 0) < 0)
			goto fail;
	return HG_PASS;
fail:
	hg_finding(ctx, p->id, HG_SEV_FAIL, NULL, NULL, "cannot set capabilities: %s",
		   strerror(errno));
	return HG_FAIL;
}

/* Uid: or Gid: of the status text ST: all four ids equal WANT? */
static int
ids_are(const char *st, const char *key, unsigned want)
{
	char v[128];
	unsigned a[4];

	return hg_status_value(st, key, v, sizeof(v)) == 0 &&
	       sscanf(v, "%u %u %u %u", &a[0], &a[1], &a[2], &a[3]) == 4 && a[0] == want &&
	       a[1] == want && a[2] == want && a[3] == want;
}

static int
verify_caps(struct hg_ctx *ctx, const struct plan *p, const char *st)
{
	static const char *const keys[] = { "CapEff", "CapPrm", "CapInh", "CapAmb" };
	uint64_t v = 0, bnd = ~UINT64_C(0);
	int r = HG_PASS;

	for (size_t i = 0; i < 4; i++) {
		uint64_t want = i == 3 && getuid() == 0 ? 0 : p->keep;

		if (status_hex(st, keys[i], &v) < 0 || v != want) {
			hg_finding(ctx, p->id, HG_SEV_FAIL, "/proc/self/status", NULL,
				   "%s is %#llx after dropping to %#llx", keys[i],
				   (unsigned long long)v, (unsigned long long)want);
			r = HG_FAIL;
		}
	}
	if (status_hex(st, "CapBnd", &bnd) < 0 || ((bnd & ~p->keep) && !p->nnp)) {
		hg_finding(ctx, p->id, HG_SEV_FAIL, "/proc/self/status", "start it as root",
			   "CapBnd is %#llx, more than the kept %#llx", (unsigned long long)bnd,
			   (unsigned long long)p->keep);
		r = HG_FAIL;
	} else if (bnd & ~p->keep) {
		hg_finding(ctx, p->id, HG_SEV_INFO, "/proc/self/status", NULL,
			   "bounding set left at %#llx (no CAP_SETPCAP to drop it); no_new_privs "
			   "keeps file capabilities from being gained", (unsigned long long)bnd);
	}
	return r;
}

/* Principle 2: what the kernel says, not what we asked for (one snapshot). */
static int
verify(struct hg_ctx *ctx, const struct plan *p)
{
	char st[8192] = "", v[16];
	int r;

	if ((r = hg_proc_status_all(st, sizeof(st))) < 0) {
		hg_finding(ctx, p->id, HG_SEV_FAIL, "/proc/self/status", "mount /proc",
			   "cannot read /proc/self/status: %s", strerror(-r));
		return HG_FAIL;
	}
	r = verify_caps(ctx, p, st);
	if (p->has_user && (!ids_are(st, "Uid", p->uid) || !ids_are(st, "Gid", p->gid))) {
		hg_finding(ctx, p->id, HG_SEV_FAIL, "/proc/self/status", NULL,
			   "ids are not uid %u gid %u after the switch", (unsigned)p->uid,
			   (unsigned)p->gid);
		r = HG_FAIL;
	}
	if (!p->allow_root && (getuid() == 0 || geteuid() == 0)) {
		hg_finding(ctx, p->id, HG_SEV_FAIL, "/proc/self/status", NULL, "still running as root");
		r = HG_FAIL;
	}
	if (p->nnp && (hg_status_value(st, "NoNewPrivs", v, sizeof(v)) < 0 || strcmp(v, "1") != 0)) {
		hg_finding(ctx, p->id, HG_SEV_FAIL, "/proc/self/status", NULL,
			   "NoNewPrivs is not 1 after PR_SET_NO_NEW_PRIVS");
		r = HG_FAIL;
	}
	return r;
}

static int
apply(struct hg_ctx *ctx, const struct hg_args *a, enum hg_step step)
{
	struct plan p;
	int r;

	if ((r = resolve(ctx, a, &p)) != HG_PASS)
		return r;
	switch (step) {
	case HG_STEP_PRIVS:
		if ((r = drop_bounding(ctx, &p)) != HG_PASS || (r = switch_user(ctx, &p)) != HG_PASS)
			return r;
		return set_caps(ctx, &p);
	case HG_STEP_NNP:
		if (p.nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
			hg_finding(ctx, p.id, HG_SEV_FAIL, NULL, NULL,
				   "prctl(PR_SET_NO_NEW_PRIVS) failed: %s", strerror(errno));
			return HG_FAIL;
		}
		return HG_PASS;
	case HG_STEP_VERIFY:
		return verify(ctx, &p);
	default:
		return HG_PASS;
	}
}

const struct hg_module hg_module_privs = {
	.abi = HG_MODULE_ABI,
	.name = "privs",
	.phases = HG_PHASES_ALL,
	.steps = HG_STEP_PRIVS | HG_STEP_NNP | HG_STEP_VERIFY,
	.args = args,
	.ids = ids,
	.check = check,
	.apply = apply,
};
