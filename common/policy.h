/*
 * policy.h - the policy (design.md section 3), read strictly with libconfig
 * into plain structs that outlive the libconfig parse.
 */
#ifndef HG_COMMON_POLICY_H
#define HG_COMMON_POLICY_H

#include <stddef.h>
#include <hardgate/module.h>

#include "error.h"

#define HG_POLICY_MAX_BYTES (4u << 20)	/* conventions.md: 4 MiB */

enum hg_control {
	HG_CTL_REQUIRED = 1,
	HG_CTL_REQUISITE,
	HG_CTL_SUFFICIENT,
	HG_CTL_OPTIONAL,
};

enum hg_mode {
	HG_MODE_ENFORCE = 1,	/* refuse on a denied stack */
	HG_MODE_WARN,		/* apply, report, start anyway */
	HG_MODE_AUDIT,		/* check and report only; apply nothing */
};

/* One module argument as written in the policy. */
struct hg_argval {
	char *name;
	enum hg_arg_type type;	/* STRING, BOOL, INT or LIST as written */
	char *str;
	long long num;		/* INT, BOOL; MODE bits once validated */
	char **list;
	size_t nlist;
	char *where;		/* "file:line" */
};

struct hg_args {
	struct hg_argval *v;
	size_t n;
	const char *where;	/* of the stack entry (borrowed) */
};

struct hg_entry {
	char *module;
	enum hg_control control;
	struct hg_args args;
	char *where;
};

struct hg_service {
	char *name;
	int has_match;
	char *exe;		/* match.exe, or NULL */
	char **argv;		/* match.argv, NULL-terminated */
	size_t nargv;
	enum hg_phase phase;
	struct hg_entry *stack;
	size_t nstack;
	char *where;
};

struct hg_policy {
	char *path;		/* main file */
	enum hg_mode mode;
	char *module_dir;
	int log_syslog;
	char *log_json;		/* JSON lines decision log, or NULL */
	char *revoked_dir;	/* revocation list (revoke.h) */
	char *attest_dir;	/* attestation key and records (attest.h) */
	char *log_journal;	/* journald's native socket, NULL: the default */
	struct hg_service *svc;
	size_t nsvc;
};

/*
 * Load PATH and its services.d/ (sorted *.conf beside it). Every file must
 * be root-owned, not group/world-writable, reached through trusted
 * directories, at most 4 MiB. Unknown keys, wrong types, bad values and
 * duplicate services are errors naming file:line and the fix.
 */
int hg_policy_load(const char *path, struct hg_policy **out, struct hg_error *e);

/*
 * Parse the LEN bytes of file NAME read into TEXT (NUL-terminated after
 * LEN): refuses a NUL byte and bytes that are not UTF-8, then
 * hg_policy_parse(). What hg_policy_load() does with each file it reads.
 */
int hg_policy_parse_bytes(struct hg_policy *p, const char *name, const char *text, size_t len,
			  int main_file, struct hg_error *e);

/* Parse one policy from memory (no trust checks); MAIN 0 for a services.d file. */
int hg_policy_parse(struct hg_policy *p, const char *name, const char *text, int main_file,
		    struct hg_error *e);

struct hg_policy *hg_policy_new(void);
void hg_policy_free(struct hg_policy *p);

const struct hg_service *hg_policy_service(const struct hg_policy *p, const char *name);

/* The service NAME, or NULL with E filled (HG-005, unknown service, and the fix). */
const struct hg_service *hg_policy_require(const struct hg_policy *p, const char *name,
					   struct hg_error *e);

const char *hg_control_name(enum hg_control c);
const char *hg_mode_name(enum hg_mode m);
const char *hg_phase_name(enum hg_phase ph);

#endif
