#!/bin/bash
# api.sh - the plugin API (hg_check, hg_enforce) through the real libhardgate.so.
set -u
pass=0 fail=0
ok() { echo "ok - $1"; pass=$((pass + 1)); }
bad() { echo "not ok - $1"; fail=$((fail + 1)); }
[ "$(id -u)" -eq 0 ] || { echo "api.sh: needs root (policy files must be root-owned)" >&2; exit 77; }

tmp=$(mktemp -d /tmp/hg-api.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
printf 'k\n' >"$tmp/good.key"; chmod 600 "$tmp/good.key"
printf 'k\n' >"$tmp/open.key"; chmod 644 "$tmp/open.key"
cat >"$tmp/hardgate.conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = false; json = "$tmp/decisions.jsonl"; }; };
services: {
  good: { stack = ( { module = "keyfile"; control = "required"; args: { path = "$tmp/good.key"; id = "DBW-PRE-05"; }; },
                    { module = "coredump"; control = "required"; } ); };
  open: { stack = ( { module = "keyfile"; control = "required"; args: { path = "$tmp/open.key"; id = "DBW-PRE-05"; }; } ); };
};
CONF
chmod 644 "$tmp/hardgate.conf"
export HARDGATE_CONF=$tmp/hardgate.conf

# run EXPECTED-STATUS DESCRIPTION ARGS...: output in $tmp/out
run() {
	local want=$1 what=$2 st=0
	shift 2
	"$HG_API_CLIENT" "$@" >"$tmp/out" 2>&1 || st=$?
	if [ "$st" -eq "$want" ]; then ok "$what (exit $st)"; else bad "$what: exit $st, want $want"; cat "$tmp/out"; fi
}
has() { if grep -q -- "$1" "$tmp/out"; then ok "$2"; else bad "$2: no '$1' in output"; cat "$tmp/out"; fi; }

run 0 "hg_check allows a passing service" check good
has 'allowed=1 status=0' "the decision says allowed"
run 78 "hg_check refuses a world-readable key" check open
has 'finding DBW-PRE-05 2 keyfile' "the refusal carries DBW-PRE-05 from keyfile"
has '"decision":"refused"' "hg_decision_write gives JSON"
run 78 "hg_check refuses the wrong phase" check good launch
has 'HG-005' "wrong phase is HG-005"
run 78 "hg_enforce refuses an unknown service" enforce nosuch
run 0 "hg_enforce applies and allows" enforce good
if [ "$(grep -c '"decision":"allowed"' "$tmp/decisions.jsonl" 2>/dev/null)" = 1 ]; then
	ok "hg_enforce records its decision (hg_check does not)"
else
	bad "decision log: $(cat "$tmp/decisions.jsonl" 2>&1)"
fi

# libhardgate exports the plugin API and nothing else.
lib=$HG_LIBHARDGATE
others=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBR]$/ {print $3}' | grep -v '^hg_' || true)
if [ -z "$others" ] && nm -D --defined-only "$lib" | grep -q ' T hg_enforce@@HARDGATE_0$'; then
	ok "libhardgate.so exports only hg_*"
else
	bad "libhardgate.so exports more than hg_*: $others"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
