#!/bin/bash
# tls.sh - the tls module on material made by the openssl command (a
# second maker beside the unit tests' C API): hardgate check allows a good
# node and names the SPKI fingerprint openssl computes; it refuses a wrong
# name, a world-readable key and a revoked certificate with exit 78 and
# never prints the key. Then a real TLS server: hardgate exec starts
# `openssl s_server` with the material it accepted, and a client verifies
# the handshake against the CA and the name; a refused start never listens.
. "$(dirname "$0")/lib.sh" || exit 1
command -v openssl >/dev/null || skip "openssl not installed (apt-get install openssl)"
hg=$HG_CLI
preload=$HG_PRELOAD_TEST
m=$tmp/pki

make_pki "$m" kalamdb-node-1 "DNS:node1.test,IP:127.0.0.1"
# What openssl says the key's fingerprint is: SHA-256 of the DER SPKI, base64 unpadded.
fp="SHA256:$(openssl pkey -in "$m/node.key" -pubout -outform DER | openssl dgst -sha256 -binary |
	base64 | tr -d '=')"

# policy NAME ARGS: $tmp/NAME.conf, service tlsd with one tls entry, ARGS added
policy() {
	write_policy "$tmp/$1.conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; revoked_dir = "$tmp/revoked.d"; log: { syslog = false; }; };
services: { tlsd: { stack = ( { module = "tls"; control = "required";
  args: { cert = "$m/node.pem"; key = "$m/node.key"; ca = "$m/ca.pem"; $2 }; } ); }; };
CONF
}

# no_key_in_output: no line of the key's PEM body in the last output
key_absent() {
	grep -v -- '-----' "$m/node.key" >"$tmp/key.body"
	! grep -F -f "$tmp/key.body" "$tmp/out" >"$tmp/why"
}
no_key_in_output() { check "the output holds no line of the private key" key_absent; }
not_listening_port() { ! listening "$port"; }

echo "# hardgate check"
policy good 'server_name = "node1.test"; id = "KDB-B-02"; name_id = "KDB-B-03"; expiry_id = "KDB-F-01";'
expect_status 0 "a good node is allowed" "$hg" check --conf "$tmp/good.conf" --service tlsd
expect_out "^hardgate\[tlsd\]: KDB-F-01 INFO $(re "$m/node.pem") certificate $(re "$m/node.pem") \(CN=kalamdb-node-1, $(re "$fp")\) expires in (199|200) days, on " \
	"days left reported, with the fingerprint openssl computes"

policy name 'server_name = "node2.test"; name_id = "KDB-B-03";'
expect_status 78 "a name not in the SAN is refused" "$hg" check --conf "$tmp/name.conf" --service tlsd
expect_out "^hardgate\[tlsd\]: KDB-B-03 FAIL $(re "$m/node.pem") certificate .* does not name node2.test in its subjectAltName \(it has DNS:node1.test, IP:127.0.0.1; .*fix: issue a certificate with subjectAltName DNS:node2.test, or correct server_name$" \
	"the refusal names the file, the ID, the SAN and the fix"

chmod 644 "$m/node.key"
expect_status 78 "a world-readable key is refused" "$hg" check --conf "$tmp/good.conf" --service tlsd
expect_out "KDB-B-02 FAIL $(re "$m/node.key") is mode 0644, must be 0600 or stricter" \
	"the key file's mode is reported under the policy's ID"
no_key_in_output
chmod 600 "$m/node.key"

mkdir -m 755 "$tmp/revoked.d"
printf '# incident 7\n%s leaked\n' "$fp" >"$tmp/revoked.d/incident.list"
expect_status 78 "a revoked certificate is refused" "$hg" check --conf "$tmp/good.conf" --service tlsd
expect_out "HG-018 FAIL $(re "$m/node.pem") certificate $(re "$m/node.pem") \($(re "$fp")\) is revoked: leaked" \
	"the revocation names the certificate by fingerprint and reason"
rm "$tmp/revoked.d/incident.list"
expect_status 0 "unrevoked, it is allowed again" "$hg" check --conf "$tmp/good.conf" --service tlsd

echo "# a real TLS server under hardgate exec"
port=$(free_port) || { not_ok "no free port"; finish; exit; }
serve() {
	spawn "$tmp/server" "$hg" exec --conf "$1" --service tlsd --preload "$preload" -- \
		openssl s_server -accept "127.0.0.1:$port" -cert "$m/node.pem" -key "$m/node.key" \
		-naccept 1 -quiet
}
handshake() {
	openssl s_client -connect "127.0.0.1:$port" -CAfile "$m/ca.pem" -verify_return_error \
		-verify_hostname node1.test </dev/null >"$tmp/client.out" 2>&1
}

serve "$tmp/good.conf"
if wait_for_port "$port" 10; then
	ok "s_server listens after hardgate exec allowed it"
	check "a client verifies the chain and the name node1.test" handshake
	expect_grep "Verify return code: 0 \(ok\)" "$tmp/client.out" "the handshake verified"
else
	not_ok "s_server does not listen"
	show "$tmp/server.err"
fi
wait_exit "$pid" 10

chmod 644 "$m/node.key"
serve "$tmp/good.conf"
wait_exit "$pid" 10
[ "$st" -eq 78 ] && ok "a refused start exits 78" || not_ok "a refused start exits $st, want 78"
check "and never listened" not_listening_port
finish
