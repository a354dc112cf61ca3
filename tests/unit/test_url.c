/* test_url.c - hg_url_split: the parts checks judge, never the password. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "testutil.h"
#include "url.h"

static void
test_url_splits_scheme_user_host_port(void)
{
	struct hg_url u;

	CU_ASSERT_EQUAL_FATAL(hg_url_split("postgres://app:s3cret@db1.example.com:5432/orders", &u), 0);
	CU_ASSERT_STRING_EQUAL(u.scheme, "postgres");
	CU_ASSERT_STRING_EQUAL(u.user, "app");
	CU_ASSERT_STRING_EQUAL(u.host, "db1.example.com");
	CU_ASSERT_EQUAL(u.port, 5432);
	CU_ASSERT_PTR_NULL(memmem(&u, sizeof(u), "s3cret", 6));	/* never copied */
	CU_ASSERT_EQUAL_FATAL(hg_url_split("https://dbward.example.com", &u), 0);
	CU_ASSERT_STRING_EQUAL(u.host, "dbward.example.com");
	CU_ASSERT_EQUAL(u.port, 0);
	CU_ASSERT_EQUAL_FATAL(hg_url_split("http://[fd00::5]:8080/x?y#z", &u), 0);
	CU_ASSERT_STRING_EQUAL(u.host, "[fd00::5]");
	CU_ASSERT_EQUAL(u.port, 8080);
	CU_ASSERT_EQUAL_FATAL(hg_url_split("10.0.0.11:9188", &u), 0);
	CU_ASSERT_STRING_EQUAL(u.scheme, "");
	CU_ASSERT_STRING_EQUAL(u.host, "10.0.0.11");
	CU_ASSERT_EQUAL(u.port, 9188);
	/* the last @ ends the userinfo: an @ in the password is not the host */
	CU_ASSERT_EQUAL_FATAL(hg_url_split("mysql://root:p@ss@db.example.com/x", &u), 0);
	CU_ASSERT_STRING_EQUAL(u.user, "root");
	CU_ASSERT_STRING_EQUAL(u.host, "db.example.com");
}

static void
test_url_refuses_what_it_cannot_read(void)
{
	struct hg_url u;

	CU_ASSERT_EQUAL(hg_url_split("http://h:0/", &u), -EINVAL);
	CU_ASSERT_EQUAL(hg_url_split("http://h:65536/", &u), -EINVAL);
	CU_ASSERT_EQUAL(hg_url_split("http://h:80x/", &u), -EINVAL);
	CU_ASSERT_EQUAL(hg_url_split("http://h:/", &u), -EINVAL);
	CU_ASSERT_EQUAL(hg_url_split("http://[fd00::5/", &u), -EINVAL);
	CU_ASSERT_EQUAL(hg_url_split("averyveryveryverylongscheme://h", &u), -EINVAL);
	CU_ASSERT_STRING_EQUAL(u.host, "");	/* zeroed on failure */
}

void
hgt_suite_url(void)
{
	CU_pSuite s = CU_add_suite("url", NULL, NULL);

	HGT_ADD(s, test_url_splits_scheme_user_host_port);
	HGT_ADD(s, test_url_refuses_what_it_cannot_read);
}
