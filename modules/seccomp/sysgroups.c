/* sysgroups.c - parse and expand seccomp.groups (see sysgroups.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysgroups.h"

#define MAX_GROUPS 64
#define MAX_MEMBERS 512
#define MAX_DEPTH 8

/* Names and members point into the parsed copy of the text (text). */
struct group {
	const char *name;
	const char *help;
	const char **members;
	size_t n, cap;
};

struct hg_sysgroups {
	char *text;
	struct group g[MAX_GROUPS];
	size_t n;
};

/*
 * Name characters checked by hand: strspn() with a long accept set falls back
 * to glibc's generic loop, which was a tenth of a start-up's user time.
 */
static int
name_ok(const char *s, size_t len, int group)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			 (!group && (c == '_' || (c == '@' && i == 0)));

		if (!ok)
			return 0;
	}
	return 1;
}

static struct group *
find(const struct hg_sysgroups *gs, const char *name)
{
	for (size_t i = 0; i < gs->n; i++)
		if (strcmp(gs->g[i].name, name) == 0)
			return (struct group *)&gs->g[i];
	return NULL;
}

/* Start a group from "@name  help". */
static int
start_group(struct hg_sysgroups *gs, char *line, unsigned ln, char *err, size_t errlen)
{
	size_t l = strcspn(line, " \t");
	char *help = line + l + strspn(line + l, " \t");
	struct group *g;

	line[l] = '\0';
	if (l < 2 || !name_ok(line + 1, l - 1, 1)) {
		snprintf(err, errlen, "line %u: bad group name \"%s\"", ln, line);
		return -1;
	}
	if (find(gs, line)) {
		snprintf(err, errlen, "line %u: group %s defined twice", ln, line);
		return -1;
	}
	if (gs->n == MAX_GROUPS) {
		snprintf(err, errlen, "line %u: more than %d groups", ln, MAX_GROUPS);
		return -1;
	}
	g = &gs->g[gs->n];
	g->name = line;
	g->help = help;
	gs->n++;
	return 0;
}

static int
add_members(struct group *g, char *line, unsigned ln, char *err, size_t errlen)
{
	for (char *save = NULL, *t = strtok_r(line, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save)) {
		if (!name_ok(t, strlen(t), 0)) {
			snprintf(err, errlen, "line %u: bad name \"%s\"", ln, t);
			return -1;
		}
		if (g->n == MAX_MEMBERS) {
			snprintf(err, errlen, "line %u: group %s too large", ln, g->name);
			return -1;
		}
		if (g->n == g->cap) {
			size_t cap = g->cap ? g->cap * 2 : 32;
			const char **m = realloc(g->members, cap * sizeof(*m));

			if (m == NULL) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			g->members = m;
			g->cap = cap;
		}
		g->members[g->n++] = t;
	}
	return 0;
}

struct hg_sysgroups *
hg_sysgroups_parse(const char *text, char *err, size_t errlen)
{
	struct hg_sysgroups *gs = calloc(1, sizeof(*gs));
	char *copy = strdup(text), *line, *save = NULL;
	unsigned ln = 0;
	int r = 0;

	if (gs == NULL || copy == NULL) {
		snprintf(err, errlen, "out of memory");
		r = -1;
	}
	/* Line by line by hand: strtok would merge empty lines and miscount. */
	for (line = copy; r == 0 && line != NULL; line = save) {
		char *nl = strchr(line, '\n');

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		ln++;
		line[strcspn(line, "#")] = '\0';
		if (line[strspn(line, " \t")] == '\0')
			continue;
		if (line[0] == '@')
			r = start_group(gs, line, ln, err, errlen);
		else if ((line[0] == ' ' || line[0] == '\t') && gs->n > 0)
			r = add_members(&gs->g[gs->n - 1], line, ln, err, errlen);
		else {
			snprintf(err, errlen, "line %u: expected \"@group\" or an indented list", ln);
			r = -1;
		}
	}
	if (gs)
		gs->text = copy;
	else
		free(copy);
	if (r < 0) {
		hg_sysgroups_free(gs);
		return NULL;
	}
	return gs;
}

void
hg_sysgroups_free(struct hg_sysgroups *gs)
{
	if (gs == NULL)
		return;
	for (size_t i = 0; i < gs->n; i++)
		free(gs->g[i].members);
	free(gs->text);
	free(gs);
}

/*
 * One expansion: the groups on the current path (cycles) and the groups
 * already expanded. A group named twice is expanded once: otherwise 8
 * levels of 512 references each would mean 512^8 calls.
 */
struct walk {
	const char *path[MAX_DEPTH + 1];
	unsigned char done[MAX_GROUPS];
	int (*add)(const char *, void *);
	void *arg;
	char *err;
	size_t errlen;
};

static int
expand(const struct hg_sysgroups *gs, const char *name, int depth, struct walk *w)
{
	const struct group *g = find(gs, name);
	int r;

	if (g == NULL) {
		snprintf(w->err, w->errlen, "unknown syscall group %s", name);
		return -1;
	}
	for (int i = 0; i < depth; i++)
		if (strcmp(w->path[i], name) == 0) {
			snprintf(w->err, w->errlen, "syscall group %s includes itself", name);
			return -1;
		}
	if (depth == MAX_DEPTH) {
		snprintf(w->err, w->errlen, "syscall groups nest deeper than %d at %s", MAX_DEPTH,
			 name);
		return -1;
	}
	if (w->done[g - gs->g])
		return 0;
	w->path[depth] = name;
	for (size_t i = 0; i < g->n; i++) {
		if (g->members[i][0] == '@')
			r = expand(gs, g->members[i], depth + 1, w);
		else
			r = w->add(g->members[i], w->arg);
		if (r < 0)
			return r;
	}
	w->done[g - gs->g] = 1;
	return 0;
}

int
hg_sysgroups_expand(const struct hg_sysgroups *gs, const char *name,
		    int (*add)(const char *, void *), void *arg, char *err, size_t errlen)
{
	struct walk w = { .add = add, .arg = arg, .err = err, .errlen = errlen };

	return expand(gs, name, 0, &w);
}

const char *
hg_sysgroups_help(const struct hg_sysgroups *gs, const char *name)
{
	const struct group *g = find(gs, name);

	return g ? g->help : NULL;
}
