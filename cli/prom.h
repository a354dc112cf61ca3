/*
 * prom.h - metrics in Prometheus' text exposition format, written as a
 * node_exporter textfile. Families are declared first (name, type, help),
 * samples added with their labels; a family without samples is not
 * written.
 */
#ifndef HG_CLI_PROM_H
#define HG_CLI_PROM_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

struct prom_sample {
	char *labels;		/* `name="value",...` escaped, or "" */
	double value;
};

struct prom_family {
	const char *name, *type, *help;	/* static strings */
	struct prom_sample *s;
	size_t n, cap;
};

struct prom {
	struct prom_family *f;
	size_t n, cap;
};

/* Declare a family; its index (>= 0) or -ENOMEM. */
int prom_family(struct prom *pm, const char *name, const char *type, const char *help);

/*
 * Add a sample to family FAM; LABELS is name, value, ..., NULL. A second
 * sample with the same labels is dropped (a series appears once). VALUE
 * may be +Inf. 0 or -ENOMEM.
 */
int prom_sample(struct prom *pm, int fam, double value, const char *const labels[]);

/* Every family with samples, in declaration order. 0 or -EIO. */
int prom_write(const struct prom *pm, FILE *f);

/*
 * Write to PATH atomically: a temporary file in PATH's directory (a dot
 * name not ending in .prom, so node_exporter never reads it half-written),
 * mode 0644, fsync, rename over PATH, fsync the directory. 0 or -errno
 * with E filled (HG-026).
 */
int prom_write_file(const struct prom *pm, const char *path, struct hg_error *e);

void prom_free(struct prom *pm);

#endif
