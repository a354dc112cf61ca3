/*
 * netguard.h - the outbound allowlist of this process, consulted by the
 * preload's connect(), sendto() and sendmsg(). Installed once, before
 * main, by the netout module through the core; read-only afterwards.
 */
#ifndef HG_COMMON_NETGUARD_H
#define HG_COMMON_NETGUARD_H

#include <stddef.h>
#include <sys/socket.h>

/*
 * Install ENTRIES (allowlist.h syntax, host names already resolved) for
 * SERVICE, reporting denials under ID. 0, or -EINVAL/-ENOMEM with ERR.
 */
int hg_netguard_install(const char *const *entries, size_t n, const char *service,
			const char *id, char *err, size_t errlen);

/* 1 if a guard is installed. */
int hg_netguard_active(void);

/*
 * 1 if connecting or sending to SA is allowed (always when no guard is
 * installed, and for families other than IPv4, IPv6 and unix, which the
 * seccomp layer restricts). On 0, a line naming the destination and the
 * ID has been written to stderr and syslog (rate-limited).
 */
int hg_netguard_allows(const struct sockaddr *sa, socklen_t len, const char *what);

#endif
