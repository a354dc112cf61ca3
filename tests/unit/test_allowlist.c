/* test_allowlist.c - the outbound allowlist matcher (netout's first layer). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "allowlist.h"
#include "netguard.h"
#include "testutil.h"

static int
v4(const struct hg_allow *a, const char *ip, unsigned port)
{
	unsigned char b[4];

	inet_pton(AF_INET, ip, b);
	return hg_allow_inet(a, AF_INET, b, (uint16_t)port);
}

static int
v6(const struct hg_allow *a, const char *ip, unsigned port)
{
	unsigned char b[16];

	inet_pton(AF_INET6, ip, b);
	return hg_allow_inet(a, AF_INET6, b, (uint16_t)port);
}

static struct hg_allow *
make(const char *const *entries)
{
	struct hg_allow *a = hg_allow_new();
	char err[256];

	for (; *entries; entries++)
		CU_ASSERT_EQUAL(hg_allow_add(a, *entries, err, sizeof(err)), 0);
	return a;
}

static void
test_allowlist_matches_exact_cidr_and_any_port(void)
{
	static const char *const e[] = { "192.0.2.10:5432", "10.0.0.0/8:443", "198.51.100.7:*",
					 NULL };
	struct hg_allow *a = make(e);

	CU_ASSERT_TRUE(v4(a, "192.0.2.10", 5432));
	CU_ASSERT_FALSE(v4(a, "192.0.2.10", 5433));
	CU_ASSERT_FALSE(v4(a, "192.0.2.11", 5432));
	CU_ASSERT_TRUE(v4(a, "10.200.3.4", 443));
	CU_ASSERT_FALSE(v4(a, "10.200.3.4", 80));
	CU_ASSERT_FALSE(v4(a, "11.0.0.1", 443));
	CU_ASSERT_TRUE(v4(a, "198.51.100.7", 1));
	CU_ASSERT_TRUE(v4(a, "198.51.100.7", 65535));
	CU_ASSERT_EQUAL(hg_allow_count(a), 3);
	hg_allow_free(a);
}

static void
test_allowlist_matches_ipv6_and_unix(void)
{
	static const char *const e[] = { "[::1]:80", "[fd00::/8]:443", "unix:/run/db.sock",
					 "unix:@abstract", NULL };
	struct hg_allow *a = make(e);

	CU_ASSERT_TRUE(v6(a, "::1", 80));
	CU_ASSERT_FALSE(v6(a, "::1", 81));
	CU_ASSERT_TRUE(v6(a, "fd12:3456::1", 443));
	CU_ASSERT_FALSE(v6(a, "fe80::1", 443));
	CU_ASSERT_TRUE(hg_allow_unix(a, "/run/db.sock"));
	CU_ASSERT_TRUE(hg_allow_unix(a, "@abstract"));
	CU_ASSERT_FALSE(hg_allow_unix(a, "/run/other.sock"));
	CU_ASSERT_FALSE(v4(a, "127.0.0.1", 80));	/* v6 entries never match v4 */
	hg_allow_free(a);
}

static void
test_allowlist_refuses_malformed_entries(void)
{
	static const char *const bad[] = {
		"192.0.2.1", "192.0.2.1:0", "192.0.2.1:70000", "192.0.2.1:x", "10.0.0.0/33:1",
		"10.0.0.0/:1", "::1:80", "[::1]80", "[::1/129]:80", "unix:relative", ":80",
		"bad host!:80", NULL,
	};
	struct hg_allow *a = hg_allow_new();
	char err[256] = "";

	for (const char *const *b = bad; *b; b++) {
		int r = hg_allow_add(a, *b, err, sizeof(err));

		if (r != -EINVAL)
			fprintf(stderr, "  accepted %s (%d)\n", *b, r);
		CU_ASSERT_EQUAL(r, -EINVAL);
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "bad destination"));
	CU_ASSERT_EQUAL(hg_allow_count(a), 0);
	hg_allow_free(a);
}

/*
 * Found by fuzz_dest: "/999" read as "no prefix" (a /32), and strtoul's
 * leniency took " 8", "+8" and "-0" (a /0: every address).
 */
static void
test_dest_refuses_prefixes_and_ports_not_written_as_plain_numbers(void)
{
	static const char *const bad[] = {
		"10.0.0.0/999:80", "10.0.0.0/-0:80", "10.0.0.0/+8:80", "10.0.0.0/ 8:80",
		"10.0.0.0/0008:80", "[fd00::/-0]:53", "10.0.0.1:+80", "10.0.0.1: 80",
		"10.0.0.1:-0", "10.0.0.1:000080", NULL,
	};
	struct hg_dest d;
	char err[256];

	for (const char *const *b = bad; *b; b++) {
		int r = hg_dest_parse(*b, &d, err, sizeof(err));

		if (r != -EINVAL)
			fprintf(stderr, "  accepted %s (%d)\n", *b, r);
		CU_ASSERT_EQUAL(r, -EINVAL);
	}
	CU_ASSERT_EQUAL_FATAL(hg_dest_parse("10.1.2.3/8:0080", &d, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(d.prefix, 8);
	CU_ASSERT_EQUAL(d.port, 80);
	CU_ASSERT_EQUAL(d.addr[1], 0);	/* masked to the prefix */
	CU_ASSERT_EQUAL_FATAL(hg_dest_parse("[fd00::/8]:53", &d, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(d.prefix, 8);
	CU_ASSERT_EQUAL_FATAL(hg_dest_parse("10.1.2.3:5432", &d, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(d.prefix, 32);
}

static void
test_allowlist_leaves_names_to_the_caller(void)
{
	struct hg_allow *a = hg_allow_new();
	char err[256];

	CU_ASSERT_EQUAL(hg_allow_add(a, "db.internal.example:5432", err, sizeof(err)), -EAGAIN);
	CU_ASSERT_EQUAL(hg_allow_count(a), 0);
	hg_allow_free(a);
}

static void
test_allowlist_stays_correct_at_100000_entries(void)
{
	struct hg_allow *a = hg_allow_new();
	unsigned char b[4] = { 10, 0, 0, 0 };
	int failed = 0;

	for (unsigned i = 0; i < 100000; i++) {
		b[1] = (unsigned char)(i >> 16);
		b[2] = (unsigned char)(i >> 8);
		b[3] = (unsigned char)i;
		failed += hg_allow_add_addr(a, AF_INET, b, 32, (uint16_t)(1000 + i % 7)) != 0;
	}
	CU_ASSERT_EQUAL_FATAL(failed, 0);
	CU_ASSERT_EQUAL(hg_allow_count(a), 100000);
	CU_ASSERT_TRUE(v4(a, "10.0.0.0", 1000));
	CU_ASSERT_TRUE(v4(a, "10.1.134.159", 1000 + 99999 % 7));
	CU_ASSERT_FALSE(v4(a, "10.1.134.159", 999));
	CU_ASSERT_FALSE(v4(a, "10.1.134.160", 1000));
	hg_allow_free(a);
}

static int
truncated_v6_denied(void *arg)
{
	static const char *const list[] = { "[::1]:443" };
	struct sockaddr_in6 full = { .sin6_family = AF_INET6, .sin6_port = htons(443) };
	size_t len = offsetof(struct sockaddr_in6, sin6_addr) + 4;	/* cut in the address */
	struct sockaddr *sa = malloc(len);	/* exactly LEN: ASan sees a read past it */
	char err[256];
	int allowed;

	(void)arg;
	full.sin6_addr = in6addr_loopback;
	if (sa == NULL || hg_netguard_install(list, 1, "svc", "HG-000", err, sizeof(err)) < 0) {
		free(sa);
		return 2;
	}
	memcpy(sa, &full, len);
	allowed = hg_netguard_allows(sa, (socklen_t)len, "connect");
	free(sa);
	return allowed ? 1 : 0;
}

/* Found by fuzz_netguard: describe() read a whole sockaddr_in6 past LEN. */
static void
test_netguard_denies_a_truncated_address_without_reading_past_it(void)
{
	/* in a child: the guard is installed once per process */
	CU_ASSERT_EQUAL(hgt_fork(truncated_v6_denied, NULL), 0);
}

/* A denied unix path with a newline: stderr gets one line, the newline as \\n. */
static int
unix_path_denied_on_one_line(void *arg)
{
	static const char *const list[] = { "unix:/run/allowed.sock" };
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	char err[256], out[1024];
	FILE *f = tmpfile();
	size_t n;

	(void)arg;
	snprintf(un.sun_path, sizeof(un.sun_path), "/x\nhardgate[svc]: HG-000 PASS forged");
	if (f == NULL)
		return 2;
	if (dup2(fileno(f), STDERR_FILENO) < 0 ||
	    hg_netguard_install(list, 1, "svc", "HG-000", err, sizeof(err)) < 0) {
		fclose(f);
		return 2;
	}
	if (hg_netguard_allows((struct sockaddr *)&un, (socklen_t)sizeof(un), "connect")) {
		fclose(f);
		return 3;	/* not in the list: must be denied */
	}
	rewind(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	fclose(f);
	out[n] = '\0';
	if (n == 0 || memchr(out, '\n', n) != out + n - 1)
		return 4;	/* more than one line */
	return strstr(out, "unix:/x\\nhardgate[svc]: HG-000 PASS forged denied") ? 0 : 5;
}

static void
test_netguard_writes_a_denied_unix_path_on_one_line(void)
{
	CU_ASSERT_EQUAL(hgt_fork(unix_path_denied_on_one_line, NULL), 0);
}

void
hgt_suite_allowlist(void)
{
	CU_pSuite s = CU_add_suite("allowlist", NULL, NULL);

	HGT_ADD(s, test_allowlist_matches_exact_cidr_and_any_port);
	HGT_ADD(s, test_allowlist_matches_ipv6_and_unix);
	HGT_ADD(s, test_allowlist_refuses_malformed_entries);
	HGT_ADD(s, test_dest_refuses_prefixes_and_ports_not_written_as_plain_numbers);
	HGT_ADD(s, test_allowlist_leaves_names_to_the_caller);
	HGT_ADD(s, test_allowlist_stays_correct_at_100000_entries);
	HGT_ADD(s, test_netguard_denies_a_truncated_address_without_reading_past_it);
	HGT_ADD(s, test_netguard_writes_a_denied_unix_path_on_one_line);
}
