/* test_catalog.c - the ID catalog cannot drift from shared/checklists/ids.tsv. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "testutil.h"

static void
test_catalog_has_66_checklist_items_and_hg_ids(void)
{
	size_t n, items = 0;
	const struct hg_catalog_entry *all = hg_catalog_all(&n);

	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_PTR_NOT_NULL(all[i].how);
		CU_ASSERT_TRUE(all[i].fix[0] != '\0');
		CU_ASSERT_TRUE(all[i].cls >= HG_CLASS_START && all[i].cls <= HG_CLASS_CORE);
		for (size_t j = i + 1; j < n; j++)
			CU_ASSERT_TRUE(strcmp(all[i].id, all[j].id) != 0);
		items += strncmp(all[i].id, "HG-", 3) != 0;
	}
	CU_ASSERT_EQUAL(items, 66);
	CU_ASSERT_PTR_NOT_NULL(hg_catalog_find("DBW-PRE-05"));
	CU_ASSERT_PTR_NOT_NULL(hg_catalog_find("HG-001"));
	CU_ASSERT_PTR_NULL(hg_catalog_find("DBW-PRE-99"));
	CU_ASSERT_PTR_NULL(hg_catalog_find(NULL));
}

/* Every row of ids.tsv is in the catalog with the same words. */
static void
test_catalog_matches_ids_tsv(void)
{
	const char *path = getenv("HG_IDS_TSV");
	char line[1024];
	int rows = 0;
	FILE *f;

	if (path == NULL || (f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "  (ids.tsv not beside the tree: drift check skipped)\n");
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *id = strtok(line, "\t"), *cl = strtok(NULL, "\t");
		char *sec = strtok(NULL, "\t"), *item = strtok(NULL, "\n");
		const struct hg_catalog_entry *e;

		if (id == NULL || strcmp(id, "id") == 0)
			continue;
		rows++;
		e = hg_catalog_find(id);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		CU_ASSERT_STRING_EQUAL(e->checklist, cl);
		CU_ASSERT_STRING_EQUAL(e->section, sec);
		CU_ASSERT_STRING_EQUAL(e->item, item);
	}
	fclose(f);
	CU_ASSERT_EQUAL(rows, 66);
}

void
hgt_suite_catalog(void)
{
	CU_pSuite s = CU_add_suite("catalog", NULL, NULL);

	HGT_ADD(s, test_catalog_has_66_checklist_items_and_hg_ids);
	HGT_ADD(s, test_catalog_matches_ids_tsv);
}
