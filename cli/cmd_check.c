/* cmd_check.c - hardgate check and lint, and the service loop audit shares: dry runs. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hardgate/hardgate.h>

#include "cli.h"
#include "decision.h"
#include "hgenv.h"
#include "loader.h"
#include "policy.h"
#include "report.h"
#include "run.h"
#include "stack.h"

static int
worst(int a, int b)
{
	if (a == HG_EXIT_INTERNAL || b == HG_EXIT_INTERNAL)
		return HG_EXIT_INTERNAL;
	return a > b ? a : b;
}

/* A policy that does not load: a decision with one finding, exit 78 (NULL: no memory). */
static struct hg_decision *
policy_failed(const struct cli *c, const struct hg_error *e)
{
	struct hg_decision *d = hg_decision_new(c->service);

	if (d == NULL)
		return NULL;
	d->matched = 1;
	hg_decision_add_error(d, e);
	hg_decision_set(d, HG_EXIT_REFUSED, "policy cannot be used");
	return d;
}

/* Check SERVICE (nothing applied, the policy's mode ignored) and hand the decision to FN. */
static int
check_one(const struct cli *c, const char *service, cli_decision_fn fn, void *arg)
{
	struct hg_run_opts o = {
		.conf = c->conf, .service = service, .stage = HG_STAGE_CHECK, .ignore_mode = 1,
	};
	struct hg_decision *d = NULL;
	int st;

	if (hg_run(&o, &d) < 0) {
		fprintf(stderr, "hardgate: out of memory\n");
		return HG_EXIT_INTERNAL;
	}
	st = fn(c, d, arg);
	hg_decision_free(d);
	return st;
}

int
cli_check_services(const struct cli *c, cli_decision_fn fn, void *arg)
{
	struct hg_policy *p;
	struct hg_error e = { 0 };
	struct hg_decision *d;
	int st = 0;

	if (c->service)
		return check_one(c, c->service, fn, arg);
	if (hg_policy_load(cli_conf(c), &p, &e) < 0) {
		if ((d = policy_failed(c, &e)) == NULL)
			return HG_EXIT_INTERNAL;
		st = fn(c, d, arg);
		hg_decision_free(d);
		return st;
	}
	for (size_t i = 0; i < p->nsvc; i++)
		st = worst(st, check_one(c, p->svc[i].name, fn, arg));
	if (p->nsvc == 0)
		fprintf(stderr, "hardgate: %s defines no services\n", cli_conf(c));
	hg_policy_free(p);
	return st;
}

static int
print_decision(const struct cli *c, const struct hg_decision *d, void *arg)
{
	(void)arg;
	return cli_report(c, d, 0);
}

/* Say that E is about an LD_PRELOAD object, and what follows from it. */
static void
in_ld_preload(int r, struct hg_error *e)
{
	char msg[sizeof(e->msg)];

	snprintf(msg, sizeof(msg), "%s", e->msg);
	snprintf(e->msg, sizeof(e->msg), "%.400s (in LD_PRELOAD: %s)", msg,
		 r == -EPERM ? "whoever can replace it runs code in the service" :
		 r == -ELOOP ? "the preload would refuse the start"
			     : "ld.so would start the service without it");
	if (r == -ENOENT)
		snprintf(e->fix, sizeof(e->fix), "reinstall hardgate, or correct LD_PRELOAD in the "
			 "unit's Environment=");
}

/*
 * Every object of LD_PRELOAD loads as ld.so will load it into the service
 * (this runs with the unit's credentials), from a trusted path, and one of
 * them is hardgate's preload; and HARDGATE_SERVICE names SERVICE, the
 * service this probe judges for: without it the preload picks a service
 * by the program's match rule, and passes a program that matches none
 * untouched. 0, or a negative errno with E filled.
 */
static int
preload_env_ok(const char *service, struct hg_error *e)
{
	const char *svc = getenv(HG_ENV_SERVICE), *env = getenv("LD_PRELOAD");
	char *list, *p, *obj;
	int r = 0, mine = 0;

	if (env == NULL || env[strspn(env, " :")] == '\0')
		return hg_error_set(e, ENOENT, "HG-008", "LD_PRELOAD",
				    "set Environment=LD_PRELOAD=" HG_PRELOAD_PATH " in the unit",
				    "LD_PRELOAD names no object: the service would start without "
				    "hardgate's preload");
	if ((list = strdup(env)) == NULL)
		return hg_error_set(e, ENOMEM, "HG-007", NULL, NULL, "out of memory");
	for (p = list; r >= 0 && (obj = strsep(&p, " :")) != NULL;) {	/* ld.so's separators */
		if (*obj == '\0')
			continue;
		if (obj[0] != '/' || strchr(obj, '$') != NULL)
			r = hg_error_set(e, EINVAL, "HG-008", obj,
					 "name it by its absolute path in LD_PRELOAD",
					 "%s in LD_PRELOAD is not an absolute path: ld.so searches "
					 "for it, hardgate cannot judge what it finds", obj);
		else if ((r = hg_preload_verify(obj, "HG-008", 0, e)) > 0)
			mine = 1;
		else if (r < 0)
			in_ld_preload(r, e);
	}
	if (r >= 0 && !mine)
		r = hg_error_set(e, ENOEXEC, "HG-008", "LD_PRELOAD",
				 "put " HG_PRELOAD_PATH " in LD_PRELOAD",
				 "LD_PRELOAD=%s names no hardgate preload: the service would start "
				 "unprotected", env);
	free(list);
	if (r >= 0 && (svc == NULL || strcmp(svc, service) != 0)) {
		char fix[300];

		snprintf(fix, sizeof(fix), "set Environment=%s=%.200s in the unit, next to LD_PRELOAD",
			 HG_ENV_SERVICE, service);
		if (svc == NULL || *svc == '\0')
			r = hg_error_set(e, EINVAL, "HG-008", HG_ENV_SERVICE, fix,
					 "%s is not set: the preload would pick a service by the "
					 "program's match rule and start a program that matches "
					 "none unprotected", HG_ENV_SERVICE);
		else
			r = hg_error_set(e, EINVAL, "HG-008", HG_ENV_SERVICE, fix,
					 "%s=%.200s, not %.200s: the preload would run another "
					 "service's stack", HG_ENV_SERVICE, svc, service);
	}
	return r < 0 ? r : 0;
}

/* The LD_PRELOAD error found before hg_run, and whether its gate gave it. */
struct bad_preload {
	struct hg_error e;
	int given;
};

/* hg_run's gate: that error, refusing ahead of the stack. */
static int
preload_gate(void *arg, enum hg_gate when, const struct hg_decision *d, struct hg_error *e)
{
	struct bad_preload *b = arg;

	(void)d;
	if (when != HG_GATE_BEFORE)
		return 0;
	*e = b->e;
	b->given = 1;
	return -EPERM;
}

/*
 * check --preload-from-env, the ExecStartPre= of a light drop-in: ld.so
 * only warns about an LD_PRELOAD object it cannot load and starts the
 * program without it, so this refuses first (78, recorded), before the
 * unit's main process exists. It judges the preload only: the service's
 * stack runs in the service's process, where a refusal is the main
 * process' exit 78 that RestartPreventExitStatus= stops restarting
 * (systemd restarts after a failed ExecStartPre= whatever its status).
 * The unit's LD_PRELOAD loads into this process too; the preload does
 * nothing in hardgate (hgenv.h).
 */
static int
check_preload_env(const struct cli *c)
{
	struct bad_preload bad = { 0 };
	struct hg_run_opts o = {
		.conf = c->conf, .service = c->service, .stage = HG_STAGE_CHECK, .record = 1,
		.gate = preload_gate, .gate_arg = &bad,
	};
	struct hg_decision *d = NULL;
	int r;

	if (c->service == NULL) {
		fprintf(stderr, "usage: hardgate check --service NAME --preload-from-env\n");
		return EXIT_USAGE;
	}
	if (preload_env_ok(c->service, &bad.e) == 0) {
		/* Nothing to record: the preload records the start's decision. */
		if ((d = hg_decision_new(c->service)) == NULL)
			goto nomem;
		d->matched = 1;
		hg_decision_set(d, HG_EXIT_ALLOWED, "preload verified; the stack runs in the "
				"service's process");
	} else if (hg_run(&o, &d) < 0) {
		goto nomem;
	} else if (!bad.given && hg_decision_add_error(d, &bad.e) < 0) {
		hg_decision_free(d);	/* the policy refused first: say both */
		goto nomem;
	}
	r = cli_report(c, d, 0);
	hg_decision_free(d);
	return r;
nomem:
	fprintf(stderr, "hardgate[%s]: out of memory\n", c->service);
	return HG_EXIT_INTERNAL;
}

int
cmd_check(struct cli *c)
{
	if (c->preload_env)
		return check_preload_env(c);
	return cli_check_services(c, print_decision, NULL);
}

/*
 * The log places the policy names, judged as a start will judge them: a
 * directory others could replace refuses every start (counted in the
 * return), a missing one for the decision log is a warning (it may be
 * made when the service is installed). -ENOMEM or the number of faults.
 */
static int
lint_logs(const struct hg_policy *p, struct hg_decision *d)
{
	struct hg_error e = { 0 };
	int r, bad = 0;

	if (p->log_json && (r = hg_report_jsonl_trusted(p->log_json, &e)) < 0) {
		if (r == -ENOENT) {
			r = hg_decision_add(d, "HG-010", HG_SEV_WARN, "core", e.where,
					    "create it (install -d -m 0755) before the service "
					    "starts: every start is refused without it", e.msg);
		} else {
			r = hg_decision_add_error(d, &e);
			bad++;
		}
		if (r < 0)
			return -ENOMEM;
	}
	hg_error_clear(&e);
	if (p->log_syslog && p->log_journal &&
	    (r = hg_report_journal_trusted(p->log_journal, &e)) < 0 && r != -ENOENT) {
		if (hg_decision_add_error(d, &e) < 0)
			return -ENOMEM;
		bad++;
	}
	return bad;
}

int
cmd_lint(struct cli *c)
{
	struct hg_policy *p;
	struct hg_error e = { 0 };
	struct hg_decision *d;
	size_t entries = 0;
	int bad = 0, logs, r;

	if (hg_policy_load(cli_conf(c), &p, &e) < 0) {
		if ((d = policy_failed(c, &e)) == NULL)
			return HG_EXIT_INTERNAL;
		r = cli_report(c, d, 0);
		hg_decision_free(d);
		return r;
	}
	if ((d = hg_decision_new("lint")) == NULL) {
		hg_policy_free(p);
		return HG_EXIT_INTERNAL;
	}
	d->matched = 1;
	if ((logs = lint_logs(p, d)) < 0)
		bad = -1;
	for (size_t i = 0; bad >= 0 && i < p->nsvc; i++) {
		if ((r = hg_stack_lint(p, &p->svc[i], d)) < 0 || hg_stack_warn(&p->svc[i], d) < 0) {
			bad = -1;
			break;
		}
		bad += r;
		entries += p->svc[i].nstack;
	}
	if (bad < 0)
		hg_decision_set(d, HG_EXIT_INTERNAL, "out of memory");
	else if (bad > 0 || logs > 0)
		hg_decision_set(d, HG_EXIT_REFUSED, "%s: %d faulty stack %s%s", cli_conf(c), bad,
				bad == 1 ? "entry" : "entries",
				logs ? ", and a log in a place others could replace" : "");
	else
		hg_decision_set(d, HG_EXIT_ALLOWED, "%s: policy valid (%zu services, %zu stack "
				"entries)%s", cli_conf(c), p->nsvc, entries,
				hg_decision_count_sev(d, HG_SEV_WARN) ? ", with warnings above" : "");
	r = cli_report(c, d, 0);
	hg_decision_free(d);
	hg_policy_free(p);
	return r;
}
