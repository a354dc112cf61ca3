/* testutil.c - see testutil.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <seccomp.h>

#include "run.h"
#include "testutil.h"

int hgt_readdir_fail_after = -1;

struct dirent *__real_readdir(DIR *d);
struct dirent *__wrap_readdir(DIR *d);

struct dirent *
__wrap_readdir(DIR *d)
{
	if (hgt_readdir_fail_after == 0) {
		hgt_readdir_fail_after = -1;
		errno = EIO;
		return NULL;
	}
	if (hgt_readdir_fail_after > 0)
		hgt_readdir_fail_after--;
	return __real_readdir(d);
}

char *hgt_dir;

int
hgt_suite_init(void)
{
	hgt_dir = hgt_tmpdir();
	return 0;
}

int
hgt_suite_clean(void)
{
	hgt_rmrf(hgt_dir);
	hgt_dir = NULL;
	return 0;
}

char *
hgt_tmpdir(void)
{
	char *d = strdup("/tmp/hgtest.XXXXXX");

	if (d == NULL || mkdtemp(d) == NULL) {
		perror("mkdtemp");
		abort();
	}
	chmod(d, 0755);
	return d;
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

void
hgt_rmrf(char *dir)
{
	if (dir == NULL)
		return;
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}

char *
hgt_path(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		abort();
	return p;
}

char *
hgt_write(const char *dir, const char *name, const char *text, mode_t mode)
{
	return hgt_write_bytes(dir, name, text, strlen(text), mode);
}

char *
hgt_write_bytes(const char *dir, const char *name, const void *buf, size_t n, mode_t mode)
{
	char *p = hgt_path(dir, name);
	FILE *f;

	unlink(p);
	f = fopen(p, "w");
	if (f == NULL) {
		perror(p);
		abort();
	}
	if (n && fwrite(buf, 1, n, f) != n)
		abort();
	fclose(f);
	chmod(p, mode);
	return p;
}

const char *
hgt_module_dir(void)
{
	const char *d = getenv("HG_MODULE_DIR_TEST");

	return d ? d : "modules/.libs";
}

char *
hgt_policy(const char *dir, const char *mode, const char *body)
{
	char *text, *p;

	if (asprintf(&text,
		     "hardgate: {\n  mode = \"%s\";\n"
		     "  module_dir = \"%s\"; revoked_dir = \"%s/revoked.d\";"
		     " attest_dir = \"%s/attest\";\n"
		     "  log: { syslog = false; };\n};\nservices: {\n%s\n};\n",
		     mode, hgt_module_dir(), dir, dir, body) < 0)
		abort();
	p = hgt_write(dir, "hardgate.conf", text, 0644);
	free(text);
	return p;
}

struct hg_decision *
hgt_run(const char *conf, const char *service, enum hg_stage stage, const char *test_root)
{
	struct hg_run_opts o = {
		.conf = conf, .service = service, .stage = stage, .test_root = test_root,
	};
	struct hg_decision *d = NULL;

	if (hg_run(&o, &d) < 0 || d == NULL)
		abort();
	return d;
}

char *
hgt_module_policy(const char *dir, const char *module, const char *args)
{
	char *body, *conf;

	if (asprintf(&body, "  svc: { stack = ( { module = \"%s\"; control = \"required\"; "
		     "args: { %s }; } ); };", module, args) < 0)
		abort();
	conf = hgt_policy(dir, "enforce", body);
	free(body);
	return conf;
}

struct hg_decision *
hgt_run_module(const char *dir, const char *module, const char *args,
	       const struct hg_run_opts *o)
{
	struct hg_run_opts run = { .stage = HG_STAGE_CHECK };
	struct hg_decision *d = NULL;
	char *conf = hgt_module_policy(dir, module, args);

	if (o)
		run = *o;
	run.conf = conf;
	run.service = "svc";
	if (hg_run(&run, &d) < 0 || d == NULL)
		abort();
	if (d->status != HG_EXIT_ALLOWED)
		hgt_dump(d);
	free(conf);
	return d;
}

int
hgt_has(const struct hg_decision *d, const char *id, int sev, const char *sub)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct hg_finding *f = &d->f[i];

		if (strcmp(f->id, id) != 0)
			continue;
		if (sev >= 0 && (int)f->severity != sev)
			continue;
		if (sub && !strstr(f->message, sub) && !strstr(f->where, sub))
			continue;
		return 1;
	}
	return 0;
}

void
hgt_dump(const struct hg_decision *d)
{
	fprintf(stderr, "  decision: status %d, %s\n", d->status, d->reason);
	for (size_t i = 0; i < d->n; i++)
		fprintf(stderr, "  %s %d %s %s; fix: %s\n", d->f[i].id, d->f[i].severity,
			d->f[i].where, d->f[i].message, d->f[i].fix);
}

int
hgt_fork(int (*fn)(void *), void *arg)
{
	pid_t pid;
	int st;

	fflush(NULL);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg));
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int
hgt_deny_syscall(int nr, long arg0, int err)
{
	scmp_filter_ctx sc = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (sc == NULL)
		return -1;
	if (arg0 < 0)
		r = seccomp_rule_add(sc, SCMP_ACT_ERRNO((uint32_t)err), nr, 0);
	else
		r = seccomp_rule_add(sc, SCMP_ACT_ERRNO((uint32_t)err), nr, 1,
				     SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)arg0));
	if (r == 0)
		r = seccomp_load(sc);
	seccomp_release(sc);
	return r == 0 ? 0 : -1;
}

int
hgt_root(void)
{
	return geteuid() == 0;
}

int
hgt_skip_suites(const char *list)
{
	char name[64];
	int n;

	CU_set_fail_on_inactive(CU_FALSE);
	for (const char *p = list ? list : ""; sscanf(p, " %63s%n", name, &n) == 1; p += n) {
		CU_pSuite s = CU_get_suite(name);

		if (s == NULL) {
			fprintf(stderr, "HGT_SKIP_SUITES: no suite '%s'\n", name);
			return -1;
		}
		fprintf(stderr, "suite %s left out (HGT_SKIP_SUITES)\n", name);
		CU_set_suite_active(s, CU_FALSE);
	}
	return 0;
}

char *
hgt_fixture(const char *rel, const char *placeholder, const char *value)
{
	const char *src = getenv("HG_SRCDIR");
	char path[4096], *text, *out, *o;
	size_t n, pl = placeholder ? strlen(placeholder) : 0, vl = value ? strlen(value) : 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", src ? src : "..", rel);
	if ((f = fopen(path, "r")) == NULL || (text = calloc(1, 1 << 16)) == NULL) {
		perror(path);
		abort();
	}
	n = fread(text, 1, (1 << 16) - 1, f);
	fclose(f);
	/* at most n / pl replacements, each adding at most vl bytes */
	if ((out = calloc(1, n + (pl ? n / pl + 1 : 0) * vl + 1)) == NULL)
		abort();
	o = out;
	for (const char *p = text, *at;; p = at + pl) {
		if (pl == 0 || (at = strstr(p, placeholder)) == NULL) {
			strcpy(o, p);
			break;
		}
		memcpy(o, p, (size_t)(at - p));
		o += at - p;
		memcpy(o, value, vl);
		o += vl;
	}
	free(text);
	return out;
}

int
hgt_has_at(const struct hg_decision *d, const char *id, int sev, const char *file,
	   const char *text, const char *needle)
{
	const char *p = strstr(text, needle);
	unsigned line = 1;
	char w[4200];
	int r = 0;

	if (p == NULL) {
		fprintf(stderr, "\n    no \"%s\" in %s\n", needle, file);
		return 0;
	}
	for (const char *q = text; q < p; q++)
		line += *q == '\n';
	snprintf(w, sizeof(w), "%s:%u", file, line);
	for (size_t i = 0; i < d->n && !r; i++)
		r = strcmp(d->f[i].id, id) == 0 && (sev < 0 || (int)d->f[i].severity == sev) &&
		    strcmp(d->f[i].where, w) == 0;
	if (!r)
		fprintf(stderr, "\n    missing: %s %d at %s (%s)\n", id, sev, w, needle);
	return r;
}

int
hgt_count(const struct hg_decision *d, int sev)
{
	int n = 0;

	for (size_t i = 0; i < d->n; i++)
		n += (int)d->f[i].severity == sev;
	return n;
}

int
hgt_never_shows(const struct hg_decision *d, const char *s)
{
	for (size_t i = 0; i < d->n; i++)
		if (strstr(d->f[i].message, s) || strstr(d->f[i].where, s) || strstr(d->f[i].fix, s))
			return 0;
	return 1;
}

struct hg_decision *
hgt_run_config(const char *dir, const char *module, const char *name, const char *text,
	       const char *args, enum hg_stage stage, char **cfgp)
{
	char *cfg = hgt_write(dir, name, text, 0640), *a;
	struct hg_run_opts o = { .stage = stage };
	struct hg_decision *d;

	if (asprintf(&a, "config = \"%s\"; %s", cfg, args ? args : "") < 0)
		abort();
	d = hgt_run_module(dir, module, a, &o);
	free(a);
	if (cfgp)
		*cfgp = cfg;
	else
		free(cfg);
	return d;
}
