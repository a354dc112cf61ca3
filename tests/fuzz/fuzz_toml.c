/*
 * fuzz_toml.c - the strict TOML reader (common/toml.c) that dbward's and
 * KalamDB's modules read server.toml with. A document either parses whole
 * or refuses as HG-025 at NAME:LINE:COL; every value and key parsed points
 * into the input (line 1..lines, column 1..longest line + 1).
 */
#include "config.h"

#include "fuzz.h"
#include "toml.h"

struct shape {
	unsigned lines, cols;	/* line count; longest line in bytes, + 1 */
};

static void
check_pos(const struct shape *sh, unsigned line, unsigned col)
{
	HGF_ASSERT(line >= 1 && line <= sh->lines);
	HGF_ASSERT(col >= 1 && col <= sh->cols);
}

static void
walk(const struct hg_toml *doc, const struct shape *sh, const struct hg_toml_value *v,
     unsigned depth)
{
	enum hg_toml_type t = hg_toml_type(v);
	size_t klen = 0;
	char where[128];

	HGF_ASSERT(depth <= HG_TOML_MAX_DEPTH + 1);
	HGF_ASSERT(t >= HG_TOML_TABLE && t <= HG_TOML_TIME_LOCAL);
	if (depth > 0)
		check_pos(sh, hg_toml_line(v), hg_toml_col(v));
	if (hg_toml_key(v, &klen) != NULL)
		check_pos(sh, hg_toml_key_line(v), hg_toml_key_col(v));
	hg_toml_where(doc, v, where, sizeof(where));
	HGF_ASSERT(memchr(where, '\0', sizeof(where)) != NULL);
	if (t == HG_TOML_TABLE || t == HG_TOML_ARRAY) {
		size_t n = hg_toml_count(v);

		HGF_ASSERT(hg_toml_at(v, n) == NULL);
		for (size_t i = 0; i < n; i++) {
			const struct hg_toml_value *c = hg_toml_at(v, i);
			const char *k;

			HGF_ASSERT(c != NULL);
			/* a member is found again by its own key */
			if (t == HG_TOML_TABLE && (k = hg_toml_key(c, &klen)) != NULL)
				HGF_ASSERT(hg_toml_getn(v, k, klen) == c);
			walk(doc, sh, c, depth + 1);
		}
	} else if (t == HG_TOML_STRING) {
		const char *s;
		size_t len;

		HGF_ASSERT(hg_toml_string(v, &s, &len) == 0 && s[len] == '\0');
	} else if (t >= HG_TOML_DATETIME) {
		struct hg_toml_datetime dt;

		HGF_ASSERT(hg_toml_datetime(v, &dt) == 0 && dt.text != NULL);
		HGF_ASSERT(dt.month >= 0 && dt.month <= 12 && dt.day >= 0 && dt.day <= 31);
		HGF_ASSERT(dt.hour >= 0 && dt.hour <= 23 && dt.minute >= 0 && dt.minute <= 59);
		HGF_ASSERT(dt.second >= 0 && dt.second <= 60);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct hg_toml *doc = NULL;
	struct hg_error e;
	struct shape sh = { 1, 1 };
	size_t cur = 0;

	for (size_t i = 0; i < n; i++) {
		if (d[i] == '\n') {
			sh.lines++;
			cur = 0;
		} else if (++cur + 1 > sh.cols) {
			sh.cols = cur + 1;
		}
	}
	hg_error_clear(&e);
	if (hg_toml_parse("fuzz.toml", (const char *)d, n, &doc, &e) < 0) {
		HGF_ASSERT(doc == NULL);
		HGF_ASSERT(e.id != NULL && strcmp(e.id, "HG-025") == 0);
		hgf_one_line(&e);
		return 0;
	}
	HGF_ASSERT(doc != NULL && hg_toml_root(doc) != NULL);
	walk(doc, &sh, hg_toml_root(doc), 0);
	hg_toml_free(doc);
	return 0;
}
