/*
 * stack.c - run a service's stack: load and validate every entry, run the
 * checks under Linux-PAM control semantics, then apply step by step.
 *
 * Configuration faults (a module that does not load, an arg it does not
 * take, a phase it does not support) deny the stack whatever the entry's
 * control flag: a typo must never weaken a policy quietly.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "loader.h"
#include "netguard.h"
#include "revoke.h"
#include "stack.h"

/* Per-call state behind struct hg_ctx.core. */
struct core {
	struct hg_decision *d;
	const struct hg_stack_opts *o;
	const char *service;
	const char *module;
	unsigned fails;		/* FAIL findings reported by the current call */
	int oom;
	const char *revoked_dir;
	const char *attest_dir;
	struct hg_revlist *rev;	/* loaded on first use, once per run */
	int rev_err;		/* its load failed: reported once, every ask fails */
};

static void
host_vfinding(struct hg_ctx *ctx, const char *id, enum hg_severity sev, const char *where,
	      const char *fix, const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));

static void
host_vfinding(struct hg_ctx *ctx, const char *id, enum hg_severity sev, const char *where,
	      const char *fix, const char *fmt, va_list ap)
{
	struct core *c = ctx->core;
	char msg[1024];

	if (fmt != NULL)
		vsnprintf(msg, sizeof(msg), fmt, ap);
	else
		msg[0] = '\0';
	if (sev != HG_SEV_INFO && sev != HG_SEV_WARN)
		sev = HG_SEV_FAIL;	/* an unknown severity is a failure */
	if (sev == HG_SEV_FAIL)
		c->fails++;
	if (hg_decision_add(c->d, id ? id : "HG-007", sev, c->module, where, fix, msg) < 0)
		c->oom = 1;
}

static const char *
host_service(const struct hg_ctx *ctx)
{
	return ((const struct core *)ctx->core)->service;
}

static enum hg_stage
host_stage(const struct hg_ctx *ctx)
{
	return ((const struct core *)ctx->core)->o->stage;
}

static enum hg_phase
host_phase(const struct hg_ctx *ctx)
{
	return ((const struct core *)ctx->core)->o->phase;
}

static const char *
host_test_root(const struct hg_ctx *ctx)
{
	const char *r = ((const struct core *)ctx->core)->o->test_root;

	return r ? r : "";
}

static int
host_interposed(const struct hg_ctx *ctx)
{
	return ((const struct core *)ctx->core)->o->interposed;
}

static int
host_netout_install(struct hg_ctx *ctx, const char *const *entries, size_t n, const char *id,
		    char *err, size_t errlen)
{
	return hg_netguard_install(entries, n, ((struct core *)ctx->core)->service, id, err, errlen);
}

static int
host_revoked(struct hg_ctx *ctx, const char *fp, char *reason, size_t n)
{
	struct core *c = ctx->core;
	struct hg_error e = { 0 };
	const char *why;

	if (c->rev_err) {
		c->fails++;	/* the HG-017 reported on the first ask is this call's reason too */
		return c->rev_err;
	}
	if (c->rev == NULL && (c->rev_err = hg_revlist_load(c->revoked_dir, &c->rev, &e)) < 0) {
		if (hg_decision_add(c->d, e.id, HG_SEV_FAIL, c->module, e.where,
				    e.fix[0] ? e.fix : NULL, e.msg) < 0)
			c->oom = 1;
		c->fails++;
		return c->rev_err;
	}
	if ((why = hg_revlist_find(c->rev, fp)) == NULL)
		return 0;
	if (reason && n)
		snprintf(reason, n, "%s", why[0] ? why : "no reason given");
	return 1;
}

static const char *
host_attest_dir(const struct hg_ctx *ctx)
{
	return ((const struct core *)ctx->core)->attest_dir;
}

/* A figure for audit; an unknown kind is a module bug and fails its entry. */
static void
host_metric(struct hg_ctx *ctx, enum hg_metric m, const char *id, const char *where,
	    const char *key, double value)
{
	struct core *c = ctx->core;
	int r = hg_decision_add_metric(c->d, (int)m, id, c->module, where, key, value);

	if (r == -ENOMEM) {
		c->oom = 1;
	} else if (r < 0) {
		c->fails++;
		if (hg_decision_add(c->d, "HG-007", HG_SEV_FAIL, c->module, where, NULL,
				    "module reported an unknown metric") < 0)
			c->oom = 1;
	}
}

static const struct hg_host host = {
	.abi = HG_MODULE_ABI,
	.vfinding = host_vfinding,
	.arg_isset = hg_args_isset,
	.arg_str = hg_args_str,
	.arg_bool = hg_args_bool,
	.arg_int = hg_args_int,
	.arg_list_len = hg_args_list_len,
	.arg_list_at = hg_args_list_at,
	.arg_where = hg_args_where,
	.service = host_service,
	.stage = host_stage,
	.phase = host_phase,
	.test_root = host_test_root,
	.interposed = host_interposed,
	.netout_install = host_netout_install,
	.revoked = host_revoked,
	.attest_dir = host_attest_dir,
	.metric = host_metric,
};

void
hg_verdict_step(struct hg_verdict *v, enum hg_control c, int result)
{
	int pass = result == HG_PASS, ignore = result == HG_IGNORE;

	if (ignore)
		return;
	switch (c) {
	case HG_CTL_REQUIRED:
		if (pass)
			v->positive = 1;
		else
			v->denied = 1;
		break;
	case HG_CTL_REQUISITE:
		if (pass) {
			v->positive = 1;
		} else {
			v->denied = 1;
			v->done = 1;
		}
		break;
	case HG_CTL_SUFFICIENT:
		if (pass && !v->denied) {
			v->positive = 1;
			v->done = 1;
		}
		break;
	case HG_CTL_OPTIONAL:
		if (pass)
			v->positive = 1;
		break;
	default:		/* unknown control flag: fail closed */
		v->denied = 1;
		v->done = 1;
	}
}

int
hg_verdict_allowed(const struct hg_verdict *v)
{
	return !v->denied && v->positive;
}

/* What one entry did in this run. */
struct slot {
	struct hg_loaded l;
	int usable;		/* loaded and validated */
	int result;		/* of check(), -1 if it did not run */
};

/* Normalise a module's return and hold it to the findings it reported. */
static int
settle(struct core *c, const struct hg_entry *en, int r, const char *what)
{
	char msg[256];

	if (r != HG_PASS && r != HG_FAIL && r != HG_IGNORE && r != HG_ERROR) {
		snprintf(msg, sizeof(msg), "module %s %s returned unknown result %d", en->module,
			 what, r);
		hg_decision_add(c->d, "HG-007", HG_SEV_FAIL, "core", en->where,
				"report a bug in the module", msg);
		return HG_ERROR;
	}
	if (c->fails && (r == HG_PASS || r == HG_IGNORE))
		return HG_FAIL;	/* it reported a failure: believe the finding */
	if ((r == HG_FAIL || r == HG_ERROR) && c->fails == 0) {
		snprintf(msg, sizeof(msg), "module %s %s failed without a finding", en->module, what);
		hg_decision_add(c->d, "HG-007", HG_SEV_FAIL, "core", en->where,
				"report a bug in the module", msg);
	}
	return r;
}

static int
prepare(const struct hg_moddir *md, const struct hg_error *mde, const struct hg_service *s,
	struct hg_entry *en, struct slot *sl, struct hg_decision *d)
{
	struct hg_error e = { 0 };

	if (md->fd < 0)		/* the directory itself failed: each entry says so */
		return hg_decision_add_error(d, mde) < 0 ? -ENOMEM : 1;
	if (hg_module_load_at(md, en->module, &sl->l, &e) < 0)
		return hg_decision_add_error(d, &e) < 0 ? -ENOMEM : 1;
	if (hg_args_validate(&en->args, sl->l.mod, &e) < 0)
		return hg_decision_add_error(d, &e) < 0 ? -ENOMEM : 1;
	if ((sl->l.mod->phases & s->phase) == 0) {
		hg_error_set(&e, EINVAL, "HG-005", en->where,
			     "remove it from this stack, or change the service's phase",
			     "module %s does not support phase %s of service %s", en->module,
			     hg_phase_name(s->phase), s->name);
		return hg_decision_add_error(d, &e) < 0 ? -ENOMEM : 1;
	}
	sl->usable = 1;
	return 0;
}

/* Load and validate every entry. Returns the number of faulty entries. */
static int
prepare_all(const struct hg_policy *p, const struct hg_service *s, struct slot *sl,
	    struct hg_decision *d)
{
	struct hg_error e = { 0 };
	struct hg_moddir md;
	int bad = 0, r = 0;

	hg_moddir_open(&md, p->module_dir, &e);
	for (size_t i = 0; i < s->nstack; i++) {
		sl[i].result = -1;
		if ((r = prepare(&md, &e, s, &s->stack[i], &sl[i], d)) < 0)
			break;
		bad += r;
	}
	hg_moddir_close(&md);
	return r < 0 ? r : bad;
}

static void
unload_all(struct slot *sl, size_t n, int keep)
{
	for (size_t i = 0; i < n; i++)
		if (!keep)
			hg_module_unload(&sl[i].l);
}

int
hg_stack_lint(const struct hg_policy *p, const struct hg_service *s, struct hg_decision *d)
{
	struct slot *sl = calloc(s->nstack, sizeof(*sl));
	int bad;

	if (sl == NULL)
		return -ENOMEM;
	bad = prepare_all(p, s, sl, d);
	unload_all(sl, s->nstack, 0);
	free(sl);
	return bad;
}

static int
argval_eq(const struct hg_argval *a, const struct hg_argval *b)
{
	if (a->type != b->type || a->num != b->num || a->nlist != b->nlist ||
	    (a->str == NULL) != (b->str == NULL) || (a->str && strcmp(a->str, b->str) != 0))
		return 0;
	for (size_t i = 0; i < a->nlist; i++)
		if (strcmp(a->list[i], b->list[i]) != 0)
			return 0;
	return 1;
}

/* Same module, same args whatever their order. */
static int
entry_eq(const struct hg_entry *a, const struct hg_entry *b)
{
	if (strcmp(a->module, b->module) != 0 || a->args.n != b->args.n)
		return 0;
	for (size_t i = 0; i < a->args.n; i++) {
		size_t j = 0;

		while (j < b->args.n && strcmp(a->args.v[i].name, b->args.v[j].name) != 0)
			j++;
		if (j == b->args.n || !argval_eq(&a->args.v[i], &b->args.v[j]))
			return 0;
	}
	return 1;
}

/* A dbward Pre-Deployment (Must) item named by one of EN's id args, or NULL. */
static const char *
must_id(const struct hg_entry *en)
{
	for (size_t i = 0; i < en->args.n; i++) {
		const struct hg_argval *a = &en->args.v[i];
		size_t n = strlen(a->name);

		if (a->str && strncmp(a->str, "DBW-PRE-", 8) == 0 &&
		    (strcmp(a->name, "id") == 0 || (n > 3 && strcmp(a->name + n - 3, "_id") == 0)))
			return a->str;
	}
	return NULL;
}

static int
warn(struct hg_decision *d, const struct hg_entry *en, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
warn(struct hg_decision *d, const struct hg_entry *en, const char *fix, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return hg_decision_add(d, "HG-002", HG_SEV_WARN, "core", en->where, fix, msg) < 0 ?
	       -ENOMEM : 1;
}

int
hg_stack_warn(const struct hg_service *s, struct hg_decision *d)
{
	const struct hg_entry *suff = NULL;
	int n = 0, r;

	for (size_t i = 0; i < s->nstack; i++) {
		const struct hg_entry *en = &s->stack[i];
		const char *id = must_id(en);

		if (suff && (r = warn(d, en, "move the sufficient entry to the end of the stack, "
				      "or make it required",
				      "entry %s of service %s follows the sufficient entry %s at %s: "
				      "when that one passes and no required or requisite entry "
				      "before it failed, the stack ends there allowed, and this "
				      "entry neither checks nor applies anything", en->module,
				      s->name, suff->module, suff->where)) < 0)
			return r;
		n += suff != NULL;
		for (size_t j = 0; j < i; j++)
			if (entry_eq(&s->stack[j], en)) {
				if ((r = warn(d, en, "remove one of the two entries",
					      "entry %s of service %s has the same module and args "
					      "as the entry at %s: it checks the same thing again",
					      en->module, s->name, s->stack[j].where)) < 0)
					return r;
				n++;
				break;
			}
		if (id && (en->control == HG_CTL_OPTIONAL || en->control == HG_CTL_SUFFICIENT)) {
			if ((r = warn(d, en, "make the entry required",
				      "entry %s of service %s is %s but reports %s, a Must item of "
				      "the dbward checklist: its failure does not stop the start",
				      en->module, s->name, hg_control_name(en->control), id)) < 0)
				return r;
			n++;
		}
		if (suff == NULL && en->control == HG_CTL_SUFFICIENT)
			suff = en;
	}
	return n;
}

int
hg_stack_describe(const struct hg_policy *p, const struct hg_service *s, const char *module,
		  FILE *out, struct hg_decision *d)
{
	struct hg_stack_opts o = { .stage = HG_STAGE_CHECK, .mode = HG_MODE_ENFORCE,
				   .phase = s->phase, .test_root = "" };
	struct core c = { .d = d, .o = &o, .service = s->name, .module = "core",
			  .revoked_dir = p->revoked_dir, .attest_dir = p->attest_dir };
	struct slot *sl = calloc(s->nstack, sizeof(*sl));
	int shown = 0, r;

	if (sl == NULL)
		return -ENOMEM;
	if ((r = prepare_all(p, s, sl, d)) < 0) {
		free(sl);
		return r;
	}
	for (size_t i = 0; i < s->nstack; i++) {
		const struct hg_entry *en = &s->stack[i];
		struct hg_ctx ctx = { &host, &c };

		if (!sl[i].usable || sl[i].l.mod->describe == NULL ||
		    (module && strcmp(en->module, module) != 0))
			continue;
		c.module = en->module;
		fprintf(out, "# %s: %s (%s)\n", s->name, en->module, en->where);
		sl[i].l.mod->describe(&ctx, &en->args, out);
		shown++;
	}
	unload_all(sl, s->nstack, 0);
	free(sl);
	hg_revlist_free(c.rev);
	return c.oom ? -ENOMEM : shown;
}

static int
run_checks(const struct hg_service *s, struct slot *sl, struct core *c, struct hg_verdict *v)
{
	for (size_t i = 0; i < s->nstack && !v->done; i++) {
		const struct hg_entry *en = &s->stack[i];
		struct hg_ctx ctx = { &host, c };
		int r;

		if (!sl[i].usable) {	/* faulty entry: already reported */
			hg_verdict_step(v, en->control, HG_ERROR);
			continue;
		}
		if (c->o->skip_checks) {	/* hardgate exec checked before execve */
			sl[i].result = HG_PASS;
			hg_verdict_step(v, en->control, HG_PASS);
			continue;
		}
		c->module = en->module;
		c->fails = 0;
		r = sl[i].l.mod->check(&ctx, &en->args);
		sl[i].result = settle(c, en, r, "check");
		if (c->oom)
			return -ENOMEM;
		hg_verdict_step(v, en->control, sl[i].result);
	}
	return 0;
}

/* design.md section 6: every module's part of a step before the next step. */
static int
run_apply(const struct hg_service *s, struct slot *sl, struct core *c, int *failed)
{
	for (unsigned step = HG_STEP_FIRST; step <= HG_STEP_LAST; step <<= 1) {
		for (size_t i = 0; i < s->nstack; i++) {
			const struct hg_entry *en = &s->stack[i];
			const struct hg_module *m = sl[i].l.mod;
			struct hg_ctx ctx = { &host, c };
			int r;

			if (!sl[i].usable || sl[i].result < 0 || sl[i].result == HG_IGNORE ||
			    !(m->steps & step))
				continue;
			c->module = en->module;
			c->fails = 0;
			r = settle(c, en, m->apply(&ctx, &en->args, (enum hg_step)step), "apply");
			if (c->oom)
				return -ENOMEM;
			if (r == HG_FAIL || r == HG_ERROR) {
				*failed = 1;
				if (c->o->mode == HG_MODE_ENFORCE)
					return 0;	/* stop: the caller refuses */
			}
		}
	}
	return 0;
}

int
hg_stack_run(const struct hg_policy *p, const struct hg_service *s,
	     const struct hg_stack_opts *o, struct hg_decision *d)
{
	struct core c = { .d = d, .o = o, .service = s->name, .module = "core",
			  .revoked_dir = p->revoked_dir, .attest_dir = p->attest_dir };
	struct hg_verdict v = { 0 };
	struct slot *sl;
	int bad, r = 0, apply_failed = 0, allowed;

	if ((sl = calloc(s->nstack, sizeof(*sl))) == NULL)
		return -ENOMEM;
	d->mode = o->mode;
	if ((bad = prepare_all(p, s, sl, d)) < 0) {
		r = bad;
		goto out;
	}
	if (bad) {
		d->would_refuse = 1;
		if (o->mode == HG_MODE_ENFORCE) {
			hg_decision_set(d, HG_EXIT_REFUSED, "policy for service %s has %d faulty %s",
					s->name, bad, bad == 1 ? "entry" : "entries");
			goto out;
		}
	}
	if ((r = run_checks(s, sl, &c, &v)) < 0)
		goto out;
	free(d->results);
	d->nresults = 0;
	if ((d->results = calloc(s->nstack, sizeof(*d->results))) != NULL) {
		d->nresults = s->nstack;	/* what ran: hardgate score credits only that */
		for (size_t i = 0; i < s->nstack; i++)
			d->results[i] = sl[i].result;
	}
	allowed = !bad && hg_verdict_allowed(&v);
	if (!bad && !v.denied && !v.positive)
		hg_decision_add(d, "HG-006", HG_SEV_FAIL, "core", s->where,
				"add a required module to the stack",
				"stack gave no positive result");
	d->would_refuse = !allowed;
	if (!bad && (allowed || o->mode == HG_MODE_WARN) && o->stage != HG_STAGE_CHECK &&
	    o->mode != HG_MODE_AUDIT && (r = run_apply(s, sl, &c, &apply_failed)) < 0)
		goto out;
	if (apply_failed)
		d->would_refuse = 1;
	if (o->mode == HG_MODE_ENFORCE && (!allowed || apply_failed))
		hg_decision_set(d, HG_EXIT_REFUSED, "%s", apply_failed ?
				"a control could not be applied or did not hold" :
				"stack denied");
	else if (o->mode != HG_MODE_ENFORCE && d->would_refuse)
		hg_decision_set(d, HG_EXIT_ALLOWED, "mode %s: would refuse, starting anyway",
				hg_mode_name(o->mode));
	else
		hg_decision_set(d, HG_EXIT_ALLOWED, "%s",
				o->stage == HG_STAGE_CHECK ? "all checks passed" :
				o->mode == HG_MODE_AUDIT ? "mode audit: checked, nothing applied" :
				"all checks passed, controls applied and verified");
out:
	unload_all(sl, s->nstack, o->keep_loaded);
	free(sl);
	hg_revlist_free(c.rev);
	return r;
}
