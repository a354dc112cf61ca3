/*
 * landlock.h - netout's kernel layer: Landlock TCP connect rules by port
 * (Landlock ABI >= 4, Linux 6.7). Debian 12's kernel headers predate the
 * network part, so the stable kernel ABI is spelled out in landlock.c.
 */
#ifndef HG_NETOUT_LANDLOCK_H
#define HG_NETOUT_LANDLOCK_H

#include <stddef.h>
#include <stdint.h>

/* The kernel's Landlock ABI version, or a negative errno (not built in / disabled). */
int hg_landlock_abi(void);

/*
 * Restrict this process (and what it executes) to TCP connects to PORTS.
 * Sets no_new_privs first (Landlock requires it). 0 or negative errno.
 */
int hg_landlock_connect_ports(const uint16_t *ports, size_t n);

/*
 * Read back: a raw connect(2) to 127.0.0.1:PORT (a port not allowed) must
 * fail with EACCES from Landlock before any packet. 1 enforced, 0 not.
 */
int hg_landlock_denies_port(uint16_t port);

#endif
