# lib.sh - shared helpers of the integration tests (sourced, bash).
# Each test prints "ok - ..." / "not ok - ..." per check and closes with
# the plain line "N passed, M failed". Exit 0 pass, 1 fail, 77 skip.
set -u
hg_pass=0
hg_fail=0
hg_pids=()

skip() { echo "SKIP: $*" >&2; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root: policy files and modules must be root-owned"

tmp=$(mktemp -d /tmp/hg-int.XXXXXX)
chmod 755 "$tmp"
cleanup() {
	local p
	for p in "${hg_pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

ok() { echo "ok - $1"; hg_pass=$((hg_pass + 1)); }
not_ok() { echo "not ok - $1"; hg_fail=$((hg_fail + 1)); }

# run CMD...: status in $st, stdout+stderr in $tmp/out
run() {
	st=0
	"$@" >"$tmp/out" 2>&1 || st=$?
}

# expect_status N DESCRIPTION CMD...
expect_status() {
	local want=$1 what=$2
	shift 2
	run "$@"
	if [ "$st" -eq "$want" ]; then
		ok "$what (exit $st)"
	else
		not_ok "$what: exit $st, want $want"
		sed 's/^/    | /' "$tmp/out"
	fi
}

# expect_out PATTERN DESCRIPTION: grep -E the last run's output
expect_out() {
	if grep -Eq -- "$1" "$tmp/out"; then
		ok "$2"
	else
		not_ok "$2: no /$1/ in output"
		sed 's/^/    | /' "$tmp/out"
	fi
}

# expect_no_out PATTERN DESCRIPTION
expect_no_out() {
	if grep -Eq -- "$1" "$tmp/out"; then
		not_ok "$2: /$1/ in output"
		sed 's/^/    | /' "$tmp/out"
	else
		ok "$2"
	fi
}

# check DESCRIPTION CMD...: passes when CMD succeeds
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# write_policy FILE: stdin to FILE, root-owned 0644 (hardgate refuses others)
write_policy() {
	cat >"$1"
	chmod 644 "$1"
}

listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# free_port: a loopback port nobody listens on
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 20000))
		listening "$p" || { echo "$p"; return 0; }
	done
	return 1
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s
wait_until() {
	local n=$(($1 * 10))
	shift
	for _ in $(seq "$n"); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

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

finish() {
	echo "$hg_pass passed, $hg_fail failed"
	[ "$hg_fail" -eq 0 ]
}
