# lib.sh - what the package tests share (sourced by deb.sh, rpm.sh,
# systemd.sh): TAP-like result lines and their counters. The caller sets
# pass=0 fail=0 and ends with: echo "$pass passed, $fail failed".
# shellcheck shell=bash

skip() { echo "SKIP: $*" >&2; exit 77; }
ok() { echo "ok - $1"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $1"; fail=$((fail + 1)); }
# check WHAT CMD...: ok if CMD succeeds, else not ok.
check() { local w=$1; shift; if "$@"; then ok "$w"; else not_ok "$w"; fi; }
# show FILE: FILE's lines indented, under a result line.
show() { sed 's/^/    | /' "$1"; }

# guard_refused LOG PRELOAD WHO: LOG holds ld-so-preload-guard's refusal,
# naming line 2 of /etc/ld.so.preload (PRELOAD) and the fix; WHO refused
guard_refused() {
	if grep -q "hardgate: not removed: /etc/ld.so.preload names hardgate's preload" "$1" &&
		grep -qF "/etc/ld.so.preload line 2: $2" "$1" &&
		grep -qF "fix: delete these entries from /etc/ld.so.preload" "$1"; then
		ok "... refused by $3, naming the line and the fix"
	else
		not_ok "... refused by $3, naming the line and the fix"; show "$1"
	fi
}
