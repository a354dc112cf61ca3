/*
 * envfile.h - a systemd EnvironmentFile= (KEY=VALUE lines) as systemd
 * reads it (src/basic/env-file.c, parse_env_file_internal), but refusing
 * what systemd would silently skip, so a typo never hides a secret:
 *
 *   - blank lines; lines whose first non-blank is '#' or ';' are comments;
 *   - KEY=VALUE, blanks around KEY and before VALUE ignored; KEY is
 *     [A-Za-z_][A-Za-z0-9_]* (systemd's check is looser: we refuse more);
 *   - unquoted: trailing blanks dropped, '\' takes the next character
 *     literally, '\' at the end of a line joins the next line;
 *   - '...': everything literal up to the next ';
 *   - "...": '\' before " \ ` $ gives that character, before a newline
 *     joins lines, before anything else stays a backslash;
 *   - quoted and unquoted pieces join: A="x"'y'z is xyz;
 *   - the same KEY twice: the last one wins (as systemd).
 * Refused, naming file:line: a line with no '=', a bad KEY, a quote left
 * open at the end of the file, a NUL byte.
 */
#ifndef HG_SECRETENV_ENVFILE_H
#define HG_SECRETENV_ENVFILE_H

#include <stddef.h>

#define HG_ENV_KEY_MAX 128

/*
 * Called once per assignment, in file order. VAL (LEN bytes, NUL after)
 * lives in OUT of hg_envfile_parse until the caller frees it. Return 0,
 * or a negative errno to stop the parse.
 */
typedef int (*hg_env_push)(void *arg, const char *key, unsigned line, const char *val,
			   size_t len);

/*
 * Parse TEXT (LEN bytes). Values are written to OUT, which must hold
 * LEN + 1 bytes (secret memory: the caller allocates and wipes it).
 * Returns 0, the callback's error, or -EINVAL with *BADLINE set and a
 * reason (no value in it) in WHY.
 */
int hg_envfile_parse(const char *text, size_t len, char *out, hg_env_push push, void *arg,
		     unsigned *badline, char *why, size_t whylen);

/* 1 if NAME is a valid variable name ([A-Za-z_][A-Za-z0-9_]*). */
int hg_env_name_valid(const char *name);

#endif
