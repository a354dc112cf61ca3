/*
 * interpose.c - the preload's connect(), sendto() and sendmsg(): the fast
 * outbound allowlist layer of netout (design.md section 7). A denied
 * destination gets EACCES and one log line naming it and the ID. This
 * layer is bypassed by a raw syscall; the seccomp, Landlock and nftables
 * layers are what a process cannot step around.
 *
 * glibc declares these with transparent-union address arguments under
 * _GNU_SOURCE, hence __CONST_SOCKADDR_ARG.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <sys/socket.h>

#include "netguard.h"

#define HG_EXPORT __attribute__((visibility("default")))

/* The next definition (libc's), looked up once. */
static void *
next(const char *name, void **cache)
{
	void *f = __atomic_load_n(cache, __ATOMIC_ACQUIRE);

	if (f == NULL) {
		f = dlsym(RTLD_NEXT, name);
		__atomic_store_n(cache, f, __ATOMIC_RELEASE);
	}
	return f;
}

HG_EXPORT int
connect(int fd, __CONST_SOCKADDR_ARG addr, socklen_t len)
{
	static void *real;
	int (*f)(int, __CONST_SOCKADDR_ARG, socklen_t);

	if (!hg_netguard_allows(addr.__sockaddr__, len, "connect")) {
		errno = EACCES;
		return -1;
	}
	if ((f = (int (*)(int, __CONST_SOCKADDR_ARG, socklen_t))next("connect", &real)) == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return f(fd, addr, len);
}

HG_EXPORT ssize_t
sendto(int fd, const void *buf, size_t n, int flags, __CONST_SOCKADDR_ARG addr, socklen_t len)
{
	static void *real;
	ssize_t (*f)(int, const void *, size_t, int, __CONST_SOCKADDR_ARG, socklen_t);

	if (addr.__sockaddr__ != NULL && !hg_netguard_allows(addr.__sockaddr__, len, "sendto")) {
		errno = EACCES;
		return -1;
	}
	f = (ssize_t (*)(int, const void *, size_t, int, __CONST_SOCKADDR_ARG, socklen_t))
		next("sendto", &real);
	if (f == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return f(fd, buf, n, flags, addr, len);
}

HG_EXPORT ssize_t
sendmsg(int fd, const struct msghdr *msg, int flags)
{
	static void *real;
	ssize_t (*f)(int, const struct msghdr *, int);

	if (msg != NULL && msg->msg_name != NULL &&
	    !hg_netguard_allows(msg->msg_name, msg->msg_namelen, "sendmsg")) {
		errno = EACCES;
		return -1;
	}
	if ((f = (ssize_t (*)(int, const struct msghdr *, int))next("sendmsg", &real)) == NULL) {
		errno = ENOSYS;
		return -1;
	}
	return f(fd, msg, flags);
}
