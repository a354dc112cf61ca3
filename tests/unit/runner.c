/* runner.c - the single CUnit runner: every suite, one run summary. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <CUnit/Basic.h>

#include "testutil.h"

int
main(void)
{
	unsigned fails;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	hgt_suite_safefile();
	hgt_suite_policy();
	hgt_suite_stack();
	hgt_suite_loader();
	hgt_suite_keyfile();
	hgt_suite_coredump();
	hgt_suite_privs();
	hgt_suite_seccomp();
	hgt_suite_allowlist();
	hgt_suite_revoke();
	hgt_suite_dbward();
	hgt_suite_kalamdb();
	hgt_suite_sigkey();
	hgt_suite_netout();
	hgt_suite_secretenv();
	hgt_suite_attest();
	hgt_suite_tls();
	hgt_suite_catalog();
	hgt_suite_report();
	hgt_suite_toml();
	hgt_suite_url();
	if (hgt_skip_suites(getenv("HGT_SKIP_SUITES")) < 0)
		return 99;
	if (CU_get_error() != CUE_SUCCESS) {
		fprintf(stderr, "CUnit registry error: %s\n", CU_get_error_msg());
		return 99;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	fails = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	if (CU_get_number_of_tests_run() == 0)
		fails = 1;	/* a run of nothing is a failure */
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
