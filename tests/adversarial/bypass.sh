#!/bin/bash
# bypass.sh - known ways around a runtime control, each shown stopped, or
# shown not stopped, by a named layer (README.md has the table; the rows
# covered elsewhere point at their tests).
. "$(dirname "$0")/../integration/lib.sh" || exit 1
command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
getent passwd nobody >/dev/null || skip "needs the nobody account"
hg=$HG_CLI
here=$(cd "$(dirname "$0")" && pwd)
groups=$HG_SRCDIR/modules/seccomp/seccomp.groups
nobody=$(id -u nobody)
mkdir -m 777 "$tmp/w"	# where the protected programs (uid nobody) write

# The service runs as nobody with no_new_privs, no core dumps, and a
# seccomp filter refusing the @mount group with EPERM.
{
	policy_head
	cat <<CONF
services: {
  svc: { stack = (
    { module = "privs";    control = "required"; args: { user = "nobody"; }; },
    { module = "coredump"; control = "required"; args: { kernel = "off"; }; },
    { module = "seccomp";  control = "required";
      args: { deny = [ "@mount" ]; action = "errno:EPERM"; groups_file = "$groups"; }; } ); };
};
CONF
} | write_policy "$tmp/hardgate.conf"
conf=$tmp/hardgate.conf

echo "# a preload the service's user cannot read (ld.so would skip it and run the program)"
mkdir -m 755 "$tmp/lib"
install -m 0600 "$HG_PRELOAD_TEST" "$tmp/lib/private.so"
install -m 0644 "$HG_PRELOAD_TEST" "$tmp/lib/public.so"
# shellcheck disable=SC2016 # $1 is the inner shell's
expect_status 78 "exec refuses a preload only root may read (0600) for a service run as nobody" \
	"$hg" exec --conf "$conf" --service svc --preload "$tmp/lib/private.so" -- \
	/bin/sh -c 'echo ran >"$1"' sh "$tmp/w/private"
expect_out "HG-008 FAIL .*uid $nobody cannot read the preload" "the refusal names HG-008 and the uid"
check "the program did not run" test ! -e "$tmp/w/private"
# shellcheck disable=SC2016
expect_status 0 "the same preload at 0644 runs the program" \
	"$hg" exec --conf "$conf" --service svc --preload "$tmp/lib/public.so" -- \
	/bin/sh -c 'echo ran >"$1"' sh "$tmp/w/public"
check "the program ran" test -e "$tmp/w/public"

echo "# a preload path with a space or colon (ld.so splits LD_PRELOAD there and skips the pieces)"
for d in "sp ace" "co:lon"; do
	mkdir -m 755 "$tmp/lib/$d"
	install -m 0644 "$HG_PRELOAD_TEST" "$tmp/lib/$d/p.so"
	# shellcheck disable=SC2016
	expect_status 78 "exec refuses the preload at '$d/p.so' (dlopen loads it, ld.so would not)" \
		"$hg" exec --conf "$conf" --service svc --preload "$tmp/lib/$d/p.so" -- \
		/bin/sh -c 'echo ran >"$1"' sh "$tmp/w/split"
	expect_out "HG-008 FAIL .*has a space or colon" "the refusal names HG-008 and the split"
	check "the program did not run" test ! -e "$tmp/w/split"
done

echo "# a root-owned library that is not hardgate's preload (ld.so would load it, protecting nothing)"
install -m 0644 "$HG_MODULE_DIR_TEST/hardgate_coredump.so" "$tmp/lib/other.so"
# shellcheck disable=SC2016
expect_status 78 "exec refuses a loadable .so without the preload's mark" \
	"$hg" exec --conf "$conf" --service svc --preload "$tmp/lib/other.so" -- \
	/bin/sh -c 'echo ran >"$1"' sh "$tmp/w/other"
expect_out "HG-008 FAIL $(re "$tmp/lib/other.so") is not hardgate's preload" "the refusal names HG-008 and the file"
check "the program did not run" test ! -e "$tmp/w/other"

echo "# the preload inside hardgate itself (a light drop-in's ExecStartPre= inherits LD_PRELOAD)"
{
	policy_head
	cat <<CONF
services: { deny: { stack = ( { module = "keyfile"; control = "required"; args: { path = "$tmp/no-such.key"; }; } ); }; };
CONF
} | write_policy "$tmp/deny.conf"
expect_status 78 "control: the preload refuses a program for a service whose stack denies" \
	env LD_PRELOAD="$tmp/lib/public.so" HARDGATE_CONF="$tmp/deny.conf" HARDGATE_SERVICE=deny /bin/true
expect_status 0 "the same environment does not run the stack inside hardgate" \
	env LD_PRELOAD="$tmp/lib/public.so" HARDGATE_CONF="$tmp/deny.conf" HARDGATE_SERVICE=deny \
	"$hg" explain HG-008
expect_no_out "HG-011" "... and nothing of the service's stack ran"
# A library exporting hardgate's mark must not switch the preload off: only
# the program's own export counts.
if printf 'const char hg_cli_mark[] = "x";\n' >"$tmp/mark.c" &&
	${CC:-cc} -shared -fPIC -o "$tmp/lib/mark.so" "$tmp/mark.c" 2>"$tmp/cc.err"; then
	chmod 644 "$tmp/lib/mark.so"
	expect_status 78 "a library exporting hg_cli_mark beside the preload does not disarm it" \
		env LD_PRELOAD="$tmp/lib/public.so $tmp/lib/mark.so" HARDGATE_CONF="$tmp/deny.conf" \
		HARDGATE_SERVICE=deny /bin/true
	expect_out "HG-011" "... the service's stack ran and refused"
else
	not_ok "cannot build the test library: $(head -1 "$tmp/cc.err")"
fi

echo "# the light systemd drop-in (Environment=LD_PRELOAD=) with a bad preload: its ExecStartPre= refuses"
# unit_start DIR UNIT HARDGATE PRELOAD [--no-pre]: start UNIT as systemd
# would: the unit, then its drop-ins (UNIT.d/*.conf) in name order, their
# Environment= (an empty one resets), then every ExecStartPre= in order,
# stopping at the first failure (unless its '-' prefix ignores it), then
# ExecStart=. The installed paths are the test's: an Exec line's hardgate
# runs as HARDGATE, LD_PRELOAD's libhardgate-preload.so is PRELOAD. The
# unit's User= is the caller's (run it under setpriv). Exit status: the
# failing line's, or ExecStart's. --no-pre skips ExecStartPre= (what the
# light form was before it had one).
unit_start() {
	/usr/bin/python3 - "$@" <<'PY'
import os, subprocess, sys
sys.path.insert(0, os.path.join(os.environ["HG_SRCDIR"], "tests"))
import unitfile
d, name, hg, preload = sys.argv[1:5]
nopre = "--no-pre" in sys.argv[5:]
u = unitfile.service(d, name)
env, pre, start = u["Environment"], u["ExecStartPre"], u["ExecStart"]
if len(start) != 1:
    sys.exit("want exactly one ExecStart=, got %r" % start)
objs = env.get("LD_PRELOAD", "").replace(":", " ").split()
if not any(os.path.basename(o) == "libhardgate-preload.so" for o in objs):
    sys.exit("LD_PRELOAD=%r names no libhardgate-preload.so" % env.get("LD_PRELOAD"))
env["LD_PRELOAD"] = " ".join(preload if os.path.basename(o) == "libhardgate-preload.so" else o
                             for o in objs)
env["PATH"] = "/usr/local/bin:/usr/bin:/bin"
env.update((k, v) for k, v in os.environ.items() if k.endswith("SAN_OPTIONS"))
def run(what, line):
    argv = unitfile.argv(line)
    if os.path.basename(argv[0]) == "hardgate":
        argv[0] = hg
    sys.stdout.flush()
    st = subprocess.call(argv, env=env)
    print("# %s=%s: exit %d" % (what, line, st))
    return 0 if unitfile.ignores_failure(line) else st
hgpre = [l for l in pre if os.path.basename(unitfile.argv(l)[0]) == "hardgate"]
if not nopre and not hgpre:
    sys.exit("no ExecStartPre= runs hardgate: the light form fails open")
for line in [] if nopre else pre:
    st = run("ExecStartPre", line)
    if st != 0:
        print("# the unit failed: ExecStart= not run")
        sys.exit(st)
sys.exit(run("ExecStart", start[0]))
PY
}
dropin=$HG_BUILDDIR/packaging/systemd/redis-server-preload.conf
[ -f "$dropin" ] || { echo "$dropin is not built: run through make check" >&2; exit 1; }
ngid=$(id -g nobody)
as_nobody() { setpriv --reuid="$nobody" --regid="$ngid" --clear-groups "$@"; }
ld=$tmp/light
mkdir -m 755 "$ld" "$ld/system" "$ld/system/light.service.d" "$ld/plib" "$ld/gw"
chmod 775 "$ld/gw"	# group-writable directory
install -m 0600 /dev/null "$ld/redis.key"
install -m 0600 -o "$nobody" /dev/null "$ld/decisions.jsonl"	# the unit's user records
{
	policy_head "$ld/decisions.jsonl"
	cat <<CONF
services: { redis: { stack = (
    { module = "coredump"; control = "required"; args: { kernel = "off"; }; },
    { module = "keyfile";  control = "required"; args: { path = "$ld/redis.key"; mode = "0600"; }; } ); }; };
CONF
} | write_policy "$ld/light.conf"
# the unit (User=nobody: unit_start runs as_nobody), the built drop-in, and the policy's path
printf '#!/bin/sh\n{ echo ran; ulimit -c; grep -c libhardgate-preload /proc/self/maps; } >>%s/w/main\nexit 0\n' \
	"$tmp" >"$ld/main.sh"
chmod 0755 "$ld/main.sh"
printf '[Service]\nUser=nobody\nExecStart=%s\n' "$ld/main.sh" >"$ld/system/light.service"
cp "$dropin" "$ld/system/light.service.d/hardgate.conf"
printf '[Service]\nEnvironment=HARDGATE_CONF=%s\n' "$ld/light.conf" >"$ld/system/light.service.d/zz-conf.conf"
pre=$ld/plib/libhardgate-preload.so
start_light() { rm -f "$tmp/w/main"; expect_status "$1" "$2" as_nobody bash -c "$(declare -f unit_start); unit_start \"\$@\"" \
	unit_start "$ld/system" light.service "$hg" "${3:-$pre}" ${4:+"$4"}; }

check "the drop-in has the probe: ExecStartPre=.../hardgate check --service redis --preload-from-env" \
	grep -Eq '^ExecStartPre=/[^ ]*/hardgate check --service redis --preload-from-env$' "$dropin"
start_light 0 "control: without the probe, ld.so runs the main command with a missing preload (fails open)" "$pre" --no-pre
expect_out "cannot be preloaded" "... after a warning from ld.so"
check "... and the main command ran unprotected (no preload in its maps)" \
	test "$(sed -n 3p "$tmp/w/main" 2>/dev/null)" = 0

start_light 78 "preload missing: the drop-in's ExecStartPre= refuses the start"
expect_out "HG-008 FAIL $(re "$pre"): No such file or directory \(in LD_PRELOAD: .*fix: reinstall hardgate" \
	"... naming the file and the fix"
check "... and the main command did not run" test ! -e "$tmp/w/main"
expect_grep '"stage":"check".*"id":"HG-008"' "$ld/decisions.jsonl" "... and the refusal is in the decision log"

install -m 0600 "$HG_PRELOAD_TEST" "$pre"
start_light 78 "preload unreadable by the unit's user (root's 0600): ExecStartPre= refuses"
expect_out "HG-008 FAIL $(re "$pre"): Permission denied" "... naming the file"
check "... and the main command did not run" test ! -e "$tmp/w/main"

install -m 0664 "$HG_PRELOAD_TEST" "$pre"
start_light 78 "preload group-writable (0664): ExecStartPre= refuses"
expect_out "HG-008 FAIL $(re "$pre") is mode 0664, group/world-writable.*fix: chmod 0644" "... naming the file and the fix"
check "... and the main command did not run" test ! -e "$tmp/w/main"

install -m 0644 -o "$nobody" "$HG_PRELOAD_TEST" "$pre"
start_light 78 "preload owned by the unit's user, not root: ExecStartPre= refuses"
expect_out "HG-008 FAIL $(re "$pre") is owned by uid $nobody, must be owned by root" "... naming the owner"
check "... and the main command did not run" test ! -e "$tmp/w/main"

install -m 0644 "$HG_PRELOAD_TEST" "$ld/gw/libhardgate-preload.so"
start_light 78 "preload in a group-writable directory: ExecStartPre= refuses" "$ld/gw/libhardgate-preload.so"
expect_out "HG-008 FAIL .*directory $(re "$ld/gw") is mode 0775.*fix: chmod go-w" "... naming the directory and the fix"
check "... and the main command did not run" test ! -e "$tmp/w/main"

install -m 0644 "$HG_MODULE_DIR_TEST/hardgate_coredump.so" "$pre"
start_light 78 "a root-owned library that is not hardgate's preload: ExecStartPre= refuses"
expect_out "HG-008 FAIL LD_PRELOAD=$(re "$pre") names no hardgate preload" "... naming LD_PRELOAD"
check "... and the main command did not run" test ! -e "$tmp/w/main"

install -m 0644 "$HG_PRELOAD_TEST" "$pre"
chmod 0644 "$ld/redis.key"
start_light 78 "the real preload, a key the policy refuses (0644): the main process exits 78 before main"
expect_out "^# ExecStartPre=.*: exit 0$" "... the probe judged the preload only, and passed"
expect_out "^# ExecStart=.*: exit 78$" "... the refusal is the main process' (RestartPreventExitStatus=78 applies)"
expect_out "HG-011 FAIL $(re "$ld/redis.key") is mode 0644" "... with the stack's finding"
check "... and the main command did not run" test ! -e "$tmp/w/main"

chmod 0600 "$ld/redis.key"
start_light 0 "the real preload and a good key: the probe passes and the main command runs"
check "... with the preload mapped in it" test "$(sed -n 3p "$tmp/w/main" 2>/dev/null)" -ge 1
check "... and its controls applied (core limit 0)" test "$(sed -n 2p "$tmp/w/main" 2>/dev/null)" = 0

# the probe on its own: what systemd cannot get wrong, the operator can
expect_status 64 "check --preload-from-env without --service is a usage error" "$hg" check --preload-from-env
expect_status 78 "an empty LD_PRELOAD is refused" \
	env LD_PRELOAD=" : " HARDGATE_CONF="$ld/light.conf" "$hg" check --service redis --preload-from-env
expect_out "HG-008 FAIL LD_PRELOAD names no object" "... naming LD_PRELOAD"
write_policy "$ld/broken.conf" <<<'services: { redis: { stack = ( ); }; };'
expect_status 78 "a bad preload and a policy that does not load: refused" \
	env LD_PRELOAD=" : " HARDGATE_SERVICE=redis HARDGATE_CONF="$ld/broken.conf" \
	"$hg" check --service redis --preload-from-env
expect_out "HG-008 FAIL LD_PRELOAD names no object" "... naming the preload's fault beside the policy's"
expect_status 78 "a preload named without a path (ld.so searches for it) is refused" \
	env LD_PRELOAD="libhardgate-preload.so" HARDGATE_CONF="$ld/light.conf" \
	"$hg" check --service redis --preload-from-env
expect_out "HG-008 FAIL libhardgate-preload.so in LD_PRELOAD is not an absolute path" "... naming the object"
install -m 0644 "$HG_MODULE_DIR_TEST/hardgate_coredump.so" "$ld/plib/other.so"
expect_status 0 "the preload beside another trusted library passes" \
	env LD_PRELOAD="$pre:$ld/plib/other.so" HARDGATE_SERVICE=redis HARDGATE_CONF="$ld/light.conf" \
	"$hg" check --service redis --preload-from-env
install -m 0664 "$HG_MODULE_DIR_TEST/hardgate_coredump.so" "$ld/plib/other.so"
expect_status 78 "... but not beside a group-writable one" \
	env LD_PRELOAD="$pre $ld/plib/other.so" HARDGATE_SERVICE=redis HARDGATE_CONF="$ld/light.conf" \
	"$hg" check --service redis --preload-from-env
expect_out "HG-008 FAIL $(re "$ld/plib/other.so") is mode 0664" "... naming it"
# a library named by a symlink (its SONAME link, as ld.so follows it)
install -m 0644 "$HG_MODULE_DIR_TEST/hardgate_coredump.so" "$ld/plib/other.so.1.0"
ln -sf other.so.1.0 "$ld/plib/other.so.1"
expect_status 0 "the preload beside a library named by its symlink passes (ld.so follows it)" \
	env LD_PRELOAD="$pre $ld/plib/other.so.1" HARDGATE_SERVICE=redis HARDGATE_CONF="$ld/light.conf" \
	"$hg" check --service redis --preload-from-env
install -m 0644 "$HG_MODULE_DIR_TEST/hardgate_coredump.so" "$ld/gw/other.so.1.0"
ln -sf "$ld/gw/other.so.1.0" "$ld/plib/other.so.1"
expect_status 78 "... but not when the link leads into a group-writable directory" \
	env LD_PRELOAD="$pre $ld/plib/other.so.1" HARDGATE_SERVICE=redis HARDGATE_CONF="$ld/light.conf" \
	"$hg" check --service redis --preload-from-env
expect_out "HG-008 FAIL .*directory $(re "$ld/gw") is mode 0775" "... naming the directory"
ln -sf libhardgate-preload.so "$ld/plib/hg-link.so"
expect_status 78 "hardgate's preload named by a symlink is refused (the preload refuses to run from one)" \
	env LD_PRELOAD="$ld/plib/hg-link.so" HARDGATE_SERVICE=redis HARDGATE_CONF="$ld/light.conf" \
	"$hg" check --service redis --preload-from-env
expect_out "HG-008 FAIL $(re "$ld/plib/hg-link.so") is a symbolic link to hardgate's preload" "... naming it"
expect_status 78 "control: the preload itself refuses to run from that symlink" \
	env LD_PRELOAD="$ld/plib/hg-link.so" HARDGATE_SERVICE=redis HARDGATE_CONF="$ld/light.conf" /bin/true
expect_out "HG-009 FAIL $(re "$ld/plib/hg-link.so") is a symbolic link" "... HG-009"
rm -f "$ld/plib/other.so.1" "$ld/plib/other.so.1.0" "$ld/gw/other.so.1.0" "$ld/plib/hg-link.so"
# HARDGATE_SERVICE: without it the preload picks a service by match rule,
# and redis has none: the program would start untouched
chmod 0644 "$ld/redis.key"	# a key redis' stack refuses
expect_status 78 "control: with HARDGATE_SERVICE=redis the preload refuses the program" \
	env LD_PRELOAD="$pre" HARDGATE_SERVICE=redis HARDGATE_CONF="$ld/light.conf" /bin/true
expect_status 0 "control: without HARDGATE_SERVICE the same program starts untouched (fails open)" \
	env LD_PRELOAD="$pre" HARDGATE_CONF="$ld/light.conf" /bin/true
expect_status 78 "... so the probe refuses an unset HARDGATE_SERVICE" \
	env LD_PRELOAD="$pre" HARDGATE_CONF="$ld/light.conf" "$hg" check --service redis --preload-from-env
expect_out "HG-008 FAIL HARDGATE_SERVICE is not set.*fix: set Environment=HARDGATE_SERVICE=redis" \
	"... naming the variable and the fix"
expect_status 78 "... and one that names another service" \
	env LD_PRELOAD="$pre" HARDGATE_SERVICE=other HARDGATE_CONF="$ld/light.conf" \
	"$hg" check --service redis --preload-from-env
expect_out "HG-008 FAIL HARDGATE_SERVICE=other, not redis" "... naming both"
chmod 0600 "$ld/redis.key"

echo "# a set-uid program (AT_SECURE: ld.so ignores LD_PRELOAD paths) with no_new_privs off"
mkdir -m 755 "$tmp/bin"
install -m 4755 /usr/bin/cat "$tmp/bin/suid-cat"	# set-uid root
{
	policy_head
	cat <<CONF
services: {
  nnp-off: { stack = ( { module = "privs"; control = "required"; args: { user = "nobody"; no_new_privs = false; }; },
                       { module = "coredump"; control = "required"; args: { kernel = "off"; }; } ); };
  nnp-on: { stack = ( { module = "privs"; control = "required"; args: { user = "nobody"; }; },
                      { module = "coredump"; control = "required"; args: { kernel = "off"; }; } ); };
};
CONF
} | write_policy "$tmp/suid.conf"
expect_status 78 "exec refuses a set-uid root program for a service run as nobody without no_new_privs" \
	"$hg" exec --conf "$tmp/suid.conf" --service nnp-off --preload "$tmp/lib/public.so" -- \
	"$tmp/bin/suid-cat" /proc/self/status
expect_out "HG-008 FAIL .*set-uid, set-gid or has file capabilities" "the refusal names HG-008 and the set-uid bit"
expect_no_out "^Uid:" "the set-uid program did not run"
expect_status 0 "with no_new_privs (the default) the same program runs" \
	"$hg" exec --conf "$tmp/suid.conf" --service nnp-on --preload "$tmp/lib/public.so" -- \
	"$tmp/bin/suid-cat" /proc/self/status
expect_out "^Uid:[[:space:]]+$nobody[[:space:]]+$nobody[[:space:]]+$nobody[[:space:]]+$nobody\$" \
	"... as nobody: the kernel ignored the set-uid bit"
# the kernel takes a script's credentials from its interpreter, not from the script
printf '#!%s\n' "$tmp/bin/suid-cat" >"$tmp/bin/via-suid-interp"
chmod 0755 "$tmp/bin/via-suid-interp"
expect_status 78 "exec refuses a script whose #! interpreter is set-uid root without no_new_privs" \
	"$hg" exec --conf "$tmp/suid.conf" --service nnp-off --preload "$tmp/lib/public.so" -- \
	"$tmp/bin/via-suid-interp" /proc/self/status
expect_out "HG-008 FAIL .*suid-cat is set-uid, set-gid or has file capabilities" \
	"the refusal names the set-uid interpreter"
expect_no_out "^Uid:" "the script did not run"

echo "# a program that clears its environment and execs again, without the preload"
# core dumps allowed where the test starts (make check may run with a soft
# limit of 0 already), so RLIMIT_CORE 0 below is hardgate's doing
ulimit -S -c unlimited
ulimit -H -c unlimited
# shellcheck disable=SC2016
expect_status 0 "the service re-execs itself with env -i" \
	"$hg" exec --conf "$conf" --service svc --preload "$tmp/lib/public.so" -- \
	/usr/bin/env -i /bin/sh -c 'cat /proc/self/status >"$1/status"; echo "$(ulimit -S -c) $(ulimit -H -c)" >"$1/core";
		grep -c LD_PRELOAD /proc/self/environ >"$1/env"; stat -c %u /proc/$$/status >"$1/owner"; unshare -Urm mount -t tmpfs none "$1" 2>"$1/mount"
		echo $? >"$1/mount.rc"' sh "$tmp/w"
st=$tmp/w/status
check "the re-exec'd program has no LD_PRELOAD" test "$(cat "$tmp/w/env")" = 0
expect_grep '^NoNewPrivs:[[:space:]]+1$' "$st" "no_new_privs holds (kernel, inherited across execve)"
expect_grep '^Seccomp:[[:space:]]+2$' "$st" "the seccomp filter holds (kernel, inherited)"
# nobody may mount in a user namespace of its own: the filter is what stops it
check "mount(2) in a user namespace still fails under the inherited filter" \
	test "$(cat "$tmp/w/mount.rc")" != 0
if setpriv --reuid="$nobody" --regid="$nobody" --clear-groups --no-new-privs \
	unshare -Urm mount -t tmpfs none "$tmp/w" 2>/dev/null; then
	ok "control: the same mount succeeds for nobody without hardgate (the check can fail)"
else
	echo "# control skipped: no unprivileged user namespaces here, the mount check proves less"
fi
expect_grep "^Uid:[[:space:]]+$nobody[[:space:]]+$nobody[[:space:]]+$nobody[[:space:]]+$nobody\$" "$st" \
	"the uid drop holds (kernel)"
check "RLIMIT_CORE 0 soft and hard holds (kernel, inherited; unlimited where the test started)" \
	test "$(cat "$tmp/w/core")" = "0 0"
# PR_SET_DUMPABLE is reset by execve: shown NOT held once the preload is gone.
check "dumpable is NOT held after an exec without the preload (/proc/PID is uid $nobody's again)" \
	test "$(cat "$tmp/w/owner")" = "$nobody"

echo "# a service's child that sets HARDGATE_* for itself: the preload loads but applies nothing"
# HARDGATE_SERVICE unset and HARDGATE_CONF naming another root-owned policy
# (one that matches nothing here): the preload passes the child untouched,
# as it would with no LD_PRELOAD
# shellcheck disable=SC2016
{ policy_head; echo 'services: { other: { match: { exe = "/nonexistent"; }; stack = ( { module = "coredump"; control = "required"; } ); }; };'; } |
	write_policy "$tmp/other.conf"
rm -f "$tmp/w/probe."*
# shellcheck disable=SC2016
expect_status 0 "the service execs a child with HARDGATE_SERVICE unset and HARDGATE_CONF another policy" \
	"$hg" exec --conf "$conf" --service svc --preload "$tmp/lib/public.so" -- \
	/bin/sh -c 'unset HARDGATE_SERVICE; HARDGATE_CONF=$2 exec /bin/sh -c "cat /proc/self/status >\"\$1/probe.status\"
		grep -c public.so /proc/\$\$/maps >\"\$1/probe.maps\"; stat -c %u /proc/\$\$/status >\"\$1/probe.owner\"" sh "$1"' \
	sh "$tmp/w" "$tmp/other.conf"
check "the preload is loaded in the child" test "$(cat "$tmp/w/probe.maps" 2>/dev/null || echo 0)" -gt 0
check "dumpable is NOT held: the preload applied nothing (/proc/PID is uid $nobody's)" \
	test "$(cat "$tmp/w/probe.owner")" = "$nobody"
expect_grep '^Seccomp:[[:space:]]+2$' "$tmp/w/probe.status" "the seccomp filter holds (kernel, inherited)"
expect_grep '^NoNewPrivs:[[:space:]]+1$' "$tmp/w/probe.status" "no_new_privs holds (kernel, inherited)"

echo "# a match rule (no service named) evaded by another argv or another path to the program"
# The preload picks a service by exe and argv prefix only when no service
# is named; a process that matches nothing passes untouched, by design.
{
	policy_head
	cat <<CONF
services: {
  m: { match: { exe = "/usr/bin/env"; argv = [ "true" ]; };
       stack = ( { module = "keyfile"; control = "required"; args: { path = "$tmp/absent.key"; }; } ); };
};
CONF
} | write_policy "$tmp/match.conf"
ln /usr/bin/env "$tmp/bin/env" 2>/dev/null || install -m 0755 /usr/bin/env "$tmp/bin/env"
matched() { env LD_PRELOAD="$tmp/lib/public.so" HARDGATE_CONF="$tmp/match.conf" "$@"; }
expect_status 78 "the matching process is refused (its stack fails)" matched /usr/bin/env true
expect_status 0 "NOT stopped: the same program with another argv (env -u X true) matches nothing and runs" \
	matched /usr/bin/env -u X true
expect_status 0 "NOT stopped: the same program by another path ($tmp/bin/env) matches nothing and runs" \
	matched "$tmp/bin/env" true

echo "# code that runs before hardgate's constructor: a library's constructor forks a child"
# ld.so runs the constructor of a library listed after hardgate's preload
# (or linked by the program) first; what exec applied before execve is
# held, what the preload applies later is not, in the child forked then.
mkdir -m 777 "$tmp/early"
install -m 0644 "$HG_EARLY_LIB" "$tmp/lib/early.so"
# shellcheck disable=SC2016
HGT_EARLY_DIR=$tmp/early LD_PRELOAD=$tmp/lib/early.so expect_status 0 \
	"the service starts with an early library (the constructor forks before hardgate's runs)" \
	"$hg" exec --conf "$conf" --service svc --preload "$tmp/lib/public.so" -- \
	/bin/sh -c 'cat /proc/self/status >"$1/parent"' sh "$tmp/early"
wait_until 10 test -e "$tmp/early/early-child"
st=$tmp/early/early-child
expect_grep '^Seccomp:[[:space:]]+2$' "$tmp/early/parent" "the service itself has the seccomp filter"
expect_grep "^Uid:[[:space:]]+${nobody}[[:space:]]+${nobody}[[:space:]]+${nobody}[[:space:]]+${nobody}\$" "$st" \
	"the early child: the uid drop holds (exec, before execve)"
expect_grep '^NoNewPrivs:[[:space:]]+1$' "$st" "the early child: no_new_privs holds (exec, before execve)"
expect_grep '^Seccomp:[[:space:]]+0$' "$st" \
	"the early child has NO seccomp filter (the preload loads it later; NOT stopped, README)"

echo "# a socket of a family netout refuses, made through io_uring instead of socket(2)"
{
	policy_head
	cat <<CONF
services: {
  net: { stack = (
    { module = "privs";  control = "required"; args: { user = "nobody"; }; },
    { module = "netout"; control = "required";
      args: { allow = [ "127.0.0.1:9" ]; landlock = "best-effort"; cache_dir = "$tmp/cache"; }; } ); };
};
CONF
} | write_policy "$tmp/net.conf"
mkdir -m 755 "$tmp/cache"
install -m 0755 "$HG_URING_SOCKET" "$tmp/bin/uring-socket"
vsock=40 stream=1	# AF_VSOCK, SOCK_STREAM: not in netout's default families
if setpriv --reuid="$nobody" --regid="$nobody" --clear-groups "$tmp/bin/uring-socket" $vsock $stream \
	>"$tmp/uring.out" 2>&1; then
	ok "control: without hardgate nobody makes an AF_VSOCK socket through io_uring (the check can fail)"
	run "$hg" exec --conf "$tmp/net.conf" --service net --preload "$tmp/lib/public.so" -- \
		"$tmp/bin/uring-socket" $vsock $stream
	echo "# under netout: $(cat "$tmp/out")"
	expect_out 'socket=Address family not supported' "socket(2) of AF_VSOCK is refused (families filter)"
	check "io_uring cannot make it either (exit $st: io_uring refused by the families filter)" test "$st" = 1
	expect_out '^uring=setup: Operation not permitted' "... because io_uring_setup is refused (EPERM)"
	# a ring made in the program's preinit function, before the preload's
	# constructor loads the filter: using it is refused too
	if HGT_URING_EARLY=1 setpriv --reuid="$nobody" --regid="$nobody" --clear-groups \
		"$tmp/bin/uring-socket" $vsock $stream >"$tmp/uring.out" 2>&1; then
		ok "control: nobody makes it through a ring made before any constructor"
	else
		not_ok "control: a ring made before any constructor: $(cat "$tmp/uring.out")"
	fi
	HGT_URING_EARLY=1 run "$hg" exec --conf "$tmp/net.conf" --service net \
		--preload "$tmp/lib/public.so" -- "$tmp/bin/uring-socket" $vsock $stream
	echo "# under netout, the ring made early: $(cat "$tmp/out")"
	check "a ring made before the filter cannot make it either (exit $st)" test "$st" = 1
	expect_out '^uring=enter: Operation not permitted' "... because io_uring_enter is refused (EPERM)"
else
	echo "# skipped: no io_uring or no AF_VSOCK here: $(cat "$tmp/uring.out")"
fi

echo "# a raw connect(2) to a unix socket netout does not list"
# shellcheck disable=SC2016
spawn "$tmp/unixsrv" /usr/bin/python3 -c 'import os, socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o777); s.listen(8)
time.sleep(60)' "$tmp/w/other.sock"
unixsrv=$pid
wait_until 10 test -S "$tmp/w/other.sock"
run "$hg" exec --conf "$tmp/net.conf" --service net --preload "$tmp/lib/public.so" -- \
	/usr/bin/python3 "$here/rawunix.py" "$tmp/w/other.sock"
echo "# under netout: $(grep -v '^hardgate' "$tmp/out")"
expect_out '^libc=EACCES ' "libc's connect() is refused by the preload (EACCES)"
expect_out ' raw=ok$' "the raw connect(2) is NOT stopped: no kernel layer covers unix sockets (README)"
kill -9 "$unixsrv" 2>/dev/null
wait "$unixsrv" 2>/dev/null

echo "# a same-uid process reading the protected one (ptrace, process_vm_readv, /proc/PID/mem)"
yama=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null || echo none)
echo "# Yama ptrace_scope: $yama"
spawn "$tmp/prot" "$hg" exec --conf "$conf" --service svc --preload "$tmp/lib/public.so" -- /bin/sleep 60
prot=$pid
spawn "$tmp/bare" setpriv --reuid="$nobody" --regid="$nobody" --clear-groups /bin/sleep 60
bare=$pid
wait_until 10 grep -Eq "^Uid:[[:space:]]+$nobody" "/proc/$prot/status" 2>/dev/null
wait_until 10 grep -Eq "^Uid:[[:space:]]+$nobody" "/proc/$bare/status" 2>/dev/null
peek() { setpriv --reuid="$nobody" --regid="$nobody" --clear-groups /usr/bin/python3 "$here/peek.py" "$1"; }
got=$(peek "$prot" 2>&1)
echo "# protected sleep (dumpable 0): $got"
check "process_vm_readv of the protected process is denied (dumpable 0)" \
	grep -q 'vmread=EPERM' <<<"$got"
check "/proc/PID/mem of the protected process is denied (dumpable 0)" grep -q 'mem=EACCES' <<<"$got"
check "ptrace attach to the protected process is denied (dumpable 0)" grep -q 'attach=EPERM' <<<"$got"
got=$(peek "$bare" 2>&1)
echo "# unprotected sleep, same uid: $got"
if [ "$yama" = none ] || [ "$yama" = 0 ]; then
	check "control: the same reads of an unprotected same-uid sleep succeed (the test can fail)" \
		grep -q 'vmread=ok mem=ok attach=ok' <<<"$got"
else
	echo "# control skipped: Yama ptrace_scope $yama denies it too"
fi
# the window between execve and the preload's constructor: dumpable is 1
# again after execve, so a same-uid process can attach (and stay attached)
# before dumpable 0 is set. early.so holds the window open.
rm -f "$tmp/w/window"
HGT_EARLY_WINDOW=$tmp/w/window LD_PRELOAD=$tmp/lib/early.so \
	spawn "$tmp/win" "$hg" exec --conf "$conf" --service svc --preload "$tmp/lib/public.so" -- /bin/sleep 60
win=$pid
wait_until 10 test -e "$tmp/w/window"
got=$(peek "$win" 2>&1)
echo "# in the window before hardgate's constructor: $got"
if [ "$yama" = none ] || [ "$yama" = 0 ]; then
	check "NOT stopped without Yama: a same-uid process reads and attaches in the window" \
		grep -q 'vmread=ok mem=ok attach=ok' <<<"$got"
else
	check "stopped by Yama ptrace_scope $yama: attach in the window is denied" grep -q 'attach=EPERM' <<<"$got"
fi
rm -f "$tmp/w/window"
kill -9 "$win" 2>/dev/null
wait "$win" 2>/dev/null
# -9: the control attach left the bare sleep stopped, deaf to SIGTERM
kill -9 "$prot" "$bare" 2>/dev/null
wait "$prot" "$bare" 2>/dev/null

echo "# a uid change after start (the service drops root itself, after the preload ran)"
# The kernel resets dumpable to fs.suid_dumpable on a uid change: 0 and 2
# keep a same-uid reader out, 1 lets it in, and coredump refuses 1 (HG-013).
{
	policy_head
	echo 'services: { uidchg: { stack = ( { module = "coredump"; control = "required"; } ); }; };'
} | write_policy "$tmp/uidchg.conf"
suid=$(cat /proc/sys/fs/suid_dumpable)
echo "# fs.suid_dumpable: $suid"
# shellcheck disable=SC2016
drop='import os, sys, ctypes, time
pr = ctypes.CDLL(None).prctl
before = pr(3, 0, 0, 0, 0)
os.setgroups([]); os.setresgid(NOBODY, NOBODY, NOBODY); os.setresuid(NOBODY, NOBODY, NOBODY)
open(sys.argv[1] + ".tmp", "w").write("%d %d\n" % (before, pr(3, 0, 0, 0, 0)))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(60)'
spawn "$tmp/uidchg" "$hg" exec --conf "$tmp/uidchg.conf" --service uidchg --preload "$tmp/lib/public.so" -- \
	/usr/bin/python3 -c "${drop//NOBODY/$nobody}" "$tmp/w/uidchg"
uidchg=$pid
if [ "$suid" = 1 ]; then
	wait_exit "$uidchg" 10
	expect_grep "HG-013 FAIL .*fs.suid_dumpable = 1" "$tmp/uidchg.err" "fs.suid_dumpable 1 is refused before start (HG-013)"
else
	wait_until 10 test -e "$tmp/w/uidchg"
	check "dumpable is 0 before the uid change and $suid after it (fs.suid_dumpable)" \
		test "$(cat "$tmp/w/uidchg" 2>/dev/null)" = "0 $suid"
	got=$(peek "$uidchg" 2>&1)
	echo "# after the uid change: $got"
	check "a reader of the new uid is still denied (vmread, mem, attach)" \
		grep -Eq 'vmread=EPERM mem=EACCES attach=EPERM' <<<"$got"
fi
kill -9 "$uidchg" 2>/dev/null
wait "$uidchg" 2>/dev/null
finish
