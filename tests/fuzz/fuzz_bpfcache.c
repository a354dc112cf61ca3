/*
 * fuzz_bpfcache.c - the seccomp filter cache's entry reader
 * (common/bpfcache.c, hg_bpfcache_parse): what a start loads instead of
 * compiling. Any input is refused with one line, or gives a program
 * within the kernel's bounds; never a read past the entry.
 */
#include "config.h"

#include "bpfcache.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char key[] = "fuzz: a resolved filter's key";
	struct hg_bpf b = { 0 };
	struct hg_error e = { 0 };
	char *buf = malloc(size ? size : 1);	/* exactly SIZE: ASan sees any over-read */

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	if (hg_bpfcache_parse(buf, size, key, sizeof(key), &b, "fuzz.bpf", "HG-015", &e) < 0) {
		HGF_ASSERT(b.insn == NULL);
		hgf_one_line(&e);
	} else {
		HGF_ASSERT(b.insn != NULL && b.len >= 1 && b.len <= HG_BPF_MAX_INSNS);
		hg_bpf_free(&b);
	}
	free(buf);
	return 0;
}
