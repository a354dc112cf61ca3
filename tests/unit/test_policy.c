/* test_policy.c - the policy loader: shape, strictness, trust, every error path. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"
#include "report.h"
#include "run.h"
#include "testutil.h"

/* Load TEXT as DIR/hardgate.conf; returns the loader's result. */
static int
load(const char *text, struct hg_policy **p, struct hg_error *e)
{
	char *dir = hgt_tmpdir();
	char *conf = hgt_write(dir, "hardgate.conf", text, 0644);
	int r;

	memset(e, 0, sizeof(*e));
	r = hg_policy_load(conf, p, e);
	if (r < 0)
		fprintf(stderr, "    (%s %s %s; fix: %s)\n", e->id, e->where, e->msg, e->fix);
	free(conf);
	hgt_rmrf(dir);
	return r;
}

/* TEXT must be refused with ID, at line LINE (0: any), message containing SUB. */
static void
refused(const char *text, const char *id, int line, const char *sub)
{
	struct hg_policy *p = NULL;
	struct hg_error e;
	char want[32];

	CU_ASSERT_TRUE(load(text, &p, &e) < 0);
	CU_ASSERT_PTR_NULL(p);
	CU_ASSERT_STRING_EQUAL(e.id, id);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, sub));
	CU_ASSERT_TRUE(e.fix[0] != '\0');
	if (line) {
		snprintf(want, sizeof(want), ":%d", line);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.where, want));
	}
	hg_policy_free(p);
}

#define SVC(body) "services: { s: { stack = ( { module = \"fake\"; control = \"required\";" body " } ); }; };\n"

static void
test_policy_loads_design_shape(void)
{
	struct hg_policy *p = NULL;
	struct hg_error e;
	const char *text =
		"hardgate: { mode = \"warn\"; module_dir = \"/opt/m\";\n"
		"  log: { syslog = false; json = \"/var/log/hg.jsonl\"; }; };\n"
		"services: {\n"
		"  dbward-server: {\n"
		"    match: { exe = \"/usr/bin/dbward\"; argv = [ \"server\" ]; };\n"
		"    phase = \"launch\";\n"
		"    stack = (\n"
		"      { module = \"keyfile\"; control = \"requisite\";\n"
		"        args: { path = \"/k\"; mode = \"0600\"; n = 5; b = true; l = [\"a\", \"b\"]; }; },\n"
		"      { module = \"coredump\"; control = \"optional\"; }\n"
		"    );\n  };\n};\n";

	CU_ASSERT_EQUAL_FATAL(load(text, &p, &e), 0);
	CU_ASSERT_EQUAL(p->mode, HG_MODE_WARN);
	CU_ASSERT_STRING_EQUAL(p->module_dir, "/opt/m");
	CU_ASSERT_EQUAL(p->log_syslog, 0);
	CU_ASSERT_STRING_EQUAL(p->log_json, "/var/log/hg.jsonl");
	CU_ASSERT_EQUAL_FATAL(p->nsvc, 1);
	const struct hg_service *s = hg_policy_service(p, "dbward-server");
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_STRING_EQUAL(s->exe, "/usr/bin/dbward");
	CU_ASSERT_EQUAL(s->nargv, 1);
	CU_ASSERT_STRING_EQUAL(s->argv[0], "server");
	CU_ASSERT_EQUAL(s->phase, HG_PHASE_LAUNCH);
	CU_ASSERT_EQUAL_FATAL(s->nstack, 2);
	CU_ASSERT_STRING_EQUAL(s->stack[0].module, "keyfile");
	CU_ASSERT_EQUAL(s->stack[0].control, HG_CTL_REQUISITE);
	CU_ASSERT_EQUAL(s->stack[0].args.n, 5);
	CU_ASSERT_PTR_NOT_NULL(strstr(s->stack[0].args.v[0].where, ":9"));
	CU_ASSERT_EQUAL(s->stack[1].control, HG_CTL_OPTIONAL);
	hg_policy_free(p);
}

static void
test_policy_defaults(void)
{
	struct hg_policy *p = NULL;
	struct hg_error e;

	CU_ASSERT_EQUAL_FATAL(load(SVC(""), &p, &e), 0);
	CU_ASSERT_EQUAL(p->mode, HG_MODE_ENFORCE);
	CU_ASSERT_STRING_EQUAL(p->module_dir, HG_MODULE_DIR);
	CU_ASSERT_EQUAL(p->log_syslog, 1);
	CU_ASSERT_PTR_NULL(p->log_json);
	CU_ASSERT_EQUAL(p->svc[0].phase, HG_PHASE_START);
	hg_policy_free(p);
}

static void
test_policy_refuses_syntax_error_with_line(void)
{
	refused("hardgate: {\n mode = \"enforce\";\n  mode2 = ;\n};\n", "HG-002", 3, "does not parse");
}

static void
test_policy_refuses_unknown_keys(void)
{
	refused("hardgate: { mode = \"enforce\"; modes = \"x\"; };\n", "HG-002", 1,
		"unknown key 'modes'");
	refused("colour = 1;\n", "HG-002", 1, "unknown key 'colour'");
	refused("hardgate: { log: { syslog = true; file = \"/x\"; }; };\n", "HG-002", 1,
		"unknown key 'file'");
	refused("services: { s: { stack = ( { module = \"fake\"; control = \"required\"; "
		"arg: { }; } ); }; };\n", "HG-002", 1, "unknown key 'arg'");
	refused("services: { s: { stak = (); }; };\n", "HG-002", 1, "unknown key 'stak'");
	refused("services: { s: { match: { exe = \"/x\"; uid = 0; }; stack = ( { module = \"fake\"; "
		"control = \"required\"; } ); }; };\n", "HG-002", 1, "unknown key 'uid'");
}

static void
test_policy_refuses_wrong_types_and_values(void)
{
	refused("hardgate: { mode = 1; };\n", "HG-002", 1, "'mode' must be a string");
	refused("hardgate: { mode = \"permissive\"; };\n", "HG-002", 1, "unknown value");
	refused("hardgate: { module_dir = \"lib/m\"; };\n", "HG-002", 1, "absolute path");
	refused("hardgate: { log: { syslog = \"yes\"; }; };\n", "HG-002", 1, "true or false");
	refused("hardgate = 5;\n", "HG-002", 1, "'hardgate' must be a group");
	refused("services: { s: { stack = { module = \"fake\"; }; }; };\n", "HG-002", 1,
		"must be a list");
	refused("services: { s: { stack = ( ); }; };\n", "HG-002", 1, "is empty");
	refused("services: { s: { phase = \"start\"; }; };\n", "HG-002", 1, "has no stack");
	refused("services: { s: { phase = \"boot\"; stack = ( { module = \"fake\"; control = "
		"\"required\"; } ); }; };\n", "HG-002", 1, "unknown value \"boot\"");
	refused("services: { s: { stack = ( 5 ); }; };\n", "HG-002", 1, "must be a group");
	refused("services: { s: { stack = ( { control = \"required\"; } ); }; };\n", "HG-002", 1,
		"has no module");
	refused("services: { s: { stack = ( { module = \"../evil\"; control = \"required\"; } ); "
		"}; };\n", "HG-002", 1, "bad module name");
	refused("services: { s: { stack = ( { module = \"fake\"; } ); }; };\n", "HG-002", 1,
		"no control flag");
	refused(SVC("control2 = 1;"), "HG-002", 1, "unknown key");
	refused("services: { s: { stack = ( { module = \"fake\"; control = \"mandatory\"; } ); }; "
		"};\n", "HG-002", 1, "unknown value \"mandatory\"");
	refused(SVC("args = 5;"), "HG-002", 1, "'args' must be a group");
	refused(SVC("args: { x = 1.5; };"), "HG-002", 1, "unsupported type");
	refused(SVC("args: { x = ( \"a\", 1 ); };"), "HG-002", 1, "list of strings");
	refused("services: { s: { match: { }; stack = ( { module = \"fake\"; control = "
		"\"required\"; } ); }; };\n", "HG-002", 1, "match block is empty");
	refused("services: { s: { match: { exe = \"dbward\"; }; stack = ( { module = \"fake\"; "
		"control = \"required\"; } ); }; };\n", "HG-002", 1, "absolute path");
}

static void
test_policy_refuses_duplicate_key(void)
{
	refused("hardgate: { mode = \"enforce\"; mode = \"warn\"; };\n", "HG-002", 0,
		"does not parse");
}

static void
test_policy_refuses_include(void)
{
	refused("hardgate: { mode = \"enforce\"; };\n  @include \"/tmp/evil.conf\"\n", "HG-002", 2,
		"@include");
}

static void
test_policy_refuses_nul_byte_and_binary(void)
{
	char *dir = hgt_tmpdir(), *path = hgt_path(dir, "hardgate.conf");
	struct hg_policy *p = NULL;
	struct hg_error e = { 0 };
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fwrite("hardgate: {\0};\n", 1, 15, f);
	fclose(f);
	chmod(path, 0644);
	CU_ASSERT_TRUE(hg_policy_load(path, &p, &e) < 0);
	CU_ASSERT_STRING_EQUAL(e.id, "HG-002");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "NUL"));
	free(path);
	hgt_rmrf(dir);
}

static void
test_policy_refuses_huge_file(void)
{
	char *dir = hgt_tmpdir(), *path = hgt_path(dir, "hardgate.conf");
	struct hg_policy *p = NULL;
	struct hg_error e = { 0 };
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (int i = 0; i < (5 << 20) / 64; i++)
		fputs("# ............................................................\n", f);
	fclose(f);
	chmod(path, 0644);
	CU_ASSERT_EQUAL(hg_policy_load(path, &p, &e), -EFBIG);
	CU_ASSERT_STRING_EQUAL(e.id, "HG-001");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.fix, "4 MiB"));
	free(path);
	hgt_rmrf(dir);
}

static void
test_policy_refuses_missing_file(void)
{
	struct hg_policy *p = NULL;
	struct hg_error e = { 0 };

	CU_ASSERT_EQUAL(hg_policy_load("/nonexistent/hardgate.conf", &p, &e), -ENOENT);
	CU_ASSERT_STRING_EQUAL(e.id, "HG-001");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "/nonexistent"));
}

static void
test_policy_refuses_relative_path(void)
{
	struct hg_policy *p = NULL;
	struct hg_error e = { 0 };

	CU_ASSERT_TRUE(hg_policy_load("etc/hardgate.conf", &p, &e) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "not absolute"));
}

/* Trust: owner, mode, symlink, parent directory. */
static void
test_policy_refuses_untrusted_files(void)
{
	char *dir = hgt_tmpdir(), *conf = hgt_write(dir, "hardgate.conf", SVC(""), 0644);
	char *link = hgt_path(dir, "link.conf");
	struct hg_policy *p = NULL;
	struct hg_error e = { 0 };

	chmod(conf, 0664);
	CU_ASSERT_EQUAL(hg_policy_load(conf, &p, &e), -EPERM);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "group/world-writable"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.fix, "chmod 0644"));
	chmod(conf, 0646);
	CU_ASSERT_EQUAL(hg_policy_load(conf, &p, &e), -EPERM);
	chmod(conf, 0644);
	CU_ASSERT_EQUAL(hg_policy_load(conf, &p, &e), 0);
	hg_policy_free(p);
	p = NULL;
	CU_ASSERT_EQUAL(symlink(conf, link), 0);
	CU_ASSERT_TRUE(hg_policy_load(link, &p, &e) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "symbolic link"));
	chmod(dir, 0775);
	CU_ASSERT_EQUAL(hg_policy_load(conf, &p, &e), -EPERM);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "directory"));
	chmod(dir, 0755);
	if (hgt_root()) {
		CU_ASSERT_EQUAL(chown(conf, 65534, 65534), 0);
		CU_ASSERT_EQUAL(hg_policy_load(conf, &p, &e), -EPERM);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "owned by uid 65534"));
		CU_ASSERT_STRING_EQUAL(e.id, "HG-001");
	}
	free(conf);
	free(link);
	hgt_rmrf(dir);
}

static void
test_policy_reads_services_d_sorted(void)
{
	char *dir = hgt_tmpdir(), *sd = hgt_path(dir, "services.d");
	char *conf, *a, *b, *x;
	struct hg_policy *p = NULL;
	struct hg_error e = { 0 };

	mkdir(sd, 0755);
	conf = hgt_write(dir, "hardgate.conf", "hardgate: { mode = \"audit\"; };\n", 0644);
	b = hgt_write(sd, "20-b.conf", "services: { bb: { stack = ( { module = \"fake\"; control = "
		      "\"required\"; } ); }; };\n", 0644);
	a = hgt_write(sd, "10-a.conf", "services: { aa: { stack = ( { module = \"fake\"; control = "
		      "\"required\"; } ); }; };\n", 0644);
	x = hgt_write(sd, "notes.txt", "not a policy", 0644);
	CU_ASSERT_EQUAL_FATAL(hg_policy_load(conf, &p, &e), 0);
	CU_ASSERT_EQUAL(p->mode, HG_MODE_AUDIT);
	CU_ASSERT_EQUAL_FATAL(p->nsvc, 2);
	CU_ASSERT_STRING_EQUAL(p->svc[0].name, "aa");
	CU_ASSERT_STRING_EQUAL(p->svc[1].name, "bb");
	CU_ASSERT_PTR_NOT_NULL(strstr(p->svc[0].where, "10-a.conf:1"));
	hg_policy_free(p);
	free(conf);
	free(a);
	free(b);
	free(x);
	free(sd);
	hgt_rmrf(dir);
}

static void
test_policy_refuses_bad_services_d(void)
{
	char *dir = hgt_tmpdir(), *sd = hgt_path(dir, "services.d");
	char *conf, *a, *evil, *link;
	struct hg_policy *p = NULL;
	struct hg_error e = { 0 };

	mkdir(sd, 0755);
	conf = hgt_write(dir, "hardgate.conf", SVC(""), 0644);
	/* duplicate service across files */
	a = hgt_write(sd, "a.conf", SVC(""), 0644);
	CU_ASSERT_TRUE(hg_policy_load(conf, &p, &e) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "defined twice"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.fix, "hardgate.conf:1"));
	unlink(a);
	free(a);
	/* a drop-in may not set hardgate { } */
	a = hgt_write(sd, "a.conf", "hardgate: { mode = \"audit\"; };\n", 0644);
	CU_ASSERT_TRUE(hg_policy_load(conf, &p, &e) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "unknown key 'hardgate'"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.where, "a.conf:1"));
	unlink(a);
	/* a world-writable drop-in */
	chmod(a, 0666);
	free(a);
	a = hgt_write(sd, "a.conf", "services: { }; \n", 0666);
	CU_ASSERT_TRUE(hg_policy_load(conf, &p, &e) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "group/world-writable"));
	unlink(a);
	/* a symlinked drop-in pointing outside */
	evil = hgt_write(dir, "evil.conf", "services: { }; \n", 0644);
	link = hgt_path(sd, "b.conf");
	CU_ASSERT_EQUAL(symlink(evil, link), 0);
	CU_ASSERT_TRUE(hg_policy_load(conf, &p, &e) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "symbolic link"));
	unlink(link);
	/* a group-writable services.d */
	chmod(sd, 0775);
	CU_ASSERT_TRUE(hg_policy_load(conf, &p, &e) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "services.d"));
	CU_ASSERT_PTR_NULL(p);
	free(a);
	free(evil);
	free(link);
	free(conf);
	free(sd);
	hgt_rmrf(dir);
}

static void
test_policy_hardgate_conf_env_overrides_default(void)
{
	setenv("HARDGATE_CONF", "/etc/elsewhere.conf", 1);
	CU_ASSERT_STRING_EQUAL(hg_default_conf(), "/etc/elsewhere.conf");
	unsetenv("HARDGATE_CONF");
	CU_ASSERT_STRING_EQUAL(hg_default_conf(), HG_CONF_FILE);
}

/* Policy text is UTF-8: anything else is refused naming the line. */
static void
test_policy_refuses_bytes_that_are_not_utf8(void)
{
	static const char *const bad[] = {
		"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "\x80",
		"\xf8\x88\x80\x80\x80", NULL,
	};
	struct hg_policy *p = NULL;
	struct hg_error e;
	char text[256];

	for (const char *const *b = bad; *b; b++) {
		snprintf(text, sizeof(text), "# ok\n# %s\nservices: { };\n", *b);
		refused(text, "HG-002", 2, "not UTF-8");
	}
	/* 2-, 3- and 4-byte sequences at the edges of their ranges are fine */
	CU_ASSERT_EQUAL(load("# caf\xc3\xa9 \xe2\x9c\x93 \xed\x9f\xbf \xf0\x9d\x84\x9e \xf4\x8f\xbf\xbf\n"
			     "services: { };\n", &p, &e), 0);
	hg_policy_free(p);
}

/*
 * Found by fuzz_policy: a policy value holding a newline (libconfig takes
 * one raw or as \n) was echoed into the refusal, which then printed as two
 * lines, the second one the input's: a forged "allowed" line in the log.
 */
static void
test_policy_refusal_prints_as_one_line_whatever_the_value_holds(void)
{
	struct hg_policy *p = NULL;
	struct hg_error e;
	char *out = NULL;
	size_t len = 0;
	FILE *m;

	CU_ASSERT_TRUE_FATAL(load("hardgate: { mode = \"x\\nhardgate[s]: allowed\\x1b[2K\"; };\n",
				  &p, &e) < 0);
	CU_ASSERT_PTR_NOT_NULL(strchr(e.msg, '\n'));	/* the value, as written */
	CU_ASSERT_PTR_NOT_NULL_FATAL(m = open_memstream(&out, &len));
	hg_report_error(m, "s", &e);
	fclose(m);
	CU_ASSERT_TRUE_FATAL(len > 0 && out[len - 1] == '\n');
	CU_ASSERT_PTR_NULL(memchr(out, '\n', len - 1));
	CU_ASSERT_PTR_NULL(memchr(out, '\x1b', len));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "x\\nhardgate[s]: allowed\\x1b[2K"));
	free(out);
}

void
hgt_suite_policy(void)
{
	CU_pSuite s = CU_add_suite("policy", NULL, NULL);

	HGT_ADD(s, test_policy_loads_design_shape);
	HGT_ADD(s, test_policy_defaults);
	HGT_ADD(s, test_policy_refuses_syntax_error_with_line);
	HGT_ADD(s, test_policy_refuses_unknown_keys);
	HGT_ADD(s, test_policy_refuses_wrong_types_and_values);
	HGT_ADD(s, test_policy_refuses_duplicate_key);
	HGT_ADD(s, test_policy_refuses_include);
	HGT_ADD(s, test_policy_refuses_nul_byte_and_binary);
	HGT_ADD(s, test_policy_refuses_huge_file);
	HGT_ADD(s, test_policy_refuses_missing_file);
	HGT_ADD(s, test_policy_refuses_relative_path);
	HGT_ADD(s, test_policy_refuses_untrusted_files);
	HGT_ADD(s, test_policy_reads_services_d_sorted);
	HGT_ADD(s, test_policy_refuses_bad_services_d);
	HGT_ADD(s, test_policy_hardgate_conf_env_overrides_default);
	HGT_ADD(s, test_policy_refusal_prints_as_one_line_whatever_the_value_holds);
	HGT_ADD(s, test_policy_refuses_bytes_that_are_not_utf8);
}
