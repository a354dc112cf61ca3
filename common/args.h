/* args.h - module arguments: validation against the module's spec, accessors. */
#ifndef HG_COMMON_ARGS_H
#define HG_COMMON_ARGS_H

#include <hardgate/module.h>

#include "error.h"
#include "policy.h"

/*
 * Check ARGS against M's declared args: every arg declared, of its type,
 * within its choices, modes and IDs well-formed, required ones present.
 * Parses HG_ARG_MODE strings into num. 0 or -EINVAL with E (HG-004).
 */
int hg_args_validate(struct hg_args *args, const struct hg_module *m, struct hg_error *e);

/* The accessors behind struct hg_host. */
int hg_args_isset(const struct hg_args *a, const char *name);
const char *hg_args_str(const struct hg_args *a, const char *name);
int hg_args_bool(const struct hg_args *a, const char *name, int def);
long long hg_args_int(const struct hg_args *a, const char *name, long long def);
size_t hg_args_list_len(const struct hg_args *a, const char *name);
const char *hg_args_list_at(const struct hg_args *a, const char *name, size_t i);
const char *hg_args_where(const struct hg_args *a, const char *name);

#endif
