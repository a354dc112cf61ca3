/*
 * fuzz_args.c - module args: the inside of a stack entry's `args: { }`
 * read by the policy parser, then validated by hg_args_validate()
 * (common/args.c) against a spec with every argument type, choices and a
 * required arg, and read back through the accessors modules use.
 */
#include "config.h"

#include <stdio.h>

#include "args.h"
#include "fuzz.h"
#include "policy.h"

static const char *const colours[] = { "red", "green", NULL };

static const struct hg_arg_spec spec[] = {
	{ "path", HG_ARG_STRING, 1, NULL, "a path" },
	{ "colour", HG_ARG_STRING, 0, colours, "a choice" },
	{ "flag", HG_ARG_BOOL, 0, NULL, "a boolean" },
	{ "n", HG_ARG_INT, 0, NULL, "an integer" },
	{ "allow", HG_ARG_LIST, 0, NULL, "a list" },
	{ "mode", HG_ARG_MODE, 0, NULL, "an octal mode" },
	{ "id", HG_ARG_ID, 0, NULL, "a finding ID" },
	{ NULL, 0, 0, NULL, NULL },
};

static const struct hg_module mod = {
	.abi = HG_MODULE_ABI, .name = "fuzz", .phases = HG_PHASES_ALL, .args = spec,
};

static void
read_back(const struct hg_args *a)
{
	const char *s = hg_args_str(a, "path");
	long long m = hg_args_int(a, "mode", -1);

	HGF_ASSERT(s != NULL);
	HGF_ASSERT(m == -1 || (m >= 0 && m <= 07777));
	(void)hg_args_bool(a, "flag", 0);
	(void)hg_args_int(a, "n", 0);
	for (size_t i = 0; i < hg_args_list_len(a, "allow"); i++)
		HGF_ASSERT(hg_args_list_at(a, "allow", i) != NULL);
	HGF_ASSERT(hg_args_list_at(a, "allow", hg_args_list_len(a, "allow")) == NULL);
	if ((s = hg_args_str(a, "colour")) != NULL)
		HGF_ASSERT(strcmp(s, "red") == 0 || strcmp(s, "green") == 0);
	HGF_ASSERT(hg_args_where(a, "path") != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hg_policy *p;
	struct hg_error e = { 0 };
	char *text = NULL;

	if (memchr(data, '\0', size) || size > 65536)
		return 0;
	if (asprintf(&text, "services: { s: { stack = ( { module = \"fuzz\"; "
			    "control = \"required\"; args: {\n%.*s\n}; } ); }; };\n",
		     (int)size, (const char *)data) < 0)
		return 0;
	if ((p = hg_policy_new()) == NULL) {
		free(text);
		return 0;
	}
	if (hg_policy_parse(p, "fuzz.conf", text, 1, &e) == 0 && p->nsvc == 1) {
		struct hg_args *a = &p->svc[0].stack[0].args;

		if (hg_args_validate(a, &mod, &e) < 0)
			hgf_one_line(&e);
		else
			read_back(a);
	}
	hg_policy_free(p);
	free(text);
	return 0;
}
