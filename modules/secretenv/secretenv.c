/*
 * secretenv.c - the service's secrets come from its environment, are
 * strong, are written in none of its config files, are not shared, and
 * are not revoked. Check-only: it runs in every stage.
 *
 * Where a value comes from. Under the preload, hardgate exec and the
 * plugin API the process environment is the service's environment and
 * the only source: env_file is not read there. hardgate check runs in the
 * operator's shell instead: there, only when a variable is missing from
 * its environment, env_file (the unit's EnvironmentFile=, parsed as
 * systemd does: envfile.h) is read for the missing ones. A variable set
 * in the shell is judged as set, so run hardgate check from a shell
 * without the service's secrets. The env file must pass keyfile's checks
 * at 0640 (common/keyperm.h, finding HG-011), its parents owned by root,
 * and be owned by root or the `owner` account; it is read through the
 * descriptor that was judged.
 *
 * Values are never copied out of the environment or the env file's
 * sodium_malloc buffer, which is wiped when the check ends. Findings name
 * a secret by its variable, and only a revoked one by its fingerprint
 * (the revocation list holds that already). Comparisons of values go
 * through SHA-256 digests compared with sodium_memcmp, or Rabin-Karp in
 * the files (scan.h), constant time per candidate.
 *
 * Config files (forbid_in_files) are read read-only through the trusted
 * walk (parents owned by root or `owner`), at most 4 MiB, and searched
 * for every value (Rabin-Karp, scan.h: 22-57 ms per secret on a 4 MiB
 * file on a loaded 2-core host, where a constant-time compare at every
 * offset took 300-560 ms). A value under 8 bytes would match text by
 * chance: with forbid_in_files it is refused as too short to be a secret.
 * Only the value as written is found, not an encoded form of it.
 *
 * Reuse: `distinct` names variables of this service that must all differ;
 * `distinct_env_files` lists other services' env files, none of whose
 * values may equal one of these secrets. Such a file belongs to the other
 * service: it is judged as that service's env file, 0640 at most and
 * owned by root or by the account that owns it (trusted for its parent
 * directories too), never by this service's `owner` rule. A service whose
 * secrets are only in another process's memory cannot be compared with.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <hardgate/module.h>

#include "envfile.h"
#include "fingerprint.h"
#include "keyperm.h"
#include "safefile.h"
#include "scan.h"
#include "strength.h"
#include "util.h"

#define DEFAULT_ID "HG-023"	/* a secret missing, weak, exposed or shared */
#define FILE_ID "HG-024"	/* a file secretenv reads cannot be read or parsed */
#define PERM_ID "HG-011"	/* an env file with unsafe permissions */
#define MAX_SECRETS 32
#define MAX_CONFIG (4u << 20)	/* config files: conventions.md's bound */
#define MAX_ENVFILE (1u << 20)
#define SCAN_MIN 8		/* shorter values would match text by chance */
#define MAX_HITS 8		/* lines reported per secret and file */
#define GENERATE "generate one with: openssl rand -base64 48"

static const struct hg_arg_spec args[] = {
	{ "require_env", HG_ARG_LIST, 0, NULL,
	  "variables that must be set and not blank in the service's environment" },
	{ "strong", HG_ARG_LIST, 0, NULL,
	  "variables that must also be strong secrets (length, classes, entropy, not published)" },
	{ "min_length", HG_ARG_INT, 0, NULL, "bytes a strong secret needs at least (default 32)" },
	{ "min_entropy", HG_ARG_INT, 0, NULL,
	  "bits of estimated entropy a strong secret needs (default 80)" },
	{ "distinct", HG_ARG_LIST, 0, NULL, "variables whose values must all differ" },
	{ "forbid_in_files", HG_ARG_LIST, 0, NULL,
	  "the service's config files, where no secret's value may be written" },
	{ "env_file", HG_ARG_STRING, 0, NULL,
	  "the unit's EnvironmentFile=, read by hardgate check for variables not in its environment" },
	{ "owner", HG_ARG_STRING, 0, NULL,
	  "service account that may own env files and config directories beside root" },
	{ "distinct_env_files", HG_ARG_LIST, 0, NULL,
	  "other services' env files: none of their values may equal one of these secrets; each "
	  "0640 at most, owned by root or by its own service's account (its directories too)" },
	{ "revoked_id", HG_ARG_ID, 0, NULL,
	  "ID reported beside HG-018 when a secret is revoked (DBW-PRE-09, KDB-E-01)" },
	{ "id", HG_ARG_ID, 0, NULL, "finding ID to report (default " DEFAULT_ID ")" },
	{ NULL, 0, 0, NULL, NULL },
};

static const char *const ids[] = {
	DEFAULT_ID, FILE_ID, PERM_ID, "HG-018", "DBW-PRE-04", "DBW-REC-04", "KDB-A-02",
	"DBW-PRE-09", "KDB-E-01", NULL,
};

struct secret {
	const char *name;
	const char *where;	/* policy file:line of the list naming it */
	int strong;
	const char *val;	/* in environ or the env file's buffer; NULL: unset */
	size_t len;
	unsigned line;		/* its line in env_file, 0 if from the environment */
	char from[PATH_MAX + 16];	/* "the environment" or "FILE:LINE" */
	unsigned char d[crypto_hash_sha256_BYTES];
};

struct se {
	struct hg_ctx *ctx;
	const struct hg_args *a;
	const char *id;
	uid_t owner;		/* trusted beside root, or HG_UID_NONE */
	struct secret s[MAX_SECRETS];
	size_t n;
	const char *env_path;	/* env_file, once read */
	char *envbuf;		/* its values (sodium_malloc), or NULL */
	int r;			/* HG_PASS, HG_FAIL or HG_ERROR so far */
};

static void
failed(struct se *se, int r)
{
	if (r == HG_ERROR || (r == HG_FAIL && se->r == HG_PASS))
		se->r = r;
}

static struct secret *
find(struct se *se, const char *name)
{
	for (size_t i = 0; i < se->n; i++)
		if (strcmp(se->s[i].name, name) == 0)
			return &se->s[i];
	return NULL;
}

/* Add the variables of list ARG (STRONG: they must be strong too). */
static void
collect(struct se *se, const char *arg, int strong)
{
	const char *where = hg_arg_where(se->ctx, se->a, arg);
	size_t n = hg_arg_list_len(se->ctx, se->a, arg);
	struct secret *s;

	for (size_t i = 0; i < n; i++) {
		const char *name = hg_arg_list_at(se->ctx, se->a, arg, i);

		if (!hg_env_name_valid(name)) {
			hg_finding(se->ctx, se->id, HG_SEV_FAIL, where,
				   "name variables with letters, digits and _",
				   "%s: '%s' is not an environment variable name", arg, name);
			failed(se, HG_FAIL);
			continue;
		}
		if ((s = find(se, name)) == NULL) {
			if (se->n == MAX_SECRETS) {
				hg_finding(se->ctx, se->id, HG_SEV_FAIL, where,
					   "split the variables over several secretenv entries",
					   "more than %d variables in one entry", MAX_SECRETS);
				failed(se, HG_FAIL);
				return;
			}
			s = &se->s[se->n++];
			s->name = name;
			s->where = where;
		}
		s->strong |= strong;
	}
}

/* Resolve `owner`. HG_FAIL with a finding if it names no account. */
static int
resolve_owner(struct se *se)
{
	const char *o = hg_arg_str(se->ctx, se->a, "owner");

	se->owner = HG_UID_NONE;
	if (o == NULL || hg_parse_uid(o, &se->owner) == 0)
		return HG_PASS;
	hg_finding(se->ctx, se->id, HG_SEV_FAIL, hg_arg_where(se->ctx, se->a, "owner"),
		   "create the account, or correct owner in the policy",
		   "owner '%s' is not a known user", o);
	return HG_FAIL;
}

/*
 * Open the env file PATH (named at WHERE in the policy) with keyfile's
 * checks at 0640 and read it whole into sodium_malloc memory. This
 * service's env_file (OTHER 0) must be owned by root or `owner`. Another
 * service's (OTHER 1, distinct_env_files) by root or its own account: the
 * account owning the file, trusted for the file's parent directories as
 * well, so that service may keep it in its own directory; nobody else may
 * write it and nobody but its group may read it (0640). HG_PASS with *BUF
 * (sodium_free it), or HG_FAIL.
 */
static int
read_env_file(struct se *se, const char *path, const char *where, int other, char **buf,
	      size_t *len)
{
	struct hg_keyperm k = { .id = PERM_ID, .path = path, .where = where, .mode = 0640 };
	struct stat st;
	uid_t own = se->owner;
	char fix[PATH_MAX + 32], uid[24];
	int fd, r, err;

	if (other && lstat(path, &st) == 0 && st.st_uid != 0) {
		/* the owner it has now; hg_keyperm_open refuses a swap to another */
		own = st.st_uid;
		snprintf(uid, sizeof(uid), "%u", (unsigned)own);
		k.owner = uid;
	}
	r = hg_keyperm_open(se->ctx, &k, O_RDONLY, &fd);
	if (fd >= 0 && r == HG_PASS && fstat(fd, &st) == 0 && st.st_uid != 0 &&
	    st.st_uid != own) {
		snprintf(fix, sizeof(fix), "chown root %s", path);
		hg_finding(se->ctx, PERM_ID, HG_SEV_FAIL, path, fix,
			   "%s is owned by uid %u, must be owned by root or %s", path,
			   (unsigned)st.st_uid, other ? "its own account" : "the service account");
		r = HG_FAIL;
	}
	if (r != HG_PASS) {
		if (fd >= 0)
			close(fd);
		return HG_FAIL;
	}
	err = hg_read_fd_alloc(fd, MAX_ENVFILE, sodium_malloc, sodium_free, buf, len);
	close(fd);
	if (err == 0)
		return HG_PASS;
	hg_finding(se->ctx, FILE_ID, HG_SEV_FAIL, path, "make it a regular file of at most 1 MiB",
		   "cannot read %s: %s", path, strerror(-err));
	return HG_FAIL;
}

/*
 * Read and parse the env file PATH, calling PUSH for each assignment.
 * *OUT gets the values (sodium_malloc; the caller sodium_frees it).
 */
static int
parse_env_file(struct se *se, const char *path, const char *where, int other, hg_env_push push,
	       void *arg, char **out)
{
	char *text, why[128], at[PATH_MAX + 16];
	unsigned line = 0;
	size_t len;
	int r;

	*out = NULL;
	if (read_env_file(se, path, where, other, &text, &len) != HG_PASS)
		return HG_FAIL;
	if ((*out = sodium_malloc(len + 1)) == NULL) {
		sodium_free(text);
		hg_finding(se->ctx, FILE_ID, HG_SEV_FAIL, path, NULL, "out of memory reading %s",
			   path);
		return HG_ERROR;
	}
	r = hg_envfile_parse(text, len, *out, push, arg, &line, why, sizeof(why));
	sodium_free(text);
	if (r == 0)
		return HG_PASS;
	snprintf(at, sizeof(at), "%s:%u", path, line);
	hg_finding(se->ctx, FILE_ID, HG_SEV_FAIL, at, "write KEY=VALUE lines as systemd reads them",
		   "%s", why);
	return HG_FAIL;
}

/* envfile push: a value for a variable the environment does not have. */
static int
take(void *arg, const char *key, unsigned line, const char *val, size_t len)
{
	struct se *se = arg;
	struct secret *s = find(se, key);

	if (s && (s->val == NULL || s->line)) {	/* the last assignment wins */
		s->val = val;
		s->len = len;
		s->line = line;
		snprintf(s->from, sizeof(s->from), "%s:%u", se->env_path, line);
	}
	return 0;
}

/* The values: the environment, then (hardgate check only) env_file. */
static void
resolve_values(struct se *se)
{
	const char *path = hg_arg_str(se->ctx, se->a, "env_file");
	size_t missing = 0;

	for (size_t i = 0; i < se->n; i++) {
		struct secret *s = &se->s[i];

		s->val = getenv(s->name);
		s->len = s->val ? strlen(s->val) : 0;
		missing += s->val == NULL;
		snprintf(s->from, sizeof(s->from), "the environment");
	}
	if (path == NULL || missing == 0 || hg_stage(se->ctx) != HG_STAGE_CHECK)
		return;
	se->env_path = path;
	failed(se, parse_env_file(se, path, hg_arg_where(se->ctx, se->a, "env_file"), 0, take,
				  se, &se->envbuf));
}

static const char *
where_of(const struct secret *s)
{
	return s->line ? s->from : s->where;
}

static int
blank_value(const struct secret *s)
{
	for (size_t i = 0; i < s->len; i++)
		if (!strchr(" \t\r\n\v\f", s->val[i]))
			return 0;
	return 1;
}

/* Set and not blank (dbward disables Slack on a blank signing secret). */
static int
judge_present(struct se *se, struct secret *s)
{
	char fix[256];

	if (s->val == NULL) {
		snprintf(fix, sizeof(fix),
			 "set %s in the unit's Environment= or EnvironmentFile=%s", s->name,
			 hg_stage(se->ctx) == HG_STAGE_CHECK && !se->env_path ?
			 "; for hardgate check, give env_file" : "");
		hg_finding(se->ctx, se->id, HG_SEV_FAIL, s->where, fix, "%s is not set in %s",
			   s->name, se->env_path ? "the environment nor in env_file" :
			   "the environment");
		return HG_FAIL;
	}
	if (blank_value(s)) {
		snprintf(fix, sizeof(fix), "give %s a value", s->name);
		hg_finding(se->ctx, se->id, HG_SEV_FAIL, where_of(s), fix,
			   "%s from %s is empty or blank", s->name, s->from);
		return HG_FAIL;
	}
	return HG_PASS;
}

/* Not on the revocation list. */
static int
judge_revoked(struct se *se, const struct secret *s)
{
	const char *rid = hg_arg_str(se->ctx, se->a, "revoked_id");
	char fp[HG_FP_LEN], why[HG_FP_LEN + 256], fix[256];
	int r;

	hg_fp_format(s->d, fp);
	if ((r = hg_revoked(se->ctx, fp, why, sizeof(why))) == 0)
		return HG_PASS;
	if (r < 0)
		return HG_ERROR;	/* the core reported HG-017 */
	snprintf(fix, sizeof(fix), "issue a new %s, set it in the service's environment, restart",
		 s->name);
	hg_finding(se->ctx, "HG-018", HG_SEV_FAIL, where_of(s), fix, "%s (%s) from %s is revoked: %s",
		   s->name, fp, s->from, why);
	hg_finding(se->ctx, rid ? rid : se->id, HG_SEV_FAIL, where_of(s), fix,
		   "%s is a revoked secret (HG-018)", s->name);
	return HG_FAIL;
}

/* Length, classes, repetition, entropy, not published. */
static int
judge_strong(struct se *se, const struct secret *s)
{
	long long min = hg_arg_int(se->ctx, se->a, "min_length", HG_SE_MIN_LENGTH);
	long long bits = hg_arg_int(se->ctx, se->a, "min_entropy", HG_SE_MIN_ENTROPY);
	const unsigned char *v = (const unsigned char *)s->val;
	const char *w = where_of(s), *pub;
	unsigned cls, est;
	size_t p;
	int r = HG_PASS;

	if ((pub = hg_se_published(s->d)) != NULL) {
		hg_finding(se->ctx, se->id, HG_SEV_FAIL, w, GENERATE,
			   "%s from %s is a published value (%s)", s->name, s->from, pub);
		return HG_FAIL;	/* the rest says nothing more */
	}
	if ((long long)s->len < min) {
		hg_finding(se->ctx, se->id, HG_SEV_FAIL, w, GENERATE,
			   "%s from %s is %zu bytes, must be at least %lld", s->name, s->from,
			   s->len, min);
		r = HG_FAIL;
	}
	cls = hg_se_classes(v, s->len);
	if ((cls & (cls - 1)) == 0) {
		hg_finding(se->ctx, se->id, HG_SEV_FAIL, w, GENERATE,
			   "%s from %s uses only %s", s->name, s->from, hg_se_class_name(cls));
		r = HG_FAIL;
	}
	if ((p = hg_se_period(v, s->len)) != 0) {
		hg_finding(se->ctx, se->id, HG_SEV_FAIL, w, GENERATE,
			   "%s from %s repeats a %zu-character pattern", s->name, s->from, p);
		r = HG_FAIL;
	}
	if ((est = hg_se_entropy(v, s->len)) < bits) {
		hg_finding(se->ctx, se->id, HG_SEV_FAIL, w, GENERATE,
			   "%s from %s has an estimated %u bits of entropy, must have %lld",
			   s->name, s->from, est, bits);
		r = HG_FAIL;
	}
	return r;
}

/* Every pair of `distinct` variables differs. */
static void
judge_distinct(struct se *se)
{
	const char *where = hg_arg_where(se->ctx, se->a, "distinct");
	size_t n = hg_arg_list_len(se->ctx, se->a, "distinct");

	for (size_t i = 0; i < n; i++) {
		const struct secret *x = find(se, hg_arg_list_at(se->ctx, se->a, "distinct", i));

		for (size_t j = i + 1; x && x->val && j < n; j++) {
			const struct secret *y =
				find(se, hg_arg_list_at(se->ctx, se->a, "distinct", j));

			if (!y || !y->val || x == y || sodium_memcmp(x->d, y->d, sizeof(x->d)))
				continue;
			hg_finding(se->ctx, se->id, HG_SEV_FAIL, where,
				   "give each purpose its own secret, and rotate both",
				   "%s and %s have the same value", x->name, y->name);
			failed(se, HG_FAIL);
		}
	}
}

struct other {
	struct se *se;
	const char *path;
};

/* envfile push of another service's env file: no value equals a secret. */
static int
compare_other(void *arg, const char *key, unsigned line, const char *val, size_t len)
{
	struct other *o = arg;
	struct se *se = o->se;
	unsigned char d[crypto_hash_sha256_BYTES];
	char at[PATH_MAX + 16];

	if (len == 0)
		return 0;
	crypto_hash_sha256(d, (const unsigned char *)val, len);
	snprintf(at, sizeof(at), "%s:%u", o->path, line);
	for (size_t i = 0; i < se->n; i++) {
		const struct secret *s = &se->s[i];

		if (!s->val || sodium_memcmp(d, s->d, sizeof(d)) != 0)
			continue;
		hg_finding(se->ctx, se->id, HG_SEV_FAIL, at,
			   "give each service its own secret, and rotate both",
			   "%s has the same value as %s in another service's env file", s->name,
			   key);
		failed(se, HG_FAIL);
	}
	sodium_memzero(d, sizeof(d));
	return 0;
}

static void
judge_others(struct se *se)
{
	const char *where = hg_arg_where(se->ctx, se->a, "distinct_env_files");
	size_t n = hg_arg_list_len(se->ctx, se->a, "distinct_env_files");

	for (size_t i = 0; i < n; i++) {
		struct other o = { se, hg_arg_list_at(se->ctx, se->a, "distinct_env_files", i) };
		char *out;

		failed(se, parse_env_file(se, o.path, where, 1, compare_other, &o, &out));
		sodium_free(out);
	}
}

struct hits {
	struct se *se;
	const struct secret *s;
	const char *path;
	unsigned n;
};

/* scan hit: S's value is written on LINE of the config file. */
static int
found(void *arg, unsigned line)
{
	struct hits *h = arg;
	char at[PATH_MAX + 16], fix[256];

	snprintf(at, sizeof(at), "%s:%u", h->path, line);
	snprintf(fix, sizeof(fix),
		 "remove it, refer to ${%s} instead, and rotate %s: it was on disk", h->s->name,
		 h->s->name);
	hg_finding(h->se->ctx, h->se->id, HG_SEV_FAIL, at, fix,
		   "the value of %s is written in %s", h->s->name, h->path);
	return ++h->n >= MAX_HITS;
}

/* Read the config file PATH through the trusted walk; *TEXT is malloc'd. */
static int
read_config(struct se *se, const char *path, char **text, size_t *len)
{
	struct hg_trust t = { .id = FILE_ID, .owner = se->owner, .want = HG_WANT_FILE };
	struct hg_error e = { 0 };
	struct stat st;
	int fd, r;

	if ((fd = hg_safe_open(path, O_RDONLY, &t, &st, &e)) < 0) {
		hg_finding(se->ctx, FILE_ID, HG_SEV_FAIL, e.where, e.fix[0] ? e.fix : NULL, "%s",
			   e.msg);
		return HG_FAIL;
	}
	r = hg_read_fd(fd, MAX_CONFIG, text, len);
	close(fd);
	if (r == 0)
		return HG_PASS;
	hg_finding(se->ctx, FILE_ID, HG_SEV_FAIL, path, "keep config files under 4 MiB",
		   "cannot read %s: %s", path, strerror(-r));
	return HG_FAIL;
}

/* No secret's value is written in a forbid_in_files file. */
static void
judge_files(struct se *se)
{
	size_t n = hg_arg_list_len(se->ctx, se->a, "forbid_in_files");

	for (size_t i = 0; i < n; i++) {
		const char *path = hg_arg_list_at(se->ctx, se->a, "forbid_in_files", i);
		char *text;
		size_t len;

		if (path[0] != '/') {
			hg_finding(se->ctx, FILE_ID, HG_SEV_FAIL,
				   hg_arg_where(se->ctx, se->a, "forbid_in_files"),
				   "give an absolute path", "%s is not an absolute path", path);
			failed(se, HG_FAIL);
			continue;
		}
		if (read_config(se, path, &text, &len) != HG_PASS) {
			failed(se, HG_FAIL);
			continue;
		}
		for (size_t j = 0; j < se->n; j++) {
			struct hits h = { se, &se->s[j], path, 0 };

			if (se->s[j].len >= SCAN_MIN &&
			    hg_scan(text, len, se->s[j].val, se->s[j].len, found, &h))
				failed(se, HG_FAIL);
		}
		sodium_memzero(text, len);
		free(text);
	}
}

/* A value too short to be searched for is no secret either. */
static int
judge_scannable(struct se *se, const struct secret *s)
{
	if (s->len >= SCAN_MIN || hg_arg_list_len(se->ctx, se->a, "forbid_in_files") == 0)
		return HG_PASS;
	hg_finding(se->ctx, se->id, HG_SEV_FAIL, where_of(s), GENERATE,
		   "%s from %s is %zu bytes: too short to be a secret or to be searched for",
		   s->name, s->from, s->len);
	return HG_FAIL;
}

/* One secret: present, not revoked, strong if it must be. */
static void
judge_secret(struct se *se, struct secret *s)
{
	if (judge_present(se, s) != HG_PASS) {
		s->val = NULL;	/* nothing more to say about it */
		failed(se, HG_FAIL);
		return;
	}
	crypto_hash_sha256(s->d, (const unsigned char *)s->val, s->len);
	failed(se, judge_revoked(se, s));
	if (s->strong)
		failed(se, judge_strong(se, s));
	failed(se, judge_scannable(se, s));
}

/* Limits of the integer args. HG_FAIL with a finding if out of range. */
static int
judge_limits(struct se *se)
{
	static const struct {
		const char *arg;
		long long lo, hi;
	} lim[] = { { "min_length", 1, 4096 }, { "min_entropy", 0, 4096 } };
	int r = HG_PASS;

	for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		long long v = hg_arg_int(se->ctx, se->a, lim[i].arg, lim[i].lo);

		if (v >= lim[i].lo && v <= lim[i].hi)
			continue;
		hg_finding(se->ctx, se->id, HG_SEV_FAIL, hg_arg_where(se->ctx, se->a, lim[i].arg),
			   "correct it in the policy", "%s = %lld is out of range %lld..%lld",
			   lim[i].arg, v, lim[i].lo,
			   lim[i].hi);
		r = HG_FAIL;
	}
	return r;
}

static int
setup(struct se *se)
{
	collect(se, "require_env", 0);
	collect(se, "strong", 1);
	collect(se, "distinct", 0);
	if (se->n == 0 && se->r == HG_PASS) {
		hg_finding(se->ctx, se->id, HG_SEV_FAIL, hg_arg_where(se->ctx, se->a, "require_env"),
			   "name the variables in require_env, strong or distinct",
			   "secretenv names no variable");
		failed(se, HG_FAIL);
	}
	failed(se, resolve_owner(se));
	failed(se, judge_limits(se));
	return se->r;
}

static int
check(struct hg_ctx *ctx, const struct hg_args *a)
{
	struct se *se;
	int r;

	if (sodium_init() < 0) {
		hg_finding(ctx, DEFAULT_ID, HG_SEV_FAIL, NULL, "check that /dev/urandom is readable",
			   "libsodium cannot be initialised");
		return HG_ERROR;
	}
	/* no values in it, only pointers and digests: wiped, not locked */
	if ((se = calloc(1, sizeof(*se))) == NULL) {
		hg_finding(ctx, DEFAULT_ID, HG_SEV_FAIL, NULL, NULL, "out of memory");
		return HG_ERROR;
	}
	se->ctx = ctx;
	se->a = a;
	se->id = hg_arg_str(ctx, a, "id") ? hg_arg_str(ctx, a, "id") : DEFAULT_ID;
	if (setup(se) == HG_PASS) {
		resolve_values(se);
		for (size_t i = 0; i < se->n; i++)
			judge_secret(se, &se->s[i]);
		judge_distinct(se);
		judge_others(se);
		judge_files(se);
	}
	r = se->r;
	sodium_free(se->envbuf);	/* wipes */
	sodium_memzero(se, sizeof(*se));
	free(se);
	return r;
}

const struct hg_module hg_module_secretenv = {
	.abi = HG_MODULE_ABI,
	.name = "secretenv",
	.phases = HG_PHASES_ALL,
	.steps = 0,
	.args = args,
	.ids = ids,
	.check = check,
	.apply = NULL,
	.describe = NULL,
};
