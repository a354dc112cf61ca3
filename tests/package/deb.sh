#!/bin/bash
# deb.sh - the Debian packages as an operator meets them, on this machine:
# build an older and a current .deb, install the older one, upgrade over
# it (an edited conffile and an operator's services.d file survive), run
# `hardgate check` on the installed policy and the installed example, run
# a real redis-server through the installed systemd drop-in layout (the
# unit's ExecStart= and its drop-in's, parsed as systemd reads them):
# refused with a 0644 key (exit 78), started after chmod 0600. The
# postinst makes the attestation key in the policy's attest_dir and
# refuses half a pair without failing the install; systemd-analyze
# verify accepts the units and every drop-in on its unit. Removal is
# refused while /etc/ld.so.preload names the preload (the test's file
# bound over it in a private mount namespace, never the host's). Then
# purge: an operator's file in services.d is kept, every other file of
# the packages is gone; purged again without it, /etc/hardgate is gone.
#
# Needs root and dpkg-buildpackage (debhelper). Not part of `make check`
# (it installs packages): bootstrap.sh test runs it. Usage:
#   tests/package/deb.sh [SRCDIR]
# Exit 0 pass, 1 fail, 77 skip. Cleans up (kills redis, purges the
# packages, removes its files) on any exit.
set -u
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
pkgs=(hardgate libhardgate0 libhardgate-dev)
pass=0
fail=0
redis_pid=
installed=0

# shellcheck source=tests/package/lib.sh
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "needs root: installs packages"
command -v dpkg-buildpackage >/dev/null || skip "dpkg-buildpackage missing (apt-get install dpkg-dev debhelper)"
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' &&
		skip "$p is installed already: this test installs and purges it"
done
for d in /etc/hardgate /var/lib/hardgate /var/cache/hardgate; do
	[ -e "$d" ] && skip "$d exists and is not from a package: not touching it"
done

tmp=$(mktemp -d /tmp/hg-pkg.XXXXXX) || exit 1
chmod 755 "$tmp"
operator_file=/etc/hardgate/services.d/zz-ci-operator.conf
ci_policy=/etc/hardgate/services.d/ci-redis.conf
hello_policy=/etc/hardgate/services.d/ci-hello.conf
hello_pid=

purge_all() {
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${pkgs[@]}" >"$tmp/purge.log" 2>&1
}

# /etc/ld.so.preload: made empty for a bind mount only if missing (ldso_made)
ldso=/etc/ld.so.preload
ldso_made=0
ldso_state() { if [ -e "$ldso" ]; then stat -c '%F %a %u %s' "$ldso"; sha256sum <"$ldso"; else echo absent; fi; }
# with_ldso FILE CMD...: CMD where FILE is /etc/ld.so.preload, in a private mount namespace
with_ldso() {
	unshare -m --propagation private sh -c 'mount --bind "$0" /etc/ld.so.preload && exec "$@"' "$@"
}

cleanup() {
	[ "$ldso_made" = 1 ] && rm -f "$ldso"
	[ -n "$redis_pid" ] && kill -9 "$redis_pid" 2>/dev/null
	[ -n "$hello_pid" ] && kill -9 "$hello_pid" 2>/dev/null
	if [ "$installed" = 1 ]; then
		rm -f "$operator_file" "$ci_policy" "$hello_policy"
		purge_all || dpkg --purge "${pkgs[@]}" >/dev/null 2>&1
		rmdir /etc/hardgate/services.d /etc/hardgate/revoked.d /etc/hardgate 2>/dev/null
		rm -rf /var/lib/hardgate /var/cache/hardgate
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# execstart DIR UNIT: the unit's command line, NUL-separated, as systemd
# would run it: the unit, then its drop-ins (UNIT.d/*.conf) in name order;
# an empty ExecStart= resets the list, ExecPaths= accumulates, and
# NoExecPaths=/ needs the program in ExecPaths. The line is split with
# systemd's quoting (shlex) and its prefixes (-@:+!) stripped.
execstart() {
	/usr/bin/python3 - "$src/tests" "$1" "$2" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import unitfile
u = unitfile.service(sys.argv[2], sys.argv[3])
if len(u["ExecStart"]) != 1:
    sys.exit("want exactly one ExecStart= after the drop-ins, got %r" % u["ExecStart"])
argv = unitfile.argv(u["ExecStart"][0])
if u["NoExecPaths"] and not any(argv[0] == p or argv[0].startswith(p.rstrip("/") + "/")
                                for p in u["ExecPaths"]):
    sys.exit("%s is not in ExecPaths=%s but NoExecPaths=%s: systemd would not run it"
             % (argv[0], u["ExecPaths"], u["NoExecPaths"]))
print("\0".join(argv), end="")
PY
}

# --- build: an older and the current version of the same tree ---
base=$(sed -n '1s/^hardgate (\([^)]*\)).*/\1/p' "$src/packaging/debian/changelog")
old_v="$base~ci.old"
new_v="$base+ci.new"
for v in "$old_v" "$new_v"; do
	echo "# building $v (nocheck)"
	if ! DEB_BUILD_OPTIONS="nocheck parallel=2" "$src/packaging/build-deb.sh" --version "$v" \
		--out "$tmp/debs-$v" >"$tmp/build-$v.log" 2>&1; then
		not_ok "dpkg-buildpackage builds $v"
		tail -40 "$tmp/build-$v.log" | show /dev/stdin
		exit 1
	fi
	ok "dpkg-buildpackage builds $v"
done
if command -v lintian >/dev/null; then
	lintian --pedantic "$tmp/debs-$new_v"/*.changes >"$tmp/lintian.log" 2>&1
	if grep -Eq '^[EW]:' "$tmp/lintian.log"; then
		not_ok "lintian reports no error or warning"; show "$tmp/lintian.log"
	else
		ok "lintian reports no error or warning (pedantic)"
	fi
else
	echo "# lintian not installed: lintian check skipped"
fi
debs() { local d=$tmp/debs-$1; echo "$d/hardgate_$1_"*.deb "$d/libhardgate0_$1_"*.deb "$d/libhardgate-dev_$1_"*.deb; }
vstr() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null; }

# --- install the older version, then upgrade ---
echo "# install $old_v"
installed=1
# shellcheck disable=SC2046
if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(debs "$old_v") >"$tmp/install.log" 2>&1; then
	ok "apt-get install of $old_v"
else
	not_ok "apt-get install of $old_v"; show "$tmp/install.log"; exit 1
fi
check "hardgate $old_v is installed" test "$(vstr hardgate)" = "$old_v"
att=/var/lib/hardgate/attest
check "postinst created the attestation key: attest.key 0600 root" \
	test "$(stat -c '%a %U' "$att/attest.key" 2>/dev/null)" = "600 root"
check "... and attest.pub 0644" test "$(stat -c '%a' "$att/attest.pub" 2>/dev/null)" = 644
keysum=$(sha256sum "$att/attest.key" 2>/dev/null)
# an operator edits the conffile and adds a service file
sed -i 's/^  mode = "enforce";/  mode = "enforce";  # edited by the operator/' /etc/hardgate/hardgate.conf
printf 'services: { };\n' >"$operator_file"
chmod 644 "$operator_file"

echo "# upgrade to $new_v"
# shellcheck disable=SC2046
if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o Dpkg::Options::=--force-confold \
	$(debs "$new_v") >"$tmp/upgrade.log" 2>&1; then
	ok "apt-get install of $new_v upgrades $old_v"
else
	not_ok "upgrade to $new_v"; show "$tmp/upgrade.log"; exit 1
fi
for p in "${pkgs[@]}"; do
	check "$p is $new_v" test "$(vstr "$p")" = "$new_v"
done
check "the operator's edit of hardgate.conf survived the upgrade" \
	grep -q 'edited by the operator' /etc/hardgate/hardgate.conf
check "the operator's services.d file survived the upgrade" test -f "$operator_file"
check "the upgrade kept the attestation key" test "$(sha256sum "$att/attest.key" 2>/dev/null)" = "$keysum"
st=0; hardgate attest --init >"$tmp/out" 2>&1 || st=$?
check "hardgate attest --init with the installed policy refuses to replace it (exit $st)" test "$st" -eq 78
mkdir -p /var/cache/hardgate/seccomp	# as a seccomp stack's filter cache would

# The postinst asks hardgate, so the policy's attest_dir is the one used.
hg_deb=$(echo "$tmp/debs-$new_v/hardgate_$new_v"_*.deb)
cp -p /etc/hardgate/hardgate.conf "$tmp/hardgate.conf.saved"
ci_att=/var/lib/hardgate/ci-attest
sed -i "s|^  mode = \"enforce\";.*|&\n  attest_dir = \"$ci_att\";|" /etc/hardgate/hardgate.conf
st=0; dpkg -i "$hg_deb" >"$tmp/reinst.log" 2>&1 || st=$?
check "dpkg -i $new_v again (postinst configure) with attest_dir = $ci_att (exit $st)" test "$st" -eq 0
check "the postinst created the key in the policy's attest_dir" \
	test "$(stat -c '%a %U' "$ci_att/attest.key" "$ci_att/attest.pub" 2>/dev/null | tr '\n' ' ')" = "600 root 644 root "
check "... and left the default one as it was" test "$(sha256sum "$att/attest.key" 2>/dev/null)" = "$keysum"
rm "$ci_att/attest.pub"
st=0; dpkg -i "$hg_deb" >"$tmp/half.log" 2>&1 || st=$?
check "half a key pair does not fail the install (exit $st)" test "$st" -eq 0
if grep -q "HG-031 FAIL $ci_att half an attestation key pair: attest.key without attest.pub; fix: restore attest.pub" "$tmp/half.log"; then
	ok "... the postinst says which half is missing and the fix"
else
	not_ok "... the postinst names the missing half"; show "$tmp/half.log"
fi
check "... and makes no new attest.pub" test ! -e "$ci_att/attest.pub"
cp -p "$tmp/hardgate.conf.saved" /etc/hardgate/hardgate.conf

# --- what is installed where ---
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
libdir=/usr/lib/$multiarch
for p in "${pkgs[@]}"; do dpkg -L "$p"; done | sort -u >"$tmp/files"
check "hardgate.conf is a conffile" grep -q '^ /etc/hardgate/hardgate.conf ' \
	<(dpkg-query -W -f='${Conffiles}\n' hardgate)
for f in /usr/bin/hardgate "$libdir/hardgate/libhardgate-preload.so" \
	"$libdir/hardgate/modules/hardgate_keyfile.so" /usr/share/hardgate/seccomp.groups \
	/usr/share/doc/hardgate/examples/redis.conf /usr/share/doc/hardgate/examples/systemd/redis-server-exec.conf \
	/lib/systemd/system/hardgate-audit.service /lib/systemd/system/hardgate-audit.timer \
	/usr/share/man/man8/hardgate.8.gz "$libdir/libhardgate.so.0" /usr/include/hardgate/hardgate.h \
	"$libdir/pkgconfig/hardgate.pc" /etc/hardgate/services.d /etc/hardgate/revoked.d; do
	check "installed: $f" test -e "$f"
done
check "every built module is in the multiarch module dir" \
	test "$(ls "$libdir"/hardgate/modules/hardgate_*.so | wc -l)" -ge 5
check "the compiled-in module dir is the installed one (hardgate list modules)" \
	sh -c "hardgate list modules >'$tmp/mods' 2>&1 && grep -q '^module keyfile' '$tmp/mods'"
check "hardgate-audit.timer is enabled (timers.target.wants)" \
	test -L /etc/systemd/system/timers.target.wants/hardgate-audit.timer

if command -v systemd-analyze >/dev/null; then
	# verify NAME UNIT...: systemd-analyze verify passes and says nothing
	# (an unknown key or a bad value is only a warning, exit 0)
	verify() {
		local what=$1
		shift
		if systemd-analyze verify "$@" >"$tmp/verify.log" 2>&1 && [ ! -s "$tmp/verify.log" ]; then
			ok "systemd-analyze verify accepts $what without a warning"
		else
			not_ok "systemd-analyze verify of $what"; show "$tmp/verify.log"
		fi
	}
	verify "hardgate-audit.service and .timer" /lib/systemd/system/hardgate-audit.timer \
		/lib/systemd/system/hardgate-audit.service
	# Each drop-in as the operator installs it (UNIT.d/hardgate.conf, the
	# path in its first line), on the real unit where this host has one
	# (redis-server), else on a stand-in: dbward and KalamDB are not here.
	ex=/usr/share/doc/hardgate/examples/systemd
	want=$(ls "$src"/packaging/systemd/*-exec.conf.in "$src"/packaging/systemd/*-preload.conf.in | wc -l)
	check "every drop-in of packaging/systemd is installed ($want)" \
		test "$(ls "$ex"/*-exec.conf "$ex"/*-preload.conf 2>/dev/null | wc -l)" -eq "$want"
	for d in "$ex"/*-exec.conf "$ex"/*-preload.conf; do
		n=${d##*/}
		n=${n%.conf}
		u=${n%-*}.service
		check "$n.conf says it goes to /etc/systemd/system/$u.d/" \
			grep -q "^# /etc/systemd/system/$u.d/hardgate.conf " "$d"
		mkdir -p "$tmp/units-$n/$u.d"
		if [ -f "/lib/systemd/system/$u" ]; then
			cp "/lib/systemd/system/$u" "$tmp/units-$n/"
			on="Debian's $u"
		else
			printf '[Unit]\nDescription=stand-in for %s\n\n[Service]\nExecStart=/bin/true\n' "$u" \
				>"$tmp/units-$n/$u"
			on="a stand-in $u"
		fi
		cp "$d" "$tmp/units-$n/$u.d/hardgate.conf"
		verify "$n.conf on $on" "$tmp/units-$n/$u"
		lp=$(sed -n 's/^Environment=LD_PRELOAD=\([^ ]*\).*/\1/p' "$d")
		[ -n "$lp" ] && check "$n.conf's LD_PRELOAD is the installed preload ($lp)" \
			test "$lp" = "$libdir/hardgate/libhardgate-preload.so" -a -f "$lp"
	done
fi

echo "# hardgate check on the installed policies"
st=0; hardgate lint >"$tmp/out" 2>&1 || st=$?
check "hardgate lint accepts the installed policy (exit $st)" test "$st" -eq 0
st=0; hardgate check >"$tmp/out" 2>&1 || st=$?
check "hardgate check passes the installed policy (exit $st)" test "$st" -eq 0
st=0; hardgate audit >"$tmp/out" 2>&1 || st=$?
check "hardgate audit passes it too (exit $st)" test "$st" -eq 0

mapfile -d '' audit_cmd < <(execstart /lib/systemd/system hardgate-audit.service 2>"$tmp/parse.err")
st=0; "${audit_cmd[@]}" >"$tmp/out" 2>&1 || st=$?
check "hardgate-audit.service's ExecStart (${audit_cmd[*]}) passes the installed policy (exit $st)" \
	test "${#audit_cmd[@]}" -gt 0 -a "$st" -eq 0
expect_audit_summary=$(tail -n 1 "$tmp/out")
check "... and prints its summary ($expect_audit_summary)" \
	grep -q '^hardgate audit: .* checked, 0 refused, no FAIL$' "$tmp/out"

echo "# pkg-config and the plugin API: examples/hello-server.c"
ex=/usr/share/doc/hardgate/examples/hello-server.c
[ -f "$ex.gz" ] && gunzip -c "$ex.gz" >"$tmp/hello-server.c" || cp "$ex" "$tmp/hello-server.c"
# shellcheck disable=SC2046
check "the installed example server builds with pkg-config --cflags --libs hardgate" \
	cc -Wall -o "$tmp/hello-server" "$tmp/hello-server.c" $(pkg-config --cflags --libs hardgate)
printf 'k\n' >"$tmp/hello.key"
cat >"$hello_policy" <<CONF
services: { hello-server: { stack = (
  { module = "keyfile"; control = "required"; args: { path = "$tmp/hello.key"; mode = "0600"; }; },
  { module = "coredump"; control = "required"; args: { kernel = "off"; }; } ); }; };
CONF
chmod 644 "$hello_policy"
chmod 644 "$tmp/hello.key"
hport=$((20000 + RANDOM % 9000))
st=0; timeout 10 "$tmp/hello-server" "$hport" >"$tmp/out" 2>&1 || st=$?
check "hg_enforce refuses it with a 0644 key: exit 78 (got $st)" test "$st" -eq 78
check "... naming the key and HG-011" grep -q "HG-011 FAIL $tmp/hello.key is mode 0644" "$tmp/out"
chmod 600 "$tmp/hello.key"
"$tmp/hello-server" "$hport" >"$tmp/hello.out" 2>&1 &
hello_pid=$!
got=
for _ in $(seq 50); do
	got=$(/usr/bin/python3 -c 'import socket, sys; print(socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).recv(16).decode().strip())' "$hport" 2>/dev/null) && break
	sleep 0.1
done
check "with a 0600 key it starts and answers on loopback (got '$got')" test "$got" = hello
kill "$hello_pid" 2>/dev/null
wait "$hello_pid" 2>/dev/null
hello_pid=
rm -f "$hello_policy"

# --- redis-server through the installed drop-in ---
echo "# redis-server through the installed drop-in layout"
redis=/usr/bin/redis-server
unit=/lib/systemd/system/redis-server.service
if [ ! -x "$redis" ] || [ ! -f "$unit" ]; then
	echo "# redis-server or its unit not installed: redis part skipped"
else
	mkdir -m 700 "$tmp/redis"
	key=$tmp/redis/tls.key
	printf 'key material\n' >"$key"
	chown redis "$key"	# the example wants it owned by redis
	# the operator's steps: the example policy (key path adjusted), the drop-in
	sed "s|/etc/redis-tls/redis.key|$key|" /usr/share/doc/hardgate/examples/redis.conf >"$ci_policy"
	chmod 644 "$ci_policy"
	mkdir -p "$tmp/system/redis-server.service.d"
	cp "$unit" "$tmp/system/"
	cp /usr/share/doc/hardgate/examples/systemd/redis-server-exec.conf \
		"$tmp/system/redis-server.service.d/hardgate.conf"
	execstart "$tmp/system" redis-server.service >"$tmp/execstart" 2>"$tmp/parse.err"
	if [ -s "$tmp/execstart" ]; then
		ok "the drop-in's ExecStart= replaces the unit's and may run under its NoExecPaths="
	else
		not_ok "parsing the drop-in layout"; show "$tmp/parse.err"
	fi
	mapfile -d '' cmd <"$tmp/execstart"
	check "the command is hardgate exec --service redis -- redis-server" \
		test "${cmd[0]:-} ${cmd[1]:-} ${cmd[2]:-} ${cmd[3]:-}" = "/usr/bin/hardgate exec --service redis"
	# Kept off the host's redis: its port, data, log and pid file are the
	# test's (redis takes options after its config file). Run as root; the
	# unit's User=redis is not applied here.
	port=$((20000 + RANDOM % 9000))
	extra=(--port "$port" --bind 127.0.0.1 --dir "$tmp/redis" --logfile "" --pidfile "$tmp/redis.pid"
		--save "" --appendonly no)

	chmod 644 "$key"
	st=0
	timeout 20 "${cmd[@]}" "${extra[@]}" >"$tmp/refused.out" 2>"$tmp/refused.err" || st=$?
	check "a 0644 key: the drop-in's command is refused with exit 78 (got $st)" test "$st" -eq 78
	if grep -q "HG-011 FAIL $key is mode 0644" "$tmp/refused.err"; then
		ok "the refusal names the key, HG-011 and the fix"
	else
		not_ok "the refusal names the key"; show "$tmp/refused.err"
	fi
	check "redis' own code never ran" sh -c "! grep -q 'Ready to accept' '$tmp/refused.out'"

	chmod 600 "$key"
	"${cmd[@]}" "${extra[@]}" >"$tmp/allowed.out" 2>"$tmp/allowed.err" &
	redis_pid=$!
	up=0
	for _ in $(seq 100); do
		[ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && { up=1; break; }
		sleep 0.1
	done
	if [ "$up" = 1 ]; then
		ok "after chmod 0600 redis starts through the drop-in and answers PING"
	else
		not_ok "redis did not answer within 10 s"; show "$tmp/allowed.err"
	fi
	check "it runs with core dumps off (Max core file size 0)" \
		grep -Eq '^Max core file size +0 +0 ' "/proc/$redis_pid/limits"
	check "the installed preload is mapped in it" grep -q "$libdir/hardgate/libhardgate-preload.so" "/proc/$redis_pid/maps"
	kill "$redis_pid"
	wait "$redis_pid" 2>/dev/null
	redis_pid=
	rm -f "$ci_policy"
fi

# --- removal while /etc/ld.so.preload names the preload ---
echo "# removal refused while /etc/ld.so.preload names the preload"
# Never through the host's file: a line there loads the preload into
# every process on the machine. The test's file is bound over
# /etc/ld.so.preload in a private mount namespace, so only apt-get, dpkg
# and the maintainer scripts under it see the line (and load the preload,
# as they would on such a host). A bind needs a file to cover: if there
# is none, an empty one (it preloads nothing) is there only meanwhile.
preload=$libdir/hardgate/libhardgate-preload.so
ldso_was=$(ldso_state)
[ -e "$ldso" ] || { : >"$ldso" && ldso_made=1; }
printf '# hardgate everywhere\n  %s\n' "$preload" >"$tmp/ldso.listed"
printf '# %s\n' "$preload" >"$tmp/ldso.commented"
ns=0
if with_ldso "$tmp/ldso.listed" true 2>"$tmp/ns.err"; then
	ns=1
else
	echo "# no private mount namespace: the prerm guard is not run"; show "$tmp/ns.err"
fi
if [ "$ns" = 1 ]; then
	check "under the test's file ld.so loads the preload (into grep, here)" \
		with_ldso "$tmp/ldso.listed" grep -qF "$preload" /proc/self/maps
	st=0
	with_ldso "$tmp/ldso.listed" env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq hardgate \
		>"$tmp/remove.log" 2>&1 || st=$?
	check "apt-get remove hardgate fails (exit $st)" test "$st" -ne 0
	guard_refused "$tmp/remove.log" "$preload" "the prerm"
	check "... hardgate stays installed, its preload in place" sh -c \
		"dpkg-query -W -f='\${Status}' hardgate | grep -q ' ok installed\$' && test -f '$preload'"
	st=0
	with_ldso "$tmp/ldso.listed" dpkg --purge hardgate >"$tmp/dpkg-purge.log" 2>&1 || st=$?
	check "dpkg --purge hardgate is refused too (exit $st)" test "$st" -ne 0 -a -f "$preload"
	check "... and leaves the attestation key" test "$(sha256sum "$att/attest.key" 2>/dev/null)" = "$keysum"
	# The installed prerm on an entry after a colon, as ld.so splits them,
	# and on a copy elsewhere (not there: ld.so warns and goes on); both
	# refused, so the script stops before debhelper's part. (Not a
	# symbolic link to the preload: the preload refuses to run from one,
	# HG-009, so every program under it would exit 78.)
	prerm=/var/lib/dpkg/info/hardgate.prerm
	printf '/nonexistent/a.so:%s\n' "$preload" >"$tmp/ldso.colon"
	st=0; with_ldso "$tmp/ldso.colon" sh "$prerm" remove >"$tmp/prerm.log" 2>&1 || st=$?
	check "the prerm finds the preload after a colon (exit $st)" \
		sh -c "test $st -eq 1 && grep -qF '/etc/ld.so.preload line 1: $preload' '$tmp/prerm.log'"
	printf '/opt/hardgate-ci/libhardgate-preload.so\n' >"$tmp/ldso.copy"
	st=0; with_ldso "$tmp/ldso.copy" sh "$prerm" remove >"$tmp/prerm.log" 2>&1 || st=$?
	check "the prerm refuses for a copy of the preload by its name too (exit $st)" \
		sh -c "test $st -eq 1 && grep -qF '/etc/ld.so.preload line 1: /opt/hardgate-ci/libhardgate-preload.so' '$tmp/prerm.log'"
	st=0; with_ldso "$tmp/ldso.listed" sh "$prerm" upgrade >"$tmp/prerm.log" 2>&1 || st=$?
	check "the prerm lets an upgrade through (exit $st)" test "$st" -eq 0
fi

# --- purge: an operator's file is kept, the rest is gone ---
echo "# purge with an operator's file in services.d"
if [ "$ns" = 1 ]; then
	# the preload named only in a comment: ld.so and the guard ignore it
	if with_ldso "$tmp/ldso.commented" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${pkgs[@]}" \
		>"$tmp/purge.log" 2>&1; then
		ok "apt-get purge with the preload in a comment of /etc/ld.so.preload"
	else
		not_ok "apt-get purge"; show "$tmp/purge.log"
	fi
else
	purge_all && ok "apt-get purge" || { not_ok "apt-get purge"; show "$tmp/purge.log"; }
fi
[ "$ldso_made" = 1 ] && rm -f "$ldso" && ldso_made=0
check "/etc/ld.so.preload is as it was" test "$(ldso_state)" = "$ldso_was"
check "the operator's services.d file is kept" test -f "$operator_file"
# Every file and link the packages listed is gone (directories are
# shared with other packages: the ones only hardgate owns are checked below).
while read -r f; do
	[ -d "$f" ] && continue	# also /lib, a link to usr/lib on merged-/usr hosts
	if [ -e "$f" ] || [ -L "$f" ]; then echo "left: $f"; fi
done <"$tmp/files" >"$tmp/left"
check "every file of the packages is gone (dpkg -L before, checked after)" test ! -s "$tmp/left"
[ -s "$tmp/left" ] && show "$tmp/left"
check "dpkg no longer knows the packages" sh -c "! dpkg-query -W -f='\${Status}\n' ${pkgs[*]} 2>/dev/null | grep -q installed"
check "purge removed the attestation key and records (/var/lib/hardgate)" test ! -e /var/lib/hardgate
check "purge removed the filter cache (/var/cache/hardgate)" test ! -e /var/cache/hardgate
check "the audit timer's enable link is gone" test ! -e /etc/systemd/system/timers.target.wants/hardgate-audit.timer

echo "# install again and purge without the operator's file"
rm -f "$operator_file"
rmdir /etc/hardgate/services.d /etc/hardgate 2>/dev/null
# shellcheck disable=SC2046
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(debs "$new_v") >"$tmp/install2.log" 2>&1 &&
	ok "apt-get install of $new_v on a clean host" || { not_ok "reinstall"; show "$tmp/install2.log"; }
if purge_all; then
	ok "apt-get purge"
	installed=0	# only now: a failed purge leaves the cleanup trap to purge
else
	not_ok "apt-get purge"
	show "$tmp/purge.log"
fi
check "/etc/hardgate is gone" test ! -e /etc/hardgate
check "$libdir/hardgate is gone" test ! -e "$libdir/hardgate"
check "/usr/share/doc/hardgate is gone" test ! -e /usr/share/doc/hardgate

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
