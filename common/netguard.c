/* netguard.c - see netguard.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "allowlist.h"
#include "netguard.h"
#include "report.h"

static struct hg_allow *guard;
static char guard_service[128];
static char guard_id[32];
static int guard_log = -1;
static unsigned long denials;

int
hg_netguard_install(const char *const *entries, size_t n, const char *service, const char *id,
		    char *err, size_t errlen)
{
	struct hg_allow *a;
	int r;

	if (guard != NULL) {
		snprintf(err, errlen, "an outbound allowlist is already installed");
		return -EEXIST;
	}
	if ((a = hg_allow_new()) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if ((r = hg_allow_add(a, entries[i], err, errlen)) < 0) {
			if (r == -EAGAIN)
				snprintf(err, errlen, "unresolved host in \"%s\"", entries[i]);
			hg_allow_free(a);
			return r == -EAGAIN ? -EINVAL : r;
		}
	snprintf(guard_service, sizeof(guard_service), "%s", service);
	snprintf(guard_id, sizeof(guard_id), "%s", id);
	guard_log = hg_report_syslog_open();
	guard = a;
	return 0;
}

int
hg_netguard_active(void)
{
	return guard != NULL;
}

/* "10.0.0.5:5432", "[fd00::1]:443", "unix:/run/x.sock" */
static void
describe(const struct sockaddr *sa, socklen_t len, char *buf, size_t n)
{
	char a[INET6_ADDRSTRLEN];

	if ((sa->sa_family == AF_INET && len < sizeof(struct sockaddr_in)) ||
	    (sa->sa_family == AF_INET6 && len < sizeof(struct sockaddr_in6)))
		snprintf(buf, n, "a truncated %s address (%u bytes)",
			 sa->sa_family == AF_INET ? "IPv4" : "IPv6", (unsigned)len);
	else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		inet_ntop(AF_INET, &in->sin_addr, a, sizeof(a));
		snprintf(buf, n, "%s:%u", a, ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof(a));
		snprintf(buf, n, "[%s]:%u", a, ntohs(in6->sin6_port));
	} else {
		const struct sockaddr_un *un = (const void *)sa;
		size_t pl = len > offsetof(struct sockaddr_un, sun_path) ?
				    len - offsetof(struct sockaddr_un, sun_path) : 0;

		if (pl > 0 && un->sun_path[0] == '\0')	/* abstract */
			snprintf(buf, n, "unix:@%.*s", (int)(pl - 1), un->sun_path + 1);
		else
			snprintf(buf, n, "unix:%.*s", (int)strnlen(un->sun_path, pl), un->sun_path);
	}
}

/*
 * S as one line into OUT (the escapes of hg_text_str): a unix socket path
 * is the program's bytes and may hold a newline. No allocation: this runs
 * inside the program's connect().
 */
static void
one_line(char *out, size_t n, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *s && o + 5 < n; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '\n' || c == '\t' || c == '\r') {
			out[o++] = '\\';
			out[o++] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
		} else if (c < 0x20 || c == 0x7f) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
}

static int
allowed(const struct sockaddr *sa, socklen_t len, const char *dest)
{
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const void *)sa;

		return hg_allow_inet(guard, AF_INET, &in->sin_addr, ntohs(in->sin_port));
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))	/* ::ffff:a.b.c.d is IPv4 */
			return hg_allow_inet(guard, AF_INET, &in6->sin6_addr.s6_addr[12],
					     ntohs(in6->sin6_port));
		return hg_allow_inet(guard, AF_INET6, &in6->sin6_addr, ntohs(in6->sin6_port));
	}
	if (sa->sa_family == AF_UNIX)
		return hg_allow_unix(guard, dest + 5);
	return sa->sa_family != AF_INET && sa->sa_family != AF_INET6;	/* truncated: deny */
}

int
hg_netguard_allows(const struct sockaddr *sa, socklen_t len, const char *what)
{
	struct sockaddr_storage ss = { 0 };
	char dest[160], line[512];
	int n;

	if (guard == NULL || sa == NULL || len < sizeof(sa->sa_family))
		return 1;
	if (sa->sa_family != AF_INET && sa->sa_family != AF_INET6 && sa->sa_family != AF_UNIX)
		return 1;	/* netlink and others: the seccomp layer's business */
	/*
	 * The program's bytes end at LEN: a truncated address is described
	 * from a zero-padded copy (and denied by allowed()), never read past.
	 */
	memcpy(&ss, sa, len < sizeof(ss) ? len : sizeof(ss));
	if (len > sizeof(ss))
		len = sizeof(ss);
	sa = (const struct sockaddr *)&ss;
	describe(sa, len, dest, sizeof(dest));
	if (allowed(sa, len, dest))
		return 1;
	/* Say why, but a tight retry loop must not flood the log. */
	if (++denials <= 100 || denials % 1000 == 0) {
		char fix[256], shown[160];	/* dest as one line, cut like dest */

		one_line(shown, sizeof(shown), dest);

		if (strncmp(dest, "a truncated", 11) == 0)
			snprintf(fix, sizeof(fix), "pass the whole address to %s", what);
		else
			snprintf(fix, sizeof(fix), "add \"%s\" to allow if it is meant to be reached", shown);
		n = snprintf(line, sizeof(line), "hardgate[%s]: %s FAIL %s to %s denied: not in netout's "
			     "allow list; fix: %s\n", guard_service, guard_id, what, shown, fix);
		if (n > 0)
			(void)!write(STDERR_FILENO, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
		if (guard_log >= 0 && n > 1) {
			char msg[560];	/* <83>: LOG_AUTHPRIV | LOG_ERR */
			int m = snprintf(msg, sizeof(msg), "<83>%.*s", n - 1, line);

			if (m > 0)
				(void)send(guard_log, msg, (size_t)m < sizeof(msg) ? (size_t)m : sizeof(msg) - 1,
					   MSG_DONTWAIT | MSG_NOSIGNAL);
		}
	}
	return 0;
}
