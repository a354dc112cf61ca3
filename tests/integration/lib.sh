# lib.sh - shared helpers of the integration tests (sourced by bash).
#
# Each test prints "ok - ..." / "not ok - ..." per check and closes with
# the plain line "N passed, M failed". Exit 0 pass, 1 fail, 77 skip.
# Everything a test creates lives under $tmp (fresh, root-owned, 0755, so
# that hardgate trusts the policies in it); the EXIT trap kills every
# process registered in hg_pids and removes $tmp. Scripts that need their
# own EXIT trap call cleanup from it.
set -u
hg_pass=0
hg_fail=0
hg_pids=()

skip() { echo "SKIP: $*" >&2; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root: policy files and modules must be root-owned"
for v in HG_CLI HG_PRELOAD_TEST HG_MODULE_DIR_TEST; do
	[ -n "${!v:-}" ] || { echo "$v is not set: run through make check" >&2; exit 1; }
done

tmp=$(mktemp -d /tmp/hg-int.XXXXXX) || exit 1
chmod 755 "$tmp"

# ppid_of PID: the parent of PID, empty when PID is gone
ppid_of() { sed -n 's/^PPid:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null; }

# Only our own children are killed: a pid that was reaped and reused by
# someone else is left alone.
cleanup() {
	local p
	for p in "${hg_pids[@]}"; do
		[ "$(ppid_of "$p")" = "$$" ] && kill -9 "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# --- counters and results ---

ok() { echo "ok - $1"; hg_pass=$((hg_pass + 1)); }
not_ok() { echo "not ok - $1"; hg_fail=$((hg_fail + 1)); }

# show FILE: a file's lines, indented under a failed check
show() { sed 's/^/    | /' "$1"; }

finish() {
	echo "$hg_pass passed, $hg_fail failed"
	[ "$hg_fail" -eq 0 ]
}

# --- running commands ---

# run CMD...: status in $st, stdout and stderr (interleaved) in $tmp/out
run() {
	st=0
	"$@" >"$tmp/out" 2>&1 || st=$?
}

# run_split CMD...: status in $st, $tmp/stdout, $tmp/stderr, and $tmp/out
# (stdout then stderr)
run_split() {
	st=0
	"$@" >"$tmp/stdout" 2>"$tmp/stderr" || st=$?
	cat "$tmp/stdout" "$tmp/stderr" >"$tmp/out"
}

# check DESCRIPTION CMD...: passes when CMD succeeds; when it fails, what
# CMD left in $tmp/why is shown
check() {
	local what=$1
	shift
	rm -f "$tmp/why"
	if "$@"; then
		ok "$what"
	else
		not_ok "$what"
		[ -s "$tmp/why" ] && show "$tmp/why"
	fi
	return 0
}

# pycheck FILE CODE [ARG...]: python3 -c CODE ARG... with FILE on stdin
# succeeds; its error's last line goes to $tmp/why (shown by check)
pycheck() {
	local f=$1 code=$2
	shift 2
	python3 -c "$code" "$@" <"$f" 2>"$tmp/py.err" && return 0
	tail -n 1 "$tmp/py.err" >"$tmp/why"
	return 1
}

# expect_status N DESCRIPTION CMD...: CMD exits N; output as run_split
expect_status() {
	local want=$1 what=$2
	shift 2
	run_split "$@"
	if [ "$st" -eq "$want" ]; then
		ok "$what (exit $st)"
	else
		not_ok "$what: exit $st, want $want"
		show "$tmp/out"
	fi
}

# re STRING: STRING as an extended regex matching only itself (paths in patterns)
re() { printf '%s' "$1" | sed 's/[][\.*^$()+?{}|]/\\&/g'; }

# expect_grep PATTERN FILE DESCRIPTION: an extended regex matches a line of FILE
expect_grep() {
	if grep -Eq -- "$1" "$2" 2>/dev/null; then
		ok "$3"
	else
		not_ok "$3: no /$1/ in $(basename "$2")"
		[ -f "$2" ] && show "$2"
	fi
}

# expect_no_grep PATTERN FILE DESCRIPTION: no line of FILE matches
expect_no_grep() {
	if grep -Eq -- "$1" "$2" 2>/dev/null; then
		not_ok "$3: /$1/ in $(basename "$2")"
		show "$2"
	else
		ok "$3"
	fi
}

# expect_out / expect_no_out PATTERN DESCRIPTION: on the last run's output
expect_out() { expect_grep "$1" "$tmp/out" "$2"; }
expect_no_out() { expect_no_grep "$1" "$tmp/out" "$2"; }

# --- policies ---

# write_policy FILE: stdin to FILE, root-owned 0644 (hardgate refuses others)
write_policy() {
	cat >"$1"
	chown 0:0 "$1"
	chmod 644 "$1"
}

# policy_head [JSONLOG]: the hardgate block every test policy starts with:
# the built modules, the revocation list $tmp/revoked.d (never the host's),
# no syslog, decisions to JSONLOG if given
policy_head() {
	local log="syslog = false;"
	[ $# -gt 0 ] && log="$log json = \"$1\";"
	echo "hardgate: { module_dir = \"$HG_MODULE_DIR_TEST\"; revoked_dir = \"$tmp/revoked.d\";" \
		"log: { $log }; };"
}

# --- X.509 material, made by the openssl command ---

# ossl ARGS...: openssl, quiet unless it fails (then the test fails loudly)
ossl() { openssl "$@" 2>"$tmp/ossl.err" || { cat "$tmp/ossl.err" >&2; exit 1; }; }

# make_pki DIR CN SAN: DIR/ca.pem (10 years) and DIR/node.pem (200 days,
# CN, subjectAltName SAN, server and client use) with their P-256 keys,
# 0600; the test fails loudly when openssl does
make_pki() {
	local d=$1 ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
	mkdir -p -m 755 "$d"
	ossl req -x509 "${ec[@]}" -keyout "$d/ca.key" -out "$d/ca.pem" -days 3650 \
		-subj "/CN=$(basename "$0") CA" \
		-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign"
	ossl req "${ec[@]}" -keyout "$d/node.key" -out "$d/node.csr" -subj "/CN=$2"
	printf '%s\n' "subjectAltName=$3" "basicConstraints=critical,CA:FALSE" \
		"extendedKeyUsage=serverAuth,clientAuth" >"$d/ext.cnf"
	ossl x509 -req -in "$d/node.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
		-days 200 -extfile "$d/ext.cnf" -out "$d/node.pem"
	chmod 600 "$d/node.key" "$d/ca.key"
}

# --- node_exporter textfiles ---

# prom_value FILE METRIC-WITH-LABELS: the sample's value
prom_value() { awk -v m="$2" '$1 == m { print $2 }' "$1"; }

# prom_valid FILE: every line is a comment or `name{labels} value`, each
# family has HELP and TYPE before its samples, no series twice
prom_valid() {
	pycheck "$1" '
import re, sys
seen = set()
series = set()
for line in sys.stdin:
    line = line.rstrip("\n")
    m = re.match(r"# (HELP|TYPE) ([a-z_]+) .+$", line)
    if m:
        seen.add((m.group(1), m.group(2)))
        continue
    m = re.match(r"([a-z_]+(\{([a-z_]+=\"([^\"\\\\]|\\\\.)*\",?)*\})?) (-?[0-9.e+]+|[+-]Inf|NaN)$", line)
    assert m, "bad line: " + line
    name = m.group(1).split("{")[0]
    assert ("HELP", name) in seen and ("TYPE", name) in seen, "no HELP/TYPE: " + line
    assert m.group(1) not in series, "series twice: " + line
    series.add(m.group(1))'
}

# --- processes and ports ---

# spawn BASE CMD...: CMD in the background, stdout to BASE.out, stderr
# to BASE.err; its pid in $pid, killed by the trap if still running
spawn() {
	local base=$1
	shift
	"$@" >"$base.out" 2>"$base.err" &
	pid=$!
	hg_pids+=("$pid")
}

# running PID: PID exists and is not a zombie
running() {
	local s
	s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$s" ] && [ "${s%% *}" != Z ]
}
gone() { ! running "$1"; }

# wait_until SECONDS CMD...: poll CMD every 0.1 s, at most SECONDS
wait_until() {
	local n=$(($1 * 10))
	shift
	for _ in $(seq "$n"); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# wait_exit PID SECONDS: wait for a background child at most SECONDS;
# its exit status in $st (128+N for signal N). On timeout it is killed
# with SIGKILL, $st is 999 and the return status 1.
wait_exit() {
	local p=$1 secs=$2
	if ! wait_until "$secs" gone "$p"; then
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
		st=999
		return 1
	fi
	st=0
	wait "$p" 2>/dev/null || st=$?
	return 0
}

listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# free_port: a loopback TCP port no socket uses, in any state, picked
# below the kernel's ephemeral range (another test's client connection
# may hold a port in it at any moment, and a bind there then fails)
free_port() {
	local lo hi base p i
	read -r lo hi </proc/sys/net/ipv4/ip_local_port_range
	hi=$((lo > 12000 ? lo - 1 : 32767))
	base=$((10000 + RANDOM % (hi - 10000)))
	for i in $(seq 0 199); do
		p=$((10000 + (base - 10000 + i * 7) % (hi - 10000)))
		ss -Htan "sport = :$p" 2>/dev/null | grep -q . || { echo "$p"; return 0; }
	done
	return 1
}

# wait_for_port PORT [SECONDS]: something listens on PORT (default 10 s)
wait_for_port() { wait_until "${2:-10}" listening "$1"; }

# listener HOST PORT [PREFIX...]: accept and close connections on HOST:PORT
# in the background for at most 120 s; PREFIX runs it (ip netns exec NS).
listener() {
	local host=$1 port=$2
	shift 2
	"$@" timeout 120 python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(64)
while True:
    c, _ = s.accept(); c.close()' "$host" "$port" &
	hg_pids+=("$!")
}

# --- real services (services.sh, redis.sh, bench/load.sh) ---

# service_policy FILE USER [ENTRY...]: a policy for service svc: privs
# (USER), coredump and the @system-service seccomp allow-list (kill),
# then each ENTRY ("{ module = ...; }") appended to the stack
service_policy() {
	local f=$1 user=$2 e extra=""
	shift 2
	for e in "$@"; do extra="$extra,
      $e"; done
	write_policy "$f" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = false; }; };
services: {
  svc: {
    stack = (
      { module = "privs";    control = "required"; args: { user = "$user"; }; },
      { module = "coredump"; control = "required"; },
      { module = "seccomp";  control = "required";
        args: { allow = [ "@system-service" ]; action = "kill";
                groups_file = "$HG_SRCDIR/modules/seccomp/seccomp.groups"; }; }$extra
    );
  };
};
CONF
}

# launch CONF LOG CMD...: CMD under hardgate exec --service svc with the
# policy CONF, in the background, stdout and stderr to LOG; pid in $pid
launch() {
	local conf=$1 log=$2
	shift 2
	"$HG_CLI" exec --conf "$conf" --service svc --preload "$HG_PRELOAD_TEST" -- "$@" >"$log" 2>&1 &
	pid=$!
	hg_pids+=("$pid")
}

# redis_args PORT DIR: the command line of every redis start, in $args.
# No memory test in redis' crash handler: under an ASan preload it would
# scan the shadow memory for minutes before the SIGSEGV is re-raised.
redis_args() {
	args=(--port "$1" --bind 127.0.0.1 --dir "$2" --save '' --appendonly no --daemonize no
		--crash-memcheck-enabled no)
}

# pong PORT: the redis on loopback PORT answers PING
pong() { [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ]; }

# pg_bindir: the newest installed PostgreSQL's bin directory, empty if none
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# pg_ok PORT: the postgres on loopback PORT answers select 1
pg_ok() { runuser -u postgres -- psql -h 127.0.0.1 -p "$1" -U postgres -tAc 'select 1' 2>/dev/null | grep -qx 1; }
