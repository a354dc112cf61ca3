/*
 * api-client.c - a tiny "server" using the plugin API through the installed
 * shape: #include <hardgate/hardgate.h>, link -lhardgate.
 *   api-client check|enforce SERVICE [launch]
 * Prints the decision; exits with hg_decision_status().
 */
#include <stdio.h>
#include <string.h>

#include <hardgate/hardgate.h>

int
main(int argc, char **argv)
{
	struct hg_decision *d;
	enum hg_phase ph;
	int st;

	if (argc < 3)
		return 64;
	/* NULL reads as refused: a failed allocation can never allow. */
	if (hg_decision_allowed(NULL) || hg_decision_status(NULL) != HG_EXIT_INTERNAL ||
	    hg_decision_count(NULL) != 0 || hg_decision_finding(NULL, 0) != NULL) {
		fprintf(stderr, "NULL decision is not a refusal\n");
		return 1;
	}
	ph = argc > 3 && strcmp(argv[3], "launch") == 0 ? HG_PHASE_LAUNCH : HG_PHASE_START;
	d = strcmp(argv[1], "enforce") == 0 ? hg_enforce(argv[2], ph) : hg_check(argv[2], ph);
	for (size_t i = 0; i < hg_decision_count(d); i++) {
		const struct hg_finding *f = hg_decision_finding(d, i);

		printf("finding %s %d %s: %s\n", f->id, (int)f->severity, f->module, f->message);
	}
	if (hg_decision_finding(d, hg_decision_count(d)) != NULL)
		return 1;
	printf("allowed=%d status=%d reason=%s\n", hg_decision_allowed(d), hg_decision_status(d),
	       hg_decision_reason(d));
	hg_decision_write(d, stdout, 1);
	st = hg_decision_status(d);
	hg_decision_free(d);
	return st;
}
