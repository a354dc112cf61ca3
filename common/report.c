/* report.c - findings out: text for people, JSON for machines, syslog and JSONL for the record. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "policy.h"
#include "report.h"
#include "safefile.h"
#include "util.h"

static const char *
verdict(const struct hg_decision *d)
{
	if (!d->matched)
		return "unmatched";
	return d->status == HG_EXIT_ALLOWED ? "allowed" : "refused";
}

/* WHERE, unless the message already starts with it ("PATH is mode ..."). */
static int
shows_where(const struct hg_finding *x)
{
	size_t n = strlen(x->where);

	return n > 0 && strncmp(x->message, x->where, n) != 0;
}

/* One line whatever the values hold (hg_text_str). */
static void
finding_line(FILE *f, const char *svc, const struct hg_finding *x)
{
	fputs("hardgate[", f);
	hg_text_str(f, svc);
	fprintf(f, "]: %s %s ", x->id, hg_severity_name(x->severity));
	if (shows_where(x)) {
		hg_text_str(f, x->where);
		fputc(' ', f);
	}
	hg_text_str(f, x->message);
	if (x->fix[0]) {
		fputs("; fix: ", f);
		hg_text_str(f, x->fix);
	}
	fputc('\n', f);
}

/* The closing line: "hardgate[SERVICE]: allowed: WHY" or "... refused (exit N): WHY". */
static void
verdict_line(FILE *f, const struct hg_decision *d)
{
	fputs("hardgate[", f);
	hg_text_str(f, d->service[0] ? d->service : "-");
	if (d->status == HG_EXIT_ALLOWED)
		fprintf(f, "]: %s: ", verdict(d));
	else
		fprintf(f, "]: refused (exit %d): ", d->status);
	hg_text_str(f, d->reason);
	fputc('\n', f);
}

void
hg_report_error(FILE *f, const char *service, const struct hg_error *e)
{
	const struct hg_finding x = {
		.id = e->id ? e->id : "HG-000", .severity = HG_SEV_FAIL, .module = "core",
		.where = e->where, .message = e->msg, .fix = e->fix,
	};

	finding_line(f, service && *service ? service : "-", &x);
}

int
hg_report_text(const struct hg_decision *d, FILE *f)
{
	const char *svc = d->service[0] ? d->service : "-";

	for (size_t i = 0; i < d->n; i++)
		finding_line(f, svc, &d->f[i]);
	verdict_line(f, d);
	return ferror(f) ? -EIO : 0;
}

static const char *
stage_name(int stage)
{
	static const char *const names[] = { "check", "launcher", "process" };

	return stage >= 0 && stage <= 2 ? names[stage] : "?";
}

static void
json_body(const struct hg_decision *d, FILE *f)
{
	fputs("{\"service\":", f);
	hg_json_str(f, d->service);
	fprintf(f, ",\"decision\":\"%s\",\"status\":%d,\"stage\":\"%s\",\"mode\":",
		verdict(d), d->status, stage_name(d->stage));
	if (d->mode)	/* null where no service ran (lint, an unusable policy) */
		fprintf(f, "\"%s\"", hg_mode_name((enum hg_mode)d->mode));
	else
		fputs("null", f);
	fprintf(f, ",\"would_refuse\":%s,\"reason\":", d->would_refuse ? "true" : "false");
	hg_json_str(f, d->reason);
	fputs(",\"findings\":[", f);
	for (size_t i = 0; i < d->n; i++) {
		const struct hg_finding *x = &d->f[i];

		fputs(i ? ",{\"id\":" : "{\"id\":", f);
		hg_json_str(f, x->id);
		fprintf(f, ",\"severity\":\"%s\",\"module\":", hg_severity_name(x->severity));
		hg_json_str(f, x->module);
		fputs(",\"where\":", f);
		hg_json_str(f, x->where);
		fputs(",\"message\":", f);
		hg_json_str(f, x->message);
		fputs(",\"fix\":", f);
		hg_json_str(f, x->fix);
		fputc('}', f);
	}
	fputs("],\"metrics\":[", f);
	for (size_t i = 0; i < d->nm; i++) {
		const struct hg_metric_sample *x = &d->m[i];

		fprintf(f, "%s{\"name\":\"%s\",\"id\":", i ? "," : "", hg_metric_name(x->kind));
		hg_json_str(f, x->id);
		fputs(",\"module\":", f);
		hg_json_str(f, x->module);
		fputs(",\"where\":", f);
		hg_json_str(f, x->where);
		fputs(",\"key\":", f);
		hg_json_str(f, x->key);
		fprintf(f, ",\"value\":%.17g}", x->value);
	}
	fputs("]}", f);
}

int
hg_report_json(const struct hg_decision *d, FILE *f)
{
	json_body(d, f);
	fputc('\n', f);
	return ferror(f) ? -EIO : 0;
}

/*
 * Syslog by hand on /dev/log: openlog()/closelog() would change the
 * protected program's own syslog identity. Best effort, like syslog(3).
 * MSG is "[SERVICE] ...", its values already made one line (hg_text_str).
 */
static void
send_log(int fd, int prio, const char *msg)
{
	char buf[1024];
	int n;

	n = snprintf(buf, sizeof(buf), "<%d>hardgate[%d]: %s", LOG_AUTHPRIV | prio,
		     (int)getpid(), msg);
	if (n > 0)
		(void)send(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1,
			   MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* A datagram socket connected to PATH, or -1. */
static int
dgram_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
hg_report_syslog_open(void)
{
	return dgram_connect(HG_SYSLOG_SOCKET);
}

void
hg_report_log_open(struct hg_logsink *s, const char *journal, const char *syslog_path)
{
	s->journal = 1;
	if (journal && (s->fd = dgram_connect(journal)) >= 0)
		return;
	s->journal = 0;
	s->fd = dgram_connect(syslog_path);
}

void
hg_report_log_close(struct hg_logsink *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/*
 * One field of journald's native protocol: KEY=VALUE\n, or for a value
 * with a newline KEY\n, its length as 64-bit little endian, VALUE, \n.
 */
static void
jfield(FILE *m, const char *key, const char *val)
{
	uint64_t n = strlen(val);
	unsigned char le[8];

	if (strchr(val, '\n') == NULL) {
		fprintf(m, "%s=%s\n", key, val);
		return;
	}
	for (int i = 0; i < 8; i++)
		le[i] = (unsigned char)(n >> (8 * i));
	fprintf(m, "%s\n", key);
	fwrite(le, 1, sizeof(le), m);
	fwrite(val, 1, n, m);
	fputc('\n', m);
}

/* One journal entry: the common fields, then X's if a finding. */
static void
journal_entry(int fd, int prio, const struct hg_decision *d, const struct hg_finding *x)
{
	const char *svc = d->service[0] ? d->service : "-";
	char *buf = NULL, *line = NULL, num[32];
	size_t len = 0, llen = 0;
	FILE *m;

	if ((m = open_memstream(&line, &llen)) == NULL)
		return;
	if (x)
		finding_line(m, svc, x);
	else
		verdict_line(m, d);
	if (fclose(m) != 0) {
		free(line);
		return;
	}
	if (llen > 0 && line[llen - 1] == '\n')
		line[llen - 1] = '\0';	/* the entry is the line, not its end */
	if ((m = open_memstream(&buf, &len)) == NULL) {
		free(line);
		return;
	}
	jfield(m, "MESSAGE", line);
	free(line);
	fprintf(m, "PRIORITY=%d\nSYSLOG_FACILITY=%d\nSYSLOG_IDENTIFIER=hardgate\nSYSLOG_PID=%d\n", prio,
		LOG_AUTHPRIV >> 3, (int)getpid());
	jfield(m, "HARDGATE_SERVICE", svc);
	jfield(m, "HARDGATE_DECISION", verdict(d));
	snprintf(num, sizeof(num), "%d", d->status);
	jfield(m, "HARDGATE_STATUS", num);
	jfield(m, "HARDGATE_STAGE", stage_name(d->stage));
	if (x) {
		jfield(m, "HARDGATE_ID", x->id);
		jfield(m, "HARDGATE_SEVERITY", hg_severity_name(x->severity));
		jfield(m, "HARDGATE_MODULE", x->module);
		if (x->where[0])
			jfield(m, "HARDGATE_WHERE", x->where);
		if (x->fix[0])
			jfield(m, "HARDGATE_FIX", x->fix);
	}
	if (fclose(m) == 0)
		(void)send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	free(buf);
}

static int
finding_prio(const struct hg_finding *x)
{
	return x->severity == HG_SEV_FAIL ? LOG_ERR : LOG_WARNING;
}

/* One syslog line for X, or the verdict if X is NULL; one line whatever the values hold. */
static void
syslog_entry(int fd, const struct hg_decision *d, const struct hg_finding *x)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	if ((m = open_memstream(&buf, &len)) == NULL)
		return;
	fputc('[', m);
	hg_text_str(m, d->service[0] ? d->service : "-");
	fputs("] ", m);
	if (x) {
		hg_text_str(m, x->id);
		fprintf(m, " %s ", hg_severity_name(x->severity));
		if (shows_where(x)) {
			hg_text_str(m, x->where);
			fputc(' ', m);
		}
		hg_text_str(m, x->message);
	} else {
		fprintf(m, "decision=%s status=%d ", verdict(d), d->status);
		hg_text_str(m, d->reason);
	}
	if (fclose(m) == 0)
		send_log(fd, x ? finding_prio(x) : d->status == HG_EXIT_ALLOWED ? LOG_INFO : LOG_ERR,
			 buf);
	free(buf);
}

void
hg_report_log(const struct hg_decision *d, const struct hg_logsink *s)
{
	int vprio = d->status == HG_EXIT_ALLOWED ? LOG_INFO : LOG_ERR;

	if (s->fd < 0)
		return;
	for (size_t i = 0; i < d->n; i++) {
		const struct hg_finding *x = &d->f[i];

		if (x->severity == HG_SEV_INFO)
			continue;
		if (s->journal)
			journal_entry(s->fd, finding_prio(x), d, x);
		else
			syslog_entry(s->fd, d, x);
	}
	if (s->journal)
		journal_entry(s->fd, vprio, d, NULL);
	else
		syslog_entry(s->fd, d, NULL);
}

/* E's message about the log's directory, said as about WHAT PATH. */
static int
log_error(struct hg_error *e, int r, const char *what, const char *path)
{
	char msg[PATH_MAX + sizeof(e->msg) + 32];
	size_t n;

	snprintf(msg, sizeof(msg), "%s %s: %s", what, path, e->msg);
	n = strnlen(msg, sizeof(e->msg) - 1);
	memcpy(e->msg, msg, n);
	e->msg[n] = '\0';
	return r;
}

/*
 * The directory of the log PATH (WHAT names it in messages), judged as
 * only root's: an O_PATH fd, *NAME set to PATH's last component; or
 * -errno with E (HG-010).
 */
static int
log_dir(const char *path, const char *what, const char **name, struct hg_error *e)
{
	const struct hg_trust t = { "HG-010", HG_UID_NONE, 0, HG_WANT_DIR };
	const char *n = strrchr(path, '/');
	char dir[PATH_MAX];
	int dfd, sticky = 0;

	if (path[0] != '/' || n[1] == '\0' || strcmp(n, "/.") == 0 || strcmp(n, "/..") == 0)
		return hg_error_set(e, EINVAL, "HG-010", path, "name a file by its absolute path",
				    "%s %s is not an absolute file path", what, path);
	if ((size_t)(n - path) >= sizeof(dir))
		return hg_error_set(e, ENAMETOOLONG, "HG-010", path, "use a shorter path",
				    "%s %s: its directory's name is too long", what, path);
	snprintf(dir, sizeof(dir), "%.*s", n == path ? 1 : (int)(n - path), path);
	*name = n + 1;
	if ((dfd = hg_safe_opendir(dir, &t, &sticky, e)) < 0)
		return log_error(e, dfd, what, path);
	if (sticky) {
		close(dfd);
		return hg_error_set(e, EPERM, "HG-010", dir,
				    "put it in a directory only root can write",
				    "%s %s: directory %s is writable by others (sticky): they could "
				    "put their own in its place", what, path, dir);
	}
	return dfd;
}

int
hg_report_journal_trusted(const char *path, struct hg_error *e)
{
	const char *name;
	int dfd = log_dir(path, "journal socket", &name, e);

	if (dfd < 0)
		return dfd;
	close(dfd);
	return 0;
}

int
hg_report_jsonl_trusted(const char *path, struct hg_error *e)
{
	const char *name;
	int dfd = log_dir(path, "decision log", &name, e);

	if (dfd < 0)
		return dfd;
	close(dfd);
	return 0;
}

int
hg_report_jsonl_open(const char *path, struct hg_error *e)
{
	const char *name;
	struct stat st;
	int dfd, fd, err;

	if ((dfd = log_dir(path, "decision log", &name, e)) < 0)
		return dfd;
	fd = openat(dfd, name, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY |
		    O_NONBLOCK, 0640);
	err = errno;
	close(dfd);
	if (fd < 0)
		return hg_error_set(e, err, "HG-010", path,
				    err == EACCES ? "create it writable by the service's group "
				    "(install -m 0620 -g GROUP /dev/null PATH), or change "
				    "hardgate.log.json" :
				    "create its directory for root, or change hardgate.log.json",
				    "cannot open decision log %s as uid %u: %s", path,
				    (unsigned)geteuid(), strerror(err));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return hg_error_set(e, EINVAL, "HG-010", path, "point hardgate.log.json at a file",
				    "decision log %s is not a regular file", path);
	}
	/* the caller owns the fd (cppcheck misses that a returned fd is not lost) */
	/* cppcheck-suppress resourceLeak */
	return fd;
}

int
hg_report_jsonl(const struct hg_decision *d, int fd)
{
	char *buf = NULL;
	size_t len = 0;
	ssize_t w;
	FILE *m;
	int err = 0;

	if ((m = open_memstream(&buf, &len)) == NULL)
		return -ENOMEM;
	fprintf(m, "{\"time\":%lld,\"pid\":%d,\"record\":", (long long)time(NULL), (int)getpid());
	json_body(d, m);
	fputs("}\n", m);
	if (fclose(m) != 0) {
		free(buf);
		return -ENOMEM;
	}
	w = write(fd, buf, len);	/* one write: one whole line in the log */
	if (w < 0 || (size_t)w != len)
		err = w < 0 ? -errno : -EIO;
	free(buf);
	return err;
}
