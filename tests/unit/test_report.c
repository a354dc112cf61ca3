/*
 * test_report.c - the system log record: journald's native protocol on a
 * socket the test binds (fields parsed back as journald parses them, the
 * binary form for a value with a newline), and the fall back to syslog
 * lines when the journal socket is absent.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include <hardgate/module.h>

#include "decision.h"
#include "report.h"
#include "testutil.h"

/* A datagram socket bound at DIR/NAME; *PATH gets its path (free it). */
static int
bound(const char *name, char **path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	*path = hgt_path(hgt_dir, name);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", *path);
	unlink(*path);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -1;
	return fd;
}

/* The next datagram on FD (1 s at most) into BUF; its length or -1. */
static ssize_t
next_dgram(int fd, char *buf, size_t n)
{
	struct timeval tv = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return recv(fd, buf, n, 0);
}

/*
 * The value of KEY in a native-protocol entry (KEY=VALUE\n, or KEY\n +
 * 64-bit LE length + VALUE + \n) into OUT; 0, or -1 if absent/malformed.
 */
static int
jfield(const char *e, size_t len, const char *key, char *out, size_t n)
{
	size_t kl = strlen(key), i = 0;

	while (i < len) {
		const char *nl = memchr(e + i, '\n', len - i), *eq;
		size_t vl;

		if (nl == NULL)
			return -1;
		eq = memchr(e + i, '=', (size_t)(nl - (e + i)));
		if (eq) {
			vl = (size_t)(nl - eq - 1);
			if ((size_t)(eq - (e + i)) == kl && memcmp(e + i, key, kl) == 0) {
				snprintf(out, n, "%.*s", (int)vl, eq + 1);
				return 0;
			}
			i = (size_t)(nl - e) + 1;
			continue;
		}
		{	/* binary: KEY\n, le64 size, data, \n */
			uint64_t sz = 0;
			const unsigned char *p = (const unsigned char *)nl + 1;
			int match = (size_t)(nl - (e + i)) == kl && memcmp(e + i, key, kl) == 0;

			if ((size_t)(nl - e) + 9 > len)
				return -1;
			for (int b = 7; b >= 0; b--)
				sz = sz << 8 | p[b];
			if ((size_t)(nl - e) + 9 + sz + 1 > len || nl[9 + sz] != '\n')
				return -1;
			if (match) {
				snprintf(out, n, "%.*s", (int)sz, nl + 9);
				return 0;
			}
			i = (size_t)(nl - e) + 9 + (size_t)sz + 1;
		}
	}
	return -1;
}

static struct hg_decision *
refused_decision(const char *message)
{
	struct hg_decision *d = hg_decision_new("redis");

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	d->matched = 1;
	hg_decision_add(d, "DBW-PRE-05", HG_SEV_FAIL, "keyfile", "/k/tls.key", "chmod 0600 /k/tls.key",
			message);
	hg_decision_add(d, "HG-000", HG_SEV_INFO, "core", "", "", "not logged");
	hg_decision_set(d, HG_EXIT_REFUSED, "stack denied");
	return d;
}

#define FIELD_IS(e, n, key, want)                                           \
	do {                                                                \
		char v_[1024] = "";                                         \
		CU_ASSERT_EQUAL(jfield((e), (size_t)(n), (key), v_, sizeof(v_)), 0); \
		CU_ASSERT_STRING_EQUAL(v_, (want));                         \
	} while (0)

static void
test_report_journal_entries_carry_structured_fields(void)
{
	char *jp, *sp, e[8192], pid[16];
	int jfd = bound("journal.sock", &jp), sfd = bound("syslog.sock", &sp);
	struct hg_decision *d = refused_decision("/k/tls.key is mode 0644, must be 0600 or stricter");
	struct hg_logsink s;
	ssize_t n;

	CU_ASSERT_FATAL(jfd >= 0 && sfd >= 0);
	hg_report_log_open(&s, jp, sp);
	CU_ASSERT_EQUAL(s.journal, 1);
	hg_report_log(d, &s);
	hg_report_log_close(&s);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());

	n = next_dgram(jfd, e, sizeof(e));	/* the FAIL finding */
	CU_ASSERT_FATAL(n > 0);
	FIELD_IS(e, n, "MESSAGE", "hardgate[redis]: DBW-PRE-05 FAIL /k/tls.key is mode 0644, "
				  "must be 0600 or stricter; fix: chmod 0600 /k/tls.key");
	FIELD_IS(e, n, "PRIORITY", "3");
	FIELD_IS(e, n, "SYSLOG_FACILITY", "10");
	FIELD_IS(e, n, "SYSLOG_IDENTIFIER", "hardgate");
	FIELD_IS(e, n, "SYSLOG_PID", pid);
	FIELD_IS(e, n, "HARDGATE_SERVICE", "redis");
	FIELD_IS(e, n, "HARDGATE_ID", "DBW-PRE-05");
	FIELD_IS(e, n, "HARDGATE_SEVERITY", "FAIL");
	FIELD_IS(e, n, "HARDGATE_DECISION", "refused");
	FIELD_IS(e, n, "HARDGATE_STATUS", "78");
	FIELD_IS(e, n, "HARDGATE_MODULE", "keyfile");
	FIELD_IS(e, n, "HARDGATE_WHERE", "/k/tls.key");
	FIELD_IS(e, n, "HARDGATE_FIX", "chmod 0600 /k/tls.key");

	n = next_dgram(jfd, e, sizeof(e));	/* the verdict; the INFO finding is not logged */
	CU_ASSERT_FATAL(n > 0);
	FIELD_IS(e, n, "MESSAGE", "hardgate[redis]: refused (exit 78): stack denied");
	FIELD_IS(e, n, "HARDGATE_DECISION", "refused");
	{
		char v[64];

		CU_ASSERT_EQUAL(jfield(e, (size_t)n, "HARDGATE_ID", v, sizeof(v)), -1);
	}
	CU_ASSERT_EQUAL(next_dgram(jfd, e, sizeof(e)), -1);	/* nothing more */
	CU_ASSERT_EQUAL(next_dgram(sfd, e, sizeof(e)), -1);	/* and nothing to syslog */
	hg_decision_free(d);
	close(jfd);
	close(sfd);
	free(jp);
	free(sp);
}

static void
test_report_journal_value_with_newline_uses_binary_field(void)
{
	char *jp, e[8192];
	int jfd = bound("journal.sock", &jp);
	struct hg_decision *d = hg_decision_new("redis");
	struct hg_logsink s;
	ssize_t n;

	CU_ASSERT_FATAL(jfd >= 0 && d != NULL);
	d->matched = 1;
	hg_decision_add(d, "DBW-PRE-05", HG_SEV_FAIL, "keyfile", "/k/tls.key",
			"chmod 0600 /k\nMESSAGE=forged", "line one\nMESSAGE=forged");
	hg_decision_set(d, HG_EXIT_REFUSED, "stack denied");
	hg_report_log_open(&s, jp, "/nonexistent/log");
	hg_report_log(d, &s);
	hg_report_log_close(&s);
	n = next_dgram(jfd, e, sizeof(e));
	CU_ASSERT_FATAL(n > 0);
	/* MESSAGE is the printed line: one line, the newline written as \n */
	FIELD_IS(e, n, "MESSAGE", "hardgate[redis]: DBW-PRE-05 FAIL /k/tls.key line one\\n"
				  "MESSAGE=forged; fix: chmod 0600 /k\\nMESSAGE=forged");
	/* a raw value with a newline travels in the length-prefixed form */
	FIELD_IS(e, n, "HARDGATE_FIX", "chmod 0600 /k\nMESSAGE=forged");
	CU_ASSERT_PTR_NOT_NULL(memmem(e, (size_t)n, "HARDGATE_FIX\n", 13));
	FIELD_IS(e, n, "HARDGATE_ID", "DBW-PRE-05");
	hg_decision_free(d);
	close(jfd);
	free(jp);
}

static void
test_report_falls_back_to_syslog_without_journal_socket(void)
{
	char *sp, *absent = hgt_path(hgt_dir, "no-journal.sock"), e[2048], want[256];
	int sfd = bound("syslog.sock", &sp);
	struct hg_decision *d = refused_decision("/k/tls.key is mode 0644, must be 0600 or stricter");
	struct hg_logsink s;
	ssize_t n;

	CU_ASSERT_FATAL(sfd >= 0);
	hg_report_log_open(&s, absent, sp);
	CU_ASSERT_EQUAL(s.journal, 0);
	CU_ASSERT_TRUE(s.fd >= 0);
	hg_report_log(d, &s);
	hg_report_log_close(&s);
	n = next_dgram(sfd, e, sizeof(e) - 1);
	CU_ASSERT_FATAL(n > 0);
	e[n] = '\0';
	snprintf(want, sizeof(want), "<%d>hardgate[%d]: [redis] DBW-PRE-05 FAIL /k/tls.key is mode 0644",
		 LOG_AUTHPRIV | LOG_ERR, (int)getpid());
	CU_ASSERT_EQUAL(strncmp(e, want, strlen(want)), 0);
	n = next_dgram(sfd, e, sizeof(e) - 1);
	CU_ASSERT_FATAL(n > 0);
	e[n] = '\0';
	CU_ASSERT_PTR_NOT_NULL(strstr(e, "[redis] decision=refused status=78 stack denied"));
	hg_decision_free(d);
	close(sfd);
	free(sp);
	free(absent);
}

static void
test_report_syslog_line_stays_one_line(void)
{
	char *sp, *absent = hgt_path(hgt_dir, "no-journal.sock"), e[2048];
	int sfd = bound("syslog.sock", &sp);
	struct hg_decision *d = hg_decision_new("red\nis");
	struct hg_logsink s;
	ssize_t n;

	CU_ASSERT_FATAL(sfd >= 0 && d != NULL);
	d->matched = 1;
	hg_decision_add(d, "DBW-PRE-05", HG_SEV_FAIL, "keyfile", "/k/a\nb.key", "chmod 0600 /k",
			"is mode 0644\n<83>hardgate[1]: [redis] decision=allowed");
	hg_decision_set(d, HG_EXIT_REFUSED, "stack\rdenied\n<86>forged");
	hg_report_log_open(&s, absent, sp);
	CU_ASSERT_EQUAL(s.journal, 0);
	hg_report_log(d, &s);
	hg_report_log_close(&s);
	n = next_dgram(sfd, e, sizeof(e) - 1);	/* the finding */
	CU_ASSERT_FATAL(n > 0);
	e[n] = '\0';
	CU_ASSERT_PTR_NULL(memchr(e, '\n', (size_t)n));
	CU_ASSERT_PTR_NOT_NULL(strstr(e, "[red\\nis] DBW-PRE-05 FAIL /k/a\\nb.key is mode 0644\\n"
					 "<83>hardgate[1]: [redis] decision=allowed"));
	n = next_dgram(sfd, e, sizeof(e) - 1);	/* the verdict */
	CU_ASSERT_FATAL(n > 0);
	e[n] = '\0';
	CU_ASSERT_PTR_NULL(memchr(e, '\n', (size_t)n));
	CU_ASSERT_PTR_NULL(memchr(e, '\r', (size_t)n));
	CU_ASSERT_PTR_NOT_NULL(strstr(e, "[red\\nis] decision=refused status=78 stack\\rdenied\\n<86>forged"));
	hg_decision_free(d);
	close(sfd);
	free(sp);
	free(absent);
}

static void
test_report_log_without_any_socket_is_silent(void)
{
	struct hg_decision *d = refused_decision("x");
	struct hg_logsink s;

	hg_report_log_open(&s, "/nonexistent/journal", "/nonexistent/log");
	CU_ASSERT_EQUAL(s.fd, -1);
	hg_report_log(d, &s);	/* best effort: nothing to do, nothing breaks */
	hg_report_log_close(&s);
	hg_decision_free(d);
}

static void
test_report_json_lists_metrics(void)
{
	struct hg_decision *d = hg_decision_new("web");
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	CU_ASSERT_FATAL(d != NULL && m != NULL);
	CU_ASSERT_EQUAL(hg_decision_add_metric(d, HG_METRIC_CERT_NOT_AFTER, "HG-021", "tls",
					       "/k/\"a\".pem", "SHA256:x", 1750000000), 0);
	/* the same kind, ID, where and key again: kept once, at the lower value */
	CU_ASSERT_EQUAL(hg_decision_add_metric(d, HG_METRIC_CERT_NOT_AFTER, "HG-021", "tls",
					       "/k/\"a\".pem", "SHA256:x", 1800000000), 0);
	CU_ASSERT_EQUAL(hg_decision_add_metric(d, HG_METRIC_CERT_NOT_AFTER, "HG-021", "tls",
					       "/k/\"a\".pem", "SHA256:x", 1700000000), 0);
	CU_ASSERT_EQUAL(hg_decision_add_metric(d, HG_METRIC_ATTEST_TIME, "DBW-OPS-06", "attest",
					       NULL, NULL, 0), 0);
	/* no kind 0 or past the last, no value JSON cannot carry */
	CU_ASSERT_EQUAL(hg_decision_add_metric(d, 0, "HG-021", "tls", NULL, NULL, 1), -EINVAL);
	CU_ASSERT_EQUAL(hg_decision_add_metric(d, HG_METRIC_LAST + 1, "HG-021", "tls", NULL, NULL,
					       1), -EINVAL);
	CU_ASSERT_EQUAL(hg_decision_add_metric(d, HG_METRIC_ATTEST_TIME, "X", "attest", NULL, NULL,
					       NAN), -EINVAL);
	CU_ASSERT_EQUAL(hg_decision_add_metric(d, HG_METRIC_ATTEST_TIME, "X", "attest", NULL, NULL,
					       INFINITY), -EINVAL);
	CU_ASSERT_EQUAL(d->nm, 2);
	hg_decision_set(d, HG_EXIT_ALLOWED, "allowed");
	CU_ASSERT_EQUAL(hg_report_json(d, m), 0);
	fclose(m);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, ",\"findings\":[],\"metrics\":["
				      "{\"name\":\"certificate_not_after\",\"id\":\"HG-021\","
				      "\"module\":\"tls\",\"where\":\"/k/\\\"a\\\".pem\","
				      "\"key\":\"SHA256:x\",\"value\":1700000000},"
				      "{\"name\":\"attestation_time\",\"id\":\"DBW-OPS-06\","
				      "\"module\":\"attest\",\"where\":\"\",\"key\":\"\","
				      "\"value\":0}]}\n"));
	free(buf);
	hg_decision_free(d);
}

/* --- the JSON lines decision log ----------------------------------------- */

/* A directory NAME in the suite's dir with owner UID and MODE; malloc'd path. */
static char *
logdir(const char *name, uid_t uid, mode_t mode)
{
	char *dir = hgt_path(hgt_dir, name);

	CU_ASSERT_FATAL(mkdir(dir, 0700) == 0 && chown(dir, uid, 0) == 0 && chmod(dir, mode) == 0);
	return dir;
}

/* Open DIR/NAME as the decision log: the fd, or -errno with E. */
static int
open_log(const char *dir, const char *name, struct hg_error *e)
{
	char *path = hgt_path(dir, name);
	int fd;

	hg_error_clear(e);
	fd = hg_report_jsonl_open(path, e);
	free(path);
	return fd;
}

static void
test_report_jsonl_opens_append_only_in_a_root_directory(void)
{
	struct hg_error e = { 0 };
	char *dir;
	struct stat st;
	int fd;

	HGT_NEED_ROOT();
	dir = logdir("log-ok", 0, 0755);
	fd = open_log(dir, "decisions.jsonl", &e);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_TRUE((fcntl(fd, F_GETFL) & (O_APPEND | O_ACCMODE)) == (O_APPEND | O_WRONLY));
	CU_ASSERT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	CU_ASSERT_TRUE(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0640);
	close(fd);
	free(dir);
}

/* Each directory another user could change refuses the log with HG-010, naming it. */
static void
test_report_jsonl_refuses_a_directory_others_can_replace(void)
{
	static const struct {
		const char *name;
		uid_t uid;
		mode_t mode;
		const char *says;
	} rows[] = {
		{ "log-service", 65534, 0755, "owned by uid 65534, must be owned by root" },
		{ "log-group", 0, 0775, "group/world-writable" },
		{ "log-world", 0, 0777, "group/world-writable" },
		{ "log-sticky", 0, 01777, "writable by others (sticky)" },
	};
	struct hg_error e = { 0 };

	HGT_NEED_ROOT();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char *dir = logdir(rows[i].name, rows[i].uid, rows[i].mode), *sub;
		int fd = open_log(dir, "decisions.jsonl", &e);

		CU_ASSERT_EQUAL(fd, -EPERM);
		CU_ASSERT_STRING_EQUAL(e.id, "HG-010");
		CU_ASSERT_STRING_EQUAL(e.where, dir);
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, rows[i].says));
		CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "decision log "));
		CU_ASSERT_TRUE(e.fix[0] != '\0');
		if (fd >= 0)
			close(fd);
		/*
		 * below it, however trusted the last directory, too (but for
		 * the sticky one: there nobody else can move root's entry)
		 */
		sub = hgt_path(dir, "sub");
		CU_ASSERT_FATAL(mkdir(sub, 0755) == 0 && chown(sub, 0, 0) == 0);
		fd = open_log(sub, "decisions.jsonl", &e);
		if (rows[i].mode & S_ISVTX) {
			CU_ASSERT_TRUE(fd >= 0);
		} else {
			CU_ASSERT_EQUAL(fd, -EPERM);
			CU_ASSERT_STRING_EQUAL(e.where, dir);
		}
		if (fd >= 0)
			close(fd);
		free(sub);
		free(dir);
	}
}

static void
test_report_jsonl_refuses_a_symlink_and_a_fifo(void)
{
	struct hg_error e = { 0 };
	char *dir, *p;
	int fd, rd;

	HGT_NEED_ROOT();
	dir = logdir("log-odd", 0, 0755);
	p = hgt_path(dir, "link.jsonl");
	CU_ASSERT_FATAL(symlink("/etc/passwd", p) == 0);
	free(p);
	CU_ASSERT_TRUE((fd = open_log(dir, "link.jsonl", &e)) < 0);
	CU_ASSERT_STRING_EQUAL(e.id, "HG-010");
	p = hgt_path(dir, "fifo.jsonl");
	CU_ASSERT_FATAL(mkfifo(p, 0600) == 0);
	free(p);
	/* refused, and without blocking on a FIFO nobody reads */
	CU_ASSERT_TRUE((fd = open_log(dir, "fifo.jsonl", &e)) < 0);
	CU_ASSERT_STRING_EQUAL(e.id, "HG-010");
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "fifo.jsonl"));
	/* and with a reader, as not a regular file */
	p = hgt_path(dir, "fifo.jsonl");
	rd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	free(p);
	CU_ASSERT_FATAL(rd >= 0);
	CU_ASSERT_TRUE((fd = open_log(dir, "fifo.jsonl", &e)) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "not a regular file"));
	close(rd);
	free(dir);
}

/* A socket the service's user could replace is not the journal; an absent one is absent. */
static void
test_report_journal_socket_directory_must_be_roots(void)
{
	struct hg_error e = { 0 };
	char *ok, *svc, *sticky, *p;

	HGT_NEED_ROOT();
	ok = logdir("journal-ok", 0, 0755);
	svc = logdir("journal-svc", 65534, 0755);
	sticky = logdir("journal-sticky", 0, 01777);
	p = hgt_path(ok, "socket");
	CU_ASSERT_EQUAL(hg_report_journal_trusted(p, &e), 0);
	free(p);
	p = hgt_path(svc, "socket");
	CU_ASSERT_EQUAL(hg_report_journal_trusted(p, &e), -EPERM);
	CU_ASSERT_STRING_EQUAL(e.id, "HG-010");
	CU_ASSERT_STRING_EQUAL(e.where, svc);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "journal socket "));
	free(p);
	p = hgt_path(sticky, "socket");
	CU_ASSERT_EQUAL(hg_report_journal_trusted(p, &e), -EPERM);
	free(p);
	CU_ASSERT_EQUAL(hg_report_journal_trusted("/nonexistent/hg/socket", &e), -ENOENT);
	free(ok);
	free(svc);
	free(sticky);
}

void
hgt_suite_report(void)
{
	CU_pSuite s = CU_add_suite("report", hgt_suite_init, hgt_suite_clean);

	HGT_ADD(s, test_report_journal_entries_carry_structured_fields);
	HGT_ADD(s, test_report_journal_value_with_newline_uses_binary_field);
	HGT_ADD(s, test_report_falls_back_to_syslog_without_journal_socket);
	HGT_ADD(s, test_report_syslog_line_stays_one_line);
	HGT_ADD(s, test_report_log_without_any_socket_is_silent);
	HGT_ADD(s, test_report_json_lists_metrics);
	HGT_ADD(s, test_report_jsonl_opens_append_only_in_a_root_directory);
	HGT_ADD(s, test_report_jsonl_refuses_a_directory_others_can_replace);
	HGT_ADD(s, test_report_jsonl_refuses_a_symlink_and_a_fifo);
	HGT_ADD(s, test_report_journal_socket_directory_must_be_roots);
}
