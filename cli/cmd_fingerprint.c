/*
 * cmd_fingerprint.c - hardgate fingerprint FILE | --env VAR: the name under
 * which the revocation list (revoke.h) knows a key, certificate or token.
 *
 * FILE is handed to the modules that understand key material, through
 * the trusted loader, in the fixed order of `hooks` below; the first that
 * takes it says what it hashes (common/fingerprint.h). The CLI reads no key
 * itself. --env hashes the variable's value (a token), never printing it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>
#include <hardgate/hardgate.h>

#include "cli.h"
#include "fingerprint.h"
#include "loader.h"
#include "policy.h"
#include "report.h"
#include "util.h"

/* Modules asked about FILE, in this order, and what their fingerprint hashes. */
static const struct {
	const char *module;
	const char *what;
} hooks[] = {
	{ "sigkey", "Ed25519 public key of the seed" },
	{ "tls", "SubjectPublicKeyInfo" },
};

/* Why no module took the file, one line per module, for the refusal. */
struct why {
	char line[sizeof(hooks) / sizeof(hooks[0])][4096 + 640];
};

static int
usage_fp(void)
{
	fprintf(stderr, "usage: hardgate fingerprint [--conf FILE] FILE\n"
			"       hardgate fingerprint --env VAR\n");
	return EXIT_USAGE;
}

/*
 * FP's line: text, or under --json one object (hardgate(8), OUTPUT):
 * fingerprint, path and module (null for --env), env (null for a file),
 * hashes (what the fingerprint is a hash of).
 */
static void
print_fp(const struct cli *c, const char *fp, const char *path, const char *var,
	 const char *module, const char *what)
{
	if (!c->json) {
		if (var)
			printf("%s $%s (%s)\n", fp, var, what);
		else
			printf("%s %s (%s: %s)\n", fp, path, module, what);
		return;
	}
	printf("{\"fingerprint\":\"%s\",\"path\":", fp);
	cli_json_str(path);
	printf(",\"env\":");
	cli_json_str(var);
	printf(",\"module\":");
	cli_json_str(module);
	printf(",\"hashes\":");
	hg_json_str(stdout, what);
	printf("}\n");
}

/* SHA-256 of the value of VAR; the value is never printed. */
static int
fingerprint_env(const struct cli *c, const char *var)
{
	unsigned char d[crypto_hash_sha256_BYTES];
	char fp[HG_FP_LEN];
	const char *v = getenv(var);

	if (v == NULL || v[0] == '\0') {
		fprintf(stderr, "hardgate: fingerprint: environment variable %s is %s; fix: "
			"run it where the service's environment is set\n", var,
			v ? "empty" : "not set");
		return EXIT_USAGE;
	}
	crypto_hash_sha256(d, (const unsigned char *)v, strlen(v));
	print_fp(c, hg_fp_format(d, fp), NULL, var, NULL, "SHA-256 of its value");
	return 0;
}

/* The policy's module_dir, or the built-in one when the policy does not load. */
static char *
module_dir(const struct cli *c)
{
	struct hg_policy *p = NULL;
	struct hg_error e = { 0 };
	char *dir;

	if (hg_policy_load(cli_conf(c), &p, &e) < 0) {
		hg_report_error(stderr, NULL, &e);
		return strdup(HG_MODULE_DIR);
	}
	dir = strdup(p->module_dir);
	hg_policy_free(p);
	return dir;
}

/*
 * Ask module I about PATH: 0 printed, 1 not its material (reason in W),
 * or the exit status of a failure already reported.
 */
static int
ask(const struct cli *c, const char *dir, size_t i, const char *path, struct why *w)
{
	char so[4096], fp[HG_FP_LEN], err[512] = "";
	const char *name = hooks[i].module;
	struct hg_error e = { 0 };
	struct hg_loaded l;
	struct stat st;
	int r;

	snprintf(so, sizeof(so), "%s/hardgate_%s.so", dir, name);
	if (lstat(so, &st) < 0 && errno == ENOENT) {
		snprintf(w->line[i], sizeof(w->line[i]), "%s: not available (no %s)", name, so);
		return 1;
	}
	if (hg_module_load(dir, name, &l, &e) < 0)
		return cli_refuse(c, NULL, &e, "a module cannot be loaded");
	if (l.mod->fingerprint == NULL) {
		snprintf(w->line[i], sizeof(w->line[i]), "%s: has no fingerprint hook", name);
		hg_module_unload(&l);
		return 1;
	}
	r = l.mod->fingerprint(path, fp, sizeof(fp), err, sizeof(err));
	hg_module_unload(&l);
	if (r == 0 && hg_fp_valid(fp)) {
		print_fp(c, fp, path, NULL, name, hooks[i].what);
		return 0;
	}
	if (r == -ENOTSUP) {
		snprintf(w->line[i], sizeof(w->line[i]), "%s: %s", name, err);
		return 1;
	}
	fprintf(stderr, "hardgate: fingerprint: %s: %s\n", name,
		r == 0 ? "returned a malformed fingerprint" : err);
	return r == -ENOMEM || r == 0 ? HG_EXIT_INTERNAL : EXIT_USAGE;
}

static int
fingerprint_file(const struct cli *c, const char *path)
{
	struct why w;
	char *dir = module_dir(c);
	int r = 1;

	if (dir == NULL)
		return HG_EXIT_INTERNAL;
	memset(&w, 0, sizeof(w));
	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]) && r == 1; i++)
		r = ask(c, dir, i, path, &w);
	free(dir);
	if (r != 1)
		return r;
	fprintf(stderr, "hardgate: fingerprint: %s is no key material a module knows:\n", path);
	for (size_t i = 0; i < sizeof(hooks) / sizeof(hooks[0]); i++)
		fprintf(stderr, "  %s\n", w.line[i]);
	return EXIT_USAGE;
}

int
cmd_fingerprint(struct cli *c)
{
	if (c->env && c->argc == 0)
		return fingerprint_env(c, c->env);
	if (c->env || c->argc != 1)
		return usage_fp();
	return fingerprint_file(c, c->argv[0]);
}
