/*
 * test_privs.c - privs through the real .so and loader, each case in a
 * forked child: the child drops for real and the test reads the kernel
 * (getuid, /proc/self/status) and tries what the drop must forbid.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "run.h"
#include "testutil.h"


static struct hg_decision *
run(const char *args, enum hg_stage stage)
{
	struct hg_run_opts o = { .stage = stage };

	return hgt_run_module(hgt_dir, "privs", args, &o);
}

static uint64_t
status_hex(const char *key)
{
	char line[256];
	uint64_t v = UINT64_MAX;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0 && line[strlen(key)] == ':')
			v = strtoull(line + strlen(key) + 1, NULL, 16);
	if (f)
		fclose(f);
	return v;
}

/* bind(2) to 127.0.0.1:PORT: 0 or errno. */
static int
try_bind(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int s = socket(AF_INET, SOCK_STREAM, 0), r;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r = bind(s, (struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0 : errno;
	close(s);
	return r;
}

/* Child bodies return 0 on success, a distinct code per failed expectation. */

static int
child_drop_to_nobody(void *arg)
{
	struct hg_decision *d = run("user = \"nobody\";", HG_STAGE_PROCESS);

	(void)arg;
	if (d->status != HG_EXIT_ALLOWED)
		return 1;
	if (getuid() != 65534 || geteuid() != 65534 || getgid() != 65534)
		return 2;
	if (getgroups(0, NULL) != 0)
		return 3;
	if (status_hex("CapEff") != 0 || status_hex("CapPrm") != 0 || status_hex("CapBnd") != 0)
		return 4;
	if (status_hex("NoNewPrivs") != 1)
		return 5;
	if (try_bind(1023) != EACCES)	/* a privileged port is now out of reach */
		return 6;
	return 0;
}

static void
test_privs_drops_to_user_and_verifies(void)
{
	HGT_NEED_ROOT();
	CU_ASSERT_EQUAL(hgt_fork(child_drop_to_nobody, NULL), 0);
}

static int
child_keep_bind_cap(void *arg)
{
	struct hg_decision *d = run("user = \"nobody\"; caps = [ \"cap_net_bind_service\" ];",
				    HG_STAGE_PROCESS);

	(void)arg;
	if (d->status != HG_EXIT_ALLOWED)
		return 1;
	if (getuid() != 65534)
		return 2;
	if (status_hex("CapEff") != 0x400 || status_hex("CapAmb") != 0x400 ||
	    status_hex("CapBnd") != 0x400)
		return 3;
	if (try_bind(1023) != 0)	/* the one kept capability works */
		return 4;
	return 0;
}

static void
test_privs_keeps_only_declared_caps(void)
{
	HGT_NEED_ROOT();
	CU_ASSERT_EQUAL(hgt_fork(child_keep_bind_cap, NULL), 0);
}

static int
child_root_refused(void *arg)
{
	struct hg_decision *d = run("", HG_STAGE_PROCESS);

	(void)arg;
	if (d->status != HG_EXIT_REFUSED || !hgt_has(d, "HG-014", HG_SEV_FAIL, "would run as root"))
		return 1;
	if (getuid() != 0 || status_hex("CapEff") == 0)	/* refused: nothing applied */
		return 2;
	return 0;
}

static void
test_privs_refuses_root_without_user(void)
{
	HGT_NEED_ROOT();
	CU_ASSERT_EQUAL(hgt_fork(child_root_refused, NULL), 0);
}

static int
child_allow_root(void *arg)
{
	char *f = hgt_write(hgt_dir, "owned", "x", 0644);
	struct hg_decision *d;
	int r = 0;

	(void)arg;
	if (chown(f, 65534, 65534) != 0)
		r = 9;
	d = run("allow_root = true;", HG_STAGE_PROCESS);
	if (d->status != HG_EXIT_ALLOWED)
		r = 1;
	else if (getuid() != 0 || status_hex("CapEff") != 0)
		r = 2;
	else if (chown(f, 0, 0) == 0 || errno != EPERM)	/* root without CAP_CHOWN */
		r = 3;
	free(f);
	return r;
}

static void
test_privs_allow_root_still_drops_caps(void)
{
	HGT_NEED_ROOT();
	CU_ASSERT_EQUAL(hgt_fork(child_allow_root, NULL), 0);
}

static void *
idle(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

static int
child_with_thread(void *arg)
{
	pthread_t t;
	struct hg_decision *d;

	(void)arg;
	if (pthread_create(&t, NULL, idle, NULL) != 0)
		return 9;
	d = run("user = \"nobody\";", HG_STAGE_PROCESS);
	if (d->status != HG_EXIT_REFUSED || !hgt_has(d, "HG-014", HG_SEV_FAIL, "2 threads"))
		return 1;
	return getuid() == 0 ? 0 : 2;
}

static void
test_privs_refuses_when_threads_run(void)
{
	HGT_NEED_ROOT();
	CU_ASSERT_EQUAL(hgt_fork(child_with_thread, NULL), 0);
}

static int
child_launcher(void *arg)
{
	struct hg_decision *d = run("user = \"nobody\"; caps = [ \"net_bind_service\" ];",
				    HG_STAGE_LAUNCHER);

	(void)arg;
	if (d->status != HG_EXIT_ALLOWED)
		return 1;
	/* ambient, so the kept capability survives hardgate exec's execve */
	return getuid() == 65534 && status_hex("CapAmb") == 0x400 ? 0 : 2;
}

static void
test_privs_launcher_raises_ambient_for_exec(void)
{
	HGT_NEED_ROOT();
	CU_ASSERT_EQUAL(hgt_fork(child_launcher, NULL), 0);
}

static void
test_privs_refuses_bad_policy_values(void)
{
	static const char *const cases[][2] = {
		{ "user = \"no-such-user-hg\";", "unknown user" },
		{ "user = \"nobody\"; group = \"no-such-group-hg\";", "unknown group" },
		{ "user = \"nobody\"; groups = [ \"no-such-group-hg\" ];", "unknown group" },
		{ "user = \"nobody\"; caps = [ \"cap_fly\" ];", "unknown capability 'cap_fly'" },
		{ "user = \"root\";", "user is root and allow_root is false" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct hg_decision *d = run(cases[i][0], HG_STAGE_CHECK);

		CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
		CU_ASSERT_TRUE(hgt_has(d, "HG-014", HG_SEV_FAIL, cases[i][1]));
		hg_decision_free(d);
	}
}

/* Child: user by number (no account needed) and by name end up as the same ids. */
static int
child_numeric_user(void *arg)
{
	struct hg_decision *d = run((const char *)arg, HG_STAGE_PROCESS);

	return d->status == HG_EXIT_ALLOWED && getuid() == 65534 && getgid() == 65534 ? 0 : 1;
}

static void
test_privs_takes_the_user_by_name_or_number(void)
{
	struct hg_decision *d = run("user = \"4242\";", HG_STAGE_CHECK);

	/* an unknown number has no primary group: refused unless group is given */
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-014", HG_SEV_FAIL, "no primary group known for user"));
	hg_decision_free(d);
	d = run("user = \"4242\"; group = \"4242\";", HG_STAGE_CHECK);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	hg_decision_free(d);
	d = run("user = \"\";", HG_STAGE_CHECK);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	hg_decision_free(d);
	HGT_NEED_ROOT();
	CU_ASSERT_EQUAL(hgt_fork(child_numeric_user, "user = \"65534\";"), 0);
	CU_ASSERT_EQUAL(hgt_fork(child_numeric_user, "user = \"nobody\";"), 0);
}

static void
test_privs_check_stage_changes_nothing(void)
{
	struct hg_decision *d = run("", HG_STAGE_CHECK);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-014", HG_SEV_INFO, "refused if started as root"));
	hg_decision_free(d);
	d = run("user = \"nobody\";", HG_STAGE_CHECK);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_EQUAL(getuid(), hgt_root() ? 0u : getuid());
	hg_decision_free(d);
}

void
hgt_suite_privs(void)
{
	CU_pSuite s = CU_add_suite("privs", hgt_suite_init, hgt_suite_clean);

	HGT_ADD(s, test_privs_drops_to_user_and_verifies);
	HGT_ADD(s, test_privs_keeps_only_declared_caps);
	HGT_ADD(s, test_privs_refuses_root_without_user);
	HGT_ADD(s, test_privs_allow_root_still_drops_caps);
	HGT_ADD(s, test_privs_refuses_when_threads_run);
	HGT_ADD(s, test_privs_launcher_raises_ambient_for_exec);
	HGT_ADD(s, test_privs_refuses_bad_policy_values);
	HGT_ADD(s, test_privs_takes_the_user_by_name_or_number);
	HGT_ADD(s, test_privs_check_stage_changes_nothing);
}
