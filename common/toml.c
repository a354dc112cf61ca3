/*
 * toml.c - the strict TOML 1.0 reader of toml.h.
 *
 * One pass validates the whole text as UTF-8 without NUL bytes; a
 * recursive-descent parser then builds the tree, one small function per
 * production. Everything lives in an arena owned by the document, so a
 * failure anywhere frees it all at once and no half document escapes.
 * Tables index their members in one hash of the document (parent, key), so
 * a large flat table parses in linear time.
 *
 * Where the spec leaves room this follows Python's tomli 2.0, against which
 * tests/toml/ compares it: CRLF in multi-line strings reads as LF, fractions
 * of a second may be longer than 9 digits (the rest is dropped), year 0000
 * is refused, a float literal too large for a double reads as inf.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toml.h"

#define TOML_ID "HG-025"
#define FIX_SYNTAX "correct the TOML at the position given (TOML 1.0)"
#define FIX_DUP "keep one definition: a key or table may be defined once"

/* --- the tree --- */

enum {
	F_HEADER = 1,	/* table defined by [header], or the array of [[header]] */
	F_DOTTED = 2,	/* table made by a dotted key (a.b = 1 makes a) */
	F_FROZEN = 4,	/* inline table or static array: closed for good */
};

struct hg_toml_value {
	unsigned char type;
	unsigned char flags;
	unsigned short depth;
	unsigned line, col, key_line, key_col;
	const char *key;
	uint32_t key_len;	/* keys and strings fit: documents are <= HG_TOML_MAX_LEN */
	uint32_t key_hash;
	struct hg_toml_value *parent;
	union {
		struct {
			const char *s;
			size_t len;
		} str;
		int64_t i;
		double d;
		bool b;
		struct hg_toml_datetime *dt;	/* out of line: keeps a value at 64 bytes */
		struct {
			struct hg_toml_value **v;
			uint32_t n, cap;
		} kids;
	} u;
};

struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t mem[];
};

struct hg_toml {
	struct chunk *arena;
	char *name;
	struct hg_toml_value *root;
	struct hg_toml_value **slots;	/* (parent, key) -> member; open addressing */
	size_t nslots, nused;
};

#define CHUNK_SIZE (32u << 10)

static void *
arena_alloc(struct hg_toml *d, size_t n)
{
	struct chunk *c = d->arena;
	void *p;

	if (n > SIZE_MAX / 2)
		return NULL;
	n = (n + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
	if (c == NULL || c->cap - c->used < n) {
		size_t cap = n > CHUNK_SIZE ? n : CHUNK_SIZE;

		c = malloc(sizeof(*c) + cap);
		if (c == NULL)
			return NULL;
		c->used = 0;
		c->cap = cap;
		c->next = d->arena;
		d->arena = c;
	}
	p = (char *)c->mem + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

/* A NUL-terminated arena copy of S[0..N). */
static char *
arena_strndup(struct hg_toml *d, const char *s, size_t n)
{
	char *r = arena_alloc(d, n + 1);

	if (r != NULL) {
		if (n > 0)
			memcpy(r, s, n);
		r[n] = '\0';
	}
	return r;
}

void
hg_toml_free(struct hg_toml *doc)
{
	struct chunk *c, *next;

	if (doc == NULL)
		return;
	for (c = doc->arena; c != NULL; c = next) {
		next = c->next;
		explicit_bzero(c->mem, c->used);	/* config values may be secrets */
		free(c);
	}
	free(doc->slots);
	free(doc->name);
	free(doc);
}

/* FNV-1a of a key, computed once when the key is read (KH below). */
static uint32_t
key_hash(const char *k, size_t n)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)k[i];
		h *= 1099511628211ull;
	}
	return (uint32_t)(h ^ (h >> 32));
}

/* The slot of key K (N bytes, hash KH) in table T, or the free slot where it goes. */
static struct hg_toml_value **
slot_of(struct hg_toml *d, const struct hg_toml_value *t, const char *k, size_t n, uint32_t kh)
{
	uint64_t h = kh ^ ((uint64_t)(uintptr_t)t * 0x9E3779B97F4A7C15ull);
	size_t mask = d->nslots - 1, i;

	h ^= h >> 33;	/* murmur3's finalizer: the low bits (the slot) depend on all bits */
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	i = (size_t)h & mask;

	while (d->slots[i] != NULL) {
		const struct hg_toml_value *v = d->slots[i];

		if (v->parent == t && v->key_len == n && memcmp(v->key, k, n) == 0)
			break;
		i = (i + 1) & mask;
	}
	return &d->slots[i];
}

static struct hg_toml_value *
index_find(struct hg_toml *d, const struct hg_toml_value *t, const char *k, size_t n,
	   uint32_t kh)
{
	return d->nslots ? *slot_of(d, t, k, n, kh) : NULL;
}

/* Grow the index to twice its size, or to HINT slots (a power of two) at first. */
static int
index_grow(struct hg_toml *d, size_t hint)
{
	size_t old = d->nslots, n = old ? old * 2 : hint;
	struct hg_toml_value **prev = d->slots;

	if (n > SIZE_MAX / sizeof(*prev))
		return -ENOMEM;
	d->slots = calloc(n, sizeof(*prev));
	if (d->slots == NULL) {
		d->slots = prev;
		return -ENOMEM;
	}
	d->nslots = n;
	for (size_t i = 0; i < old; i++)
		if (prev[i] != NULL)
			*slot_of(d, prev[i]->parent, prev[i]->key, prev[i]->key_len,
				 prev[i]->key_hash) = prev[i];
	free(prev);
	return 0;
}

static int
index_add(struct hg_toml *d, struct hg_toml_value *v)
{
	if ((d->nused + 1) * 2 > d->nslots && index_grow(d, 64) < 0)
		return -ENOMEM;
	*slot_of(d, v->parent, v->key, v->key_len, v->key_hash) = v;
	d->nused++;
	return 0;
}

static int
kids_push(struct hg_toml *d, struct hg_toml_value *c, struct hg_toml_value *v)
{
	if (c->u.kids.n == c->u.kids.cap) {
		uint32_t cap = c->u.kids.cap ? c->u.kids.cap * 2 : 4;
		struct hg_toml_value **nv;

		if (c->u.kids.cap > UINT32_MAX / 2)
			return -ENOMEM;
		nv = arena_alloc(d, (size_t)cap * sizeof(*nv));
		if (nv == NULL)
			return -ENOMEM;
		if (c->u.kids.n)
			memcpy(nv, c->u.kids.v, c->u.kids.n * sizeof(*nv));
		c->u.kids.v = nv;
		c->u.kids.cap = cap;
	}
	c->u.kids.v[c->u.kids.n++] = v;
	v->parent = c;
	return 0;
}

/* --- the parser's state, positions and errors --- */

struct pos {
	unsigned line, col;
};

struct key_part {
	const char *s;
	size_t len;
	uint32_t hash;
	size_t off;
	struct pos at;
};

struct key {
	struct key_part part[HG_TOML_MAX_DEPTH];
	size_t n;
};

struct parser {
	const char *name;
	const unsigned char *s;
	size_t len, pos;
	struct hg_toml *doc;
	struct hg_error *e;
	struct hg_toml_value *cur;	/* the table of the current [header] */
	locale_t c_locale;
	char *buf;			/* scratch for decoding strings and numbers */
	size_t blen, bcap;
	size_t col_off;			/* position cache of where() */
	unsigned line, col;
};

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* 8 bytes at S as one word (any alignment). */
static uint64_t
word_at(const unsigned char *s)
{
	uint64_t w;

	memcpy(&w, s, sizeof(w));
	return w;
}

/* Characters in the UTF-8 text S[0..N): the bytes that are not 10xxxxxx. */
static size_t
count_chars(const unsigned char *s, size_t n)
{
	size_t chars = 0, i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w = word_at(s + i);

		/* a continuation byte has bit 7 set and bit 6 (moved to 7) clear */
		chars += 8 - (size_t)__builtin_popcountll(w & ~(w << 1) & HIGHS);
	}
	for (; i < n; i++)
		chars += (s[i] & 0xC0) != 0x80;
	return chars;
}

/*
 * Line and column (1-based, in characters) of offset OFF. Asked in
 * document order, so it goes on from the last answer: linear overall.
 */
static void
where(struct parser *p, size_t off, unsigned *line, unsigned *col)
{
	const unsigned char *a, *b, *nl;

	if (off > p->len)
		off = p->len;
	if (off < p->col_off) {
		p->col_off = 0;
		p->line = 1;
		p->col = 1;
	}
	a = p->s + p->col_off;
	b = p->s + off;
	while ((nl = memchr(a, '\n', (size_t)(b - a))) != NULL) {
		p->line++;
		p->col = 1;
		a = nl + 1;
	}
	p->col += (unsigned)count_chars(a, (size_t)(b - a));
	p->col_off = off;
	*line = p->line;
	*col = p->col;
}

static int
perr_at(struct parser *p, size_t off, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int
perr_lc(struct parser *p, struct pos at, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
perr_v(struct parser *p, struct pos at, const char *fix, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static int
perr_v(struct parser *p, struct pos at, const char *fix, const char *fmt, va_list ap)
{
	char where_s[512], msg[512];

	snprintf(where_s, sizeof(where_s), "%s:%u:%u", p->name, at.line, at.col);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	return hg_error_set(p->e, EINVAL, TOML_ID, where_s, fix, "%s", msg);
}

/* Fill p->e for an error at offset OFF (or position AT); returns -EINVAL. */
static int
perr_at(struct parser *p, size_t off, const char *fix, const char *fmt, ...)
{
	struct pos at;
	va_list ap;
	int r;

	where(p, off, &at.line, &at.col);
	va_start(ap, fmt);
	r = perr_v(p, at, fix, fmt, ap);
	va_end(ap);
	return r;
}

static int
perr_lc(struct parser *p, struct pos at, const char *fix, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = perr_v(p, at, fix, fmt, ap);
	va_end(ap);
	return r;
}

static int
oom(struct parser *p)
{
	return hg_error_set(p->e, ENOMEM, TOML_ID, p->name, "free memory and retry",
			    "out of memory reading the TOML document");
}

/* A printable, bounded rendering of key or text S for messages. */
static const char *
shown(char out[static 16], size_t n, const char *s, size_t len)
{
	size_t o = 0, i;

	for (i = 0; i < len && o + 8 < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			o += (size_t)snprintf(out + o, n - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	memcpy(out + o, i < len ? "..." : "", i < len ? 4 : 1);
	return out;
}

static int
at_end(const struct parser *p)
{
	return p->pos >= p->len;
}

static int
peek(const struct parser *p, size_t k)
{
	return p->pos + k < p->len ? p->s[p->pos + k] : -1;
}

static int
starts(const struct parser *p, const char *lit)
{
	size_t n = strlen(lit);

	return p->len - p->pos >= n && memcmp(p->s + p->pos, lit, n) == 0;
}

/* Length of the newline at the position (1 for LF, 2 for CRLF), else 0. */
static size_t
newline_len(const struct parser *p)
{
	if (peek(p, 0) == '\n')
		return 1;
	if (peek(p, 0) == '\r' && peek(p, 1) == '\n')
		return 2;
	return 0;
}

static int
is_ctrl(int c)
{
	return (c >= 0 && c < 0x20 && c != '\t') || c == 0x7f;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* A-Za-z0-9_- */
static const unsigned char bare_chars[256] = {
	['-'] = 1, ['_'] = 1,
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
	['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
	['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
	['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1,
	['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
	['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
	['y'] = 1, ['z'] = 1,
};

static int
is_bare(int c)
{
	return c >= 0 && bare_chars[c];
}

static int
buf_put(struct parser *p, const void *s, size_t n)
{
	if (p->bcap - p->blen < n + 1) {
		size_t cap = p->bcap ? p->bcap : 256;
		char *nb;

		while (cap - p->blen < n + 1) {
			if (cap > SIZE_MAX / 2)
				return oom(p);
			cap *= 2;
		}
		/* not realloc: the old buffer may hold a secret, wiped before it goes */
		if ((nb = malloc(cap)) == NULL)
			return oom(p);
		if (p->buf) {
			memcpy(nb, p->buf, p->blen + 1);
			explicit_bzero(p->buf, p->bcap);
			free(p->buf);
		}
		p->buf = nb;
		p->bcap = cap;
	}
	memcpy(p->buf + p->blen, s, n);
	p->blen += n;
	p->buf[p->blen] = '\0';
	return 0;
}

/* --- whole-document checks --- */

/* Length of the UTF-8 sequence at S[0..N) (1..4), or 0 if invalid. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t k;
	unsigned lo = 0x80, hi = 0xBF;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		k = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		k = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		k = 4;
	else
		return 0;	/* continuation byte, overlong C0/C1, or > U+10FFFF */
	if (c == 0xE0)
		lo = 0xA0;	/* overlong */
	else if (c == 0xED)
		hi = 0x9F;	/* UTF-16 surrogates */
	else if (c == 0xF0)
		lo = 0x90;	/* overlong */
	else if (c == 0xF4)
		hi = 0x8F;	/* > U+10FFFF */
	if (n < k || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < k; i++)
		if (s[i] < 0x80 || s[i] > 0xBF)
			return 0;
	return k;
}

static int
check_text(struct parser *p)
{
	for (size_t i = 0; i < p->len;) {
		size_t k;

		while (i + 8 <= p->len && !(((word_at(p->s + i) - ONES) | word_at(p->s + i)) & HIGHS))
			i += 8;	/* 8 ASCII bytes, none of them NUL */
		while (i < p->len && p->s[i] > 0 && p->s[i] < 0x80)
			i++;
		if (i == p->len)
			break;
		if (p->s[i] == '\0')
			return perr_at(p, i, "remove the NUL byte: TOML is text",
				       "NUL byte in the document");
		k = utf8_len(p->s + i, p->len - i);
		if (k == 0)
			return perr_at(p, i, "save the file as UTF-8",
				       "invalid UTF-8 (byte 0x%02x)", p->s[i]);
		i += k;
	}
	return 0;
}

/* --- whitespace, comments, end of line --- */

static void
skip_ws(struct parser *p)
{
	while (peek(p, 0) == ' ' || peek(p, 0) == '\t')
		p->pos++;
}

static int
skip_comment(struct parser *p)
{
	if (peek(p, 0) != '#')
		return 0;
	for (p->pos++; !at_end(p) && !newline_len(p); p->pos++)
		if (is_ctrl(p->s[p->pos]))
			return perr_at(p, p->pos, FIX_SYNTAX,
				       "control character U+%04X in a comment", p->s[p->pos]);
	return 0;
}

/* Whitespace, comments and newlines, as allowed inside arrays. */
static int
skip_ws_lines(struct parser *p)
{
	for (;;) {
		size_t nl;
		int r;

		skip_ws(p);
		if ((r = skip_comment(p)) < 0)
			return r;
		nl = newline_len(p);
		if (nl == 0)
			return 0;
		p->pos += nl;
	}
}

/* After a statement: whitespace, a comment, then a newline or the end. */
static int
expect_eol(struct parser *p, const char *after)
{
	size_t nl;
	int r;

	skip_ws(p);
	if ((r = skip_comment(p)) < 0)
		return r;
	if (at_end(p))
		return 0;
	nl = newline_len(p);
	if (nl == 0)
		return perr_at(p, p->pos, FIX_SYNTAX, "expected a newline after %s", after);
	p->pos += nl;
	return 0;
}

/* --- strings --- */

static int
put_utf8(struct parser *p, uint32_t c)
{
	unsigned char b[4];
	size_t n;

	if (c < 0x80) {
		b[0] = (unsigned char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (unsigned char)(0xC0 | (c >> 6));
		b[1] = (unsigned char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (unsigned char)(0xE0 | (c >> 12));
		b[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (unsigned char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xF0 | (c >> 18));
		b[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
		b[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		b[3] = (unsigned char)(0x80 | (c & 0x3F));
		n = 4;
	}
	return buf_put(p, b, n);
}

static int
hex_val(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* \uXXXX or \UXXXXXXXX after the backslash and letter (N hex digits). */
static int
unicode_escape(struct parser *p, size_t start, int n)
{
	uint32_t c = 0;

	for (int i = 0; i < n; i++) {
		int h = hex_val(peek(p, 0));

		if (h < 0)
			return perr_at(p, start, "write \\u with 4 or \\U with 8 hex digits",
				       "\\%c escape needs %d hex digits", n == 4 ? 'u' : 'U', n);
		c = c * 16 + (uint32_t)h;
		p->pos++;
	}
	if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
		return perr_at(p, start,
			       "escape a Unicode scalar value (not a surrogate, at most U+10FFFF)",
			       "escape \\%c%0*X is not a Unicode scalar value", n == 4 ? 'u' : 'U',
			       n, (unsigned)c);
	return put_utf8(p, c);
}

/* In a multi-line basic string: backslash, blanks, newline: skip to the next non-blank. */
static int
line_ending_backslash(struct parser *p, size_t start)
{
	skip_ws(p);
	if (!newline_len(p))
		return perr_at(p, start, "escape the backslash as \\\\",
			       "a backslash followed by blanks must end the line");
	while (peek(p, 0) == ' ' || peek(p, 0) == '\t' || newline_len(p))
		p->pos += newline_len(p) ? newline_len(p) : 1;
	return 0;
}

static int
escape(struct parser *p, int multiline)
{
	static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
	size_t start = p->pos;
	int c = peek(p, 1);
	const char *hit;

	p->pos += 2;
	if (c == 'u' || c == 'U')
		return unicode_escape(p, start, c == 'u' ? 4 : 8);
	if (multiline && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
		p->pos--;
		return line_ending_backslash(p, start);
	}
	if (c > 0 && (hit = strchr(from, c)) != NULL)
		return buf_put(p, &to[hit - from], 1);
	return perr_at(p, start, "use one of \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX",
		       "invalid escape in a string");
}

/*
 * The closing quotes of a multi-line string at the position: a run of N
 * >= 3 quotes closes it, and up to two of them belong to the content.
 * Returns 1 when closed, 0 when the quotes are content, < 0 on error.
 */
static int
ml_close(struct parser *p, char q)
{
	size_t n = 0;

	while (peek(p, n) == q)
		n++;
	if (n < 3) {
		p->pos += n;
		return buf_put(p, p->s + p->pos - n, n) < 0 ? -ENOMEM : 0;
	}
	if (n > 5)
		n = 5;
	if (buf_put(p, p->s + p->pos, n - 3) < 0)
		return -ENOMEM;
	p->pos += n;
	return 1;
}

/*
 * String content up to the next quote Q (or backslash in a basic string):
 * newlines only in multi-line strings (CRLF read as LF), no other control
 * characters.
 */
static int
string_run(struct parser *p, char q, int multiline)
{
	int stop = q == '"' ? '\\' : q;
	size_t start = p->pos, nl;

	while (!at_end(p) && p->s[p->pos] != (unsigned char)q && p->s[p->pos] != stop &&
	       !is_ctrl(p->s[p->pos]))
		p->pos++;
	if (buf_put(p, p->s + start, p->pos - start) < 0)
		return -ENOMEM;
	if (at_end(p) || !is_ctrl(p->s[p->pos]))
		return 0;
	if (multiline && (nl = newline_len(p)) != 0) {
		p->pos += nl;
		return buf_put(p, "\n", 1);
	}
	return perr_at(p, p->pos, "escape control characters (\\n, \\t, \\uXXXX)",
		       "control character U+%04X in a string", p->s[p->pos]);
}

/* Any of the four string forms at the position, decoded into p->buf. */
static int
parse_string(struct parser *p)
{
	char q = (char)p->s[p->pos];
	int multiline = starts(p, q == '"' ? "\"\"\"" : "'''"), r;
	size_t start = p->pos;

	p->blen = 0;
	if ((r = buf_put(p, "", 0)) < 0)
		return r;
	p->pos += multiline ? 3 : 1;
	if (multiline)
		p->pos += newline_len(p);	/* a newline right after the quotes is trimmed */
	for (;;) {
		if (at_end(p))
			return perr_at(p, start, "close the string", "unterminated string");
		if (p->s[p->pos] == (unsigned char)q) {
			if (!multiline) {
				p->pos++;
				return 0;
			}
			if ((r = ml_close(p, q)) != 0)
				return r < 0 ? r : 0;
			continue;
		}
		if (p->s[p->pos] == '\\' && q == '"')
			r = escape(p, multiline);
		else
			r = string_run(p, q, multiline);
		if (r < 0)
			return r;
	}
}

/* --- keys --- */

static int
key_text(struct parser *p, struct key_part *k)
{
	int c = peek(p, 0), r;

	k->off = p->pos;
	where(p, p->pos, &k->at.line, &k->at.col);
	if (is_bare(c)) {
		k->s = (const char *)p->s + p->pos;
		while (is_bare(peek(p, 0)))
			p->pos++;
		k->len = (size_t)((const char *)p->s + p->pos - k->s);
		return 0;
	}
	if (c != '"' && c != '\'')
		return perr_at(p, p->pos, "write a bare key (A-Za-z0-9_-) or a quoted one",
			       "expected a key");
	if (starts(p, "\"\"\"") || starts(p, "'''"))
		return perr_at(p, p->pos, "quote keys with \" or '",
			       "a multi-line string cannot be a key");
	if ((r = parse_string(p)) < 0)
		return r;
	k->len = p->blen;
	k->s = arena_strndup(p->doc, p->buf, p->blen);
	return k->s ? 0 : oom(p);
}

/* One part of a key: its text (bare or decoded), position and hash. */
static int
key_part(struct parser *p, struct key_part *k)
{
	int r = key_text(p, k);

	if (r == 0)
		k->hash = key_hash(k->s, k->len);
	return r;
}

/* A dotted key: part, then (ws '.' ws part)*, trailing blanks skipped. */
static int
parse_key(struct parser *p, struct key *k)
{
	int r;

	k->n = 0;
	for (;;) {
		if (k->n == HG_TOML_MAX_DEPTH)
			return perr_at(p, p->pos, "use fewer key parts",
				       "key has more than %d parts", HG_TOML_MAX_DEPTH);
		skip_ws(p);
		if ((r = key_part(p, &k->part[k->n++])) < 0)
			return r;
		skip_ws(p);
		if (peek(p, 0) != '.')
			return 0;
		p->pos++;
	}
}

/* --- building the tree --- */

/* A value of TYPE that will go below PARENT, starting at AT. */
static struct hg_toml_value *
new_value_at(struct parser *p, int type, const struct hg_toml_value *parent, struct pos at)
{
	struct hg_toml_value *v;

	if (parent && parent->depth >= HG_TOML_MAX_DEPTH &&
	    (type == HG_TOML_TABLE || type == HG_TOML_ARRAY)) {
		perr_lc(p, at, "flatten the document", "nested deeper than %d levels",
			HG_TOML_MAX_DEPTH);
		return NULL;
	}
	if ((v = arena_alloc(p->doc, sizeof(*v))) == NULL) {
		oom(p);
		return NULL;
	}
	v->type = (unsigned char)type;
	v->depth = (unsigned short)(parent ? parent->depth + 1 : 0);
	v->line = at.line;
	v->col = at.col;
	return v;
}

/* Same, starting at offset OFF (at or after the last position asked for). */
static struct hg_toml_value *
new_value(struct parser *p, int type, const struct hg_toml_value *parent, size_t off)
{
	struct pos at;

	where(p, off, &at.line, &at.col);
	return new_value_at(p, type, parent, at);
}

/* Make V the member K of table T. */
static int
add_member(struct parser *p, struct hg_toml_value *t, struct hg_toml_value *v,
	   const struct key_part *k)
{
	v->key = arena_strndup(p->doc, k->s, k->len);
	if (v->key == NULL)
		return oom(p);
	v->key_len = (uint32_t)k->len;
	v->key_hash = k->hash;
	v->key_line = k->at.line;
	v->key_col = k->at.col;
	if (kids_push(p->doc, t, v) < 0 || index_add(p->doc, v) < 0)
		return oom(p);
	return 0;
}

static struct hg_toml_value *
new_table_member(struct parser *p, struct hg_toml_value *t, const struct key_part *k, int flags,
		 struct pos at)
{
	struct hg_toml_value *v = new_value_at(p, HG_TOML_TABLE, t, at);

	if (v == NULL)
		return NULL;
	v->flags = (unsigned char)flags;
	return add_member(p, t, v, k) < 0 ? NULL : v;
}

static struct hg_toml_value *
find(struct parser *p, const struct hg_toml_value *t, const struct key_part *k)
{
	return index_find(p->doc, t, k->s, k->len, k->hash);
}

static int
dup_err(struct parser *p, const struct key_part *k, const struct hg_toml_value *old,
	const char *what)
{
	char ks[96];

	return perr_lc(p, k->at, FIX_DUP, "%s \"%s\" (first defined at line %u)", what,
		       shown(ks, sizeof(ks), k->s, k->len),
		       old->key_line ? old->key_line : old->line);
}

/* A table that K names under T may be entered by a [header]: made implicitly if missing. */
static int
header_step(struct parser *p, struct hg_toml_value **t, const struct key_part *k)
{
	struct hg_toml_value *c = find(p, *t, k);
	char ks[96];

	if (c == NULL) {
		c = new_table_member(p, *t, k, 0, k->at);
		if (c == NULL)
			return -EINVAL;
	} else if (c->flags & F_FROZEN) {
		return perr_lc(p, k->at, "define the inline table or array in one place",
			       "\"%s\" is an inline table or static array and cannot be extended",
			       shown(ks, sizeof(ks), k->s, k->len));
	} else if (c->type == HG_TOML_ARRAY) {
		c = c->u.kids.v[c->u.kids.n - 1];	/* [[a]] then [a.b]: the last element */
	} else if (c->type != HG_TOML_TABLE) {
		return dup_err(p, k, c, "key is already a value, not a table:");
	}
	*t = c;
	return 0;
}

/* [a.b.c], its '[' at AT. */
static int
table_header(struct parser *p, const struct key *k, struct pos at)
{
	struct hg_toml_value *t = p->doc->root, *c;
	const struct key_part *last = &k->part[k->n - 1];
	int r;

	for (size_t i = 0; i + 1 < k->n; i++)
		if ((r = header_step(p, &t, &k->part[i])) < 0)
			return r;
	c = find(p, t, last);
	if (c == NULL) {
		c = new_table_member(p, t, last, F_HEADER, at);
		if (c == NULL)
			return -EINVAL;
	} else if (c->type != HG_TOML_TABLE || (c->flags & (F_HEADER | F_DOTTED | F_FROZEN))) {
		return dup_err(p, last, c, "table defined twice:");
	} else {
		c->flags |= F_HEADER;	/* made implicitly before, defined now */
		c->line = at.line;
		c->col = at.col;
		c->key_line = last->at.line;
		c->key_col = last->at.col;
	}
	p->cur = c;
	return 0;
}

/* [[a.b.c]], its '[[' at AT: a new element of the array of tables. */
static int
array_header(struct parser *p, const struct key *k, struct pos at)
{
	struct hg_toml_value *t = p->doc->root, *a, *elem;
	const struct key_part *last = &k->part[k->n - 1];
	int r;

	for (size_t i = 0; i + 1 < k->n; i++)
		if ((r = header_step(p, &t, &k->part[i])) < 0)
			return r;
	a = find(p, t, last);
	if (a == NULL) {
		if ((a = new_value_at(p, HG_TOML_ARRAY, t, at)) == NULL)
			return -EINVAL;
		a->flags = F_HEADER;
		if ((r = add_member(p, t, a, last)) < 0)
			return r;
	} else if (a->type != HG_TOML_ARRAY || (a->flags & F_FROZEN)) {
		return dup_err(p, last, a, "not an array of tables:");
	}
	if ((elem = new_value_at(p, HG_TOML_TABLE, a, at)) == NULL)
		return -EINVAL;
	elem->flags = F_HEADER;
	if (kids_push(p->doc, a, elem) < 0)
		return oom(p);
	p->cur = elem;
	return 0;
}

static int
header(struct parser *p)
{
	int aot = starts(p, "[["), r;
	struct key k;
	struct pos at;

	where(p, p->pos, &at.line, &at.col);
	p->pos += aot ? 2 : 1;
	if ((r = parse_key(p, &k)) < 0)
		return r;
	if (!starts(p, aot ? "]]" : "]"))
		return perr_at(p, p->pos, FIX_SYNTAX, "expected '%s' to close the table header",
			       aot ? "]]" : "]");
	p->pos += aot ? 2 : 1;
	r = aot ? array_header(p, &k, at) : table_header(p, &k, at);
	return r < 0 ? r : expect_eol(p, "a table header");
}

/*
 * The table of a dotted key a.b.c below T: a and b are made (F_DOTTED) or
 * entered; a table from a [header] or a closed inline table cannot be
 * entered (TOML 1.0; tomli does the same). *T gets the parent of c.
 */
static int
dotted_parent(struct parser *p, struct hg_toml_value **t, const struct key *k)
{
	for (size_t i = 0; i + 1 < k->n; i++) {
		const struct key_part *kp = &k->part[i];
		struct hg_toml_value *c = find(p, *t, kp);
		char ks[96];

		if (c == NULL) {
			c = new_table_member(p, *t, kp, F_DOTTED, kp->at);
			if (c == NULL)
				return -EINVAL;
		} else if (c->type != HG_TOML_TABLE) {
			return dup_err(p, kp, c, "key is already a value, not a table:");
		} else if (c->flags & (F_FROZEN | F_HEADER)) {
			return perr_lc(p, kp->at, "add the key inside the table's own definition",
				       "table \"%s\" is defined %s; a dotted key cannot add to it",
				       shown(ks, sizeof(ks), kp->s, kp->len),
				       (c->flags & F_FROZEN) ? "inline" : "by a [header]");
		}
		*t = c;
	}
	return 0;
}

static int parse_value(struct parser *p, const struct hg_toml_value *parent,
		       struct hg_toml_value **out);

/*
 * The "key =" of a key/value pair: *T becomes the table the last key part
 * goes into (dotted parts made or entered), *LAST that part. Kept out of
 * keyval() so the large struct key is not on the stack of every nesting
 * level of inline tables.
 */
static __attribute__((noinline)) int
key_and_table(struct parser *p, struct hg_toml_value **t, struct key_part *last)
{
	struct hg_toml_value *old;
	struct key k;
	int r;

	if ((r = parse_key(p, &k)) < 0)
		return r;
	*last = k.part[k.n - 1];
	if (peek(p, 0) != '=')
		return perr_at(p, p->pos, "write key = value", "expected '=' after a key");
	p->pos++;
	skip_ws(p);
	if ((r = dotted_parent(p, t, &k)) < 0)
		return r;
	if ((old = find(p, *t, last)) != NULL)
		return dup_err(p, last, old, "duplicate key");
	return 0;
}

/* key = value into table T. */
static int
keyval(struct parser *p, struct hg_toml_value *t)
{
	struct hg_toml_value *v;
	struct key_part last;
	int r;

	if ((r = key_and_table(p, &t, &last)) < 0 || (r = parse_value(p, t, &v)) < 0)
		return r;
	return add_member(p, t, v, &last);
}

/* --- values --- */

static int
string_value(struct parser *p, const struct hg_toml_value *parent, struct hg_toml_value **out)
{
	struct hg_toml_value *v = new_value(p, HG_TOML_STRING, parent, p->pos);
	int r;

	if (v == NULL)
		return -EINVAL;
	if ((r = parse_string(p)) < 0)
		return r;
	v->u.str.s = arena_strndup(p->doc, p->buf, p->blen);
	v->u.str.len = p->blen;
	*out = v;
	return v->u.str.s ? 0 : oom(p);
}

static int
array_value(struct parser *p, const struct hg_toml_value *parent, struct hg_toml_value **out)
{
	struct hg_toml_value *a = new_value(p, HG_TOML_ARRAY, parent, p->pos), *v;
	int r;

	if (a == NULL)
		return -EINVAL;
	a->flags = F_FROZEN;
	*out = a;
	p->pos++;
	for (;;) {
		if ((r = skip_ws_lines(p)) < 0)
			return r;
		if (peek(p, 0) == ']')
			break;
		if ((r = parse_value(p, a, &v)) < 0)
			return r;
		if (kids_push(p->doc, a, v) < 0)
			return oom(p);
		if ((r = skip_ws_lines(p)) < 0)
			return r;
		if (peek(p, 0) == ']')
			break;
		if (peek(p, 0) != ',')
			return perr_at(p, p->pos,
				       "separate array values with ',' and close with ']'",
				       "expected ',' or ']' in an array");
		p->pos++;
	}
	p->pos++;
	return 0;
}

static int
inline_table_value(struct parser *p, const struct hg_toml_value *parent,
		   struct hg_toml_value **out)
{
	struct hg_toml_value *t = new_value(p, HG_TOML_TABLE, parent, p->pos);
	int r;

	if (t == NULL)
		return -EINVAL;
	*out = t;
	p->pos++;
	skip_ws(p);
	if (peek(p, 0) != '}') {
		for (;;) {
			if ((r = keyval(p, t)) < 0)
				return r;
			skip_ws(p);
			if (peek(p, 0) == '}')
				break;
			if (peek(p, 0) != ',')
				return perr_at(p, p->pos, "write { k = v, k2 = v2 } on one line",
					       "expected ',' or '}' in an inline table");
			p->pos++;
			skip_ws(p);
		}
	}
	p->pos++;
	t->flags = F_FROZEN;
	return 0;
}

static int
scan_digits(struct parser *p, int (*ok)(int))
{
	size_t start = p->pos;

	if (!ok(peek(p, 0)))
		return perr_at(p, p->pos, "write a digit here", "expected a digit");
	for (;;) {
		if (ok(peek(p, 0)))
			p->pos++;
		else if (peek(p, 0) == '_' && ok(peek(p, 1)))
			p->pos += 2;
		else
			break;
	}
	return p->pos > start ? 0 : -EINVAL;
}

static int
is_hex(int c)
{
	return hex_val(c) >= 0;
}

static int
is_oct(int c)
{
	return c >= '0' && c <= '7';
}

static int
is_bin(int c)
{
	return c == '0' || c == '1';
}

static int
int_overflow(struct parser *p, size_t start)
{
	return perr_at(p, start, "use a value between -9223372036854775808 and 9223372036854775807",
		       "integer does not fit in 64 bits");
}

/* 0x, 0o, 0b integers (no sign): digits at START..pos after the prefix. */
static int
prefixed_int(struct parser *p, struct hg_toml_value *v, size_t start)
{
	int base = p->s[start + 1] == 'x' ? 16 : p->s[start + 1] == 'o' ? 8 : 2;
	int (*ok)(int) = base == 16 ? is_hex : base == 8 ? is_oct : is_bin;
	uint64_t n = 0;
	int r;

	p->pos = start + 2;
	if ((r = scan_digits(p, ok)) < 0)
		return r;
	for (size_t i = start + 2; i < p->pos; i++) {
		if (p->s[i] == '_')
			continue;
		if (n > ((uint64_t)INT64_MAX - (uint64_t)hex_val(p->s[i])) / (uint64_t)base)
			return int_overflow(p, start);
		n = n * (uint64_t)base + (uint64_t)hex_val(p->s[i]);
	}
	v->type = HG_TOML_INTEGER;
	v->u.i = (int64_t)n;
	return 0;
}

static int
decimal_int(struct parser *p, struct hg_toml_value *v, size_t start)
{
	int neg = p->s[start] == '-';
	int64_t n = 0;	/* accumulated negative, so INT64_MIN fits */

	for (size_t i = start; i < p->pos; i++) {
		int d = p->s[i] - '0';

		if (!is_digit(p->s[i]))
			continue;
		if (n < (INT64_MIN + d) / 10)
			return int_overflow(p, start);
		n = n * 10 - d;
	}
	if (!neg && n == INT64_MIN)
		return int_overflow(p, start);
	v->type = HG_TOML_INTEGER;
	v->u.i = neg ? n : -n;
	return 0;
}

static int
float_from_text(struct parser *p, struct hg_toml_value *v, size_t start)
{
	int r;

	p->blen = 0;
	for (size_t i = start; i < p->pos; i++)
		if (p->s[i] != '_' && (r = buf_put(p, p->s + i, 1)) < 0)
			return r;
	if ((r = buf_put(p, "", 0)) < 0)
		return r;
	v->type = HG_TOML_FLOAT;
	v->u.d = strtod_l(p->buf, NULL, p->c_locale);	/* too large: inf, as tomli */
	return 0;
}

/* inf / nan with an optional sign already consumed; START is the sign or letter. */
static int
special_float(struct parser *p, struct hg_toml_value *v, size_t start)
{
	int neg = p->s[start] == '-';

	if (starts(p, "inf")) {
		v->u.d = neg ? -__builtin_inf() : __builtin_inf();
	} else if (starts(p, "nan")) {
		v->u.d = neg ? -__builtin_nan("") : __builtin_nan("");
	} else {
		return perr_at(p, start, "write a number, inf or nan", "invalid number");
	}
	p->pos += 3;
	v->type = HG_TOML_FLOAT;
	return 0;
}

/* Integer or float: [+-] (0 | [1-9](_?[0-9])*) (. digits)? ([eE] [+-]? digits)? */
static int
number_value(struct parser *p, struct hg_toml_value *v)
{
	size_t start = p->pos;
	int is_float = 0, r;

	if (peek(p, 0) == '0' && (peek(p, 1) == 'x' || peek(p, 1) == 'o' || peek(p, 1) == 'b'))
		return prefixed_int(p, v, start);
	if (peek(p, 0) == '+' || peek(p, 0) == '-')
		p->pos++;
	if (!is_digit(peek(p, 0)))
		return special_float(p, v, start);
	if (peek(p, 0) == '0')
		p->pos++;
	else if ((r = scan_digits(p, is_digit)) < 0)
		return r;
	if (peek(p, 0) == '.') {
		p->pos++;
		if ((r = scan_digits(p, is_digit)) < 0)
			return r;
		is_float = 1;
	}
	if (peek(p, 0) == 'e' || peek(p, 0) == 'E') {
		p->pos++;
		if (peek(p, 0) == '+' || peek(p, 0) == '-')
			p->pos++;
		if ((r = scan_digits(p, is_digit)) < 0)
			return r;
		is_float = 1;
	}
	return is_float ? float_from_text(p, v, start) : decimal_int(p, v, start);
}

/* N digits at the position as a number, or -1. */
static int
fixed_digits(struct parser *p, int n)
{
	int x = 0;

	for (int i = 0; i < n; i++) {
		if (!is_digit(peek(p, 0)))
			return -1;
		x = x * 10 + (p->s[p->pos++] - '0');
	}
	return x;
}

static int
days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

static int
bad_datetime(struct parser *p, size_t start, const char *what)
{
	return perr_at(p, start,
		       "write an RFC 3339 date-time: 1979-05-27T07:32:00Z, 1979-05-27, 07:32:00",
		       "invalid %s", what);
}

static int
parse_date(struct parser *p, struct hg_toml_datetime *dt, size_t start)
{
	dt->year = fixed_digits(p, 4);
	if (peek(p, 0) != '-')
		return bad_datetime(p, start, "date");
	p->pos++;
	dt->month = fixed_digits(p, 2);
	if (peek(p, 0) != '-')
		return bad_datetime(p, start, "date");
	p->pos++;
	dt->day = fixed_digits(p, 2);
	if (dt->year < 1 || dt->month < 1 || dt->month > 12 || dt->day < 1 ||
	    dt->day > days_in_month(dt->year, dt->month))
		return bad_datetime(p, start, "date");
	return 0;
}

static int
parse_time(struct parser *p, struct hg_toml_datetime *dt, size_t start)
{
	long scale = 100000000;

	dt->hour = fixed_digits(p, 2);
	if (peek(p, 0) != ':')
		return bad_datetime(p, start, "time");
	p->pos++;
	dt->minute = fixed_digits(p, 2);
	if (peek(p, 0) != ':')
		return bad_datetime(p, start, "time (seconds are required)");
	p->pos++;
	dt->second = fixed_digits(p, 2);
	if (dt->hour < 0 || dt->hour > 23 || dt->minute < 0 || dt->minute > 59 || dt->second < 0 ||
	    dt->second > 59)
		return bad_datetime(p, start, "time");
	if (peek(p, 0) != '.')
		return 0;
	p->pos++;
	if (!is_digit(peek(p, 0)))
		return bad_datetime(p, start, "time fraction");
	for (; is_digit(peek(p, 0)); p->pos++, scale /= 10)
		dt->nanosecond += (p->s[p->pos] - '0') * scale;
	return 0;
}

static int
parse_offset(struct parser *p, struct hg_toml_datetime *dt, size_t start)
{
	int sign = peek(p, 0) == '-' ? -1 : 1, h, m;

	if (peek(p, 0) == 'Z' || peek(p, 0) == 'z') {
		p->pos++;
		return 1;
	}
	if (peek(p, 0) != '+' && peek(p, 0) != '-')
		return 0;
	p->pos++;
	h = fixed_digits(p, 2);
	if (peek(p, 0) != ':')
		return bad_datetime(p, start, "time offset");
	p->pos++;
	m = fixed_digits(p, 2);
	if (h < 0 || h > 23 || m < 0 || m > 59)
		return bad_datetime(p, start, "time offset");
	dt->offset_minutes = sign * (h * 60 + m);
	return 1;
}

/* A date, a date-time (T, t or one space before the time) or a local time. */
static int
datetime_value(struct parser *p, struct hg_toml_value *v)
{
	struct hg_toml_datetime *dt = arena_alloc(p->doc, sizeof(*dt));
	size_t start = p->pos;
	int r;

	if (dt == NULL)
		return oom(p);
	v->u.dt = dt;
	if (peek(p, 2) == ':') {
		if ((r = parse_time(p, dt, start)) < 0)
			return r;
		v->type = HG_TOML_TIME_LOCAL;
	} else {
		if ((r = parse_date(p, dt, start)) < 0)
			return r;
		v->type = HG_TOML_DATE_LOCAL;
		if (peek(p, 0) == 'T' || peek(p, 0) == 't' ||
		    (peek(p, 0) == ' ' && is_digit(peek(p, 1)))) {
			p->pos++;
			if ((r = parse_time(p, dt, start)) < 0 ||
			    (r = parse_offset(p, dt, start)) < 0)
				return r;
			v->type = r ? HG_TOML_DATETIME : HG_TOML_DATETIME_LOCAL;
		}
	}
	dt->text = arena_strndup(p->doc, (const char *)p->s + start, p->pos - start);
	return dt->text ? 0 : oom(p);
}

static int
looks_like_datetime(const struct parser *p)
{
	return (is_digit(peek(p, 0)) && is_digit(peek(p, 1)) && peek(p, 2) == ':') ||
	       (is_digit(peek(p, 0)) && is_digit(peek(p, 1)) && is_digit(peek(p, 2)) &&
		is_digit(peek(p, 3)) && peek(p, 4) == '-');
}

static int
scalar_value(struct parser *p, struct hg_toml_value *v)
{
	int c = peek(p, 0);

	if (starts(p, "true") || starts(p, "false")) {
		v->type = HG_TOML_BOOL;
		v->u.b = c == 't';
		p->pos += c == 't' ? 4 : 5;
		return 0;
	}
	if (looks_like_datetime(p))
		return datetime_value(p, v);
	if (is_digit(c) || c == '+' || c == '-' || c == 'i' || c == 'n')
		return number_value(p, v);
	if (c < 0)
		return perr_at(p, p->pos, "write a value after '='", "missing value at the end");
	return perr_at(p, p->pos, "quote strings: key = \"text\"", "expected a value");
}

static int
parse_value(struct parser *p, const struct hg_toml_value *parent, struct hg_toml_value **out)
{
	struct hg_toml_value *v;
	int c = peek(p, 0);

	if (c == '"' || c == '\'')
		return string_value(p, parent, out);
	if (c == '[')
		return array_value(p, parent, out);
	if (c == '{')
		return inline_table_value(p, parent, out);
	if ((v = new_value(p, HG_TOML_INTEGER, parent, p->pos)) == NULL)
		return -EINVAL;
	*out = v;
	return scalar_value(p, v);
}

/* --- the document --- */

static int
statement(struct parser *p)
{
	int c = peek(p, 0), r;

	if (c == '[')
		return header(p);
	if (is_bare(c) || c == '"' || c == '\'') {
		r = keyval(p, p->cur);
		return r < 0 ? r : expect_eol(p, "a value");
	}
	return perr_at(p, p->pos, FIX_SYNTAX, "expected a key, a [table] or a comment");
}

static int
document(struct parser *p)
{
	int r;

	if ((r = check_text(p)) < 0)
		return r;
	for (;;) {
		skip_ws(p);
		if ((r = skip_comment(p)) < 0)
			return r;
		if (at_end(p))
			return 0;
		if (newline_len(p)) {
			p->pos += newline_len(p);
			continue;
		}
		if ((r = statement(p)) < 0)
			return r;
	}
}

/* Slots for a document of LEN bytes: a member takes at least 4 ("a=1\n"); 8 is typical. */
static size_t
index_hint(size_t len)
{
	size_t n = 64;

	while (n < len / 8 && n < (1u << 16))
		n *= 2;
	return n;
}

static struct hg_toml *
new_doc(const char *name)
{
	struct hg_toml *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->name = strdup(name);
	d->root = arena_alloc(d, sizeof(*d->root));
	if (d->name == NULL || d->root == NULL) {
		hg_toml_free(d);
		return NULL;
	}
	d->root->type = HG_TOML_TABLE;
	return d;
}

int
hg_toml_parse(const char *name, const char *text, size_t len, struct hg_toml **out,
	      struct hg_error *e)
{
	struct parser p = { 0 };
	int r;

	*out = NULL;
	p.name = name ? name : "<toml>";
	p.e = e;
	if (text == NULL && len > 0)
		return hg_error_set(e, EINVAL, TOML_ID, p.name, "pass the document's text",
				    "no text to parse");
	if (len > HG_TOML_MAX_LEN)
		return hg_error_set(e, EFBIG, TOML_ID, p.name, "keep the file under 4 MiB",
				    "TOML document larger than %u bytes", HG_TOML_MAX_LEN);
	p.s = (const unsigned char *)(text ? text : "");
	p.len = len;
	p.line = p.col = 1;
	p.doc = new_doc(p.name);
	p.c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (p.doc == NULL || p.c_locale == (locale_t)0 ||
	    index_grow(p.doc, index_hint(len)) < 0) {
		r = oom(&p);
	} else {
		p.cur = p.doc->root;
		r = document(&p);
	}
	if (p.c_locale != (locale_t)0)
		freelocale(p.c_locale);
	if (p.buf)
		explicit_bzero(p.buf, p.bcap);	/* the last string decoded */
	free(p.buf);
	if (r < 0) {
		hg_toml_free(p.doc);
		return r;
	}
	*out = p.doc;
	return 0;
}

/* --- accessors --- */

const struct hg_toml_value *
hg_toml_root(const struct hg_toml *doc)
{
	return doc ? doc->root : NULL;
}

const char *
hg_toml_name(const struct hg_toml *doc)
{
	return doc ? doc->name : NULL;
}

enum hg_toml_type
hg_toml_type(const struct hg_toml_value *v)
{
	return v ? (enum hg_toml_type)v->type : (enum hg_toml_type)0;
}

const char *
hg_toml_type_name(enum hg_toml_type t)
{
	switch (t) {
	case HG_TOML_TABLE:
		return "table";
	case HG_TOML_ARRAY:
		return "array";
	case HG_TOML_STRING:
		return "string";
	case HG_TOML_INTEGER:
		return "integer";
	case HG_TOML_FLOAT:
		return "float";
	case HG_TOML_BOOL:
		return "boolean";
	case HG_TOML_DATETIME:
		return "offset date-time";
	case HG_TOML_DATETIME_LOCAL:
		return "local date-time";
	case HG_TOML_DATE_LOCAL:
		return "local date";
	case HG_TOML_TIME_LOCAL:
		return "local time";
	}
	return "nothing";
}

unsigned
hg_toml_line(const struct hg_toml_value *v)
{
	return v ? v->line : 0;
}

unsigned
hg_toml_col(const struct hg_toml_value *v)
{
	return v ? v->col : 0;
}

const char *
hg_toml_key(const struct hg_toml_value *v, size_t *len)
{
	if (len)
		*len = v ? v->key_len : 0;
	return v ? v->key : NULL;
}

unsigned
hg_toml_key_line(const struct hg_toml_value *v)
{
	return v ? v->key_line : 0;
}

unsigned
hg_toml_key_col(const struct hg_toml_value *v)
{
	return v ? v->key_col : 0;
}

const char *
hg_toml_where(const struct hg_toml *doc, const struct hg_toml_value *v, char *buf, size_t n)
{
	unsigned line = v == NULL ? 0 : v->key_line ? v->key_line : v->line;
	const char *name = doc ? doc->name : "<toml>";

	if (n == 0)
		return buf;
	if (line)
		snprintf(buf, n, "%s:%u", name, line);
	else
		snprintf(buf, n, "%s", name);
	return buf;
}

size_t
hg_toml_count(const struct hg_toml_value *v)
{
	if (v == NULL || (v->type != HG_TOML_TABLE && v->type != HG_TOML_ARRAY))
		return 0;
	return v->u.kids.n;
}

const struct hg_toml_value *
hg_toml_at(const struct hg_toml_value *v, size_t i)
{
	return i < hg_toml_count(v) ? v->u.kids.v[i] : NULL;
}

const struct hg_toml_value *
hg_toml_getn(const struct hg_toml_value *t, const char *key, size_t keylen)
{
	if (t == NULL || t->type != HG_TOML_TABLE || key == NULL)
		return NULL;
	for (size_t i = 0; i < t->u.kids.n; i++) {
		const struct hg_toml_value *v = t->u.kids.v[i];

		if (v->key_len == keylen && memcmp(v->key, key, keylen) == 0)
			return v;
	}
	return NULL;
}

const struct hg_toml_value *
hg_toml_get(const struct hg_toml_value *t, const char *key)
{
	return key ? hg_toml_getn(t, key, strlen(key)) : NULL;
}

const struct hg_toml_value *
hg_toml_get_path(const struct hg_toml_value *t, const char *const *keys, size_t n)
{
	for (size_t i = 0; t != NULL && i < n; i++) {
		if (t->type != HG_TOML_TABLE)
			return NULL;
		t = hg_toml_get(t, keys[i]);
	}
	return t;
}

int
hg_toml_string(const struct hg_toml_value *v, const char **out, size_t *len)
{
	if (v == NULL || v->type != HG_TOML_STRING)
		return -EINVAL;
	*out = v->u.str.s;
	if (len)
		*len = v->u.str.len;
	return 0;
}

int
hg_toml_int(const struct hg_toml_value *v, int64_t *out)
{
	if (v == NULL || v->type != HG_TOML_INTEGER)
		return -EINVAL;
	*out = v->u.i;
	return 0;
}

int
hg_toml_double(const struct hg_toml_value *v, double *out)
{
	if (v == NULL || v->type != HG_TOML_FLOAT)
		return -EINVAL;
	*out = v->u.d;
	return 0;
}

int
hg_toml_bool(const struct hg_toml_value *v, bool *out)
{
	if (v == NULL || v->type != HG_TOML_BOOL)
		return -EINVAL;
	*out = v->u.b;
	return 0;
}

int
hg_toml_datetime(const struct hg_toml_value *v, struct hg_toml_datetime *out)
{
	if (v == NULL || v->type < HG_TOML_DATETIME || v->type > HG_TOML_TIME_LOCAL)
		return -EINVAL;
	*out = *v->u.dt;
	return 0;
}
