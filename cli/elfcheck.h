/*
 * elfcheck.h - will ld.so honour LD_PRELOAD for this program?
 * It does not for a static binary, and ignores (fails open on) a preload
 * of another ELF class or machine, or one whose path ld.so splits (a space or
 * a colon in it). Scripts are judged by their interpreter.
 */
#ifndef HG_CLI_ELFCHECK_H
#define HG_CLI_ELFCHECK_H

#include <stddef.h>

#include "error.h"

struct hg_elf {
	int cls;		/* ELFCLASS32 / ELFCLASS64 */
	int machine;		/* e_machine */
	int dynamic;		/* has PT_INTERP */
};

/* Read PATH's ELF identity. 0 or negative errno with E (HG-008). */
int hg_elf_read(const char *path, struct hg_elf *out, struct hg_error *e);

/*
 * The file whose credentials and ELF the kernel uses when PROG is
 * executed: PROG, or its #! interpreter (followed up to 4 levels) into
 * CUR (N bytes). 0 or negative errno with E (HG-008).
 */
int hg_elf_executed(const char *prog, char *cur, size_t n, struct hg_error *e);

/*
 * Check that PROG (after following #! up to 4 levels) is a dynamically
 * linked ELF of the same class and machine as PRELOAD. 0 or <0 with E.
 */
int hg_elf_preloadable(const char *prog, const char *preload, struct hg_error *e);

#endif
