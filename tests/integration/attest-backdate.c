/*
 * attest-backdate.c - test-only (never installed): append a record dated
 * DAYS days ago, signed with the key in DIR, as hardgate attest would
 * have written it then. The CLI itself always dates with the clock.
 *
 *     attest-backdate DIR ID BY DAYS
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "attest.h"

int
main(int argc, char **argv)
{
	struct hg_error e = { 0 };
	char line[HG_ATTEST_LINE_MAX + 2];

	if (argc != 5) {
		fprintf(stderr, "usage: attest-backdate DIR ID BY DAYS\n");
		return 64;
	}
	if (hg_attest_add(argv[1], argv[2], argv[3], "backdated by the test",
			  time(NULL) - atol(argv[4]) * 86400L, line, sizeof(line), &e) < 0) {
		fprintf(stderr, "attest-backdate: %s %s\n", e.where, e.msg);
		return 78;
	}
	fputs(line, stdout);
	return 0;
}
