/*
 * test_chainoom.c - when OpenSSL cannot allocate the certificate store,
 * tls_check_chain reports that (out of memory) and reads nothing of the
 * verdict that no verification filled: the depth and the subject were
 * left uninitialised, and the subject was printed with %s. Its own
 * program, because OpenSSL's allocator can only be replaced before its
 * first allocation. Exit 0 pass, 1 fail (automake).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/x509_vfy.h>

#include "tls.h"

static int fail_next;	/* the next OpenSSL allocation fails */
static char msg[2048];

static void *
t_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	if (fail_next) {
		fail_next = 0;
		return NULL;
	}
	return malloc(n);
}

static void *
t_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return realloc(p, n);
}

static void
t_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	free(p);
}

static void vfinding(struct hg_ctx *ctx, const char *id, enum hg_severity sev, const char *where,
		     const char *fix, const char *fmt, va_list ap)
	__attribute__((format(printf, 6, 0)));

static void
vfinding(struct hg_ctx *ctx, const char *id, enum hg_severity sev, const char *where,
	 const char *fix, const char *fmt, va_list ap)
{
	(void)ctx;
	(void)id;
	(void)sev;
	(void)where;
	(void)fix;
	vsnprintf(msg, sizeof(msg), fmt, ap);
}

/* Leave what a busy process leaves where the next frames go: no zeros. */
static __attribute__((noinline)) void
dirty_stack(void)
{
	volatile char junk[8192];

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = 'A';
}

int
main(void)
{
	static const struct hg_host host = { .abi = HG_MODULE_ABI, .vfinding = vfinding };
	struct hg_ctx ctx = { &host, NULL };
	struct tls_run r = { .ctx = &ctx, .id = "HG-020", .min_rsa_bits = 2048, .result = HG_PASS };
	struct tls_cert leaf = { .x = NULL, .fp = "fp", .subject = "CN=leaf" };
	STACK_OF(X509) *chain = NULL;
	int ok;

	if (!CRYPTO_set_mem_functions(t_malloc, t_realloc, t_free)) {
		fprintf(stderr, "cannot replace OpenSSL's allocator\n");
		return 99;
	}
	/* what allocates once (error strings), before the failure is armed */
	OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL);
	(void)X509_verify_cert_error_string(X509_V_ERR_OUT_OF_MEM);
	dirty_stack();
	fail_next = 1;	/* X509_STORE_new's */
	tls_check_chain(&r, &leaf, NULL, NULL, "/c.pem", "/ca.pem", "server", &chain);
	fail_next = 0;
	ok = r.result == HG_FAIL && chain == NULL && strstr(msg, "out of memory (depth 0, )");
	printf("%s tls_check_chain without a store: %.300s\n", ok ? "ok  " : "FAIL", msg);
	return !ok;
}
