/*
 * cmd_attest.c - hardgate attest: hardgate's attestation key and signed,
 * dated records for the checklist items people do (common/attest.h).
 *
 *     hardgate attest --init                  create the key pair, once
 *     hardgate attest --init --if-missing     the same, or check and keep the pair there
 *     hardgate attest ID --by NAME [--note TEXT]
 *
 * The key and the records are in the policy's attest_dir. Exit status:
 * 0 done, 64 bad command line, 78 refused (key missing, revoked or
 * already there, list unreadable or holding a bad record), 70 internal
 * error.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hardgate/hardgate.h>

#include "attest.h"
#include "catalog.h"
#include "cli.h"
#include "policy.h"
#include "report.h"
#include "revoke.h"
#include "util.h"

static int
usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "hardgate attest: %s%s\n", what, arg);
	fprintf(stderr, "usage: hardgate attest --init [--if-missing]\n"
			"       hardgate attest ID --by NAME [--note TEXT]\n");
	return EXIT_USAGE;
}

static int
status_of(int r)
{
	return r == -ENOMEM ? HG_EXIT_INTERNAL : HG_EXIT_REFUSED;
}

static const struct cli *cli;	/* the command line, for --json */

/* E refuses with status ST: its finding on stderr, or under --json a decision on stdout. */
static int
refusal(const struct hg_error *e, int st)
{
	struct hg_decision *d = NULL;

	cli_fail(cli, &d, NULL, e);
	return cli_refused(cli, &d, st, "attestation refused");
}

/*
 * The key in DIR: text, or under --json one object (hardgate(8), OUTPUT):
 * attest_dir, fingerprint (of the public key; the secret is never
 * printed) and created (false: it was there already).
 */
static void
print_key(const char *dir, const char *fp, int created)
{
	if (!cli->json) {
		printf("attestation key %s in %s: %s (secret %s 0600, public %s 0644)\n",
		       created ? "created" : "kept", dir, fp, HG_ATTEST_SK, HG_ATTEST_PK);
		return;
	}
	printf("{\"attest_dir\":");
	hg_json_str(stdout, dir);
	printf(",\"fingerprint\":\"%s\",\"created\":%s}\n", fp, created ? "true" : "false");
}

/*
 * The record LINE written (attest.h): itself, or under --json one object
 * of its fields: version (a number), id, time, by, note, key (the
 * signing key's fingerprint) and signature.
 */
static void
print_record(const char *line)
{
	static const char *const names[] = { "version", "id", "time", "by", "note", "key",
					     "signature" };
	const char *f = line, *end;

	if (!cli->json) {
		printf("%s", line);
		return;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++, f = *end ? end + 1 : end) {
		end = i + 1 < sizeof(names) / sizeof(names[0]) ? strchrnul(f, '\t') :
		    strchrnul(f, '\n');
		printf("%s\"%s\":", i ? "," : "{", names[i]);
		if (i == 0)
			printf("%d", atoi(f));
		else
			hg_json_strn(stdout, f, (size_t)(end - f));
	}
	printf("}\n");
}

static int
init_key(const char *dir, int if_missing)
{
	struct hg_error e = { 0 };
	char fp[HG_FP_LEN];
	int r;

	r = if_missing ? hg_attest_init_if_missing(dir, fp, &e) : hg_attest_init(dir, fp, &e);
	if (r < 0)
		return refusal(&e, status_of(r));
	print_key(dir, fp, !if_missing || r == 1);
	return 0;
}

/* 0 if the key in DIR is not on the revocation list REVDIR, else the exit status. */
static int
refuse_revoked(const char *dir, const char *revdir)
{
	unsigned char pk[HG_ATTEST_PK_LEN];
	struct hg_revlist *l = NULL;
	struct hg_error e = { 0 };
	char fp[HG_FP_LEN];
	const char *why;
	int st = 0;

	if (hg_attest_pubkey(dir, pk, fp, &e) < 0 || hg_revlist_load(revdir, &l, &e) < 0)
		return refusal(&e, HG_EXIT_REFUSED);
	if ((why = hg_revlist_find(l, fp)) != NULL) {
		hg_error_set(&e, EKEYREVOKED, HG_REVOKED_ID, hg_revlist_where(l, fp),
			     "move attest.key and attest.pub away, run hardgate attest --init, "
			     "then re-attest every item",
			     "the attestation key %s is revoked (%s)", fp,
			     why[0] ? why : "no reason given");
		st = refusal(&e, HG_EXIT_REFUSED);
	}
	hg_revlist_free(l);
	return st;
}

static int
record(const struct hg_policy *p, const char *id, const char *by, const char *note)
{
	const char *dir = p->attest_dir;
	const struct hg_catalog_entry *ce = hg_catalog_find(id);
	struct hg_error e = { 0 };
	char line[HG_ATTEST_LINE_MAX + 2];
	int r;

	if (ce == NULL || ce->cls == HG_CLASS_CORE)
		return usage_error("not a checklist ID (hardgate explain --all): ",
				   hg_attest_note_ok(id) ? id : "(unprintable)");
	if (!hg_attest_by_ok(by))
		return usage_error("--by must be 1 to 64 letters, digits or ._@-", "");
	if (!hg_attest_note_ok(note))
		return usage_error("--note must be one line of at most 200 printable ASCII "
				   "characters", "");
	if ((r = refuse_revoked(dir, p->revoked_dir)) != 0)
		return r;
	if ((r = hg_attest_add(dir, id, by, note, time(NULL), line, sizeof(line), &e)) < 0)
		return refusal(&e, status_of(r));
	if (ce->cls != HG_CLASS_ATTEST)
		fprintf(stderr, "hardgate attest: note: %s is of class %s, checked by module %s; "
			"the record is kept but only the attest module reads it\n", id,
			hg_class_name(ce->cls), ce->module);
	print_record(line);
	return 0;
}

int
cmd_attest(struct cli *c)
{
	struct hg_policy *p = NULL;
	struct hg_error e = { 0 };
	int r;

	cli = c;
	if (c->if_missing && !c->init)
		return usage_error("--if-missing goes with --init", "");
	if (c->init ? c->argc != 0 || c->by || c->note : c->argc != 1)
		return usage_error(c->init ? "--init takes no ID, --by or --note" :
				   "give one checklist ID", "");
	if (!c->init && c->by == NULL)
		return usage_error("--by NAME is required: who did it", "");
	if (hg_policy_load(cli_conf(c), &p, &e) < 0)
		return cli_refuse(c, NULL, &e, "policy cannot be used");
	r = c->init ? init_key(p->attest_dir, c->if_missing) :
	    record(p, c->argv[0], c->by, c->note ? c->note : "");
	hg_policy_free(p);
	return r;
}
