/* report.h - findings for people (text), machines (JSON) and the record (syslog, JSONL). */
#ifndef HG_COMMON_REPORT_H
#define HG_COMMON_REPORT_H

#include <stdio.h>

#include "decision.h"
#include "error.h"

/* "hardgate[SERVICE]: ID SEVERITY WHERE WHAT; fix: HOW" per finding, then the verdict. */
int hg_report_text(const struct hg_decision *d, FILE *f);

/* One error as a finding line ("hardgate[SERVICE]: ID FAIL WHERE WHAT; fix: HOW"). */
void hg_report_error(FILE *f, const char *service, const struct hg_error *e);

/* One JSON object: service, decision, status, reason, findings[]. */
int hg_report_json(const struct hg_decision *d, FILE *f);

/* A socket connected to /dev/log, or -1 (the preload's connect() refusals). */
int hg_report_syslog_open(void);

#define HG_JOURNAL_SOCKET "/run/systemd/journal/socket"
#define HG_SYSLOG_SOCKET "/dev/log"

/* The system log: journald's native protocol, or syslog lines. */
struct hg_logsink {
	int fd;		/* connected datagram socket, -1: none */
	int journal;	/* 1: journald native protocol, 0: syslog */
};

/*
 * Connect S to JOURNAL (journald's native socket; NULL: none), or when
 * that is absent to SYSLOG; S->fd is -1 if neither answers (the log is
 * best effort, like syslog(3)). Opened before the stack runs: afterwards
 * only send() runs.
 */
void hg_report_log_open(struct hg_logsink *s, const char *journal, const char *syslog_path);

/*
 * 0 if the directory of the journal socket PATH is reached through
 * root-owned directories nobody else can write and is one itself (not
 * sticky), so nobody else can put a socket of theirs in its place and
 * take the record; else -errno with E (HG-010; -ENOENT: no journal there).
 */
int hg_report_journal_trusted(const char *path, struct hg_error *e);
void hg_report_log_close(struct hg_logsink *s);

/*
 * One entry per FAIL/WARN finding and one for the verdict (LOG_AUTHPRIV).
 * To the journal with the fields MESSAGE (the finding line, as printed),
 * PRIORITY, SYSLOG_FACILITY, SYSLOG_IDENTIFIER=hardgate, SYSLOG_PID,
 * HARDGATE_SERVICE, HARDGATE_DECISION, HARDGATE_STATUS, HARDGATE_STAGE and
 * per finding HARDGATE_ID, HARDGATE_SEVERITY, HARDGATE_MODULE,
 * HARDGATE_WHERE, HARDGATE_FIX; to syslog as "hardgate[PID]: [SERVICE] ...".
 */
void hg_report_log(const struct hg_decision *d, const struct hg_logsink *s);

/*
 * Open the JSON lines decision log PATH for appending (O_APPEND,
 * O_NOFOLLOW, O_CLOEXEC; a regular file). Its directory must be reached
 * through root-owned directories nobody else can write (hg_safe_opendir)
 * and be one itself: no sticky /tmp, where another user could put a file
 * of their own in its place. Done before the stack runs: a privilege drop
 * may follow. Returns the fd, or -errno with E filled (HG-010).
 */
int hg_report_jsonl_open(const char *path, struct hg_error *e);

/*
 * What hg_report_jsonl_open() judges of PATH's directory, opening
 * nothing (hardgate lint): 0, or -errno with E (-ENOENT: it is missing).
 */
int hg_report_jsonl_trusted(const char *path, struct hg_error *e);

/* Append D as one line to FD with one write(2). 0 or -errno. */
int hg_report_jsonl(const struct hg_decision *d, int fd);

#endif
