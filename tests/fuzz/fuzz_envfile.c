/*
 * fuzz_envfile.c - the systemd EnvironmentFile= parser of secretenv
 * (modules/secretenv/envfile.c), which `hardgate check` runs on a unit's
 * env file holding secrets. Every assignment has a valid name, a line
 * inside the file (lines end at '\n'; an assignment also ends at '\r', as
 * in systemd) and a value inside the caller's buffer, NUL after it;
 * a refusal names a line of the file and says why in one line.
 */
#include "config.h"

#include <errno.h>

#include "envfile.h"
#include "fuzz.h"

struct seen {
	const char *out;
	size_t outlen;
	unsigned lines;		/* '\n' ends a line (file:line counts these) */
	size_t n, ends;		/* assignments; '\n' and '\r' (systemd ends one at either) */
};

static int
push(void *arg, const char *key, unsigned line, const char *val, size_t len)
{
	struct seen *s = arg;

	HGF_ASSERT(hg_env_name_valid(key) && strlen(key) <= HG_ENV_KEY_MAX);
	HGF_ASSERT(line >= 1 && line <= s->lines);
	HGF_ASSERT(val >= s->out && len < s->outlen && (size_t)(val - s->out) <= s->outlen - len - 1);
	HGF_ASSERT(val[len] == '\0');
	s->n++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seen s = { NULL, size + 1, 1, 0, 1 };
	char why[256] = "", *out = malloc(size + 1);
	unsigned bad = 0;
	int r;

	if (out == NULL)
		return 0;
	s.out = out;
	for (size_t i = 0; i < size; i++) {
		s.lines += data[i] == '\n';
		s.ends += data[i] == '\n' || data[i] == '\r';
	}
	r = hg_envfile_parse((const char *)data, size, out, push, &s, &bad, why, sizeof(why));
	if (r < 0) {
		HGF_ASSERT(r == -EINVAL);
		HGF_ASSERT(bad >= 1 && bad <= s.lines);
		HGF_ASSERT(why[0] != '\0' && strchr(why, '\n') == NULL);
	}
	HGF_ASSERT(s.n <= s.ends);
	free(out);
	return 0;
}
