#!/bin/bash
# sigkey.sh - an operator's key incident, end to end with real files and a
# real program: a raw Ed25519 seed passes hardgate check and starts
# /usr/bin/touch under hardgate exec; hardgate fingerprint names it (the
# same name openssl computes; a certificate and its key go on to tls);
# hardgate revoke lists it; then hardgate
# check and hardgate exec refuse (78) naming HG-018 and the reason, and
# the program never runs. Also fingerprint --env, the commands' refusals
# (64 bad input, 78 untrusted list), a wrong key form, and that no output
# ever carries the key's bytes. A token revoked by the fingerprint
# `fingerprint --env` prints stops secretenv's service too.
. "$(dirname "$0")/lib.sh" || exit 1
hg=$HG_CLI
preload=$HG_PRELOAD_TEST
command -v openssl >/dev/null || skip "openssl not installed (apt-get install openssl)"

mkdir -m 700 "$tmp/data"
key=$tmp/data/signing.key
head -c 32 /dev/urandom >"$key"
chmod 600 "$key"
conf=$tmp/hardgate.conf
write_policy "$conf" <<CONF
$(policy_head)
services: {
  dbward-server: {
    stack = (
      { module = "sigkey"; control = "required";
        args: { path = "$key"; mode = "0600"; owner = "root"; id = "DBW-PRE-07"; perm_id = "DBW-PRE-05"; }; },
      { module = "coredump"; control = "required"; args: { id = "DBW-REC-08"; kernel = "warn"; }; }
    );
  };
  dbward-agent: {
    stack = ( { module = "secretenv"; control = "required";
                args: { require_env = [ "DBWARD_AGENT_TOKEN" ]; revoked_id = "DBW-PRE-09"; id = "DBW-PRE-04"; }; } );
  };
};
CONF
all=$tmp/all.out	# every output of every command, searched for the key at the end
: >"$all"
keep() { cat "$tmp/out" >>"$all"; }

# openssl's fingerprint of the seed in FILE: the raw public key (last 32
# bytes of its SubjectPublicKeyInfo), SHA-256, base64 without padding
openssl_fp() {
	{ printf '\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20'; cat "$1"; } |
		openssl pkey -inform DER -pubout -outform DER | tail -c 32 |
		openssl dgst -sha256 -binary | base64 | tr -d '=\n' | sed 's/^/SHA256:/'
}

# exec_touch DESCRIPTION STATUS: hardgate exec of /usr/bin/touch $tmp/ran
exec_touch() {
	rm -f "$tmp/ran"
	expect_status "$2" "$1" "$hg" exec --conf "$conf" --service dbward-server \
		--preload "$preload" -- /usr/bin/touch "$tmp/ran"
	keep
}

echo "# a good key"
expect_status 0 "check allows a raw 32-byte seed" "$hg" check --conf "$conf" --service dbward-server
keep
exec_touch "exec starts the program with a good key" 0
check "the program ran" test -e "$tmp/ran"

echo "# fingerprint"
expect_status 0 "fingerprint names the key" "$hg" fingerprint --conf "$conf" "$key"
keep
fp=$(cut -d' ' -f1 "$tmp/stdout")
want=$(openssl_fp "$key")
check "the fingerprint is openssl's for the same key ($want)" test "$fp" = "$want"
expect_out "^$(re "$fp $key") \(sigkey: Ed25519 public key of the seed\)$" "it says what was hashed"

printf 'text, not a key\n' >"$tmp/notakey"
expect_status 64 "fingerprint refuses a file no module knows" "$hg" fingerprint --conf "$conf" "$tmp/notakey"
expect_out "sigkey: $(re "$tmp/notakey") is 16 bytes of text" "sigkey says what the file looks like"
expect_out "^  tls: " "every module of the table is accounted for"
expect_status 64 "fingerprint refuses a missing file" "$hg" fingerprint --conf "$conf" "$tmp/absent"
expect_out "cannot open $(re "$tmp/absent")" "and says it cannot open it"
expect_status 64 "fingerprint wants one FILE or --env" "$hg" fingerprint --conf "$conf"

# a certificate goes past sigkey to the next module of the table, tls
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=node1 \
	-days 1 -keyout "$tmp/node.key" -out "$tmp/node.crt" 2>/dev/null
spki="SHA256:$(openssl x509 -in "$tmp/node.crt" -pubkey -noout | openssl pkey -pubin -outform DER |
	openssl dgst -sha256 -binary | base64 | tr -d '=\n')"
expect_status 0 "fingerprint hands a certificate to tls" "$hg" fingerprint --conf "$conf" "$tmp/node.crt"
expect_out "^$(re "$spki $tmp/node.crt") \(tls: SubjectPublicKeyInfo\)$" \
	"it is openssl's SPKI fingerprint, named by tls"
expect_status 0 "and its private key" "$hg" fingerprint --conf "$conf" "$tmp/node.key"
expect_out "^$(re "$spki $tmp/node.key") " "which has the certificate's fingerprint"

token="dbw_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
expect_status 0 "fingerprint --env hashes a variable's value" \
	env DBWARD_AGENT_TOKEN="$token" "$hg" fingerprint --env DBWARD_AGENT_TOKEN
tfp="SHA256:$(printf '%s' "$token" | openssl dgst -sha256 -binary | base64 | tr -d '=\n')"
expect_out "^$(re "$tfp") \\\$DBWARD_AGENT_TOKEN " "it is the SHA-256 of the value"
expect_no_out "$token" "and the value is not printed"
expect_status 64 "fingerprint --env refuses an unset variable" \
	env -u DBWARD_AGENT_TOKEN "$hg" fingerprint --env DBWARD_AGENT_TOKEN
expect_out "DBWARD_AGENT_TOKEN is not set" "it says the variable is not set"
expect_status 64 "fingerprint --env refuses an empty variable" \
	env DBWARD_AGENT_TOKEN= "$hg" fingerprint --env DBWARD_AGENT_TOKEN
expect_out "DBWARD_AGENT_TOKEN is empty" "it says the variable is empty"

echo "# revoke"
expect_status 0 "revoke lists the key" "$hg" revoke --conf "$conf" --fingerprint "$fp" \
	--reason "INC-42 key copied to a laptop"
keep
expect_out "added $(re "$fp") to $(re "$tmp/revoked.d/hardgate-revoke.list")" "it says it added it"
expect_grep "^$(re "$fp") [0-9-]{10} INC-42 key copied to a laptop$" "$tmp/revoked.d/hardgate-revoke.list" \
	"the list holds the fingerprint, the date and the reason"
check "the list is root-owned 0644" test "$(stat -c %u:%a "$tmp/revoked.d/hardgate-revoke.list")" = 0:644
expect_status 0 "revoking it again is no error" "$hg" revoke --conf "$conf" --fingerprint "$fp" --reason again
expect_out "already listed" "it says it was already listed"
check "and lists it once" test "$(grep -c "$fp" "$tmp/revoked.d/hardgate-revoke.list")" = 1

expect_status 78 "check refuses the revoked key" "$hg" check --conf "$conf" --service dbward-server
keep
expect_out "HG-018 FAIL $(re "$key") signing key $(re "$key") \($(re "$fp")\) is revoked: [0-9-]{10} INC-42 key copied to a laptop; fix: " \
	"it names HG-018, the key's fingerprint and the reason"
expect_out "DBW-PRE-07 FAIL $(re "$key") .*revoked key" "and the entry's own ID"
exec_touch "exec refuses to start the program with a revoked key" 78
expect_out "HG-018 FAIL .*INC-42 key copied to a laptop" "exec names HG-018 and the reason"
check "the program did not run" test ! -e "$tmp/ran"

echo "# a token revoked by the fingerprint of its variable"
expect_status 0 "secretenv allows the agent's token before" \
	env DBWARD_AGENT_TOKEN="$token" "$hg" check --conf "$conf" --service dbward-agent
expect_status 0 "revoke lists the token's fingerprint" "$hg" revoke --conf "$conf" \
	--fingerprint "$tfp" --reason "INC-43 agent host lost"
expect_status 78 "secretenv refuses the revoked token" \
	env DBWARD_AGENT_TOKEN="$token" "$hg" check --conf "$conf" --service dbward-agent
expect_out "HG-018 FAIL .*INC-43 agent host lost" "it names HG-018 and the reason"
expect_out "DBW-PRE-09 FAIL " "and the agent revocation item"
expect_no_out "$token" "without the token's value"

echo "# revoke's refusals"
expect_status 64 "revoke refuses a malformed fingerprint" "$hg" revoke --conf "$conf" \
	--fingerprint "$token" --reason x
expect_no_out "$token" "without echoing what was given (it may be a secret)"
expect_status 64 "revoke refuses a multi-line reason" "$hg" revoke --conf "$conf" \
	--fingerprint "$tfp" --reason "$(printf 'a\nb')"
expect_out "one line" "it says the reason must be one line"
expect_status 64 "revoke wants a reason" "$hg" revoke --conf "$conf" --fingerprint "$tfp"
mkdir -m 777 "$tmp/open"
write_policy "$tmp/open.conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; revoked_dir = "$tmp/open/revoked.d"; log: { syslog = false; }; };
services: { s: { stack = ( { module = "coredump"; control = "required"; } ); }; };
CONF
expect_status 78 "revoke refuses a list in a world-writable directory" "$hg" revoke \
	--conf "$tmp/open.conf" --fingerprint "$tfp" --reason x
expect_out "HG-017 FAIL .*$(re "$tmp/open")" "it names HG-017 and the directory"
check "nothing was written there" test ! -e "$tmp/open/revoked.d"

echo "# a key in the wrong form"
write_policy "$tmp/nl.conf" < <(sed "s|$key|$tmp/data/nl.key|" "$conf")
{ cat "$key"; echo; } >"$tmp/data/nl.key"
chmod 600 "$tmp/data/nl.key"
expect_status 78 "check refuses a seed with a trailing newline" "$hg" check --conf "$tmp/nl.conf" \
	--service dbward-server
keep
expect_out "DBW-PRE-07 FAIL .* is 33 bytes: a 32-byte seed followed by a newline or blanks; fix: truncate -s 32 " \
	"it says what is wrong and how to fix it"
chmod 640 "$tmp/data/nl.key"
expect_status 78 "and reports the mode under perm_id" "$hg" check --conf "$tmp/nl.conf" --service dbward-server
keep
expect_out "DBW-PRE-05 FAIL .* is mode 0640" "DBW-PRE-05 for the mode, beside DBW-PRE-07"

echo "# no key bytes in any output"
hex=$(od -An -tx1 "$key" | tr -d ' \n')
b64=$(base64 -w0 "$key")
check "the outputs were collected" test -s "$all"
expect_no_grep "$(re "$hex")|$(re "${hex^^}")" "$all" "no output holds the seed in hex"
expect_no_grep "$(re "${b64%%=*}")" "$all" "no output holds the seed in base64"
check "no output holds the seed's raw bytes" pycheck "$all" \
	'import sys; k = open(sys.argv[1], "rb").read(); d = sys.stdin.buffer.read(); assert k[:12] not in d and k[-12:] not in d' "$key"

finish
