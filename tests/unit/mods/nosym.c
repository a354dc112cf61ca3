/* nosym.c - a module that exports the wrong symbol: the loader must refuse it. */
#include "config.h"

#include <hardgate/module.h>

static int
check(struct hg_ctx *ctx, const struct hg_args *a)
{
	(void)ctx;
	(void)a;
	return HG_PASS;
}

const struct hg_module hg_module_somethingelse = {
	.abi = HG_MODULE_ABI,
	.name = "nosym",
	.phases = HG_PHASES_ALL,
	.check = check,
};
