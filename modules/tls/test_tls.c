/*
 * test_tls.c - tls through the real .so and loader, on real material made
 * in the test run (tlsgen.c): a CA and three cluster nodes that pass, and
 * one certificate, key or file for each way material goes wrong.
 *
 * Every refusal asserts status 78, the ID, the severity and a fragment of
 * the message; every allowed run asserts there is no WARN or FAIL. No
 * finding may ever contain a line of a private key's PEM body.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "fingerprint.h"
#include "run.h"
#include "testutil.h"
#include "tlsgen.h"

#define NODES 3
#define SAN1 "DNS:node1.cluster.internal,IP:10.0.0.1"

/* The material every test starts from, made once per suite. */
static struct {
	EVP_PKEY *ca_key, *key[NODES + 1];
	X509 *ca;
	char *ca_pem, *cert[NODES + 1], *keyp[NODES + 1];
	char *key_pem[NODES + 1];	/* the PEM text of each key, to search output for */
} T;

static const struct tgen_cert node_opts = {
	.cn = "kalamdb-node-1", .san = SAN1, .from_days = -1, .to_days = 365, .to_secs = 3600,
};

/* A certificate like node 1's with O changed, for KEY, by the suite's CA; its path. */
static char *
issue(const char *name, EVP_PKEY *key, const struct tgen_cert *o)
{
	X509 *x = tgen_cert(key, o, T.ca, T.ca_key);
	char *p = tgen_write_cert(hgt_dir, name, x, NULL);

	X509_free(x);
	return p;
}

static int
suite_init(void)
{
	struct tgen_cert ca = { .cn = "hardgate test CA", .from_days = -2, .to_days = 3650,
				.ca = 1 };
	char name[32], san[96], cn[32];

	hgt_suite_init();
	T.ca_key = tgen_key("ec");
	T.ca = tgen_cert(T.ca_key, &ca, NULL, NULL);
	T.ca_pem = tgen_write_cert(hgt_dir, "ca.pem", T.ca, NULL);
	for (int i = 1; i <= NODES; i++) {
		struct tgen_cert o = node_opts;

		snprintf(cn, sizeof(cn), "kalamdb-node-%d", i);
		snprintf(san, sizeof(san), "DNS:node%d.cluster.internal,IP:10.0.0.%d", i, i);
		o.cn = cn;
		o.san = san;
		T.key[i] = tgen_key("ec");
		T.key_pem[i] = tgen_key_pem(T.key[i]);
		snprintf(name, sizeof(name), "node%d.pem", i);
		T.cert[i] = issue(name, T.key[i], &o);
		snprintf(name, sizeof(name), "node%d.key", i);
		T.keyp[i] = tgen_write_key(hgt_dir, name, T.key[i], 0600, NULL);
	}
	return 0;
}

static int
suite_clean(void)
{
	for (int i = 1; i <= NODES; i++) {
		EVP_PKEY_free(T.key[i]);
		free(T.cert[i]);
		free(T.keyp[i]);
		free(T.key_pem[i]);
	}
	EVP_PKEY_free(T.ca_key);
	X509_free(T.ca);
	free(T.ca_pem);
	memset(&T, 0, sizeof(T));
	return hgt_suite_clean();
}

/* 1 if a finding of D contains a line of the PEM body of node I's key. */
static int
leaks_key(const struct hg_decision *d, int i)
{
	char *pem = strdup(T.key_pem[i]), *save = NULL;
	int leak = 0;

	for (char *l = strtok_r(pem, "\n", &save); l && !leak; l = strtok_r(NULL, "\n", &save)) {
		if (strncmp(l, "-----", 5) == 0)
			continue;
		for (size_t f = 0; f < d->n && !leak; f++)
			leak = strstr(d->f[f].message, l) || strstr(d->f[f].where, l) ||
			       strstr(d->f[f].fix, l);
	}
	free(pem);
	return leak;
}

static int hook_fp(const char *path, char out[HG_FP_LEN], char *err, size_t errlen);

/* Run tls with the args FMT... (the inside of args: { }). */
static struct hg_decision *
run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static struct hg_decision *
run(const char *fmt, ...)
{
	struct hg_decision *d;
	char args[16384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	d = hgt_run_module(hgt_dir, "tls", args, NULL);
	for (int i = 1; i <= NODES; i++)
		CU_ASSERT_FALSE(leaks_key(d, i));
	return d;
}

/* Node 1's cert CERT and key KEY against the suite's CA, with EXTRA args. */
static struct hg_decision *
run_node(const char *cert, const char *key, const char *extra)
{
	return run("cert = \"%s\"; key = \"%s\"; ca = \"%s\"; %s", cert, key, T.ca_pem, extra);
}

/*
 * Assert D's STATUS and a finding (ID, SEV, SUB); an allowed run has no
 * WARN unless SEV asks for one, and never a FAIL. Frees D.
 */
static void
expect(struct hg_decision *d, int status, const char *id, int sev, const char *sub)
{
	int ok = d->status == status;

	if (id)
		ok = ok && hgt_has(d, id, sev, sub);
	if (status == HG_EXIT_ALLOWED) {
		ok = ok && hg_decision_count_sev(d, HG_SEV_FAIL) == 0;
		if (sev != HG_SEV_WARN)
			ok = ok && hg_decision_count_sev(d, HG_SEV_WARN) == 0;
	}
	CU_ASSERT_TRUE(ok);
	if (!ok) {
		fprintf(stderr, "\n  expected status %d with %s %d \"%s\"\n", status,
			id ? id : "-", sev, sub ? sub : "");
		hgt_dump(d);
	}
	hg_decision_free(d);
}

/* --- the good cluster --- */

static void
test_tls_allows_each_good_node_with_distinct_peers(void)
{
	for (int i = 1; i <= NODES; i++) {
		int a = i % NODES + 1, b = (i + 1) % NODES + 1;
		char extra[4096], name[64];

		snprintf(name, sizeof(name), "node%d.cluster.internal", i);
		snprintf(extra, sizeof(extra), "server_name = \"%s\"; purpose = \"both\"; "
			 "peers = [ \"%s\", \"%s\" ];", name, T.cert[a], T.cert[b]);
		expect(run_node(T.cert[i], T.keyp[i], extra), HG_EXIT_ALLOWED, "HG-021",
		       HG_SEV_INFO, "expires in 365 days");
	}
}

static void
test_tls_reports_days_left_as_info_naming_subject_and_fingerprint(void)
{
	struct hg_decision *d = run_node(T.cert[1], T.keyp[1], "");
	const struct hg_finding *f = NULL;
	char fp[HG_FP_LEN] = "";

	CU_ASSERT_EQUAL(d->status, HG_EXIT_ALLOWED);
	/* One INFO for the node's certificate, one for the CA's; nothing else. */
	CU_ASSERT_EQUAL(d->n, 2);
	CU_ASSERT_EQUAL(hg_decision_count_sev(d, HG_SEV_INFO), d->n);
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->f[i].where, T.cert[1]) == 0)
			f = &d->f[i];
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->id, "HG-021");
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "CN=kalamdb-node-1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(f->message, "expires in 365 days, on "));
	if (strstr(f->message, "SHA256:"))
		snprintf(fp, sizeof(fp), "%.50s", strstr(f->message, "SHA256:"));
	CU_ASSERT_TRUE(hg_fp_valid(fp));
	CU_ASSERT_TRUE(hgt_has(d, "HG-021", HG_SEV_INFO, "CN=hardgate test CA"));
	hg_decision_free(d);
}

static void
test_tls_allows_server_name_as_ip_san(void)
{
	expect(run_node(T.cert[1], T.keyp[1], "server_name = \"10.0.0.1\";"), HG_EXIT_ALLOWED,
	       NULL, 0, NULL);
}

static void
test_tls_allows_rsa2048_and_ed25519_keys(void)
{
	static const char *const kinds[] = { "rsa2048", "ed25519" };

	for (size_t i = 0; i < 2; i++) {
		EVP_PKEY *k = tgen_key(kinds[i]);
		char name[64], *cert, *key;

		snprintf(name, sizeof(name), "%s.pem", kinds[i]);
		cert = issue(name, k, &node_opts);
		snprintf(name, sizeof(name), "%s.key", kinds[i]);
		key = tgen_write_key(hgt_dir, name, k, 0600, NULL);
		char fc[HG_FP_LEN] = "c", fk[HG_FP_LEN] = "k", err[256];

		expect(run_node(cert, key, "server_name = \"node1.cluster.internal\";"),
		       HG_EXIT_ALLOWED, NULL, 0, NULL);
		/* The SPKI read from the certificate is the one encoded from the key. */
		CU_ASSERT_EQUAL(hook_fp(cert, fc, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(hook_fp(key, fk, err, sizeof(err)), 0);
		CU_ASSERT_STRING_EQUAL(fc, fk);
		EVP_PKEY_free(k);
		free(cert);
		free(key);
	}
}

static void
test_tls_allows_chain_through_intermediate_in_cert_file(void)
{
	struct tgen_cert io = { .cn = "hardgate test intermediate", .from_days = -1,
				.to_days = 1000, .ca = 1 };
	EVP_PKEY *ik = tgen_key("ec");
	X509 *inter = tgen_cert(ik, &io, T.ca, T.ca_key);
	X509 *leaf = tgen_cert(T.key[1], &node_opts, inter, ik);
	char *cert = tgen_write_cert(hgt_dir, "chain.pem", leaf, inter);
	char *only = tgen_write_cert(hgt_dir, "leaf-only.pem", leaf, NULL);

	expect(run_node(cert, T.keyp[1], ""), HG_EXIT_ALLOWED, "HG-021", HG_SEV_INFO,
	       "CN=hardgate test intermediate");
	/* Without its intermediate the leaf does not chain to the CA. */
	expect(run_node(only, T.keyp[1], ""), HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL,
	       "is not issued by a CA in");
	X509_free(leaf);
	X509_free(inter);
	EVP_PKEY_free(ik);
	free(cert);
	free(only);
}

/* --- validity window --- */

static void
test_tls_refuses_expired_certificate(void)
{
	struct tgen_cert o = node_opts;
	char *cert;

	o.from_days = -30;
	o.to_days = -2;
	o.to_secs = 0;
	cert = issue("expired.pem", T.key[1], &o);
	expect(run_node(cert, T.keyp[1], ""), HG_EXIT_REFUSED, "HG-021", HG_SEV_FAIL,
	       "expired 2 days ago, on ");
	free(cert);
}

/* Its notAfter is a figure even when it fails: audit's days left go negative. */
static void
test_tls_reports_not_after_of_expired_certificate(void)
{
	struct tgen_cert o = node_opts;
	struct hg_decision *d;
	double want = (double)time(NULL) - 2 * 86400;
	char *cert;

	o.from_days = -30;
	o.to_days = -2;
	o.to_secs = 0;
	cert = issue("expired-metric.pem", T.key[1], &o);
	d = run_node(cert, T.keyp[1], "");
	CU_ASSERT_EQUAL(d->status, HG_EXIT_REFUSED);
	CU_ASSERT_EQUAL_FATAL(d->nm, 2);	/* the leaf, then the CA */
	CU_ASSERT_EQUAL(d->m[0].kind, HG_METRIC_CERT_NOT_AFTER);
	CU_ASSERT_STRING_EQUAL(d->m[0].id, "HG-021");
	CU_ASSERT_STRING_EQUAL(d->m[0].module, "tls");
	CU_ASSERT_STRING_EQUAL(d->m[0].where, cert);
	CU_ASSERT_EQUAL(strncmp(d->m[0].key, "SHA256:", 7), 0);
	CU_ASSERT(d->m[0].value > want - 10 && d->m[0].value < want + 10);
	CU_ASSERT_STRING_EQUAL(d->m[1].where, T.ca_pem);
	hg_decision_free(d);
	free(cert);
}

static void
test_tls_refuses_not_yet_valid_certificate(void)
{
	struct tgen_cert o = node_opts;
	char *cert;

	o.from_days = 3;
	cert = issue("future.pem", T.key[1], &o);
	expect(run_node(cert, T.keyp[1], ""), HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL,
	       "is not valid before ");
	free(cert);
}

static void
test_tls_refuses_certificate_inside_min_days_left(void)
{
	struct tgen_cert o = node_opts;
	char *cert;

	o.to_days = 5;
	cert = issue("soon.pem", T.key[1], &o);
	expect(run_node(cert, T.keyp[1], ""), HG_EXIT_REFUSED, "HG-021", HG_SEV_FAIL,
	       "expires in 5 days, fewer than min_days_left 14");
	/* The figure is reported too, for hardgate audit. */
	expect(run_node(cert, T.keyp[1], ""), HG_EXIT_REFUSED, "HG-021", HG_SEV_INFO,
	       "expires in 5 days, on ");
	free(cert);
}

static void
test_tls_warns_inside_warn_days_left_and_allows(void)
{
	struct tgen_cert o = node_opts;
	char *cert;

	o.to_days = 5;
	cert = issue("soon-warn.pem", T.key[1], &o);
	expect(run_node(cert, T.keyp[1], "min_days_left = 3; warn_days_left = 30;"),
	       HG_EXIT_ALLOWED, "HG-021", HG_SEV_WARN,
	       "expires in 5 days, fewer than warn_days_left 30");
	/* A KalamDB node's expiry alert is its checklist item KDB-B-06. */
	expect(run_node(cert, T.keyp[1],
			"min_days_left = 3; warn_days_left = 30; expiry_id = \"KDB-B-06\";"),
	       HG_EXIT_ALLOWED, "KDB-B-06", HG_SEV_WARN,
	       "expires in 5 days, fewer than warn_days_left 30");
	free(cert);
}

static void
test_tls_refuses_expired_ca_in_chain(void)
{
	struct tgen_cert co = { .cn = "expired CA", .from_days = -90, .to_days = -1, .ca = 1 };
	EVP_PKEY *ck = tgen_key("ec");
	X509 *ca = tgen_cert(ck, &co, NULL, NULL), *leaf = tgen_cert(T.key[1], &node_opts, ca, ck);
	char *cap = tgen_write_cert(hgt_dir, "expired-ca.pem", ca, NULL);
	char *cert = tgen_write_cert(hgt_dir, "under-expired-ca.pem", leaf, NULL);

	expect(run("cert = \"%s\"; key = \"%s\"; ca = \"%s\";", cert, T.keyp[1], cap),
	       HG_EXIT_REFUSED, "HG-021", HG_SEV_FAIL, "CN=expired CA");
	X509_free(leaf);
	X509_free(ca);
	EVP_PKEY_free(ck);
	free(cap);
	free(cert);
}

/*
 * A certificate whose tbsCertificate is BER (an indefinite length) is
 * read by OpenSSL but has no DER to take its key's fingerprint from: the
 * leaf is refused for that reason, and an expired intermediate so encoded
 * is refused, not left out of the validity check.
 */
static void
test_tls_refuses_certificates_not_in_der(void)
{
	struct tgen_cert io = { .cn = "hardgate BER intermediate", .from_days = -90,
				.to_days = -1, .ca = 1 };
	EVP_PKEY *ik = tgen_key("ec");
	X509 *inter = tgen_cert(ik, &io, T.ca, T.ca_key), *binter = tgen_ber(inter, T.ca_key);
	X509 *leaf = tgen_cert(T.key[1], &node_opts, inter, ik);
	X509 *dleaf = tgen_cert(T.key[1], &node_opts, T.ca, T.ca_key);
	X509 *bleaf = tgen_ber(dleaf, T.ca_key);
	char *chain = tgen_write_cert(hgt_dir, "ber-chain.pem", leaf, binter);
	char *cert = tgen_write_cert(hgt_dir, "ber-leaf.pem", bleaf, NULL);

	expect(run_node(chain, T.keyp[1], ""), HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL,
	       "CN=hardgate BER intermediate");
	expect(run_node(cert, T.keyp[1], ""), HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL,
	       "is not DER");
	X509_free(leaf);
	X509_free(dleaf);
	X509_free(bleaf);
	X509_free(inter);
	X509_free(binter);
	EVP_PKEY_free(ik);
	free(chain);
	free(cert);
}

/* --- name --- */

static void
test_tls_refuses_server_name_not_in_san(void)
{
	expect(run_node(T.cert[1], T.keyp[1], "server_name = \"node2.cluster.internal\";"),
	       HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL,
	       "does not name node2.cluster.internal in its subjectAltName (it has "
	       "DNS:node1.cluster.internal, IP:10.0.0.1;");
	expect(run_node(T.cert[1], T.keyp[1], "server_name = \"10.0.0.2\";"), HG_EXIT_REFUSED,
	       "HG-020", HG_SEV_FAIL, "does not name 10.0.0.2");
}

static void
test_tls_refuses_name_only_in_subject_cn(void)
{
	struct tgen_cert o = node_opts;
	char *cert;

	o.cn = "node1.cluster.internal";
	o.san = NULL;
	cert = issue("cn-only.pem", T.key[1], &o);
	expect(run_node(cert, T.keyp[1], "server_name = \"node1.cluster.internal\";"),
	       HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL, "(it has none; the subject CN does not count)");
	free(cert);
}

/*
 * A SAN iPAddress that is neither 4 nor 16 bytes (malformed) is shown as
 * "?" without reading past it (inet_ntop reads 4 bytes; ASan catches it).
 */
static void
test_tls_names_a_malformed_ip_san_without_overreading(void)
{
	static const unsigned char one[1] = { 10 };
	struct tgen_cert o = node_opts;
	GENERAL_NAMES *gens = sk_GENERAL_NAME_new_null();
	GENERAL_NAME *g = GENERAL_NAME_new();
	ASN1_OCTET_STRING *ip = ASN1_OCTET_STRING_new();
	X509 *x;
	char *cert;

	CU_ASSERT_FATAL(gens && g && ip && ASN1_OCTET_STRING_set(ip, one, sizeof(one)));
	GENERAL_NAME_set0_value(g, GEN_IPADD, ip);
	CU_ASSERT_FATAL(sk_GENERAL_NAME_push(gens, g) > 0);
	o.san = NULL;
	x = tgen_cert(T.key[1], &o, T.ca, T.ca_key);
	CU_ASSERT_FATAL(X509_add1_ext_i2d(x, NID_subject_alt_name, gens, 0, 0) == 1 &&
			X509_sign(x, T.ca_key, EVP_sha256()) > 0);
	GENERAL_NAMES_free(gens);
	cert = tgen_write_cert(hgt_dir, "short-ip-san.pem", x, NULL);
	X509_free(x);
	expect(run_node(cert, T.keyp[1], "server_name = \"10.0.0.1\";"), HG_EXIT_REFUSED,
	       "HG-020", HG_SEV_FAIL, "(it has IP:?;");
	free(cert);
}

/* --- key --- */

static void
test_tls_refuses_key_not_matching_certificate(void)
{
	expect(run_node(T.cert[1], T.keyp[2], ""), HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL,
	       "is not the key of certificate");
}

static void
test_tls_refuses_weak_keys(void)
{
	static const struct {
		const char *kind, *sub;
	} weak[] = {
		{ "rsa1024", "has 1024 bits, fewer than min_rsa_bits 2048" },
		{ "p224", "is on curve secp224r1; P-256, P-384 or P-521 is required" },
	};

	for (size_t i = 0; i < 2; i++) {
		EVP_PKEY *k = tgen_key(weak[i].kind);
		char name[64], *cert, *key;

		snprintf(name, sizeof(name), "%s.pem", weak[i].kind);
		cert = issue(name, k, &node_opts);
		snprintf(name, sizeof(name), "%s.key", weak[i].kind);
		key = tgen_write_key(hgt_dir, name, k, 0600, NULL);
		expect(run_node(cert, key, ""), HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL,
		       weak[i].sub);
		EVP_PKEY_free(k);
		free(cert);
		free(key);
	}
}

#define PASSPHRASE "hunter2-passphrase"

/*
 * In a child without a controlling terminal whose stdin holds the right
 * passphrase: were OpenSSL's prompt ever reached, it would read it, the
 * key would decrypt and the refusal (and so this test) would go.
 */
static int
encrypted_key_child(void *key)
{
	struct hg_decision *d;
	int p[2], refused;

	if (setsid() < 0 || pipe(p) < 0 || write(p[1], PASSPHRASE "\n", strlen(PASSPHRASE) + 1) < 0)
		return 2;
	close(p[1]);
	if (dup2(p[0], 0) < 0)
		return 2;
	d = run_node(T.cert[1], key, "");
	refused = d->status == HG_EXIT_REFUSED &&
		  hgt_has(d, "HG-020", HG_SEV_FAIL, "is encrypted and no passphrase is ever asked for");
	hg_decision_free(d);
	return refused ? 0 : 1;
}

static void
test_tls_refuses_encrypted_key_without_prompting(void)
{
	char *key = tgen_write_key(hgt_dir, "enc.key", T.key[1], 0600, PASSPHRASE);

	CU_ASSERT_EQUAL(hgt_fork(encrypted_key_child, key), 0);
	free(key);
}

static void
test_tls_refuses_world_readable_key(void)
{
	char *key = tgen_write_key(hgt_dir, "wide.key", T.key[1], 0644, NULL);

	expect(run_node(T.cert[1], key, ""), HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL,
	       "is mode 0644, must be 0600 or stricter");
	free(key);
}

static void
test_tls_allows_key_mode_the_policy_allows(void)
{
	char *key = tgen_write_key(hgt_dir, "group.key", T.key[1], 0640, NULL);

	expect(run_node(T.cert[1], key, "key_mode = \"0640\";"), HG_EXIT_ALLOWED, NULL, 0, NULL);
	free(key);
}

static void
test_tls_allows_combined_file_only_when_closed(void)
{
	char *path = hgt_path(hgt_dir, "combined.pem"), *cmd;

	CU_ASSERT_TRUE(asprintf(&cmd, "cat %s %s > %s && chmod 0644 %s", T.cert[1], T.keyp[1],
				path, path) > 0);
	CU_ASSERT_EQUAL(system(cmd), 0);
	/* A world-readable certificate file that carries the key leaks it. */
	expect(run_node(path, T.keyp[1], ""), HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL,
	       "holds a private key and is mode 0644");
	CU_ASSERT_EQUAL(chmod(path, 0600), 0);
	expect(run_node(path, path, ""), HG_EXIT_ALLOWED, NULL, 0, NULL);
	free(cmd);
	free(path);
}

/* --- files that do not parse --- */

static void
test_tls_refuses_truncated_certificate(void)
{
	char *cert = tgen_truncated(hgt_dir, "cut.pem", T.cert[1], 300, 0644);

	expect(run_node(cert, T.keyp[1], ""), HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL,
	       "has a malformed or truncated PEM block after 0 certificates");
	free(cert);
}

static void
test_tls_refuses_truncated_key(void)
{
	char *key = tgen_truncated(hgt_dir, "cut.key", T.keyp[1], 100, 0600);

	expect(run_node(T.cert[1], key, ""), HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL,
	       "is malformed or truncated");
	free(key);
}

static void
test_tls_refuses_files_without_pem(void)
{
	char *junk = hgt_write(hgt_dir, "junk.pem", "not a certificate\n", 0644);
	char *kjunk = hgt_write(hgt_dir, "junk.key", "not a key\n", 0600);

	expect(run_node(junk, T.keyp[1], ""), HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL,
	       "holds no PEM certificate");
	expect(run_node(T.cert[1], kjunk, ""), HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL,
	       "holds no PEM private key");
	expect(run("cert = \"%s\"; key = \"%s\"; ca = \"%s\";", T.cert[1], T.keyp[1], junk),
	       HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL, "CA bundle");
	free(junk);
	free(kjunk);
}

static void
test_tls_refuses_missing_and_writable_files(void)
{
	char *w = tgen_write_cert(hgt_dir, "writable.pem", T.ca, NULL);
	char *path = hgt_path(hgt_dir, "absent.pem");

	CU_ASSERT_EQUAL(chmod(w, 0666), 0);
	expect(run_node(path, T.keyp[1], ""), HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL, path);
	expect(run("cert = \"%s\"; key = \"%s\"; ca = \"%s\";", T.cert[1], T.keyp[1], w),
	       HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL, "may be changed by others");
	free(w);
	free(path);
}

/* --- chain --- */

/* DIR/NAME: N unrelated CA certificates, then the extra ones in XS (NULL-ended). */
static char *
bundle(const char *name, int n, X509 *const *xs)
{
	char *path = hgt_path(hgt_dir, name);
	FILE *f = fopen(path, "w");

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (int i = 0; i < n; i++) {
		struct tgen_cert o = { .cn = "unrelated CA", .from_days = -1, .to_days = 100, .ca = 1 };
		EVP_PKEY *k = tgen_key("ec");
		X509 *x = tgen_cert(k, &o, NULL, NULL);

		CU_ASSERT_TRUE(PEM_write_X509(f, x));
		X509_free(x);
		EVP_PKEY_free(k);
	}
	for (; xs && *xs; xs++)
		CU_ASSERT_TRUE(PEM_write_X509(f, *xs));
	CU_ASSERT_EQUAL(fclose(f), 0);
	CU_ASSERT_EQUAL(chmod(path, 0644), 0);
	return path;
}

static void
test_tls_finds_the_ca_in_a_large_bundle(void)
{
	X509 *ours[] = { T.ca, NULL };
	char *ca = bundle("bundle.pem", 40, ours);

	expect(run("cert = \"%s\"; key = \"%s\"; ca = \"%s\";", T.cert[1], T.keyp[1], ca),
	       HG_EXIT_ALLOWED, "HG-021", HG_SEV_INFO, "CN=hardgate test CA");
	free(ca);
	ca = bundle("unrelated.pem", 3, NULL);
	expect(run("cert = \"%s\"; key = \"%s\"; ca = \"%s\";", T.cert[1], T.keyp[1], ca),
	       HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL, "is not issued by a CA in");
	free(ca);
}

static void
test_tls_chains_through_intermediate_in_ca_bundle(void)
{
	struct tgen_cert io = { .cn = "bundle intermediate", .from_days = -1, .to_days = 1000,
				.ca = 1 };
	EVP_PKEY *ik = tgen_key("ec");
	X509 *inter = tgen_cert(ik, &io, T.ca, T.ca_key);
	X509 *leaf = tgen_cert(T.key[1], &node_opts, inter, ik);
	X509 *ours[] = { inter, T.ca, NULL };
	char *cert = tgen_write_cert(hgt_dir, "leaf-of-bundle.pem", leaf, NULL);
	char *ca = bundle("bundle-chain.pem", 2, ours);

	expect(run("cert = \"%s\"; key = \"%s\"; ca = \"%s\";", cert, T.keyp[1], ca),
	       HG_EXIT_ALLOWED, "HG-021", HG_SEV_INFO, "CN=bundle intermediate");
	X509_free(leaf);
	X509_free(inter);
	EVP_PKEY_free(ik);
	free(cert);
	free(ca);
}

static void
test_tls_refuses_bundle_with_a_malformed_certificate(void)
{
	X509 *ours[] = { T.ca, NULL };
	char *ca = bundle("bad-bundle.pem", 1, ours), *cmd;

	/* A block that is base64 and PEM but not a certificate, not the one used. */
	CU_ASSERT_TRUE(asprintf(&cmd, "printf -- '-----BEGIN CERTIFICATE-----\\nMIIBAAAA\\n"
				"-----END CERTIFICATE-----\\n' >> %s", ca) > 0);
	CU_ASSERT_EQUAL(system(cmd), 0);
	expect(run("cert = \"%s\"; key = \"%s\"; ca = \"%s\";", T.cert[1], T.keyp[1], ca),
	       HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL, "certificate 3 is malformed");
	free(cmd);
	free(ca);
	ca = tgen_truncated(hgt_dir, "cut-bundle.pem", T.ca_pem, 200, 0644);
	expect(run("cert = \"%s\"; key = \"%s\"; ca = \"%s\";", T.cert[1], T.keyp[1], ca),
	       HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL,
	       "has a malformed or truncated PEM block after 0 certificates");
	free(ca);
}

static void
test_tls_refuses_certificate_of_another_ca(void)
{
	struct tgen_cert co = { .cn = "some other CA", .from_days = -1, .to_days = 100, .ca = 1 };
	EVP_PKEY *ck = tgen_key("ec");
	X509 *ca = tgen_cert(ck, &co, NULL, NULL), *leaf = tgen_cert(T.key[1], &node_opts, ca, ck);
	char *cert = tgen_write_cert(hgt_dir, "other-ca.pem", leaf, NULL);

	expect(run_node(cert, T.keyp[1], ""), HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL,
	       "issuer /CN=some other CA");
	X509_free(leaf);
	X509_free(ca);
	EVP_PKEY_free(ck);
	free(cert);
}

static void
test_tls_refuses_purpose_the_certificate_lacks(void)
{
	struct tgen_cert o = node_opts;
	char *cert;

	o.eku = "serverAuth";
	cert = issue("server-only.pem", T.key[1], &o);
	expect(run_node(cert, T.keyp[1], ""), HG_EXIT_ALLOWED, NULL, 0, NULL);
	expect(run_node(cert, T.keyp[1], "purpose = \"both\";"), HG_EXIT_REFUSED, "HG-020",
	       HG_SEV_FAIL, "for purpose client: unsuitable certificate purpose");
	free(cert);
}

/* --- peers --- */

static void
test_tls_refuses_two_nodes_sharing_a_key(void)
{
	struct tgen_cert o = node_opts;
	char *twin, extra[4096];

	o.cn = "kalamdb-node-4";
	o.san = "DNS:node4.cluster.internal";
	twin = issue("node4-same-key.pem", T.key[1], &o);
	snprintf(extra, sizeof(extra), "peers = [ \"%s\", \"%s\" ];", T.cert[2], twin);
	expect(run_node(T.cert[1], T.keyp[1], extra), HG_EXIT_REFUSED, "HG-022", HG_SEV_FAIL,
	       "share one key (SHA256:");
	/* Among the peers too: node 2's certificate and a key file of the same key. */
	snprintf(extra, sizeof(extra), "peers = [ \"%s\", \"%s\" ];", T.cert[2], T.keyp[2]);
	expect(run_node(T.cert[1], T.keyp[1], extra), HG_EXIT_REFUSED, "HG-022", HG_SEV_FAIL,
	       "share one key");
	free(twin);
}

static void
test_tls_refuses_unreadable_peer(void)
{
	char *junk = hgt_write(hgt_dir, "peer-junk.pem", "nothing here\n", 0644);
	char extra[4096];

	snprintf(extra, sizeof(extra), "peers = [ \"%s\" ];", junk);
	expect(run_node(T.cert[1], T.keyp[1], extra), HG_EXIT_REFUSED, "HG-022", HG_SEV_FAIL,
	       "holds no PEM material");
	free(junk);
	/* A SEQUENCE that claims 256 bytes and holds 2. */
	junk = hgt_write(hgt_dir, "peer-bad-der.pem",
			 "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n", 0644);
	snprintf(extra, sizeof(extra), "peers = [ \"%s\" ];", junk);
	expect(run_node(T.cert[1], T.keyp[1], extra), HG_EXIT_REFUSED, "HG-022", HG_SEV_FAIL,
	       "holds a malformed certificate");
	free(junk);
}

/* --- revocation --- */

/* Write DIR/revoked.d/tls.list with FP (or remove it when FP is NULL). */
static void
set_revoked(const char *fp)
{
	char *dir = hgt_path(hgt_dir, "revoked.d"), *list, text[256];

	mkdir(dir, 0755);
	if (fp == NULL) {
		list = hgt_path(dir, "tls.list");
		unlink(list);
	} else {
		snprintf(text, sizeof(text), "# test\n%s key leaked in incident 7\n", fp);
		list = hgt_write(dir, "tls.list", text, 0644);
	}
	free(list);
	free(dir);
}

/* The fingerprint the module's hook gives for PATH. */
static int
hook_fp(const char *path, char out[HG_FP_LEN], char *err, size_t errlen)
{
	char so[4096];
	void *h;
	const struct hg_module *m;
	int r = -ENOENT;

	snprintf(so, sizeof(so), "%s/hardgate_tls.so", hgt_module_dir());
	if ((h = dlopen(so, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return r;
	m = dlsym(h, "hg_module_tls");
	if (m && m->fingerprint)
		r = m->fingerprint(path, out, HG_FP_LEN, err, errlen);
	dlclose(h);
	return r;
}

static void
test_tls_refuses_revoked_certificate_and_peer(void)
{
	char fp[HG_FP_LEN], err[256], extra[4096];

	CU_ASSERT_EQUAL_FATAL(hook_fp(T.cert[1], fp, err, sizeof(err)), 0);
	set_revoked(fp);
	expect(run_node(T.cert[1], T.keyp[1], ""), HG_EXIT_REFUSED, "HG-018", HG_SEV_FAIL,
	       "is revoked: key leaked in incident 7");
	snprintf(extra, sizeof(extra), "peers = [ \"%s\" ];", T.cert[1]);
	expect(run_node(T.cert[2], T.keyp[2], extra), HG_EXIT_REFUSED, "HG-018", HG_SEV_FAIL,
	       "peer material");
	set_revoked(NULL);
	expect(run_node(T.cert[1], T.keyp[1], ""), HG_EXIT_ALLOWED, NULL, 0, NULL);
}

/* Length of the DER element at P (its header and contents); *HDR gets the header's length. */
static size_t
der_elem(const unsigned char *p, size_t *hdr)
{
	size_t n = p[1], h = 2;

	if (n & 0x80) {
		h = 2 + (n & 0x7f);
		n = 0;
		for (size_t i = 2; i < h; i++)
			n = n << 8 | p[i];
	}
	*hdr = h;
	return h + n;
}

/* A SEQUENCE header for LEN content bytes, always in the 3-byte long form. */
static size_t
seq_hdr(unsigned char *out, size_t len)
{
	out[0] = 0x30;
	out[1] = 0x82;
	out[2] = (unsigned char)(len >> 8);
	out[3] = (unsigned char)len;
	return 4;
}

/*
 * A certificate for KEY by the suite's CA whose SubjectPublicKeyInfo
 * header uses a long-form length (0x30 0x82 0x00 0x59, not 0x30 0x59):
 * valid to OpenSSL, but not the bytes i2d re-encodes. Its PEM path.
 */
static char *
cert_with_long_form_spki(const char *name, EVP_PKEY *key)
{
	X509 *x = tgen_cert(key, &node_opts, T.ca, T.ca_key), *y;
	unsigned char *der = NULL, tbs[4096], cert[8192], sig[256], *q;
	const unsigned char *p, *c;
	size_t h, tl, el, off, n = 0, sl = sizeof(sig), at;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	char *path;
	int len = i2d_X509(x, &der);

	CU_ASSERT_FATAL(len > 0 && md != NULL);
	c = der + (der_elem(der, &h), h);		/* into Certificate */
	el = der_elem(c, &h);				/* tbsCertificate */
	p = c + h;
	/* version [0], serial, signature, issuer, validity, subject: copied */
	for (int i = 0; i < 6; i++) {
		size_t l = der_elem(p, &h);

		memcpy(tbs + 4 + n, p, l);
		n += l;
		p += l;
	}
	at = n;
	{	/* the SPKI with its header in long form */
		size_t l = der_elem(p, &h), content = l - h;

		tbs[4 + n] = 0x30;
		tbs[4 + n + 1] = 0x82;
		tbs[4 + n + 2] = (unsigned char)(content >> 8);
		tbs[4 + n + 3] = (unsigned char)content;
		memcpy(tbs + 4 + n + 4, p + h, content);
		n += 4 + content;
		p += l;
	}
	CU_ASSERT_FATAL(tbs[4 + at + 1] == 0x82);
	memcpy(tbs + 4 + n, p, (size_t)(c + el - p));	/* extensions */
	n += (size_t)(c + el - p);
	tl = seq_hdr(tbs, n) + n;
	CU_ASSERT_FATAL(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, T.ca_key) == 1 &&
			EVP_DigestSign(md, sig, &sl, tbs, tl) == 1);
	off = 4;
	memcpy(cert + off, tbs, tl);
	off += tl;
	p = c + el;					/* signatureAlgorithm */
	memcpy(cert + off, p, der_elem(p, &h));
	off += der_elem(p, &h);
	cert[off++] = 0x03;				/* BIT STRING of the signature */
	cert[off++] = (unsigned char)(sl + 1);
	cert[off++] = 0x00;
	memcpy(cert + off, sig, sl);
	off += sl;
	seq_hdr(cert, off - 4);
	c = cert;
	y = d2i_X509(NULL, &c, (long)off);
	CU_ASSERT_PTR_NOT_NULL_FATAL(y);
	q = NULL;
	CU_ASSERT_FATAL(i2d_X509(y, &q) == (int)off && memcmp(q, cert, off) == 0);
	OPENSSL_free(q);
	path = tgen_write_cert(hgt_dir, name, y, NULL);
	X509_free(y);
	X509_free(x);
	OPENSSL_free(der);
	EVP_MD_CTX_free(md);
	return path;
}

/*
 * `hardgate fingerprint CERT` (the module's hook) and check() hash the
 * same SPKI bytes, the certificate's own: revoking the printed
 * fingerprint refuses the certificate, however its SPKI is encoded.
 */
static void
test_tls_hook_fingerprint_is_the_one_check_looks_up(void)
{
	char fp[HG_FP_LEN], err[256];
	char *cert = cert_with_long_form_spki("longspki.pem", T.key[1]);

	expect(run_node(cert, T.keyp[1], ""), HG_EXIT_ALLOWED, NULL, 0, NULL);
	CU_ASSERT_EQUAL_FATAL(hook_fp(cert, fp, err, sizeof(err)), 0);
	set_revoked(fp);
	expect(run_node(cert, T.keyp[1], ""), HG_EXIT_REFUSED, "HG-018", HG_SEV_FAIL,
	       "is revoked: key leaked in incident 7");
	set_revoked(NULL);
	free(cert);
}

/* A revoked CA (its key leaked) refuses every node whose chain runs through it. */
static void
test_tls_refuses_chain_through_a_revoked_ca(void)
{
	char fp[HG_FP_LEN], err[256];

	CU_ASSERT_EQUAL_FATAL(hook_fp(T.ca_pem, fp, err, sizeof(err)), 0);
	set_revoked(fp);
	expect(run_node(T.cert[1], T.keyp[1], ""), HG_EXIT_REFUSED, "HG-018", HG_SEV_FAIL,
	       "CA certificate");
	set_revoked(NULL);
	expect(run_node(T.cert[1], T.keyp[1], ""), HG_EXIT_ALLOWED, NULL, 0, NULL);
}

static void
test_tls_refuses_when_revocation_list_is_malformed(void)
{
	set_revoked("not-a-fingerprint");
	expect(run_node(T.cert[1], T.keyp[1], ""), HG_EXIT_REFUSED, "HG-017", HG_SEV_FAIL, NULL);
	set_revoked(NULL);
}

/* --- fingerprint hook --- */

static void
test_tls_fingerprint_is_one_for_cert_and_key(void)
{
	char a[HG_FP_LEN], b[HG_FP_LEN], c[HG_FP_LEN], err[256];
	char *raw = hgt_write(hgt_dir, "raw.key", "AAAAC3NzaC1lZDI1NTE5\n", 0600);
	char *enc = tgen_write_key(hgt_dir, "enc2.key", T.key[1], 0600, PASSPHRASE);

	CU_ASSERT_EQUAL(hook_fp(T.cert[1], a, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(hook_fp(T.keyp[1], b, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(hook_fp(T.cert[2], c, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(hg_fp_valid(a));
	CU_ASSERT_STRING_EQUAL(a, b);
	CU_ASSERT_STRING_NOT_EQUAL(a, c);
	CU_ASSERT_EQUAL(hook_fp(raw, a, err, sizeof(err)), -ENOTSUP);
	CU_ASSERT_EQUAL(hook_fp(enc, a, err, sizeof(err)), -EACCES);
	free(raw);
	free(enc);
}

/*
 * hardgate fingerprint on a FIFO (or a device) says it is no key
 * material; it must not wait forever for a writer that never comes.
 */
static void
test_tls_fingerprint_does_not_block_on_a_fifo(void)
{
	char *fifo = hgt_path(hgt_dir, "key.fifo");
	struct timespec tick = { 0, 50 * 1000 * 1000 };
	int status = 0, waited = 0;
	pid_t pid, got = 0;

	unlink(fifo);
	CU_ASSERT_EQUAL_FATAL(mkfifo(fifo, 0600), 0);
	if ((pid = fork()) == 0) {
		char fp[HG_FP_LEN], err[256];
		int r = hook_fp(fifo, fp, err, sizeof(err));

		free(fifo);	/* valgrind-unit checks the child's heap at _exit too */
		_exit(r < 0 ? 0 : 1);
	}
	CU_ASSERT_FATAL(pid > 0);
	while ((got = waitpid(pid, &status, WNOHANG)) == 0 && waited++ < 100)	/* 5 s */
		nanosleep(&tick, NULL);
	if (got == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	CU_ASSERT_EQUAL(got, pid);	/* returned on its own */
	CU_ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);	/* and refused */
	unlink(fifo);
	free(fifo);
}

/* --- IDs and args --- */

static void
test_tls_reports_kalamdb_ids_when_mapped(void)
{
	const char *ids = "id = \"KDB-B-02\"; name_id = \"KDB-B-03\"; expiry_id = \"KDB-F-01\"; "
			  "shared_key_id = \"KDB-B-05\";";
	char extra[4096];

	snprintf(extra, sizeof(extra), "%s server_name = \"node9.cluster.internal\";", ids);
	expect(run_node(T.cert[1], T.keyp[1], extra), HG_EXIT_REFUSED, "KDB-B-03", HG_SEV_FAIL,
	       "does not name node9");
	expect(run_node(T.cert[1], T.keyp[1], ids), HG_EXIT_ALLOWED, "KDB-F-01", HG_SEV_INFO,
	       "expires in 365 days");
	expect(run_node(T.cert[1], T.keyp[2], ids), HG_EXIT_REFUSED, "KDB-B-02", HG_SEV_FAIL,
	       "is not the key of certificate");
	snprintf(extra, sizeof(extra), "%s peers = [ \"%s\" ];", ids, T.keyp[1]);
	expect(run_node(T.cert[1], T.keyp[1], extra), HG_EXIT_REFUSED, "KDB-B-05", HG_SEV_FAIL,
	       "share one key");
}

static void
test_tls_refuses_absurd_numbers(void)
{
	expect(run_node(T.cert[1], T.keyp[1], "min_rsa_bits = 512;"), HG_EXIT_REFUSED, "HG-020",
	       HG_SEV_FAIL, "min_rsa_bits 512 is out of range");
	expect(run_node(T.cert[1], T.keyp[1], "min_days_left = 20; warn_days_left = 10;"),
	       HG_EXIT_REFUSED, "HG-020", HG_SEV_FAIL, "is below min_days_left 20");
}

void
hgt_suite_tls(void)
{
	CU_pSuite s = CU_add_suite("tls", suite_init, suite_clean);

	HGT_ADD(s, test_tls_allows_each_good_node_with_distinct_peers);
	HGT_ADD(s, test_tls_reports_days_left_as_info_naming_subject_and_fingerprint);
	HGT_ADD(s, test_tls_allows_server_name_as_ip_san);
	HGT_ADD(s, test_tls_allows_rsa2048_and_ed25519_keys);
	HGT_ADD(s, test_tls_allows_chain_through_intermediate_in_cert_file);
	HGT_ADD(s, test_tls_refuses_expired_certificate);
	HGT_ADD(s, test_tls_reports_not_after_of_expired_certificate);
	HGT_ADD(s, test_tls_refuses_not_yet_valid_certificate);
	HGT_ADD(s, test_tls_refuses_certificate_inside_min_days_left);
	HGT_ADD(s, test_tls_warns_inside_warn_days_left_and_allows);
	HGT_ADD(s, test_tls_refuses_expired_ca_in_chain);
	HGT_ADD(s, test_tls_refuses_certificates_not_in_der);
	HGT_ADD(s, test_tls_refuses_server_name_not_in_san);
	HGT_ADD(s, test_tls_refuses_name_only_in_subject_cn);
	HGT_ADD(s, test_tls_names_a_malformed_ip_san_without_overreading);
	HGT_ADD(s, test_tls_refuses_key_not_matching_certificate);
	HGT_ADD(s, test_tls_refuses_weak_keys);
	HGT_ADD(s, test_tls_refuses_encrypted_key_without_prompting);
	HGT_ADD(s, test_tls_refuses_world_readable_key);
	HGT_ADD(s, test_tls_allows_key_mode_the_policy_allows);
	HGT_ADD(s, test_tls_allows_combined_file_only_when_closed);
	HGT_ADD(s, test_tls_refuses_truncated_certificate);
	HGT_ADD(s, test_tls_refuses_truncated_key);
	HGT_ADD(s, test_tls_refuses_files_without_pem);
	HGT_ADD(s, test_tls_refuses_missing_and_writable_files);
	HGT_ADD(s, test_tls_finds_the_ca_in_a_large_bundle);
	HGT_ADD(s, test_tls_chains_through_intermediate_in_ca_bundle);
	HGT_ADD(s, test_tls_refuses_bundle_with_a_malformed_certificate);
	HGT_ADD(s, test_tls_refuses_certificate_of_another_ca);
	HGT_ADD(s, test_tls_refuses_purpose_the_certificate_lacks);
	HGT_ADD(s, test_tls_refuses_two_nodes_sharing_a_key);
	HGT_ADD(s, test_tls_refuses_unreadable_peer);
	HGT_ADD(s, test_tls_refuses_revoked_certificate_and_peer);
	HGT_ADD(s, test_tls_hook_fingerprint_is_the_one_check_looks_up);
	HGT_ADD(s, test_tls_refuses_chain_through_a_revoked_ca);
	HGT_ADD(s, test_tls_refuses_when_revocation_list_is_malformed);
	HGT_ADD(s, test_tls_fingerprint_is_one_for_cert_and_key);
	HGT_ADD(s, test_tls_fingerprint_does_not_block_on_a_fifo);
	HGT_ADD(s, test_tls_reports_kalamdb_ids_when_mapped);
	HGT_ADD(s, test_tls_refuses_absurd_numbers);
}
