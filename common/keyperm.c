/*
 * keyperm.c - mode, owner and group of one key file or directory, judged
 * on the fd the trusted walk opened (keyperm.h). Every problem of the
 * object is reported, not only the first.
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

#include "keyperm.h"
#include "safefile.h"
#include "util.h"

#define GID_NONE ((gid_t)-1)

/* What the policy asks for, resolved. */
struct want {
	const struct hg_keyperm *k;
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

/* The owner as uid and a name to show. HG_FAIL with a finding if unknown. */
static int
resolve_owner(struct hg_ctx *ctx, struct want *w)
{
	const struct hg_keyperm *k = w->k;
	struct passwd *pw;

	w->uid = HG_UID_NONE;
	if (k->owner == NULL)
		return HG_PASS;
	if (hg_parse_uid(k->owner, &w->uid) < 0) {
		hg_finding(ctx, k->id, HG_SEV_FAIL, k->owner_where,
			   "create the account, or correct owner in the policy",
			   "owner '%s' of %s is not a known user", k->owner, k->path);
		return HG_FAIL;
	}
	pw = numeric(k->owner) ? getpwuid(w->uid) : NULL;
	snprintf(w->owner, sizeof(w->owner), "%s", pw ? pw->pw_name : k->owner);
	return HG_PASS;
}

/* The group as gid and a name to show. HG_FAIL with a finding if unknown. */
static int
resolve_group(struct hg_ctx *ctx, struct want *w)
{
	const struct hg_keyperm *k = w->k;
	struct group *gr;

	w->gid = GID_NONE;
	if (k->group == NULL)
		return HG_PASS;
	if (hg_parse_gid(k->group, &w->gid) < 0) {
		hg_finding(ctx, k->id, HG_SEV_FAIL, k->group_where,
			   "create the group, or correct group in the policy",
			   "group '%s' of %s is not a known group", k->group, k->path);
		return HG_FAIL;
	}
	gr = numeric(k->group) ? getgrgid(w->gid) : NULL;
	snprintf(w->group, sizeof(w->group), "%s", gr ? gr->gr_name : k->group);
	return HG_PASS;
}

/* Resolve the accounts. HG_FAIL with a finding on a bad path or account. */
static int
resolve(struct hg_ctx *ctx, const struct hg_keyperm *k, struct want *w)
{
	int r;

	memset(w, 0, sizeof(*w));
	w->k = k;
	if (k->path == NULL || k->path[0] != '/') {
		hg_finding(ctx, k->id, HG_SEV_FAIL, k->where, "give an absolute path",
			   "path %s is not absolute", k->path ? k->path : "(unset)");
		return HG_FAIL;
	}
	r = resolve_owner(ctx, w);
	if (resolve_group(ctx, w) != HG_PASS)
		r = HG_FAIL;
	return r;
}

static int
judge_mode(struct hg_ctx *ctx, const struct want *w, const struct stat *st)
{
	const struct hg_keyperm *k = w->k;
	char have[6], max[6], fix[PATH_MAX + 32];

	if ((st->st_mode & 07777 & ~k->mode) == 0)
		return HG_PASS;
	snprintf(fix, sizeof(fix), "chmod %s %s", hg_mode_str(k->mode, max), k->path);
	hg_finding(ctx, k->id, HG_SEV_FAIL, k->path, fix, "%s is mode %s, must be %s or stricter",
		   k->path, hg_mode_str(st->st_mode, have), max);
	return HG_FAIL;
}

static int
judge_owner(struct hg_ctx *ctx, const struct want *w, const struct stat *st)
{
	const struct hg_keyperm *k = w->k;
	char fix[PATH_MAX + 96], name[64];

	if (w->uid == HG_UID_NONE || st->st_uid == w->uid)
		return HG_PASS;
	snprintf(fix, sizeof(fix), "chown %s %s", w->owner, k->path);
	hg_finding(ctx, k->id, HG_SEV_FAIL, k->path, fix,
		   "%s is owned by uid %u (%s), must be owned by %s (uid %u)", k->path,
		   (unsigned)st->st_uid, user_name(st->st_uid, name, sizeof(name)), w->owner,
		   (unsigned)w->uid);
	return HG_FAIL;
}

static int
judge_group(struct hg_ctx *ctx, const struct want *w, const struct stat *st)
{
	const struct hg_keyperm *k = w->k;
	char fix[PATH_MAX + 96], name[64];

	if (w->gid == GID_NONE || st->st_gid == w->gid)
		return HG_PASS;
	snprintf(fix, sizeof(fix), "chgrp %s %s", w->group, k->path);
	hg_finding(ctx, k->id, HG_SEV_FAIL, k->path, fix,
		   "%s has group gid %u (%s), must have group %s (gid %u)", k->path,
		   (unsigned)st->st_gid, group_name(st->st_gid, name, sizeof(name)), w->group,
		   (unsigned)w->gid);
	return HG_FAIL;
}

int
hg_keyperm_open(struct hg_ctx *ctx, const struct hg_keyperm *k, int oflags, int *fdp)
{
	struct hg_trust t;
	struct hg_error e = { 0 };
	struct want w;
	struct stat st;
	int fd, r;

	if (fdp)
		*fdp = -1;
	if ((r = resolve(ctx, k, &w)) != HG_PASS)
		return r;
	t.id = k->id;
	t.owner = w.uid;
	t.follow_final = k->follow_symlinks;
	t.want = k->dir ? HG_WANT_DIR : HG_WANT_FILE;
	if ((fd = hg_safe_open(k->path, oflags, &t, &st, &e)) < 0) {
		hg_finding(ctx, k->id, HG_SEV_FAIL, e.where, e.fix[0] ? e.fix : NULL, "%s", e.msg);
		return HG_FAIL;
	}
	r = HG_PASS;
	if (judge_mode(ctx, &w, &st) != HG_PASS)
		r = HG_FAIL;
	if (judge_owner(ctx, &w, &st) != HG_PASS)
		r = HG_FAIL;
	if (judge_group(ctx, &w, &st) != HG_PASS)
		r = HG_FAIL;
	if (fdp)
		*fdp = fd;
	else
		close(fd);
	return r;
}
