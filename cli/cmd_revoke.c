/*
 * cmd_revoke.c - hardgate revoke --fingerprint FP --reason TEXT: add a
 * key, certificate or token to the policy's revocation list (revoked_dir),
 * so that the next start of a service that checks it is refused (HG-018).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <hardgate/hardgate.h>

#include "cli.h"
#include "fingerprint.h"
#include "policy.h"
#include "report.h"
#include "revoke.h"

int
cmd_revoke(struct cli *c)
{
	struct hg_policy *p = NULL;
	struct hg_error e = { 0 };
	int bad_input, r;

	if (c->fingerprint == NULL || c->reason == NULL || c->reason[0] == '\0' || c->argc) {
		fprintf(stderr, "usage: hardgate revoke [--conf FILE] --fingerprint SHA256:... "
				"--reason TEXT\n");
		return EXIT_USAGE;
	}
	if (hg_policy_load(cli_conf(c), &p, &e) < 0) {
		hg_report_error(stderr, NULL, &e);
		return HG_EXIT_REFUSED;
	}
	/* hg_revoke_add() words every refusal; these only pick the exit status. */
	bad_input = !hg_fp_valid(c->fingerprint) || !hg_revoke_reason_valid(c->reason);
	r = hg_revoke_add(p->revoked_dir, c->fingerprint, c->reason, &e);
	if (r == 0)
		printf("hardgate: revoke: added %s to %s/%s\n", c->fingerprint, p->revoked_dir,
		       HG_REVOKE_FILE);
	else if (r == 1)
		printf("hardgate: revoke: %s is already listed in %s\n", c->fingerprint,
		       p->revoked_dir);
	else
		hg_report_error(stderr, NULL, &e);
	hg_policy_free(p);
	if (r >= 0)
		return 0;
	return bad_input ? EXIT_USAGE : HG_EXIT_REFUSED;
}
