/*
 * fuzz_util.c - the small parsers of common/util.c: octal modes
 * (keyfile's `mode`), numeric uids/gids (privs' and keyfile's `user`,
 * `owner`, `group`), JSON string output, and the /proc/self/status reader
 * the read-backs rely on, fed from a memfd, and the UTF-8 check of
 * policy text.
 */
#include "config.h"

#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "util.h"

static void
modes(const char *s)
{
	mode_t m = 0;

	if (hg_parse_mode(s, &m) == 0) {
		HGF_ASSERT(m <= 07777);
		HGF_ASSERT(strspn(s, "01234567") == strlen(s));
	}
}

/* Digits only: a name would go to NSS, which is not ours to fuzz. */
static void
ids(const char *s)
{
	uid_t u;
	gid_t g;

	if (s[0] < '0' || s[0] > '9')
		return;
	if (hg_parse_uid(s, &u) == 0 && strspn(s, "0123456789") == strlen(s))
		HGF_ASSERT(u != (uid_t)-1 && u == (uid_t)strtoul(s, NULL, 10));
	if (hg_parse_gid(s, &g) == 0)
		HGF_ASSERT(g != (gid_t)-1);
}

static void
json(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (m == NULL)
		return;
	hg_json_str(m, s);
	fclose(m);
	HGF_ASSERT(len >= 2 && buf[0] == '"' && buf[len - 1] == '"');
	for (size_t i = 0; i < len; i++)
		HGF_ASSERT((unsigned char)buf[i] >= 0x20 && buf[i] != 0x7f);
	HGF_ASSERT(hg_utf8_check(buf, len) == len);	/* JSON text is UTF-8 */
	free(buf);
}

/* The valid prefix hg_utf8_check() finds is valid on its own. */
static void
utf8(const uint8_t *data, size_t size)
{
	size_t ok = hg_utf8_check((const char *)data, size);

	HGF_ASSERT(ok <= size);
	HGF_ASSERT(hg_utf8_check((const char *)data, ok) == ok);
}

static void
status(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "Seccomp", "NoNewPrivs", "CapEff", "Uid", "" };
	int fd = memfd_create("status", MFD_CLOEXEC);
	char v[64];

	if (fd < 0)
		return;
	if (write(fd, data, size) == (ssize_t)size)
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (hg_proc_status_fd(fd, keys[i], v, sizeof(v)) == 0)
				HGF_ASSERT(strlen(v) < sizeof(v) && strchr(v, '\n') == NULL);
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = hgf_cstr(data, size);

	if (s == NULL)
		return 0;
	modes(s);
	ids(s);
	json(s);
	utf8(data, size);
	status(data, size);
	free(s);
	return 0;
}
