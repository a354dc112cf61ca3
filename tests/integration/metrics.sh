#!/bin/bash
# metrics.sh - the figures modules report for hardgate audit: days until
# each certificate expires (tls) and the age of each attestation (attest),
# in the node_exporter textfile and in --json, compared with what openssl
# and the records themselves say.
. "$(dirname "$0")/lib.sh" || exit 1
command -v openssl >/dev/null || skip "openssl not installed (apt-get install openssl)"
hg=$HG_CLI
backdate=$HG_BUILDDIR/tests/integration/attest-backdate
m=$tmp/pki
prom=$tmp/metrics/hardgate.prom
mkdir -m 755 "$tmp/metrics"
make_pki "$m" node DNS:node.test
# spki_fp FILE: hardgate's fingerprint of the certificate's key, by openssl
spki_fp() {
	echo "SHA256:$(openssl x509 -in "$1" -pubkey -noout | openssl pkey -pubin -outform DER |
		openssl dgst -sha256 -binary | base64 | tr -d '=')"
}
node_fp=$(spki_fp "$m/node.pem")
ca_fp=$(spki_fp "$m/ca.pem")
node_end=$(date -d "$(openssl x509 -in "$m/node.pem" -noout -enddate | cut -d= -f2)" +%s)
ca_end=$(date -d "$(openssl x509 -in "$m/ca.pem" -noout -enddate | cut -d= -f2)" +%s)

tls_args="cert = \"$m/node.pem\"; key = \"$m/node.key\"; ca = \"$m/ca.pem\"; server_name = \"node.test\";"
write_policy "$tmp/hardgate.conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; revoked_dir = "$tmp/revoked.d";
  attest_dir = "$tmp/attest"; log: { syslog = false; }; };
services: {
  node: { stack = (
    { module = "tls"; control = "required"; args: { $tls_args expiry_id = "KDB-F-01"; }; },
    { module = "tls"; control = "required"; args: { $tls_args expiry_id = "KDB-F-01"; }; } ); };
  ops: { stack = (
    { module = "attest"; control = "required"; args: { items = [ "DBW-OPS-06:90d", "DBW-OPS-01:36h", "DBW-OPS-02:2d" ]; }; } ); };
};
CONF
expect_status 0 "attest --init makes the key" "$hg" attest --init --conf "$tmp/hardgate.conf"
# records go in in time order: the older first
expect_status 0 "a record of 100 days ago for DBW-OPS-01 (max 36h)" "$backdate" "$tmp/attest" DBW-OPS-01 bob 100
expect_status 0 "a record of 10 days ago for DBW-OPS-06" "$backdate" "$tmp/attest" DBW-OPS-06 alice 10

echo "# the textfile"
before=$(date +%s)
expect_status 78 "audit exits 78 (DBW-OPS-01 is too old, DBW-OPS-02 never attested)" \
	"$hg" audit --conf "$tmp/hardgate.conf" --prometheus "$prom"
after=$(date +%s)
check "the textfile is valid exposition format, no series twice" prom_valid "$prom"
cl() { printf '{service="node",id="KDB-F-01",path="%s",fingerprint="%s"}' "$1" "$2"; }
v=$(prom_value "$prom" "hardgate_certificate_expiry_timestamp_seconds$(cl "$m/node.pem" "$node_fp")")
check "the node certificate's expiry is openssl's notAfter ($v = $node_end)" test "${v:-x}" = "$node_end"
v=$(prom_value "$prom" "hardgate_certificate_expiry_timestamp_seconds$(cl "$m/ca.pem" "$ca_fp")")
check "the CA's expiry is openssl's notAfter too ($v = $ca_end)" test "${v:-x}" = "$ca_end"
v=$(prom_value "$prom" "hardgate_certificate_days_left$(cl "$m/node.pem" "$node_fp")")
want=$(((node_end - before) / 86400))
check "node: days left $v, want $want (200-day certificate)" test "${v:-x}" = "$want"
v=$(prom_value "$prom" "hardgate_certificate_days_left$(cl "$m/ca.pem" "$ca_fp")")
check "CA: days left $v, want $(((ca_end - before) / 86400))" test "${v:-x}" = "$(((ca_end - before) / 86400))"
check "two entries on one certificate give one series" \
	test "$(grep -c '^hardgate_certificate_days_left{' "$prom")" = 2

il() { printf '{service="ops",id="%s"}' "$1"; }
check "DBW-OPS-06 is 10 days old" test "$(prom_value "$prom" "hardgate_attestation_age_days$(il DBW-OPS-06)")" = 10
ts=$(prom_value "$prom" "hardgate_attestation_timestamp_seconds$(il DBW-OPS-06)")
check "... attested 10 days before the audit ($ts)" \
	test "${ts:-0}" -ge $((before - 864000 - 2)) -a "${ts:-0}" -le $((after - 864000))
check "DBW-OPS-01 is 100 days old, over its max age" \
	test "$(prom_value "$prom" "hardgate_attestation_age_days$(il DBW-OPS-01)")" = 100
check "DBW-OPS-02, never attested, has age +Inf" \
	test "$(prom_value "$prom" "hardgate_attestation_age_days$(il DBW-OPS-02)")" = +Inf
check "... and timestamp 0" \
	test "$(prom_value "$prom" "hardgate_attestation_timestamp_seconds$(il DBW-OPS-02)")" = 0
check "max ages are the policy's: 90 days" \
	test "$(prom_value "$prom" "hardgate_attestation_max_age_days$(il DBW-OPS-06)")" = 90
check "... and 36h is 1.5 days" \
	test "$(prom_value "$prom" "hardgate_attestation_max_age_days$(il DBW-OPS-01)")" = 1.5

echo "# --json"
expect_status 78 "audit --json" "$hg" audit --conf "$tmp/hardgate.conf" --json
check "every object has a metrics list of the documented shape" pycheck "$tmp/stdout" '
import json, sys
rows = {r["service"]: r for r in map(json.loads, sys.stdin)}
for r in rows.values():
    for x in r["metrics"]:
        assert set(x) == {"name", "id", "module", "where", "key", "value"}, x
node = {(x["name"], x["where"], x["key"]): x["value"] for x in rows["node"]["metrics"]}
want = {("certificate_not_after", sys.argv[1], sys.argv[2]): int(sys.argv[3]),
        ("certificate_not_after", sys.argv[4], sys.argv[5]): int(sys.argv[6])}
assert node == want, (node, want)
ops = {x["name"] + " " + x["id"]: x for x in rows["ops"]["metrics"]}
assert ops["attestation_max_age DBW-OPS-06"]["value"] == 90 * 86400, ops
assert ops["attestation_max_age DBW-OPS-01"]["value"] == 36 * 3600, ops
assert ops["attestation_time DBW-OPS-06"]["module"] == "attest", ops
assert ops["attestation_time DBW-OPS-06"]["where"] == sys.argv[7] + ":2", ops
assert ops["attestation_time DBW-OPS-02"]["where"].startswith(sys.argv[8] + ":"), ops
assert ops["attestation_time DBW-OPS-02"]["value"] == 0, ops' \
	"$m/node.pem" "$node_fp" "$node_end" "$m/ca.pem" "$ca_fp" "$ca_end" "$tmp/attest/attest.list" \
	"$tmp/hardgate.conf"
expect_status 0 "check --json carries the figures too" \
	"$hg" check --conf "$tmp/hardgate.conf" --service node --json
check "... the node's two certificates" pycheck "$tmp/stdout" '
import json, sys
assert len(json.loads(sys.stdin.read())["metrics"]) == 2'
finish
