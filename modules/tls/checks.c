/*
 * checks.c - judge parsed TLS material: validity window, key strength,
 * server name, chain. Every check reports its own findings through
 * tls_fail() or hg_finding() and marks the run failed when it refuses.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include "tls.h"

#define RENEW_FIX "renew the certificate and restart the service"

/* "2027-03-01 12:00 UTC" of T into BUF. */
static const char *
when(const ASN1_TIME *t, char *buf, size_t n)
{
	struct tm tm;

	if (!ASN1_TIME_to_tm(t, &tm) || strftime(buf, n, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(buf, n, "(unreadable time)");
	return buf;
}

/* Not yet valid: HG_FAIL with a finding under r->id. */
static int
not_before(struct tls_run *r, const struct tls_cert *c, const char *path)
{
	const ASN1_TIME *nb = X509_get0_notBefore(c->x);
	char t[64];

	if (X509_cmp_current_time(nb) < 0)
		return HG_PASS;
	tls_fail(r, r->id, path, "check the clock, or issue a certificate valid from now",
		 "certificate %s (%s, %s) is not valid before %s", path, c->subject, c->fp,
		 when(nb, t, sizeof(t)));
	return HG_FAIL;
}

/* notAfter as a Unix time, for hardgate audit's days-left gauge. */
static void
report_not_after(struct tls_run *r, const struct tls_cert *c, const ASN1_TIME *na,
		 const char *path)
{
	struct tm tm;

	if (ASN1_TIME_to_tm(na, &tm))
		hg_metric(r->ctx, HG_METRIC_CERT_NOT_AFTER, r->expiry_id, path, c->fp,
			  (double)timegm(&tm));
}

void
tls_check_validity(struct tls_run *r, const struct tls_cert *c, const char *path)
{
	const ASN1_TIME *na = X509_get0_notAfter(c->x);
	int days, secs;
	char t[64];

	if (not_before(r, c, path) != HG_PASS)
		return;
	when(na, t, sizeof(t));
	if (!ASN1_TIME_diff(&days, &secs, NULL, na)) {
		tls_fail(r, r->id, path, RENEW_FIX, "certificate %s (%s, %s) has an unreadable notAfter",
			 path, c->subject, c->fp);
		return;
	}
	report_not_after(r, c, na, path);
	if (days < 0 || secs < 0) {
		tls_fail(r, r->expiry_id, path, RENEW_FIX,
			 "certificate %s (%s, %s) expired %d days ago, on %s", path, c->subject,
			 c->fp, -days, t);
		return;
	}
	hg_finding(r->ctx, r->expiry_id, HG_SEV_INFO, path, NULL,
		   "certificate %s (%s, %s) expires in %d days, on %s", path, c->subject, c->fp,
		   days, t);
	if (days < r->min_days)
		tls_fail(r, r->expiry_id, path, RENEW_FIX,
			 "certificate %s (%s, %s) expires in %d days, fewer than min_days_left %lld",
			 path, c->subject, c->fp, days, r->min_days);
	else if (days < r->warn_days)
		hg_finding(r->ctx, r->expiry_id, HG_SEV_WARN, path, RENEW_FIX,
			   "certificate %s (%s, %s) expires in %d days, fewer than warn_days_left %lld",
			   path, c->subject, c->fp, days, r->warn_days);
}

/* The EC named curves accepted: P-256 and stronger. */
static int
good_curve(const char *name)
{
	static const char *const ok[] = { "prime256v1", "secp384r1", "secp521r1", NULL };

	for (size_t i = 0; ok[i]; i++)
		if (strcmp(name, ok[i]) == 0)
			return 1;
	return 0;
}

#define NEWKEY_FIX "generate a new key (openssl genpkey -algorithm EC -pkeyopt " \
	"ec_paramgen_curve:P-256, or RSA of 3072 bits) and a certificate for it"

static void
check_ec(struct tls_run *r, EVP_PKEY *k, const char *path)
{
	char curve[64];

	if (!EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof(curve),
					    NULL)) {
		ERR_clear_error();
		tls_fail(r, r->id, path, NEWKEY_FIX,
			 "EC key %s has explicit curve parameters; only named curves are accepted",
			 path);
		return;
	}
	if (!good_curve(curve))
		tls_fail(r, r->id, path, NEWKEY_FIX,
			 "EC key %s is on curve %s; P-256, P-384 or P-521 is required", path, curve);
}

void
tls_check_strength(struct tls_run *r, EVP_PKEY *k, const char *path)
{
	int type = EVP_PKEY_get_base_id(k), bits = EVP_PKEY_get_bits(k);

	switch (type) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		if (bits < r->min_rsa_bits)
			tls_fail(r, r->id, path, NEWKEY_FIX,
				 "RSA key %s has %d bits, fewer than min_rsa_bits %lld", path, bits,
				 r->min_rsa_bits);
		return;
	case EVP_PKEY_EC:
		check_ec(r, k, path);
		return;
	case EVP_PKEY_ED25519:
	case EVP_PKEY_ED448:
		return;
	default:
		tls_fail(r, r->id, path, NEWKEY_FIX,
			 "%s key %s is not accepted (RSA, EC P-256/384/521, Ed25519 or Ed448)",
			 EVP_PKEY_get0_type_name(k) ? EVP_PKEY_get0_type_name(k) : "unknown", path);
	}
}

/* The DNS and IP entries of C's subjectAltName, for a message. */
static const char *
san_list(const struct tls_cert *c, char *buf, size_t n)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(c->x, NID_subject_alt_name, NULL, NULL);
	size_t used = 0;

	snprintf(buf, n, "none");
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens) && used < n; i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		char ip[INET6_ADDRSTRLEN] = "?";
		const char *sep = used ? ", " : "";
		int w = 0;

		if (g->type == GEN_DNS)
			w = snprintf(buf + used, n - used, "%sDNS:%.*s", sep,
				     ASN1_STRING_length(g->d.dNSName),
				     (const char *)ASN1_STRING_get0_data(g->d.dNSName));
		else if (g->type == GEN_IPADD) {
			int len = ASN1_STRING_length(g->d.iPAddress);

			/* inet_ntop reads 4 or 16 bytes: a malformed entry stays "?" */
			if (len == 4 || len == 16)
				inet_ntop(len == 16 ? AF_INET6 : AF_INET,
					  ASN1_STRING_get0_data(g->d.iPAddress), ip, sizeof(ip));
			w = snprintf(buf + used, n - used, "%sIP:%s", sep, ip);
		}
		used += w > 0 ? (size_t)w : 0;
	}
	GENERAL_NAMES_free(gens);
	return buf;
}

void
tls_check_name(struct tls_run *r, const struct tls_cert *c, const char *path, const char *name)
{
	unsigned char ip[16];
	char sans[256], fix[512];
	int ok;

	if (inet_pton(AF_INET, name, ip) == 1 || inet_pton(AF_INET6, name, ip) == 1)
		ok = X509_check_ip_asc(c->x, name, 0) == 1;
	else
		ok = X509_check_host(c->x, name, strlen(name),
				     X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
					     X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS,
				     NULL) == 1;
	ERR_clear_error();
	if (ok)
		return;
	snprintf(fix, sizeof(fix),
		 "issue a certificate with subjectAltName %s:%s, or correct server_name",
		 strchr(name, ':') || inet_pton(AF_INET, name, ip) == 1 ? "IP" : "DNS", name);
	tls_fail(r, r->name_id, path, fix,
		 "certificate %s (%s, %s) does not name %s in its subjectAltName (it has %s; "
		 "the subject CN does not count)",
		 path, c->subject, c->fp, name, san_list(c, sans, sizeof(sans)));
}

/* What the verification callback saw first (time and EE key size excluded). */
struct verdict {
	int err, depth;
	char subject[256], issuer[256];
};

static void
name_of(const X509_NAME *nm, char *buf, size_t n)
{
	if (nm == NULL || X509_NAME_oneline(nm, buf, (int)n) == NULL)
		snprintf(buf, n, "?");
}

static int
verify_cb(int ok, X509_STORE_CTX *ctx)
{
	struct verdict *v = X509_STORE_CTX_get_app_data(ctx);
	int err = X509_STORE_CTX_get_error(ctx), depth = X509_STORE_CTX_get_error_depth(ctx);
	X509 *x = X509_STORE_CTX_get_current_cert(ctx);

	if (ok)
		return 1;
	/* Judged by tls_check_validity and tls_check_strength, with figures. */
	if (err == X509_V_ERR_CERT_HAS_EXPIRED || err == X509_V_ERR_CERT_NOT_YET_VALID ||
	    (err == X509_V_ERR_EE_KEY_TOO_SMALL && depth == 0))
		return 1;
	if (v->err == X509_V_OK) {
		v->err = err;
		v->depth = depth;
		name_of(x ? X509_get_subject_name(x) : NULL, v->subject, sizeof(v->subject));
		name_of(x ? X509_get_issuer_name(x) : NULL, v->issuer, sizeof(v->issuer));
	}
	return 0;
}

static int
unknown_issuer(int err)
{
	return err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
	       err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT ||
	       err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT ||
	       err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
	       err == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE;
}

static void
report_chain(struct tls_run *r, const struct tls_cert *leaf, const struct verdict *v,
	     const char *cert_path, const char *ca_path, const char *purpose)
{
	const char *fix = "issue the certificate from the CA in ca, or correct ca";

	if (v->err == X509_V_ERR_INVALID_PURPOSE)
		fix = "issue a certificate with extendedKeyUsage serverAuth (and clientAuth for "
		      "mutual TLS), or correct purpose";
	if (unknown_issuer(v->err))
		tls_fail(r, r->id, cert_path, fix,
			 "certificate %s (%s, %s) is not issued by a CA in %s: %s (depth %d, %s, "
			 "issuer %s)",
			 cert_path, leaf->subject, leaf->fp, ca_path,
			 X509_verify_cert_error_string(v->err), v->depth, v->subject, v->issuer);
	else
		tls_fail(r, r->id, cert_path, fix,
			 "certificate %s (%s, %s) does not verify against %s for purpose %s: %s "
			 "(depth %d, %s)",
			 cert_path, leaf->subject, leaf->fp, ca_path, purpose,
			 X509_verify_cert_error_string(v->err), v->depth, v->subject);
}

/* One verification for PURPOSE_ID; the chain built goes to *CHAIN if it is NULL. */
static int
verify_once(struct tls_run *r, X509_STORE *st, const struct tls_cert *leaf,
	    STACK_OF(X509) *others, int purpose_id, struct verdict *v, STACK_OF(X509) **chain)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509_VERIFY_PARAM *p;
	int ok = 0;

	memset(v, 0, sizeof(*v));
	if (ctx == NULL || !X509_STORE_CTX_init(ctx, st, leaf->x, others))
		goto out;
	p = X509_STORE_CTX_get0_param(ctx);
	/* As rustls: any certificate in ca is a trust anchor, not only roots. */
	X509_VERIFY_PARAM_set_flags(p, X509_V_FLAG_PARTIAL_CHAIN);
	/* Level 2: no RSA/DSA under 2048 bits, no SHA-1 signatures in the chain. */
	X509_VERIFY_PARAM_set_auth_level(p, r->min_rsa_bits >= 2048 ? 2 : 1);
	if (purpose_id && !X509_STORE_CTX_set_purpose(ctx, purpose_id))
		goto out;
	X509_STORE_CTX_set_app_data(ctx, v);
	X509_STORE_CTX_set_verify_cb(ctx, verify_cb);
	ok = X509_verify_cert(ctx) == 1;
	if (!ok && v->err == X509_V_OK)
		v->err = X509_STORE_CTX_get_error(ctx);
	if (*chain == NULL)
		*chain = X509_STORE_CTX_get1_chain(ctx);
out:
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

void
tls_check_chain(struct tls_run *r, const struct tls_cert *leaf, STACK_OF(X509) *others,
		STACK_OF(X509) *cas, const char *cert_path, const char *ca_path,
		const char *purpose, STACK_OF(X509) **chain)
{
	static const struct {
		const char *name;
		int id[2];
	} purposes[] = {
		{ "server", { X509_PURPOSE_SSL_SERVER, 0 } },
		{ "client", { X509_PURPOSE_SSL_CLIENT, 0 } },
		{ "both", { X509_PURPOSE_SSL_SERVER, X509_PURPOSE_SSL_CLIENT } },
		{ "any", { X509_PURPOSE_ANY, 0 } },
	};
	X509_STORE *st = X509_STORE_new();
	struct verdict v = { 0 };	/* reported even when no verification ran */
	size_t pi = 0;

	*chain = NULL;
	for (size_t i = 0; i < sizeof(purposes) / sizeof(purposes[0]); i++)
		if (strcmp(purpose, purposes[i].name) == 0)
			pi = i;
	for (int i = 0; st && i < sk_X509_num(cas); i++)
		if (!X509_STORE_add_cert(st, sk_X509_value(cas, i)))
			ERR_clear_error();	/* a duplicate in the bundle */
	for (int k = 0; k < 2 && purposes[pi].id[k]; k++) {
		if (st == NULL ||
		    !verify_once(r, st, leaf, others, purposes[pi].id[k], &v, chain)) {
			if (st == NULL)
				v.err = X509_V_ERR_OUT_OF_MEM;
			report_chain(r, leaf, &v, cert_path, ca_path,
				     purposes[pi].id[1] ? (k ? "client" : "server")
							: purposes[pi].name);
			break;
		}
	}
	X509_STORE_free(st);
}
