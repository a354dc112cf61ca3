/* test_netout.c - netout through the real .so and loader. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "landlock.h"
#include "policy.h"
#include "run.h"
#include "stack.h"
#include "testutil.h"


static struct hg_decision *
run(const char *args, enum hg_stage stage, int interposed)
{
	struct hg_run_opts o = { .stage = stage, .interposed = interposed };

	return hgt_run_module(hgt_dir, "netout", args, &o);
}

static void
test_netout_accepts_addresses_ranges_sockets_and_local_names(void)
{
	struct hg_decision *d = run("allow = [ \"192.0.2.10:5432\", \"10.0.0.0/8:443\", "
				    "\"[::1]:80\", \"unix:/run/x.sock\", \"localhost:6379\" ]; "
				    "landlock = \"best-effort\";", HG_STAGE_CHECK, 0);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	hg_decision_free(d);
}

static void
test_netout_refuses_a_malformed_destination(void)
{
	struct hg_decision *d = run("allow = [ \"192.0.2.10\" ]; id = \"DBW-REC-09\";",
				    HG_STAGE_CHECK, 0);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-09", HG_SEV_FAIL, "bad destination \"192.0.2.10\""));
	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-09", HG_SEV_FAIL, "hardgate.conf:7"));
	hg_decision_free(d);
}

static void
test_netout_refuses_without_the_preload(void)
{
	/* the plugin API has no interposers: refuse rather than pretend */
	struct hg_decision *d = run("allow = [ \"192.0.2.10:5432\" ];", HG_STAGE_PROCESS, 0);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-016", HG_SEV_FAIL, "needs hardgate's preload"));
	hg_decision_free(d);
}

/* What netout would allow for ARGS (its describe() output), malloc'd. */
static char *
allowed(const char *args)
{
	char *conf = hgt_module_policy(hgt_dir, "netout", args), *text = NULL;
	struct hg_decision *d = hg_decision_new("svc");
	struct hg_policy *p = NULL;
	struct hg_error e = { 0 };
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	CU_ASSERT_EQUAL_FATAL(hg_policy_load(conf, &p, &e), 0);
	hg_stack_describe(p, hg_policy_service(p, "svc"), "netout", out, d);
	fclose(out);
	if (d->n)
		hgt_dump(d);
	hg_decision_free(d);
	hg_policy_free(p);
	free(conf);
	return text;
}

/* An agent.toml under the suite's dir with SERVER and DB as its URLs. */
static char *
agent_conf(const char *server, const char *db)
{
	char *text, *path;

	if (asprintf(&text, "[server]\nurl = \"%s\"\nagent_token = \"${T}\"\n"
		     "[databases.orders.production]\nurl = \"%s\"\n", server, db) < 0)
		abort();
	path = hgt_write(hgt_dir, "agent.toml", text, 0640);
	free(text);
	return path;
}

static void
test_netout_takes_a_dbward_agents_destinations(void)
{
	char *cfg = agent_conf("https://127.0.0.1:8443", "postgres://app:${HGT_PW}@127.0.0.2/orders");
	char *args, *text;

	setenv("HGT_PW", "not-printed-anywhere", 1);
	if (asprintf(&args, "from_dbward_agent = \"%s\"; landlock = \"best-effort\"; "
		     "id = \"DBW-REC-09\";", cfg) < 0)
		abort();
	text = allowed(args);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "allow 127.0.0.1:8443\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "allow 127.0.0.2:5432\n"));	/* postgres' port */
	CU_ASSERT_PTR_NULL(strstr(text, "not-printed-anywhere"));
	free(text);
	free(args);
	unsetenv("HGT_PW");
	free(cfg);
}

static void
test_netout_refuses_an_agent_url_without_a_destination(void)
{
	char *cfg = agent_conf("https://127.0.0.1:8443", "postgres:///orders?host=/run/postgresql");
	char *args;
	struct hg_decision *d;

	if (asprintf(&args, "from_dbward_agent = \"%s\"; landlock = \"best-effort\"; "
		     "id = \"DBW-REC-09\";", cfg) < 0)
		abort();
	d = run(args, HG_STAGE_CHECK, 0);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "DBW-REC-09", HG_SEV_FAIL,
			       "[databases.orders.production].url gives no destination"));
	hg_decision_free(d);
	free(args);
	free(cfg);
}

static void
test_netout_needs_an_allow_list(void)
{
	struct hg_decision *d = run("dns = true;", HG_STAGE_CHECK, 0);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-016", HG_SEV_FAIL, "netout has nothing to allow"));
	hg_decision_free(d);
}

static void
test_netout_landlock_required_refuses_any_port_entries(void)
{
	struct hg_decision *d = run("allow = [ \"192.0.2.10:*\" ];", HG_STAGE_CHECK, 0);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-016", HG_SEV_FAIL, "Landlock layer is required but"));
	hg_decision_free(d);
	d = run("allow = [ \"192.0.2.10:*\" ]; landlock = \"best-effort\";", HG_STAGE_CHECK, 0);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-016", HG_SEV_INFO, "Landlock layer is not active"));
	hg_decision_free(d);
	d = run("allow = [ \"192.0.2.10:*\" ]; landlock = \"off\";", HG_STAGE_CHECK, 0);
	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	CU_ASSERT_FALSE(hg_decision_noteworthy(d));
	/* hardgate check says which layers hold */
	CU_ASSERT_TRUE(hgt_has(d, "HG-016", HG_SEV_INFO, "Landlock TCP connect to 0 ports: OFF"));
	hg_decision_free(d);
}

/* errno of a raw connect(2) to 127.0.0.1:PORT (the preload's layer is not in play). */
static int
raw_connect(uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_STREAM, 0), e;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	e = syscall(SYS_connect, s, &sa, sizeof(sa)) == 0 ? 0 : errno;
	close(s);
	return e;
}

static int
child_landlock(void *arg)
{
	/* ports 1 and 2 are closed on loopback: ECONNREFUSED when allowed */
	struct hg_decision *d = run("allow = [ \"127.0.0.1:1\" ];", HG_STAGE_PROCESS, 1);

	(void)arg;
	if (d->status != HG_EXIT_ALLOWED)
		return 1;
	if (raw_connect(1) != ECONNREFUSED)	/* the listed port: the kernel lets it through */
		return 2;
	if (raw_connect(2) != EACCES)		/* any other: Landlock refuses, no packet */
		return 3;
	/*
	 * The seccomp layer: no packet sockets, no raw IP sockets. A child
	 * about to exit: the one socket that opens is left to _exit().
	 */
	/* cppcheck-suppress leakReturnValNotUsed */
	if (socket(AF_PACKET, SOCK_RAW, 0) != -1 || errno != EAFNOSUPPORT)
		return 4;
	/* cppcheck-suppress leakReturnValNotUsed */
	if (socket(AF_INET, SOCK_RAW, IPPROTO_ICMP) != -1 || errno != EPERM)
		return 5;
	/* cppcheck-suppress leakReturnValNotUsed */
	if (socket(AF_INET6, SOCK_STREAM, 0) < 0)	/* listed families still work */
		return 6;
	return 0;
}

static void
test_netout_refuses_unknown_socket_family(void)
{
	struct hg_decision *d = run("allow = [ \"127.0.0.1:1\" ]; families = [ \"inet\", \"ipx\" ];",
				    HG_STAGE_CHECK, 0);

	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_TRUE(hgt_has(d, "HG-016", HG_SEV_FAIL, "unknown socket family 'ipx'"));
	hg_decision_free(d);
}

static void
test_netout_landlock_stops_raw_connects_to_other_ports(void)
{
	if (!hgt_root() || hg_landlock_abi() < 4) {
		fprintf(stderr, "  (kernel Landlock ABI < 4: skipped)\n");
		return;
	}
	CU_ASSERT_EQUAL(hgt_fork(child_landlock, NULL), 0);
}

/* Landlock "missing": landlock_create_ruleset (444) fails with ENOSYS. */
static int
child_no_landlock(void *arg)
{
	struct hg_decision *d;
	int r = 0;

	(void)arg;
	if (hgt_deny_syscall(444, -1, ENOSYS) < 0)
		return 9;
	d = run("allow = [ \"127.0.0.1:1\" ];", HG_STAGE_PROCESS, 1);
	if (d->status != HG_EXIT_REFUSED ||
	    !hgt_has(d, "HG-016", HG_SEV_FAIL, "Landlock layer is required but the kernel's "
			  "Landlock ABI is 0"))
		r = 1;
	hg_decision_free(d);
	d = run("allow = [ \"127.0.0.1:1\" ]; landlock = \"best-effort\";", HG_STAGE_PROCESS, 1);
	if (d->status != HG_EXIT_ALLOWED ||
	    !hgt_has(d, "HG-016", HG_SEV_INFO, "Landlock layer is not active"))
		r = 2;
	hg_decision_free(d);
	return r;
}

static void
test_netout_refuses_when_landlock_is_missing_unless_best_effort(void)
{
	CU_ASSERT_EQUAL(hgt_fork(child_no_landlock, NULL), 0);
}

/* --- the socket-family program in the compiled-filter cache -------------- */

static char cache[4096];

/* netout args with the cache; landlock best-effort: this is about the filter */
static struct hg_decision *
run_cached(enum hg_stage stage)
{
	char args[4300];

	snprintf(args, sizeof(args), "allow = [ \"127.0.0.1:1\" ]; landlock = \"best-effort\"; "
		 "cache_dir = \"%s\";", cache);
	return run(args, stage, 1);
}

/* A fresh cache NAME under the suite's dir; with the launcher's entry if STORE. */
static int
fresh_cache(const char *name, int store, char *entry, size_t n)
{
	struct hg_decision *d;
	struct dirent *de;
	DIR *dir;
	int found = 0;

	snprintf(cache, sizeof(cache), "%s/%s", hgt_dir, name);
	if (mkdir(cache, 0755) < 0 || chmod(cache, 0755) < 0)
		return -1;
	if (!store)
		return 0;
	d = run_cached(HG_STAGE_LAUNCHER);
	if (d->status != HG_EXIT_ALLOWED)
		found = -100;
	hg_decision_free(d);
	for (dir = opendir(cache); dir && (de = readdir(dir)) != NULL;)
		if (de->d_name[0] != '.' &&
		    snprintf(entry, n, "%s/%s", cache, de->d_name) < (int)n)
			found++;
	if (dir)
		closedir(dir);
	return found;
}

/* Child: no compiler (memfd_create fails); the family layer must still hold. */
static int
child_families_without_compiler(void *arg)
{
	struct hg_decision *d;

	(void)arg;
	if (hgt_deny_syscall(SYS_memfd_create, -1, ENOSYS) < 0)
		return 9;
	d = run_cached(HG_STAGE_PROCESS);
	if (d->status != HG_EXIT_ALLOWED)
		return hgt_has(d, "HG-016", HG_SEV_FAIL, "cannot compile the socket-family filter") ?
			       10 : 1;
	{
		int fd = socket(AF_PACKET, SOCK_RAW, 0), refused = fd == -1 && errno == EAFNOSUPPORT;

		if (fd >= 0)
			close(fd);
		return refused ? 0 : 2;
	}
}

static void
test_netout_family_filter_from_the_cache_needs_no_compiler(void)
{
	char entry[4300];

	HGT_NEED_ROOT();
	CU_ASSERT_EQUAL_FATAL(fresh_cache("fam-none", 0, entry, sizeof(entry)), 0);
	/* the control: nothing cached, nothing compiled -> refused */
	CU_ASSERT_EQUAL(hgt_fork(child_families_without_compiler, NULL), 10);
	CU_ASSERT_EQUAL_FATAL(fresh_cache("fam-hit", 1, entry, sizeof(entry)), 1);
	CU_ASSERT_EQUAL(hgt_fork(child_families_without_compiler, NULL), 0);
}

/* Child: a damaged entry refuses, naming it and the fix; the layer is not loaded. */
static int
child_spoiled_family_entry(void *arg)
{
	struct hg_decision *d = run_cached(HG_STAGE_PROCESS);
	int s;

	if (d->status != HG_EXIT_REFUSED ||
	    !hgt_has(d, "HG-016", HG_SEV_FAIL, (const char *)arg) ||
	    !hgt_has(d, "HG-016", HG_SEV_FAIL, "does not have the size its header says"))
		return 1;
	if ((s = socket(AF_PACKET, SOCK_RAW, 0)) < 0)	/* root: allowed without the filter */
		return 2;
	close(s);
	return 0;
}

static void
test_netout_refuses_a_damaged_family_filter_entry(void)
{
	char entry[4300];
	FILE *f;

	HGT_NEED_ROOT();
	CU_ASSERT_EQUAL_FATAL(fresh_cache("fam-bad", 1, entry, sizeof(entry)), 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(entry, "a"));
	fputc('x', f);
	fclose(f);
	CU_ASSERT_EQUAL(hgt_fork(child_spoiled_family_entry, entry), 0);
}

void
hgt_suite_netout(void)
{
	CU_pSuite s = CU_add_suite("netout", hgt_suite_init, hgt_suite_clean);

	HGT_ADD(s, test_netout_accepts_addresses_ranges_sockets_and_local_names);
	HGT_ADD(s, test_netout_refuses_a_malformed_destination);
	HGT_ADD(s, test_netout_refuses_without_the_preload);
	HGT_ADD(s, test_netout_needs_an_allow_list);
	HGT_ADD(s, test_netout_takes_a_dbward_agents_destinations);
	HGT_ADD(s, test_netout_refuses_an_agent_url_without_a_destination);
	HGT_ADD(s, test_netout_landlock_required_refuses_any_port_entries);
	HGT_ADD(s, test_netout_refuses_unknown_socket_family);
	HGT_ADD(s, test_netout_refuses_when_landlock_is_missing_unless_best_effort);
	HGT_ADD(s, test_netout_landlock_stops_raw_connects_to_other_ports);
	HGT_ADD(s, test_netout_family_filter_from_the_cache_needs_no_compiler);
	HGT_ADD(s, test_netout_refuses_a_damaged_family_filter_entry);
}
