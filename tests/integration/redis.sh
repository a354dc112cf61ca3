#!/bin/bash
# redis.sh - Debian's redis-server under hardgate exec and under LD_PRELOAD:
# a world-readable key stops it before its own code runs; a 0600 key lets
# it start with core dumps off (RLIMIT_CORE 0/0 and not dumpable); every
# decision is in the decision log. Then the preload's and exec's edges.
. "$(dirname "$0")/lib.sh" || exit 1

redis=/usr/bin/redis-server
[ -x "$redis" ] || redis=$(command -v redis-server) ||
	skip "redis-server not installed (apt-get install redis-server)"
command -v redis-cli >/dev/null || skip "redis-cli not installed (apt-get install redis-server)"
hg=$HG_CLI
preload=$HG_PRELOAD_TEST

mkdir -m 700 "$tmp/redis" "$tmp/logs"
key=$tmp/redis/tls.key
printf 'key material\n' >"$key"
log=$tmp/decisions.jsonl
conf=$tmp/hardgate.conf
write_policy "$conf" <<CONF
$(policy_head "$log")
services: {
  redis: {
    stack = (
      { module = "keyfile";  control = "required"; args: { path = "$key"; mode = "0600"; id = "DBW-PRE-05"; }; },
      { module = "coredump"; control = "required"; args: { id = "DBW-REC-08"; }; }
    );
  };
};
CONF

# --- redis ---

# start_redis WAY PORT [DIR [CONF]]: redis in the background through WAY
# (exec, preload or bare); pid in $pid, output in $tmp/logs/WAY.{out,err}
start_redis() {
	local way=$1 port=$2 dir=${3:-$tmp/redis} c=${4:-$conf}
	redis_args "$port" "$dir"
	case $way in
	exec) spawn "$tmp/logs/$way" "$hg" exec --conf "$c" --service redis --preload "$preload" \
		-- "$redis" "${args[@]}" ;;
	preload) spawn "$tmp/logs/$way" env LD_PRELOAD="$preload" HARDGATE_CONF="$c" \
		HARDGATE_SERVICE=redis "$redis" "${args[@]}" ;;
	bare) spawn "$tmp/logs/$way" "$redis" "${args[@]}" ;;
	esac
}

no_pong() { ! redis-cli -p "$1" ping >/dev/null 2>&1; }
not_listening() { ! listening "$1"; }

# expect_pong WAY PORT DESCRIPTION: redis answers PING within 10 s
expect_pong() {
	if wait_until 10 pong "$2"; then
		ok "$3"
	else
		not_ok "$3: no PONG on port $2 within 10 s"
		show "$tmp/logs/$1.out"
		show "$tmp/logs/$1.err"
	fi
}

# ended PID SECONDS: wait_exit, and $how says how it ended for a message
ended() {
	if wait_exit "$1" "$2"; then how="status $st"; else how="still running after $2 s, killed"; fi
}

# segv PID: SIGSEGV to PID, wait for it (20 s at most); bash's
# "Segmentation fault" notice for its job goes to /dev/null
segv() {
	{
		kill -SEGV "$1"
		ended "$1" 20
	} 2>/dev/null
}

# core_limit PID: "soft hard" of the process' core file size
core_limit() { awk '/^Max core file size/ { print $5, $6 }' "/proc/$1/limits"; }

# --- core files ---

# Where the kernel writes a core: the process' cwd unless core_pattern is
# absolute; nowhere we can look if it pipes to a helper ('|', or '@' for
# a socket since Linux 6.16).
pattern=$(cat /proc/sys/kernel/core_pattern)
case $pattern in
'|'* | '@'*) cores_visible=0 ;;
*) cores_visible=1 ;;
esac

# new_cores CWD MARK: core files written after MARK for a process in CWD
# (also looked for in the test dir and the make check dir)
new_cores() {
	local cwd=$1 mark=$2 name=${pattern##*/} dirs
	case $pattern in
	/*) dirs=("${pattern%/*}") ;;
	*/*) dirs=("$cwd/${pattern%/*}") ;;
	*) dirs=("$cwd" "$tmp" "$PWD") ;;
	esac
	name=${name%%%*}
	find "${dirs[@]}" -maxdepth 1 -type f -name "${name}*" -newer "$mark" 2>/dev/null
}

# segv_leaves_no_core WAY PID CWD: SIGSEGV kills PID, and no core appears
segv_leaves_no_core() {
	local way=$1 p=$2 cwd=$3
	touch "$tmp/segv.mark"
	segv "$p"
	check "$way: SIGSEGV killed it ($how, want 139)" test "$st" -eq 139
	if [ "$cores_visible" -eq 1 ]; then
		new_cores "$cwd" "$tmp/segv.mark" >"$tmp/logs/cores"
		expect_no_grep . "$tmp/logs/cores" "$way: no core file after SIGSEGV (core_pattern '$pattern')"
	else
		echo "# $way: core_pattern '$pattern' hands cores to a helper: core-file check skipped"
	fi
}

# --- the decision log ---

log_mark() { log_n=0; [ -f "$log" ] && log_n=$(wc -l <"$log"); }

# logged DECISION STAGE [ID...]: a line written since log_mark records
# that decision for redis at that stage, with a finding for each ID
logged() {
	tail -n +"$((log_n + 1))" "$log" >"$tmp/logs/new.jsonl" 2>/dev/null
	pycheck "$tmp/logs/new.jsonl" '
import json, sys
decision, stage, ids = sys.argv[1], sys.argv[2], sys.argv[3:]
seen = []
for line in sys.stdin:
    r = json.loads(line)["record"]
    found = {f["id"] for f in r["findings"]}
    seen.append((r["service"], r["decision"], r["stage"], sorted(found)))
    if seen[-1][:3] == ("redis", decision, stage) and found.issuperset(ids):
        sys.exit(0)
sys.exit("no new record (redis, %s, %s, %s); new records: %s" % (decision, stage, ids, seen))' "$@"
}

# --- the cases ---

# refused WAY STAGE: with a 0644 key, redis never starts
refused() {
	local way=$1 stage=$2 port
	port=$(free_port)
	chmod 644 "$key"
	log_mark
	start_redis "$way" "$port"
	ended "$pid" 10
	check "$way: a 0644 key stops redis with exit 78 ($how)" test "$st" -eq 78
	expect_grep "DBW-PRE-05 FAIL $(re "$key") is mode 0644, must be 0600 or stricter; fix: chmod 0600 $(re "$key")\$" \
		"$tmp/logs/$way.err" "$way: stderr names the key, DBW-PRE-05 and the fix"
	expect_no_grep "Server initialized|Ready to accept|oO0OoO0OoO0Oo" "$tmp/logs/$way.out" \
		"$way: redis' own code never ran"
	check "$way: nothing listens on $port (ss -ltn)" not_listening "$port"
	check "$way: redis-cli -p $port ping fails" no_pong "$port"
	check "$way: the decision log has the refusal ($stage stage, DBW-PRE-05)" \
		logged refused "$stage" DBW-PRE-05
}

# allowed WAY STAGE: with a 0600 key, redis starts, answers, and dumps no core
allowed() {
	local way=$1 stage=$2 port
	port=$(free_port)
	chmod 600 "$key"
	log_mark
	start_redis "$way" "$port"
	expect_pong "$way" "$port" "$way: with a 0600 key redis starts and answers PING"
	check "$way: the decision log has the allowed start ($stage stage)" logged allowed "$stage"
	check "$way: the preload is mapped in redis" grep -qF "$preload" "/proc/$pid/maps"
	check "$way: Max core file size is 0 0 (the shell had ulimit -c unlimited)" \
		test "$(core_limit "$pid")" = "0 0"
	# Raise the limit from outside: then only PR_SET_DUMPABLE 0 stops a core.
	if prlimit --pid "$pid" --core=unlimited:unlimited 2>/dev/null; then
		check "$way: RLIMIT_CORE raised from outside to unlimited (dumpable 0 must hold alone)" \
			test "$(core_limit "$pid")" = "unlimited unlimited"
	else
		echo "# $way: RLIMIT_CORE cannot be raised from outside here (no CAP_SYS_RESOURCE):" \
			"the core check covers both controls together"
	fi
	segv_leaves_no_core "$way" "$pid" "$tmp/redis"
}

# control: bare redis under the same shell dumps core on SIGSEGV, so the
# core-file checks above can see a core when there is one
control() {
	local port
	port=$(free_port)
	mkdir -m 700 "$tmp/bare"
	start_redis bare "$port" "$tmp/bare"
	expect_pong bare "$port" "bare: redis without hardgate answers PING"
	check "bare: without hardgate its core size is unlimited" \
		test "$(core_limit "$pid")" = "unlimited unlimited"
	touch "$tmp/segv.mark"
	segv "$pid"
	check "bare: SIGSEGV killed it ($how, want 139)" test "$st" -eq 139
	if [ "$cores_visible" -eq 1 ]; then
		new_cores "$tmp/bare" "$tmp/segv.mark" >"$tmp/logs/cores"
		expect_grep . "$tmp/logs/cores" "bare: it left a core file (so a core would be seen)"
	fi
	rm -rf "$tmp/bare"
}

ulimit -c unlimited
check "the shell's core size limit is unlimited" test "$(ulimit -c)" = unlimited
case $cores_visible in
0) echo "# core_pattern is '$pattern', a pipe: core files are not checked" ;;
1) echo "# core_pattern is '$pattern', a file: core files are looked for" ;;
esac

echo "# control: redis-server without hardgate"
control

# exec records the decision before execve (launcher stage); under the
# preload alone the process records it (process stage).
for way in exec preload; do
	case $way in exec) stage=launcher ;; preload) stage=process ;; esac
	echo "# redis-server under $way"
	refused "$way" "$stage"
	allowed "$way" "$stage"
done

echo "# the decision log"
expect_grep '"decision":"refused"' "$log" "the log has a refusal line"
expect_grep '"decision":"allowed"' "$log" "the log has an allowed line"
check "every line of the log is JSON" pycheck "$log" '
import json, sys
for line in sys.stdin:
    json.loads(line)'

echo "# redis-server dropped to its own account (privs)"
if id redis >/dev/null 2>&1; then
	mkdir -m 700 "$tmp/rdata"
	chown redis:redis "$tmp/rdata"
	write_policy "$tmp/privs.conf" <<CONF
$(policy_head "$log")
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
		start_redis "$way" "$port" "$tmp/rdata" "$tmp/privs.conf"
		expect_pong "$way" "$port" "$way: redis runs as redis and answers PING"
		check "$way: every uid is redis ($ruid)" \
			grep -Eq "^Uid:\s+$ruid\s+$ruid\s+$ruid\s+$ruid\$" "/proc/$pid/status"
		check "$way: no capabilities left" grep -Eq '^CapEff:\s+0+$' "/proc/$pid/status"
		check "$way: no_new_privs is set" grep -Eq '^NoNewPrivs:\s+1$' "/proc/$pid/status"
		check "$way: still Max core file size 0 0" test "$(core_limit "$pid")" = "0 0"
		# The kernel gives /proc/PID to root when the process is not dumpable.
		check "$way: not dumpable: /proc/$pid is root's though redis runs as uid $ruid" \
			test "$(stat -c %u "/proc/$pid/status")" = 0
		kill "$pid"
		wait_exit "$pid" 10 || not_ok "$way: redis did not stop within 10 s of SIGTERM"
	done
else
	echo "# no redis account: privs checks skipped"
fi

echo "# the preload's edges"
expect_status 0 "a process matching no service passes untouched" \
	env LD_PRELOAD="$preload" HARDGATE_CONF="$conf" /bin/echo hi
check "its output is its own" test "$(cat "$tmp/stdout")" = hi
expect_no_grep . "$tmp/stderr" "hardgate says nothing about it"
expect_status 78 "HARDGATE_SERVICE=nosuch refuses" \
	env LD_PRELOAD="$preload" HARDGATE_CONF="$conf" HARDGATE_SERVICE=nosuch /bin/echo ran
expect_grep "HG-005 FAIL .*unknown service 'nosuch'" "$tmp/stderr" "the refusal names HG-005"
expect_no_grep "^ran$" "$tmp/stdout" "the refused program never ran"

echo "# hardgate exec's proofs"
# is_static FILE: an ELF without a program interpreter
is_static() {
	readelf -l "$1" >/dev/null 2>&1 && ! readelf -l "$1" 2>/dev/null | grep -q INTERP
}
static=""
for c in /usr/sbin/ldconfig /sbin/ldconfig; do
	if [ -x "$c" ] && is_static "$c"; then static=$c; break; fi
done
if [ -n "$static" ]; then
	echo "# static program: $static ($(file -b "$static" 2>/dev/null | cut -d, -f1-4))"
	expect_status 78 "a statically linked program is refused" \
		"$hg" exec --conf "$conf" --service redis --preload "$preload" -- "$static" -p
	expect_grep "HG-008 FAIL .*statically linked" "$tmp/stderr" "the refusal is HG-008"
	expect_no_grep "libs found in cache" "$tmp/stdout" "the static program did not run"
else
	echo "# no static ldconfig found: static check skipped"
fi
expect_status 78 "a missing preload is refused" \
	"$hg" exec --conf "$conf" --service redis --preload /nonexistent.so -- /usr/bin/touch "$tmp/ran"
expect_grep "HG-008 FAIL /nonexistent\.so" "$tmp/stderr" "the missing preload is named with HG-008"
check "the program did not run (no marker file)" test ! -e "$tmp/ran"
cp /bin/true "$tmp/fake-preload.so"
expect_status 78 "a preload that is not a loadable library is refused" \
	"$hg" exec --conf "$conf" --service redis --preload "$tmp/fake-preload.so" -- /usr/bin/touch "$tmp/ran"
check "the program did not run (no marker file)" test ! -e "$tmp/ran"

finish
