/*
 * hgenv.h - environment variables shared by cli/, preload/ and the core.
 * Read with secure_getenv(): ignored in set-uid/set-gid processes.
 */
#ifndef HG_COMMON_HGENV_H
#define HG_COMMON_HGENV_H

#define HG_ENV_CONF "HARDGATE_CONF"		/* policy file instead of the default */
#define HG_ENV_SERVICE "HARDGATE_SERVICE"	/* service to run, instead of match */
/*
 * The preload exports HG_PRELOAD_MARK, a string equal to
 * HG_PRELOAD_MARK_VALUE (preload.map): an LD_PRELOAD object without it is
 * not hardgate's preload, and hardgate refuses to start a program on it.
 */
#define HG_PRELOAD_MARK "hg_preload_mark"
#define HG_PRELOAD_MARK_VALUE "hardgate-preload-1"
/*
 * The hardgate program exports HG_CLI_MARK (cli/cli.dyn): the preload
 * does nothing in it. hardgate loads the preload itself to prove it loads
 * (exec), and a light drop-in's ExecStartPre= probe runs hardgate with
 * the unit's LD_PRELOAD and HARDGATE_SERVICE: the service's stack must
 * not run, nor drop privileges, inside the judge.
 */
#define HG_CLI_MARK "hg_cli_mark"
/*
 * Set by hardgate exec to the service it checked: the child's preload
 * then only applies and verifies (the checks ran before any privilege
 * drop, which the child could no longer repeat). Whoever can set this
 * can also unset LD_PRELOAD; the controls are still read back.
 */
#define HG_ENV_LAUNCHED "HARDGATE_LAUNCHED"

#endif
