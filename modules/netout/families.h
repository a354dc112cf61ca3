/*
 * families.h - netout's seccomp layer: socket(2) only for the address
 * families the policy names (default unix, inet, inet6, netlink), and no
 * raw IP sockets. Other families fail with EAFNOSUPPORT, raw sockets
 * with EPERM: errors a program handles, not a kill.
 */
#ifndef HG_NETOUT_FAMILIES_H
#define HG_NETOUT_FAMILIES_H

#include <stdint.h>

/* Family number for NAME ("unix", "inet", "packet", ...), or -1. */
int hg_family_number(const char *name);

/* Load the filter allowing the families in MASK (bit = AF_*). 0 or negative errno. */
int hg_families_restrict(uint64_t mask);

/* Read back: a socket of a family outside MASK is refused. 1 if so. */
int hg_families_enforced(uint64_t mask);

#endif
