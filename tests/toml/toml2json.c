/*
 * toml2json.c - print TOML documents as toml-test's tagged JSON
 * ({"type":"integer","value":"42"}), through common/toml.h, for the
 * differential test against tomli (tests/toml/difftest.py).
 *
 *   toml2json FILE...   one line per file: "ok JSON" or "err WHERE: MESSAGE"
 *
 * Floats print with 17 significant digits, date-times in Python's
 * isoformat() (microseconds, "+00:00" for Z), as tomli_json.py does.
 * Exit 0 when every file parsed, 1 when one did not, 2 on a usage or I/O error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#include "safefile.h"
#include "toml.h"
#include "util.h"

static void print_value(const struct hg_toml_value *v);

static void
tagged(const char *type, const char *value)
{
	printf("{\"type\":\"%s\",\"value\":", type);
	hg_json_str(stdout, value);
	putchar('}');
}

static void
print_float(double d)
{
	char b[64];

	if (isnan(d))
		snprintf(b, sizeof(b), "nan");
	else if (isinf(d))
		snprintf(b, sizeof(b), "%sinf", d < 0 ? "-" : "");
	else
		snprintf(b, sizeof(b), "%.17g", d);
	tagged("float", b);
}

/* Python's isoformat(): microseconds only when not 0, offsets as +HH:MM. */
static void
print_datetime(const struct hg_toml_value *v)
{
	static const char *const names[] = { "datetime", "datetime-local", "date-local",
					     "time-local" };
	enum hg_toml_type t = hg_toml_type(v);
	struct hg_toml_datetime dt;
	char b[96];
	size_t n = 0;

	hg_toml_datetime(v, &dt);
	if (t != HG_TOML_TIME_LOCAL)
		n += (size_t)snprintf(b + n, sizeof(b) - n, "%04d-%02d-%02d", dt.year, dt.month,
				      dt.day);
	if (t == HG_TOML_DATETIME || t == HG_TOML_DATETIME_LOCAL)
		b[n++] = 'T';
	if (t != HG_TOML_DATE_LOCAL) {
		n += (size_t)snprintf(b + n, sizeof(b) - n, "%02d:%02d:%02d", dt.hour, dt.minute,
				      dt.second);
		if (dt.nanosecond / 1000)
			n += (size_t)snprintf(b + n, sizeof(b) - n, ".%06ld", dt.nanosecond / 1000);
	}
	if (t == HG_TOML_DATETIME) {
		int off = dt.offset_minutes < 0 ? -dt.offset_minutes : dt.offset_minutes;

		snprintf(b + n, sizeof(b) - n, "%c%02d:%02d", dt.offset_minutes < 0 ? '-' : '+',
			 off / 60, off % 60);
	} else {
		b[n] = '\0';
	}
	tagged(names[t - HG_TOML_DATETIME], b);
}

static void
print_container(const struct hg_toml_value *v)
{
	int table = hg_toml_type(v) == HG_TOML_TABLE;

	putchar(table ? '{' : '[');
	for (size_t i = 0; i < hg_toml_count(v); i++) {
		const struct hg_toml_value *c = hg_toml_at(v, i);

		if (i)
			putchar(',');
		if (table) {
			size_t klen;
			const char *k = hg_toml_key(c, &klen);

			hg_json_strn(stdout, k, klen);
			putchar(':');
		}
		print_value(c);
	}
	putchar(table ? '}' : ']');
}

static void
print_value(const struct hg_toml_value *v)
{
	const char *s;
	size_t len;
	int64_t i;
	double d;
	bool b;
	char nb[32];

	switch (hg_toml_type(v)) {
	case HG_TOML_TABLE:
	case HG_TOML_ARRAY:
		print_container(v);
		break;
	case HG_TOML_STRING:
		hg_toml_string(v, &s, &len);
		fputs("{\"type\":\"string\",\"value\":", stdout);
		hg_json_strn(stdout, s, len);
		putchar('}');
		break;
	case HG_TOML_INTEGER:
		hg_toml_int(v, &i);
		snprintf(nb, sizeof(nb), "%" PRId64, i);
		tagged("integer", nb);
		break;
	case HG_TOML_FLOAT:
		hg_toml_double(v, &d);
		print_float(d);
		break;
	case HG_TOML_BOOL:
		hg_toml_bool(v, &b);
		tagged("bool", b ? "true" : "false");
		break;
	default:
		print_datetime(v);
	}
}

static int
one_file(const char *path)
{
	struct hg_toml *doc;
	struct hg_error e = { 0 };
	char *text;
	size_t len;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0 || (r = hg_read_fd(fd, HG_TOML_MAX_LEN + 1, &text, &len)) < 0) {
		fprintf(stderr, "toml2json: %s: %s\n", path, strerror(fd < 0 ? errno : -r));
		if (fd >= 0)
			close(fd);
		return 2;
	}
	close(fd);
	r = hg_toml_parse(path, text, len, &doc, &e);
	free(text);
	if (r < 0) {
		printf("err %s: %s [%s; fix: %s]\n", e.where, e.msg, e.id, e.fix);
		return 1;
	}
	fputs("ok ", stdout);
	print_value(hg_toml_root(doc));
	putchar('\n');
	hg_toml_free(doc);
	return 0;
}

int
main(int argc, char **argv)
{
	int worst = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: toml2json FILE...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		int r = one_file(argv[i]);

		if (r > worst)
			worst = r;
	}
	return worst;
}
