/*
 * api-client.c - a tiny "server" using the plugin API through the installed
 * shape: #include <hardgate/hardgate.h>, link -lhardgate.
 *   api-client check|enforce SERVICE [launch]
 * Prints the decision, then what the process holds after it (core limit,
 * dumpable, no_new_privs, seccomp mode: what an applied stack changes);
 * exits with hg_decision_status().
 */
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

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
	{
		struct rlimit rl = { 0, 0 };

		getrlimit(RLIMIT_CORE, &rl);
		printf("state core=%lld/%lld dumpable=%d nnp=%d seccomp=%d\n",
		       rl.rlim_cur == RLIM_INFINITY ? -1LL : (long long)rl.rlim_cur,
		       rl.rlim_max == RLIM_INFINITY ? -1LL : (long long)rl.rlim_max,
		       prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0),
		       prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
	}
	st = hg_decision_status(d);
	hg_decision_free(d);
	return st;
}
