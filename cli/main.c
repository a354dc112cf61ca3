/* main.c - hardgate: command line front end of the core. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <hardgate/hardgate.h>

#include "cli.h"
#include "decision.h"
#include "policy.h"
#include "report.h"
#include "run.h"
#include "util.h"

/* Exported (cli.dyn): the preload stands down in this program (hgenv.h). */
extern const char hg_cli_mark[];
const char hg_cli_mark[] = "hardgate";

/*
 * NOJSON says why a command refuses --json: its stdout is not hardgate's
 * to structure (hardgate(8), OUTPUT). The others print only JSON lines on
 * stdout under --json, their refusals included.
 */
static const struct {
	const char *name;
	int (*fn)(struct cli *);
	const char *help;
	const char *nojson;
} commands[] = {
	{ "attest", cmd_attest, "--init [--if-missing], or ID --by NAME [--note TEXT]: a signed, dated record", NULL },
	{ "audit", cmd_audit, "check every service, report; --prometheus FILE for node_exporter", NULL },
	{ "check", cmd_check, "run every check of a service (or all), apply nothing", NULL },
	{ "exec", cmd_exec, "run the stack, apply controls, exec CMD under the preload",
	  "stdout is CMD's; the decision goes to the journal and hardgate.log.json" },
	{ "explain", cmd_explain, "what an ID means, how it is enforced, how to fix it", NULL },
	{ "fingerprint", cmd_fingerprint, "FILE or --env VAR: the SHA256: name the revocation list uses", NULL },
	{ "lint", cmd_lint, "validate the policy and every module arg, run nothing", NULL },
	{ "list", cmd_list, "list modules (with args and IDs) and services; --coverage: the checklist matrix", NULL },
	{ "nft", cmd_nft, "netout's allow-list as an nftables ruleset for the service's uid",
	  "its output is a ruleset for nft -f; hardgate list --json services has the stack" },
	{ "revoke", cmd_revoke, "--fingerprint FP --reason TEXT: add it to the revocation list", NULL },
	{ "score", cmd_score, "exposure score 0-10 of a service; --threshold N fails above N", NULL },
	{ "seccomp", cmd_seccomp, "--print: the service's resolved syscall filter",
	  "its output is a listing for people; hardgate check --json has the findings" },
};

static void
usage(FILE *f)
{
	fprintf(f, "usage: hardgate COMMAND [--conf FILE] [--service NAME] [--json] [ARGS]\n"
		   "       hardgate exec --service NAME [--conf FILE] [--preload FILE] -- CMD [ARGS]\n"
		   "       hardgate check --service NAME --preload-from-env (a light drop-in's ExecStartPre=)\n\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nexit status: 0 allowed, 78 refused by policy, 70 internal error, 64 usage\n");
}

/* cwd + relative path, without resolving symlinks (the trusted walk does). */
static char *
absolute(const char *rel)
{
	char cwd[4096], *p;

	if (getcwd(cwd, sizeof(cwd)) == NULL || asprintf(&p, "%s/%s", cwd, rel) < 0)
		return NULL;
	return p;
}

const char *
cli_conf(const struct cli *c)
{
	return c->conf ? c->conf : hg_default_conf();
}

void
cli_fail(const struct cli *c, struct hg_decision **d, const char *service, const struct hg_error *e)
{
	if (c->json && (*d != NULL || (*d = hg_decision_new(service)) != NULL) &&
	    hg_decision_add_error(*d, e) == 0)
		return;
	hg_report_error(stderr, service, e);	/* text, or JSON without memory */
}

int
cli_refused(const struct cli *c, struct hg_decision **d, int status, const char *reason)
{
	if (*d == NULL)
		return status;
	(*d)->matched = 1;
	(*d)->would_refuse = 1;
	hg_decision_set(*d, status, "%s", reason);
	if (c->json)
		hg_report_json(*d, stdout);
	hg_decision_free(*d);
	*d = NULL;
	return status;
}

int
cli_refuse(const struct cli *c, const char *service, const struct hg_error *e, const char *reason)
{
	struct hg_decision *d = NULL;

	cli_fail(c, &d, service, e);
	return cli_refused(c, &d, HG_EXIT_REFUSED, reason);
}

int
cli_load_service(const struct cli *c, struct hg_policy **p, const struct hg_service **s)
{
	struct hg_error e = { 0 };

	if (hg_policy_load(cli_conf(c), p, &e) < 0)
		return cli_refuse(c, c->service, &e, "policy cannot be used");
	if ((*s = hg_policy_require(*p, c->service, &e)) == NULL) {
		hg_policy_free(*p);
		*p = NULL;
		return cli_refuse(c, c->service, &e, "no service to run");
	}
	return 0;
}

void
cli_json_str(const char *s)
{
	if (s)
		hg_json_str(stdout, s);
	else
		fputs("null", stdout);
}

int
cli_report(const struct cli *c, const struct hg_decision *d, int to_stderr)
{
	FILE *f = to_stderr ? stderr : stdout;

	if (c->json)
		hg_report_json(d, f);
	else
		hg_report_text(d, f);
	return d->status;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "conf", required_argument, NULL, 'c' },
		{ "service", required_argument, NULL, 's' },
		{ "preload", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		{ "print", no_argument, NULL, 'P' },
		{ "init", no_argument, NULL, 'i' },
		{ "if-missing", no_argument, NULL, 'I' },
		{ "coverage", no_argument, NULL, 'C' },
		{ "by", required_argument, NULL, 'b' },
		{ "note", required_argument, NULL, 'n' },
		{ "env", required_argument, NULL, 'e' },
		{ "fingerprint", required_argument, NULL, 'f' },
		{ "reason", required_argument, NULL, 'r' },
		{ "prometheus", required_argument, NULL, 'm' },
		{ "threshold", required_argument, NULL, 't' },
		{ "preload-from-env", no_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli c = { 0 };
	const char *cmd;
	char *owned = NULL;	/* c.conf made absolute */
	int o, r;

	/*
	 * check, exec, fingerprint and attest hold key material and secrets in
	 * ordinary memory: no core dump of hardgate itself, no ptrace by the
	 * user. execve() makes the program it runs dumpable again.
	 */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	cmd = argv[1];
	argv++;
	argc--;
	/* exec: stop at the first operand, so CMD keeps its own options. */
	while ((o = getopt_long(argc, argv, strcmp(cmd, "exec") == 0 ? "+c:s:p:jh" : "c:s:p:jaPib:n:e:f:r:m:t:h",
				opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			c.conf = optarg;
			break;
		case 's':
			c.service = optarg;
			break;
		case 'p':
			c.preload = optarg;
			break;
		case 'j':
			c.json = 1;
			break;
		case 'a':
			c.all = 1;
			break;
		case 'P':
			c.print = 1;
			break;
		case 'i':
			c.init = 1;
			break;
		case 'I':
			c.if_missing = 1;
			break;
		case 'C':
			c.coverage = 1;
			break;
		case 'b':
			c.by = optarg;
			break;
		case 'n':
			c.note = optarg;
			break;
		case 'e':
			c.env = optarg;
			break;
		case 'f':
			c.fingerprint = optarg;
			break;
		case 'r':
			c.reason = optarg;
			break;
		case 'm':
			c.prometheus = optarg;
			break;
		case 't':
			c.threshold = optarg;
			break;
		case 'E':
			c.preload_env = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (c.conf && c.conf[0] != '/') {
		if ((owned = absolute(c.conf)) == NULL)
			return HG_EXIT_INTERNAL;
		c.conf = owned;
	}
	c.argc = argc - optind;
	c.argv = argv + optind;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd, commands[i].name) == 0) {
			if (c.json && commands[i].nojson) {
				fprintf(stderr, "hardgate %s: --json is not supported: %s\n", cmd,
					commands[i].nojson);
				free(owned);
				return EXIT_USAGE;
			}
			r = commands[i].fn(&c);
			free(owned);
			return r;
		}
	free(owned);
	fprintf(stderr, "hardgate: unknown command '%s'\n", cmd);
	usage(stderr);
	return EXIT_USAGE;
}
