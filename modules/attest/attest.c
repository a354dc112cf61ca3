/*
 * attest.c - the checklist items only people can do, proven by signed,
 * dated attestations (common/attest.h) that are not too old.
 *
 *     { module = "attest"; control = "required";
 *       args: { items = [ "DBW-OPS-01:90d", "DBW-OPS-02:2d", "DBW-OPS-06:90d" ]; }; }
 *
 * Each item is "ID:MAX_AGE" (max age 1..99999 of h, d or w). check()
 * verifies every record of the attestation list with hardgate's public
 * key, then fails an item whose newest valid record is older than its
 * max age or missing. For hardgate audit it reports each item's last
 * attestation time and max age as metrics, and its age in days as an
 * INFO finding ("age N days").
 *
 * A bad record (changed, forged, signed by another key, truncated, from
 * the future) is an HG-030 FAIL naming file:line and fails the whole
 * entry, not only its item: a list somebody edited vouches for nothing,
 * and a forged line may carry another item's ID. An unreadable list or
 * key fails the entry too (HG-030, HG-031), and so does a key whose
 * fingerprint is on the revocation list (HG-018): records it signed prove
 * nothing once the key may be in other hands. Only the public key is
 * read, so the check runs as the service user under the preload.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hardgate/module.h>

#include "attest.h"

#define ID_ARGS "HG-004"
#define ID_REVOKED "HG-018"
#define MAX_ITEMS 64

static const struct hg_arg_spec args[] = {
	{ "items", HG_ARG_LIST, 1, NULL,
	  "\"ID:MAX_AGE\" for each item, e.g. \"DBW-OPS-06:90d\" (h, d or w)" },
	{ NULL, 0, 0, NULL, NULL },
};

/* The checklist items of class attest (common/catalog.c), then our own. */
static const char *const ids[] = {
	"DBW-PRE-08", "DBW-PRE-09", "DBW-REC-13", "DBW-OPS-01", "DBW-OPS-02", "DBW-OPS-03",
	"DBW-OPS-04", "DBW-OPS-05", "DBW-OPS-06", "DBW-OPS-07", "DBW-OPS-08", "DBW-OPS-09",
	"KDB-C-01", "KDB-C-02", "KDB-C-03", "KDB-C-04", "KDB-D-01", "KDB-D-02", "KDB-D-03",
	"KDB-D-04", "KDB-D-05", "KDB-E-01", "KDB-E-02", "KDB-E-03", "KDB-E-04", "KDB-E-05",
	"KDB-F-02", "KDB-F-03", "KDB-F-04", "KDB-F-05",
	HG_ATTEST_ID, HG_ATTEST_KEY_ID, ID_ARGS, ID_REVOKED, NULL,
};

struct item {
	char id[HG_ATTEST_ITEM_MAX + 1];
	long long max_age;		/* seconds */
	char unit;			/* h, d or w as the policy wrote it */
	int found;
	struct hg_attest_rec last;	/* newest valid record */
	char where[512];		/* its file:line */
};

struct scan {
	struct hg_ctx *ctx;
	struct item *it;
	size_t n;
	unsigned bad;
};

static int
attestable(const char *id)
{
	for (const char *const *p = ids; *p; p++)
		if (strncmp(*p, "HG-", 3) != 0 && strcmp(*p, id) == 0)
			return 1;
	return 0;
}

/* Parse "ID:MAX_AGE" into IT; a bad one is an HG-004 finding. */
static int
parse_item(struct hg_ctx *ctx, const char *s, const char *where, struct item *it)
{
	const char *colon = strchr(s, ':');
	size_t idlen = colon ? (size_t)(colon - s) : 0;

	memset(it, 0, sizeof(*it));
	if (colon && idlen < sizeof(it->id)) {
		memcpy(it->id, s, idlen);
		it->id[idlen] = '\0';
	}
	if (colon == NULL || !attestable(it->id)) {
		hg_finding(ctx, ID_ARGS, HG_SEV_FAIL, where,
			   "write \"ID:MAX_AGE\" with an attest-class ID (hardgate list modules)",
			   "attest: items entry \"%.64s\" does not name an attestable checklist item",
			   s);
		return -EINVAL;
	}
	if (hg_attest_parse_age(colon + 1, &it->max_age) < 0) {
		hg_finding(ctx, ID_ARGS, HG_SEV_FAIL, where,
			   "write the max age as a number and h, d or w, e.g. \"90d\"",
			   "attest: %s max age \"%.32s\" is not a duration", it->id, colon + 1);
		return -EINVAL;
	}
	it->unit = colon[strlen(colon) - 1];
	return 0;
}

static int
parse_items(struct hg_ctx *ctx, const struct hg_args *a, struct item *it, size_t *n)
{
	const char *where = hg_arg_where(ctx, a, "items");
	size_t len = hg_arg_list_len(ctx, a, "items");
	int r = 0;

	*n = 0;
	if (len == 0 || len > MAX_ITEMS) {
		hg_finding(ctx, ID_ARGS, HG_SEV_FAIL, where, "list 1 to 64 items",
			   "attest: items has %zu entries", len);
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		if (parse_item(ctx, hg_arg_list_at(ctx, a, "items", i), where, &it[*n]) < 0) {
			r = -EINVAL;
			continue;
		}
		for (size_t j = 0; j < *n; j++)
			if (strcmp(it[j].id, it[*n].id) == 0) {
				hg_finding(ctx, ID_ARGS, HG_SEV_FAIL, where, "list each item once",
					   "attest: %s is listed twice", it[j].id);
				r = -EINVAL;
			}
		(*n)++;
	}
	return r;
}

static void
on_record(void *arg, const struct hg_attest_rec *r, const char *where, const char *why)
{
	struct scan *s = arg;

	if (r == NULL) {
		s->bad++;
		hg_finding(s->ctx, HG_ATTEST_ID, HG_SEV_FAIL, where,
			   "find out who changed the attestation list; remove the line, then "
			   "re-attest (hardgate attest ID --by NAME)",
			   "bad attestation record: %s", why);
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		struct item *it = &s->it[i];

		if (strcmp(it->id, r->item) != 0 || (it->found && it->last.when > r->when))
			continue;
		it->found = 1;
		it->last = *r;
		snprintf(it->where, sizeof(it->where), "%s", where);
	}
}

/* The max age in the policy's unit: "90 days", "36 hours", "2 weeks". */
static const char *
age_str(const struct item *it, char *buf, size_t n)
{
	long long u = it->unit == 'h' ? 3600 : it->unit == 'w' ? 7 * 86400 : 86400;
	const char *name = it->unit == 'h' ? "hour" : it->unit == 'w' ? "week" : "day";

	snprintf(buf, n, "%lld %s%s", it->max_age / u, name, it->max_age == u ? "" : "s");
	return buf;
}

/* Judge one item; 0 when it holds. */
static int
judge(struct hg_ctx *ctx, const struct item *it, const char *where, time_t now)
{
	char max[32], day[32], fix[160];
	long long age;

	age_str(it, max, sizeof(max));
	/* WHERE: the newest record, or the policy's line when there is none. */
	hg_metric(ctx, HG_METRIC_ATTEST_MAX_AGE, it->id, it->found ? it->where : where, NULL,
		  (double)it->max_age);
	hg_metric(ctx, HG_METRIC_ATTEST_TIME, it->id, it->found ? it->where : where, NULL,
		  it->found ? (double)it->last.when : 0);
	snprintf(fix, sizeof(fix), "do what %.23s asks (hardgate explain %.23s), then run "
		 "hardgate attest %.23s --by NAME", it->id, it->id, it->id);
	if (!it->found) {
		hg_finding(ctx, it->id, HG_SEV_FAIL, where, fix, "never attested, max age %s",
			   max);
		return -1;
	}
	age = (long long)(now - it->last.when);
	if (age < 0)
		age = 0;	/* within the allowed clock skew */
	hg_attest_time(it->last.when, day, sizeof(day));
	day[10] = '\0';
	hg_finding(ctx, it->id, HG_SEV_INFO, it->where, NULL,
		   "age %lld days: last attested %s by %s, max age %s", age / 86400, day,
		   it->last.by, max);
	if (age <= it->max_age)
		return 0;
	hg_finding(ctx, it->id, HG_SEV_FAIL, it->where, fix,
		   "last attested %s by %s (%lld days ago), max age %s", day, it->last.by,
		   age / 86400, max);
	return -1;
}

/* 0 if the key FP is not revoked; else a finding (or the core's HG-017) and -1. */
static int
key_revoked(struct hg_ctx *ctx, const char *fp)
{
	char reason[256], where[4096];
	int r = hg_revoked(ctx, fp, reason, sizeof(reason));

	if (r == 0)
		return 0;
	if (r > 0) {
		snprintf(where, sizeof(where), "%s/%s", hg_attest_dir(ctx), HG_ATTEST_PK);
		hg_finding(ctx, ID_REVOKED, HG_SEV_FAIL, where,
			   "move attest.key and attest.pub away, run hardgate attest --init, then "
			   "re-attest every item",
			   "the attestation key %s is revoked (%s): its records prove nothing", fp,
			   reason);
	}
	return -1;
}

static int
check(struct hg_ctx *ctx, const struct hg_args *a)
{
	struct item it[MAX_ITEMS];
	struct hg_error e = { 0 };
	struct scan s = { .ctx = ctx, .it = it };
	const char *where = hg_arg_where(ctx, a, "items");
	char fp[HG_FP_LEN];
	time_t now = time(NULL);
	int fail = 0;

	if (parse_items(ctx, a, it, &s.n) < 0)
		return HG_FAIL;
	if (hg_attest_scan(hg_attest_dir(ctx), now, on_record, &s, fp, &e) < 0) {
		hg_finding(ctx, e.id, HG_SEV_FAIL, e.where, e.fix[0] ? e.fix : NULL, "%s", e.msg);
		return HG_FAIL;
	}
	if (key_revoked(ctx, fp) < 0)
		return HG_FAIL;
	for (size_t i = 0; i < s.n; i++)
		fail |= judge(ctx, &it[i], where, now) < 0;
	return fail || s.bad ? HG_FAIL : HG_PASS;
}

const struct hg_module hg_module_attest = {
	.abi = HG_MODULE_ABI,
	.name = "attest",
	.phases = HG_PHASES_ALL,
	.steps = 0,
	.args = args,
	.ids = ids,
	.check = check,
	.apply = NULL,
};
