#!/bin/bash
# redis.sh - Debian's redis-server under hardgate exec and under LD_PRELOAD:
# a world-readable key stops it, a safe key lets it start with core dumps off.
. "$(dirname "$0")/lib.sh"
command -v redis-server >/dev/null && command -v redis-cli >/dev/null ||
	skip "redis-server/redis-cli not installed (apt-get install redis-server)"
hg=$HG_CLI
preload=$HG_PRELOAD_TEST
redis=$(command -v redis-server)

mkdir -m 700 "$tmp/redis"
key=$tmp/redis/tls.key
printf 'key material\n' >"$key"
conf=$tmp/hardgate.conf
write_policy "$conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = false; json = "$tmp/decisions.jsonl"; }; };
services: {
  redis: {
    stack = (
      { module = "keyfile";  control = "required"; args: { path = "$key"; mode = "0600"; id = "DBW-PRE-05"; }; },
      { module = "coredump"; control = "required"; args: { id = "DBW-REC-08"; }; }
    );
  };
};
CONF

pattern=$(cat /proc/sys/kernel/core_pattern)

# start WAY PORT: redis in the background, its pid in $pid, output in $tmp/redis.out
start() {
	local way=$1 port=$2
	local args=(--port "$port" --bind 127.0.0.1 --dir "$tmp/redis" --save '' --appendonly no
		--daemonize no --loglevel warning --crash-log-enabled no --crash-memcheck-enabled no)
	ulimit -c unlimited
	if [ "$way" = exec ]; then
		"$hg" exec --conf "$conf" --service redis --preload "$preload" -- "$redis" "${args[@]}" \
			>"$tmp/redis.out" 2>&1 &
	else
		env LD_PRELOAD="$preload" HARDGATE_CONF="$conf" HARDGATE_SERVICE=redis \
			"$redis" "${args[@]}" >"$tmp/redis.out" 2>&1 &
	fi
	pid=$!
	hg_pids+=("$pid")
}

pong() { [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ]; }

for way in exec preload; do
	echo "# redis-server under $way"
	port=$(free_port)

	chmod 644 "$key"
	start "$way" "$port"
	st=0
	wait "$pid" || st=$?
	cp "$tmp/redis.out" "$tmp/out"
	check "$way: a 0644 key stops redis with exit 78 (got $st)" test "$st" -eq 78
	expect_out "DBW-PRE-05 FAIL $key is mode 0644, must be 0600 or stricter; fix: chmod 0600 $key" \
		"$way: the refusal names the key, the ID and the fix"
	expect_no_out "Ready to accept|Server initialized" "$way: redis' own code never ran"
	check "$way: nothing listens on $port" bash -c "! ss -Hltn 'sport = :$port' | grep -q ."

	chmod 600 "$key"
	start "$way" "$port"
	if wait_until 10 pong "$port"; then ok "$way: with a 0600 key redis starts and answers PING"; else
		not_ok "$way: redis did not answer PING"; sed 's/^/    | /' "$tmp/redis.out"; fi
	check "$way: core size limit is 0 0 though the shell had ulimit -c unlimited" \
		grep -Eq '^Max core file size +0 +0 ' "/proc/$pid/limits"
	rm -f "$tmp"/redis/core* "$tmp"/core*
	kill -SEGV "$pid"
	st=0
	wait "$pid" || st=$?
	check "$way: SIGSEGV killed it (status $st)" test "$st" -eq 139
	if [ "${pattern:0:1}" = "|" ]; then
		echo "# core_pattern pipes to ${pattern#|}: the core-file check does not apply here"
	else
		check "$way: no core file after SIGSEGV" bash -c "! ls '$tmp'/redis/core* '$tmp'/core* 2>/dev/null | grep -q ."
	fi
done

echo "# redis-server dropped to its own account (privs)"
if id redis >/dev/null 2>&1; then
	mkdir -m 700 "$tmp/rdata"
	chown redis:redis "$tmp/rdata"
	write_policy "$tmp/privs.conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = false; json = "$tmp/decisions.jsonl"; }; };
services: {
  redis: {
    stack = (
      { module = "privs";    control = "required"; args: { user = "redis"; }; },
      { module = "keyfile";  control = "required"; args: { path = "$key"; mode = "0600"; id = "DBW-PRE-05"; }; },
      { module = "coredump"; control = "required"; args: { id = "DBW-REC-08"; }; }
    );
  };
};
CONF
	ruid=$(id -u redis)
	for way in exec preload; do
		port=$(free_port)
		if [ "$way" = exec ]; then
			"$hg" exec --conf "$tmp/privs.conf" --service redis --preload "$preload" -- "$redis" --port "$port" \
				--bind 127.0.0.1 --dir "$tmp/rdata" --save '' --appendonly no >"$tmp/redis.out" 2>&1 &
		else
			env LD_PRELOAD="$preload" HARDGATE_CONF="$tmp/privs.conf" HARDGATE_SERVICE=redis \
				"$redis" --port "$port" --bind 127.0.0.1 --dir "$tmp/rdata" --save '' --appendonly no \
				>"$tmp/redis.out" 2>&1 &
		fi
		pid=$!
		hg_pids+=("$pid")
		if wait_until 10 pong "$port"; then ok "$way: redis runs as redis and answers PING"; else
			not_ok "$way: redis did not answer PING"; sed 's/^/    | /' "$tmp/redis.out"; fi
		check "$way: every uid is redis ($ruid)" grep -Eq "^Uid:\s+$ruid\s+$ruid\s+$ruid\s+$ruid\$" "/proc/$pid/status"
		check "$way: no capabilities left" grep -Eq '^CapEff:\s+0+$' "/proc/$pid/status"
		check "$way: no_new_privs is set" grep -Eq '^NoNewPrivs:\s+1$' "/proc/$pid/status"
		check "$way: still no core dumps" grep -Eq '^Max core file size +0 +0 ' "/proc/$pid/limits"
		kill "$pid"
		wait "$pid" 2>/dev/null
	done
else
	echo "# no redis account: privs checks skipped"
fi

echo "# the decision log"
check "refusals are recorded" test "$(grep -c '"decision":"refused"' "$tmp/decisions.jsonl")" -ge 2
check "allowed starts are recorded with their stage" grep -q '"decision":"allowed","status":0,"stage":"process"' "$tmp/decisions.jsonl"

echo "# the preload's edges"
expect_status 0 "a process matching no service passes untouched" \
	env LD_PRELOAD="$preload" HARDGATE_CONF="$conf" /bin/echo untouched
expect_out "^untouched$" "its output is its own"
expect_status 78 "HARDGATE_SERVICE naming an unknown service refuses" \
	env LD_PRELOAD="$preload" HARDGATE_CONF="$conf" HARDGATE_SERVICE=nosuch /bin/echo ran
expect_out "HG-005 FAIL .*unknown service 'nosuch'" "the refusal is HG-005"
expect_no_out "^ran$" "the refused program never ran"

echo "# hardgate exec's proofs"
static=""
for c in /sbin/ldconfig /usr/sbin/ldconfig; do
	[ -x "$c" ] && ! readelf -l "$c" 2>/dev/null | grep -q INTERP && { static=$c; break; }
done
if [ -n "$static" ]; then
	expect_status 78 "a statically linked program is refused" \
		"$hg" exec --conf "$conf" --service redis --preload "$preload" -- "$static" -p
	expect_out "HG-008 FAIL .*statically linked: LD_PRELOAD cannot protect it" "the refusal is HG-008"
else
	echo "# no static binary found: static check skipped"
fi
expect_status 78 "a missing preload is refused" \
	"$hg" exec --conf "$conf" --service redis --preload /nonexistent/libhardgate-preload.so -- \
	/usr/bin/touch "$tmp/ran"
expect_out "HG-008 FAIL /nonexistent" "the missing preload is named"
check "the program did not run" test ! -e "$tmp/ran"
cp /bin/true "$tmp/fake-preload.so"
expect_status 78 "a preload that is not a loadable library is refused" \
	"$hg" exec --conf "$conf" --service redis --preload "$tmp/fake-preload.so" -- /usr/bin/touch "$tmp/ran"
check "the program did not run" test ! -e "$tmp/ran"

finish
