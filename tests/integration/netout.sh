#!/bin/bash
# netout.sh - the outbound allowlist on loopback: an allowed listener is
# reached, a forbidden one refused with EACCES and a line naming it, under
# LD_PRELOAD and under hardgate exec. Which layer stops a raw connect(2)
# syscall, honestly: Landlock does (by port); the preload alone does not.
. "$(dirname "$0")/lib.sh"
hg=$HG_CLI
preload=$HG_PRELOAD_TEST

ok_port=$(free_port)
bad_port=$(free_port)
while [ "$bad_port" = "$ok_port" ]; do bad_port=$(free_port); done
listener 127.0.0.1 "$ok_port"
listener 127.0.0.1 "$bad_port"
wait_until 5 listening "$ok_port" && wait_until 5 listening "$bad_port" || skip "listeners did not start"

write_policy "$tmp/hardgate.conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = false; }; };
services: {
  agent: { stack = ( { module = "netout"; control = "required";
                       args: { allow = [ "127.0.0.1:$ok_port" ]; id = "DBW-REC-09"; }; } ); };
  agent-preload-only: { stack = ( { module = "netout"; control = "required";
                       args: { allow = [ "127.0.0.1:$ok_port" ]; id = "DBW-REC-09"; landlock = "off"; }; } ); };
};
CONF

client=$(dirname "$0")/netclient.py

for way in preload exec; do
	echo "# client under $way"
	if [ "$way" = preload ]; then
		run env LD_PRELOAD="$preload" HARDGATE_CONF="$tmp/hardgate.conf" HARDGATE_SERVICE=agent \
			python3 "$client" 127.0.0.1 "$ok_port" "$bad_port"
	else
		run "$hg" exec --conf "$tmp/hardgate.conf" --service agent --preload "$preload" -- \
			python3 "$client" 127.0.0.1 "$ok_port" "$bad_port"
	fi
	check "$way: the client ran (exit $st)" test "$st" -eq 0
	expect_out "^allowed: connected$" "$way: the allowed listener is reached"
	expect_out "^forbidden: EACCES$" "$way: the forbidden one is refused with EACCES"
	expect_out "DBW-REC-09 FAIL connect to 127.0.0.1:$bad_port denied" "$way: the refusal names the destination and the ID"
	expect_out "^udp: EACCES$" "$way: sendto to a forbidden address is refused too"
	if [ "$(uname -m)" = x86_64 ]; then
		expect_out "^raw syscall: EACCES$" "$way: a raw connect(2) to another port is stopped by the Landlock layer"
	fi
done

echo "# the preload layer alone (landlock = off)"
run env LD_PRELOAD="$preload" HARDGATE_CONF="$tmp/hardgate.conf" HARDGATE_SERVICE=agent-preload-only \
	python3 "$client" 127.0.0.1 "$ok_port" "$bad_port"
expect_out "^forbidden: EACCES$" "libc connect() is still refused"
if [ "$(uname -m)" = x86_64 ]; then
	expect_out "^raw syscall: connected$" "a raw connect(2) is NOT stopped by the preload layer alone"
fi

finish
