/*
 * policy.c - read the policy strictly (design.md section 3).
 *
 * Each file is opened by a trusted walk, read whole into memory from that
 * fd and parsed from memory, so what is checked is what is parsed. The
 * libconfig tree is then copied into struct hg_policy and walked against a
 * fixed schema: any key the schema does not know is an error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer.h"
#include "policy.h"
#include "safefile.h"
#include "util.h"

#define ID_READ "HG-001"
#define ID_SCHEMA "HG-002"
#define MAX_DROPINS 256

struct pctx {
	struct hg_policy *p;
	const char *file;
	struct hg_error *e;
};

static char *
where_of(const struct pctx *c, const config_setting_t *s)
{
	char *w;

	if (asprintf(&w, "%s:%u", c->file, s ? config_setting_source_line(s) : 0) < 0)
		return NULL;
	return w;
}

static int schema_err(const struct pctx *c, const config_setting_t *s, const char *fix,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
schema_err(const struct pctx *c, const config_setting_t *s, const char *fix,
	   const char *fmt, ...)
{
	char w[512], msg[512];
	va_list ap;

	snprintf(w, sizeof(w), "%s:%u", c->file, s ? config_setting_source_line(s) : 0);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return hg_error_set(c->e, EINVAL, ID_SCHEMA, w, fix, "%s", msg);
}

/* Every member of group G must be one of the NULL-terminated KEYS. */
static int
only_keys(const struct pctx *c, const config_setting_t *g, const char *what,
	  const char *const *keys, const char *allowed)
{
	for (int i = 0; i < config_setting_length(g); i++) {
		config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *n = config_setting_name(m);
		int ok = 0;

		for (const char *const *k = keys; *k && !ok; k++)
			ok = n && strcmp(n, *k) == 0;
		if (!ok) {
			char fix[256];

			snprintf(fix, sizeof(fix), "remove it (allowed in %s: %s)", what, allowed);
			return schema_err(c, m, fix, "unknown key '%s' in %s", n ? n : "?", what);
		}
	}
	return 0;
}

static int
want_type(const struct pctx *c, const config_setting_t *s, int type, const char *tname)
{
	if (config_setting_type(s) == type)
		return 0;
	return schema_err(c, s, "write it as the type shown", "'%s' must be %s",
			  config_setting_name(s) ? config_setting_name(s) : "element", tname);
}

static int
get_string(const struct pctx *c, const config_setting_t *g, const char *key, char **out)
{
	config_setting_t *s = config_setting_get_member(g, key);
	int r;

	if (s == NULL)
		return 0;
	if ((r = want_type(c, s, CONFIG_TYPE_STRING, "a string")) < 0)
		return r;
	free(*out);
	if ((*out = strdup(config_setting_get_string(s))) == NULL)
		return -ENOMEM;
	return 1;
}

static int
get_abs_path(const struct pctx *c, const config_setting_t *g, const char *key, char **out)
{
	int r = get_string(c, g, key, out);

	if (r > 0 && (*out)[0] != '/')
		return schema_err(c, config_setting_get_member(g, key), "use an absolute path",
				  "'%s' must be an absolute path, got \"%s\"", key, *out);
	return r;
}

/* Match a string value against CHOICES; index into *out. */
static int
get_choice(const struct pctx *c, const config_setting_t *g, const char *key,
	   const char *const *choices, const char *list, int *out)
{
	config_setting_t *s = config_setting_get_member(g, key);
	const char *v;
	int r;

	if (s == NULL)
		return 0;
	if ((r = want_type(c, s, CONFIG_TYPE_STRING, "a string")) < 0)
		return r;
	v = config_setting_get_string(s);
	for (int i = 0; choices[i]; i++)
		if (strcmp(v, choices[i]) == 0) {
			*out = i + 1;
			return 1;
		}
	{
		char fix[128];

		snprintf(fix, sizeof(fix), "use one of %s", list);
		return schema_err(c, s, fix, "'%s' has unknown value \"%s\"", key, v);
	}
}

HG_LEAK_FP_BEGIN	/* analyzer.h: a loop fills the array */
static int
str_list(const struct pctx *c, const config_setting_t *s, char ***out, size_t *n)
{
	int len, t = config_setting_type(s);
	char **v;

	if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
		return schema_err(c, s, "write [ \"a\", \"b\" ]", "'%s' must be a list of strings",
				  config_setting_name(s) ? config_setting_name(s) : "?");
	len = config_setting_length(s);
	if ((v = calloc((size_t)len + 1, sizeof(*v))) == NULL)
		return -ENOMEM;
	*out = v;
	*n = (size_t)len;
	for (int i = 0; i < len; i++) {
		config_setting_t *el = config_setting_get_elem(s, (unsigned)i);

		if (config_setting_type(el) != CONFIG_TYPE_STRING)
			return schema_err(c, el, "write [ \"a\", \"b\" ]",
					  "'%s' must be a list of strings",
					  config_setting_name(s) ? config_setting_name(s) : "?");
		if ((v[i] = strdup(config_setting_get_string(el))) == NULL)
			return -ENOMEM;
	}
	return 0;
}
HG_LEAK_FP_END

static const char *const hardgate_keys[] = {
	"mode", "module_dir", "revoked_dir", "attest_dir", "log", NULL
};
static const char *const log_keys[] = { "syslog", "json", "journal", NULL };
static const char *const mode_names[] = { "enforce", "warn", "audit", NULL };
static const char *const phase_names[] = { "start", "launch", NULL };
static const char *const control_names[] = {
	"required", "requisite", "sufficient", "optional", NULL
};

static int
parse_hardgate(const struct pctx *c, const config_setting_t *g)
{
	struct hg_policy *p = c->p;
	config_setting_t *log;
	int r, v;

	if ((r = want_type(c, g, CONFIG_TYPE_GROUP, "a group { ... }")) < 0)
		return r;
	if ((r = only_keys(c, g, "hardgate", hardgate_keys,
			    "mode, module_dir, revoked_dir, attest_dir, log")) < 0)
		return r;
	if ((r = get_choice(c, g, "mode", mode_names, "enforce, warn, audit", &v)) < 0)
		return r;
	if (r > 0)
		p->mode = (enum hg_mode)v;
	if ((r = get_abs_path(c, g, "module_dir", &p->module_dir)) < 0 ||
	    (r = get_abs_path(c, g, "revoked_dir", &p->revoked_dir)) < 0 ||
	    (r = get_abs_path(c, g, "attest_dir", &p->attest_dir)) < 0)
		return r;
	if ((log = config_setting_get_member(g, "log")) == NULL)
		return 0;
	if ((r = want_type(c, log, CONFIG_TYPE_GROUP, "a group { ... }")) < 0)
		return r;
	if ((r = only_keys(c, log, "hardgate.log", log_keys, "syslog, json, journal")) < 0)
		return r;
	if (config_setting_get_member(log, "syslog")) {
		config_setting_t *s = config_setting_get_member(log, "syslog");

		if ((r = want_type(c, s, CONFIG_TYPE_BOOL, "true or false")) < 0)
			return r;
		p->log_syslog = config_setting_get_bool(s);
	}
	if ((r = get_abs_path(c, log, "json", &p->log_json)) < 0)
		return r;
	r = get_abs_path(c, log, "journal", &p->log_journal);
	return r < 0 ? r : 0;
}

static int
parse_argval(const struct pctx *c, const config_setting_t *s, struct hg_argval *a)
{
	if ((a->name = strdup(config_setting_name(s))) == NULL ||
	    (a->where = where_of(c, s)) == NULL)
		return -ENOMEM;
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_STRING:
		a->type = HG_ARG_STRING;
		return (a->str = strdup(config_setting_get_string(s))) ? 0 : -ENOMEM;
	case CONFIG_TYPE_BOOL:
		a->type = HG_ARG_BOOL;
		a->num = config_setting_get_bool(s);
		return 0;
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		a->type = HG_ARG_INT;
		a->num = config_setting_get_int64(s);
		return 0;
	case CONFIG_TYPE_ARRAY:
	case CONFIG_TYPE_LIST:
		a->type = HG_ARG_LIST;
		return str_list(c, s, &a->list, &a->nlist);
	default:
		return schema_err(c, s, "use a string, boolean, integer or list of strings",
				  "module arg '%s' has an unsupported type", a->name);
	}
}

static int
parse_entry(const struct pctx *c, const config_setting_t *g, struct hg_entry *en)
{
	static const char *const keys[] = { "module", "control", "args", NULL };
	config_setting_t *args;
	int r, v = 0;

	if ((en->where = where_of(c, g)) == NULL)
		return -ENOMEM;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return schema_err(c, g, "write { module = \"...\"; control = \"required\"; }",
				  "stack entry must be a group { ... }");
	if ((r = only_keys(c, g, "stack entry", keys, "module, control, args")) < 0)
		return r;
	if ((r = get_string(c, g, "module", &en->module)) < 0)
		return r;
	if (r == 0)
		return schema_err(c, g, "add module = \"NAME\";", "stack entry has no module");
	if (en->module[0] == '\0' || strspn(en->module, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
	    strlen(en->module))
		return schema_err(c, config_setting_get_member(g, "module"),
				  "module names are lowercase letters, digits and _",
				  "bad module name \"%s\"", en->module);
	if ((r = get_choice(c, g, "control", control_names,
			    "required, requisite, sufficient, optional", &v)) < 0)
		return r;
	if (r == 0)
		return schema_err(c, g, "add control = \"required\";",
				  "stack entry for module '%s' has no control flag", en->module);
	en->control = (enum hg_control)v;
	en->args.where = en->where;
	if ((args = config_setting_get_member(g, "args")) == NULL)
		return 0;
	if ((r = want_type(c, args, CONFIG_TYPE_GROUP, "a group { ... }")) < 0)
		return r;
	en->args.n = (size_t)config_setting_length(args);
	if ((en->args.v = calloc(en->args.n + 1, sizeof(*en->args.v))) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < en->args.n; i++)
		if ((r = parse_argval(c, config_setting_get_elem(args, (unsigned)i),
				      &en->args.v[i])) < 0)
			return r;
	return 0;
}

static int
parse_match(const struct pctx *c, const config_setting_t *m, struct hg_service *sv)
{
	static const char *const keys[] = { "exe", "argv", NULL };
	config_setting_t *a;
	int r;

	if ((r = want_type(c, m, CONFIG_TYPE_GROUP, "a group { ... }")) < 0)
		return r;
	if ((r = only_keys(c, m, "match", keys, "exe, argv")) < 0)
		return r;
	if ((r = get_abs_path(c, m, "exe", &sv->exe)) < 0)
		return r;
	if ((a = config_setting_get_member(m, "argv")) != NULL &&
	    (r = str_list(c, a, &sv->argv, &sv->nargv)) < 0)
		return r;
	if (sv->exe == NULL && sv->nargv == 0)
		return schema_err(c, m, "give exe, argv or both", "match block is empty");
	sv->has_match = 1;
	return 0;
}

static int
parse_service(const struct pctx *c, const config_setting_t *g, struct hg_service *sv)
{
	static const char *const keys[] = { "match", "phase", "stack", NULL };
	config_setting_t *m, *st;
	int r, v = 0;

	if ((sv->name = strdup(config_setting_name(g))) == NULL ||
	    (sv->where = where_of(c, g)) == NULL)
		return -ENOMEM;
	sv->phase = HG_PHASE_START;
	if ((r = want_type(c, g, CONFIG_TYPE_GROUP, "a group { ... }")) < 0)
		return r;
	if ((r = only_keys(c, g, "a service", keys, "match, phase, stack")) < 0)
		return r;
	if ((m = config_setting_get_member(g, "match")) && (r = parse_match(c, m, sv)) < 0)
		return r;
	if ((r = get_choice(c, g, "phase", phase_names, "start, launch", &v)) < 0)
		return r;
	if (r > 0)
		sv->phase = v == 1 ? HG_PHASE_START : HG_PHASE_LAUNCH;
	if ((st = config_setting_get_member(g, "stack")) == NULL)
		return schema_err(c, g, "add stack = ( { module = ...; control = ...; } );",
				  "service '%s' has no stack", sv->name);
	if (config_setting_type(st) != CONFIG_TYPE_LIST)
		return schema_err(c, st, "write stack = ( { ... }, { ... } );",
				  "stack of service '%s' must be a list ( ... )", sv->name);
	if (config_setting_length(st) == 0)
		return schema_err(c, st, "add at least one module",
				  "stack of service '%s' is empty", sv->name);
	sv->nstack = (size_t)config_setting_length(st);
	if ((sv->stack = calloc(sv->nstack, sizeof(*sv->stack))) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < sv->nstack; i++)
		if ((r = parse_entry(c, config_setting_get_elem(st, (unsigned)i), &sv->stack[i])) < 0)
			return r;
	return 0;
}

static int
parse_services(const struct pctx *c, const config_setting_t *g)
{
	struct hg_policy *p = c->p;
	size_t n;
	int r;

	if ((r = want_type(c, g, CONFIG_TYPE_GROUP, "a group { ... }")) < 0)
		return r;
	n = (size_t)config_setting_length(g);
	{
		struct hg_service *nv = realloc(p->svc, (p->nsvc + n) * sizeof(*nv) + 1);

		if (nv == NULL)
			return -ENOMEM;
		p->svc = nv;
	}
	for (size_t i = 0; i < n; i++) {
		config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const struct hg_service *dup = hg_policy_service(p, config_setting_name(s));
		struct hg_service *sv = &p->svc[p->nsvc];

		if (dup) {
			char fix[600];

			snprintf(fix, sizeof(fix), "rename one; the first is at %s", dup->where);
			return schema_err(c, s, fix, "service '%s' is defined twice",
					  config_setting_name(s));
		}
		memset(sv, 0, sizeof(*sv));
		p->nsvc++;
		if ((r = parse_service(c, s, sv)) < 0)
			return r;
	}
	return 0;
}

/* libconfig would follow @include by name, outside our trusted walk. */
static int
refuse_include(const struct pctx *c, const char *text)
{
	unsigned line = 1;

	for (const char *s = text; *s; line++) {
		const char *nl = strchr(s, '\n');

		s += strspn(s, " \t");
		if (strncmp(s, "@include", 8) == 0) {
			char w[512];

			snprintf(w, sizeof(w), "%s:%u", c->file, line);
			return hg_error_set(c->e, EINVAL, ID_SCHEMA, w,
					    "put the services in services.d/*.conf instead",
					    "@include is not allowed in a policy");
		}
		if (nl == NULL)
			break;
		s = nl + 1;
	}
	return 0;
}

int
hg_policy_parse(struct hg_policy *p, const char *name, const char *text, int main_file,
		struct hg_error *e)
{
	static const char *const main_keys[] = { "hardgate", "services", NULL };
	static const char *const dropin_keys[] = { "services", NULL };
	struct pctx c = { p, name, e };
	config_t cfg;
	config_setting_t *root, *s;
	int r;

	if ((r = refuse_include(&c, text)) < 0)
		return r;
	config_init(&cfg);
	if (config_read_string(&cfg, text) != CONFIG_TRUE) {
		char w[512];

		snprintf(w, sizeof(w), "%s:%d", name, config_error_line(&cfg));
		r = hg_error_set(e, EINVAL, ID_SCHEMA, w, "correct the syntax at that line",
				 "policy does not parse: %s", config_error_text(&cfg));
		goto out;
	}
	root = config_root_setting(&cfg);
	if (main_file)
		r = only_keys(&c, root, "the policy", main_keys, "hardgate, services");
	else
		r = only_keys(&c, root, "a services.d file", dropin_keys, "services");
	if (r < 0)
		goto out;
	if (main_file && (s = config_setting_get_member(root, "hardgate")) &&
	    (r = parse_hardgate(&c, s)) < 0)
		goto out;
	if ((s = config_setting_get_member(root, "services")) && (r = parse_services(&c, s)) < 0)
		goto out;
	r = 0;
out:
	config_destroy(&cfg);
	if (r == -ENOMEM)
		hg_error_set(e, ENOMEM, ID_SCHEMA, name, NULL, "out of memory");
	return r;
}

int
hg_policy_parse_bytes(struct hg_policy *p, const char *name, const char *text, size_t len,
		      int main_file, struct hg_error *e)
{
	size_t bad;
	char w[512];

	if (memchr(text, '\0', len) != NULL)
		return hg_error_set(e, EINVAL, ID_SCHEMA, name, "the policy is a text file",
				    "policy file %s contains a NUL byte", name);
	if ((bad = hg_utf8_check(text, len)) < len) {
		unsigned line = 1;

		for (size_t i = 0; i < bad; i++)
			line += text[i] == '\n';
		snprintf(w, sizeof(w), "%s:%u", name, line);
		return hg_error_set(e, EILSEQ, ID_SCHEMA, w, "write the policy in UTF-8",
				    "policy file %s is not UTF-8 (byte %zu)", name, bad + 1);
	}
	return hg_policy_parse(p, name, text, main_file, e);
}

/* Open, trust-check and parse one policy file. */
static int
load_file(struct hg_policy *p, const char *path, int main_file, struct hg_error *e)
{
	char *text;
	size_t len;
	int r;

	if ((r = hg_read_trusted(path, HG_POLICY_MAX_BYTES, "policy file", ID_READ, &text, &len,
				 e)) < 0)
		return r;
	r = hg_policy_parse_bytes(p, path, text, len, main_file, e);
	free(text);
	return r;
}

/* services.d/ beside the main file: sorted *.conf, each trusted like it. */
static int
load_dropins(struct hg_policy *p, const char *main_path, struct hg_error *e)
{
	const char *slash = strrchr(main_path, '/');
	char dir[4096], path[4352], **names;
	size_t n;
	int r;

	snprintf(dir, sizeof(dir), "%.*s/services.d", (int)(slash - main_path), main_path);
	if ((r = hg_list_trusted(dir, ".conf", MAX_DROPINS, ID_READ, &names, &n, e)) < 0)
		return r;
	for (size_t i = 0; i < n && r == 0; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		r = load_file(p, path, 0, e);
	}
	hg_names_free(names, n);
	return r;
}

struct hg_policy *
hg_policy_new(void)
{
	struct hg_policy *p = calloc(1, sizeof(*p));

	if (p == NULL)
		return NULL;
	p->mode = HG_MODE_ENFORCE;
	p->log_syslog = 1;
	if ((p->module_dir = strdup(HG_MODULE_DIR)) == NULL ||
	    (p->revoked_dir = strdup(HG_REVOKED_DIR)) == NULL ||
	    (p->attest_dir = strdup(HG_ATTEST_DIR)) == NULL) {
		free(p->module_dir);
		free(p->revoked_dir);
		free(p);
		return NULL;
	}
	return p;
}

int
hg_policy_load(const char *path, struct hg_policy **out, struct hg_error *e)
{
	struct hg_policy *p;
	int r;

	*out = NULL;
	if ((p = hg_policy_new()) == NULL || (p->path = hg_strdup0(path)) == NULL) {
		hg_policy_free(p);
		return hg_error_set(e, ENOMEM, ID_READ, path, NULL, "out of memory");
	}
	if ((r = load_file(p, path, 1, e)) < 0 || (r = load_dropins(p, path, e)) < 0) {
		hg_policy_free(p);
		return r;
	}
	*out = p;
	return 0;
}

static void
free_strv(char **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
free_args(struct hg_args *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].name);
		free(a->v[i].str);
		free(a->v[i].where);
		free_strv(a->v[i].list, a->v[i].nlist);
	}
	free(a->v);
}

void
hg_policy_free(struct hg_policy *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->nsvc; i++) {
		struct hg_service *s = &p->svc[i];

		for (size_t j = 0; j < s->nstack; j++) {
			free(s->stack[j].module);
			free(s->stack[j].where);
			free_args(&s->stack[j].args);
		}
		free(s->stack);
		free(s->name);
		free(s->exe);
		free(s->where);
		free_strv(s->argv, s->nargv);
	}
	free(p->svc);
	free(p->path);
	free(p->module_dir);
	free(p->log_json);
	free(p->revoked_dir);
	free(p->attest_dir);
	free(p->log_journal);
	free(p);
}

const struct hg_service *
hg_policy_service(const struct hg_policy *p, const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < p->nsvc; i++)
		if (strcmp(p->svc[i].name, name) == 0)
			return &p->svc[i];
	return NULL;
}

const struct hg_service *
hg_policy_require(const struct hg_policy *p, const char *name, struct hg_error *e)
{
	const struct hg_service *s = hg_policy_service(p, name);

	if (s == NULL)
		hg_error_set(e, ENOENT, "HG-005", p->path,
			     "define it in the policy or fix the name (hardgate list services)",
			     "unknown service '%s'", name ? name : "");
	return s;
}

const char *
hg_control_name(enum hg_control c)
{
	return c >= HG_CTL_REQUIRED && c <= HG_CTL_OPTIONAL ? control_names[c - 1] : "?";
}

const char *
hg_mode_name(enum hg_mode m)
{
	return m >= HG_MODE_ENFORCE && m <= HG_MODE_AUDIT ? mode_names[m - 1] : "?";
}

const char *
hg_phase_name(enum hg_phase ph)
{
	return ph == HG_PHASE_START ? "start" : ph == HG_PHASE_LAUNCH ? "launch" : "?";
}
