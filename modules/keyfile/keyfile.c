/*
 * keyfile.c - a key file or data directory has safe ownership and modes.
 *
 * The checks live in common/keyperm.c, shared with the modules that read
 * key material (sigkey, tls). The object is opened with a trusted walk
 * from "/" (common/safefile.c:
 * every parent owned by root or the owner, none group/world-writable
 * unless sticky, no symlink in the last component unless allowed) and
 * judged on the fd's fstat, never by name again. Every problem of the
 * object is reported, not only the first. Check-only: it runs in every
 * stage. Covers DBW-PRE-05 (and key files of other items via `id`).
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>

#include <hardgate/module.h>

#include "keyperm.h"

#define DEFAULT_ID "HG-011"

static const char *const types[] = { "file", "dir", NULL };

static const struct hg_arg_spec args[] = {
	{ "path", HG_ARG_STRING, 1, NULL, "absolute path of the key file or directory" },
	{ "mode", HG_ARG_MODE, 0, NULL, "most permissive bits allowed (0600 file, 0700 dir)" },
	{ "owner", HG_ARG_STRING, 0, NULL, "user (name or uid) that must own it" },
	{ "group", HG_ARG_STRING, 0, NULL, "group (name or gid) that must own it" },
	{ "type", HG_ARG_STRING, 0, types, "what it must be: file (default) or dir" },
	{ "follow_symlinks", HG_ARG_BOOL, 0, NULL, "accept a symlink as the last component" },
	{ "id", HG_ARG_ID, 0, NULL, "finding ID to report (default " DEFAULT_ID ")" },
	{ NULL, 0, 0, NULL, NULL },
};

static const char *const ids[] = { DEFAULT_ID, "DBW-PRE-05", "DBW-PRE-07", "KDB-B-02", NULL };

static int
check(struct hg_ctx *ctx, const struct hg_args *a)
{
	const char *t = hg_arg_str(ctx, a, "type"), *id = hg_arg_str(ctx, a, "id");
	struct hg_keyperm k = {
		.id = id ? id : DEFAULT_ID,
		.path = hg_arg_str(ctx, a, "path"),
		.where = hg_arg_where(ctx, a, "path"),
		.dir = t && strcmp(t, "dir") == 0,
		.owner = hg_arg_str(ctx, a, "owner"),
		.owner_where = hg_arg_where(ctx, a, "owner"),
		.group = hg_arg_str(ctx, a, "group"),
		.group_where = hg_arg_where(ctx, a, "group"),
		.follow_symlinks = hg_arg_bool(ctx, a, "follow_symlinks", 0),
	};

	k.mode = (mode_t)hg_arg_int(ctx, a, "mode", k.dir ? 0700 : 0600) & 07777;
	return hg_keyperm_open(ctx, &k, O_PATH, NULL);
}

const struct hg_module hg_module_keyfile = {
	.abi = HG_MODULE_ABI,
	.name = "keyfile",
	.phases = HG_PHASES_ALL,
	.steps = 0,
	.args = args,
	.ids = ids,
	.check = check,
	.apply = NULL,
	.describe = NULL,
};
