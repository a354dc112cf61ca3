/* fuzz_toml.c - libFuzzer entry point for the strict TOML reader (common/toml.c). */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include "toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int
LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct hg_toml *doc = NULL;
	struct hg_error e;

	if (hg_toml_parse("fuzz.toml", (const char *)d, n, &doc, &e) == 0)
		hg_toml_free(doc);
	return 0;
}
