/* url.c - split a URL or host:port (url.h). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "url.h"

/* Copy S[0..N) into OUT (SIZE bytes). 0, or -EINVAL when it does not fit. */
static int
part(char *out, size_t size, const char *s, size_t n)
{
	if (n >= size)
		return -EINVAL;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

static int
port_of(const char *s, const char *end, unsigned *port)
{
	unsigned v = 0;

	if (s == end)
		return -EINVAL;
	for (; s < end; s++) {
		if (!isdigit((unsigned char)*s) || (v = v * 10 + (unsigned)(*s - '0')) > 65535)
			return -EINVAL;
	}
	*port = v;
	return v ? 0 : -EINVAL;
}

static int
split(const char *s, struct hg_url *u)
{
	const char *p = strstr(s, "://"), *auth, *end, *at = NULL, *colon, *hend;

	if (p && part(u->scheme, sizeof(u->scheme), s, (size_t)(p - s)) < 0)
		return -EINVAL;
	auth = p ? p + 3 : s;
	end = auth + strcspn(auth, "/?#");
	for (const char *q = auth; q < end; q++)
		if (*q == '@')
			at = q;
	if (at) {
		colon = memchr(auth, ':', (size_t)(at - auth));
		if (part(u->user, sizeof(u->user), auth, (size_t)((colon ? colon : at) - auth)) < 0)
			return -EINVAL;
		auth = at + 1;
	}
	if (*auth == '[') {
		const char *rb = memchr(auth, ']', (size_t)(end - auth));

		if (rb == NULL)
			return -EINVAL;
		hend = rb + 1;
	} else {
		hend = memchr(auth, ':', (size_t)(end - auth));
		hend = hend ? hend : end;
	}
	if (part(u->host, sizeof(u->host), auth, (size_t)(hend - auth)) < 0)
		return -EINVAL;
	if (hend < end && *hend == ':')
		return port_of(hend + 1, end, &u->port);
	return hend == end ? 0 : -EINVAL;
}

int
hg_url_split(const char *s, struct hg_url *u)
{
	memset(u, 0, sizeof(*u));
	if (split(s, u) < 0) {
		memset(u, 0, sizeof(*u));
		return -EINVAL;
	}
	return 0;
}
