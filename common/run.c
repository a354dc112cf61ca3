/* run.c - policy, service selection, stack, record: shared by every way in. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hgenv.h"
#include "match.h"
#include "report.h"
#include "run.h"
#include "stack.h"

const char *
hg_default_conf(void)
{
	const char *c = secure_getenv(HG_ENV_CONF);

	return c && *c ? c : HG_CONF_FILE;
}

static int
refuse(struct hg_decision *d, const struct hg_error *e, const char *why)
{
	d->matched = 1;
	d->would_refuse = 1;
	if (hg_decision_add_error(d, e) < 0)
		return -ENOMEM;
	hg_decision_set(d, HG_EXIT_REFUSED, "%s", why);
	return 0;
}

/* Pick the service: by name, or by matching this process. 1, 0 (none) or <0. */
static int
select_service(const struct hg_run_opts *o, const struct hg_policy *p,
	       const struct hg_service **s, struct hg_error *e)
{
	char exe[PATH_MAX];
	ssize_t n;

	if (o->service)
		return (*s = hg_policy_require(p, o->service, e)) != NULL ? 1 : -ENOENT;
	if (o->exe) {
		snprintf(exe, sizeof(exe), "%s", o->exe);
	} else if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) < 0) {
		return hg_error_set(e, errno, "HG-005", "/proc/self/exe", "mount /proc",
				    "cannot tell which program this is");
	} else {
		exe[n] = '\0';
	}
	return hg_match_service(p, exe, o->argc, o->argv, s, e);
}

/* The record's channels, opened while still privileged and unfiltered. */
struct rec {
	int json;	/* JSONL decision log, -errno if it would not open, -1 if none */
	struct hg_logsink log;	/* the journal or /dev/log; fd -1 if off or absent */
	struct hg_error jerr;	/* why json would not open */
	struct hg_error lerr;	/* why the journal socket is not trusted, if lerr.id */
};

static void
open_record(const struct hg_run_opts *o, const struct hg_policy *p, struct rec *rc)
{
	rc->json = rc->log.fd = -1;
	if (!o->record)
		return;
	if (p == NULL || p->log_syslog) {
		const char *j = p && p->log_journal ? p->log_journal : HG_JOURNAL_SOCKET;
		int r = hg_report_journal_trusted(j, &rc->lerr);

		if (r == 0 || r == -ENOENT)	/* trusted, or no journal (syslog): no finding */
			hg_error_clear(&rc->lerr);
		hg_report_log_open(&rc->log, r == 0 ? j : NULL, HG_SYSLOG_SOCKET);
	}
	if (p && p->log_json)
		rc->json = hg_report_jsonl_open(p->log_json, &rc->jerr);
}

static void
close_record(struct rec *rc)
{
	if (rc->json >= 0)
		close(rc->json);
	hg_report_log_close(&rc->log);
}

static void
record(const struct hg_run_opts *o, const struct hg_policy *p, struct hg_decision *d,
       const struct rec *rc)
{
	int r = rc->json;

	if (!o->record || !d->matched)
		return;
	if (o->launched && d->status == HG_EXIT_ALLOWED)
		return;	/* hardgate exec recorded this start already */
	if (rc->lerr.id) {	/* to syslog and the JSONL log instead */
		hg_decision_add_error(d, &rc->lerr);
		if (p && p->mode == HG_MODE_ENFORCE && !o->ignore_mode)
			hg_decision_set(d, HG_EXIT_REFUSED, "journal socket not trusted");
	}
	if (p && p->log_json && (r < 0 || (r = hg_report_jsonl(d, rc->json)) < 0)) {
		char msg[600];

		snprintf(msg, sizeof(msg), "cannot write decision log %s: %s", p->log_json,
			 strerror(-r));
		if (rc->json < 0)	/* it did not open: the reason, named */
			hg_decision_add_error(d, &rc->jerr);
		else
			hg_decision_add(d, "HG-010", HG_SEV_FAIL, "core", p->log_json,
					"check the disk and the log's file system", msg);
		if (p->mode == HG_MODE_ENFORCE && !o->ignore_mode)
			hg_decision_set(d, HG_EXIT_REFUSED, "decision log not written");
	}
	hg_report_log(d, &rc->log);	/* policy failed to load: the system log, its default */
}

int
hg_run(const struct hg_run_opts *o, struct hg_decision **out)
{
	const char *conf = o->conf ? o->conf : hg_default_conf();
	const struct hg_service *s = NULL;
	struct hg_policy *p = NULL;
	struct hg_error e = { 0 };
	struct hg_decision *d;
	struct rec rc = { -1, { -1, 0 }, { 0 }, { 0 } };
	int r;

	*out = NULL;
	if ((d = hg_decision_new(o->service)) == NULL)
		return -ENOMEM;
	d->stage = o->stage;
	if ((r = hg_policy_load(conf, &p, &e)) < 0) {
		open_record(o, NULL, &rc);
		r = refuse(d, &e, "policy cannot be used");
		goto done;
	}
	r = select_service(o, p, &s, &e);
	if (r != 0)	/* a service, or a refusal: open the record while privileged */
		open_record(o, p, &rc);
	if (r < 0) {
		r = refuse(d, &e, "no service to run");
		goto done;
	}
	if (r == 0) {		/* nothing matches this process: pass untouched */
		d->matched = 0;
		hg_decision_set(d, HG_EXIT_ALLOWED, "no service matches this process");
		goto done;
	}
	d->matched = 1;
	if (hg_decision_set_service(d, s->name) < 0) {
		r = -ENOMEM;
		goto done;
	}
	if (o->phase && o->phase != s->phase) {
		hg_error_set(&e, EINVAL, "HG-005", s->where, "call it in the phase the policy declares",
			     "service %s is declared for phase %s, called for %s", s->name,
			     hg_phase_name(s->phase), hg_phase_name(o->phase));
		r = refuse(d, &e, "wrong phase");
		goto done;
	}
	{
		struct hg_stack_opts so = {
			.stage = o->stage,
			.mode = o->ignore_mode ? HG_MODE_ENFORCE : p->mode,
			.phase = s->phase,
			.test_root = o->test_root ? o->test_root : "",
			.keep_loaded = o->keep_loaded,
			.skip_checks = o->launched,
			.interposed = o->interposed,
		};

		if (o->gate && o->gate(o->gate_arg, HG_GATE_BEFORE, d, &e) < 0) {
			r = refuse(d, &e, "program cannot be protected");
			goto done;
		}
		if ((r = hg_stack_run(p, s, &so, d)) == 0 && d->status == HG_EXIT_ALLOWED &&
		    o->gate && o->gate(o->gate_arg, HG_GATE_AFTER, d, &e) < 0)
			r = refuse(d, &e, "program cannot be protected");
	}
done:
	if (r == 0)
		record(o, p, d, &rc);
	if (r == 0 && d->matched && d->status == HG_EXIT_ALLOWED && o->gate &&
	    o->gate(o->gate_arg, HG_GATE_START, d, &e) < 0 &&
	    (r = refuse(d, &e, "program did not start")) == 0) {
		hg_decision_set(d, HG_EXIT_INTERNAL, "program did not start");
		record(o, p, d, &rc);	/* supersedes the allowed decision just recorded */
	}
	close_record(&rc);
	hg_policy_free(p);
	if (r < 0) {
		hg_decision_free(d);
		return r;
	}
	*out = d;
	return 0;
}
