/*
 * fuzz_dest.c - netout's destinations (common/allowlist.c): hg_dest_parse()
 * on one entry, then the entry added to an allow list and looked up the
 * way the preload's connect() does. A parsed CIDR keeps the prefix as
 * written and a parsed entry is found by its own address and port.
 */
#include "config.h"

#include <errno.h>
#include <sys/socket.h>

#include "allowlist.h"
#include "fuzz.h"

static void
lookup(const struct hg_dest *d)
{
	struct hg_allow *a = hg_allow_new();
	uint8_t addr[16];
	char err[256];

	if (a == NULL)
		return;
	memcpy(addr, d->addr, sizeof(addr));
	if (d->family == AF_UNIX) {
		char entry[300];

		snprintf(entry, sizeof(entry), "unix:%.280s", d->path);
		if (hg_allow_add(a, entry, err, sizeof(err)) == 0 && strlen(d->path) <= 280)
			HGF_ASSERT(hg_allow_unix(a, d->path));
	} else if (hg_allow_add_addr(a, d->family, d->addr, d->prefix, d->port) == 0) {
		HGF_ASSERT(hg_allow_inet(a, d->family, addr, d->port ? d->port : 1));
		addr[0] ^= 0x80;	/* another network, unless the prefix is 0 */
		if (d->prefix > 0)
			HGF_ASSERT(!hg_allow_inet(a, d->family, addr, d->port ? d->port : 1));
		HGF_ASSERT(hg_allow_count(a) == 1);
	}
	hg_allow_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hg_dest d;
	char err[256] = "", *s = hgf_cstr(data, size);
	int r;

	if (s == NULL)
		return 0;
	r = hg_dest_parse(s, &d, err, sizeof(err));
	HGF_ASSERT(r == 0 || r == -EAGAIN || r == -EINVAL);
	if (r == -EINVAL)
		HGF_ASSERT(err[0] != '\0' && strlen(err) < sizeof(err));
	if (r == 0) {
		const char *slash = strchr(s, '/');

		HGF_ASSERT(d.family == AF_INET || d.family == AF_INET6 || d.family == AF_UNIX);
		HGF_ASSERT(d.family != AF_INET || d.prefix <= 32);
		HGF_ASSERT(d.family != AF_INET6 || d.prefix <= 128);
		/* "10.0.0.0/8:80": the prefix is the number written after '/' */
		if (d.family != AF_UNIX && slash) {
			HGF_ASSERT(slash[1] >= '0' && slash[1] <= '9');
			HGF_ASSERT(strtoul(slash + 1, NULL, 10) == d.prefix);
		}
		lookup(&d);
	}
	{
		struct hg_allow *a = hg_allow_new();

		if (a) {
			r = hg_allow_add(a, s, err, sizeof(err));
			HGF_ASSERT(r <= 0);
			hg_allow_free(a);
		}
	}
	free(s);
	return 0;
}
