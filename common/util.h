/* util.h - small pure helpers shared by the core and the modules. */
#ifndef HG_COMMON_UTIL_H
#define HG_COMMON_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* Parse an octal permission string "0600"/"600" (<= 07777). 0 or -EINVAL. */
int hg_parse_mode(const char *s, mode_t *out);

/* Look up a user/group by name or decimal id. 0 or -ENOENT. */
int hg_parse_uid(const char *s, uid_t *out);
int hg_parse_gid(const char *s, gid_t *out);

/*
 * Write S as a JSON string literal (with quotes) to F: control bytes
 * escaped, a byte that is not part of well-formed UTF-8 written as
 * \ufffd, so the output is valid JSON whatever S holds.
 */
void hg_json_str(FILE *f, const char *s);

/* Same for S[0..N), which may contain NUL bytes (written as \u0000). */
void hg_json_strn(FILE *f, const char *s, size_t n);

/*
 * Write S to F for a one-line text message: control bytes (a newline in
 * a policy value, an ANSI escape) as \n, \t, \r or \xNN, so input can
 * never add a line of its own to hardgate's output.
 */
void hg_text_str(FILE *f, const char *s);

/* Offset of the first byte of S[0..N) that is not well-formed UTF-8, or N. */
size_t hg_utf8_check(const char *s, size_t n);

/* strdup that returns NULL for NULL. */
char *hg_strdup0(const char *s);

/*
 * ARR (N used of *CAP, ELEM bytes each) with room for one more: ARR, a
 * grown copy (*CAP doubled, 8 at first), or NULL with ARR left as it was.
 */
void *hg_room(void *arr, size_t *cap, size_t n, size_t elem);

/* Read a small text file (a /proc or /sys value) into BUF, trimmed. 0 or -errno. */
int hg_read_small(const char *path, char *buf, size_t n);

/* The value of "KEY:" in /proc/self/status (trimmed) into BUF. 0 or -errno. */
int hg_proc_status(const char *key, char *buf, size_t n);

/*
 * All of /proc/self/status into BUF (8 KiB is enough), to read several
 * keys from one snapshot with hg_status_value(): each open and read of
 * that file costs the kernel a full status render. 0 or -errno.
 */
int hg_proc_status_all(char *buf, size_t n);

/* The value of "KEY:" in ST, a /proc status text, trimmed, into BUF. 0 or -ENOENT. */
int hg_status_value(const char *st, const char *key, char *buf, size_t n);

/* Same as hg_proc_status, read with pread(2) from FD, an open /proc/self/status (after a seccomp filter). */
int hg_proc_status_fd(int fd, const char *key, char *buf, size_t n);

/* Join ROOT and PATH ("" root means PATH itself) into BUF. */
const char *hg_rooted(const char *root, const char *path, char *buf, size_t n);

#endif
