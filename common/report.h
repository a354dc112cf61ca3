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

/*
 * A socket connected to /dev/log, or -1 (syslog is best effort). Opened
 * before the stack runs: after a seccomp filter only send() is needed.
 */
int hg_report_syslog_open(void);

/* One syslog line per FAIL/WARN finding and one for the verdict (LOG_AUTHPRIV) on FD. */
void hg_report_syslog(const struct hg_decision *d, int fd);

/*
 * Open the JSON lines decision log PATH for appending (O_APPEND, no
 * symlinks). Done before the stack runs: a privilege drop may follow.
 * Returns the fd or -errno.
 */
int hg_report_jsonl_open(const char *path);

/* Append D as one line to FD with one write(2). 0 or -errno. */
int hg_report_jsonl(const struct hg_decision *d, int fd);

#endif
