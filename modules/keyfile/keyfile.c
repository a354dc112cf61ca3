/*
 * keyfile.c - a key file or data directory has safe ownership and modes.
 *
 * The object is opened with a trusted walk from "/" (common/safefile.c:
 * every parent owned by root or the owner, none group/world-writable
 * unless sticky, no symlink in the last component unless allowed) and
 * judged on the fd's fstat, never by name again. Every problem of the
 * object is reported, not only the first. Check-only: it runs in every
 * stage. Covers DBW-PRE-05 (and key files of other items via `id`).
 */
#include "config.h"

#include <ctype.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <hardgate/module.h>

#include "safefile.h"
#include "util.h"

#define DEFAULT_ID "HG-011"
#define GID_NONE ((gid_t)-1)

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

/* What the policy asks for, resolved. */
struct want {
	const char *id;
	const char *path;
	int dir;
	mode_t mode;
	uid_t uid;		/* HG_UID_NONE: any owner */
	gid_t gid;		/* GID_NONE: any group */
	char owner[64];		/* names for messages: the policy's, or the account's */
	char group[64];
};

static int
numeric(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static const char *
user_name(uid_t uid, char *buf, size_t n)
{
	struct passwd *pw = getpwuid(uid);

	snprintf(buf, n, "%s", pw ? pw->pw_name : "no such user");
	return buf;
}

static const char *
group_name(gid_t gid, char *buf, size_t n)
{
	struct group *gr = getgrgid(gid);

	snprintf(buf, n, "%s", gr ? gr->gr_name : "no such group");
	return buf;
}

/* The owner arg as uid and a name to show. HG_FAIL with a finding if unknown. */
static int
resolve_owner(struct hg_ctx *ctx, const struct hg_args *a, struct want *w)
{
	const char *s = hg_arg_str(ctx, a, "owner");
	struct passwd *pw;

	w->uid = HG_UID_NONE;
	if (s == NULL)
		return HG_PASS;
	if (hg_parse_uid(s, &w->uid) < 0) {
		hg_finding(ctx, w->id, HG_SEV_FAIL, hg_arg_where(ctx, a, "owner"),
			   "create the account, or correct owner in the policy",
			   "owner '%s' of %s is not a known user", s, w->path);
		return HG_FAIL;
	}
	pw = numeric(s) ? getpwuid(w->uid) : NULL;
	snprintf(w->owner, sizeof(w->owner), "%s", pw ? pw->pw_name : s);
	return HG_PASS;
}

/* The group arg as gid and a name to show. HG_FAIL with a finding if unknown. */
static int
resolve_group(struct hg_ctx *ctx, const struct hg_args *a, struct want *w)
{
	const char *s = hg_arg_str(ctx, a, "group");
	struct group *gr;

	w->gid = GID_NONE;
	if (s == NULL)
		return HG_PASS;
	if (hg_parse_gid(s, &w->gid) < 0) {
		hg_finding(ctx, w->id, HG_SEV_FAIL, hg_arg_where(ctx, a, "group"),
			   "create the group, or correct group in the policy",
			   "group '%s' of %s is not a known group", s, w->path);
		return HG_FAIL;
	}
	gr = numeric(s) ? getgrgid(w->gid) : NULL;
	snprintf(w->group, sizeof(w->group), "%s", gr ? gr->gr_name : s);
	return HG_PASS;
}

/* Resolve the policy's args. HG_FAIL with a finding on a bad path or account. */
static int
resolve(struct hg_ctx *ctx, const struct hg_args *a, struct want *w)
{
	const char *t = hg_arg_str(ctx, a, "type");
	const char *id = hg_arg_str(ctx, a, "id");
	int r;

	memset(w, 0, sizeof(*w));
	w->id = id ? id : DEFAULT_ID;
	w->path = hg_arg_str(ctx, a, "path");
	w->dir = t && strcmp(t, "dir") == 0;
	w->mode = (mode_t)hg_arg_int(ctx, a, "mode", w->dir ? 0700 : 0600) & 07777;
	if (w->path == NULL || w->path[0] != '/') {
		hg_finding(ctx, w->id, HG_SEV_FAIL, hg_arg_where(ctx, a, "path"),
			   "give an absolute path", "path %s is not absolute",
			   w->path ? w->path : "(unset)");
		return HG_FAIL;
	}
	r = resolve_owner(ctx, a, w);
	if (resolve_group(ctx, a, w) != HG_PASS)
		r = HG_FAIL;
	return r;
}

static int
judge_mode(struct hg_ctx *ctx, const struct want *w, const struct stat *st)
{
	char have[6], max[6], fix[PATH_MAX + 32];

	if ((st->st_mode & 07777 & ~w->mode) == 0)
		return HG_PASS;
	snprintf(fix, sizeof(fix), "chmod %s %s", hg_mode_str(w->mode, max), w->path);
	hg_finding(ctx, w->id, HG_SEV_FAIL, w->path, fix, "%s is mode %s, must be %s or stricter",
		   w->path, hg_mode_str(st->st_mode, have), max);
	return HG_FAIL;
}

static int
judge_owner(struct hg_ctx *ctx, const struct want *w, const struct stat *st)
{
	char fix[PATH_MAX + 96], name[64];

	if (w->uid == HG_UID_NONE || st->st_uid == w->uid)
		return HG_PASS;
	snprintf(fix, sizeof(fix), "chown %s %s", w->owner, w->path);
	hg_finding(ctx, w->id, HG_SEV_FAIL, w->path, fix,
		   "%s is owned by uid %u (%s), must be owned by %s (uid %u)", w->path,
		   (unsigned)st->st_uid, user_name(st->st_uid, name, sizeof(name)), w->owner,
		   (unsigned)w->uid);
	return HG_FAIL;
}

static int
judge_group(struct hg_ctx *ctx, const struct want *w, const struct stat *st)
{
	char fix[PATH_MAX + 96], name[64];

	if (w->gid == GID_NONE || st->st_gid == w->gid)
		return HG_PASS;
	snprintf(fix, sizeof(fix), "chgrp %s %s", w->group, w->path);
	hg_finding(ctx, w->id, HG_SEV_FAIL, w->path, fix,
		   "%s has group gid %u (%s), must have group %s (gid %u)", w->path,
		   (unsigned)st->st_gid, group_name(st->st_gid, name, sizeof(name)), w->group,
		   (unsigned)w->gid);
	return HG_FAIL;
}

/* Mode, owner and group of the opened object: every problem is reported. */
static int
judge(struct hg_ctx *ctx, const struct want *w, const struct stat *st)
{
	int r = HG_PASS;

	if (judge_mode(ctx, w, st) != HG_PASS)
		r = HG_FAIL;
	if (judge_owner(ctx, w, st) != HG_PASS)
		r = HG_FAIL;
	if (judge_group(ctx, w, st) != HG_PASS)
		r = HG_FAIL;
	return r;
}

static int
check(struct hg_ctx *ctx, const struct hg_args *a)
{
	struct hg_trust t;
	struct hg_error e = { 0 };
	struct want w;
	struct stat st;
	int fd, r;

	if ((r = resolve(ctx, a, &w)) != HG_PASS)
		return r;
	t.id = w.id;
	t.owner = w.uid;
	t.follow_final = hg_arg_bool(ctx, a, "follow_symlinks", 0);
	t.want = w.dir ? HG_WANT_DIR : HG_WANT_FILE;
	if ((fd = hg_safe_open(w.path, O_PATH, &t, &st, &e)) < 0) {
		hg_finding(ctx, w.id, HG_SEV_FAIL, e.where, e.fix[0] ? e.fix : NULL, "%s", e.msg);
		return HG_FAIL;
	}
	r = judge(ctx, &w, &st);
	close(fd);
	return r;
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
