/* elfcheck.c - see elfcheck.h. */
#include "config.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "elfcheck.h"

#define ID "HG-008"
#define MAX_SHEBANG 4

static int
read_at(int fd, void *buf, size_t n, off_t off)
{
	ssize_t r = pread(fd, buf, n, off);

	return r == (ssize_t)n ? 0 : -EIO;
}

/*
 * Any PT_INTERP among the program headers? p_type is the first 32-bit
 * field of both Elf32_Phdr and Elf64_Phdr, so one walk serves both.
 */
static int
has_interp(int fd, uint64_t off, unsigned entsize, unsigned num, size_t want_entsize)
{
	uint32_t type;

	if (entsize != want_entsize || num > 4096)
		return -EINVAL;
	for (unsigned i = 0; i < num; i++) {
		if (read_at(fd, &type, sizeof(type), (off_t)(off + (uint64_t)i * entsize)) < 0)
			return -EIO;
		if (type == PT_INTERP)
			return 1;
	}
	return 0;
}

static int
elf_fd(int fd, const char *path, struct hg_elf *out, struct hg_error *e)
{
	union {
		unsigned char id[EI_NIDENT];
		Elf64_Ehdr h64;
		Elf32_Ehdr h32;
	} u;
	int r;

	if (read_at(fd, &u, sizeof(u), 0) < 0 || memcmp(u.id, ELFMAG, SELFMAG) != 0)
		return hg_error_set(e, ENOEXEC, ID, path, NULL, "%s is not an ELF file", path);
	out->cls = u.id[EI_CLASS];
	if (out->cls == ELFCLASS64) {
		out->machine = u.h64.e_machine;
		r = has_interp(fd, u.h64.e_phoff, u.h64.e_phentsize, u.h64.e_phnum,
			       sizeof(Elf64_Phdr));
	} else if (out->cls == ELFCLASS32) {
		out->machine = u.h32.e_machine;
		r = has_interp(fd, u.h32.e_phoff, u.h32.e_phentsize, u.h32.e_phnum,
			       sizeof(Elf32_Phdr));
	} else {
		return hg_error_set(e, ENOEXEC, ID, path, NULL, "%s has an unknown ELF class", path);
	}
	if (r < 0)
		return hg_error_set(e, ENOEXEC, ID, path, NULL, "%s has bad program headers", path);
	out->dynamic = r;
	return 0;
}

int
hg_elf_read(const char *path, struct hg_elf *out, struct hg_error *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0)
		return hg_error_set(e, errno, ID, path, NULL, "cannot open %s: %s", path,
				    strerror(errno));
	r = elf_fd(fd, path, out, e);
	close(fd);
	return r;
}

/* "#!/bin/sh -e" -> "/bin/sh". 1 if a script, 0 if not, <0 on error. */
static int
shebang(const char *path, char *interp, size_t n)
{
	char buf[256];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	r = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (r < 2 || buf[0] != '#' || buf[1] != '!')
		return 0;
	buf[r] = '\0';
	{
		char *s = buf + 2 + strspn(buf + 2, " \t");
		size_t l = strcspn(s, " \t\n");

		if (l == 0 || l >= n)
			return -ENOEXEC;
		memcpy(interp, s, l);
		interp[l] = '\0';
	}
	return 1;
}

int
hg_elf_executed(const char *prog, char *cur, size_t n, struct hg_error *e)
{
	char next[4096];
	int r, depth = 0;

	if (snprintf(cur, n, "%s", prog) >= (int)n)
		return hg_error_set(e, ENAMETOOLONG, ID, prog, NULL, "%s: path too long", prog);
	while ((r = shebang(cur, next, sizeof(next))) == 1) {
		if (++depth > MAX_SHEBANG)
			return hg_error_set(e, ELOOP, ID, prog, NULL, "%s: too many #! levels", prog);
		if (snprintf(cur, n, "%s", next) >= (int)n)
			return hg_error_set(e, ENAMETOOLONG, ID, next, NULL, "%s: path too long",
					    next);
	}
	if (r < 0)
		return hg_error_set(e, -r, ID, cur, NULL, "cannot read %s: %s", cur, strerror(-r));
	return 0;
}

int
hg_elf_preloadable(const char *prog, const char *preload, struct hg_error *e)
{
	struct hg_elf pe, te;
	char cur[4096];
	int r;

	/*
	 * ld.so splits LD_PRELOAD at spaces and colons: it would look for
	 * the pieces, find none and run the program without the preload,
	 * while dlopen() of the whole path (the probe) succeeds.
	 */
	if (preload[strcspn(preload, " :")] != '\0')
		return hg_error_set(e, EINVAL, ID, preload,
				    "install the preload in a directory whose path has no space or colon",
				    "the preload path %s has a space or colon: ld.so would split it "
				    "in LD_PRELOAD and start the program without it", preload);
	if ((r = hg_elf_read(preload, &pe, e)) < 0)
		return r;
	if ((r = hg_elf_executed(prog, cur, sizeof(cur), e)) < 0)
		return r;
	if ((r = hg_elf_read(cur, &te, e)) < 0)
		return r;
	if (!te.dynamic)
		return hg_error_set(e, ENOEXEC, ID, cur,
				    "run a dynamically linked build of the program",
				    "%s is statically linked: LD_PRELOAD cannot protect it", cur);
	if (te.cls != pe.cls || te.machine != pe.machine)
		return hg_error_set(e, ENOEXEC, ID, cur,
				    "install hardgate for the program's architecture",
				    "%s is ELF class %d machine %d, the preload is class %d machine %d: "
				    "ld.so would ignore it", cur, te.cls, te.machine, pe.cls, pe.machine);
	return 0;
}
