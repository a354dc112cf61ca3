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
# Two listeners that accept and close, gone after 60 s whatever happens.
for p in "$ok_port" "$bad_port"; do
	timeout 60 python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
while True:
    c, _ = s.accept(); c.close()' "$p" &
	hg_pids+=("$!")
done
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

cat >"$tmp/client.py" <<'PY'
import ctypes, errno, socket, struct, sys
ok, bad = int(sys.argv[1]), int(sys.argv[2])
def tcp(port):
    s = socket.socket()
    try:
        s.connect(("127.0.0.1", port)); return "connected"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))
    finally:
        s.close()
print("allowed:", tcp(ok))
print("forbidden:", tcp(bad))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
try:
    u.sendto(b"x", ("127.0.0.1", bad)); print("udp: sent")
except OSError as e:
    print("udp:", errno.errorcode.get(e.errno))
# connect(2) straight through syscall(2), around libc and the preload
libc = ctypes.CDLL(None, use_errno=True)
s = socket.socket()
sa = struct.pack("<HH4s8x", socket.AF_INET, socket.htons(bad), socket.inet_aton("127.0.0.1"))
r = libc.syscall(42, s.fileno(), ctypes.c_char_p(sa), len(sa))  # SYS_connect on x86_64
print("raw syscall:", "connected" if r == 0 else errno.errorcode.get(ctypes.get_errno()))
PY

for way in preload exec; do
	echo "# client under $way"
	if [ "$way" = preload ]; then
		run env LD_PRELOAD="$preload" HARDGATE_CONF="$tmp/hardgate.conf" HARDGATE_SERVICE=agent \
			python3 "$tmp/client.py" "$ok_port" "$bad_port"
	else
		run "$hg" exec --conf "$tmp/hardgate.conf" --service agent --preload "$preload" -- \
			python3 "$tmp/client.py" "$ok_port" "$bad_port"
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
	python3 "$tmp/client.py" "$ok_port" "$bad_port"
expect_out "^forbidden: EACCES$" "libc connect() is still refused"
if [ "$(uname -m)" = x86_64 ]; then
	expect_out "^raw syscall: connected$" "a raw connect(2) is NOT stopped by the preload layer alone"
fi

finish
