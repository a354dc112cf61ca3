/* match.h - which service a process is, from its executable and argv. */
#ifndef HG_COMMON_MATCH_H
#define HG_COMMON_MATCH_H

#include "error.h"
#include "policy.h"

/*
 * A service matches when its match.exe equals EXE (if set) and its
 * match.argv equals ARGV[1..] element by element (if set); a service with
 * no match block never matches. Returns 1 and *OUT on one match, 0 on
 * none, -EEXIST with E (HG-005) when two services match.
 */
int hg_match_service(const struct hg_policy *p, const char *exe, int argc, char **argv,
		     const struct hg_service **out, struct hg_error *e);

#endif
