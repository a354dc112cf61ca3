/*
 * netout.c - the outbound allowlist (design.md section 7), first layer:
 * the preload's connect(), sendto() and sendmsg() refuse any destination
 * not listed. Host names are resolved once, at start; DNS itself is
 * reachable only with dns = true. Covers DBW-REC-09 (an agent reaches
 * only the server URL and its target databases).
 *
 * Four layers. The preload's interposers (exact destinations, a clear
 * log line) need the preload: under the plugin API it refuses rather
 * than pretend. A raw syscall steps around them, so the kernel's Landlock
 * restricts TCP connects to the listed ports (ABI >= 4); it is required
 * unless the policy says best-effort or off, and read back by a raw
 * connect that must fail with EACCES. A seccomp filter limits socket(2)
 * to the named families and refuses raw IP sockets and io_uring (which
 * makes sockets without socket(2)); the socket part is read back by a
 * live probe. `hardgate nft` prints the same list as an nftables ruleset
 * (exact addresses, UDP too). The list may come from a dbward agent's own
 * config (from_dbward_agent, dbwagent.c).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <hardgate/module.h>

#include "allowlist.h"
#include "analyzer.h"
#include "dbwagent.h"
#include "families.h"
#include "landlock.h"

#define ID_DEFAULT "HG-016"
#define MAX_ENTRIES 100000

static const char *const landlock_modes[] = { "required", "best-effort", "off", NULL };

static const struct hg_arg_spec args[] = {
	{ "allow", HG_ARG_LIST, 0, NULL,
	  "destinations: ADDR:PORT, CIDR:PORT, [V6]:PORT, HOST:PORT, unix:/PATH (PORT may be *)" },
	{ "from_dbward_agent", HG_ARG_STRING, 0, NULL,
	  "dbward-agent.toml: allow its [server].url and every database URL" },
	{ "dns", HG_ARG_BOOL, 0, NULL, "allow DNS queries to any resolver (default false)" },
	{ "landlock", HG_ARG_STRING, 0, landlock_modes,
	  "kernel TCP-connect layer by port (Landlock ABI 4): required (default), best-effort, off" },
	{ "families", HG_ARG_LIST, 0, NULL,
	  "socket families allowed (default unix inet inet6 netlink); raw IP sockets never" },
	{ "cache_dir", HG_ARG_STRING, 0, NULL,
	  "compiled socket-family filters, root-owned (default: " HG_SECCOMP_CACHE ")" },
	{ "id", HG_ARG_ID, 0, NULL, "finding ID to report (default HG-016)" },
	{ NULL, 0, 0, NULL, NULL },
};

static const char *const ids[] = { "HG-016", "DBW-REC-09", "KDB-B-04", NULL };

/* The resolved entries: every name replaced by its addresses. */
struct list {
	char **v;
	size_t n, cap;
};

HG_LEAK_FP_BEGIN	/* analyzer.h: the array may have grown by realloc */
static int
push(struct list *l, const char *s)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	if ((l->v[l->n] = strdup(s)) == NULL)
		return -ENOMEM;
	l->n++;
	return 0;
}

static void
drop(struct list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
HG_LEAK_FP_END

static int
emit(const char *entry, void *arg)
{
	return push(arg, entry);
}

/* Validate every entry and resolve the names into OUT. */
static int
resolve(struct hg_ctx *ctx, const struct hg_args *a, const char *id, struct list *out)
{
	size_t n = hg_arg_list_len(ctx, a, "allow");
	char err[384];
	int r = HG_PASS;

	if (!hg_arg_isset(ctx, a, "allow") && !hg_arg_isset(ctx, a, "from_dbward_agent")) {
		hg_finding(ctx, id, HG_SEV_FAIL, hg_arg_where(ctx, a, "allow"),
			   "list the destinations in allow, or name a dbward agent's config in from_dbward_agent",
			   "netout has nothing to allow");
		return HG_FAIL;
	}
	if (n > MAX_ENTRIES) {
		hg_finding(ctx, id, HG_SEV_FAIL, hg_arg_where(ctx, a, "allow"),
			   "use CIDR ranges", "more than %d destinations", MAX_ENTRIES);
		r = HG_FAIL;
	}
	for (size_t i = 0; i < n && r == HG_PASS; i++) {
		const char *e = hg_arg_list_at(ctx, a, "allow", i);
		int x = hg_dest_expand(e, emit, out, err, sizeof(err));

		if (x == -ENOMEM) {
			r = HG_ERROR;
		} else if (x < 0) {
			hg_finding(ctx, id, HG_SEV_FAIL, hg_arg_where(ctx, a, "allow"),
				   x == -ENOENT ? "use an address, or make the name resolve at start" : NULL,
				   "%s", err);
			r = HG_FAIL;
		}
	}
	if (r == HG_PASS && hg_arg_isset(ctx, a, "from_dbward_agent"))
		r = hg_netout_from_dbward(ctx, a, id, emit, out);
	if (r == HG_PASS && hg_arg_bool(ctx, a, "dns", 0) &&
	    (push(out, "0.0.0.0/0:53") < 0 || push(out, "[::/0]:53") < 0))
		r = HG_ERROR;
	return r;
}

/* The TCP ports of L (entries already validated). 1 if one of them is "*". */
static int
ports_of(const struct list *l, uint16_t *ports, size_t *n, size_t max)
{
	char err[384];
	struct hg_dest d;
	int any = 0;

	*n = 0;
	for (size_t i = 0; i < l->n; i++) {
		size_t j;

		if (hg_dest_parse(l->v[i], &d, err, sizeof(err)) < 0 || d.family == AF_UNIX)
			continue;
		if (d.port == 0) {
			any = 1;
			continue;
		}
		for (j = 0; j < *n && ports[j] != d.port; j++)
			;
		if (j == *n && *n < max)
			ports[(*n)++] = d.port;
	}
	return any;
}

static int
landlock_mode(struct hg_ctx *ctx, const struct hg_args *a)
{
	const char *m = hg_arg_str(ctx, a, "landlock");

	return m == NULL || strcmp(m, "required") == 0 ? 2 : strcmp(m, "best-effort") == 0;
}

/*
 * Can the Landlock layer hold for L here? HG_PASS if yes (or not wanted);
 * HG_FAIL (required) or an INFO saying the layer is off (best-effort).
 */
static int
landlock_possible(struct hg_ctx *ctx, const struct hg_args *a, const char *id,
		  const struct list *l)
{
	int mode = landlock_mode(ctx, a), abi;
	uint16_t ports[1];
	size_t n;
	const char *why = NULL;
	char buf[160];

	if (mode == 0)
		return HG_PASS;
	if ((abi = hg_landlock_abi()) < 4) {
		snprintf(buf, sizeof(buf), "the kernel's Landlock ABI is %d, TCP rules need 4 "
			 "(Linux 6.7)", abi < 0 ? 0 : abi);
		why = buf;
	} else if (ports_of(l, ports, &n, 1)) {
		why = "an entry allows any port (*), which Landlock's per-port rules cannot narrow";
	}
	if (why == NULL)
		return HG_PASS;
	if (mode == 2) {
		hg_finding(ctx, id, HG_SEV_FAIL, hg_arg_where(ctx, a, "allow"),
			   "list ports explicitly, or set landlock = \"best-effort\" to run without it",
			   "netout's Landlock layer is required but %s", why);
		return HG_FAIL;
	}
	hg_finding(ctx, id, HG_SEV_INFO, NULL, NULL, "netout's Landlock layer is not active: %s",
		   why);
	return HG_PASS;
}

/* Apply the Landlock layer and read it back. */
static int
landlock_apply(struct hg_ctx *ctx, const struct hg_args *a, const char *id,
	       const struct list *l)
{
	uint16_t ports[4096], probe = 1;
	size_t n;
	int r;

	if (landlock_mode(ctx, a) == 0 || hg_landlock_abi() < 4 || ports_of(l, ports, &n, 4096))
		return landlock_possible(ctx, a, id, l);	/* reports why it is off */
	if ((r = hg_landlock_connect_ports(ports, n)) < 0) {
		hg_finding(ctx, id, HG_SEV_FAIL, NULL, NULL, "cannot apply Landlock TCP rules: %s",
			   strerror(-r));
		return HG_FAIL;
	}
	for (size_t i = 0; i < n; i++)	/* a port the rules do not allow */
		if (ports[i] == probe) {
			probe++;
			i = (size_t)-1;
		}
	if (!hg_landlock_denies_port(probe)) {
		hg_finding(ctx, id, HG_SEV_FAIL, NULL, "report this: the kernel ignored the ruleset",
			   "Landlock did not take hold: a connect to port %u was not refused", probe);
		return HG_FAIL;
	}
	return HG_PASS;
}

/* The families arg as a bit mask; HG_FAIL with a finding on an unknown name. */
static int
family_mask(struct hg_ctx *ctx, const struct hg_args *a, const char *id, uint64_t *mask)
{
	size_t n = hg_arg_list_len(ctx, a, "families");

	*mask = UINT64_C(1) << AF_UNIX | UINT64_C(1) << AF_INET | UINT64_C(1) << AF_INET6 |
		UINT64_C(1) << AF_NETLINK;
	if (n > 0)
		*mask = 0;
	for (size_t i = 0; i < n; i++) {
		const char *f = hg_arg_list_at(ctx, a, "families", i);
		int num = hg_family_number(f);

		if (num < 0) {
			hg_finding(ctx, id, HG_SEV_FAIL, hg_arg_where(ctx, a, "families"),
				   "use unix, inet, inet6, netlink, packet, vsock, ...",
				   "unknown socket family '%s'", f);
			return HG_FAIL;
		}
		*mask |= UINT64_C(1) << num;
	}
	return HG_PASS;
}

/* The seccomp socket-family layer, loaded and read back. */
/*
 * The socket-family program from the compiled-filter cache or compiled
 * (stored when STORE, as root). A cache entry that cannot be trusted
 * refuses, naming the file; it never means running without the layer.
 */
static int
families_program(struct hg_ctx *ctx, const struct hg_args *a, const char *id, uint64_t mask,
		 int store, struct hg_bpf *out)
{
	const char *dir = hg_arg_str(ctx, a, "cache_dir");
	struct hg_error e = { 0 };
	int r = hg_families_program(mask, dir ? dir : HG_SECCOMP_CACHE, store, out, id, &e);

	if (r == -ENOMEM)
		return HG_ERROR;
	if (r < 0) {
		hg_finding(ctx, id, HG_SEV_FAIL, e.where, e.fix, "%s", e.msg);
		return HG_FAIL;
	}
	return HG_PASS;
}

static int
families_apply(struct hg_ctx *ctx, const struct hg_args *a, const char *id)
{
	struct hg_bpf b = { 0 };
	uint64_t mask;
	int r;

	if ((r = family_mask(ctx, a, id, &mask)) != HG_PASS ||
	    (r = families_program(ctx, a, id, mask, geteuid() == 0, &b)) != HG_PASS)
		return r;
	r = hg_bpf_load(&b, 0);
	hg_bpf_free(&b);
	if (r < 0) {
		hg_finding(ctx, id, HG_SEV_FAIL, NULL, NULL,
			   "cannot load the socket-family filter: %s", strerror(-r));
		return HG_FAIL;
	}
	if (!hg_families_enforced(mask)) {
		hg_finding(ctx, id, HG_SEV_FAIL, NULL, "report this: the kernel ignored the filter",
			   "the socket-family filter did not take hold");
		return HG_FAIL;
	}
	return HG_PASS;
}

/* hardgate check: say which layers will hold, in one place. */
static void
report_layers(struct hg_ctx *ctx, const struct hg_args *a, const char *id, const struct list *l)
{
	uint16_t ports[4096];
	size_t n;
	int any = ports_of(l, ports, &n, 4096), abi = hg_landlock_abi();
	int ll = landlock_mode(ctx, a) != 0 && abi >= 4 && !any;

	hg_finding(ctx, id, HG_SEV_INFO, NULL, NULL,
		   "outbound layers: preload connect()/sendto()/sendmsg() allow-list of %zu "
		   "destinations; Landlock TCP connect to %zu ports: %s; seccomp socket families "
		   "and no raw sockets: on; nftables: load `hardgate nft --service %s`",
		   l->n, n, ll ? "on" : "OFF", hg_service(ctx));
}

static const char *
id_of(struct hg_ctx *ctx, const struct hg_args *a)
{
	const char *id = hg_arg_str(ctx, a, "id");

	return id ? id : ID_DEFAULT;
}

static int
check(struct hg_ctx *ctx, const struct hg_args *a)
{
	const char *id = id_of(ctx, a);
	struct list l = { 0 };
	int r = resolve(ctx, a, id, &l);

	if (r == HG_PASS)
		r = landlock_possible(ctx, a, id, &l);
	if (r == HG_PASS) {
		struct hg_bpf b = { 0 };
		uint64_t mask;

		/* the launcher, still root, leaves the program for its child */
		if ((r = family_mask(ctx, a, id, &mask)) == HG_PASS &&
		    hg_stage(ctx) == HG_STAGE_LAUNCHER)
			r = families_program(ctx, a, id, mask, 1, &b);
		hg_bpf_free(&b);
	}
	if (r == HG_PASS && hg_stage(ctx) == HG_STAGE_CHECK)
		report_layers(ctx, a, id, &l);
	drop(&l);
	if (r == HG_PASS && hg_stage(ctx) == HG_STAGE_PROCESS && !hg_interposed(ctx)) {
		hg_finding(ctx, id, HG_SEV_FAIL, NULL,
			   "start the service with hardgate exec or the preload",
			   "netout's connect() layer needs hardgate's preload in the process");
		r = HG_FAIL;
	}
	return r;
}

static int
apply(struct hg_ctx *ctx, const struct hg_args *a, enum hg_step step)
{
	const char *id = id_of(ctx, a);
	struct list l = { 0 };
	char err[384];
	int r;

	if (hg_stage(ctx) != HG_STAGE_PROCESS || step != HG_STEP_LANDLOCK)
		return HG_PASS;	/* the child's preload installs it */
	if ((r = resolve(ctx, a, id, &l)) == HG_PASS &&
	    hg_netout_install(ctx, (const char *const *)l.v, l.n, id, err, sizeof(err)) < 0) {
		hg_finding(ctx, id, HG_SEV_FAIL, hg_arg_where(ctx, a, "allow"), NULL,
			   "cannot install the outbound allowlist: %s", err);
		r = HG_FAIL;
	}
	if (r == HG_PASS)
		r = landlock_apply(ctx, a, id, &l);
	/*
	 * The family filter goes in now, before the seccomp step: a service's
	 * allow-list need not allow seccomp(2) for a filter loaded after it.
	 * Filters stack; the order does not change what each one refuses.
	 */
	if (r == HG_PASS)
		r = families_apply(ctx, a, id);
	drop(&l);
	return r;
}

static int
describe(struct hg_ctx *ctx, const struct hg_args *a, FILE *out)
{
	struct list l = { 0 };
	int r = resolve(ctx, a, id_of(ctx, a), &l);

	for (size_t i = 0; r == HG_PASS && i < l.n; i++)
		fprintf(out, "  allow %s\n", l.v[i]);
	drop(&l);
	return r;
}

const struct hg_module hg_module_netout = {
	.abi = HG_MODULE_ABI,
	.name = "netout",
	.phases = HG_PHASES_ALL,
	.steps = HG_STEP_LANDLOCK,
	.args = args,
	.ids = ids,
	.check = check,
	.apply = apply,
	.describe = describe,
};
