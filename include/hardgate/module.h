/*
 * module.h - the ABI between the hardgate core and its modules.
 *
 * A module NAME is built as hardgate_NAME.so and exports exactly one
 * symbol, a const struct hg_module called hg_module_NAME (version script:
 * "global: hg_module_NAME; local: *;"). The core refuses the module when
 * abi != HG_MODULE_ABI or name != NAME.
 *
 * Modules never print and never exit. They report through hg_finding()
 * and return an enum hg_result. check() must have no side effects: it runs
 * in dry runs (hardgate check, audit). apply() is called once per apply
 * step the module declares in `steps`, in the fixed order of enum hg_step,
 * so that the controls of all modules go in in the order of design.md
 * section 6, whatever the order of the stack.
 *
 * A module calls back into the core only through the wrappers below; it
 * links nothing of the core, so it loads the same way into the hardgate
 * CLI, the preload and a server using libhardgate.
 */
#ifndef HARDGATE_MODULE_H
#define HARDGATE_MODULE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <hardgate/hardgate.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bump on any incompatible change of the structs below. */
#define HG_MODULE_ABI 6u

/* What check() and apply() return. Anything else counts as HG_ERROR. */
enum hg_result {
	HG_PASS = 0,	/* the control holds (or was applied and verified) */
	HG_FAIL = 1,	/* the control does not hold; a FAIL finding says why */
	HG_IGNORE = 2,	/* not applicable here; neither positive nor negative */
	HG_ERROR = 3,	/* could not decide (I/O error, no memory): a failure */
};

/* Where the stack runs. */
enum hg_stage {
	HG_STAGE_CHECK = 0,	/* dry run: check() only */
	HG_STAGE_LAUNCHER = 1,	/* hardgate exec, before execve(): inheritable controls */
	HG_STAGE_PROCESS = 2,	/* the final process (preload, plugin API) */
};

/*
 * Apply steps, in the order the core runs them (design.md section 6).
 * VERIFY comes before SECCOMP so that read-backs (/proc/self/status) are
 * not subject to the filter; the seccomp step verifies itself (prctl).
 */
enum hg_step {
	HG_STEP_RLIMITS = 1u << 0,	/* resource limits, RLIMIT_CORE */
	HG_STEP_PRIVS = 1u << 1,	/* setgroups/setgid/setuid, capabilities */
	HG_STEP_DUMPABLE = 1u << 2,	/* PR_SET_DUMPABLE 0 (after any uid change) */
	HG_STEP_NNP = 1u << 3,		/* PR_SET_NO_NEW_PRIVS */
	HG_STEP_LANDLOCK = 1u << 4,
	HG_STEP_VERIFY = 1u << 5,	/* read every control back from the kernel */
	HG_STEP_SECCOMP = 1u << 6,	/* always last; verifies itself */
};
#define HG_STEP_FIRST HG_STEP_RLIMITS
#define HG_STEP_LAST HG_STEP_SECCOMP

/* Types of declared module arguments; the core validates them. */
enum hg_arg_type {
	HG_ARG_STRING = 1,
	HG_ARG_BOOL,
	HG_ARG_INT,		/* 64-bit integer */
	HG_ARG_LIST,		/* list or array of strings */
	HG_ARG_MODE,		/* octal permission string "0600"; read with hg_arg_int */
	HG_ARG_ID,		/* a known finding ID ("DBW-PRE-05", "HG-011") */
};

struct hg_arg_spec {
	const char *name;
	enum hg_arg_type type;
	int required;
	const char *const *choices;	/* NULL, or NULL-terminated allowed strings */
	const char *help;		/* one line, shown by hardgate list */
};

/*
 * Figures a module reports for hardgate audit (the Prometheus textfile,
 * the JSON "metrics" list). Each is a fact, not a judgement: audit derives
 * days left and ages from them with one clock. The core owns the names
 * (hg_metric_name) and the units below.
 */
enum hg_metric {
	HG_METRIC_CERT_NOT_AFTER = 1,	/* Unix time a certificate expires */
	HG_METRIC_ATTEST_TIME,		/* Unix time an item was last attested, 0: never */
	HG_METRIC_ATTEST_MAX_AGE,	/* seconds an item's attestation stays valid */
};
#define HG_METRIC_LAST HG_METRIC_ATTEST_MAX_AGE

struct hg_ctx;
struct hg_args;

/* Services the core offers to modules. Use the wrappers, not the table. */
struct hg_host {
	uint32_t abi;
	void (*vfinding)(struct hg_ctx *ctx, const char *id, enum hg_severity sev,
			 const char *where, const char *fix, const char *fmt, va_list ap);
	int (*arg_isset)(const struct hg_args *a, const char *name);
	const char *(*arg_str)(const struct hg_args *a, const char *name);
	int (*arg_bool)(const struct hg_args *a, const char *name, int def);
	long long (*arg_int)(const struct hg_args *a, const char *name, long long def);
	size_t (*arg_list_len)(const struct hg_args *a, const char *name);
	const char *(*arg_list_at)(const struct hg_args *a, const char *name, size_t i);
	const char *(*arg_where)(const struct hg_args *a, const char *name);
	const char *(*service)(const struct hg_ctx *ctx);
	enum hg_stage (*stage)(const struct hg_ctx *ctx);
	enum hg_phase (*phase)(const struct hg_ctx *ctx);
	const char *(*test_root)(const struct hg_ctx *ctx);
	int (*interposed)(const struct hg_ctx *ctx);
	int (*netout_install)(struct hg_ctx *ctx, const char *const *entries, size_t n,
			      const char *id, char *err, size_t errlen);
	int (*revoked)(struct hg_ctx *ctx, const char *fp, char *reason, size_t n);
	const char *(*attest_dir)(const struct hg_ctx *ctx);
	void (*metric)(struct hg_ctx *ctx, enum hg_metric m, const char *id, const char *where,
		       const char *key, double value);
};

/* The context a module receives. `core` is private to the core. */
struct hg_ctx {
	const struct hg_host *host;
	void *core;
};

struct hg_module {
	uint32_t abi;		/* HG_MODULE_ABI */
	const char *name;	/* NAME of hardgate_NAME.so */
	unsigned phases;	/* HG_PHASE_START | HG_PHASE_LAUNCH bits it supports */
	unsigned steps;		/* enum hg_step bits apply() handles; 0 if none */
	const struct hg_arg_spec *args;	/* declared args, ended by { NULL } */
	const char *const *ids;		/* IDs it may report, NULL-terminated */
	int (*check)(struct hg_ctx *ctx, const struct hg_args *args);
	int (*apply)(struct hg_ctx *ctx, const struct hg_args *args, enum hg_step step);
	/*
	 * Optional: write what apply() would do, resolved, for people
	 * (hardgate seccomp --print). NULL if the module has nothing to show.
	 */
	int (*describe)(struct hg_ctx *ctx, const struct hg_args *args, FILE *out);
	/*
	 * Optional: the fingerprint ("SHA256:...", see common/fingerprint.h)
	 * of the key material in the file PATH, for hardgate fingerprint and
	 * the revocation list. Returns 0 with OUT filled; -ENOTSUP when PATH
	 * is not material of this module's kind; another negative errno with
	 * a one-line reason in ERR. Never prints or returns secret bytes.
	 */
	int (*fingerprint)(const char *path, char *out, size_t outlen, char *err, size_t errlen);
};

#define HG_PHASES_ALL (HG_PHASE_START | HG_PHASE_LAUNCH)

/*
 * Report a finding. WHERE is "file:line", a path or NULL; FIX is the
 * operator's next step or NULL. FMT must never format a secret.
 */
static inline void
hg_finding(struct hg_ctx *ctx, const char *id, enum hg_severity sev,
	   const char *where, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static inline void
hg_finding(struct hg_ctx *ctx, const char *id, enum hg_severity sev,
	   const char *where, const char *fix, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctx->host->vfinding(ctx, id, sev, where, fix, fmt, ap);
	va_end(ap);
}

/* 1 if the policy set NAME. */
static inline int hg_arg_isset(struct hg_ctx *c, const struct hg_args *a, const char *n)
{ return c->host->arg_isset(a, n); }
/* String value of NAME, or NULL when unset. */
static inline const char *hg_arg_str(struct hg_ctx *c, const struct hg_args *a, const char *n)
{ return c->host->arg_str(a, n); }
static inline int hg_arg_bool(struct hg_ctx *c, const struct hg_args *a, const char *n, int def)
{ return c->host->arg_bool(a, n, def); }
/* Integer value (HG_ARG_INT, or the parsed bits of HG_ARG_MODE), or DEF. */
static inline long long hg_arg_int(struct hg_ctx *c, const struct hg_args *a, const char *n,
				   long long def)
{ return c->host->arg_int(a, n, def); }
static inline size_t hg_arg_list_len(struct hg_ctx *c, const struct hg_args *a, const char *n)
{ return c->host->arg_list_len(a, n); }
static inline const char *hg_arg_list_at(struct hg_ctx *c, const struct hg_args *a,
					 const char *n, size_t i)
{ return c->host->arg_list_at(a, n, i); }
/* "file:line" of NAME in the policy (of the stack entry if NAME is unset). */
static inline const char *hg_arg_where(struct hg_ctx *c, const struct hg_args *a, const char *n)
{ return c->host->arg_where(a, n); }
static inline const char *hg_service(const struct hg_ctx *c) { return c->host->service(c); }
static inline enum hg_stage hg_stage(const struct hg_ctx *c) { return c->host->stage(c); }
static inline enum hg_phase hg_phase(const struct hg_ctx *c) { return c->host->phase(c); }
/*
 * Directory that stands for "/" when reading kernel and system files
 * (/proc/sys/...), "" in production. Tests point it at fixtures.
 */
static inline const char *hg_test_root(const struct hg_ctx *c) { return c->host->test_root(c); }

/* 1 if this process's connect(), sendto() and sendmsg() pass through hardgate's preload. */
static inline int hg_interposed(const struct hg_ctx *c) { return c->host->interposed(c); }
/*
 * Install the outbound allowlist the preload's interposers consult:
 * ENTRIES in the netout syntax with host names already resolved; denials
 * are reported under ID. 0, or a negative errno with a reason in ERR.
 */
static inline int hg_netout_install(struct hg_ctx *c, const char *const *entries, size_t n,
				    const char *id, char *err, size_t errlen)
{ return c->host->netout_install(c, entries, n, id, err, errlen); }

/*
 * Is the key, certificate or token with fingerprint FP ("SHA256:...")
 * revoked (the policy's revoked_dir, /etc/hardgate/revoked.d)? 1 with the
 * listed reason in REASON, 0 if not, or a negative errno when the list
 * cannot be read: the core has then reported HG-017 and the module fails.
 */
static inline int hg_revoked(struct hg_ctx *c, const char *fp, char *reason, size_t n)
{ return c->host->revoked(c, fp, reason, n); }

/*
 * The directory of hardgate's attestation key and signed records (the
 * policy's attest_dir, /var/lib/hardgate/attest; common/attest.h).
 */
static inline const char *hg_attest_dir(const struct hg_ctx *c) { return c->host->attest_dir(c); }

/*
 * Report figure M under checklist ID for hardgate audit. WHERE is the
 * file it is about ("file:line", a path or NULL), KEY tells apart several
 * figures of one file (a certificate's fingerprint) or is NULL. Never a
 * secret. The same M, ID, WHERE and KEY again keeps the lower value.
 */
static inline void hg_metric(struct hg_ctx *c, enum hg_metric m, const char *id,
			     const char *where, const char *key, double value)
{ c->host->metric(c, m, id, where, key, value); }

#ifdef __cplusplus
}
#endif
#endif /* HARDGATE_MODULE_H */
