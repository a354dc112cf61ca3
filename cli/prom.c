/* prom.c - Prometheus text format and node_exporter's atomic textfile. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prom.h"

int
prom_family(struct prom *pm, const char *name, const char *type, const char *help)
{
	if (pm->n == pm->cap) {
		size_t cap = pm->cap ? pm->cap * 2 : 8;
		struct prom_family *f = realloc(pm->f, cap * sizeof(*f));

		if (f == NULL)
			return -ENOMEM;
		pm->f = f;
		pm->cap = cap;
	}
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
	char *l;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		struct prom_sample *s = realloc(f->s, cap * sizeof(*s));

		if (s == NULL)
			return -ENOMEM;
		f->s = s;
		f->cap = cap;
	}
	if ((l = format_labels(labels)) == NULL)
		return -ENOMEM;
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
		for (size_t j = 0; j < x->n; j++)
			fprintf(f, "%s%s%s%s %.17g\n", x->name, x->s[j].labels[0] ? "{" : "",
				x->s[j].labels, x->s[j].labels[0] ? "}" : "", x->s[j].value);
	}
	return ferror(f) ? -EIO : 0;
}

static int
write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* fsync the directory DIR so the rename itself is durable. */
static int
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

/* BUF to a fresh temporary file beside PATH, then renamed over it. */
static int
replace_file(const char *path, const char *buf, size_t len, char *tmp, size_t ntmp)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	int fd, r;

	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path) ? (int)(slash - path) : 1,
			 path);
	else
		snprintf(dir, sizeof(dir), ".");
	if ((size_t)snprintf(tmp, ntmp, "%s/.%s.XXXXXX", dir, slash ? slash + 1 : path) >= ntmp)
		return -ENAMETOOLONG;
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0)
		return -errno;
	if (fchmod(fd, 0644) < 0 || (r = write_all(fd, buf, len)) < 0 || fsync(fd) < 0) {
		r = -errno;
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		r = -errno;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		r = -errno;
		goto fail;
	}
	return sync_dir(dir);
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return r ? r : -EIO;
}

int
prom_write_file(const struct prom *pm, const char *path, struct hg_error *e)
{
	char *buf = NULL, tmp[4200];
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int r;

	if (m == NULL)
		return hg_error_set(e, ENOMEM, "HG-026", path, "", "out of memory");
	r = prom_write(pm, m);
	if (fclose(m) != 0 || r < 0) {
		free(buf);
		return hg_error_set(e, ENOMEM, "HG-026", path, "", "out of memory");
	}
	r = replace_file(path, buf, len, tmp, sizeof(tmp));
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
