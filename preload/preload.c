/*
 * preload.c - libhardgate-preload.so: run the service's stack before main.
 *
 * Loaded by LD_PRELOAD (hardgate exec sets it), by /etc/ld.so.preload for
 * a host baseline, or by hand. Its constructor picks the service (from
 * HARDGATE_SERVICE, or a match on the executable and argv), runs the
 * stack in the process itself (checks, then every apply step, then the
 * read-back), and on refusal prints the findings and _exit()s 78 before
 * the program's own code runs. A process that matches no service passes
 * untouched, and so does the hardgate program itself. Exports only the
 * interposers of interpose.c and its mark (preload.map,
 * -fvisibility=hidden).
 *
 * In set-uid programs (AT_SECURE) secure_getenv() hides HARDGATE_*, so
 * only the default policy and its match rules apply there.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decision.h"
#include "hgenv.h"
#include "report.h"
#include "run.h"
#include "safefile.h"

/* Proves to hardgate that this file is its preload (hgenv.h). */
extern const char hg_preload_mark[];
__attribute__((visibility("default"))) const char hg_preload_mark[] = HG_PRELOAD_MARK_VALUE;

/*
 * Inside the hardgate program (it exports HG_CLI_MARK): exec's proof load,
 * or a light drop-in's ExecStartPre= probe, which inherits the unit's
 * LD_PRELOAD and HARDGATE_SERVICE. Running the stack there would apply
 * the service's controls to its judge. Only the program's own export
 * counts: a library the service loads cannot switch the preload off.
 */
struct mark_in_main {
	const char *mark;
	int found;
};

/* dl_iterate_phdr walks the program first: is the mark inside one of its segments? */
static int
main_holds(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct mark_in_main *m = arg;
	uintptr_t a = (uintptr_t)m->mark;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = (uintptr_t)info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type == PT_LOAD && a >= lo && a - lo < ph->p_memsz)
			m->found = 1;
	}
	return 1;	/* the program only, never a library it loaded */
}

static int
in_hardgate(void)
{
	struct mark_in_main m = { dlsym(RTLD_DEFAULT, HG_CLI_MARK), 0 };

	if (m.mark != NULL)
		dl_iterate_phdr(main_holds, &m);
	return m.found;
}

/* The preload must itself be root-owned and not group/world-writable. */
static int
self_trusted(struct hg_error *e)
{
	const struct hg_trust t = { "HG-009", HG_UID_NONE, 0, HG_WANT_FILE };
	Dl_info info;
	struct stat st;
	int fd;

	if (dladdr((void *)self_trusted, &info) == 0 || info.dli_fname == NULL)
		return hg_error_set(e, ENOENT, "HG-009", "", "reinstall hardgate",
				    "the preload cannot find its own file");
	if ((fd = hg_safe_open(info.dli_fname, O_PATH, &t, &st, e)) < 0)
		return fd;
	close(fd);
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return hg_error_set(e, EPERM, "HG-009", info.dli_fname,
				    "chown root and chmod 0644 the preload",
				    "preload %s is not root-owned or is group/world-writable",
				    info.dli_fname);
	return 0;
}

static void
refuse_now(struct hg_decision *d, const struct hg_error *e)
{
	if (e && (d == NULL || hg_decision_add_error(d, e) < 0)) {
		hg_report_error(stderr, NULL, e);
		_exit(HG_EXIT_INTERNAL);
	}
	if (d == NULL) {
		fprintf(stderr, "hardgate: refused: out of memory\n");
		_exit(HG_EXIT_INTERNAL);
	}
	if (e)
		hg_decision_set(d, HG_EXIT_REFUSED, "preload cannot be trusted");
	hg_report_text(d, stderr);
	fflush(stderr);
	_exit(d->status == HG_EXIT_ALLOWED ? HG_EXIT_INTERNAL : d->status);
}

__attribute__((constructor)) static void
hg_preload_init(int argc, char **argv, char **envp)
{
	struct hg_run_opts o = {
		.service = secure_getenv(HG_ENV_SERVICE),
		.stage = HG_STAGE_PROCESS,
		.argc = argc,
		.argv = argv,
		.record = 1,
		.keep_loaded = 1,	/* module code may stay active (interposers) */
		.interposed = 1,	/* connect() & co. pass through interpose.c */
	};
	struct hg_decision *d = NULL;
	struct hg_error e = { 0 };
	int saved = errno;

	(void)envp;
	if (in_hardgate())
		return;
	if (o.service && o.service[0] == '\0')
		o.service = NULL;
	{
		const char *l = secure_getenv(HG_ENV_LAUNCHED);

		o.launched = o.service && l && strcmp(l, o.service) == 0;
	}
	/* Before anything is applied: a tampered install refuses everything. */
	if (self_trusted(&e) < 0) {
		d = hg_decision_new(o.service);
		if (d)
			d->matched = 1;
		refuse_now(d, &e);
	}
	if (hg_run(&o, &d) < 0)
		refuse_now(NULL, NULL);
	if (!d->matched) {	/* not a protected service */
		hg_decision_free(d);
		errno = saved;
		return;
	}
	if (d->status != HG_EXIT_ALLOWED)
		refuse_now(d, NULL);
	if (hg_decision_noteworthy(d))
		hg_report_text(d, stderr);
	hg_decision_free(d);
	errno = saved;
}
