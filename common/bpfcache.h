/*
 * bpfcache.h - compiled seccomp programs, kept root-owned on disk and
 * keyed by the resolved filter, so a start loads BPF instead of running
 * libseccomp's compiler (about 1.5 ms for @system-service, the largest
 * cost of a protected start; 0.2 ms for netout's socket families).
 * Shared by the seccomp and netout modules; it links no libseccomp.
 *
 * The KEY is the canonical bytes of the resolved filter (libseccomp
 * version, kernel API level, architectures, action, syscall numbers):
 * everything the program depends on; hardgate's version is put in front
 * of it, for what the code adds. The file's name is a hash of the
 * key; its header carries the key itself, compared in full, and a
 * checksum of key and program. The cache is trusted the way the policy
 * is: every directory from / root-owned and not group/world-writable,
 * the file root-owned, not group/world-writable, exactly the size its
 * header says. An entry that fails any of this refuses the start (it is
 * tampering or a bug); only a missing entry means "compile".
 */
#ifndef HG_COMMON_BPFCACHE_H
#define HG_COMMON_BPFCACHE_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define HG_BPF_MAX_INSNS 4096u	/* BPF_MAXINSNS: the kernel's limit */

struct hg_bpf {
	struct sock_filter *insn;	/* heap; hg_bpf_free() */
	size_t len;			/* instructions */
};

void hg_bpf_free(struct hg_bpf *b);

/*
 * Look KEY up in DIR. 1 (hit: OUT filled), 0 (no such entry), or a
 * negative errno with E naming the file, why and the fix (the entry or
 * the directory cannot be trusted or is malformed). PATH gets the
 * entry's file name either way.
 */
int hg_bpfcache_get(const char *dir, const void *key, size_t klen, struct hg_bpf *out,
		    char *path, size_t pathlen, const char *id, struct hg_error *e);

/*
 * Check BUF (LEN bytes: a whole entry file, named PATH in messages)
 * against KEY and fill OUT: what hg_bpfcache_get() does with what it
 * read. 0, or a negative errno with E (-EBADMSG: malformed, another
 * filter's, or damaged).
 */
int hg_bpfcache_parse(const char *buf, size_t len, const void *key, size_t klen,
		      struct hg_bpf *out, const char *path, const char *id, struct hg_error *e);

/*
 * Store B under KEY in DIR (root only; written to a temporary file and
 * renamed into place). 0 or a negative errno; a failure only costs the
 * next start a compile.
 */
int hg_bpfcache_put(const char *dir, const void *key, size_t klen, const struct hg_bpf *b);

/*
 * The program of a libseccomp context: EXPORT is seccomp_export_bpf and
 * SC its scmp_filter_ctx, written to a memfd and read back into OUT.
 * 0 or a negative errno.
 */
int hg_bpf_export(void *sc, int (*export)(void *sc, int fd), struct hg_bpf *out);

/*
 * Load B as this process's (and with TSYNC all its threads') next
 * seccomp filter, after PR_SET_NO_NEW_PRIVS as libseccomp does.
 * 0 or a negative errno.
 */
int hg_bpf_load(const struct hg_bpf *b, int tsync);

#ifdef SCMP_VER_MAJOR
/*
 * First words of every key (with <seccomp.h>): what KIND of filter, and
 * what else changes the program the same rules compile to: libseccomp's
 * version V (major, minor and micro: a patch release may generate other
 * BPF), the kernel's API level (actions it has), the native arch.
 * Returns the number of words written to K (6).
 */
static inline size_t
hg_bpf_key_head_v(uint32_t kind, const struct scmp_version *v, uint32_t *k)
{
	k[0] = kind;
	k[1] = v ? v->major : 0;
	k[2] = v ? v->minor : 0;
	k[3] = v ? v->micro : 0;
	k[4] = (uint32_t)seccomp_api_get();
	k[5] = seccomp_arch_native();
	return 6;
}

/* The same for the libseccomp this process runs (not the headers built with). */
static inline size_t
hg_bpf_key_head(uint32_t kind, uint32_t *k)
{
	return hg_bpf_key_head_v(kind, seccomp_version(), k);
}
#endif

#endif
