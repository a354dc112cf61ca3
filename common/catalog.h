/*
 * catalog.h - every finding ID hardgate knows: the 66 checklist items
 * (shared/checklists/ids.tsv) and the generic HG-nnn checks.
 */
#ifndef HG_COMMON_CATALOG_H
#define HG_COMMON_CATALOG_H

#include <stddef.h>

enum hg_class {
	HG_CLASS_START = 1,	/* checked before the service starts */
	HG_CLASS_RUNTIME,	/* applied and verified in the process */
	HG_CLASS_AUDIT,		/* checked periodically by hardgate audit */
	HG_CLASS_ATTEST,	/* human process: signed, dated attestation */
	HG_CLASS_CORE,		/* hardgate's own checks (HG-nnn) */
};

struct hg_catalog_entry {
	const char *id;
	const char *checklist;	/* "dbward", "kalamdb", "hardgate" */
	const char *section;	/* "PRE", "A", ... or "HG" */
	const char *item;	/* the checklist's words (ids.tsv column 4) */
	enum hg_class cls;
	const char *module;	/* module that enforces it (may not be built yet) */
	const char *how;	/* how hardgate enforces or checks it */
	const char *fix;	/* what an operator does when it fails */
};

/* The entry for ID, or NULL. */
const struct hg_catalog_entry *hg_catalog_find(const char *id);

/* All entries; *n gets their number. */
const struct hg_catalog_entry *hg_catalog_all(size_t *n);

const char *hg_class_name(enum hg_class c);

#endif
