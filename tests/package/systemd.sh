#!/bin/bash
# systemd.sh - hardgate's systemd units under a live systemd: boots
# systemd as PID 1 in a container (systemd-nspawn on an overlay of this
# machine's root, its own network namespace with only loopback, its
# writes in a tmpfs), installs the .deb there with dpkg, and then, as an
# operator would, with Debian's redis-server.service:
#  - the exec form drop-in (hardgate exec): a 0644 key, `systemctl start`
#    fails, the unit's main process exited 78, no restart
#    (RestartPreventExitStatus=78), and the journal holds the refusal by
#    field (HARDGATE_SERVICE, HARDGATE_ID, HARDGATE_DECISION...); after
#    chmod 0600 it starts, answers PING and runs with a core limit of 0
#    and the preload mapped;
#  - the same with the light form drop-in (LD_PRELOAD);
#  - hardgate-audit.service passes, and fails (78) on a 0644 key, with
#    and without the documented --prometheus drop-in (its textfile says
#    so); hardgate-audit.timer is enabled by the package and, started,
#    is in `systemctl list-timers`.
# Nothing of this machine is changed: the container's root is an overlay
# whose upper layer is a tmpfs in a private mount namespace.
#
# Needs root, systemd-nspawn (systemd-container), overlayfs, redis-server
# and dpkg-buildpackage (the .deb is built here with build-deb.sh, or
# taken from HG_DEBS=DIR holding hardgate_*.deb and libhardgate0_*.deb).
# Not part of `make check`: bootstrap.sh test runs it. Usage:
#   tests/package/systemd.sh [SRCDIR]
# Exit 0 pass, 1 fail, 77 skip (this machine cannot run the container:
# the reason is printed). Cleans up (stops the container, unmounts) on
# any exit.
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/package/lib.sh
. "$here/lib.sh"
pass=0
fail=0
t0=$SECONDS

[ "$(id -u)" -eq 0 ] || skip "needs root: mounts an overlay and boots a container"
command -v systemd-nspawn >/dev/null || skip "systemd-nspawn missing (apt-get install systemd-container)"
[ -x /lib/systemd/systemd ] || skip "/lib/systemd/systemd missing: systemd is not installed"
command -v nsenter >/dev/null || skip "nsenter missing (util-linux)"
for f in /usr/bin/redis-server /usr/bin/redis-cli /lib/systemd/system/redis-server.service; do
	[ -e "$f" ] || skip "$f missing (apt-get install redis-server redis-tools)"
done
if [ -z "${HG_DEBS:-}" ]; then
	command -v dpkg-buildpackage >/dev/null || skip "dpkg-buildpackage missing (apt-get install dpkg-dev debhelper)"
fi
# The container's root is an overlay of / alone: a separate /usr, /etc or
# /var would be empty in it.
for d in /usr /etc /var; do
	mountpoint -q "$d" && skip "$d is a separate mount: an overlay of / would not hold it"
done
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
	skip "this kernel has no overlayfs (modprobe overlay failed)"

# Everything below runs in a mount namespace of its own: the overlay and
# its tmpfs are gone with the script, whatever happens to it.
if [ "${HG_SYSTEMD_SH_NS:-}" != 1 ]; then
	unshare --mount --propagation private true 2>/dev/null ||
		skip "unshare --mount fails here: no private mount namespace"
	HG_SYSTEMD_SH_NS=1 exec unshare --mount --propagation private bash "$0" "$src"
fi

tmp=$(mktemp -d /tmp/hg-systemd.XXXXXX)
machine=hg-systemd-$$
nspawn_pid=
leader=
mounted=

cleanup() {
	set +e
	if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
		kill -TERM "$nspawn_pid"	# nspawn asks the container's systemd to power off
		for _ in $(seq 100); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$nspawn_pid" 2>/dev/null
	fi
	# PID 1 of the container: killing it ends every process in it.
	[ -n "$leader" ] && kill -KILL "$leader" 2>/dev/null
	[ -n "$nspawn_pid" ] && wait "$nspawn_pid" 2>/dev/null
	rmdir "/run/systemd/nspawn/propagate/$machine" 2>/dev/null
	if [ -n "$mounted" ]; then
		umount "$tmp/root" 2>/dev/null || umount -l "$tmp/root"
		umount "$tmp" 2>/dev/null || umount -l "$tmp"
	fi
	# Never rm -r a tree that may still be mounted: it is empty now.
	rmdir "$tmp" 2>/dev/null || echo "# left $tmp (still mounted?)" >&2
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

mount -t tmpfs -o mode=0755,size=2g hg-systemd "$tmp"
mounted=1
mkdir "$tmp/upper" "$tmp/work" "$tmp/root" "$tmp/debs"
root=$tmp/root

# --- the .deb ---
if [ -n "${HG_DEBS:-}" ]; then
	cp "$HG_DEBS"/hardgate_*.deb "$HG_DEBS"/libhardgate0_*.deb "$tmp/debs/"
	echo "# using the packages in $HG_DEBS"
else
	echo "# building the .deb (nocheck)"
	if DEB_BUILD_OPTIONS="nocheck parallel=2" "$src/packaging/build-deb.sh" --out "$tmp/debs" \
		>"$tmp/build.log" 2>&1; then
		ok "build-deb.sh builds the packages ($((SECONDS - t0)) s)"
	else
		not_ok "build-deb.sh"; tail -40 "$tmp/build.log" | show /dev/stdin; exit 1
	fi
fi

# --- the container's root: this machine's, its writes in the tmpfs ---
mount -t overlay -o "lowerdir=/,upperdir=$tmp/upper,workdir=$tmp/work" hg-systemd-root "$root" ||
	skip "an overlay of / (upper layer in a tmpfs) cannot be mounted here"
# Its own machine id (journald refuses to share the host's), no hardgate
# or redis set-up of the host's, the packages under test at hand.
tr -d - </proc/sys/kernel/random/uuid >"$root/etc/machine-id"
rm -rf "$root/etc/redis-tls" "$root/etc/systemd/system/redis-server.service.d" \
	"$root/etc/systemd/system/hardgate-audit.service.d" "$root/var/lib/prometheus/node-exporter/hardgate.prom"
mkdir -p "$root/root/hg-debs"
cp "$tmp/debs"/hardgate_*.deb "$tmp/debs"/libhardgate0_*.deb "$root/root/hg-debs/"

# --- boot ---
# basic.target: systemd, journald and what timers.target pulls in, none of
# this machine's services (multi-user.target). --keep-unit and
# --register=no: no systemd or machined needed on this side.
nspawn=(systemd-nspawn -q -D "$root" -M "$machine" --register=no --keep-unit --link-journal=no
	--private-network --console=pipe)
# Whether this machine can run a container at all (namespaces, cgroups,
# the overlay as a root): the one failure that is a skip, not a fail.
if ! "${nspawn[@]}" /bin/true </dev/null >"$tmp/nspawn.log" 2>&1; then
	echo "# systemd-nspawn ... /bin/true failed:" >&2
	show "$tmp/nspawn.log" >&2
	skip "systemd-nspawn cannot start a container on this machine (output above)"
fi
echo "# booting systemd in the container $machine"
tb=$SECONDS
"${nspawn[@]}" -b -- --unit=basic.target </dev/null >"$tmp/nspawn.log" 2>&1 &
nspawn_pid=$!

in_ct() {
	nsenter -t "$leader" -m -u -i -n -p -- /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		LANG=C.UTF-8 SYSTEMD_PAGER= SYSTEMD_COLORS=0 "$@"
}

state=
for _ in $(seq 300); do
	if ! kill -0 "$nspawn_pid" 2>/dev/null; then
		not_ok "systemd-nspawn -b exited before systemd answered"
		show "$tmp/nspawn.log"
		exit 1
	fi
	if [ -z "$leader" ]; then
		# nspawn's child, once it is the container's systemd
		leader=$(ps -o pid= --ppid "$nspawn_pid" 2>/dev/null | tr -d ' ' | head -n 1) || true
		[ -n "$leader" ] && [ "$(cat "/proc/$leader/comm" 2>/dev/null)" != systemd ] && leader=
	else
		state=$(in_ct systemctl is-system-running 2>/dev/null) || true
		case $state in '' | offline) ;; *) break ;; esac
	fi
	sleep 0.1
done
case $state in '' | offline) not_ok "systemd in the container answers within 30 s"; show "$tmp/nspawn.log"; exit 1 ;; esac
state=$(timeout 60 nsenter -t "$leader" -m -u -i -n -p -- systemctl is-system-running --wait 2>&1) || true
# degraded: a unit of this machine's failed in the container (listed);
# hardgate's units are not installed yet.
check "systemd boots as PID 1 in the container: $(in_ct cat /proc/1/comm) $state ($((SECONDS - tb)) s)" \
	test "$(in_ct cat /proc/1/comm)/${state/degraded/running}" = systemd/running
[ "$state" = running ] || in_ct systemctl --failed --no-legend | show /dev/stdin

# --- install the package: its maintainer scripts under a live systemd ---
# The overlay shows this machine's dpkg database as it was: a hardgate
# installed here (deb.sh running) is purged in the container first, so
# its conffiles come from the package under test.
# shellcheck disable=SC2016
known=$(in_ct dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' hardgate libhardgate0 libhardgate-dev 2>/dev/null |
	awk '$1 != "un" { printf "%s ", $2 }') || true
if [ -n "$known" ]; then
	echo "# this machine's dpkg knows ${known% }: purged in the container first"
	# shellcheck disable=SC2086
	in_ct dpkg --purge $known >"$tmp/dpkg.log" 2>&1 || { not_ok "dpkg --purge $known in the container"; show "$tmp/dpkg.log"; exit 1; }
fi
in_ct rm -rf /etc/hardgate /var/lib/hardgate /var/cache/hardgate
if in_ct sh -c 'dpkg -i /root/hg-debs/*.deb' >"$tmp/dpkg.log" 2>&1; then
	ok "dpkg -i installs $(cd "$root/root/hg-debs" && echo *.deb) in the container"
else
	not_ok "dpkg -i in the container"; show "$tmp/dpkg.log"; exit 1
fi
check "the package enabled hardgate-audit.timer" \
	test "$(in_ct systemctl is-enabled hardgate-audit.timer 2>&1)" = enabled
check "... and started nothing (the timer is inactive until boot)" \
	test "$(in_ct systemctl is-active hardgate-audit.timer 2>&1)" = inactive

# unit_is UNIT PROP=VALUE...: every property of UNIT has its value;
# prints the properties that differ.
unit_is() {
	local u=$1 p got bad=0
	shift
	for p in "$@"; do
		got=$(in_ct systemctl show -p "${p%%=*}" "$u")
		[ "$got" = "$p" ] || { echo "    | $u: want $p, got $got"; bad=1; }
	done
	return $bad
}

# journal_cursor: the cursor of the journal's newest entry.
journal_cursor() {
	in_ct journalctl -q -n 1 -o export | sed -n 's/^__CURSOR=//p'
}

# journal_has CURSOR FIELD=VALUE...: an entry after CURSOR has every
# FIELD=VALUE (FIELD~TEXT: its value contains TEXT); waits up to 5 s for
# journald. On failure prints the hardgate entries it saw.
journal_has() {
	local cur=$1
	shift
	for _ in $(seq 50); do
		in_ct journalctl -q --after-cursor="$cur" -o json >"$tmp/journal.json" 2>&1 || true
		/usr/bin/python3 - "$tmp/journal.json" "$@" <<'PY' && return 0
import json, sys
want = sys.argv[2:]
def match(e, w):
    if "~" in w.split("=", 1)[0]:
        k, v = w.split("~", 1)
        return isinstance(e.get(k), str) and v in e[k]
    k, v = w.split("=", 1)
    return e.get(k) == v
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if all(match(e, w) for w in want):
        sys.exit(0)
sys.exit(1)
PY
		sleep 0.1
	done
	echo "    | no journal entry with: $*; hardgate's entries:"
	/usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1]):
    try: e = json.loads(line)
    except ValueError: continue
    if e.get("SYSLOG_IDENTIFIER") == "hardgate" or "hardgate" in str(e.get("MESSAGE")):
        print("    |   " + " ".join("%s=%s" % (k, v) for k, v in sorted(e.items())
            if k.startswith("HARDGATE_") or k in ("MESSAGE", "_PID", "_SYSTEMD_UNIT")))
' "$tmp/journal.json"
	return 1
}

# --- redis-server.service with the drop-ins ---
key=/etc/redis-tls/redis.key
in_ct sh -c "install -d -m 0755 /etc/redis-tls && printf 'key material\n' >$key &&
	chown redis:redis $key && install -m 0644 /usr/share/doc/hardgate/examples/redis.conf \
	/etc/hardgate/services.d/redis.conf && install -d /etc/systemd/system/redis-server.service.d"

# So that the core limit of 0 can only be hardgate's: systemd's default
# soft limit is 0 already.
in_ct sh -c "printf '[Service]\nLimitCORE=infinity\n' >/etc/systemd/system/redis-server.service.d/zz-ci-core.conf"
redis_exe=$(in_ct readlink -f /usr/bin/redis-server)
redis_log=$(in_ct sed -n 's/^logfile //p' /etc/redis/redis.conf)

# ready_count: how often redis-server logged that it is ready (the
# logfile of Debian's /etc/redis/redis.conf).
ready_count() {
	local n
	n=$(in_ct grep -c 'Ready to accept' "$redis_log" 2>/dev/null) || true
	echo "${n:-0}"
}

# probe_refused RESTARTS BURST: the light form's probe refused the start
# (exit 78), no main process ran, the retries stopped at the start limit.
probe_refused() {
	unit_is redis-server ActiveState=failed ExecMainPID=0 || return 1
	in_ct systemctl show -p ExecStartPre --value redis-server | grep -q ' status=78 ' ||
		{ echo "    | the probe's last exit: $(in_ct systemctl show -p ExecStartPre --value redis-server)"; return 1; }
	[ "$1" -le "$2" ]
}

# redis_form FORM (exec or preload): the example drop-in of that form as
# the operator installs it; refused with a 0644 key, started with 0600.
redis_form() {
	local form=$1 cur st pid pong probe burst restarts
	echo "# redis-server.service with the $form form drop-in"
	in_ct systemctl stop redis-server 2>/dev/null || true
	in_ct systemctl reset-failed redis-server 2>/dev/null || true
	in_ct install -m 0644 "/usr/share/doc/hardgate/examples/systemd/redis-server-$form.conf" \
		/etc/systemd/system/redis-server.service.d/hardgate.conf
	in_ct systemctl daemon-reload
	# The light form's probe, if it has one (ExecStartPre=hardgate check).
	probe=$(in_ct systemctl show -p ExecStartPre --value redis-server | grep -o 'hardgate check[^;]*' || true)
	[ -z "$probe" ] || echo "# $form form: ExecStartPre=$probe"
	check "... the unit allows core dumps (LimitCORE=infinity): core 0 is hardgate's doing" \
		unit_is redis-server LimitCORE=infinity LimitCORESoft=infinity

	in_ct chmod 0644 "$key"
	cur=$(journal_cursor)
	ready=$(ready_count)
	st=0
	in_ct timeout 60 systemctl start redis-server >"$tmp/start.out" 2>&1 || st=$?
	check "$form form, key 0644: systemctl start redis-server fails (exit $st)" test "$st" -ne 0
	if [ -z "$probe" ]; then
		sleep 1	# a restart would come RestartSec=100ms after the exit
		check "... the main process exited 78 and the unit is failed, not restarted" \
			unit_is redis-server ActiveState=failed Result=exit-code ExecMainCode=1 ExecMainStatus=78 NRestarts=0
		pid=$(in_ct systemctl show -p ExecMainPID --value redis-server)
	else
		# RestartPreventExitStatus= is judged on the main process only:
		# systemd restarts after a failed ExecStartPre= (Restart=always
		# in Debian's unit) until the start limit stops it.
		for _ in $(seq 150); do
			[ "$(in_ct systemctl show -p ActiveState --value redis-server)" = activating ] || break
			sleep 0.1
		done
		burst=$(in_ct systemctl show -p StartLimitBurst --value redis-server)
		restarts=$(in_ct systemctl show -p NRestarts --value redis-server)
		check "... the probe (ExecStartPre=) exited 78, redis never started: retried $restarts times (StartLimitBurst=$burst), then failed ($(in_ct systemctl show -p Result --value redis-server))" \
			probe_refused "$restarts" "$burst"
		pid=$(in_ct systemctl show -p ExecStartPre --value redis-server | sed -n 's/.* pid=\([0-9]*\) .*/\1/p')
		# the operator's fix is not judged by the start limit of the refusals
		in_ct systemctl reset-failed redis-server
	fi
	# The entries are the refusing process' (_PID): journald adds
	# _SYSTEMD_UNIT only if the sender still lives when it reads the
	# entry, and a refused process exits at once.
	check "... the journal has the finding by field (HARDGATE_SERVICE=redis HARDGATE_ID=HG-011 ...)" \
		journal_has "$cur" SYSLOG_IDENTIFIER=hardgate _PID="$pid" \
		HARDGATE_SERVICE=redis HARDGATE_ID=HG-011 HARDGATE_DECISION=refused HARDGATE_SEVERITY=FAIL \
		HARDGATE_MODULE=keyfile HARDGATE_WHERE=$key "HARDGATE_FIX~chmod 0600 $key"
	check "... and the decision (HARDGATE_DECISION=refused HARDGATE_STATUS=78)" \
		journal_has "$cur" SYSLOG_IDENTIFIER=hardgate _PID="$pid" \
		HARDGATE_SERVICE=redis HARDGATE_DECISION=refused HARDGATE_STATUS=78
	check "... redis' own code never ran (its log has no new 'Ready to accept': still $ready)" \
		test "$(ready_count)" -eq "$ready"

	in_ct chmod 0600 "$key"
	cur=$(journal_cursor)
	st=0
	in_ct timeout 60 systemctl start redis-server >"$tmp/start.out" 2>&1 || st=$?
	if [ "$st" -eq 0 ]; then
		ok "$form form, key 0600: systemctl start redis-server succeeds"
	else
		not_ok "$form form, key 0600: systemctl start redis-server (exit $st)"
		in_ct journalctl -q --after-cursor="$cur" -u redis-server --no-pager | show /dev/stdin
	fi
	check "... the unit is active (running)" unit_is redis-server ActiveState=active SubState=running
	pid=$(in_ct systemctl show -p MainPID --value redis-server)
	pong=
	for _ in $(seq 50); do
		pong=$(in_ct redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null) && [ "$pong" = PONG ] && break
		sleep 0.1
	done
	check "... it answers PING on the container's loopback (got '$pong')" test "$pong" = PONG
	check "... its log says 'Ready to accept' once more ($(ready_count))" test "$(ready_count)" -eq $((ready + 1))
	check "... its main process ($pid) is redis-server itself, as user redis" \
		test "$(in_ct readlink "/proc/$pid/exe")/$(in_ct stat -c %U "/proc/$pid")" = "$redis_exe/redis"
	check "... with core dumps off (Max core file size 0 0; the unit's LimitCORE=infinity)" \
		in_ct grep -Eq '^Max core file size +0 +0 ' "/proc/$pid/limits"
	# A process that is not dumpable has its /proc files owned by root.
	check "... and not dumpable (/proc/$pid/status is root's)" \
		test "$(in_ct stat -c %U "/proc/$pid/status")" = root
	check "... and hardgate's preload mapped" in_ct grep -q '/hardgate/libhardgate-preload.so$' "/proc/$pid/maps"
	check "... the journal has the decision (HARDGATE_DECISION=allowed HARDGATE_STATUS=0)" \
		journal_has "$cur" SYSLOG_IDENTIFIER=hardgate _PID="$pid" _SYSTEMD_UNIT=redis-server.service \
		HARDGATE_SERVICE=redis HARDGATE_DECISION=allowed HARDGATE_STATUS=0
	in_ct systemctl stop redis-server
}
tr0=$SECONDS
redis_form exec
redis_form preload
echo "# redis: $((SECONDS - tr0)) s"

# --- hardgate-audit.service and .timer ---
echo "# hardgate-audit.service and hardgate-audit.timer"
in_ct rm -f /etc/systemd/system/redis-server.service.d/hardgate.conf
# The timer first, while the audit has never run: started, it waits for
# its next elapse (Persistent=true without a stamp does not fire at once).
in_ct systemctl start hardgate-audit.timer
in_ct systemctl list-timers --all --no-legend hardgate-audit.timer >"$tmp/timers" 2>&1 || true
check "systemctl start hardgate-audit.timer: list-timers shows it, activating hardgate-audit.service" \
	grep -Eq 'hardgate-audit\.timer +hardgate-audit\.service' "$tmp/timers"
show "$tmp/timers"
sleep 1
check "... it is active, waiting, and has not run the audit yet" \
	unit_is hardgate-audit.timer ActiveState=active SubState=waiting
check "... (hardgate-audit.service never started)" \
	unit_is hardgate-audit.service ExecMainStartTimestampMonotonic=0
# audit_run WANT-EXIT WHAT: start the audit unit, check its result.
audit_run() {
	local want=$1 what=$2 st=0 res=success
	[ "$want" -eq 0 ] || res=exit-code
	in_ct systemctl reset-failed hardgate-audit.service 2>/dev/null || true
	cur=$(journal_cursor)
	in_ct timeout 60 systemctl start hardgate-audit.service >"$tmp/start.out" 2>&1 || st=$?
	check "$what: systemctl start hardgate-audit.service $([ "$want" -eq 0 ] && echo succeeds || echo fails) (exit $st)" \
		test "$st" -eq 0 -a "$want" -eq 0 -o "$st" -ne 0 -a "$want" -ne 0
	check "... Result=$res ExecMainStatus=$want" \
		unit_is hardgate-audit.service Result=$res ExecMainStatus="$want"
}
in_ct chmod 0600 "$key"
audit_run 0 "key 0600"
check "... its summary is in the journal (no FAIL)" \
	journal_has "$cur" _PID="$(in_ct systemctl show -p ExecMainPID --value hardgate-audit.service)" \
	"MESSAGE~checked, 0 refused, no FAIL"
in_ct chmod 0644 "$key"
audit_run 78 "key 0644"
check "... the finding is in the journal (HG-011 FAIL $key)" \
	journal_has "$cur" _PID="$(in_ct systemctl show -p ExecMainPID --value hardgate-audit.service)" \
	"MESSAGE~HG-011 FAIL $key is mode 0644"

# The textfile drop-in, as hardgate-audit.service's header describes it.
prom=/var/lib/prometheus/node-exporter/hardgate.prom
in_ct sh -c "install -d /var/lib/prometheus/node-exporter /etc/systemd/system/hardgate-audit.service.d &&
	printf '[Service]\nExecStart=\nExecStart=/usr/bin/hardgate audit --prometheus $prom\n' \
	>/etc/systemd/system/hardgate-audit.service.d/prometheus.conf && systemctl daemon-reload"
audit_run 78 "--prometheus drop-in, key 0644"
check "... it wrote $prom: hardgate_audit_failed 1, redis not allowed" \
	in_ct sh -c "grep -qx 'hardgate_audit_failed 1' $prom && grep -qx 'hardgate_service_allowed{service=\"redis\"} 0' $prom"
in_ct chmod 0600 "$key"
audit_run 0 "--prometheus drop-in, key 0600"
check "... it rewrote $prom: hardgate_audit_failed 0, redis allowed, mode 0644" \
	in_ct sh -c "grep -qx 'hardgate_audit_failed 0' $prom && grep -qx 'hardgate_service_allowed{service=\"redis\"} 1' $prom &&
		test \"\$(stat -c %a $prom)\" = 644"


echo "# total $((SECONDS - t0)) s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
