/*
 * fuzz_revoke.c - one file of the revocation list (common/revoke.c), as
 * the file reader hands its bytes to hg_revlist_parse_bytes(). A list
 * either loads whole or refuses as HG-017 in one line; every fingerprint
 * written at the start of a line of a loaded list is found in it, with
 * its "file:line", and every reason is UTF-8 without C0, DEL or C1 controls.
 */
#include "config.h"

#include "fingerprint.h"
#include "fuzz.h"
#include "revoke.h"
#include "util.h"

static void
check_reason(const char *r)
{
	size_t n;

	HGF_ASSERT(r != NULL && (n = strlen(r)) <= HG_REVOKE_MAX_BYTES);
	HGF_ASSERT(hg_utf8_check(r, n) == n);
	for (const unsigned char *p = (const unsigned char *)r; *p; p++) {
		HGF_ASSERT(*p >= 0x20 && *p != 0x7f);
		HGF_ASSERT(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f));	/* C1 */
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hg_revlist *l = hg_revlist_new();
	struct hg_error e;
	size_t lines = 1;
	char *s;

	if (l == NULL)
		return 0;
	hg_error_clear(&e);
	if (hg_revlist_parse_bytes(l, "fuzz.list", (const char *)data, size, &e) < 0) {
		HGF_ASSERT(strcmp(e.id, HG_REVOKE_ID) == 0);
		hgf_one_line(&e);
		hg_revlist_free(l);
		return 0;
	}
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	HGF_ASSERT(hg_revlist_count(l) <= lines);
	if ((s = hgf_cstr(data, size)) != NULL && strlen(s) == size) {
		char *save = NULL;

		for (char *line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char fp[HG_FP_LEN];
			size_t b = strspn(line, " \t"), t = strcspn(line + b, " \t\r");
			const char *where;

			if (t != HG_FP_LEN - 1)
				continue;
			memcpy(fp, line + b, t);
			fp[t] = '\0';
			if (!hg_fp_valid(fp))
				continue;
			check_reason(hg_revlist_find(l, fp));
			where = hg_revlist_where(l, fp);
			HGF_ASSERT(where != NULL && strncmp(where, "fuzz.list:", 10) == 0);
		}
	}
	free(s);
	hg_revlist_free(l);
	return 0;
}
