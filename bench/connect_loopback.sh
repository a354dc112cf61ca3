#!/bin/bash
# connect_loopback.sh - a real loopback connect() loop, bare and under the
# preload with a netout policy (interposer + Landlock + family filter).
# Prints the median time per connect and the ratio. Never fails on timing.
set -u
n=${BENCH_CONNECTS:-2000}
[ "${BENCH_SCALE:-}" = smoke ] && n=50
[ "$(id -u)" -eq 0 ] || { echo "connect_loopback: needs root (root-owned policy); skipped"; exit 0; }
tmp=$(mktemp -d /tmp/hg-bench.XXXXXX); chmod 755 "$tmp"
trap 'kill $srv 2>/dev/null; rm -rf "$tmp"' EXIT
port=$((10000 + RANDOM % 20000))	# below the ephemeral range
timeout 120 python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(512)
while True:
    c, _ = s.accept(); c.close()' "$port" &
srv=$!
sleep 0.5
cat >"$tmp/hardgate.conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = false; }; };
services: { bench: { stack = ( { module = "netout"; control = "required"; args: { allow = [ "127.0.0.1:$port" ]; }; } ); }; };
CONF
chmod 644 "$tmp/hardgate.conf"
cat >"$tmp/loop.py" <<'PY'
import socket, statistics, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
t = []
for _ in range(5):
    t0 = time.perf_counter_ns()
    for _ in range(n):
        s = socket.socket(); s.connect(("127.0.0.1", port)); s.close()
    t.append((time.perf_counter_ns() - t0) / n)
print("%.0f" % statistics.median(t))
PY
bare=$(python3 "$tmp/loop.py" "$port" "$n")
hg=$(env LD_PRELOAD="$HG_PRELOAD_TEST" HARDGATE_CONF="$tmp/hardgate.conf" HARDGATE_SERVICE=bench \
	python3 "$tmp/loop.py" "$port" "$n")
echo "loopback connect (median of 5 x $n, python3 client)"
printf '  %-28s %8s ns  1.00x\n' "bare" "$bare"
printf '  %-28s %8s ns  %sx\n' "under the preload + netout" "$hg" \
	"$(python3 -c "print('%.2f' % ($hg / $bare))")"
