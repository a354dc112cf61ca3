/*
 * cluster.c - section B of the KalamDB checklist: the cluster's RPC
 * listener (Raft, cluster RPC, PG extension) is mutual TLS, on a private
 * address, with the node key kept private. mTLS lives in the top-level
 * [rpc_tls]; a [cluster.rpc_tls] table is silently ignored by KalamDB
 * (reference §0), so it fails KDB-B-01 here.
 */
#include "config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "keyperm.h"
#include "kdb.h"

static const char *const cluster_keys[] = {
	"cluster_id", "node_id", "rpc_addr", "api_addr", "peers", "user_shards", "shared_shards",
	"heartbeat_interval_ms", "election_timeout_ms", "snapshot_policy", "max_snapshots_to_keep",
	"replication_timeout_ms", "reconnect_interval_ms", "peer_wait_max_retries",
	"peer_wait_initial_delay_ms", "peer_wait_max_delay_ms", NULL,
};
static const struct hg_app_stale cluster_stale[] = {
	{ "rpc_tls", "KDB-B-01", HG_SEV_FAIL,
	  "KalamDB ignores [cluster.rpc_tls]: mutual TLS is the top-level [rpc_tls] (enabled, ca_cert, server_cert, server_key)",
	  "move it to a top-level [rpc_tls] table with the keys enabled, ca_cert, server_cert, server_key" },
	{ "snapshot_threshold", "HG-033", HG_SEV_WARN, "KalamDB ignores it", "remove it" },
	{ "min_replication_nodes", "HG-033", HG_SEV_WARN, "KalamDB ignores it", "remove it" },
	{ NULL, NULL, 0, NULL, NULL },
};
static const char *const peer_keys[] = { "node_id", "rpc_addr", "api_addr", "rpc_server_name", NULL };
static const char *const tls_keys[] = {
	"enabled", "ca_cert", "server_cert", "server_key", "require_client_cert", NULL,
};
static const struct hg_app_stale tls_stale[] = {
	{ "ca_cert_path", "KDB-B-02", HG_SEV_FAIL, "KalamDB ignores it: the key is ca_cert",
	  "rename it ca_cert" },
	{ "node_cert_path", "KDB-B-02", HG_SEV_FAIL, "KalamDB ignores it: the key is server_cert",
	  "rename it server_cert" },
	{ "node_key_path", "KDB-B-02", HG_SEV_FAIL, "KalamDB ignores it: the key is server_key",
	  "rename it server_key" },
	{ NULL, NULL, 0, NULL, NULL },
};

/* The documented names KalamDB does not read (reference §0). */
static const char *const stale_env[] = {
	"KALAMDB_CLUSTER_RPC_TLS_ENABLED", "KALAMDB_CLUSTER_RPC_TLS_CA_CERT_PATH",
	"KALAMDB_CLUSTER_RPC_TLS_NODE_CERT_PATH", "KALAMDB_CLUSTER_RPC_TLS_NODE_KEY_PATH", NULL,
};

/* A private address: loopback, RFC 1918, link-local, IPv6 ULA/link-local. */
static int
private_ip(const char *host, int *is_ip)
{
	unsigned char a[16];
	char h[64];

	snprintf(h, sizeof(h), "%s", host[0] == '[' ? host + 1 : host);
	h[strcspn(h, "]")] = '\0';
	*is_ip = 1;
	if (inet_pton(AF_INET, h, a) == 1)
		return a[0] == 10 || a[0] == 127 || (a[0] == 172 && (a[1] & 0xf0) == 16) ||
		       (a[0] == 192 && a[1] == 168) || (a[0] == 169 && a[1] == 254);
	if (inet_pton(AF_INET6, h, a) == 1)
		return (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
		       memcmp(a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1", 16) == 0;
	*is_ip = 0;
	return 0;
}

static int
wildcard(const char *host)
{
	return strcmp(host, "0.0.0.0") == 0 || strcmp(host, "[::]") == 0 || strcmp(host, "::") == 0;
}

/* B-04: the node's own RPC address binds a private interface. */
static void
check_rpc_addr(struct kdb *d, const struct hg_toml_value *cl)
{
	struct kval k;
	const char *addr = kdb_str(d, "KDB-B-04", cl, "rpc_addr", "KALAMDB_CLUSTER_RPC_ADDR", &k);
	char host[128];
	int ip;

	kdb_host(addr ? addr : "127.0.0.1:9188", host, sizeof(host));
	if (wildcard(host))
		kdb_report(d, "KDB-B-04", HG_SEV_FAIL, &k, "bind the node's private address",
			   "cluster.rpc_addr %s listens on every interface", addr);
	else if (private_ip(host, &ip))
		return;
	else if (!ip)
		kdb_report(d, "KDB-B-04", HG_SEV_FAIL, &k,
			   "give rpc_addr the node's private IP address (a host name binds 0.0.0.0)",
			   "cluster.rpc_addr %s is a host name: KalamDB binds 0.0.0.0 for it", addr);
	else
		kdb_report(d, "KDB-B-04", HG_SEV_FAIL, &k, "use the node's private address",
			   "cluster.rpc_addr %s is a public address", addr);
}

/*
 * B-04 for the peers of KALAMDB_CLUSTER_PEERS, which replace the file's:
 * "node_id@rpc_addr@api_addr[@rpc_server_name]", separated by ';'.
 */
static size_t
check_env_peers(struct kdb *d, const char *env, int *nonlocal)
{
	struct kval k = { "KALAMDB_CLUSTER_PEERS", 1, NULL };
	char entry[512], host[128];
	size_t n = 0;
	int ip;

	for (const char *p = env; *p; ) {
		size_t len = strcspn(p, ";");
		char *addr, *end;

		snprintf(entry, sizeof(entry), "%.*s", (int)len, p);
		p += len + (p[len] == ';');
		if ((addr = strchr(entry, '@')) == NULL)
			continue;
		addr++;
		if ((end = strchr(addr, '@')) != NULL)
			*end = '\0';
		n++;
		kdb_host(addr, host, sizeof(host));
		*nonlocal |= !kdb_loopback(host);
		if (!private_ip(host, &ip) && ip)
			kdb_report(d, "KDB-B-04", HG_SEV_FAIL, &k, "reach the peer on its private address",
				   "peer rpc_addr %s is a public address: Raft traffic crosses the public network",
				   addr);
	}
	return n;
}

/* B-03 and B-04 for each peer. */
static size_t
check_peers(struct kdb *d, const struct hg_toml_value *cl, int *nonlocal)
{
	const struct hg_toml_value *ps = hg_toml_get(cl, "peers");
	size_t n = hg_toml_count(ps);
	char host[128];
	int ip;

	if (getenv("KALAMDB_CLUSTER_PEERS") && *getenv("KALAMDB_CLUSTER_PEERS")) {
		hg_finding(d->a.ctx, "KDB-B-03", HG_SEV_INFO, "KALAMDB_CLUSTER_PEERS (environment)", NULL,
			   "peers come from the environment: give each one a fourth field, rpc_server_name");
		return check_env_peers(d, getenv("KALAMDB_CLUSTER_PEERS"), nonlocal);
	}
	for (size_t i = 0; i < n; i++) {
		const struct hg_toml_value *p = hg_toml_at(ps, i);
		struct kval k = { 0 };
		const char *addr = hg_app_str(&d->a, "KDB-B-04", p, "rpc_addr", &k.v);
		const char *name = hg_app_str(&d->a, "KDB-B-03", p, "rpc_server_name", NULL);

		hg_app_unknown_keys(&d->a, p, "cluster.peers", peer_keys, NULL);
		if (addr == NULL)
			continue;
		kdb_host(addr, host, sizeof(host));
		*nonlocal |= !kdb_loopback(host);
		if (!private_ip(host, &ip) && ip)
			kdb_report(d, "KDB-B-04", HG_SEV_FAIL, &k, "reach the peer on its private address",
				   "peer rpc_addr %s is a public address: Raft traffic crosses the public network",
				   addr);
		if (name == NULL)
			hg_app_report(&d->a, "KDB-B-03", HG_SEV_INFO, p, NULL,
				      "peer %s has no rpc_server_name: KalamDB verifies its certificate against %s",
				      addr, host);
	}
	return n;
}

/* B-02: the node's key file is private; inline PEM keys do not belong in the file. */
static void
check_material(struct kdb *d, const struct hg_toml_value *tls)
{
	static const char *const keys[] = { "ca_cert", "server_cert", "server_key", NULL };
	static const char *const envs[] = {
		"KALAMDB_RPC_TLS_CA_CERT", "KALAMDB_RPC_TLS_SERVER_CERT", "KALAMDB_RPC_TLS_SERVER_KEY",
	};
	struct hg_keyperm kp = { .id = "KDB-B-02", .mode = 0600,
				 .owner = hg_arg_str(d->a.ctx, d->a.args, "owner"),
				 .owner_where = hg_arg_where(d->a.ctx, d->a.args, "owner") };

	for (int i = 0; keys[i]; i++) {
		struct kval k;
		const char *v = kdb_str(d, "KDB-B-02", tls, keys[i], envs[i], &k);

		if (v == NULL) {
			kdb_report(d, HG_APP_REFUSED_ID, HG_SEV_FAIL, &k, "set it to the PEM file's path",
				   "KalamDB refuses to start: rpc_tls is enabled without %s", keys[i]);
			continue;
		}
		if (strstr(v, "-----BEGIN")) {
			if (i == 2)
				kdb_report(d, HG_APP_LITERAL_ID, HG_SEV_FAIL, &k,
					   "put the key in a 0600 file and set server_key to its path",
					   "rpc_tls.server_key is an inline private key in the config");
			continue;
		}
		if (i != 2)
			continue;
		if (v[0] != '/') {	/* maybe key material without its BEGIN line: never echo it */
			kdb_report(d, "KDB-B-02", HG_SEV_FAIL, &k,
				   "set server_key to the absolute path of a 0600 PEM file",
				   "rpc_tls.server_key is not an absolute path: the key file cannot be checked");
			continue;
		}
		kp.path = v;
		kp.where = k.v ? NULL : hg_arg_where(d->a.ctx, d->a.args, "config");
		if (hg_keyperm_open(d->a.ctx, &kp, O_PATH, NULL) != HG_PASS)
			d->a.fails++;
	}
	hg_finding(d->a.ctx, "KDB-B-02", HG_SEV_INFO, d->a.path,
		   "add a tls entry with cert, key, ca and peers to check them",
		   "certificate validity, chain, expiry and shared keys are the tls module's (KDB-B-02, KDB-B-05, KDB-B-06)");
}

static void
check_rpc_tls(struct kdb *d, size_t npeers, int nonlocal)
{
	const struct hg_toml_value *tls = hg_toml_get(hg_toml_root(d->a.doc), "rpc_tls");
	struct kval k;
	int on = kdb_bool(d, "KDB-B-01", tls, "enabled", "KALAMDB_RPC_TLS_ENABLED", 0, &k);

	if (tls)
		hg_app_unknown_keys(&d->a, tls, "rpc_tls", tls_keys, tls_stale);
	for (const char *const *e = stale_env; *e; e++) {
		struct kval ke = { *e, 1, NULL };

		if (getenv(*e))
			kdb_report(d, "KDB-B-01", HG_SEV_FAIL, &ke,
				   "use KALAMDB_RPC_TLS_ENABLED, _CA_CERT, _SERVER_CERT, _SERVER_KEY",
				   "%s is set but KalamDB does not read it", *e);
	}
	if (on != 1) {
		kdb_report(d, "KDB-B-01", HG_SEV_FAIL, &k,
			   "set enabled = true in a top-level [rpc_tls] with ca_cert, server_cert and server_key",
			   "rpc_tls is not enabled: Raft and cluster RPC run without TLS%s",
			   npeers && nonlocal ? " (KalamDB itself refuses this with non-local peers)" : "");
		return;
	}
	if (kdb_bool(d, "KDB-B-01", tls, "require_client_cert", "KALAMDB_RPC_TLS_REQUIRE_CLIENT_CERT",
		     1, &k) == 0)
		kdb_report(d, "KDB-B-01", HG_SEV_FAIL, &k, "set require_client_cert = true",
			   "require_client_cert = false: any client can talk to the cluster RPC port");
	check_material(d, tls);
}

/* Any of these creates a [cluster] section when the file has none (reference §1.1). */
static int
cluster_env(void)
{
	static const char *const envs[] = {
		"KALAMDB_CLUSTER_ID", "KALAMDB_NODE_ID", "KALAMDB_CLUSTER_NODE_ID",
		"KALAMDB_CLUSTER_RPC_ADDR", "KALAMDB_CLUSTER_API_ADDR", "KALAMDB_CLUSTER_PEERS", NULL,
	};

	for (const char *const *e = envs; *e; e++)
		if (getenv(*e))
			return 1;
	return 0;
}

void
kdb_check_cluster(struct kdb *d)
{
	const struct hg_toml_value *cl = hg_toml_get(hg_toml_root(d->a.doc), "cluster");
	int want = hg_arg_bool(d->a.ctx, d->a.args, "cluster", 0), nonlocal = 0;
	size_t npeers;

	if (cl == NULL && !cluster_env()) {
		if (want)
			hg_app_report(&d->a, "KDB-B-01", HG_SEV_FAIL, NULL,
				      "add the [cluster] section, or drop cluster = true from the policy",
				      "the policy says this is a cluster node but the config has no [cluster]");
		return;
	}
	if (cl)
		hg_app_unknown_keys(&d->a, cl, "cluster", cluster_keys, cluster_stale);
	check_rpc_addr(d, cl);
	npeers = check_peers(d, cl, &nonlocal);
	check_rpc_tls(d, npeers, nonlocal);
}
