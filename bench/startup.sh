#!/bin/bash
# startup.sh - what hardgate adds to a program's start, beside the bare
# start and the peers an operator would use instead, in ONE table from
# one interleaved run of bench/startup (median, p10-p90, ratio to bare).
# Then hardgate check on complete dbward and KalamDB policies, cold (no
# compiled filter in the cache) and warm. Prints figures; never fails on
# timing. The peers' flags and why are in bench/RESULTS.md.
set -u
runs=${BENCH_RUNS:-300}
warm=20
[ "${BENCH_SCALE:-}" = smoke ] && { runs=5; warm=1; }
[ "$(id -u)" -eq 0 ] || { echo "startup: needs root (root-owned policy, privs); skipped"; exit 0; }
tmp=$(mktemp -d /tmp/hg-bench.XXXXXX); chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
mkdir -m 0700 "$tmp/data"; mkdir -m 0755 "$tmp/bpf"
head -c 32 /dev/urandom >"$tmp/data/signing.key"; chmod 600 "$tmp/data/signing.key"
printf 'k\n' >"$tmp/node.key"; chmod 600 "$tmp/node.key"
# The applications' own config files: the modules' hardened fixtures.
fx=$HG_SRCDIR/modules
sed "s|@STATE_DIR@|$tmp/data|" "$fx/dbward/fixtures/server-hardened.toml" >"$tmp/server.toml"
sed "s|@STATE_DIR@|$tmp/data|" "$fx/dbward/fixtures/agent-hardened.toml" >"$tmp/agent.toml"
cp "$fx/kalamdb/fixtures/single-hardened.toml" "$tmp/kalamdb.toml"
chmod 640 "$tmp/server.toml" "$tmp/agent.toml" "$tmp/kalamdb.toml"
jwt="KALAMDB_JWT_SECRET=Zq3Jv8xN2pL5tR9wZ1cF6hK0mB4yD7gS2"	# a strong one, for secret checks
groups="groups_file = \"$HG_SECCOMP_GROUPS\";"

# seccomp_args CACHE: @system-service, the given compiled-filter cache
seccomp_args() { echo "allow = [ \"@system-service\" ]; $groups cache_dir = \"$1\";"; }

# dbward_policy CACHE: dbward server and agent (design.md 3, issue #7's
# full stack: privs, keyfile, sigkey, coredump, dbward, seccomp, netout).
dbward_policy() {
	cat <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = false; }; };
services: {
  dbward-server: { stack = (
    { module = "privs";    control = "required"; args: { user = "nobody"; }; },
    { module = "keyfile";  control = "required"; args: { path = "$tmp/data"; type = "dir"; mode = "0700"; id = "DBW-PRE-05"; }; },
    { module = "sigkey";   control = "required"; args: { path = "$tmp/data/signing.key"; mode = "0600"; id = "DBW-PRE-07"; perm_id = "DBW-PRE-05"; }; },
    { module = "coredump"; control = "required"; args: { id = "DBW-REC-08"; }; },
    { module = "dbward";   control = "required"; args: { config = "$tmp/server.toml"; role = "server"; owner = "root";
                                                         tls_proxy = "nginx"; break_glass_roles = [ "dba-oncall" ]; }; },
    { module = "seccomp";  control = "required"; args: { $(seccomp_args "$1") }; },
    { module = "netout";   control = "required"; args: { allow = [ "127.0.0.1:5432", "127.0.0.1:8443" ]; }; }
  ); };
  dbward-agent: { phase = "launch"; stack = (
    { module = "privs";    control = "required"; args: { user = "nobody"; }; },
    { module = "coredump"; control = "required"; },
    { module = "dbward";   control = "required"; args: { config = "$tmp/agent.toml"; role = "agent"; }; },
    { module = "seccomp";  control = "required"; args: { $(seccomp_args "$1") }; },
    { module = "netout";   control = "required"; args: { allow = [ "127.0.0.1:8443", "127.0.0.1:5432", "127.0.0.1:3306" ]; id = "DBW-REC-09"; }; }
  ); };
};
CONF
}

# kalamdb_policy CACHE: a KalamDB node, its own checks on server.toml,
# outbound to the two other nodes of a cluster
kalamdb_policy() {
	cat <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = false; }; };
services: {
  kalamdb: { stack = (
    { module = "privs";    control = "required"; args: { user = "nobody"; }; },
    { module = "keyfile";  control = "required"; args: { path = "$tmp/node.key"; mode = "0600"; id = "KDB-B-02"; }; },
    { module = "coredump"; control = "required"; },
    { module = "kalamdb";  control = "required"; args: { config = "$tmp/kalamdb.toml"; }; },
    { module = "seccomp";  control = "required"; args: { $(seccomp_args "$1") }; },
    { module = "netout";   control = "required"; args: { allow = [ "10.0.0.2:9188", "10.0.0.3:9188", "10.0.0.2:8080", "10.0.0.3:8080" ]; id = "KDB-B-04"; }; }
  ); };
};
CONF
}

policy() { "$1" "$2" >"$3"; chmod 644 "$3"; }
policy dbward_policy "$tmp/bpf" "$tmp/dbward.conf"
policy dbward_policy "$tmp/none" "$tmp/dbward-cold.conf"
policy kalamdb_policy "$tmp/bpf" "$tmp/kalamdb.conf"
policy kalamdb_policy "$tmp/none" "$tmp/kalamdb-cold.conf"
cat >"$tmp/small.conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = false; }; };
services: { small: { stack = (
  { module = "keyfile";  control = "required"; args: { path = "$tmp/data/signing.key"; }; },
  { module = "coredump"; control = "required"; } ); }; };
CONF
chmod 644 "$tmp/small.conf"

hg=$HG_CLI
pre=$HG_PRELOAD_TEST
exec_full="$hg exec --conf $tmp/dbward.conf --service dbward-server --preload $pre --"
# Warm the cache the way production does: one hardgate exec as root.
$exec_full /bin/true || { echo "startup: hardgate exec with the full stack failed"; exit 0; }
# bwrap gets the very program hardgate loads, without hardgate's header.
entry=$(ls "$tmp"/bpf/*.bpf 2>/dev/null | head -1)
python3 -c 'import struct, sys
d = open(sys.argv[1], "rb").read()
open(sys.argv[2], "wb").write(d[24 + struct.unpack_from("<I", d, 8)[0]:])' "$entry" "$tmp/filter.bpf"
redis=$(command -v redis-server || true)

cases=(
	"bare /bin/true|/bin/true"
	"one extra exec (env /bin/true): the launcher floor|/usr/bin/env /bin/true"
	"setpriv --no-new-privs|/usr/bin/setpriv --no-new-privs /bin/true"
	"preload, process matching no service|LD_PRELOAD=$pre HARDGATE_CONF=$tmp/dbward.conf /bin/true"
	"preload, keyfile + coredump|LD_PRELOAD=$pre HARDGATE_CONF=$tmp/small.conf HARDGATE_SERVICE=small /bin/true"
	"preload, full stack, warm filter cache|LD_PRELOAD=$pre HARDGATE_CONF=$tmp/dbward.conf HARDGATE_SERVICE=dbward-server /bin/true"
	"preload, full stack, no filter cache|LD_PRELOAD=$pre HARDGATE_CONF=$tmp/dbward-cold.conf HARDGATE_SERVICE=dbward-server /bin/true"
	"hardgate exec, keyfile + coredump|$hg exec --conf $tmp/small.conf --service small --preload $pre -- /bin/true"
	"hardgate exec, full stack, warm filter cache|$exec_full /bin/true"
	"hardgate exec, full stack, no filter cache|$hg exec --conf $tmp/dbward-cold.conf --service dbward-server --preload $pre -- /bin/true"
)
command -v bwrap >/dev/null &&
	cases+=("bwrap: same BPF, nnp, no net, core 0|RLIMIT_CORE=0 3<$tmp/filter.bpf $(command -v bwrap) --dev-bind / / --unshare-net --new-session --die-with-parent --cap-drop ALL --seccomp 3 /bin/true")
command -v firejail >/dev/null &&
	cases+=("firejail: seccomp, nnp, no net, core 0|RLIMIT_CORE=0 $(command -v firejail) --quiet --noprofile --seccomp --nonewprivs --caps.drop=all --net=none /bin/true")
cases+=(
	"hardgate check, dbward server+agent, cold (compiles)|$hg check --conf $tmp/dbward-cold.conf"
	"hardgate check, dbward server+agent, warm (cached)|$hg check --conf $tmp/dbward.conf"
	"hardgate check, KalamDB node, cold (compiles)|$jwt $hg check --conf $tmp/kalamdb-cold.conf"
	"hardgate check, KalamDB node, warm (cached)|$jwt $hg check --conf $tmp/kalamdb.conf"
)
if [ -n "$redis" ]; then
	cases+=(
		"bare redis-server --version|$redis --version"
		"redis: preload, full stack|LD_PRELOAD=$pre HARDGATE_CONF=$tmp/dbward.conf HARDGATE_SERVICE=dbward-server $redis --version"
		"redis: hardgate exec, full stack|$exec_full $redis --version"
		"redis: setpriv --no-new-privs|/usr/bin/setpriv --no-new-privs $redis --version"
	)
	command -v bwrap >/dev/null &&
		cases+=("redis: bwrap (as above)|RLIMIT_CORE=0 3<$tmp/filter.bpf $(command -v bwrap) --dev-bind / / --unshare-net --new-session --die-with-parent --cap-drop ALL --seccomp 3 $redis --version")
	command -v firejail >/dev/null &&
		cases+=("redis: firejail (as above)|RLIMIT_CORE=0 $(command -v firejail) --quiet --noprofile --seccomp --nonewprivs --caps.drop=all --net=none $redis --version")
fi
echo "start-up, one interleaved run: $runs rounds after $warm warm-up, fork to wait; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$HG_BENCH_BIN/startup" "$runs" "$warm" "${cases[@]}"
echo "  (minijail0 is not packaged in Debian 12: not measured; see bench/RESULTS.md)"
echo "syscall cost (getppid) under the @system-service program hardgate generated ($(( $(stat -c %s "$tmp/filter.bpf") / 8 )) insns)"
"$HG_BENCH_BIN/syscall_filter" --bpf "$tmp/filter.bpf"
echo "  load after: $(cut -d' ' -f1-3 /proc/loadavg)"
