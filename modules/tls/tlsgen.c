/* tlsgen.c - see tlsgen.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "tlsgen.h"
#include "testutil.h"

static void
die(const char *what)
{
	fprintf(stderr, "tlsgen: %s failed\n", what);
	ERR_print_errors_fp(stderr);
	abort();
}

EVP_PKEY *
tgen_key(const char *kind)
{
	EVP_PKEY *k = NULL;

	if (strcmp(kind, "ec") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	else if (strcmp(kind, "p224") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-224");
	else if (strcmp(kind, "rsa2048") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	else if (strcmp(kind, "rsa1024") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	else if (strcmp(kind, "ed25519") == 0)
		k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (k == NULL)
		die(kind);
	return k;
}

static void
add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *e;

	X509V3_set_ctx(&v3, issuer, x, NULL, NULL, 0);
	if ((e = X509V3_EXT_conf_nid(NULL, &v3, nid, value)) == NULL || !X509_add_ext(x, e, -1))
		die(value);
	X509_EXTENSION_free(e);
}

static void
add_exts(X509 *x, X509 *issuer, const struct tgen_cert *o)
{
	const char *eku = o->eku ? o->eku : "serverAuth,clientAuth";

	add_ext(x, issuer, NID_basic_constraints, o->ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	add_ext(x, issuer, NID_key_usage,
		o->ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment");
	add_ext(x, issuer, NID_subject_key_identifier, "hash");
	add_ext(x, issuer, NID_authority_key_identifier, "keyid:always");
	if (!o->ca && eku[0])
		add_ext(x, issuer, NID_ext_key_usage, eku);
	if (o->san)
		add_ext(x, issuer, NID_subject_alt_name, o->san);
}

X509 *
tgen_cert(EVP_PKEY *key, const struct tgen_cert *o, X509 *issuer, EVP_PKEY *issuer_key)
{
	X509 *x = X509_new();
	X509_NAME *nm = X509_NAME_new();
	unsigned char serial[16];
	BIGNUM *bn;
	const EVP_MD *md;

	if (x == NULL || nm == NULL || RAND_bytes(serial, sizeof(serial)) != 1)
		die("X509_new");
	serial[0] &= 0x7f;
	if ((bn = BN_bin2bn(serial, sizeof(serial), NULL)) == NULL ||
	    !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)))
		die("serial");
	BN_free(bn);
	if (!X509_set_version(x, X509_VERSION_3) ||
	    !X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)o->cn, -1,
					-1, 0) ||
	    !X509_set_subject_name(x, nm) ||
	    !X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : nm) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), o->from_days * 86400L) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), o->to_days * 86400L + o->to_secs) ||
	    !X509_set_pubkey(x, key))
		die("certificate fields");
	X509_NAME_free(nm);
	add_exts(x, issuer ? issuer : x, o);
	if (issuer_key == NULL)
		issuer_key = key;
	/* Ed25519 signs without a separate digest. */
	md = EVP_PKEY_get_base_id(issuer_key) == EVP_PKEY_ED25519 ? NULL : EVP_sha256();
	if (!X509_sign(x, issuer_key, md))
		die("X509_sign");
	return x;
}

static FILE *
open_mode(const char *path, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || chmod(path, mode) < 0)
		die(path);
	return f;
}

char *
tgen_write_cert(const char *dir, const char *name, X509 *x, X509 *x2)
{
	char *p = hgt_path(dir, name);
	FILE *f = open_mode(p, 0644);

	if (!PEM_write_X509(f, x) || (x2 && !PEM_write_X509(f, x2)) || fclose(f) != 0)
		die(p);
	return p;
}

char *
tgen_write_key(const char *dir, const char *name, EVP_PKEY *k, mode_t mode, const char *pass)
{
	char *p = hgt_path(dir, name);
	FILE *f = open_mode(p, mode);
	int ok;

	if (pass)
		ok = PEM_write_PKCS8PrivateKey(f, k, EVP_aes_256_cbc(), pass, (int)strlen(pass),
					       NULL, NULL);
	else
		ok = PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
	if (!ok || fclose(f) != 0)
		die(p);
	return p;
}

char *
tgen_key_pem(EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;

	if (b == NULL || !PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL))
		die("key PEM");
	n = BIO_get_mem_data(b, &data);
	if ((out = strndup(data, (size_t)n)) == NULL)
		die("strndup");
	BIO_free(b);
	return out;
}

char *
tgen_truncated(const char *dir, const char *name, const char *path, size_t len, mode_t mode)
{
	char *buf = calloc(1, len + 1), *p;
	FILE *f = fopen(path, "r");

	if (buf == NULL || f == NULL || fread(buf, 1, len, f) != len)
		die(path);
	fclose(f);
	p = hgt_write(dir, name, buf, mode);
	free(buf);
	return p;
}

/* A DER header: TAG and the length N, at P; its size. */
static size_t
der_head(unsigned char *p, unsigned char tag, size_t n)
{
	size_t h = 0;

	p[h++] = tag;
	if (n < 0x80) {
		p[h++] = (unsigned char)n;
	} else if (n < 0x100) {
		p[h++] = 0x81;
		p[h++] = (unsigned char)n;
	} else {
		p[h++] = 0x82;
		p[h++] = (unsigned char)(n >> 8);
		p[h++] = (unsigned char)n;
	}
	return h;
}

X509 *
tgen_ber(X509 *x, EVP_PKEY *issuer_key)
{
	unsigned char *tbs = NULL, *alg = NULL, *der, sig[512], h[4], *p;
	const unsigned char *q;
	const X509_ALGOR *a;
	size_t sl = sizeof(sig), hl, bl, n = 0, inner;
	int tl = i2d_re_X509_tbs(x, &tbs), al;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	X509 *out;

	X509_get0_signature(NULL, &a, x);
	al = i2d_X509_ALGOR(a, &alg);
	if (tl <= 0 || al <= 0 || md == NULL)
		die("tgen_ber");
	hl = tbs[1] < 0x80 ? 2 : 2 + (size_t)(tbs[1] & 0x7f);
	bl = (size_t)tl - hl + 4;	/* 30 80 contents 00 00 */
	if ((der = malloc(bl + (size_t)al + sl + 16)) == NULL)
		die("malloc");
	memcpy(der + 8, "\x30\x80", 2);
	memcpy(der + 10, tbs + hl, (size_t)tl - hl);
	memcpy(der + 8 + bl - 2, "\0\0", 2);
	if (EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, issuer_key) != 1 ||
	    EVP_DigestSign(md, sig, &sl, der + 8, bl) != 1)
		die("EVP_DigestSign");
	inner = bl + (size_t)al + der_head(h, 0x03, sl + 1) + sl + 1;
	n = der_head(der, 0x30, inner);
	memmove(der + n, der + 8, bl);
	p = der + n + bl;
	memcpy(p, alg, (size_t)al);
	p += al;
	p += der_head(p, 0x03, sl + 1);
	*p++ = 0;
	memcpy(p, sig, sl);
	q = der;
	if ((out = d2i_X509(NULL, &q, (long)(n + inner))) == NULL)
		die("d2i_X509 of BER");
	OPENSSL_free(tbs);
	OPENSSL_free(alg);
	EVP_MD_CTX_free(md);
	free(der);
	return out;
}
