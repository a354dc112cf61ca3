#!/bin/bash
# startup.sh - what hardgate adds to a program's start, beside the bare
# start and the peers an operator would use instead, measured in one
# hyperfine run (warm-up, many runs; mean and spread, ratio to bare).
# Prints figures; never fails on timing.
set -u
runs=${BENCH_RUNS:-300}
[ "${BENCH_SCALE:-}" = smoke ] && runs=5
command -v hyperfine >/dev/null || { echo "startup: hyperfine not installed (apt-get install hyperfine); skipped"; exit 0; }
[ "$(id -u)" -eq 0 ] || { echo "startup: needs root (root-owned policy, privs); skipped"; exit 0; }
tmp=$(mktemp -d /tmp/hg-bench.XXXXXX); chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
printf 'k\n' >"$tmp/key"; chmod 600 "$tmp/key"
cat >"$tmp/hardgate.conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = false; }; };
services: {
  small: { stack = ( { module = "keyfile";  control = "required"; args: { path = "$tmp/key"; }; },
                     { module = "coredump"; control = "required"; } ); };
  full: { stack = (
    { module = "privs";    control = "required"; args: { user = "nobody"; }; },
    { module = "keyfile";  control = "required"; args: { path = "$tmp/key"; }; },
    { module = "coredump"; control = "required"; },
    { module = "seccomp";  control = "required"; args: { allow = [ "@system-service" ]; groups_file = "$HG_SECCOMP_GROUPS"; }; },
    { module = "netout";   control = "required"; args: { allow = [ "127.0.0.1:5432" ]; }; }
  ); };
};
CONF
chmod 644 "$tmp/hardgate.conf"
pre="env LD_PRELOAD=$HG_PRELOAD_TEST HARDGATE_CONF=$tmp/hardgate.conf"
cmds=(
	/bin/true
	"env /bin/true"
	"setpriv --no-new-privs /bin/true"
	"$pre /bin/true"
	"$pre HARDGATE_SERVICE=small /bin/true"
	"$HG_CLI exec --conf $tmp/hardgate.conf --service small --preload $HG_PRELOAD_TEST -- /bin/true"
	"$HG_CLI exec --conf $tmp/hardgate.conf --service full --preload $HG_PRELOAD_TEST -- /bin/true"
)
names=(
	"bare /bin/true"
	"one extra exec (env): the launcher floor"
	"setpriv --no-new-privs"
	"preload, process matching no service"
	"preload, keyfile + coredump"
	"hardgate exec, keyfile + coredump"
	"hardgate exec, privs keyfile coredump seccomp netout"
)
command -v bwrap >/dev/null && { cmds+=("bwrap --dev-bind / / --die-with-parent --new-session /bin/true"); names+=("bwrap"); }
command -v firejail >/dev/null && { cmds+=("firejail --quiet --noprofile --seccomp --nonewprivs --rlimit-core=0 /bin/true"); names+=("firejail"); }
hyperfine -N -w 20 -r "$runs" --export-json "$tmp/r.json" "${cmds[@]}" >/dev/null 2>&1 ||
	{ echo "startup: a command failed under hyperfine"; exit 0; }
python3 - "$tmp/r.json" "${names[@]}" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
names = sys.argv[2:]
base = r[0]["mean"]
print("start-up (hyperfine, %d runs each, mean +- stddev)" % len(r[0]["times"]))
for name, x in zip(names, r):
    print("  %-52s %6.2f ms +- %4.2f  %5.2fx  (+%.2f ms)" % (
        name, x["mean"] * 1e3, x["stddev"] * 1e3, x["mean"] / base, (x["mean"] - base) * 1e3))
PY
