/*
 * analyzer-fp.c - the two shapes of correct code gcc 12's -fanalyzer
 * reports as leaks (common/analyzer.h). make analyze compiles this file
 * apart and expects both reports; when a compiler gives none, the
 * HG_LEAK_FP_BEGIN/END pairs can go. Never built into anything.
 */
#include <stdlib.h>
#include <string.h>

int hg_fp_fill(char **v, size_t *n, const char *const *src);
void hg_fp_fill_free(const char *const *src);

/* A loop storing v[(*n)++]: each store makes it forget the one before. */
int
hg_fp_fill(char **v, size_t *n, const char *const *src)
{
	*n = 0;
	for (; *src && *n < 8; src++) {
		char *s = strdup(*src);

		if (s)
			v[(*n)++] = s;
	}
	return 0;
}

void
hg_fp_fill_free(const char *const *src)
{
	char *v[8];
	size_t n;

	hg_fp_fill(v, &n, src);
	for (size_t i = 0; i < n; i++)
		free(v[i]);
}

/* A store into an array realloc() may have grown in the same function. */
struct hg_fp_list {
	char **v;
	size_t n, cap;
};
int hg_fp_grow(struct hg_fp_list *l, const char *s);

int
hg_fp_grow(struct hg_fp_list *l, const char *s)
{
	char *c;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		char **v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	if ((c = strdup(s)) == NULL)
		return -1;
	l->v[l->n++] = c;
	return 0;
}
