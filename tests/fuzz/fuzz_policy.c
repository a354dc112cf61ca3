/*
 * fuzz_policy.c - the policy reader (common/policy.c) on the bytes of one
 * file, read both as the main hardgate.conf and as a services.d file,
 * through hg_policy_parse_bytes() as hg_policy_load() reads every file.
 */
#include "config.h"

#include "fuzz.h"
#include "policy.h"

static void
parse_as(const char *text, size_t len, int main_file)
{
	struct hg_policy *p = hg_policy_new();
	struct hg_error e = { 0 };

	if (p == NULL)
		return;
	if (hg_policy_parse_bytes(p, "fuzz.conf", text, len, main_file, &e) < 0)
		hgf_one_line(&e);
	else
		for (size_t i = 0; i < p->nsvc; i++)	/* what the stack relies on */
			HGF_ASSERT(p->svc[i].name && p->svc[i].nstack > 0 && p->svc[i].stack);
	hg_policy_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if ((text = hgf_cstr(data, size)) == NULL)
		return 0;
	parse_as(text, size, 1);
	parse_as(text, size, 0);
	free(text);
	return 0;
}
