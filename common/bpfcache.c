/* bpfcache.c - compiled seccomp programs on disk (see bpfcache.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpfcache.h"
#include "safefile.h"

#define MAGIC "HGBPF\0\0\1"	/* format 1 */
#define KEY_MAX (2u << 20)	/* a key carries a groups file (<= 1 MiB) */

/*
 * Which hardgate compiled the program: the key says what the filter is
 * built from, not how (the bad-arch action, the optimizer, netout's rules
 * are in the code). Every stored key starts with this, so an entry left by
 * another version, after an upgrade, is a miss and not its old program.
 */
static const char GEN[] = "hardgate " PACKAGE_VERSION;

struct hdr {
	char magic[8];
	uint32_t klen;		/* bytes of key that follow the header */
	uint32_t ninsn;		/* instructions that follow the key */
	uint64_t sum;		/* FNV-1a 64 of key and program */
};

/*
 * FNV-1a: names the file and catches a damaged entry. Not a MAC: what
 * makes an entry trustworthy is that only root can write it (checked on
 * every directory and the file) and that its key matches in full.
 */
static uint64_t
fnv1a(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 0x100000001b3ull;
	return h;
}

#define FNV_INIT 0xcbf29ce484222325ull

void
hg_bpf_free(struct hg_bpf *b)
{
	free(b->insn);
	b->insn = NULL;
	b->len = 0;
}

/* FNV-1a of the stored key: GEN, then KEY. */
static uint64_t
key_hash(const void *key, size_t klen)
{
	return fnv1a(fnv1a(FNV_INIT, GEN, sizeof(GEN)), key, klen);
}

static int
entry_name(const char *dir, const void *key, size_t klen, char *path, size_t n)
{
	int l = snprintf(path, n, "%s/%016llx.bpf", dir, (unsigned long long)key_hash(key, klen));

	return l < 0 || (size_t)l >= n ? -ENAMETOOLONG : 0;
}

static int
malformed(struct hg_error *e, const char *id, const char *path, const char *why)
{
	return hg_error_set(e, EBADMSG, id, path,
			    "remove the file; hardgate compiles the filter again",
			    "seccomp filter cache entry %s %s", path, why);
}

int
hg_bpfcache_parse(const char *buf, size_t len, const void *key, size_t klen, struct hg_bpf *out,
		  const char *path, const char *id, struct hg_error *e)
{
	struct hdr h;
	size_t plen;

	if (len < sizeof(h))
		return malformed(e, id, path, "is shorter than its header");
	memcpy(&h, buf, sizeof(h));
	if (memcmp(h.magic, MAGIC, sizeof(h.magic)) != 0)
		return malformed(e, id, path, "is not in hardgate's format");
	if (h.ninsn == 0 || h.ninsn > HG_BPF_MAX_INSNS || h.klen > sizeof(GEN) + KEY_MAX)
		return malformed(e, id, path, "has sizes out of bounds");
	plen = (size_t)h.ninsn * sizeof(struct sock_filter);
	if (len != sizeof(h) + h.klen + plen)
		return malformed(e, id, path, "does not have the size its header says");
	if (h.klen != sizeof(GEN) + klen || memcmp(buf + sizeof(h), GEN, sizeof(GEN)) != 0 ||
	    memcmp(buf + sizeof(h) + sizeof(GEN), key, klen) != 0)
		return malformed(e, id, path, "was compiled for another filter");
	if (fnv1a(key_hash(key, klen), buf + sizeof(h) + h.klen, plen) != h.sum)
		return malformed(e, id, path, "is damaged (checksum)");
	if ((out->insn = malloc(plen)) == NULL)
		return -ENOMEM;
	memcpy(out->insn, buf + sizeof(h) + h.klen, plen);
	out->len = h.ninsn;
	return 0;
}

int
hg_bpfcache_get(const char *dir, const void *key, size_t klen, struct hg_bpf *out,
		char *path, size_t pathlen, const char *id, struct hg_error *e)
{
	const struct hg_trust t = { id, HG_UID_NONE, 0, HG_WANT_FILE };
	struct hg_error le = { 0 };
	struct stat st;
	char *buf = NULL;
	size_t len;
	int fd, r;

	memset(out, 0, sizeof(*out));
	if ((r = entry_name(dir, key, klen, path, pathlen)) < 0)
		return hg_error_set(e, -r, id, dir, "use a shorter cache_dir",
				    "seccomp cache_dir %s is too long", dir);
	if ((fd = hg_safe_open(path, O_RDONLY, &t, &st, &le)) == -ENOENT)
		return 0;
	if (fd < 0) {
		*e = le;
		return fd;
	}
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		return hg_error_set(e, EPERM, id, path,
				    "remove the file; hardgate compiles the filter again",
				    "seccomp filter cache entry %s is not root-owned or is "
				    "group/world-writable", path);
	}
	r = hg_read_fd(fd, sizeof(struct hdr) + sizeof(GEN) + KEY_MAX +
			   HG_BPF_MAX_INSNS * sizeof(struct sock_filter), &buf, &len);
	close(fd);
	if (r == -EFBIG)
		return malformed(e, id, path, "is larger than any program");
	if (r < 0)
		return hg_error_set(e, -r, id, path, NULL, "cannot read seccomp filter cache entry "
				    "%s: %s", path, strerror(-r));
	r = hg_bpfcache_parse(buf, len, key, klen, out, path, id, e);
	free(buf);
	return r < 0 ? r : 1;
}

/* DIR opened as a trusted, root-owned directory nobody else can write. */
static int
open_dir(const char *dir)
{
	const struct hg_trust t = { "HG-015", HG_UID_NONE, 0, HG_WANT_DIR };
	struct hg_error e = { 0 };
	struct stat st;
	int fd = hg_safe_open(dir, O_PATH, &t, &st, &e);

	if (fd >= 0 && (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

int
hg_bpfcache_put(const char *dir, const void *key, size_t klen, const struct hg_bpf *b)
{
	struct hdr h = { MAGIC, (uint32_t)(sizeof(GEN) + klen), (uint32_t)b->len, 0 };
	size_t plen = b->len * sizeof(struct sock_filter), n = sizeof(h) + sizeof(GEN) + klen + plen;
	struct hg_error e = { 0 };
	char path[4096], *buf;
	int dfd, r;

	if (geteuid() != 0 || klen > KEY_MAX || b->len == 0 || b->len > HG_BPF_MAX_INSNS)
		return -EPERM;
	if ((r = entry_name(dir, key, klen, path, sizeof(path))) < 0)
		return r;
	if ((buf = malloc(n)) == NULL)
		return -ENOMEM;
	h.sum = fnv1a(key_hash(key, klen), b->insn, plen);
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), GEN, sizeof(GEN));
	memcpy(buf + sizeof(h) + sizeof(GEN), key, klen);
	memcpy(buf + sizeof(h) + sizeof(GEN) + klen, b->insn, plen);
	if ((dfd = open_dir(dir)) >= 0) {
		/* fsync'd and renamed: a torn entry would refuse the next start */
		r = hg_replace_file(dfd, dir, strrchr(path, '/') + 1, buf, n, 0644, 0, "HG-015", &e);
		close(dfd);
	} else {
		r = dfd;
	}
	free(buf);
	return r;
}

static int
bpf_read(int fd, struct hg_bpf *out)
{
	off_t size = lseek(fd, 0, SEEK_END);
	size_t n;
	ssize_t r;

	memset(out, 0, sizeof(*out));
	if (size < 0)
		return -errno;
	if (size == 0 || size % (off_t)sizeof(struct sock_filter) != 0 ||
	    (size_t)size > HG_BPF_MAX_INSNS * sizeof(struct sock_filter))
		return -EINVAL;
	n = (size_t)size;
	if ((out->insn = malloc(n)) == NULL)
		return -ENOMEM;
	if ((r = pread(fd, out->insn, n, 0)) != (ssize_t)n) {
		hg_bpf_free(out);
		return r < 0 ? -errno : -EIO;
	}
	out->len = n / sizeof(struct sock_filter);
	return 0;
}

int
hg_bpf_export(void *sc, int (*export)(void *sc, int fd), struct hg_bpf *out)
{
	int fd = memfd_create("hardgate-bpf", MFD_CLOEXEC), r;

	memset(out, 0, sizeof(*out));
	if (fd < 0)
		return -errno;
	if ((r = export(sc, fd)) == 0)
		r = bpf_read(fd, out);
	close(fd);
	return r;
}

int
hg_bpf_load(const struct hg_bpf *b, int tsync)
{
	struct sock_fprog p = { (unsigned short)b->len, b->insn };
	long r;

	if (b->len == 0 || b->len > HG_BPF_MAX_INSNS)
		return -EINVAL;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, tsync ? SECCOMP_FILTER_FLAG_TSYNC : 0,
		    &p);
	if (r < 0)
		return -errno;
	return r == 0 ? 0 : -ESRCH;	/* TSYNC: thread r could not be synchronized */
}
