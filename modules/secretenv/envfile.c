/*
 * envfile.c - systemd EnvironmentFile= parser (envfile.h). A state
 * machine in the shape of systemd's parse_env_file_internal(), writing
 * values to the caller's (secret) buffer and never copying them anywhere
 * else.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "envfile.h"

enum st {
	PRE_KEY,
	KEY,
	PRE_VALUE,
	VALUE,
	VALUE_ESCAPE,
	SQUOTE,
	DQUOTE,
	DQUOTE_ESCAPE,
	COMMENT,
};

struct parser {
	char *out;
	size_t n;		/* bytes written to out */
	size_t vstart;		/* where the current value starts in out */
	size_t vblank;		/* first of the trailing blanks of an unquoted value, or SIZE_MAX */
	char key[HG_ENV_KEY_MAX];
	size_t nkey;
	size_t kblank;		/* first trailing blank of the key, or SIZE_MAX */
	unsigned line;		/* line being read */
	unsigned kline;		/* line the key started on */
	unsigned qline;		/* line a quote was opened on */
	hg_env_push push;
	void *arg;
	unsigned *badline;
	char *why;
	size_t whylen;
};

static int
blank(char c)
{
	return c == ' ' || c == '\t';
}

static int
newline(char c)
{
	return c == '\n' || c == '\r';
}

int
hg_env_name_valid(const char *s)
{
	if (s == NULL || !((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return 0;
	for (s++; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

static int
refuse(struct parser *p, unsigned line, const char *why)
{
	*p->badline = line;
	snprintf(p->why, p->whylen, "%s", why);
	return -EINVAL;
}

static void
put(struct parser *p, char c)
{
	p->out[p->n++] = c;
}

static int
key_char(struct parser *p, char c)
{
	if (p->nkey + 1 >= sizeof(p->key))
		return refuse(p, p->kline, "variable name too long");
	if (!blank(c))
		p->kblank = SIZE_MAX;
	else if (p->kblank == SIZE_MAX)
		p->kblank = p->nkey;
	p->key[p->nkey++] = c;
	return 0;
}

/* One assignment is complete: name it, then hand it to the caller. */
static int
emit(struct parser *p)
{
	size_t end = p->n;

	if (p->kblank != SIZE_MAX)
		p->nkey = p->kblank;
	p->key[p->nkey] = '\0';
	if (!hg_env_name_valid(p->key))
		return refuse(p, p->kline, "invalid variable name before '='");
	if (p->vblank != SIZE_MAX)
		end = p->vblank;
	p->out[end] = '\0';
	p->n = end + 1;
	return p->push(p->arg, p->key, p->kline, p->out + p->vstart, end - p->vstart);
}

static void
start_value(struct parser *p)
{
	p->vstart = p->n;
	p->vblank = SIZE_MAX;
}

/* Feed one character C in state *S. */
static int
step(struct parser *p, enum st *s, char c)
{
	switch (*s) {
	case PRE_KEY:
		if (c == '#' || c == ';') {
			*s = COMMENT;
		} else if (!blank(c) && !newline(c)) {
			*s = KEY;
			p->nkey = 0;
			p->kblank = SIZE_MAX;
			p->kline = p->line;
			return key_char(p, c);
		}
		return 0;
	case KEY:
		if (newline(c))
			return refuse(p, p->kline, "line has no '=' (systemd would skip it)");
		if (c == '=') {
			*s = PRE_VALUE;
			start_value(p);
			return 0;
		}
		return key_char(p, c);
	case PRE_VALUE:
		if (newline(c)) {
			*s = PRE_KEY;
			return emit(p);
		}
		if (c == '\'') {
			*s = SQUOTE;
			p->qline = p->line;
		} else if (c == '"') {
			*s = DQUOTE;
			p->qline = p->line;
		} else if (c == '\\') {
			*s = VALUE_ESCAPE;
		} else if (!blank(c)) {
			*s = VALUE;
			put(p, c);
		}
		return 0;
	case VALUE:
		if (newline(c)) {
			*s = PRE_KEY;
			return emit(p);
		}
		if (c == '\\') {
			*s = VALUE_ESCAPE;
			p->vblank = SIZE_MAX;
			return 0;
		}
		if (!blank(c))
			p->vblank = SIZE_MAX;
		else if (p->vblank == SIZE_MAX)
			p->vblank = p->n;
		put(p, c);
		return 0;
	case VALUE_ESCAPE:
		*s = VALUE;
		if (!newline(c))	/* an escaped newline joins the lines */
			put(p, c);
		return 0;
	case SQUOTE:
		if (c == '\'')
			*s = PRE_VALUE;
		else
			put(p, c);
		return 0;
	case DQUOTE:
		if (c == '"')
			*s = PRE_VALUE;
		else if (c == '\\')
			*s = DQUOTE_ESCAPE;
		else
			put(p, c);
		return 0;
	case DQUOTE_ESCAPE:
		*s = DQUOTE;
		if (strchr("\"\\`$", c)) {
			put(p, c);
		} else if (c != '\n') {
			put(p, '\\');
			put(p, c);
		}
		return 0;
	case COMMENT:
		if (newline(c))
			*s = PRE_KEY;
		return 0;
	}
	return -EINVAL;
}

/* The end of the text in state S. */
static int
finish(struct parser *p, enum st s)
{
	switch (s) {
	case PRE_KEY:
	case COMMENT:
		return 0;
	case KEY:
		return refuse(p, p->kline, "line has no '=' (systemd would skip it)");
	case SQUOTE:
	case DQUOTE:
	case DQUOTE_ESCAPE:
		return refuse(p, p->qline, "quote opened here is never closed");
	default:
		return emit(p);
	}
}

int
hg_envfile_parse(const char *text, size_t len, char *out, hg_env_push push, void *arg,
		 unsigned *badline, char *why, size_t whylen)
{
	struct parser p = {
		.out = out, .line = 1, .push = push, .arg = arg,
		.badline = badline, .why = why, .whylen = whylen,
	};
	enum st s = PRE_KEY;
	int r;

	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\0')
			return refuse(&p, p.line, "NUL byte in the file");
		/*
		 * A value grows by at most one byte per input byte, except an
		 * escape kept as "\c" in double quotes: two bytes for the two
		 * read. So OUT never needs more than LEN + 1 bytes.
		 */
		if ((r = step(&p, &s, text[i])) < 0)
			return r;
		if (text[i] == '\n')
			p.line++;
	}
	return finish(&p, s);
}
