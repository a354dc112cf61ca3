/* badabi.c - a module built for another ABI: the loader must refuse it. */
#include "config.h"

#include <hardgate/module.h>

static int
check(struct hg_ctx *ctx, const struct hg_args *a)
{
	(void)ctx;
	(void)a;
	return HG_PASS;
}

const struct hg_module hg_module_badabi = {
	.abi = HG_MODULE_ABI + 1000,
	.name = "badabi",
	.phases = HG_PHASES_ALL,
	.check = check,
};
