/*
 * fuzz_elf.c - `hardgate exec`'s look at the program it will start
 * (cli/elfcheck.c): ELF class, machine and PT_INTERP from the headers,
 * and #! lines, on a file holding the fuzzer's bytes. The program is the
 * operator's, the preload ours; a hostile program file must give an
 * answer, never a crash or a read outside what the file holds.
 */
#include "config.h"

#include <elf.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elfcheck.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char self[64];
	struct hg_error e = { 0 };
	struct hg_elf elf;
	char path[64];
	int fd, r;

	if (self[0] == '\0')	/* the preload stands in: this harness is a native ELF */
		snprintf(self, sizeof(self), "/proc/self/exe");
	if ((fd = memfd_create("prog", MFD_CLOEXEC)) < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = hg_elf_read(path, &elf, &e);
	if (r < 0)
		hgf_one_line(&e);
	else
		HGF_ASSERT((elf.cls == ELFCLASS32 || elf.cls == ELFCLASS64) &&
			   (elf.dynamic == 0 || elf.dynamic == 1));
	/*
	 * Scripts are left out: their #! would send the check to any file
	 * of this machine (/proc/kmsg blocks). The ELF half is the same code.
	 */
	memset(&e, 0, sizeof(e));
	if ((size < 2 || data[0] != '#' || data[1] != '!') && hg_elf_preloadable(path, self, &e) < 0)
		hgf_one_line(&e);
	close(fd);
	return 0;
}
