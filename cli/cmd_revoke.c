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
#include "util.h"

/*
 * What was done: text, or under --json one object (hardgate(8), OUTPUT):
 * fingerprint, reason, added (false: it was listed already, nothing was
 * written), revoked_dir, and file (the list written; null when not added).
 */
static void
print_added(const struct cli *c, const char *dir, int added)
{
	char file[4096 + sizeof(HG_REVOKE_FILE) + 1];

	snprintf(file, sizeof(file), "%s/%s", dir, HG_REVOKE_FILE);
	if (!c->json) {
		if (added)
			printf("hardgate: revoke: added %s to %s\n", c->fingerprint, file);
		else
			printf("hardgate: revoke: %s is already listed in %s\n", c->fingerprint, dir);
		return;
	}
	printf("{\"fingerprint\":");
	hg_json_str(stdout, c->fingerprint);
	printf(",\"reason\":");
	hg_json_str(stdout, c->reason);
	printf(",\"added\":%s,\"revoked_dir\":", added ? "true" : "false");
	hg_json_str(stdout, dir);
	printf(",\"file\":");
	cli_json_str(added ? file : NULL);
	printf("}\n");
}

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
	if (hg_policy_load(cli_conf(c), &p, &e) < 0)
		return cli_refuse(c, NULL, &e, "policy cannot be used");
	/* hg_revoke_add() words every refusal; these only pick the exit status. */
	bad_input = !hg_fp_valid(c->fingerprint) || !hg_revoke_reason_valid(c->reason);
	r = hg_revoke_add(p->revoked_dir, c->fingerprint, c->reason, &e);
	if (r >= 0)
		print_added(c, p->revoked_dir, r == 0);
	else if (bad_input)
		hg_report_error(stderr, NULL, &e);
	else
		cli_refuse(c, NULL, &e, "revocation list not written");
	hg_policy_free(p);
	if (r >= 0)
		return 0;
	return bad_input ? EXIT_USAGE : HG_EXIT_REFUSED;
}
