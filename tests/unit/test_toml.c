/*
 * test_toml.c - the strict TOML reader's API: positions of keys and values,
 * lookups, document order, typed reads, and refusals with NAME:LINE:COL.
 * The grammar itself is compared with tomli in tests/toml/difftest.sh.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "toml.h"

/* Parse TEXT from an exact-size heap copy (ASan sees any read past it). */
static int
parse(const char *text, size_t len, struct hg_toml **doc, struct hg_error *e)
{
	char *copy = malloc(len ? len : 1);
	int r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	memcpy(copy, text, len);
	hg_error_clear(e);
	r = hg_toml_parse("cfg.toml", copy, len, doc, e);
	free(copy);
	return r;
}

static struct hg_toml *
parse_ok(const char *text)
{
	struct hg_toml *doc = NULL;
	struct hg_error e;

	if (parse(text, strlen(text), &doc, &e) < 0)
		fprintf(stderr, "\n  unexpected error: %s %s; fix: %s\n", e.where, e.msg, e.fix);
	CU_ASSERT_PTR_NOT_NULL(doc);
	return doc;
}

/* Parse TEXT[0..LEN), expect a refusal at WHERE ("cfg.toml:L:C") naming SUB. */
static void
expect_refusal(const char *text, size_t len, const char *where, const char *sub)
{
	struct hg_toml *doc = (struct hg_toml *)&doc;	/* must be reset to NULL */
	struct hg_error e;

	CU_ASSERT_EQUAL(parse(text, len, &doc, &e), -EINVAL);
	CU_ASSERT_PTR_NULL(doc);
	CU_ASSERT_STRING_EQUAL(e.id ? e.id : "", "HG-025");
	CU_ASSERT_STRING_EQUAL(e.where, where);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, sub));
	CU_ASSERT_TRUE(e.fix[0] != '\0');
	if (strcmp(e.where, where) != 0 || strstr(e.msg, sub) == NULL)
		fprintf(stderr, "\n  got %s: %s\n", e.where, e.msg);
}

static const char *
keyname(const struct hg_toml_value *v)
{
	const char *k = hg_toml_key(v, NULL);

	return k ? k : "(none)";
}

static void
test_toml_gives_line_and_column_of_keys_and_values(void)
{
	struct hg_toml *doc = parse_ok("# server config\n"
				       "name = \"x\"\n"
				       "[server]\n"
				       "  port = 8443\n"
				       "\t\"é\".b = true\n");
	const struct hg_toml_value *root = hg_toml_root(doc), *v, *srv, *e;

	v = hg_toml_get(root, "name");
	CU_ASSERT_EQUAL(hg_toml_key_line(v), 2);
	CU_ASSERT_EQUAL(hg_toml_key_col(v), 1);
	CU_ASSERT_EQUAL(hg_toml_line(v), 2);
	CU_ASSERT_EQUAL(hg_toml_col(v), 8);
	srv = hg_toml_get(root, "server");
	CU_ASSERT_EQUAL(hg_toml_line(srv), 3);
	CU_ASSERT_EQUAL(hg_toml_col(srv), 1);
	CU_ASSERT_EQUAL(hg_toml_key_col(srv), 2);
	v = hg_toml_get(srv, "port");
	CU_ASSERT_EQUAL(hg_toml_key_line(v), 4);
	CU_ASSERT_EQUAL(hg_toml_key_col(v), 3);
	CU_ASSERT_EQUAL(hg_toml_col(v), 10);
	/* columns count characters: the tab is one, "é" is one */
	e = hg_toml_get(srv, "é");
	CU_ASSERT_EQUAL(hg_toml_key_line(e), 5);
	CU_ASSERT_EQUAL(hg_toml_key_col(e), 2);
	v = hg_toml_get(e, "b");
	CU_ASSERT_EQUAL(hg_toml_key_col(v), 6);
	CU_ASSERT_EQUAL(hg_toml_col(v), 10);
	CU_ASSERT_EQUAL(hg_toml_line(root), 0);
	CU_ASSERT_PTR_NULL(hg_toml_key(root, NULL));
	hg_toml_free(doc);
}

static void
test_toml_where_names_file_and_line_of_the_key(void)
{
	struct hg_toml *doc = parse_ok("[server]\nports = [\n  1,\n  2 ]\n");
	const struct hg_toml_value *srv = hg_toml_get(hg_toml_root(doc), "server");
	const struct hg_toml_value *ports = hg_toml_get(srv, "ports");
	char buf[64];

	CU_ASSERT_STRING_EQUAL(hg_toml_where(doc, ports, buf, sizeof(buf)), "cfg.toml:2");
	CU_ASSERT_STRING_EQUAL(hg_toml_where(doc, hg_toml_at(ports, 1), buf, sizeof(buf)),
			       "cfg.toml:4");
	CU_ASSERT_STRING_EQUAL(hg_toml_where(doc, hg_toml_root(doc), buf, sizeof(buf)), "cfg.toml");
	CU_ASSERT_STRING_EQUAL(hg_toml_where(doc, NULL, buf, sizeof(buf)), "cfg.toml");
	hg_toml_free(doc);
}

static void
test_toml_counts_lines_across_crlf_and_multiline_strings(void)
{
	struct hg_toml *doc = parse_ok("a = \"\"\"\r\none\r\ntwo\"\"\"\r\n\r\n  b = 1\r\n");
	const struct hg_toml_value *b = hg_toml_get(hg_toml_root(doc), "b");
	const char *s;
	size_t len;

	CU_ASSERT_EQUAL(hg_toml_key_line(b), 5);
	CU_ASSERT_EQUAL(hg_toml_key_col(b), 3);
	CU_ASSERT_EQUAL(hg_toml_string(hg_toml_get(hg_toml_root(doc), "a"), &s, &len), 0);
	CU_ASSERT_EQUAL(len, 7);
	CU_ASSERT_STRING_EQUAL(s, "one\ntwo");
	hg_toml_free(doc);
}

/* dbward/KalamDB modules walk a table to report unknown keys at their line. */
static void
test_toml_iterates_members_in_document_order(void)
{
	struct hg_toml *doc = parse_ok("zeta = 1\n"
				       "alpha.x = 2\n"
				       "[mid]\n"
				       "[alpha.y]\n"
				       "[[list]]\n"
				       "n = 1\n"
				       "[[list]]\n"
				       "n = 2\n");
	const struct hg_toml_value *root = hg_toml_root(doc), *list;
	static const char *const order[] = { "zeta", "alpha", "mid", "list" };

	CU_ASSERT_EQUAL_FATAL(hg_toml_count(root), 4);
	for (size_t i = 0; i < 4; i++)
		CU_ASSERT_STRING_EQUAL(keyname(hg_toml_at(root, i)), order[i]);
	CU_ASSERT_PTR_NULL(hg_toml_at(root, 4));
	CU_ASSERT_STRING_EQUAL(keyname(hg_toml_at(hg_toml_get(root, "alpha"), 1)), "y");
	list = hg_toml_get(root, "list");
	CU_ASSERT_EQUAL(hg_toml_type(list), HG_TOML_ARRAY);
	CU_ASSERT_EQUAL(hg_toml_key_line(list), 5);
	CU_ASSERT_EQUAL_FATAL(hg_toml_count(list), 2);
	CU_ASSERT_EQUAL(hg_toml_line(hg_toml_at(list, 1)), 7);
	CU_ASSERT_PTR_NULL(hg_toml_key(hg_toml_at(list, 1), NULL));
	CU_ASSERT_EQUAL(hg_toml_key_line(hg_toml_at(list, 1)), 0);
	hg_toml_free(doc);
}

/* A table first made implicitly by [a.b] points at its own [a] once defined. */
static void
test_toml_points_an_implicit_table_at_its_later_header(void)
{
	struct hg_toml *doc = parse_ok("[a.b]\nx = 1\n\n[a]\ny = 2\n");
	const struct hg_toml_value *a = hg_toml_get(hg_toml_root(doc), "a");

	CU_ASSERT_EQUAL(hg_toml_line(a), 4);
	CU_ASSERT_EQUAL(hg_toml_key_line(a), 4);
	CU_ASSERT_STRING_EQUAL(keyname(hg_toml_at(a, 0)), "b");
	CU_ASSERT_STRING_EQUAL(keyname(hg_toml_at(a, 1)), "y");
	hg_toml_free(doc);
}

static void
test_toml_looks_up_key_paths_with_dots_inside_keys(void)
{
	struct hg_toml *doc = parse_ok("[site.\"google.com\"]\nok = true\n"
				       "[server.tls]\nenabled = false\n");
	const struct hg_toml_value *root = hg_toml_root(doc);
	const char *const p1[] = { "site", "google.com", "ok" };
	const char *const p2[] = { "server", "tls", "enabled" };
	const char *const p3[] = { "server", "tls", "enabled", "deeper" };
	const char *const p4[] = { "site.google.com" };
	bool b = true;

	CU_ASSERT_EQUAL(hg_toml_bool(hg_toml_get_path(root, p1, 3), &b), 0);
	CU_ASSERT_TRUE(b);
	CU_ASSERT_EQUAL(hg_toml_bool(hg_toml_get_path(root, p2, 3), &b), 0);
	CU_ASSERT_FALSE(b);
	CU_ASSERT_PTR_NULL(hg_toml_get_path(root, p3, 4));
	CU_ASSERT_PTR_NULL(hg_toml_get_path(root, p4, 1));
	CU_ASSERT_PTR_EQUAL(hg_toml_get_path(root, p2, 0), root);
	CU_ASSERT_PTR_NULL(hg_toml_get(root, "nope"));
	CU_ASSERT_PTR_NULL(hg_toml_get(hg_toml_get_path(root, p2, 3), "x"));
	hg_toml_free(doc);
}

static void
test_toml_reads_typed_values_and_refuses_other_types(void)
{
	struct hg_toml *doc = parse_ok("min = -9223372036854775808\nmax = 0x7FFFFFFFFFFFFFFF\n"
				       "f = 6.5e-1\nnul = \"a\\u0000b\"\nt = true\n");
	const struct hg_toml_value *root = hg_toml_root(doc);
	int64_t i = 0;
	double d = 0;
	bool b = false;
	const char *s = NULL;
	size_t len = 0;
	struct hg_toml_datetime dt;

	CU_ASSERT_EQUAL(hg_toml_int(hg_toml_get(root, "min"), &i), 0);
	CU_ASSERT_EQUAL(i, INT64_MIN);
	CU_ASSERT_EQUAL(hg_toml_int(hg_toml_get(root, "max"), &i), 0);
	CU_ASSERT_EQUAL(i, INT64_MAX);
	CU_ASSERT_EQUAL(hg_toml_double(hg_toml_get(root, "f"), &d), 0);
	CU_ASSERT_DOUBLE_EQUAL(d, 0.65, 1e-12);
	CU_ASSERT_EQUAL(hg_toml_string(hg_toml_get(root, "nul"), &s, &len), 0);
	CU_ASSERT_EQUAL(len, 3);
	CU_ASSERT_EQUAL(memcmp(s, "a\0b", 4), 0);
	CU_ASSERT_EQUAL(hg_toml_bool(hg_toml_get(root, "t"), &b), 0);
	CU_ASSERT_TRUE(b);
	/* wrong type or missing: -EINVAL, output untouched */
	i = 7;
	CU_ASSERT_EQUAL(hg_toml_int(hg_toml_get(root, "f"), &i), -EINVAL);
	CU_ASSERT_EQUAL(i, 7);
	CU_ASSERT_EQUAL(hg_toml_double(hg_toml_get(root, "max"), &d), -EINVAL);
	CU_ASSERT_EQUAL(hg_toml_string(hg_toml_get(root, "t"), &s, NULL), -EINVAL);
	CU_ASSERT_EQUAL(hg_toml_bool(hg_toml_get(root, "nul"), &b), -EINVAL);
	CU_ASSERT_EQUAL(hg_toml_datetime(hg_toml_get(root, "min"), &dt), -EINVAL);
	CU_ASSERT_EQUAL(hg_toml_int(NULL, &i), -EINVAL);
	CU_ASSERT_EQUAL(hg_toml_count(hg_toml_get(root, "t")), 0);
	CU_ASSERT_STRING_EQUAL(hg_toml_type_name(hg_toml_type(hg_toml_get(root, "t"))), "boolean");
	hg_toml_free(doc);
}

static void
test_toml_reads_date_time_parts_and_text(void)
{
	struct hg_toml *doc = parse_ok("odt = 1979-05-27T00:32:00.999999999-07:30\n"
				       "ldt = 2024-02-29 23:59:59\n"
				       "ld = 2000-02-29\nlt = 07:32:00.5\n");
	const struct hg_toml_value *root = hg_toml_root(doc);
	struct hg_toml_datetime dt;

	CU_ASSERT_EQUAL(hg_toml_datetime(hg_toml_get(root, "odt"), &dt), 0);
	CU_ASSERT_EQUAL(hg_toml_type(hg_toml_get(root, "odt")), HG_TOML_DATETIME);
	CU_ASSERT_EQUAL(dt.year, 1979);
	CU_ASSERT_EQUAL(dt.day, 27);
	CU_ASSERT_EQUAL(dt.minute, 32);
	CU_ASSERT_EQUAL(dt.nanosecond, 999999999);
	CU_ASSERT_EQUAL(dt.offset_minutes, -(7 * 60 + 30));
	CU_ASSERT_STRING_EQUAL(dt.text, "1979-05-27T00:32:00.999999999-07:30");
	CU_ASSERT_EQUAL(hg_toml_datetime(hg_toml_get(root, "ldt"), &dt), 0);
	CU_ASSERT_EQUAL(hg_toml_type(hg_toml_get(root, "ldt")), HG_TOML_DATETIME_LOCAL);
	CU_ASSERT_EQUAL(dt.month, 2);
	CU_ASSERT_EQUAL(dt.hour, 23);
	CU_ASSERT_EQUAL(hg_toml_type(hg_toml_get(root, "ld")), HG_TOML_DATE_LOCAL);
	CU_ASSERT_EQUAL(hg_toml_datetime(hg_toml_get(root, "lt"), &dt), 0);
	CU_ASSERT_EQUAL(hg_toml_type(hg_toml_get(root, "lt")), HG_TOML_TIME_LOCAL);
	CU_ASSERT_EQUAL(dt.year, 0);
	CU_ASSERT_EQUAL(dt.nanosecond, 500000000);
	hg_toml_free(doc);
}

static void
test_toml_accepts_an_empty_document(void)
{
	struct hg_toml *doc = NULL;
	struct hg_error e;

	CU_ASSERT_EQUAL(hg_toml_parse("empty.toml", NULL, 0, &doc, &e), 0);
	CU_ASSERT_EQUAL(hg_toml_count(hg_toml_root(doc)), 0);
	CU_ASSERT_STRING_EQUAL(hg_toml_name(doc), "empty.toml");
	hg_toml_free(doc);
	hg_toml_free(NULL);
}

static void
test_toml_refuses_duplicate_key_at_its_line_and_column(void)
{
	const char *t = "a = 1\nb = 2\n  a = 3\n";

	expect_refusal(t, strlen(t), "cfg.toml:3:3",
		       "duplicate key \"a\" (first defined at line 1)");
}

static void
test_toml_refuses_table_defined_twice(void)
{
	const char *t = "[srv]\nx = 1\n\n[srv]\n";

	expect_refusal(t, strlen(t), "cfg.toml:4:2", "table defined twice");
}

static void
test_toml_refuses_extending_inline_table_and_static_array(void)
{
	const char *t1 = "t = { a = 1 }\nt.b = 2\n", *t2 = "a = [1]\n[[a]]\n";

	expect_refusal(t1, strlen(t1), "cfg.toml:2:1", "inline");
	expect_refusal(t2, strlen(t2), "cfg.toml:2:3", "not an array of tables");
}

static void
test_toml_refuses_a_nul_byte(void)
{
	static const char t[] = "a = 1\nb = \"x\0y\"\n";

	expect_refusal(t, sizeof(t) - 1, "cfg.toml:2:7", "NUL byte");
}

static void
test_toml_refuses_bad_utf8_with_its_position(void)
{
	static const char t[] = "# ok é\nk = \"\xed\xa0\x80\"\n";

	expect_refusal(t, sizeof(t) - 1, "cfg.toml:2:6", "invalid UTF-8");
}

static void
test_toml_refuses_integer_overflow_and_invalid_date(void)
{
	const char *t1 = "n = 9223372036854775808\n", *t2 = "d = 2023-02-29\n";

	expect_refusal(t1, strlen(t1), "cfg.toml:1:5", "does not fit in 64 bits");
	expect_refusal(t2, strlen(t2), "cfg.toml:1:5", "invalid date");
}

static char *
nested(const char *open, const char *mid, const char *close, int n)
{
	size_t lo = strlen(open), lc = strlen(close), lm = strlen(mid);
	char *t = malloc(4 + (lo + lc) * (size_t)n + lm + 2), *p = t;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	p += sprintf(p, "a = ");
	for (int i = 0; i < n; i++, p += lo)
		memcpy(p, open, lo);
	p += sprintf(p, "%s", mid);
	for (int i = 0; i < n; i++, p += lc)
		memcpy(p, close, lc);
	strcpy(p, "\n");
	return t;
}

static void
test_toml_limits_nesting_depth(void)
{
	char *ok = nested("[", "1", "]", HG_TOML_MAX_DEPTH);
	char *deep = nested("{b=", "1", "}", HG_TOML_MAX_DEPTH + 1);
	struct hg_toml *doc = parse_ok(ok);

	hg_toml_free(doc);
	/* the value of a is level 1 below the root; the 65th '{' is refused */
	expect_refusal(deep, strlen(deep), "cfg.toml:1:197", "nested deeper than 64 levels");
	free(ok);
	free(deep);
}

/* A million '[' is a refusal, not a stack overflow. */
static void
test_toml_refuses_huge_nesting_without_recursing(void)
{
	size_t n = 1000000;
	char *t = malloc(n + 4);

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	memcpy(t, "a = ", 4);
	memset(t + 4, '[', n);
	expect_refusal(t, n + 4, "cfg.toml:1:69", "nested deeper");
	free(t);
}

/* Truncated documents end exactly at LEN: errors, no read past the buffer. */
static void
test_toml_never_reads_past_len(void)
{
	static const char *const cut[] = {
		"a = \"abc", "a = '''x''", "a = \"\\u12", "a = 1979-05-2", "a = 07:32:0",
		"a = 0x", "a = 1e", "[a", "[[a]", "a.", "a = [1,", "a = {b", "a = \"\"\"x\\",
		"a = tru", "# c\r", "a = \"x\\",
	};

	for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		struct hg_toml *doc = NULL;
		struct hg_error e;

		CU_ASSERT_EQUAL(parse(cut[i], strlen(cut[i]), &doc, &e), -EINVAL);
		CU_ASSERT_PTR_NULL(doc);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.where, "cfg.toml:1:"));
	}
}

static void
test_toml_refuses_a_document_over_the_size_limit(void)
{
	char *t = calloc(1, HG_TOML_MAX_LEN + 1);
	struct hg_toml *doc = NULL;
	struct hg_error e;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_EQUAL(hg_toml_parse("big.toml", t, HG_TOML_MAX_LEN + 1, &doc, &e), -EFBIG);
	CU_ASSERT_PTR_NULL(doc);
	CU_ASSERT_STRING_EQUAL(e.id, "HG-025");
	free(t);
}

void
hgt_suite_toml(void)
{
	CU_pSuite s = CU_add_suite("toml", NULL, NULL);

	HGT_ADD(s, test_toml_gives_line_and_column_of_keys_and_values);
	HGT_ADD(s, test_toml_where_names_file_and_line_of_the_key);
	HGT_ADD(s, test_toml_counts_lines_across_crlf_and_multiline_strings);
	HGT_ADD(s, test_toml_iterates_members_in_document_order);
	HGT_ADD(s, test_toml_points_an_implicit_table_at_its_later_header);
	HGT_ADD(s, test_toml_looks_up_key_paths_with_dots_inside_keys);
	HGT_ADD(s, test_toml_reads_typed_values_and_refuses_other_types);
	HGT_ADD(s, test_toml_reads_date_time_parts_and_text);
	HGT_ADD(s, test_toml_accepts_an_empty_document);
	HGT_ADD(s, test_toml_refuses_duplicate_key_at_its_line_and_column);
	HGT_ADD(s, test_toml_refuses_table_defined_twice);
	HGT_ADD(s, test_toml_refuses_extending_inline_table_and_static_array);
	HGT_ADD(s, test_toml_refuses_a_nul_byte);
	HGT_ADD(s, test_toml_refuses_bad_utf8_with_its_position);
	HGT_ADD(s, test_toml_refuses_integer_overflow_and_invalid_date);
	HGT_ADD(s, test_toml_limits_nesting_depth);
	HGT_ADD(s, test_toml_refuses_huge_nesting_without_recursing);
	HGT_ADD(s, test_toml_never_reads_past_len);
	HGT_ADD(s, test_toml_refuses_a_document_over_the_size_limit);
}
