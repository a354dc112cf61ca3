/*
 * dbwagent.c - netout's allow-list from a dbward agent's own config
 * (DBW-REC-09: the agent reaches only the server URL and its target
 * databases). [server].url and every [databases.<db>.<env>].url of
 * dbward-agent.toml, ${} expanded as dbward expands them, become
 * HOST:PORT entries; names are resolved once, at start, like every other
 * entry. A URL that gives no destination (a DSN through a unix socket)
 * refuses: list that destination in `allow` instead.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "allowlist.h"
#include "appconf.h"
#include "dbwagent.h"
#include "dbwexpand.h"
#include "url.h"

/* The port a scheme uses when the URL names none; 0 if unknown. */
static unsigned
default_port(const char *scheme)
{
	static const struct {
		const char *scheme;
		unsigned port;
	} ports[] = {
		{ "https", 443 }, { "http", 80 }, { "postgres", 5432 }, { "postgresql", 5432 },
		{ "mysql", 3306 },
	};

	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (strcmp(ports[i].scheme, scheme) == 0)
			return ports[i].port;
	return 0;
}

struct from {
	struct hg_app a;
	const char *id;
	int (*emit)(const char *entry, void *arg);
	void *arg;
	unsigned added;
};

/* URL (the value V, named WHAT) as one more destination. HG_PASS or HG_FAIL. */
static int
add(struct from *f, const struct hg_toml_value *v, const char *what)
{
	char u[2048], missing[128], entry[300], err[384];
	const char *s;
	struct hg_url x;
	int r;

	if (hg_toml_string(v, &s, NULL) < 0) {
		hg_app_report(&f->a, f->id, HG_SEV_FAIL, v, "write the URL as a string",
			      "%s is not a string", what);
		return HG_FAIL;
	}
	r = hg_dbw_expand(s, u, sizeof(u), missing, sizeof(missing));
	if (r == -ENOENT && hg_stage(f->a.ctx) == HG_STAGE_CHECK) {
		hg_app_report(&f->a, f->id, HG_SEV_WARN, v, "run the check in the agent's environment",
			      "%s: ${%s} is not set here, its destination is not known", what, missing);
		return HG_PASS;
	}
	if (r < 0 || hg_url_split(u, &x) < 0 || x.host[0] == '\0' ||
	    (!x.port && !(x.port = default_port(x.scheme)))) {
		memset(u, 0, sizeof(u));
		hg_app_report(&f->a, f->id, HG_SEV_FAIL, v,
			      "list the agent's destination for it in allow",
			      "%s gives no destination netout can allow%s", what,
			      r == -ENOENT ? " (a ${} in it is not set)" : "");
		return HG_FAIL;
	}
	memset(u, 0, sizeof(u));	/* the expanded password */
	snprintf(entry, sizeof(entry), "%s:%u", x.host, x.port);
	if ((r = hg_dest_expand(entry, f->emit, f->arg, err, sizeof(err))) == -ENOMEM)
		return HG_ERROR;
	if (r < 0) {
		hg_app_report(&f->a, f->id, HG_SEV_FAIL, v,
			      "use an address, or make the name resolve at start", "%s: %s", what, err);
		return HG_FAIL;
	}
	f->added++;
	return HG_PASS;
}

int
hg_netout_from_dbward(struct hg_ctx *ctx, const struct hg_args *a, const char *id,
		      int (*emit)(const char *entry, void *arg), void *arg)
{
	struct from f = { .a = { .ctx = ctx, .args = a, .app = "dbward-agent" }, .id = id,
			  .emit = emit, .arg = arg };
	const struct hg_toml_value *root, *srv, *dbs;
	char what[300];
	int r;

	if ((r = hg_app_open(&f.a, hg_arg_str(ctx, a, "from_dbward_agent"),
			     hg_arg_where(ctx, a, "from_dbward_agent"), NULL)) != HG_PASS)
		return r;
	root = hg_toml_root(f.a.doc);
	srv = hg_toml_get(root, "server");
	if (hg_toml_get(srv, "url") == NULL) {
		hg_app_report(&f.a, id, HG_SEV_FAIL, srv, "set [server].url",
			      "the agent config has no [server].url");
		r = HG_FAIL;
	} else {
		r = add(&f, hg_toml_get(srv, "url"), "[server].url");
	}
	dbs = hg_toml_get(root, "databases");
	for (size_t i = 0; r != HG_ERROR && i < hg_toml_count(dbs); i++) {
		const struct hg_toml_value *db = hg_toml_at(dbs, i);

		for (size_t j = 0; r != HG_ERROR && j < hg_toml_count(db); j++) {
			const struct hg_toml_value *e = hg_toml_at(db, j), *v;
			int x;

			if ((v = hg_toml_get(e, "url")) == NULL)
				continue;	/* not a scope: the dbward module says so */
			snprintf(what, sizeof(what), "[databases.%s.%s].url", hg_toml_key(db, NULL),
				 hg_toml_key(e, NULL));
			if ((x = add(&f, v, what)) != HG_PASS)
				r = x;
		}
	}
	if (r == HG_PASS)
		hg_finding(ctx, id, HG_SEV_INFO, f.a.path, NULL,
			   "%u destinations from the agent's config: its server and its databases",
			   f.added);
	hg_app_close(&f.a);
	return r;
}
