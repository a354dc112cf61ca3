#!/bin/bash
# bootstrap.sh - everything a fresh Debian 12 machine needs, as root or with sudo.
#
#   sudo ./bootstrap.sh demo   install dependencies, build, run `hardgate check`
#                              and a protected demo service (Debian's redis-server)
#                              on the bundled example policy conf/demo.conf
#   sudo ./bootstrap.sh test   install dependencies, build, run every test
#                              (CUnit units, real-process integration and
#                              adversarial tests, a smoke run of the
#                              benchmarks, make distcheck, the suite under
#                              ASan+UBSan, the units under valgrind, cppcheck,
#                              gcc -fanalyzer,
#                              a bounded libFuzzer run of every parser, and
#                              the Debian packages built, installed, upgraded
#                              and purged, run under a live systemd in a
#                              container, and the RPMs built)
#
# Builds out of tree in build/ (and build-asan/); nothing is installed
# outside the build trees except the Debian packages below (and, during
# tests/package/deb.sh, hardgate's own .deb, purged at its end).
set -euo pipefail
cd "$(dirname "$0")"
top=$PWD
jobs=$(nproc 2>/dev/null || echo 2)

# redis-tools brings redis-cli and redis-benchmark; postgresql brings
# postgresql-15, which holds pgbench and provides postgresql-contrib-15;
# systemd-container brings systemd-nspawn (tests/package/systemd.sh).
packages=(
	build-essential autoconf automake libtool pkg-config
	libconfig-dev libseccomp-dev libssl-dev libsodium-dev libcunit1-dev
	redis-server redis-tools nginx-light postgresql nftables hyperfine iproute2 procps file
	bubblewrap firejail
	python3 python3-tomli openssl
	clang libclang-rt-14-dev valgrind cppcheck time
	debhelper dpkg-dev fakeroot lintian man-db bash-completion rpm cpio
	systemd-container
)

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

deps() {
	local missing=()
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "== installing: ${missing[*]}"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}"
	# The package starts redis on :6379 where an init system runs; the
	# tests use their own instances on free loopback ports.
}

# build DIR [configure args...]
build() {
	local dir=$1
	shift
	[ -x configure ] || autoreconf -fi
	mkdir -p "$dir"
	(cd "$dir" && { [ -f Makefile ] || "$top/configure" -q "$@"; } && make -s -j"$jobs")
}

# The demo's directory and redis pid, global for the EXIT trap.
demo=
pid=

demo() {
	local b=$top/build hg port=16379 rc=0
	build "$b"
	demo=$(mktemp -d /tmp/hardgate-demo.XXXXXX)
	chmod 755 "$demo"
	mkdir -m 700 "$demo/redis"
	trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$demo" ] && rm -rf "$demo"' EXIT
	sed -e "s|@MODULE_DIR@|$b/modules/.libs|" -e "s|@DEMO_DIR@|$demo|" conf/demo.conf >"$demo/hardgate.conf"
	chmod 644 "$demo/hardgate.conf"
	hg=("$b/cli/hardgate")
	echo "== hardgate lint"
	"${hg[@]}" lint --conf "$demo/hardgate.conf"
	echo "== a key file left world-readable (0644): hardgate refuses to start redis"
	printf 'demo key material\n' >"$demo/redis/tls.key"
	chmod 644 "$demo/redis/tls.key"
	"${hg[@]}" check --conf "$demo/hardgate.conf" --service redis-demo || true
	"${hg[@]}" exec --conf "$demo/hardgate.conf" --service redis-demo \
		--preload "$b/preload/.libs/libhardgate-preload.so" -- \
		/usr/bin/redis-server --port $port --bind 127.0.0.1 --dir "$demo/redis" --save '' || rc=$?
	echo "   -> exit status $rc (78 = refused by policy)"
	[ "$rc" -eq 78 ]
	echo "== fixed (chmod 0600): redis starts hardened"
	chmod 600 "$demo/redis/tls.key"
	"${hg[@]}" check --conf "$demo/hardgate.conf" --service redis-demo
	"${hg[@]}" exec --conf "$demo/hardgate.conf" --service redis-demo \
		--preload "$b/preload/.libs/libhardgate-preload.so" -- \
		/usr/bin/redis-server --port $port --bind 127.0.0.1 --dir "$demo/redis" --save '' \
		--loglevel warning &
	pid=$!
	for _ in $(seq 50); do
		redis-cli -p $port ping 2>/dev/null | grep -q PONG && break
		sleep 0.1
	done
	echo "   redis-cli ping: $(redis-cli -p $port ping)"
	echo "   core size limit: $(grep 'Max core file size' /proc/$pid/limits)"
	echo "== decision log"
	cat "$demo/decisions.jsonl"
	kill "$pid"
	wait "$pid" 2>/dev/null || true
	pid=
	echo "== demo done"
}

test_all() {
	local b=$top/build
	build "$b"
	echo "== make check"
	(cd "$b" && make -s -j"$jobs" check) || { cat "$b"/tests/unit/*.log "$b"/tests/integration/*.log; exit 1; }
	cat "$b/tests/unit/hardgate-unit.log" "$b"/tests/integration/*.log
	echo "== make bench (smoke: proves the benchmarks still run)"
	(cd "$b" && make -s bench BENCH_SCALE=smoke)
	echo "== make distcheck"
	(cd "$b" && make -s -j"$jobs" distcheck >distcheck.log 2>&1) || { tail -100 "$b/distcheck.log"; exit 1; }
	grep -E '^(PASS|FAIL|SKIP|ERROR|# )' "$b/distcheck.log" | tail -12
	echo "== ASan+UBSan: make check"
	build "$top/build-asan" --enable-sanitizers
	(cd "$top/build-asan" && make -s -j"$jobs" check) ||
		{ cat "$top"/build-asan/tests/*/*.log; exit 1; }
	tail -8 "$top/build-asan/tests/unit/hardgate-unit.log"
	echo "== valgrind memcheck: the unit tests"
	(cd "$b" && make -s valgrind-unit)
	echo "== cppcheck"
	(cd "$b" && make -s cppcheck)
	echo "== gcc -fanalyzer"
	(cd "$b" && make -s analyze HG_ANALYZE_JOBS="$jobs")
	echo "== fuzz-smoke: every parser under libFuzzer (clang, ASan+UBSan), bounded"
	mkdir -p "$top/build-fuzz"
	(cd "$top/build-fuzz" && { [ -f Makefile ] || "$top/configure" -q --enable-fuzzing; } &&
		make -s -j"$jobs" fuzz-smoke) || exit 1
	# Installs, upgrades and purges the .deb on this machine: not in make check.
	echo "== Debian packages: build, install, upgrade, run, purge"
	local pst=0
	bash "$top/tests/package/deb.sh" "$top" || pst=$?
	[ "$pst" -eq 0 ] || [ "$pst" -eq 77 ] || exit 1
	# Boots systemd as PID 1 in a container on an overlay of this root:
	# nothing of the machine changes. 77 = the container cannot start here.
	echo "== systemd: the .deb's units and drop-ins under a live systemd (nspawn)"
	pst=0
	bash "$top/tests/package/systemd.sh" "$top" || pst=$?
	[ "$pst" -eq 0 ] || [ "$pst" -eq 77 ] || exit 1
	echo "== RPM: rpmbuild -ts and -tb --nodeps from make dist's tarball"
	pst=0
	bash "$top/tests/package/rpm.sh" "$b" || pst=$?
	[ "$pst" -eq 0 ] || [ "$pst" -eq 77 ] || exit 1
	# The closing line of the run: the unit runner's CUnit summary.
	echo "== unit tests (CUnit)"
	grep -A4 'Run Summary' "$b/tests/unit/hardgate-unit.log"
}

case "${1:-}" in
demo) deps; demo ;;
test) deps; test_all ;;
*) echo "usage: $0 demo|test" >&2; exit 64 ;;
esac
