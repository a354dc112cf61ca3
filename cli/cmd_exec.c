/*
 * cmd_exec.c - hardgate exec: the launcher.
 *
 * Order: find the program; prove ld.so will load the preload into it
 * (ld.so warns and runs the program unprotected otherwise); run the stack
 * at the launcher stage, which applies the controls that survive execve;
 * then execve with the preload and the service named in the environment.
 * Nothing is applied before both proofs hold. Every refusal point runs
 * inside hg_run() (gate()), so the decision it records is the final one.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <hardgate/hardgate.h>

#include "analyzer.h"
#include "cli.h"
#include "decision.h"
#include "elfcheck.h"
#include "hgenv.h"
#include "loader.h"
#include "report.h"
#include "run.h"

extern char **environ;

/* execvp's search, done up front so the file we check is the file we run. */
static int
find_program(const char *cmd, char *out, size_t n)
{
	const char *path = getenv("PATH");
	const char *p, *end;

	if (strchr(cmd, '/')) {
		snprintf(out, n, "%s", cmd);
		return access(out, X_OK) == 0 ? 0 : -errno;
	}
	for (p = path ? path : "/usr/local/bin:/usr/bin:/bin"; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		if (end == p)
			continue;
		if (snprintf(out, n, "%.*s/%s", (int)(end - p), p, cmd) >= (int)n)
			continue;
		if (access(out, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

static int
ours(const char *kv)
{
	static const char *const names[] = {
		"LD_PRELOAD=", HG_ENV_SERVICE "=", HG_ENV_CONF "=", HG_ENV_LAUNCHED "=", NULL,
	};

	for (const char *const *n = names; *n; n++)
		if (strncmp(kv, *n, strlen(*n)) == 0)
			return 1;
	return 0;
}

#define OWN_ENV 4	/* the child's variables set here, first in its environment */

static char *
kv(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
kv(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? NULL : s;
}

static void
env_free(char **env)
{
	for (size_t i = 0; i < OWN_ENV; i++)
		free(env[i]);
	free(env);
}

/* The child's environment: ours replaced, the preload first in LD_PRELOAD. */
HG_LEAK_AT_EXIT_BEGIN	/* analyzer.h: NULL ends hardgate exec */
static char **
child_env(const char *preload, const char *service, const char *conf)
{
	const char *old = getenv("LD_PRELOAD");
	size_t n = 0, k = OWN_ENV;
	char **env;

	while (environ[n])
		n++;
	if ((env = calloc(n + OWN_ENV + 1, sizeof(*env))) == NULL)
		return NULL;
	env[0] = kv("LD_PRELOAD=%s%s%s", preload, old && *old ? ":" : "", old ? old : "");
	env[1] = kv("%s=%s", HG_ENV_SERVICE, service);
	env[2] = kv("%s=%s", HG_ENV_LAUNCHED, service);
	env[3] = kv("%s=%s", HG_ENV_CONF, conf);
	if (!env[0] || !env[1] || !env[2] || !env[3]) {
		env_free(env);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (!ours(environ[i]))
			env[k++] = environ[i];
	return env;
}
HG_LEAK_AT_EXIT_END

/*
 * Load the preload here once: a file ld.so cannot load, or not ours,
 * fails here, not open. Its constructor does nothing in hardgate (hgenv.h).
 */
static int
probe_preload(const char *preload, struct hg_error *e)
{
	return hg_preload_verify(preload, "HG-008", 1, e);
}

/*
 * ld.so opens the preload with the credentials the program starts with:
 * those left after the launcher stage (privs' user and groups), not
 * root's, which the probe had. A preload they cannot read is skipped with
 * a warning and the program runs without seccomp, dumpable or netout.
 */
static int
preload_readable(const char *preload, struct hg_error *e)
{
	int fd = open(preload, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return hg_error_set(e, errno, "HG-008", preload,
				    "make the preload readable by the service's user (chmod 0644)",
				    "uid %u cannot read the preload %s (%s): ld.so would start the "
				    "program without it", (unsigned)geteuid(), preload, strerror(errno));
	close(fd);
	return 0;
}

/*
 * Without no_new_privs, a set-uid or set-gid program of another owner, or
 * one with file capabilities, starts in secure-execution mode (AT_SECURE):
 * ld.so ignores an LD_PRELOAD path with a slash in it, and the program would
 * run without the preload and with its file's privileges.
 */
static int
setid_free(const char *prog, struct hg_error *e)
{
	struct stat st;

	if (stat(prog, &st) < 0)
		return hg_error_set(e, errno, "HG-008", prog, "give the full path of the program",
				    "cannot stat %s: %s", prog, strerror(errno));
	if (((st.st_mode & S_ISUID) && st.st_uid != getuid()) ||
	    ((st.st_mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) && st.st_gid != getgid()) ||
	    getxattr(prog, "security.capability", NULL, 0) >= 0)
		return hg_error_set(e, EPERM, "HG-008", prog,
				    "keep no_new_privs = true in privs' args, or remove the set-id "
				    "bits and file capabilities",
				    "%s is set-uid, set-gid or has file capabilities and no_new_privs "
				    "is off: ld.so would ignore the preload in it", prog);
	return 0;
}

/*
 * The kernel takes a script's credentials from its #! interpreter, so the
 * interpreter is judged too (and the script, whose set-id bits Linux
 * ignores, still refused: that is the safe reading).
 */
static int
preload_honoured(const char *prog, struct hg_error *e)
{
	char run[4096];
	int r;

	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
		return 0;	/* the kernel grants nothing on execve: no AT_SECURE */
	if ((r = setid_free(prog, e)) < 0 || (r = hg_elf_executed(prog, run, sizeof(run), e)) < 0)
		return r;
	return strcmp(run, prog) == 0 ? 0 : setid_free(run, e);
}

struct launch {
	const struct cli *c;
	const char *preload;
	char prog[4096];
};

/*
 * hardgate exec's refusal points, run inside hg_run() so that the
 * decision it records is the final one: never "allowed" for a program
 * that was then refused.
 */
static int
gate(void *arg, enum hg_gate when, const struct hg_decision *d, struct hg_error *e)
{
	struct launch *l = arg;
	const struct cli *c = l->c;
	char **env;
	int r;

	switch (when) {
	case HG_GATE_BEFORE:	/* nothing is applied before both proofs hold */
		if (find_program(c->argv[0], l->prog, sizeof(l->prog)) < 0)
			return hg_error_set(e, ENOENT, "HG-008", c->argv[0],
					    "give the full path of the program",
					    "program %s not found or not executable", c->argv[0]);
		if ((r = hg_elf_preloadable(l->prog, l->preload, e)) < 0)
			return r;
		return probe_preload(l->preload, e);
	case HG_GATE_AFTER:	/* with the credentials the program starts with */
		if ((r = preload_readable(l->preload, e)) < 0)
			return r;
		return preload_honoured(l->prog, e);
	case HG_GATE_START:
		if (hg_decision_noteworthy(d))
			hg_report_text(d, stderr);
		if ((env = child_env(l->preload, c->service, cli_conf(c))) == NULL)
			return hg_error_set(e, ENOMEM, "HG-008", l->prog, "free memory, then retry",
					    "out of memory before executing %s", l->prog);
		execve(l->prog, c->argv, env);
		r = errno;
		env_free(env);
		return hg_error_set(e, r, "HG-008", l->prog,
				    "check that the service's user may execute the program",
				    "%s cannot execute: %s", l->prog, strerror(r));
	}
	return hg_error_set(e, EINVAL, "HG-007", "", "report a bug", "unknown gate %d", (int)when);
}

int
cmd_exec(struct cli *c)
{
	struct launch l = { .c = c, .preload = c->preload ? c->preload : HG_PRELOAD_PATH };
	struct hg_run_opts o = {
		.conf = c->conf, .service = c->service, .stage = HG_STAGE_LAUNCHER, .record = 1,
		.gate = gate, .gate_arg = &l,
	};
	struct hg_decision *d = NULL;
	int st;

	if (c->service == NULL || c->argc < 1) {
		fprintf(stderr, "usage: hardgate exec --service NAME [--conf FILE] -- CMD [ARGS]\n");
		return EXIT_USAGE;
	}
	if (hg_run(&o, &d) < 0) {
		fprintf(stderr, "hardgate[%s]: out of memory\n", c->service);
		return HG_EXIT_INTERNAL;
	}
	hg_report_text(d, stderr);	/* refused, or the program did not start */
	st = d->status;
	hg_decision_free(d);
	return st == HG_EXIT_ALLOWED ? HG_EXIT_INTERNAL : st;
}
