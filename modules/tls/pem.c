/*
 * pem.c - read and parse TLS material, name it for messages.
 *
 * Files are read whole (bounded) through the trusted walk and parsed from
 * memory, so what is judged is exactly what was read. An encrypted
 * private key is refused, never prompted for. Buffers that held a key are
 * wiped: ours by tls_wipe_free(), OpenSSL's PEM buffers because every
 * block is read with PEM_FLAG_SECURE (tls_pem_next).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "safefile.h"
#include "tls.h"

#define PRIVATE_MARK "PRIVATE KEY-----"

/* A "public" file that holds a private key must be as closed as the key. */
static int
private_exposed(struct tls_run *r, const char *path, const char *id, const struct stat *st,
		char **buf, size_t *len)
{
	char mode[6], fix[4200];

	if ((st->st_mode & 077) == 0 ||
	    memmem(*buf, *len, PRIVATE_MARK, sizeof(PRIVATE_MARK) - 1) == NULL)
		return HG_PASS;
	snprintf(fix, sizeof(fix), "keep the private key in its own file (key), or chmod 0600 %s",
		 path);
	tls_fail(r, id, path, fix, "%s holds a private key and is mode %s", path,
		 hg_mode_str(st->st_mode, mode));
	tls_wipe_free(*buf, *len);
	*buf = NULL;
	return HG_FAIL;
}

int
tls_read_public(struct tls_run *r, const char *path, const char *id, char **buf, size_t *len)
{
	struct hg_trust t = { .id = id, .owner = r->owner, .want = HG_WANT_FILE };
	struct hg_error e = { 0 };
	struct stat st;
	char mode[6], fix[4200];
	int fd, err;

	if ((fd = hg_safe_open(path, O_RDONLY, &t, &st, &e)) < 0) {
		tls_fail(r, id, e.where, e.fix[0] ? e.fix : NULL, "%s", e.msg);
		return HG_FAIL;
	}
	if ((st.st_uid != 0 && st.st_uid != r->owner) || (st.st_mode & 022)) {
		snprintf(fix, sizeof(fix), "chown root %s && chmod go-w %s", path, path);
		tls_fail(r, id, path, fix,
			 "%s (uid %u, mode %s) may be changed by others than root and the service",
			 path, (unsigned)st.st_uid, hg_mode_str(st.st_mode, mode));
		close(fd);
		return HG_FAIL;
	}
	err = hg_read_fd(fd, TLS_MAX_PUBLIC, buf, len);
	close(fd);
	if (err < 0) {
		tls_fail(r, id, path, NULL, "cannot read %s: %s", path, strerror(-err));
		return HG_FAIL;
	}
	return private_exposed(r, path, id, &st, buf, len);
}

const char *
tls_ssl_reason(const char *def)
{
	unsigned long code = ERR_peek_last_error();
	const char *s = code ? ERR_reason_error_string(code) : NULL;

	ERR_clear_error();
	return s ? s : def;
}

int
tls_pem_at_end(void)
{
	unsigned long code = ERR_peek_last_error();

	return ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE;
}

int
tls_pem_next(BIO *b, struct tls_pem *p)
{
	memset(p, 0, sizeof(*p));
	if (PEM_read_bio_ex(b, &p->name, &p->header, &p->data, &p->len,
			    PEM_FLAG_SECURE | PEM_FLAG_EAY_COMPATIBLE) == 1)
		return 1;
	return tls_pem_at_end() ? 0 : -EINVAL;
}

void
tls_pem_free(struct tls_pem *p)
{
	OPENSSL_secure_clear_free(p->name, p->name ? strlen(p->name) : 0);
	OPENSSL_secure_clear_free(p->header, p->header ? strlen(p->header) : 0);
	OPENSSL_secure_clear_free(p->data, p->data ? (size_t)p->len : 0);
	memset(p, 0, sizeof(*p));
}

int
tls_pem_is_cert(const char *name)
{
	return strcmp(name, PEM_STRING_X509) == 0 || strcmp(name, PEM_STRING_X509_OLD) == 0;
}

int
tls_parse_certs(const char *buf, size_t len, STACK_OF(X509) **out, char *err, size_t errlen)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	BIO *b = len <= INT_MAX ? BIO_new_mem_buf(buf, (int)len) : NULL;
	struct tls_pem p;
	int at_end, r;

	*out = NULL;
	if (sk == NULL || b == NULL) {
		sk_X509_free(sk);
		BIO_free(b);
		return -ENOMEM;
	}
	ERR_clear_error();
	/* a combined file's key block is read, skipped and wiped like any other */
	while ((r = tls_pem_next(b, &p)) == 1) {
		const unsigned char *q = p.data;
		X509 *x = tls_pem_is_cert(p.name) ? d2i_X509(NULL, &q, p.len) : NULL;

		if (tls_pem_is_cert(p.name) && (x == NULL || !sk_X509_push(sk, x))) {
			X509_free(x);
			tls_pem_free(&p);
			r = -EINVAL;
			break;
		}
		tls_pem_free(&p);
	}
	BIO_free(b);
	at_end = r == 0;
	if (at_end && sk_X509_num(sk) > 0) {
		ERR_clear_error();
		*out = sk;
		return 0;
	}
	if (at_end)
		snprintf(err, errlen, "holds no PEM certificate");
	else
		snprintf(err, errlen, "has a malformed or truncated PEM block after %d certificates (%s)",
			 sk_X509_num(sk), tls_ssl_reason("unknown error"));
	sk_X509_pop_free(sk, X509_free);
	ERR_clear_error();
	return -EINVAL;
}

/*
 * The private key of PEM block P into *OUT: 1, 0 when P is not a private
 * key, -EACCES when it is encrypted, -EINVAL when it does not decode. The
 * DER is decoded from P's cleansed buffer; OpenSSL keeps the key itself
 * in an EVP_PKEY that clears it when freed.
 */
static int
pem_private_key(const struct tls_pem *p, EVP_PKEY **out)
{
	static const char suffix[] = "PRIVATE KEY";
	size_t nl = strlen(p->name), sl = sizeof(suffix) - 1;
	const unsigned char *q = p->data;
	PKCS8_PRIV_KEY_INFO *p8;
	EVP_PKEY *k = NULL;

	if (nl < sl || strcmp(p->name + nl - sl, suffix) != 0)
		return 0;
	if (strcmp(p->name, PEM_STRING_PKCS8) == 0 || strstr(p->header, "ENCRYPTED") != NULL)
		return -EACCES;
	if (strcmp(p->name, PEM_STRING_PKCS8INF) == 0) {
		if ((p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &q, p->len)) != NULL)
			k = EVP_PKCS82PKEY(p8);
		PKCS8_PRIV_KEY_INFO_free(p8);
	} else if (strcmp(p->name, PEM_STRING_RSA) == 0) {
		k = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &q, p->len);
	} else if (strcmp(p->name, PEM_STRING_ECPRIVATEKEY) == 0) {
		k = d2i_PrivateKey(EVP_PKEY_EC, NULL, &q, p->len);
	} else {
		k = d2i_AutoPrivateKey(NULL, &q, p->len);
	}
	*out = k;
	return k ? 1 : -EINVAL;
}

/* The first private key of the PEM text BUF, as pem_private_key(); 0: none. */
static int
first_private_key(const char *buf, size_t len, EVP_PKEY **out)
{
	BIO *b;
	struct tls_pem p;
	int r;

	*out = NULL;
	if (len > INT_MAX || (b = BIO_new_mem_buf(buf, (int)len)) == NULL)
		return -ENOMEM;
	ERR_clear_error();
	while ((r = tls_pem_next(b, &p)) == 1) {
		r = pem_private_key(&p, out);
		tls_pem_free(&p);
		if (r != 0)
			break;
	}
	BIO_free(b);
	return r;
}

int
tls_parse_key(const char *buf, size_t len, EVP_PKEY **out, char *err, size_t errlen)
{
	int r = first_private_key(buf, len, out);

	if (r == 1) {
		ERR_clear_error();
		return 0;
	}
	if (r == -ENOMEM)
		return r;
	if (r == -EACCES) {
		ERR_clear_error();
		snprintf(err, errlen, "is encrypted and no passphrase is ever asked for");
		return -EACCES;
	}
	if (r == 0)
		snprintf(err, errlen, "holds no PEM private key");
	else
		snprintf(err, errlen, "is malformed or truncated (%s)", tls_ssl_reason("unknown error"));
	ERR_clear_error();
	return -EINVAL;
}

/* SHA-256 of DER into OUT as a fingerprint. */
static void
fp_of(const unsigned char *der, size_t n, char out[HG_FP_LEN])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256(der, n, md);
	hg_fp_format(md, out);
}

int
tls_spki_fp(const EVP_PKEY *k, char out[HG_FP_LEN])
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(k, &der);

	if (n <= 0)
		return -ENOMEM;
	fp_of(der, (size_t)n, out);
	OPENSSL_free(der);
	return 0;
}

static int der_cert_fp(const unsigned char *der, long n, char out[HG_FP_LEN]);

/*
 * The SubjectPublicKeyInfo exactly as the certificate carries it, found
 * in the certificate's own DER (i2d_X509 gives back the bytes read: OpenSSL
 * keeps the encoding of tbsCertificate). The fingerprint hook hashes the
 * same bytes (der_cert_fp), so `hardgate fingerprint CERT` is what the
 * revocation list is searched for; re-encoding the key instead
 * (i2d_X509_PUBKEY) gives other bytes for an SPKI not in minimal DER.
 */
static int
cert_fp(X509 *x, char out[HG_FP_LEN])
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der), r;

	if (n <= 0)
		return -ENOMEM;
	r = der_cert_fp(der, n, out);
	OPENSSL_free(der);
	return r;
}

int
tls_cert_names(struct tls_cert *c)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n;

	c->subject[0] = '\0';
	if (b == NULL)
		return -ENOMEM;
	if (X509_NAME_print_ex(b, X509_get_subject_name(c->x), 0,
			       XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		n = BIO_read(b, c->subject, (int)sizeof(c->subject) - 1);
		c->subject[n > 0 ? n : 0] = '\0';
	}
	BIO_free(b);
	if (c->subject[0] == '\0')
		snprintf(c->subject, sizeof(c->subject), "(empty subject)");
	return cert_fp(c->x, c->fp);
}

/*
 * Step over one DER element at *P (before END): its header and contents.
 * 0 with *START and *LEN (header included), or -EINVAL. Bounds are
 * checked by ASN1_get_object; indefinite lengths are refused.
 */
static int
der_next(const unsigned char **p, const unsigned char *end, int *tag, int *cls,
	 const unsigned char **start, long *len)
{
	const unsigned char *q = *p;
	long l;
	int r;

	if (end <= q)
		return -EINVAL;
	r = ASN1_get_object(&q, &l, tag, cls, end - q);
	if ((r & 0x80) || (r & 0x01) || l > end - q)
		return -EINVAL;
	*start = *p;
	*len = (q - *p) + l;
	*p = q + l;
	return 0;
}

/* Enter the constructed element at *P: *P moves to its contents, *END to its end. */
static int
der_enter(const unsigned char **p, const unsigned char **end, int want_tag)
{
	const unsigned char *q = *p, *start;
	long len;
	int tag, cls;

	if (der_next(&q, *end, &tag, &cls, &start, &len) < 0 || cls != V_ASN1_UNIVERSAL ||
	    tag != want_tag)
		return -EINVAL;
	*end = q;
	ASN1_get_object(p, &len, &tag, &cls, q - *p);	/* *p after the header */
	return 0;
}

int
tls_der_cert(const unsigned char *der, long n, struct tls_der_cert *c)
{
	const unsigned char *p = der, *end = der + n, *start;
	long len;
	int tag, cls;

	if (der_enter(&p, &end, V_ASN1_SEQUENCE) < 0 || der_enter(&p, &end, V_ASN1_SEQUENCE) < 0)
		return -EINVAL;
	if (der_next(&p, end, &tag, &cls, &start, &len) < 0)
		return -EINVAL;
	if (cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0 &&
	    der_next(&p, end, &tag, &cls, &start, &len) < 0)	/* version, then serial */
		return -EINVAL;
	for (int i = 0; i < 5; i++) {	/* signature, issuer, validity, subject, SPKI */
		if (der_next(&p, end, &tag, &cls, &start, &len) < 0 || cls != V_ASN1_UNIVERSAL ||
		    tag != V_ASN1_SEQUENCE)
			return -EINVAL;
		if (i == 3) {
			c->subject = start;
			c->subject_len = len;
		}
	}
	c->spki = start;
	c->spki_len = len;
	return 0;
}

/* The SPKI fingerprint of the DER certificate DER, without decoding its key. */
static int
der_cert_fp(const unsigned char *der, long n, char out[HG_FP_LEN])
{
	struct tls_der_cert c;

	if (tls_der_cert(der, n, &c) < 0)
		return -EINVAL;
	fp_of(c.spki, (size_t)c.spki_len, out);
	return 0;
}

/* The fingerprint of the first CERTIFICATE block of the PEM text. 1 found, 0 none, <0 bad. */
static int
first_cert_fp(const char *buf, size_t len, char out[HG_FP_LEN])
{
	BIO *b = BIO_new_mem_buf(buf, (int)len);
	struct tls_pem p;
	int r = 0;

	if (b == NULL)
		return -ENOMEM;
	while (r == 0 && tls_pem_next(b, &p) == 1) {
		if (tls_pem_is_cert(p.name))
			r = der_cert_fp(p.data, p.len, out) == 0 ? 1 : -EINVAL;
		tls_pem_free(&p);
	}
	BIO_free(b);
	ERR_clear_error();
	return r;
}

/* Fingerprint of the first public (KIND 1) or private key (2). 1 if found. */
static int
first_key_fp(const char *buf, size_t len, int kind, char out[HG_FP_LEN], int *asked)
{
	BIO *b;
	EVP_PKEY *k = NULL;
	int found = 0, r;

	if (kind == 1) {
		struct tls_pem p;

		if ((b = BIO_new_mem_buf(buf, (int)len)) == NULL)
			return -ENOMEM;
		ERR_clear_error();
		while (k == NULL && tls_pem_next(b, &p) == 1) {
			const unsigned char *q = p.data;

			if (strcmp(p.name, PEM_STRING_PUBLIC) == 0)
				k = d2i_PUBKEY(NULL, &q, p.len);
			tls_pem_free(&p);
		}
		BIO_free(b);
	} else if ((r = first_private_key(buf, len, &k)) == -EACCES) {
		*asked = 1;
	}
	if (k)
		found = tls_spki_fp(k, out) == 0;
	EVP_PKEY_free(k);
	ERR_clear_error();
	return found;
}

int
tls_material_fp(const char *buf, size_t len, char out[HG_FP_LEN], char *err, size_t errlen)
{
	int asked = 0, r;

	if (len > INT_MAX)
		return -EFBIG;
	if (strstr(buf, "-----BEGIN ") == NULL)
		return -ENOTSUP;
	if ((r = first_cert_fp(buf, len, out)) == 1)
		return 0;
	if (r == 0 && (first_key_fp(buf, len, 1, out, &asked) == 1 ||
		       first_key_fp(buf, len, 2, out, &asked) == 1))
		return 0;
	if (asked) {
		snprintf(err, errlen, "the private key is encrypted and no passphrase is asked for");
		return -EACCES;
	}
	snprintf(err, errlen, r < 0 ? "holds a malformed certificate"
		 : "holds no readable PEM certificate, public key or private key");
	return -EINVAL;
}

void
tls_wipe_free(char *buf, size_t len)
{
	if (buf == NULL)
		return;
	OPENSSL_cleanse(buf, len);
	free(buf);
}
