#!/bin/bash
# load.sh - steady state (issues #6 and #7): real servers keep their
# throughput under hardgate. Debian's redis-server and PostgreSQL run
# twice each on free loopback ports, bare and under hardgate exec with a
# realistic stack (privs to the service's user, coredump, seccomp
# @system-service, netout allowing only the server's own loopback port,
# Landlock on); redis-benchmark and pgbench load each in interleaved
# rounds, order alternating (bare, protected, protected, bare, ...) so a
# load spike or a drift lands on both alike. Prints the medians side by
# side, the ratio protected/bare and the spread (min-max over rounds).
#
# Never fails on timing. Fails (exit 1) if a server does not start or a
# client errors or hangs past its generous bound. Everything listens on
# 127.0.0.1 only; lib.sh's trap kills what was started and removes $tmp.
set -u
[ "$(id -u)" -eq 0 ] || { echo "load: needs root (root-owned policy, privs); skipped"; exit 0; }
. "$HG_SRCDIR/tests/integration/lib.sh" || exit 1

if [ "${BENCH_SCALE:-}" = smoke ]; then
	redis_n=2000 redis_rounds=1 pg_run=(-t 50) pg_rounds=1
else
	redis_n=${BENCH_REDIS_N:-100000} redis_rounds=${BENCH_REDIS_ROUNDS:-5}
	pg_run=(-T "${BENCH_PG_SECONDS:-10}") pg_rounds=${BENCH_PG_ROUNDS:-5}
fi
redis_tests=set,get,incr,lpush,lpop
results=$tmp/results.tsv	# kind, test, side, round, value
: >"$results"
servers=()	# "pid signal" of each server, stopped cleanly at exit

die() { echo "load: $*" >&2; exit 1; }

# stop_servers: each server asked to stop (redis TERM, postgres INT: a
# fast shutdown that also stops its children), SIGKILL after 15 s
stop_servers() {
	local s
	for s in "${servers[@]}"; do
		kill -"${s#* }" "${s%% *}" 2>/dev/null
		wait_exit "${s%% *}" 15
	done
	servers=()
}
trap 'stop_servers; cleanup' EXIT

# side ROUND I: the I-th (0 or 1) side run in ROUND; odd rounds start bare
side() { if [ $((($1 + $2) % 2)) -eq 1 ]; then echo bare; else echo protected; fi; }

# protected_ok PID USER: the server really runs confined (else the figures
# would compare bare with bare)
protected_ok() {
	local s=/proc/$1/status
	grep -Eq "^Uid:\s+$(id -u "$2")\s" "$s" && grep -Eq '^Seccomp:\s+2$' "$s" &&
		grep -Eq '^NoNewPrivs:\s+1$' "$s"
}

# netout_entry PORT: outbound only to the server's own loopback port
netout_entry() {
	echo "{ module = \"netout\"; control = \"required\"; args: { allow = [ \"127.0.0.1:$1\" ]; }; }"
}

# up_or_gone PID READY_CMD PORT: done waiting: ready, or PID is gone
up_or_gone() { gone "$1" || "$2" "$3"; }

# start SIDE NAME LOG CONF USER READY_CMD PORT CMD...: a server, bare or
# under hardgate exec with CONF; waits for READY_CMD PORT (30 s)
start() {
	local side=$1 name=$2 log=$3 conf=$4 user=$5 ready=$6 port=$7 sig
	shift 7
	[ "$name" = postgres ] && sig=INT || sig=TERM
	if [ "$side" = bare ]; then
		"$@" >"$log" 2>&1 &
		pid=$!
		hg_pids+=("$pid")
	else
		launch "$conf" "$log" "$@"
	fi
	servers+=("$pid $sig")
	wait_until 30 up_or_gone "$pid" "$ready" "$port"
	"$ready" "$port" || { sed 's/^/    | /' "$log" >&2; die "$name ($side) did not start on 127.0.0.1:$port"; }
	if [ "$side" = protected ] && ! protected_ok "$pid" "$user"; then
		grep -E '^(Uid|Seccomp|NoNewPrivs):' "/proc/$pid/status" | sed 's/^/    | /' >&2
		die "$name ($side) is not confined"
	fi
}

# report KIND UNIT: the table of KIND from $results (medians, min-max,
# ratio of the medians; the ratios of each round's adjacent pair, median
# and min-max: the spread the noise leaves)
report() {
	python3 - "$results" "$1" "$2" <<'PY'
import sys, statistics as st
rows, kind, unit = {}, sys.argv[2], sys.argv[3]
for line in open(sys.argv[1]):
    k, test, side, rnd, v = line.split("\t")
    if k == kind:
        rows.setdefault(test, {}).setdefault(side, {})[int(rnd)] = float(v)
print("  %-14s %9s %-15s %9s %-15s %7s  %s" % (unit + ", median", "bare", " (min-max)", "protected",
                                               " (min-max)", "ratio", "per-round ratio: median (min-max)"))
for test, s in rows.items():
    b, p = s["bare"], s["protected"]
    r = [p[i] / b[i] for i in b if i in p]
    mb, mp = st.median(b.values()), st.median(p.values())
    span = lambda d: "(%.0f-%.0f)" % (min(d.values()), max(d.values()))
    print("  %-14s %9.0f %-15s %9.0f %-15s %6.3fx  %.3fx (%.3f-%.3f)" % (
        test, mb, span(b), mp, span(p), mp / mb, st.median(r), min(r), max(r)))
PY
}

load() { cut -d' ' -f1-3 /proc/loadavg; }

# --- redis ---

redis_bench() {
	local redis user port_b port_p r i side port out st
	redis=$(command -v redis-server) && command -v redis-benchmark >/dev/null && command -v redis-cli >/dev/null ||
		{ echo "load: redis-server or redis-tools not installed: redis skipped"; return 0; }
	user=redis
	id redis >/dev/null 2>&1 || user=nobody
	install -d -o "$user" -m 700 "$tmp/redis-bare" "$tmp/redis-protected"
	port_b=$(free_port) || die "no free port"
	redis_args "$port_b" "$tmp/redis-bare"
	start bare redis "$tmp/redis-bare.log" - "$user" pong "$port_b" "$redis" "${args[@]}"
	port_p=$(free_port) || die "no free port"
	service_policy "$tmp/redis.conf" "$user" "$(netout_entry "$port_p")"
	redis_args "$port_p" "$tmp/redis-protected"
	start protected redis "$tmp/redis-protected.log" "$tmp/redis.conf" "$user" pong "$port_p" "$redis" "${args[@]}"

	echo "steady state: $($redis --version | sed -n 's/.* v=\([^ ]*\).*/redis-server \1/p'), redis-benchmark -n $redis_n -c 50 -t $redis_tests," \
		"$redis_rounds rounds per side interleaved; load before: $(load)"
	echo "  protected = hardgate exec: privs ($user), coredump, seccomp @system-service (kill)," \
		"netout 127.0.0.1:$port_p only (Landlock on)"
	for r in $(seq "$redis_rounds"); do
		for i in 0 1; do
			side=$(side "$r" "$i")
			[ "$side" = bare ] && port=$port_b || port=$port_p
			out=$tmp/redis-$side-$r.csv
			timeout 600 redis-benchmark -h 127.0.0.1 -p "$port" -n "$redis_n" -t "$redis_tests" --csv \
				>"$out" 2>"$tmp/redis-benchmark.err" || {
				st=$?
				sed 's/^/    | /' "$tmp/redis-benchmark.err" >&2
				die "redis-benchmark against $side failed (exit $st; 124: still running after 600 s)"
			}
			python3 - "$out" "$side" "$r" "$redis_tests" >>"$results" <<'PY' || die "redis-benchmark against $side: no figures"
import csv, sys
out, side, rnd, want = sys.argv[1:]
got = {row[0]: float(row[1]) for row in csv.reader(open(out)) if row and row[0] != "test"}
for t in want.upper().split(","):
    name = next((g for g in got if g.split(" ")[0] == t), None)
    if name is None or got[name] <= 0:
        sys.exit("no %s figure in %s" % (t, out))
    print("redis\t%s\t%s\t%s\t%s" % (name, side, rnd, got[name]))
PY
		done
	done
	report redis "req/s"
	stop_servers
}

# --- postgresql ---

# pgbench_run PORT ARGS...: pgbench as postgres on loopback PORT, output
# in $tmp/pgbench.out; exits the script if it fails or hangs
pgbench_run() {
	local port=$1 o=$tmp/pgbench.out st=0
	shift
	timeout 300 runuser -u postgres -- "$pgbin/pgbench" -h 127.0.0.1 -p "$port" -U postgres "$@" postgres \
		>"$o" 2>&1 || st=$?
	[ "$st" -eq 0 ] && return 0
	sed 's/^/    | /' "$o" >&2
	die "pgbench $* against port $port failed (exit $st; 124: still running after 300 s)"
}

pg_bench() {
	local port_b port_p side r i port tps pgargs script
	pgbin=$(pg_bindir)
	[ -n "$pgbin" ] && [ -x "$pgbin/pgbench" ] && id postgres >/dev/null 2>&1 ||
		{ echo "load: postgresql (postgres, pgbench) not installed: postgresql skipped"; return 0; }
	install -d -o postgres -g postgres -m 700 "$tmp/pg"
	runuser -u postgres -- "$pgbin/initdb" -N -D "$tmp/pg/bare" -A trust -U postgres >"$tmp/initdb.log" 2>&1 ||
		{ sed 's/^/    | /' "$tmp/initdb.log" >&2; die "initdb failed"; }
	cp -a "$tmp/pg/bare" "$tmp/pg/protected"
	# synchronous_commit off: commits do not wait for the disk, so the
	# figures measure the server's CPU path (where hardgate could cost)
	# rather than this shared disk's fsync latency
	pgargs=(-k "$tmp/pg" -c listen_addresses=127.0.0.1 -c synchronous_commit=off)
	port_b=$(free_port) || die "no free port"
	start bare postgres "$tmp/pg-bare.log" - postgres pg_ok "$port_b" \
		setpriv --reuid=postgres --regid=postgres --init-groups "$pgbin/postgres" -D "$tmp/pg/bare" -p "$port_b" "${pgargs[@]}"
	port_p=$(free_port) || die "no free port"
	service_policy "$tmp/pg.conf" postgres "$(netout_entry "$port_p")"
	start protected postgres "$tmp/pg-protected.log" "$tmp/pg.conf" postgres pg_ok "$port_p" \
		"$pgbin/postgres" -D "$tmp/pg/protected" -p "$port_p" "${pgargs[@]}"
	for port in "$port_b" "$port_p"; do
		pgbench_run "$port" -i -s 1 -q
	done

	echo "steady state: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}'), pgbench -s 1 -c 2 -j 2 ${pg_run[*]}," \
		"$pg_rounds rounds per side interleaved; load before: $(load)"
	echo "  protected = hardgate exec: privs (postgres), coredump, seccomp @system-service (kill)," \
		"netout 127.0.0.1:$port_p only (Landlock on)"
	for r in $(seq "$pg_rounds"); do
		for script in select-only tpcb-like; do
			for i in 0 1; do
				side=$(side "$r" "$i")
				[ "$side" = bare ] && port=$port_b || port=$port_p
				pgbench_run "$port" -c 2 -j 2 "${pg_run[@]}" -b "$script"
				tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$tmp/pgbench.out")
				[ -n "$tps" ] || { sed 's/^/    | /' "$tmp/pgbench.out" >&2; die "pgbench printed no tps"; }
				printf 'pg\t%s\t%s\t%s\t%s\n' "$script" "$side" "$r" "$tps" >>"$results"
			done
		done
	done
	report pg tps
	stop_servers
}

redis_bench
pg_bench
echo "  load after: $(load)"
