/*
 * hgenv.h - environment variables shared by cli/, preload/ and the core.
 * Read with secure_getenv(): ignored in set-uid/set-gid processes.
 */
#ifndef HG_COMMON_HGENV_H
#define HG_COMMON_HGENV_H

#define HG_ENV_CONF "HARDGATE_CONF"		/* policy file instead of the default */
#define HG_ENV_SERVICE "HARDGATE_SERVICE"	/* service to run, instead of match */
#define HG_ENV_PROBE "HARDGATE_PRELOAD_PROBE"	/* exec's own dlopen test of the preload */

#endif
