/*
 * allowlist.h - outbound destinations a service may reach (netout).
 *
 * Entries: "ADDR:PORT", "CIDR:PORT", "[V6]:PORT", "[V6CIDR]:PORT" with
 * PORT a number or "*", "unix:/absolute/path" and "unix:@abstract". Host names are the
 * caller's business: resolve them once and add the addresses.
 *
 * Lookup is flat as the list grows: one hash table keyed by (family,
 * prefix length, masked address, port); a lookup probes once per prefix
 * length in use (twice: the port and "*"), whatever the number of entries.
 */
#ifndef HG_COMMON_ALLOWLIST_H
#define HG_COMMON_ALLOWLIST_H

#include <stddef.h>
#include <stdint.h>

struct hg_allow;

/* One parsed destination. */
struct hg_dest {
	int family;		/* AF_INET, AF_INET6, or AF_UNIX */
	uint8_t addr[16];	/* masked to prefix */
	unsigned prefix;
	uint16_t port;		/* 0: any */
	const char *path;	/* AF_UNIX: points into the entry */
};

/*
 * Parse ENTRY into D. 0; -EAGAIN when the host is a name; -EINVAL with
 * the reason in ERR.
 */
int hg_dest_parse(const char *entry, struct hg_dest *d, char *err, size_t errlen);

/*
 * Call EMIT for ENTRY, or, when its host is a name, once per address it
 * resolves to ("ADDR:PORT" / "[V6]:PORT"): names are looked up once, here.
 * 0, -EINVAL/-ENOENT with ERR, or EMIT's negative return.
 */
int hg_dest_expand(const char *entry, int (*emit)(const char *entry, void *arg), void *arg,
		   char *err, size_t errlen);

struct hg_allow *hg_allow_new(void);
void hg_allow_free(struct hg_allow *a);

/*
 * Add ENTRY. 0; -EINVAL with a reason in ERR for a malformed entry;
 * -EAGAIN when the host part is a name (resolve it, add the addresses);
 * -ENOMEM.
 */
int hg_allow_add(struct hg_allow *a, const char *entry, char *err, size_t errlen);

/* Add one address (AF_INET: 4 bytes, AF_INET6: 16) with PORT (0: any). */
int hg_allow_add_addr(struct hg_allow *a, int family, const void *addr, unsigned prefix,
		      uint16_t port);

/* 1 if FAMILY ADDR PORT (host order) is allowed, 0 if not. */
int hg_allow_inet(const struct hg_allow *a, int family, const void *addr, uint16_t port);

/* 1 if the unix socket PATH is allowed. */
int hg_allow_unix(const struct hg_allow *a, const char *path);

/* Number of entries. */
size_t hg_allow_count(const struct hg_allow *a);

#endif
