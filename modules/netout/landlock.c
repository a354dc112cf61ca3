/* landlock.c - see landlock.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"

/* Stable since Linux 5.13 on every architecture. */
#define NR_landlock_create_ruleset 444
#define NR_landlock_add_rule 445
#define NR_landlock_restrict_self 446
#define CREATE_RULESET_VERSION (1u << 0)
#define RULE_NET_PORT 2
#define ACCESS_NET_CONNECT_TCP (1ull << 1)

struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
};

struct net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
} __attribute__((packed));

int
hg_landlock_abi(void)
{
	long v = syscall(NR_landlock_create_ruleset, NULL, 0, CREATE_RULESET_VERSION);

	return v < 0 ? -errno : (int)v;
}

int
hg_landlock_connect_ports(const uint16_t *ports, size_t n)
{
	struct ruleset_attr ra = { 0, ACCESS_NET_CONNECT_TCP };
	int fd, err = 0;

	fd = (int)syscall(NR_landlock_create_ruleset, &ra, sizeof(ra), 0);
	if (fd < 0)
		return -errno;
	for (size_t i = 0; i < n && err == 0; i++) {
		struct net_port_attr pa = { ACCESS_NET_CONNECT_TCP, ports[i] };

		if (syscall(NR_landlock_add_rule, fd, RULE_NET_PORT, &pa, 0) < 0)
			err = -errno;
	}
	if (err == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		err = -errno;
	if (err == 0 && syscall(NR_landlock_restrict_self, fd, 0) < 0)
		err = -errno;
	close(fd);
	return err;
}

int
hg_landlock_denies_port(uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), denied;

	if (s < 0)
		return 0;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* raw syscall: the preload's own connect() would refuse it first */
	denied = syscall(SYS_connect, s, &sa, sizeof(sa)) < 0 && errno == EACCES;
	close(s);
	return denied;
}
