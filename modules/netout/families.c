/* families.c - see families.h. */
#include "config.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bpfcache.h"
#include "families.h"

#define MAX_FAMILY 64

static const struct {
	const char *name;
	int family;
} names[] = {
	{ "unix", AF_UNIX }, { "inet", AF_INET }, { "inet6", AF_INET6 },
	{ "netlink", AF_NETLINK }, { "packet", AF_PACKET }, { "vsock", AF_VSOCK },
	{ "bluetooth", AF_BLUETOOTH }, { "can", AF_CAN }, { "alg", AF_ALG },
	{ "xdp", AF_XDP }, { "tipc", AF_TIPC }, { "key", AF_KEY },
};

int
hg_family_number(const char *name)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(names[i].name, name) == 0)
			return names[i].family;
	return -1;
}

/* The filter for MASK, compiled by libseccomp into OUT. 0 or negative errno. */
static int
compile(uint64_t mask, struct hg_bpf *out)
{
	scmp_filter_ctx sc = seccomp_init(SCMP_ACT_ALLOW);
	int r = sc ? 0 : -ENOMEM;

	if (r == 0)
		r = seccomp_attr_set(sc, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	for (int f = 0; r == 0 && f < MAX_FAMILY; f++)
		if (!(mask & (UINT64_C(1) << f)))
			r = seccomp_rule_add(sc, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
					     SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)f));
	if (r == 0)	/* families the kernel may add later */
		r = seccomp_rule_add(sc, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
				     SCMP_A0(SCMP_CMP_GE, MAX_FAMILY));
	/* raw IP sockets: type & 0xf == SOCK_RAW (the flags live above) */
	if (r == 0)
		r = seccomp_rule_add(sc, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 2,
				     SCMP_A0(SCMP_CMP_EQ, AF_INET),
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_RAW));
	if (r == 0)
		r = seccomp_rule_add(sc, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 2,
				     SCMP_A0(SCMP_CMP_EQ, AF_INET6),
				     SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, SOCK_RAW));
	/*
	 * io_uring makes sockets of any family (IORING_OP_SOCKET, 5.19+) and
	 * connects them without socket(2) or connect(2): no io_uring at all.
	 * Not only no new ring: code that ran before this filter (a preinit
	 * function, a library's constructor) or another process (SCM_RIGHTS)
	 * may hand the service a ring, so using one is refused too.
	 */
	if (r == 0)
		r = seccomp_rule_add(sc, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(io_uring_setup), 0);
	if (r == 0)
		r = seccomp_rule_add(sc, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(io_uring_enter), 0);
	if (r == 0)
		r = seccomp_rule_add(sc, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(io_uring_register), 0);
	if (r == 0)
		r = hg_bpf_export(sc, seccomp_export_bpf, out);
	seccomp_release(sc);
	return r;
}

int
hg_families_program(uint64_t mask, const char *cache_dir, int store, struct hg_bpf *out,
		    const char *id, struct hg_error *e)
{
	uint32_t key[9];
	size_t k = hg_bpf_key_head(2, key);	/* kind 2: socket families */
	char path[4096];
	int r;

	key[k++] = 3;	/* the filter's shape: 3 refuses io_uring_setup, _enter, _register */
	key[k++] = (uint32_t)mask;
	key[k++] = (uint32_t)(mask >> 32);
	r = hg_bpfcache_get(cache_dir, key, k * sizeof(key[0]), out, path, sizeof(path), id, e);
	if (r != 0)
		return r < 0 ? r : 0;
	if ((r = compile(mask, out)) < 0)
		return hg_error_set(e, -r, id, NULL, NULL,
				    "cannot compile the socket-family filter: %s", strerror(-r));
	if (store)
		hg_bpfcache_put(cache_dir, key, k * sizeof(key[0]), out);
	return 0;
}

int
hg_families_enforced(uint64_t mask)
{
	int probe = !(mask & (UINT64_C(1) << AF_PACKET)) ? AF_PACKET : AF_VSOCK;
	int s = socket(probe, SOCK_DGRAM | SOCK_CLOEXEC, 0), raw;

	if (s >= 0) {
		close(s);
		return 0;
	}
	if (errno != EAFNOSUPPORT)
		return 0;
	raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, 1);
	if (raw >= 0) {
		close(raw);
		return 0;
	}
	return errno == EPERM;
}
