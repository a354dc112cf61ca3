/*
 * keyfile.c - a key file or data directory has safe ownership and modes.
 *
 * The object is opened with a trusted walk from "/" (common/safefile.c:
 * every parent owned by root or the owner, none group/world-writable,
 * no symlink in the last component unless allowed) and judged on the fd's
 * fstat, never by name again. Every problem is reported, not only the
 * first. Covers DBW-PRE-05 (and key files of other items via `id`).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <hardgate/module.h>

#include "safefile.h"
#include "util.h"

static const char *const types[] = { "file", "dir", NULL };

static const struct hg_arg_spec args[] = {
	{ "path", HG_ARG_STRING, 1, NULL, "absolute path of the key file or directory" },
	{ "mode", HG_ARG_MODE, 0, NULL, "most permissive bits allowed (0600 file, 0700 dir)" },
	{ "owner", HG_ARG_STRING, 0, NULL, "user (name or uid) that must own it" },
	{ "group", HG_ARG_STRING, 0, NULL, "group (name or gid) that must own it" },
	{ "type", HG_ARG_STRING, 0, types, "what it must be" },
	{ "follow_symlinks", HG_ARG_BOOL, 0, NULL, "accept a symlink as the last component" },
	{ "id", HG_ARG_ID, 0, NULL, "finding ID to report (default HG-011)" },
	{ NULL, 0, 0, NULL, NULL },
};

static const char *const ids[] = { "HG-011", "DBW-PRE-05", "DBW-PRE-07", "KDB-B-02", NULL };

struct want {
	const char *id;
	const char *path;
	int dir;
	mode_t mode;
	uid_t uid;		/* HG_UID_NONE: any */
	gid_t gid;		/* (gid_t)-1: any */
	const char *owner, *group;
};

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

/* Resolve the policy's args. HG_FAIL with a finding if an account is unknown. */
static int
resolve(struct hg_ctx *ctx, const struct hg_args *a, struct want *w)
{
	const char *t = hg_arg_str(ctx, a, "type");

	w->id = hg_arg_str(ctx, a, "id") ? hg_arg_str(ctx, a, "id") : "HG-011";
	w->path = hg_arg_str(ctx, a, "path");
	w->dir = t && strcmp(t, "dir") == 0;
	w->mode = (mode_t)hg_arg_int(ctx, a, "mode", w->dir ? 0700 : 0600);
	w->owner = hg_arg_str(ctx, a, "owner");
	w->group = hg_arg_str(ctx, a, "group");
	w->uid = HG_UID_NONE;
	w->gid = (gid_t)-1;
	if (w->path[0] != '/') {
		hg_finding(ctx, w->id, HG_SEV_FAIL, hg_arg_where(ctx, a, "path"),
			   "give an absolute path", "path %s is not absolute", w->path);
		return HG_FAIL;
	}
	if (w->owner && hg_parse_uid(w->owner, &w->uid) < 0) {
		hg_finding(ctx, w->id, HG_SEV_FAIL, hg_arg_where(ctx, a, "owner"),
			   "create the account, or correct owner in the policy",
			   "owner '%s' of %s is not a known user", w->owner, w->path);
		return HG_FAIL;
	}
	if (w->group && hg_parse_gid(w->group, &w->gid) < 0) {
		hg_finding(ctx, w->id, HG_SEV_FAIL, hg_arg_where(ctx, a, "group"),
			   "create the group, or correct group in the policy",
			   "group '%s' of %s is not a known group", w->group, w->path);
		return HG_FAIL;
	}
	return HG_PASS;
}

/* Mode, owner and group of the opened object; all problems reported. */
static int
judge(struct hg_ctx *ctx, const struct want *w, const struct stat *st)
{
	char have[6], max[6], fix[4200], name[64];
	mode_t extra = st->st_mode & 07777 & ~w->mode;
	int r = HG_PASS;

	if (extra) {
		snprintf(fix, sizeof(fix), "chmod %s %s", hg_mode_str(w->mode, max), w->path);
		hg_finding(ctx, w->id, HG_SEV_FAIL, w->path, fix, "%s is mode %s, must be %s or stricter",
			   w->path, hg_mode_str(st->st_mode, have), max);
		r = HG_FAIL;
	}
	if (w->uid != HG_UID_NONE && st->st_uid != w->uid) {
		snprintf(fix, sizeof(fix), "chown %s %s", w->owner, w->path);
		hg_finding(ctx, w->id, HG_SEV_FAIL, w->path, fix,
			   "%s is owned by uid %u (%s), must be owned by %s (uid %u)", w->path,
			   (unsigned)st->st_uid, user_name(st->st_uid, name, sizeof(name)), w->owner,
			   (unsigned)w->uid);
		r = HG_FAIL;
	}
	if (w->gid != (gid_t)-1 && st->st_gid != w->gid) {
		snprintf(fix, sizeof(fix), "chgrp %s %s", w->group, w->path);
		hg_finding(ctx, w->id, HG_SEV_FAIL, w->path, fix,
			   "%s has group gid %u (%s), must be %s (gid %u)", w->path,
			   (unsigned)st->st_gid, group_name(st->st_gid, name, sizeof(name)), w->group,
			   (unsigned)w->gid);
		r = HG_FAIL;
	}
	return r;
}

static int
check(struct hg_ctx *ctx, const struct hg_args *a)
{
	struct hg_trust t = { NULL, HG_UID_NONE, 0, HG_WANT_FILE };
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
};
