#!/bin/bash
# attest.sh - hardgate attest and the attest module with the real CLI:
# the key is made once with the right modes, records are signed and
# dated, a check passes with fresh records and as the service user (only
# the public key is read), and refuses an old, tampered or untrusted list.
. "$(dirname "$0")/lib.sh" || exit 1
hg=$HG_CLI
backdate=$HG_BUILDDIR/tests/integration/attest-backdate

# policy NAME ATTEST_DIR: a service "ops" attesting two dbward items
policy() {
	write_policy "$tmp/$1" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; revoked_dir = "$tmp/revoked.d";
  attest_dir = "$2"; log: { syslog = false; }; };
services: {
  ops: { stack = (
    { module = "attest"; control = "required";
      args: { items = [ "DBW-OPS-06:90d", "DBW-OPS-01:90d" ]; }; }
  ); };
};
CONF
}

policy a.conf "$tmp/attest"
conf=$tmp/a.conf
list=$tmp/attest/attest.list

echo "# the key"
expect_status 78 "check refuses before any key exists" "$hg" check --conf "$conf" --service ops
expect_out "HG-031 FAIL .*fix: create the key once with hardgate attest --init" \
	"the missing key is HG-031 with the fix"
expect_status 0 "attest --init creates the key" "$hg" attest --init --conf "$conf"
expect_out "SHA256:[A-Za-z0-9+/]{43}" "init prints the key's fingerprint"
check "secret key is 0600 root, public key 0644 root" \
	test "$(stat -c '%a %u' "$tmp/attest/attest.key") $(stat -c '%a %u' "$tmp/attest/attest.pub")" = "600 0 644 0"
sum=$(sha256sum "$tmp/attest/attest.key" "$tmp/attest/attest.pub")
expect_status 78 "a second --init refuses" "$hg" attest --init --conf "$conf"
expect_out "HG-031 FAIL .*already exists" "and says the key exists"
check "the key pair is unchanged" test "$sum" = "$(sha256sum "$tmp/attest/attest.key" "$tmp/attest/attest.pub")"

echo "# --init --if-missing (the package scripts' form)"
policy m.conf "$tmp/m-attest"
expect_status 0 "--if-missing creates the key in the policy's attest_dir" \
	"$hg" attest --init --if-missing --conf "$tmp/m.conf"
expect_out "attestation key created in $(re "$tmp/m-attest"): SHA256:" "and says so"
check "both halves are there, 0600 and 0644" \
	test "$(stat -c '%a' "$tmp/m-attest/attest.key") $(stat -c '%a' "$tmp/m-attest/attest.pub")" = "600 644"
msum=$(sha256sum "$tmp/m-attest/attest.key" "$tmp/m-attest/attest.pub")
mfp=$(grep -Eo 'SHA256:[A-Za-z0-9+/]{43}' "$tmp/stdout")
expect_status 0 "--if-missing again keeps the pair" \
	"$hg" attest --init --if-missing --conf "$tmp/m.conf"
expect_out "attestation key kept in $(re "$tmp/m-attest"): $(re "$mfp") " "with the same fingerprint"
check "the pair is unchanged" test "$msum" = "$(sha256sum "$tmp/m-attest/attest.key" "$tmp/m-attest/attest.pub")"
expect_status 0 "the kept key still signs" "$hg" attest DBW-OPS-06 --by alice --conf "$tmp/m.conf"
mv "$tmp/m-attest/attest.pub" "$tmp/m-pub"
expect_status 78 "--if-missing refuses attest.key without attest.pub" \
	"$hg" attest --init --if-missing --conf "$tmp/m.conf"
expect_out "HG-031 FAIL $(re "$tmp/m-attest") half an attestation key pair: attest.key without attest.pub; fix: restore attest.pub from backup" \
	"naming the missing half and the fix"
check "and does not complete it with a new attest.pub" test ! -e "$tmp/m-attest/attest.pub"
mv "$tmp/m-pub" "$tmp/m-attest/attest.pub"
mv "$tmp/m-attest/attest.key" "$tmp/m-key"
expect_status 78 "--if-missing refuses attest.pub without attest.key" \
	"$hg" attest --init --if-missing --conf "$tmp/m.conf"
expect_out "attest.pub without attest.key; fix: restore attest.key from backup" "naming that half"
check "and makes no attest.key" test ! -e "$tmp/m-attest/attest.key"
mv "$tmp/m-key" "$tmp/m-attest/attest.key"
cp "$tmp/attest/attest.pub" "$tmp/m-attest/attest.pub"
expect_status 78 "--if-missing refuses halves of two pairs" \
	"$hg" attest --init --if-missing --conf "$tmp/m.conf"
expect_out "HG-031 FAIL .*attest.key does not match attest.pub" "as a mismatch"
expect_status 64 "--if-missing without --init is a usage error" \
	"$hg" attest --if-missing --conf "$tmp/m.conf"

echo "# recording"
expect_status 64 "an unknown ID is a usage error" "$hg" attest NOPE-01 --by alice --conf "$conf"
expect_status 64 "an HG- ID is not a checklist item" "$hg" attest HG-001 --by alice --conf "$conf"
expect_status 64 "--by is required" "$hg" attest DBW-OPS-06 --conf "$conf"
expect_status 64 "--by must be a name" "$hg" attest DBW-OPS-06 --by "alice smith" --conf "$conf"
expect_status 64 "--note must be printable" "$hg" attest DBW-OPS-06 --by alice \
	--note "$(printf 'a\tb')" --conf "$conf"
check "usage errors wrote no record" test ! -e "$list"
expect_status 78 "check refuses an item never attested" "$hg" check --conf "$conf" --service ops
expect_out "DBW-OPS-06 FAIL $(re "$conf"):[0-9]+ never attested, max age 90 days; fix: .*hardgate attest DBW-OPS-06 --by NAME" \
	"never attested names the item, the policy line and the command"
expect_status 0 "attest records DBW-OPS-06" "$hg" attest DBW-OPS-06 --by alice \
	--note "restored db01 into a scratch host" --conf "$conf"
expect_out "^1	DBW-OPS-06	[0-9-]{10}T[0-9:]{8}Z	alice	restored db01 into a scratch host	SHA256:" \
	"the record is printed"
expect_status 0 "attest records DBW-OPS-01" "$hg" attest DBW-OPS-01 --by bob --conf "$conf"
check "the list is 0644 root with two lines" \
	test "$(stat -c '%a %u' "$list") $(wc -l <"$list")" = "644 0 2"
expect_status 0 "check passes with fresh records" "$hg" check --conf "$conf" --service ops
expect_status 0 "check --json passes too" "$hg" check --json --conf "$conf" --service ops
check "the JSON gives each item's age" pycheck "$tmp/stdout" \
	'import json, sys; d = json.load(sys.stdin); a = [f for f in d["findings"] if f["id"] == "DBW-OPS-06" and f["severity"] == "INFO"]; assert a and "age 0 days" in a[0]["message"], d'
expect_status 0 "check passes as the service user: only the public key is read" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$hg" check --conf "$conf" --service ops
expect_status 78 "attest as a non-root user cannot read the secret key" \
	setpriv --reuid=65534 --regid=65534 --clear-groups "$hg" attest DBW-OPS-06 --by eve --conf "$conf"
expect_out "HG-031 FAIL .*attest.key" "and says which file"

echo "# an old record"
policy old.conf "$tmp/old"
expect_status 0 "a second key for the old records" "$hg" attest --init --conf "$tmp/old.conf"
expect_status 0 "a record of 147 days ago" "$backdate" "$tmp/old" DBW-OPS-06 alice 147
expect_status 0 "a fresh DBW-OPS-01" "$backdate" "$tmp/old" DBW-OPS-01 bob 1
expect_status 78 "check refuses an item attested 147 days ago with max age 90d" \
	"$hg" check --conf "$tmp/old.conf" --service ops
day=$(date -u -d '147 days ago' +%Y-%m-%d)
expect_out "DBW-OPS-06 FAIL $(re "$tmp/old/attest.list"):1 last attested $day by alice \(147 days ago\), max age 90 days; fix: .*hardgate attest DBW-OPS-06 --by NAME" \
	"the refusal says when, by whom, how old and the fix"
expect_no_out "DBW-OPS-01 FAIL" "the fresh item does not fail"
expect_status 0 "a new attestation of DBW-OPS-06" "$hg" attest DBW-OPS-06 --by carol --conf "$tmp/old.conf"
expect_status 0 "then the check passes again" "$hg" check --conf "$tmp/old.conf" --service ops

echo "# a tampered list"
cp -p "$list" "$tmp/list.good"
sed -i 's/\tbob\t/\tmallory\t/' "$list"
expect_status 78 "check refuses a changed record" "$hg" check --conf "$conf" --service ops
expect_out "HG-030 FAIL $(re "$list"):2 bad attestation record: signature does not verify" \
	"the changed line is named by file:line"
expect_status 78 "attest refuses to append to a tampered list" \
	"$hg" attest DBW-OPS-01 --by bob --conf "$conf"
check "and leaves it as it was (2 lines)" test "$(wc -l <"$list")" = 2
cp -p "$tmp/list.good" "$list"
head -c 100 "$tmp/list.good" >>"$list"
expect_status 78 "check refuses a truncated record" "$hg" check --conf "$conf" --service ops
expect_out "HG-030 FAIL $(re "$list"):3 bad attestation record: truncated" "the truncated line is named"
cp "$tmp/old/attest.list" "$list"
expect_status 78 "check refuses records signed by another key" "$hg" check --conf "$conf" --service ops
expect_out "HG-030 FAIL $(re "$list"):1 bad attestation record: signed by another key" \
	"another key is named as such"

echo "# a revoked key"
cp -p "$tmp/list.good" "$list"
fp=$(sed -n 's/^ed25519 //p' "$tmp/attest/attest.pub" | base64 -d | openssl dgst -sha256 -binary | base64 | tr -d '=')
mkdir -p "$tmp/revoked.d"
echo "SHA256:$fp attestation host compromised" | write_policy "$tmp/revoked.d/attest.list"
expect_status 78 "check refuses records of a revoked attestation key" "$hg" check --conf "$conf" --service ops
expect_out "HG-018 FAIL .*SHA256:$(re "$fp") is revoked \(attestation host compromised\)" \
	"the revoked key is named by fingerprint with the reason"
expect_status 78 "attest refuses to sign with a revoked key" "$hg" attest DBW-OPS-06 --by alice --conf "$conf"
expect_out "HG-018 FAIL $(re "$tmp/revoked.d/attest.list"):1 " "naming the revocation entry"
check "and writes nothing" cmp -s "$list" "$tmp/list.good"
rm -r "$tmp/revoked.d"

echo "# an untrusted list"
cp -p "$tmp/list.good" "$list"
expect_status 0 "the good list passes" "$hg" check --conf "$conf" --service ops
chown 65534:65534 "$list"
expect_status 78 "check refuses a list not owned by root" "$hg" check --conf "$conf" --service ops
expect_out "HG-030 FAIL $(re "$list") .*owned by uid 65534" "the owner is named"
chown 0:0 "$list"
chmod 664 "$list"
expect_status 78 "check refuses a group-writable list" "$hg" check --conf "$conf" --service ops
chmod 644 "$list"
chown 65534 "$tmp/attest/attest.pub"
expect_status 78 "check refuses a public key not owned by root" "$hg" check --conf "$conf" --service ops
expect_out "HG-031 FAIL" "as HG-031"

finish
