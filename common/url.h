/*
 * url.h - the parts of a URL or "host:port" that checks need: scheme,
 * user, host and port. The password of the userinfo is never copied, so
 * no caller can print it by mistake.
 */
#ifndef HG_COMMON_URL_H
#define HG_COMMON_URL_H

struct hg_url {
	char scheme[16];	/* "" without "scheme://" */
	char user[128];		/* "" without userinfo */
	char host[256];		/* as written; an IPv6 literal keeps its brackets */
	unsigned port;		/* 0 when none is given */
};

/*
 * Split S: "scheme://[user[:password]@]host[:port][/...]" (the last @
 * before the path ends the userinfo, as the URL standard says) or
 * "host:port" / "[v6]:port". 0, or -EINVAL when a part does not fit its
 * buffer or the port is not a number from 1 to 65535 (U is then zeroed).
 */
int hg_url_split(const char *s, struct hg_url *u);

#endif
