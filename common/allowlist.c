/* allowlist.c - see allowlist.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "allowlist.h"
#include "analyzer.h"

struct key {
	uint8_t family;		/* 4 or 6 */
	uint8_t prefix;
	uint16_t port;		/* 0: any */
	uint8_t addr[16];	/* masked to prefix */
};

struct hg_allow {
	struct key *slot;	/* open addressing; family 0 = empty */
	size_t cap, n;
	uint8_t used4[33], used6[129];	/* prefix lengths in use */
	char **unix_paths;
	size_t nunix;
};

static uint64_t
hash(const struct key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

static void
mask(uint8_t *addr, size_t len, unsigned prefix)
{
	for (size_t i = 0; i < len; i++) {
		unsigned bits = prefix >= 8 * (i + 1) ? 8 : prefix > 8 * i ? prefix - 8 * i : 0;

		addr[i] &= (uint8_t)(0xff00u >> bits);
	}
}

static int
find(const struct hg_allow *a, const struct key *k)
{
	if (a->cap == 0)
		return 0;
	for (size_t i = hash(k) & (a->cap - 1);; i = (i + 1) & (a->cap - 1)) {
		if (a->slot[i].family == 0)
			return 0;
		if (memcmp(&a->slot[i], k, sizeof(*k)) == 0)
			return 1;
	}
}

static void
put(struct key *slots, size_t cap, const struct key *k)
{
	size_t i = hash(k) & (cap - 1);

	while (slots[i].family != 0)
		i = (i + 1) & (cap - 1);
	slots[i] = *k;
}

static int
grow(struct hg_allow *a)
{
	size_t cap = a->cap ? a->cap * 2 : 64;
	struct key *s = calloc(cap, sizeof(*s));

	if (s == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < a->cap; i++)
		if (a->slot[i].family)
			put(s, cap, &a->slot[i]);
	free(a->slot);
	a->slot = s;
	a->cap = cap;
	return 0;
}

struct hg_allow *
hg_allow_new(void)
{
	return calloc(1, sizeof(struct hg_allow));
}

void
hg_allow_free(struct hg_allow *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->nunix; i++)
		free(a->unix_paths[i]);
	free(a->unix_paths);
	free(a->slot);
	free(a);
}

int
hg_allow_add_addr(struct hg_allow *a, int family, const void *addr, unsigned prefix,
		  uint16_t port)
{
	size_t len = family == AF_INET ? 4 : 16;
	struct key k = { 0 };
	int r;

	if ((family != AF_INET && family != AF_INET6) || prefix > 8 * len)
		return -EINVAL;
	k.family = family == AF_INET ? 4 : 6;
	k.prefix = (uint8_t)prefix;
	k.port = port;
	memcpy(k.addr, addr, len);
	mask(k.addr, len, prefix);
	if (find(a, &k))
		return 0;
	if ((a->n + 1) * 2 > a->cap && (r = grow(a)) < 0)
		return r;
	put(a->slot, a->cap, &k);
	a->n++;
	if (family == AF_INET)
		a->used4[prefix] = 1;
	else
		a->used6[prefix] = 1;
	return 0;
}

HG_LEAK_FP_BEGIN	/* analyzer.h: the array may have grown by realloc */
static int
add_unix(struct hg_allow *a, const char *path)
{
	char **v;

	if ((v = realloc(a->unix_paths, (a->nunix + 1) * sizeof(*v))) == NULL)
		return -ENOMEM;
	a->unix_paths = v;
	if ((v[a->nunix] = strdup(path)) == NULL)
		return -ENOMEM;
	a->nunix++;
	return 0;
}
HG_LEAK_FP_END

/*
 * A decimal number of 1 to MAXLEN digits and nothing else, <= MAX: strtoul
 * alone would take " 8", "+8" and "-0" (a /0 that allows everything).
 */
static int
parse_num(const char *s, size_t maxlen, unsigned long max, unsigned long *out)
{
	size_t n = strspn(s, "0123456789");

	if (n == 0 || n > maxlen || s[n] != '\0')
		return -EINVAL;
	*out = strtoul(s, NULL, 10);
	return *out <= max ? 0 : -EINVAL;
}

/* "5432" or "*" -> port (0 = any). */
static int
parse_port(const char *s, uint16_t *out)
{
	unsigned long v;

	if (strcmp(s, "*") == 0) {
		*out = 0;
		return 0;
	}
	if (parse_num(s, 5, 65535, &v) < 0 || v == 0)
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

int
hg_dest_parse(const char *entry, struct hg_dest *d, char *err, size_t errlen)
{
	const char *orig = entry, *colon, *portstr;
	char host[256], *slash;
	unsigned long prefix;
	size_t hl;

	memset(d, 0, sizeof(*d));
	if (strncmp(entry, "unix:", 5) == 0) {
		d->family = AF_UNIX;
		d->path = entry + 5;
		if (d->path[0] == '/' || (d->path[0] == '@' && d->path[1] != '\0'))	/* @: abstract */
			return 0;
		snprintf(err, errlen, "unix socket path %s is neither absolute nor @abstract", d->path);
		return -EINVAL;
	}
	if (entry[0] == '[') {	/* [v6]:port or [v6/len]:port */
		const char *close = strchr(entry, ']');

		if (close == NULL || close[1] != ':')
			goto bad;
		hl = (size_t)(close - entry - 1);
		portstr = close + 2;
		entry++;
	} else {
		if ((colon = strrchr(entry, ':')) == NULL || strchr(entry, ':') != colon)
			goto bad;	/* a bare v6 address must be bracketed */
		hl = (size_t)(colon - entry);
		portstr = colon + 1;
	}
	if (hl == 0 || hl >= sizeof(host) || parse_port(portstr, &d->port) < 0)
		goto bad;
	memcpy(host, entry, hl);
	host[hl] = '\0';
	if ((slash = strchr(host, '/')) != NULL) {
		*slash = '\0';
		if (parse_num(slash + 1, 3, 128, &prefix) < 0)
			goto bad;
	}
	if (inet_pton(AF_INET, host, d->addr) == 1)
		d->family = AF_INET;
	else if (inet_pton(AF_INET6, host, d->addr) == 1)
		d->family = AF_INET6;
	else if (slash == NULL && strspn(host, "abcdefghijklmnopqrstuvwxyz"
				  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == strlen(host))
		return -EAGAIN;	/* a host name */
	else
		goto bad;
	if (slash == NULL)
		prefix = d->family == AF_INET ? 32 : 128;
	if (prefix > (d->family == AF_INET ? 32u : 128u))
		goto bad;
	d->prefix = (unsigned)prefix;
	mask(d->addr, d->family == AF_INET ? 4 : 16, d->prefix);
	return 0;
bad:
	snprintf(err, errlen, "bad destination \"%s\": use ADDR:PORT, CIDR:PORT, [V6]:PORT, "
		 "HOST:PORT or unix:/PATH (PORT may be *)", orig);
	return -EINVAL;
}

int
hg_dest_expand(const char *entry, int (*emit)(const char *, void *), void *arg, char *err,
	       size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *ai;
	const char *colon = strrchr(entry, ':');
	char host[256], addr[INET6_ADDRSTRLEN], buf[320];
	struct hg_dest d;
	int r = hg_dest_parse(entry, &d, err, errlen);

	if (r != -EAGAIN)
		return r < 0 ? r : emit(entry, arg);
	snprintf(host, sizeof(host), "%.*s", (int)(colon - entry), entry);
	if ((r = getaddrinfo(host, NULL, &hints, &res)) != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", host, gai_strerror(r));
		return -ENOENT;
	}
	for (ai = res, r = 0; ai && r == 0; ai = ai->ai_next) {
		const void *p = ai->ai_family == AF_INET ?
					(const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr :
					(const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;

		inet_ntop(ai->ai_family, p, addr, sizeof(addr));
		snprintf(buf, sizeof(buf), ai->ai_family == AF_INET ? "%s:%s" : "[%s]:%s", addr,
			 colon + 1);
		r = emit(buf, arg);
	}
	freeaddrinfo(res);
	return r;
}

int
hg_allow_add(struct hg_allow *a, const char *entry, char *err, size_t errlen)
{
	struct hg_dest d;
	int r = hg_dest_parse(entry, &d, err, errlen);

	if (r < 0)
		return r;
	if (d.family == AF_UNIX)
		return add_unix(a, d.path);
	return hg_allow_add_addr(a, d.family, d.addr, d.prefix, d.port);
}

int
hg_allow_inet(const struct hg_allow *a, int family, const void *addr, uint16_t port)
{
	const uint8_t *used = family == AF_INET ? a->used4 : a->used6;
	unsigned max = family == AF_INET ? 32 : 128;
	size_t len = family == AF_INET ? 4 : 16;
	struct key k = { 0 };

	if (family != AF_INET && family != AF_INET6)
		return 0;
	k.family = family == AF_INET ? 4 : 6;
	for (int p = (int)max; p >= 0; p--) {
		if (!used[p])
			continue;
		k.prefix = (uint8_t)p;
		memcpy(k.addr, addr, len);
		mask(k.addr, len, (unsigned)p);
		k.port = port;
		if (find(a, &k))
			return 1;
		k.port = 0;
		if (find(a, &k))
			return 1;
	}
	return 0;
}

int
hg_allow_unix(const struct hg_allow *a, const char *path)
{
	for (size_t i = 0; i < a->nunix; i++)
		if (strcmp(a->unix_paths[i], path) == 0)
			return 1;
	return 0;
}

size_t
hg_allow_count(const struct hg_allow *a)
{
	return a->n + a->nunix;
}
