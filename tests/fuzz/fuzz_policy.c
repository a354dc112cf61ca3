/*
 * fuzz_policy.c - the policy reader (common/policy.c) on the bytes of one
 * file, read both as the main hardgate.conf and as a services.d file, as
 * load_file() gives them to it: a file with a NUL byte never gets here.
 */
#include "config.h"

#include "fuzz.h"
#include "policy.h"

static void
parse_as(const char *text, int main_file)
{
	struct hg_policy *p = hg_policy_new();
	struct hg_error e = { 0 };

	if (p == NULL)
		return;
	if (hg_policy_parse(p, "fuzz.conf", text, main_file, &e) < 0)
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

	if (memchr(data, '\0', size) || (text = hgf_cstr(data, size)) == NULL)
		return 0;
	parse_as(text, 1);
	parse_as(text, 0);
	free(text);
	return 0;
}
