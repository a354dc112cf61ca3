/* cli.h - the hardgate command: shared options and the subcommands. */
#ifndef HG_CLI_H
#define HG_CLI_H

#define EXIT_USAGE 64	/* EX_USAGE: bad command line */

struct cli {
	const char *conf;	/* --conf, or NULL for HARDGATE_CONF / the default */
	const char *service;	/* --service */
	const char *preload;	/* --preload (exec) */
	int json;		/* --json */
	int all;		/* --all (explain) */
	int print;		/* --print (seccomp) */
	int init;		/* --init (attest) */
	int if_missing;		/* --if-missing (attest --init) */
	int coverage;		/* --coverage (list) */
	int preload_env;	/* --preload-from-env (check) */
	const char *by;		/* --by (attest) */
	const char *note;	/* --note (attest) */
	const char *env;	/* --env VAR (fingerprint) */
	const char *fingerprint;	/* --fingerprint FP (revoke) */
	const char *reason;	/* --reason TEXT (revoke) */
	const char *prometheus;	/* --prometheus FILE (audit) */
	const char *threshold;	/* --threshold N (score) */
	int argc;		/* what follows the options */
	char **argv;
};

int cmd_check(struct cli *c);
int cmd_audit(struct cli *c);
int cmd_score(struct cli *c);
int cmd_lint(struct cli *c);
int cmd_exec(struct cli *c);
int cmd_explain(struct cli *c);
int cmd_list(struct cli *c);
int cmd_seccomp(struct cli *c);
int cmd_nft(struct cli *c);
int cmd_attest(struct cli *c);
int cmd_fingerprint(struct cli *c);
int cmd_revoke(struct cli *c);

/* Print D (text or JSON) to F and return its exit status. */
struct hg_decision;
int cli_report(const struct cli *c, const struct hg_decision *d, int to_stderr);

/*
 * A refusal's error E: its finding line on stderr, or under --json a FAIL
 * finding added to *D (made on first use; NULL to start) for cli_refused.
 */
struct hg_error;
void cli_fail(const struct cli *c, struct hg_decision **d, const char *service,
	     const struct hg_error *e);

/*
 * Under --json, print *D (if any findings were collected) as a refused
 * decision with STATUS and REASON, the object check prints, on stdout;
 * free it. Returns STATUS.
 */
int cli_refused(const struct cli *c, struct hg_decision **d, int status, const char *reason);

/* cli_fail and cli_refused for one error E: returns 78. */
int cli_refuse(const struct cli *c, const char *service, const struct hg_error *e,
	       const char *reason);

/*
 * Load the policy and find --service in it. 0 with *P (free it) and *S,
 * or the exit status after reporting why (HG-001/002 policy, HG-005 service).
 */
struct hg_policy;
struct hg_service;
int cli_load_service(const struct cli *c, struct hg_policy **p, const struct hg_service **s);

/*
 * Check --service, or every service of the policy, applying nothing, and
 * hand each decision to FN (an unusable policy is one refused decision).
 * Returns the worst of FN's results (70 over 78 over 0).
 */
typedef int (*cli_decision_fn)(const struct cli *c, const struct hg_decision *d, void *arg);
int cli_check_services(const struct cli *c, cli_decision_fn fn, void *arg);

/* S as a JSON string on stdout, or null when S is NULL. */
void cli_json_str(const char *s);

/* Policy path in use: --conf, HARDGATE_CONF or the default. */
const char *cli_conf(const struct cli *c);

#endif
