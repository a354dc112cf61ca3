/*
 * families.h - netout's seccomp layer: socket(2) only for the address
 * families the policy names (default unix, inet, inet6, netlink), and no
 * raw IP sockets. Other families fail with EAFNOSUPPORT, raw sockets
 * with EPERM: errors a program handles, not a kill. io_uring_setup,
 * io_uring_enter and io_uring_register fail with EPERM too: io_uring makes
 * and connects sockets without socket(2), on a ring made before the filter
 * as well.
 */
#ifndef HG_NETOUT_FAMILIES_H
#define HG_NETOUT_FAMILIES_H

#include <stdint.h>

#include "bpfcache.h"

/* Family number for NAME ("unix", "inet", "packet", ...), or -1. */
int hg_family_number(const char *name);

/*
 * The filter allowing the families in MASK (bit = AF_*) into OUT: from
 * the compiled-filter cache in CACHE_DIR, else compiled (and stored there
 * when STORE). 0, or a negative errno with E (an entry that cannot be
 * trusted, a failed compile). Load it with hg_bpf_load().
 */
int hg_families_program(uint64_t mask, const char *cache_dir, int store, struct hg_bpf *out,
			const char *id, struct hg_error *e);

/* Read back: a socket of a family outside MASK is refused. 1 if so. */
int hg_families_enforced(uint64_t mask);

#endif
