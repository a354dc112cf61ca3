/* prom.c - Prometheus text format and node_exporter's atomic textfile. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prom.h"
#include "safefile.h"
#include "util.h"

int
prom_family(struct prom *pm, const char *name, const char *type, const char *help)
{
	struct prom_family *f = hg_room(pm->f, &pm->cap, pm->n, sizeof(*f));

	if (f == NULL)
		return -ENOMEM;
	pm->f = f;
	pm->f[pm->n] = (struct prom_family){ .name = name, .type = type, .help = help };
	return (int)pm->n++;
}

/* A label value escaped as the exposition format wants: \\, \" and \n. */
static void
label_value(FILE *m, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fputc('\\', m);
		if (*v == '\n')
			fputs("\\n", m);
		else
			fputc(*v, m);
	}
}

static char *
format_labels(const char *const labels[])
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (m == NULL)
		return NULL;
	for (size_t i = 0; labels && labels[i] && labels[i + 1]; i += 2) {
		fprintf(m, "%s%s=\"", i ? "," : "", labels[i]);
		label_value(m, labels[i + 1]);
		fputc('"', m);
	}
	if (fclose(m) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

int
prom_sample(struct prom *pm, int fam, double value, const char *const labels[])
{
	struct prom_family *f = &pm->f[fam];
	struct prom_sample *s = hg_room(f->s, &f->cap, f->n, sizeof(*s));
	char *l;

	if (s == NULL)
		return -ENOMEM;
	f->s = s;
	if ((l = format_labels(labels)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < f->n; i++) {
		if (strcmp(f->s[i].labels, l) == 0) {	/* one series once: the first stays */
			free(l);
			return 0;
		}
	}
	f->s[f->n++] = (struct prom_sample){ .labels = l, .value = value };
	return 0;
}

int
prom_write(const struct prom *pm, FILE *f)
{
	for (size_t i = 0; i < pm->n; i++) {
		const struct prom_family *x = &pm->f[i];

		if (x->n == 0)
			continue;
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", x->name, x->help, x->name, x->type);
		for (size_t j = 0; j < x->n; j++) {
			const struct prom_sample *s = &x->s[j];

			fprintf(f, "%s%s%s%s ", x->name, s->labels[0] ? "{" : "", s->labels,
				s->labels[0] ? "}" : "");
			if (isfinite(s->value))
				fprintf(f, "%.17g\n", s->value);
			else	/* the exposition format's spellings, not printf's */
				fputs(isnan(s->value) ? "NaN\n" : s->value > 0 ? "+Inf\n" : "-Inf\n", f);
		}
	}
	return ferror(f) ? -EIO : 0;
}

int
prom_write_file(const struct prom *pm, const char *path, struct hg_error *e)
{
	const char *slash = strrchr(path, '/'), *name = slash ? slash + 1 : path;
	char *buf = NULL, dir[4096];
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct hg_error why = { 0 };
	int dfd, r;

	if (m == NULL)
		return hg_error_set(e, ENOMEM, "HG-026", path, "", "out of memory");
	r = prom_write(pm, m);
	if (fclose(m) != 0 || r < 0) {
		free(buf);
		return hg_error_set(e, ENOMEM, "HG-026", path, "", "out of memory");
	}
	snprintf(dir, sizeof(dir), "%.*s", slash ? (slash == path ? 1 : (int)(slash - path)) : 1,
		 slash ? path : ".");
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		r = -errno;
	} else {
		/* A dot name not ending in .prom: node_exporter never reads it half-written. */
		r = hg_replace_file(dfd, dir, name, buf, len, 0644, 0, "HG-026", &why);
		close(dfd);
	}
	free(buf);
	if (r < 0)
		return hg_error_set(e, -r, "HG-026", path,
				    "create the directory (node_exporter's textfile directory) writable by root",
				    "%s: metrics textfile not written: %s", path, strerror(-r));
	return 0;
}

void
prom_free(struct prom *pm)
{
	for (size_t i = 0; i < pm->n; i++) {
		for (size_t j = 0; j < pm->f[i].n; j++)
			free(pm->f[i].s[j].labels);
		free(pm->f[i].s);
	}
	free(pm->f);
	*pm = (struct prom){ 0 };
}
