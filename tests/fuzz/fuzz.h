/*
 * fuzz.h - what the libFuzzer harnesses of tests/fuzz share: a C string
 * from the fuzzer's bytes and the invariants every parser keeps (a refusal
 * names an ID and prints as one line). A broken invariant aborts, which
 * libFuzzer reports as a crash with the input that caused it.
 */
#ifndef HG_FUZZ_H
#define HG_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HGF_ASSERT(c)                                                                 \
	do {                                                                          \
		if (!(c)) {                                                           \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,    \
				__LINE__, #c);                                        \
			abort();                                                      \
		}                                                                     \
	} while (0)

/* DATA as a NUL-terminated heap string (an embedded NUL ends it early). */
static inline char *
hgf_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/* E as hg_report_error() prints it is one line that names E's ID. */
static inline void
hgf_one_line(const struct hg_error *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	HGF_ASSERT(e->id != NULL && e->msg[0] != '\0');
	if (m == NULL)
		return;
	hg_report_error(m, "fuzz", e);
	fclose(m);
	HGF_ASSERT(buf && len > 0 && buf[len - 1] == '\n');
	HGF_ASSERT(memchr(buf, '\n', len - 1) == NULL);
	HGF_ASSERT(strstr(buf, e->id) != NULL);
	free(buf);
}

#endif
