/*
 * tls.c - a service's X.509 material is valid, fits, and is its own.
 *
 * Check-only (every stage). From real files: the certificate, key and CA
 * bundle parse (an encrypted key is refused, never prompted for); the key
 * is the certificate's; the chain verifies against ca now, for purpose;
 * every certificate of the chain is valid now and outside the renewal
 * window (days left an INFO finding, notAfter a metric for audit); the key is
 * strong enough; server_name is in the subjectAltName (RFC 6125, no CN
 * fallback); no two of {this node, peers} share a public key; no
 * fingerprint is revoked (HG-018). The key file is judged by the keyfile
 * checks (common/keyperm.c) and read from the fd judged; its bytes are
 * wiped after parsing and never printed: material is named by path,
 * subject and SPKI fingerprint.
 *
 * IDs: id (default HG-020) for material that is invalid or does not fit,
 * name_id (default id) for the name, expiry_id (default HG-021) for the
 * validity window, shared_key_id (default HG-022) for shared keys. A
 * KalamDB node: KDB-B-02, KDB-B-03, KDB-F-01 (or KDB-B-06), KDB-B-05; a
 * service that terminates TLS itself: DBW-PRE-01 or KDB-A-01.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "keyperm.h"
#include "safefile.h"
#include "tls.h"
#include "util.h"

#define DEFAULT_ID "HG-020"
#define DEFAULT_EXPIRY_ID "HG-021"
#define DEFAULT_SHARED_ID "HG-022"
#define REVOKED_ID "HG-018"
#define MAX_PEERS 64

static const char *const purposes[] = { "server", "client", "both", "any", NULL };

static const struct hg_arg_spec args[] = {
	{ "cert", HG_ARG_STRING, 1, NULL,
	  "PEM certificate of this service (leaf first, then intermediates)" },
	{ "key", HG_ARG_STRING, 1, NULL, "PEM private key of cert (unencrypted; judged like keyfile)" },
	{ "ca", HG_ARG_STRING, 1, NULL, "PEM CA bundle the chain must verify against" },
	{ "server_name", HG_ARG_STRING, 0, NULL,
	  "DNS name or IP clients use for this service, must be in the SAN "
	  "(KalamDB: the peers' rpc_server_name, else the host of rpc_addr)" },
	{ "purpose", HG_ARG_STRING, 0, purposes,
	  "what the chain must be good for: server (default), client, both (mutual TLS), any" },
	{ "min_days_left", HG_ARG_INT, 0, NULL, "refuse under this many days to expiry (default 14)" },
	{ "warn_days_left", HG_ARG_INT, 0, NULL, "warn under this many days (default 30)" },
	{ "min_rsa_bits", HG_ARG_INT, 0, NULL, "smallest RSA key accepted (default 2048)" },
	{ "peers", HG_ARG_LIST, 0, NULL,
	  "the other nodes' certificate or key files: no two of them and this one share a key" },
	{ "key_mode", HG_ARG_MODE, 0, NULL, "most permissive mode of key (default 0600)" },
	{ "key_owner", HG_ARG_STRING, 0, NULL,
	  "user that must own key (may also own cert, ca and peers, else root)" },
	{ "key_group", HG_ARG_STRING, 0, NULL, "group that must own key" },
	{ "id", HG_ARG_ID, 0, NULL,
	  "ID of invalid or unfit material (default " DEFAULT_ID
	  "; KalamDB KDB-B-02, dbward DBW-PRE-01)" },
	{ "name_id", HG_ARG_ID, 0, NULL,
	  "ID when server_name is not in the SAN (default: id; KalamDB KDB-B-03)" },
	{ "expiry_id", HG_ARG_ID, 0, NULL,
	  "ID of expiry and days left (default " DEFAULT_EXPIRY_ID "; KalamDB KDB-F-01 or KDB-B-06)" },
	{ "shared_key_id", HG_ARG_ID, 0, NULL,
	  "ID when two nodes share a key (default " DEFAULT_SHARED_ID "; KalamDB KDB-B-05)" },
	{ NULL, 0, 0, NULL, NULL },
};

static const char *const ids[] = {
	DEFAULT_ID, DEFAULT_EXPIRY_ID, DEFAULT_SHARED_ID, REVOKED_ID, "KDB-B-02", "KDB-B-03",
	"KDB-B-05", "KDB-B-06", "KDB-F-01", "KDB-A-01", "DBW-PRE-01", NULL,
};

/* Everything one run loads; freed by release(). */
struct material {
	STACK_OF(X509) *certs;	/* the cert file: leaf, then intermediates */
	STACK_OF(X509) *others;	/* the intermediates (views into certs) */
	struct tls_cert leaf;
	EVP_PKEY *key;
	char key_fp[HG_FP_LEN];
	int key_matches;	/* the key is the leaf certificate's */
	STACK_OF(X509) *cas;
	STACK_OF(X509) *chain;	/* as verified: leaf, ..., anchor */
};

void
tls_fail(struct tls_run *r, const char *id, const char *where, const char *fix, const char *fmt,
	 ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	hg_finding(r->ctx, id, HG_SEV_FAIL, where, fix, "%s", msg);
	r->result = HG_FAIL;
}

static const char *
id_arg(struct tls_run *r, const char *name, const char *def)
{
	const char *s = hg_arg_str(r->ctx, r->a, name);

	return s ? s : def;
}

/* The numbers of the policy, checked. HG_FAIL with a finding if absurd. */
static int
resolve_numbers(struct tls_run *r)
{
	struct hg_ctx *c = r->ctx;

	r->min_days = hg_arg_int(c, r->a, "min_days_left", 14);
	r->warn_days = hg_arg_int(c, r->a, "warn_days_left", r->min_days > 30 ? r->min_days : 30);
	r->min_rsa_bits = hg_arg_int(c, r->a, "min_rsa_bits", 2048);
	if (r->min_days < 0 || r->min_days > 3650)
		tls_fail(r, r->id, hg_arg_where(c, r->a, "min_days_left"), "use 0 to 3650",
			 "min_days_left %lld is out of range", r->min_days);
	else if (r->warn_days < r->min_days || r->warn_days > 3650)
		tls_fail(r, r->id, hg_arg_where(c, r->a, "warn_days_left"),
			 "use a value from min_days_left to 3650",
			 "warn_days_left %lld is below min_days_left %lld or above 3650", r->warn_days,
			 r->min_days);
	if (r->min_rsa_bits < 1024 || r->min_rsa_bits > 16384)
		tls_fail(r, r->id, hg_arg_where(c, r->a, "min_rsa_bits"), "use 2048 or more",
			 "min_rsa_bits %lld is out of range (1024 to 16384)", r->min_rsa_bits);
	return r->result;
}

static int
resolve(struct tls_run *r, struct hg_ctx *ctx, const struct hg_args *a)
{
	const char *owner = hg_arg_str(ctx, a, "key_owner");

	memset(r, 0, sizeof(*r));
	r->ctx = ctx;
	r->a = a;
	r->result = HG_PASS;
	r->id = id_arg(r, "id", DEFAULT_ID);
	r->name_id = id_arg(r, "name_id", r->id);
	r->expiry_id = id_arg(r, "expiry_id", DEFAULT_EXPIRY_ID);
	r->shared_id = id_arg(r, "shared_key_id", DEFAULT_SHARED_ID);
	r->owner = HG_UID_NONE;
	if (owner && hg_parse_uid(owner, &r->owner) < 0)
		r->owner = HG_UID_NONE;	/* hg_keyperm_open reports the unknown user */
	return resolve_numbers(r);
}

/*
 * Parse the PEM certificates of PATH into *OUT: all of them, or with FROM
 * (a CA bundle) those that may be in a chain of FROM. HG_PASS or HG_FAIL
 * (reported under ID).
 */
static int
load_certs(struct tls_run *r, const char *path, const char *id, const char *what,
	   STACK_OF(X509) *from, STACK_OF(X509) **out)
{
	char *buf = NULL, err[256], fix[256];
	size_t len = 0;
	int e;

	if (tls_read_public(r, path, id, &buf, &len) != HG_PASS)
		return HG_FAIL;
	if (from)
		e = tls_parse_anchors(buf, len, from, out, err, sizeof(err));
	else
		e = tls_parse_certs(buf, len, out, err, sizeof(err));
	tls_wipe_free(buf, len);
	if (e == 0)
		return HG_PASS;
	snprintf(fix, sizeof(fix), "replace %s with the complete PEM file", what);
	tls_fail(r, id, path, fix, "%s %s %s", what, path, err);
	return HG_FAIL;
}

/*
 * tls_cert_names() failed with E for C, read from PATH: out of memory, or
 * a certificate OpenSSL reads but that is not DER (a BER length in its
 * tbsCertificate), whose key cannot be found to fingerprint.
 */
static void
not_der(struct tls_run *r, const char *path, const struct tls_cert *c, int e)
{
	if (e == -ENOMEM)
		tls_fail(r, r->id, path, NULL, "out of memory reading %s", path);
	else
		tls_fail(r, r->id, path, "reissue it in DER (no indefinite lengths)",
			 "%s holds certificate %s, which is not DER: its key cannot be fingerprinted",
			 path, c->subject[0] ? c->subject : "(no subject)");
}

static int
load_leaf(struct tls_run *r, struct material *m)
{
	const char *path = hg_arg_str(r->ctx, r->a, "cert");
	int e = -ENOMEM;

	if (load_certs(r, path, r->id, "certificate", NULL, &m->certs) != HG_PASS)
		return HG_FAIL;
	m->leaf.x = sk_X509_value(m->certs, 0);
	if ((m->others = sk_X509_dup(m->certs)) == NULL || (e = tls_cert_names(&m->leaf)) < 0) {
		not_der(r, path, &m->leaf, e);
		m->leaf.x = NULL;
		return HG_FAIL;
	}
	sk_X509_shift(m->others);
	return HG_PASS;
}

/* The CA bundle: only its certificates that can be in the leaf's chain are decoded. */
static int
load_ca(struct tls_run *r, struct material *m)
{
	STACK_OF(X509) *none = sk_X509_new_null();
	int e;

	if (none == NULL) {
		tls_fail(r, r->id, NULL, NULL, "out of memory");
		return HG_FAIL;
	}
	e = load_certs(r, hg_arg_str(r->ctx, r->a, "ca"), r->id, "CA bundle",
		       m->leaf.x ? m->certs : none, &m->cas);
	sk_X509_free(none);
	return e;
}

/* The key file through the keyfile checks, read from the fd judged. */
static int
load_key(struct tls_run *r, struct material *m)
{
	struct hg_ctx *c = r->ctx;
	struct hg_keyperm k = {
		.id = r->id,
		.path = hg_arg_str(c, r->a, "key"),
		.where = hg_arg_where(c, r->a, "key"),
		.mode = (mode_t)hg_arg_int(c, r->a, "key_mode", 0600) & 07777,
		.owner = hg_arg_str(c, r->a, "key_owner"),
		.owner_where = hg_arg_where(c, r->a, "key_owner"),
		.group = hg_arg_str(c, r->a, "key_group"),
		.group_where = hg_arg_where(c, r->a, "key_group"),
	};
	char *buf = NULL, err[256];
	size_t len = 0;
	int fd, e;

	if (hg_keyperm_open(c, &k, O_RDONLY, &fd) != HG_PASS)
		r->result = HG_FAIL;
	if (fd < 0)
		return HG_FAIL;
	e = hg_read_fd(fd, TLS_MAX_KEY, &buf, &len);
	close(fd);
	if (e < 0) {
		tls_fail(r, r->id, k.path, NULL, "cannot read %s: %s", k.path, strerror(-e));
		return HG_FAIL;
	}
	e = tls_parse_key(buf, len, &m->key, err, sizeof(err));
	tls_wipe_free(buf, len);
	if (e == 0)
		return HG_PASS;
	tls_fail(r, r->id, k.path,
		 e == -EACCES ? "store the key unencrypted, mode 0600, readable by the service only"
			      : "replace it with the complete PEM private key",
		 "private key %s %s", k.path, err);
	return HG_FAIL;
}

/*
 * The key's fingerprint: the certificate's when they match (no encoding
 * needed), else its own. HG_FAIL (reported) if it cannot be computed.
 */
static int
key_fingerprint(struct tls_run *r, struct material *m)
{
	m->key_matches = m->leaf.x && EVP_PKEY_eq(X509_get0_pubkey(m->leaf.x), m->key) == 1;
	ERR_clear_error();
	if (m->key_matches) {
		memcpy(m->key_fp, m->leaf.fp, sizeof(m->key_fp));
		return HG_PASS;
	}
	if (tls_spki_fp(m->key, m->key_fp) == 0)
		return HG_PASS;
	tls_fail(r, r->id, hg_arg_str(r->ctx, r->a, "key"), NULL,
		 "private key %s has no public key", hg_arg_str(r->ctx, r->a, "key"));
	EVP_PKEY_free(m->key);
	m->key = NULL;
	return HG_FAIL;
}

static void
check_match(struct tls_run *r, const struct material *m)
{
	const char *cert = hg_arg_str(r->ctx, r->a, "cert"), *key = hg_arg_str(r->ctx, r->a, "key");

	if (m->key_matches)
		return;
	tls_fail(r, r->id, key, "install the key the certificate was issued for, or reissue it",
		 "private key %s (%s) is not the key of certificate %s (%s, %s)", key, m->key_fp,
		 cert, m->leaf.subject, m->leaf.fp);
}

/* Chain and the validity of every certificate in it. */
static void
check_chain(struct tls_run *r, struct material *m)
{
	const char *cert = hg_arg_str(r->ctx, r->a, "cert"), *ca = hg_arg_str(r->ctx, r->a, "ca");
	const char *purpose = hg_arg_str(r->ctx, r->a, "purpose");
	struct tls_cert c;

	tls_check_chain(r, &m->leaf, m->others, m->cas, cert, ca, purpose ? purpose : "server",
			&m->chain);
	for (int i = 1; m->chain && i < sk_X509_num(m->chain); i++) {
		const char *where;
		int e;

		memset(&c, 0, sizeof(c));
		c.x = sk_X509_value(m->chain, i);
		where = sk_X509_find(m->others, c.x) >= 0 ? cert : ca;
		if ((e = tls_cert_names(&c)) == 0)
			tls_check_validity(r, &c, where);
		else	/* never left out of the validity check unsaid */
			not_der(r, where, &c, e);
	}
}

/* 1 if FP is revoked (finding reported), 0 if not, <0 if the list is unreadable. */
static int
revoked(struct tls_run *r, const char *what, const char *path, const char *fp)
{
	char why[256], fix[512];
	int e = hg_revoked(r->ctx, fp, why, sizeof(why));

	if (e < 0)
		r->result = HG_FAIL;	/* the core reported HG-017 */
	if (e <= 0)
		return e;
	snprintf(fix, sizeof(fix), "replace the %s of %s with new material, then restart", what,
		 path);
	tls_fail(r, REVOKED_ID, path, fix, "%s %s (%s) is revoked: %s", what, path, fp, why);
	return 1;
}

/* The fingerprint of every peer's file into FPS (NULL where unreadable). */
static void
peer_fps(struct tls_run *r, size_t n, char (*fps)[HG_FP_LEN], int *ok)
{
	char *buf, err[256];
	size_t len;

	for (size_t i = 0; i < n; i++) {
		const char *p = hg_arg_list_at(r->ctx, r->a, "peers", i);
		int e;

		ok[i] = 0;
		buf = NULL;
		if (tls_read_public(r, p, r->shared_id, &buf, &len) != HG_PASS)
			continue;
		e = tls_material_fp(buf, len, fps[i], err, sizeof(err));
		tls_wipe_free(buf, len);
		if (e == -ENOTSUP)
			snprintf(err, sizeof(err), "holds no PEM material");
		if (e < 0)
			tls_fail(r, r->shared_id, p, "list the peer's certificate (PEM) in peers",
				 "peer %s %s", p, err);
		ok[i] = e == 0;
	}
}

/* No two of {this node, peers} share a public key; no peer is revoked. */
static void
check_peers(struct tls_run *r, const char *self, const char *self_fp)
{
	size_t n = hg_arg_list_len(r->ctx, r->a, "peers");
	char(*fps)[HG_FP_LEN];
	int *ok;

	if (n == 0)
		return;
	fps = calloc(n + 1, sizeof(*fps));
	ok = calloc(n + 1, sizeof(*ok));
	if (fps == NULL || ok == NULL || n > MAX_PEERS) {
		tls_fail(r, r->shared_id, hg_arg_where(r->ctx, r->a, "peers"), "list at most 64 peers",
			 "cannot check %zu peers", n);
		goto out;
	}
	peer_fps(r, n, fps + 1, ok + 1);
	if (self_fp) {
		snprintf(fps[0], HG_FP_LEN, "%s", self_fp);
		ok[0] = 1;
	}
	for (size_t i = 0; i <= n; i++) {
		const char *pi = i ? hg_arg_list_at(r->ctx, r->a, "peers", i - 1) : self;

		for (size_t j = i + 1; ok[i] && j <= n; j++)
			if (ok[j] && strcmp(fps[i], fps[j]) == 0)
				tls_fail(r, r->shared_id, hg_arg_list_at(r->ctx, r->a, "peers", j - 1),
					 "give every node its own key pair and certificate",
					 "%s and %s share one key (%s)", pi,
					 hg_arg_list_at(r->ctx, r->a, "peers", j - 1), fps[i]);
		if (i && ok[i] && revoked(r, "peer material", pi, fps[i]) < 0)
			break;
	}
out:
	free(fps);
	free(ok);
}

/* Every fingerprint of this node's material against the revocation list. */
static int
check_revoked(struct tls_run *r, const struct material *m)
{
	const char *cert = hg_arg_str(r->ctx, r->a, "cert"), *key = hg_arg_str(r->ctx, r->a, "key");
	struct tls_cert c;

	if (m->leaf.x && revoked(r, "certificate", cert, m->leaf.fp) < 0)
		return -1;
	if (m->key && (!m->leaf.x || strcmp(m->key_fp, m->leaf.fp) != 0) &&
	    revoked(r, "key", key, m->key_fp) < 0)
		return -1;
	for (int i = 1; m->chain && i < sk_X509_num(m->chain); i++) {
		memset(&c, 0, sizeof(c));
		c.x = sk_X509_value(m->chain, i);
		if (tls_cert_names(&c) == 0 &&
		    revoked(r, "CA certificate", hg_arg_str(r->ctx, r->a, "ca"), c.fp) < 0)
			return -1;
	}
	return 0;
}

static void
release(struct material *m)
{
	sk_X509_free(m->others);
	sk_X509_pop_free(m->certs, X509_free);
	sk_X509_pop_free(m->cas, X509_free);
	sk_X509_pop_free(m->chain, X509_free);
	EVP_PKEY_free(m->key);
	OPENSSL_cleanse(m, sizeof(*m));
}

static int
check(struct hg_ctx *ctx, const struct hg_args *a)
{
	const char *name = hg_arg_str(ctx, a, "server_name");
	const char *cert = hg_arg_str(ctx, a, "cert");
	struct material m = { 0 };
	struct tls_run r;

	if (resolve(&r, ctx, a) != HG_PASS)
		return HG_FAIL;
	load_leaf(&r, &m);
	if (load_key(&r, &m) == HG_PASS)
		key_fingerprint(&r, &m);
	load_ca(&r, &m);
	if (m.leaf.x) {
		tls_check_validity(&r, &m.leaf, cert);
		if (name)
			tls_check_name(&r, &m.leaf, cert, name);
	}
	if (m.key)
		tls_check_strength(&r, m.key, hg_arg_str(ctx, a, "key"));
	if (m.leaf.x && m.key)
		check_match(&r, &m);
	if (m.leaf.x && m.cas)
		check_chain(&r, &m);
	if (check_revoked(&r, &m) == 0)
		check_peers(&r, m.leaf.x ? cert : hg_arg_str(ctx, a, "key"),
			    m.leaf.x ? m.leaf.fp : m.key ? m.key_fp : NULL);
	release(&m);
	ERR_clear_error();
	return r.result;
}

/* hardgate fingerprint FILE: the SPKI fingerprint of PEM material. */
static int
fingerprint(const char *path, char *out, size_t outlen, char *err, size_t errlen)
{
	char *buf = NULL, fp[HG_FP_LEN];
	size_t len = 0;
	int fd, e;

	if (outlen < HG_FP_LEN)
		return -ENOBUFS;
	/* O_NONBLOCK: a FIFO is refused by hg_read_fd, not waited on for a writer */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		e = -errno;
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(-e));
		return e;
	}
	e = hg_read_fd(fd, TLS_MAX_PUBLIC, &buf, &len);
	close(fd);
	if (e < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-e));
		return e;
	}
	e = tls_material_fp(buf, len, fp, err, errlen);
	tls_wipe_free(buf, len);
	ERR_clear_error();
	if (e == 0)
		snprintf(out, outlen, "%s", fp);
	return e;
}

const struct hg_module hg_module_tls = {
	.abi = HG_MODULE_ABI,
	.name = "tls",
	.phases = HG_PHASES_ALL,
	.steps = 0,
	.args = args,
	.ids = ids,
	.check = check,
	.apply = NULL,
	.describe = NULL,
	.fingerprint = fingerprint,
};
