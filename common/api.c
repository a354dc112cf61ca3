/* api.c - the plugin API of hardgate.h (hg_enforce, hg_check). */
#include "config.h"

#include <hardgate/hardgate.h>

#include "run.h"

static struct hg_decision *
run(const char *service, enum hg_phase phase, enum hg_stage stage)
{
	struct hg_run_opts o = {
		.service = service,
		.phase = phase,
		.stage = stage,
		.record = stage != HG_STAGE_CHECK,
		.keep_loaded = stage != HG_STAGE_CHECK,
		.ignore_mode = stage == HG_STAGE_CHECK,
	};
	struct hg_decision *d = NULL;

	if (service == NULL || hg_run(&o, &d) < 0)
		return NULL;	/* the accessors read NULL as refused */
	return d;
}

struct hg_decision *
hg_enforce(const char *service, enum hg_phase phase)
{
	return run(service, phase, HG_STAGE_PROCESS);
}

struct hg_decision *
hg_check(const char *service, enum hg_phase phase)
{
	return run(service, phase, HG_STAGE_CHECK);
}
