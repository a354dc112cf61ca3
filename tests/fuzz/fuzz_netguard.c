/*
 * fuzz_netguard.c - the preload's connect()/sendto() guard
 * (common/netguard.c) on the socket address a program passes: any
 * family, any length up to a sockaddr_storage. The guard reads no byte
 * past LEN and denies what the list does not hold.
 */
#include "config.h"

#include "fuzz.h"
#include "netguard.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int installed;
	struct sockaddr *sa;

	if (!installed) {
		static const char *const list[] = {
			"127.0.0.1:5432", "10.0.0.0/8:*", "[::1]:443", "[fd00::/8]:53",
			"unix:/run/x.sock", "unix:@abstract",
		};
		char err[256];

		/* denials go to stderr, rate-limited (100, then one in 1000) */
		HGF_ASSERT(hg_netguard_install(list, sizeof(list) / sizeof(list[0]), "fuzz",
					       "HG-000", err, sizeof(err)) == 0);
		installed = 1;
	}
	if (size > sizeof(struct sockaddr_storage))
		return 0;
	/* exactly SIZE bytes on the heap: ASan sees any read past LEN */
	if ((sa = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(sa, data, size);
	(void)hg_netguard_allows(sa, (socklen_t)size, "connect");
	free(sa);
	return 0;
}
