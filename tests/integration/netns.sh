#!/bin/bash
# netns.sh - netout's nftables layer between two network namespaces this
# test creates (a veth pair; the addresses exist only inside them). A raw
# connect(2) that steps around the preload is stopped by `hardgate nft`'s
# ruleset and only for the service's uid; without the ruleset it is not.
. "$(dirname "$0")/lib.sh"
command -v nft >/dev/null && command -v ip >/dev/null ||
	skip "nft or ip missing (apt-get install nftables iproute2)"
hg=$HG_CLI
preload=$HG_PRELOAD_TEST
A=hgA$$ B=hgB$$
netns_cleanup() {
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	cleanup
}
trap netns_cleanup EXIT
ip netns add "$A" && ip netns add "$B" || skip "cannot create network namespaces here"
ip link add "va$$" type veth peer name "vb$$" || skip "cannot create a veth pair"
ip link set "va$$" netns "$A"
ip link set "vb$$" netns "$B"
ip -n "$A" addr add 10.213.0.1/24 dev "va$$"
ip -n "$B" addr add 10.213.0.2/24 dev "vb$$"
for ns in "$A" "$B"; do
	ip -n "$ns" link set lo up
done
ip -n "$A" link set "va$$" up
ip -n "$B" link set "vb$$" up

ok_port=18080 bad_port=18081
listener 10.213.0.2 $ok_port ip netns exec "$B"
listener 10.213.0.2 $bad_port ip netns exec "$B"
wait_until 5 bash -c "ip netns exec $B ss -Hltn 'sport = :$bad_port' | grep -q ." || skip "listeners did not start"

write_policy "$tmp/hardgate.conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = false; }; };
services: {
  agent: { stack = (
    { module = "privs";  control = "required"; args: { user = "nobody"; }; },
    { module = "netout"; control = "required";
      args: { allow = [ "10.213.0.2:$ok_port" ]; landlock = "off"; id = "DBW-REC-09"; }; }
  ); };
};
CONF

client=$(dirname "$0")/netclient.py
[ "$(uname -m)" = x86_64 ] || skip "the raw-syscall client is written for x86_64"

run_client() {
	run ip netns exec "$A" "$hg" exec --conf "$tmp/hardgate.conf" --service agent \
		--preload "$preload" -- /usr/bin/python3 "$client" 10.213.0.2 $ok_port $bad_port
}

echo "# without the nftables layer"
run_client
expect_out "^allowed: connected$" "the allowed listener in the other namespace is reached"
expect_out "^forbidden: EACCES$" "libc connect() to the forbidden one is refused by the preload"
expect_out "^raw syscall: connected$" "a raw connect(2) gets through: the preload layer alone does not stop it"

echo "# with hardgate nft's ruleset loaded in the client's namespace"
expect_status 0 "hardgate nft prints a ruleset" "$hg" nft --conf "$tmp/hardgate.conf" --service agent
cp "$tmp/out" "$tmp/rules.nft"
expect_status 0 "nft loads it" ip netns exec "$A" nft -f "$tmp/rules.nft"
run_client
expect_out "^allowed: connected$" "the allowed listener is still reached"
expect_out "^raw syscall: EHOSTUNREACH$" "the raw connect(2) is stopped in the kernel (nftables reject: EHOSTUNREACH)"
run ip netns exec "$A" python3 "$client" 10.213.0.2 $ok_port $bad_port
expect_out "^raw syscall: connected$" "another uid (root) is not matched by the service's rules"
run ip netns exec "$A" nft list ruleset
expect_out "counter packets [1-9]" "the drop counter saw the service's packets"

echo "# refusals of hardgate nft"
write_policy "$tmp/nouser.conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = false; }; };
services: { agent: { stack = ( { module = "netout"; control = "required";
  args: { allow = [ "10.213.0.2:$ok_port" ]; landlock = "off"; }; } ); }; };
CONF
expect_status 78 "a service without privs' user cannot be matched by uid" \
	"$hg" nft --conf "$tmp/nouser.conf" --service agent
expect_out "needs privs' user" "the refusal says what to add"

finish
