#!/bin/bash
# score.sh - hardgate score: the exposure score from the controls a
# stack has and whose checks pass (weights in hardgate(8), SCORE), and
# --threshold failing the command above it (exit 78) for CI.
. "$(dirname "$0")/lib.sh" || exit 1
hg=$HG_CLI
printf 'k\n' >"$tmp/k"
chmod 600 "$tmp/k"
groups=$HG_SRCDIR/modules/seccomp/seccomp.groups
conf=$tmp/hardgate.conf
write_policy "$conf" <<CONF
$(policy_head)
services: {
  bare: { stack = ( { module = "coredump"; control = "required"; args: { kernel = "off"; }; } ); };
  full: { stack = (
    { module = "privs"; control = "required"; args: { user = "nobody"; }; },
    { module = "coredump"; control = "required"; args: { kernel = "off"; }; },
    { module = "seccomp"; control = "required"; args: { allow = [ "@system-service" ]; groups_file = "$groups"; }; },
    { module = "netout"; control = "required"; args: { allow = [ "127.0.0.1:5432" ]; landlock = "off"; }; },
    { module = "keyfile"; control = "required"; args: { path = "$tmp/k"; mode = "0600"; }; } ); };
  typo: { stack = (
    { module = "privs"; control = "required"; args: { user = "nobody"; }; },
    { module = "coredump"; control = "required"; args: { kernel = "off"; }; },
    { module = "seccomp"; control = "required"; args: { alow = [ "@system-service" ]; groups_file = "$groups"; }; },
    { module = "netout"; control = "required"; args: { allow = [ "127.0.0.1:5432" ]; landlock = "off"; }; },
    { module = "keyfile"; control = "required"; args: { path = "$tmp/k"; mode = "0600"; }; } ); };
  suff: { stack = (
    { module = "coredump"; control = "sufficient"; args: { kernel = "off"; }; },
    { module = "seccomp"; control = "required"; args: { allow = [ "@system-service" ]; groups_file = "$groups"; }; } ); };
  caps: { stack = (
    { module = "privs"; control = "required"; args: { user = "nobody"; caps = [ "cap_net_bind_service" ]; no_new_privs = false; }; } ); };
};
CONF

# exposure FILE: the score in score --json output
exposure() { python3 -c 'import json, sys; print(json.load(sys.stdin)["exposure"])' <"$1"; }

expect_status 0 "a stack with every control scores without a threshold" "$hg" score --conf "$conf" --service full
expect_out "^hardgate\[full\]: exposure 0\.0/10$" "every control active: exposure 0.0"
expect_status 0 "--threshold 0 passes it" "$hg" score --conf "$conf" --service full --threshold 0

expect_status 0 "a stack with only coredump scores" "$hg" score --conf "$conf" --service bare
expect_out "^hardgate\[bare\]: exposure 9\.0/10$" "only coredump (weight 1 of 10): exposure 9.0"
expect_out "^- syscall filter +seccomp +2\.0$" "the missing seccomp control costs its weight 2.0"
expect_out "^\+ no core dumps +coredump +0\.0$" "the active coredump control costs nothing"
expect_status 78 "--threshold 5 fails it (exit 78)" "$hg" score --conf "$conf" --service bare --threshold 5
expect_out "threshold 5\.0: FAIL" "the line says FAIL against the threshold"
expect_status 0 "--threshold 9 passes it (the score is not above)" "$hg" score --conf "$conf" --service bare --threshold 9

expect_status 0 "privs keeping a capability and without no_new_privs scores" "$hg" score --conf "$conf" --service caps --json
check "the capability and no_new_privs count as missing: 8.0 (only the user's 2.0 earned)" \
	test "$(exposure "$tmp/stdout")" = 8.0

echo "# a control whose check FAILs is missing, not active"
chmod 644 "$tmp/k"
expect_status 0 "score with a 0644 key" "$hg" score --conf "$conf" --service full --json
check "keyfile FAILs: its weight 1.0 counts, exposure 1.0" test "$(exposure "$tmp/stdout")" = 1.0
check "the JSON names keyfile's control inactive" pycheck "$tmp/stdout" '
import json, sys
d = json.load(sys.stdin)
k = [c for c in d["controls"] if c["module"] == "keyfile"]
assert k and not k[0]["active"], d'

echo "# a faulty entry stops the stack before any check: no control is active"
chmod 600 "$tmp/k"
expect_status 78 "a seccomp entry with an unknown arg fails --threshold 0" \
	"$hg" score --conf "$conf" --service typo --threshold 0
expect_out "^hardgate\[typo\]: exposure 10\.0/10 \(threshold 0\.0: FAIL\)$" "every control missing: exposure 10.0"
expect_out "HG-004 FAIL .*module seccomp does not take arg 'alow'" "the faulty entry is named"

echo "# an entry after a passing sufficient one never runs: its control is missing"
expect_status 0 "score a stack whose seccomp entry follows a sufficient coredump" \
	"$hg" score --conf "$conf" --service suff --json
check "only coredump counts: exposure 9.0" test "$(exposure "$tmp/stdout")" = 9.0
check "the JSON names the seccomp control inactive" pycheck "$tmp/stdout" '
import json, sys
d = json.load(sys.stdin)
k = [c for c in d["controls"] if c["module"] == "seccomp"]
assert k and not k[0]["active"], d'

echo "# the weights are documented"
"$hg" score --conf "$conf" --service full --json >"$tmp/full.json"
check "hardgate(8) SCORE lists every control with its weight, and no other" pycheck "$tmp/full.json" '
import json, re, sys
ctl = {(c["control"], "%.1f" % c["weight"]) for c in json.load(sys.stdin)["controls"]}
page = open(sys.argv[1]).read().split(".SH SCORE", 1)[1].split(".SH ", 1)[0].splitlines()
doc = set()
for i, l in enumerate(page):
    if l == ".TP" and i + 2 < len(page) and page[i + 1].startswith(".B "):
        text = page[i + 2].replace("\\-", "-")
        doc.add((text.split(" (")[0].strip(), page[i + 1][3:].strip()))
assert doc == ctl, "page %s, code %s" % (sorted(doc), sorted(ctl))' "$HG_SRCDIR/man/hardgate.8"

expect_status 64 "score needs --service" "$hg" score --conf "$conf"
expect_status 64 "a threshold above 10 is a usage error" "$hg" score --conf "$conf" --service full --threshold 11
expect_status 64 "a threshold that is not a number is a usage error" "$hg" score --conf "$conf" --service full --threshold x
expect_status 78 "an unknown service is refused with HG-005" "$hg" score --conf "$conf" --service nosuch
expect_out "HG-005 FAIL" "the refusal names HG-005"
finish
