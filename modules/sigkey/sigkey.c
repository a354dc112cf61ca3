/*
 * sigkey.c - an Ed25519 signing key file holds a usable key: dbward's
 * <state_dir>/signing.key (and audit-signing.key) is the raw 32-byte seed,
 * no PEM, no base64, not the 64-byte expanded key; dbward rejects any
 * other length at start ("invalid key length"), and never re-checks the
 * mode it created the file with (shared/reference/dbward-config.md 2.2).
 *
 * The file is opened by the keyfile checks (keyperm.h: trusted walk, mode,
 * owner, group) and read from that very fd. A file of another form gets a
 * finding naming the form and the fix; a seed gives the public key, which
 * may be pinned in the policy (the hex dbward serves at /api/public-key,
 * base64, or a SHA256: fingerprint) and whose fingerprint must not be on
 * the revocation list. Findings name the key by fingerprint only.
 * Check-only: it runs in every stage. Covers DBW-PRE-07, and DBW-PRE-05
 * for the file's permissions (perm_id).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <hardgate/module.h>

#include "fingerprint.h"
#include "keyperm.h"
#include "revoke.h"
#include "seed.h"

#define DEFAULT_ID "HG-019"
#define FIX_NEW "restore the key from a backup, or remove it and let dbward create a new one " \
	"(then update public_key/fingerprint in the policy)"
#define FIX_REVOKED "remove the revoked key and let dbward create a new one, or restore one " \
	"that is not revoked (then update public_key/fingerprint in the policy)"

static const struct hg_arg_spec args[] = {
	{ "path", HG_ARG_STRING, 1, NULL, "absolute path of the raw 32-byte Ed25519 seed file" },
	{ "public_key", HG_ARG_STRING, 0, NULL,
	  "pinned public key: 64 hex digits (dbward's /api/public-key) or base64 of 32 bytes" },
	{ "fingerprint", HG_ARG_STRING, 0, NULL,
	  "pinned fingerprint of the public key (SHA256:..., hardgate fingerprint FILE)" },
	{ "mode", HG_ARG_MODE, 0, NULL, "most permissive bits allowed (default 0600)" },
	{ "owner", HG_ARG_STRING, 0, NULL, "user (name or uid) that must own it" },
	{ "group", HG_ARG_STRING, 0, NULL, "group (name or gid) that must own it" },
	{ "id", HG_ARG_ID, 0, NULL, "finding ID of the key material (default " DEFAULT_ID ")" },
	{ "perm_id", HG_ARG_ID, 0, NULL, "finding ID of mode, owner and parents (default: id)" },
	{ NULL, 0, 0, NULL, NULL },
};

static const char *const ids[] = { DEFAULT_ID, HG_REVOKED_ID, HG_REVOKE_ID, "DBW-PRE-07",
				   "DBW-PRE-05", NULL };

/* What the policy pins, decoded. */
struct pins {
	int have_pk;
	unsigned char pk[SEED_PK_LEN];
	char pk_fp[HG_FP_LEN];	/* fingerprint of pk, for messages */
	const char *fp;		/* the fingerprint arg, or NULL */
};

/* One stack entry's view of its args. */
struct entry {
	struct hg_ctx *ctx;
	const struct hg_args *a;
	const char *id;
	const char *path;
};

/* S as 64 hex digits or standard base64 (padded or not) of 32 bytes. 0 or -EINVAL. */
static int
decode_pk(const char *s, unsigned char pk[SEED_PK_LEN])
{
	size_t len = strlen(s), bin = 0;
	const char *end = NULL;
	int r = -1;

	if (len == 2 * SEED_PK_LEN)
		r = sodium_hex2bin(pk, SEED_PK_LEN, s, len, NULL, &bin, &end);
	else if (len == 44)
		r = sodium_base642bin(pk, SEED_PK_LEN, s, len, NULL, &bin, &end,
				      sodium_base64_VARIANT_ORIGINAL);
	else if (len == 43)
		r = sodium_base642bin(pk, SEED_PK_LEN, s, len, NULL, &bin, &end,
				      sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	return r == 0 && bin == SEED_PK_LEN && end == s + len ? 0 : -EINVAL;
}

/* Decode the pins; HG_FAIL with a finding on a malformed one. */
static int
read_pins(const struct entry *en, struct pins *p)
{
	const char *pk = hg_arg_str(en->ctx, en->a, "public_key");
	int r = HG_PASS;

	memset(p, 0, sizeof(*p));
	p->fp = hg_arg_str(en->ctx, en->a, "fingerprint");
	if (pk && strncmp(pk, HG_FP_PREFIX, strlen(HG_FP_PREFIX)) == 0) {
		hg_finding(en->ctx, en->id, HG_SEV_FAIL, hg_arg_where(en->ctx, en->a, "public_key"),
			   "put a SHA256: fingerprint in fingerprint = \"...\", not in public_key",
			   "public_key of %s is a fingerprint, not a public key", en->path);
		r = HG_FAIL;
	} else if (pk && decode_pk(pk, p->pk) < 0) {
		hg_finding(en->ctx, en->id, HG_SEV_FAIL, hg_arg_where(en->ctx, en->a, "public_key"),
			   "copy the key as dbward serves it (GET /api/public-key, 64 hex digits) "
			   "or as base64 of its 32 bytes",
			   "public_key of %s is neither 64 hex digits nor base64 of 32 bytes",
			   en->path);
		r = HG_FAIL;
	} else if (pk) {
		p->have_pk = 1;
		seed_fingerprint(p->pk, p->pk_fp, sizeof(p->pk_fp));
	}
	if (p->fp && !hg_fp_valid(p->fp)) {
		hg_finding(en->ctx, en->id, HG_SEV_FAIL, hg_arg_where(en->ctx, en->a, "fingerprint"),
			   "copy the fingerprint hardgate fingerprint prints (SHA256: and 43 base64 "
			   "characters)",
			   "fingerprint of %s is not a SHA256: fingerprint", en->path);
		r = HG_FAIL;
	}
	return r;
}

/* The fix for a file of form F at PATH. */
static const char *
fix_for(enum seed_form f, const char *path, char *buf, size_t n)
{
	switch (f) {
	case SEED_NEWLINE:
	case SEED_EXPANDED:
		snprintf(buf, n, "truncate -s 32 %s (its first 32 bytes are the seed)", path);
		return buf;
	case SEED_PKCS8:
		snprintf(buf, n, "keep only its last 32 bytes, the seed: (umask 077; tail -c 32 %s > "
			 "%s.new) && mv %s.new %s, then chown it to the service account",
			 path, path, path, path);
		return buf;
	case SEED_PEM:
		return "write the raw 32-byte seed (an Ed25519 PKCS#8 PEM converts with: openssl pkey "
		       "-outform DER | tail -c 32), or " FIX_NEW;
	case SEED_HEX:
		return "if it is the seed written as hex, decode it to the raw 32 bytes (xxd -r -p); "
		       "a public key is no use here: " FIX_NEW;
	case SEED_BASE64:
		return "if it is the seed written as base64, decode it to the raw 32 bytes "
		       "(base64 -d); a public key is no use here: " FIX_NEW;
	default:
		return FIX_NEW;
	}
}

/* The seed's form, and a seed no generator makes. HG_PASS or HG_FAIL with a finding. */
static int
judge_form(const struct entry *en, const struct seed_info *in)
{
	char fix[4 * PATH_MAX + 160];

	if (in->form != SEED_RAW) {
		hg_finding(en->ctx, en->id, HG_SEV_FAIL, en->path,
			   fix_for(in->form, en->path, fix, sizeof(fix)), "%s %s", en->path,
			   in->what);
		return HG_FAIL;
	}
	if (in->weak) {
		hg_finding(en->ctx, en->id, HG_SEV_FAIL, en->path, FIX_NEW,
			   "%s is %s, not a generated key", en->path, in->weak);
		return HG_FAIL;
	}
	return HG_PASS;
}

/* The public key against the pins, in constant time. */
static int
judge_pins(const struct entry *en, const struct pins *p, const unsigned char *pk,
	   const char *fp)
{
	char fix[PATH_MAX + 160];
	int r = HG_PASS;

	snprintf(fix, sizeof(fix), "restore the pinned key, or if it was replaced on purpose pin "
		 "the new one (hardgate fingerprint %s)", en->path);
	if (p->have_pk && sodium_memcmp(pk, p->pk, SEED_PK_LEN) != 0) {
		hg_finding(en->ctx, en->id, HG_SEV_FAIL,
			   hg_arg_where(en->ctx, en->a, "public_key"), fix,
			   "%s has public key %s, the policy pins public_key %s", en->path, fp,
			   p->pk_fp);
		r = HG_FAIL;
	}
	if (p->fp && hg_fp_valid(p->fp) &&
	    sodium_memcmp(fp, p->fp, HG_FP_LEN - 1) != 0) {
		hg_finding(en->ctx, en->id, HG_SEV_FAIL,
			   hg_arg_where(en->ctx, en->a, "fingerprint"), fix,
			   "%s has public key %s, the policy pins fingerprint %s", en->path, fp,
			   p->fp);
		r = HG_FAIL;
	}
	return r;
}

/* The fingerprint must not be revoked (HG-018, and the entry's own ID). */
static int
judge_revoked(const struct entry *en, const char *fp)
{
	char why[HG_REVOKE_REASON_MAX + 32];
	int r = hg_revoked(en->ctx, fp, why, sizeof(why));

	if (r < 0)
		return HG_FAIL;	/* the core reported HG-017 */
	if (r == 0)
		return HG_PASS;
	hg_finding(en->ctx, HG_REVOKED_ID, HG_SEV_FAIL, en->path,
		   FIX_REVOKED, "signing key %s (%s) is revoked: %s", en->path, fp,
		   why);
	hg_finding(en->ctx, en->id, HG_SEV_FAIL, en->path, FIX_REVOKED,
		   "%s is a revoked key (%s, see " HG_REVOKED_ID ")", en->path, fp);
	return HG_FAIL;
}

/* Read the judged fd and judge what is in it. */
static int
judge_material(const struct entry *en, const struct pins *p, int fd)
{
	unsigned char pk[SEED_PK_LEN];
	char fp[HG_FP_LEN];
	struct seed_info in;
	int r;

	if ((r = seed_read(fd, &in, pk)) < 0) {
		hg_finding(en->ctx, en->id, HG_SEV_FAIL, en->path, NULL, "cannot read %s: %s",
			   en->path, strerror(-r));
		return HG_ERROR;
	}
	if (judge_form(en, &in) != HG_PASS)
		return HG_FAIL;
	seed_fingerprint(pk, fp, sizeof(fp));
	r = judge_pins(en, p, pk, fp);
	if (judge_revoked(en, fp) != HG_PASS)
		r = HG_FAIL;
	return r;
}

static int
check(struct hg_ctx *ctx, const struct hg_args *a)
{
	const char *id = hg_arg_str(ctx, a, "id"), *perm = hg_arg_str(ctx, a, "perm_id");
	struct entry en = { ctx, a, id ? id : DEFAULT_ID, hg_arg_str(ctx, a, "path") };
	struct hg_keyperm k = {
		.id = perm ? perm : en.id,
		.path = en.path,
		.where = hg_arg_where(ctx, a, "path"),
		.owner = hg_arg_str(ctx, a, "owner"),
		.owner_where = hg_arg_where(ctx, a, "owner"),
		.group = hg_arg_str(ctx, a, "group"),
		.group_where = hg_arg_where(ctx, a, "group"),
	};
	struct pins p;
	int r, m, fd;

	if (seed_init() < 0) {
		hg_finding(ctx, en.id, HG_SEV_FAIL, NULL, NULL, "libsodium cannot be initialised");
		return HG_ERROR;
	}
	k.mode = (mode_t)hg_arg_int(ctx, a, "mode", 0600) & 07777;
	r = read_pins(&en, &p);
	if (hg_keyperm_open(ctx, &k, O_RDONLY, &fd) != HG_PASS)
		r = HG_FAIL;
	if (fd < 0)
		return HG_FAIL;
	m = judge_material(&en, &p, fd);
	close(fd);
	if (m == HG_ERROR)
		return HG_ERROR;
	return m == HG_PASS ? r : HG_FAIL;
}

/*
 * hardgate fingerprint PATH: a raw 32-byte seed file gives the fingerprint
 * of its public key; any other file is not this module's (-ENOTSUP, with
 * what it looks like in ERR).
 */
static int
fingerprint(const char *path, char *out, size_t outlen, char *err, size_t errlen)
{
	unsigned char pk[SEED_PK_LEN];
	struct seed_info in;
	struct stat st;
	int fd, r;

	if (seed_init() < 0) {
		snprintf(err, errlen, "libsodium cannot be initialised");
		return -EIO;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(err, errlen, "%s is not a regular file", path);
		return -ENOTSUP;
	}
	r = seed_read(fd, &in, pk);
	close(fd);
	if (r < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-r));
		return r;
	}
	if (in.form != SEED_RAW) {
		snprintf(err, errlen, "%s %s", path, in.what);
		return -ENOTSUP;
	}
	if ((r = seed_fingerprint(pk, out, outlen)) < 0)
		snprintf(err, errlen, "no room for the fingerprint");
	return r;
}

const struct hg_module hg_module_sigkey = {
	.abi = HG_MODULE_ABI,
	.name = "sigkey",
	.phases = HG_PHASES_ALL,
	.steps = 0,
	.args = args,
	.ids = ids,
	.check = check,
	.apply = NULL,
	.describe = NULL,
	.fingerprint = fingerprint,
};
