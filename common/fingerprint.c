/* fingerprint.c - "SHA256:<base64>" names for key material (fingerprint.h). */
#include "config.h"

#include <string.h>

#include "fingerprint.h"

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const char *
hg_fp_format(const unsigned char digest[HG_FP_DIGEST_LEN], char out[HG_FP_LEN])
{
	char *o = out + strlen(HG_FP_PREFIX);
	size_t i;

	memcpy(out, HG_FP_PREFIX, strlen(HG_FP_PREFIX));
	/* 32 bytes: ten full groups of three, then two bytes (three characters). */
	for (i = 0; i + 3 <= HG_FP_DIGEST_LEN; i += 3) {
		unsigned v = (unsigned)digest[i] << 16 | (unsigned)digest[i + 1] << 8 | digest[i + 2];

		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
		*o++ = b64[v >> 6 & 63];
		*o++ = b64[v & 63];
	}
	{
		unsigned v = (unsigned)digest[i] << 16 | (unsigned)digest[i + 1] << 8;

		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
		*o++ = b64[v >> 6 & 63];
	}
	*o = '\0';
	return out;
}

int
hg_fp_valid(const char *s)
{
	size_t plen = strlen(HG_FP_PREFIX);
	const char *last;

	if (strncmp(s, HG_FP_PREFIX, plen) != 0 || strlen(s) != HG_FP_LEN - 1)
		return 0;
	for (const char *p = s + plen; *p; p++)
		if (strchr(b64, *p) == NULL)
			return 0;
	/* The last character carries 2 bits of padding, which must be zero. */
	last = strchr(b64, s[HG_FP_LEN - 2]);
	return ((last - b64) & 3) == 0;
}
