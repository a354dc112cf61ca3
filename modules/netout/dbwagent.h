/* dbwagent.h - netout's allow-list from a dbward agent's config (dbwagent.c). */
#ifndef HG_NETOUT_DBWAGENT_H
#define HG_NETOUT_DBWAGENT_H

#include <hardgate/module.h>

/*
 * Call EMIT(entry, ARG) for each destination of the agent config named by
 * the `from_dbward_agent` arg (names resolved, one entry per address).
 * HG_PASS, HG_FAIL with findings under ID, or HG_ERROR (no memory).
 */
int hg_netout_from_dbward(struct hg_ctx *ctx, const struct hg_args *a, const char *id,
			  int (*emit)(const char *entry, void *arg), void *arg);

#endif
