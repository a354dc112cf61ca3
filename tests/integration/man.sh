#!/bin/bash
# man.sh - the manual pages render without a warning at 80 columns, and
# cannot drift from the code: hardgate-modules(8) has a section for every
# built module listing exactly the args `hardgate list modules` declares,
# and hardgate(8) describes every command of `hardgate --help`.
. "$(dirname "$0")/lib.sh" || exit 1
hg=$HG_CLI
mandir=$HG_SRCDIR/man
command -v man >/dev/null || skip "man not installed (apt-get install man-db)"

pages=(hardgate.8 hardgate.conf.5 hardgate-modules.8 libhardgate.3)
echo "# rendering"
for p in "${pages[@]}"; do
	st=0
	MANWIDTH=80 man --warnings -l "$mandir/$p" 2>"$tmp/warn" >"$tmp/page" || st=$?
	check "$p renders (man exit $st)" test "$st" -eq 0
	expect_no_grep . "$tmp/warn" "$p renders without warnings (man --warnings, MANWIDTH=80)"
	check "$p has no line wider than 80 columns" test "$(awk '{ if (length > m) m = length } END { print m + 0 }' "$tmp/page")" -le 80
done

echo "# hardgate-modules(8) against the built modules"
write_policy "$tmp/m.conf" <<CONF
$(policy_head)
services: { };
CONF
run_split "$hg" list modules --conf "$tmp/m.conf" --json
check "hardgate list modules --json works (exit $st)" test "$st" -eq 0
check "every built module has a section listing exactly its args" pycheck "$tmp/stdout" '
import json, re, sys
mods = {m["module"]: {a["name"] for a in m["args"]} for m in json.load(sys.stdin)["modules"]}
assert mods, "no modules built"
page = open(sys.argv[1]).read().splitlines()
secs, cur, prev = {}, None, ""
for line in page:
    if line.startswith(".SH "):
        cur = line[4:].strip().replace("\\-", "-").lower()
        secs[cur] = set()
    elif cur and prev == ".TP" and line.startswith(".B "):
        secs[cur].add(line[3:].strip().replace("\\-", "-"))
    prev = line
errs = []
for m, args in sorted(mods.items()):
    if m not in secs:
        errs.append("module %s has no section in hardgate-modules.8: add .SH %s" % (m, m.upper()))
    elif secs[m] != args:
        errs.append("%s: page has %s, module declares %s" % (m, sorted(secs[m]), sorted(args)))
assert not errs, "; ".join(errs)' "$mandir/hardgate-modules.8"

echo "# hardgate(8) against the command list"
"$hg" --help >"$tmp/help"
check "every command of hardgate --help is described in hardgate(8)" pycheck "$tmp/help" '
import re, sys
cmds = [l.split()[0] for l in sys.stdin if re.match(r"  [a-z]+ ", l)]
page = open(sys.argv[1]).read()
missing = [c for c in cmds if not re.search(r"^\.BR? %s\b" % c, page, re.M)]
assert cmds and not missing, "not in hardgate.8: %s" % missing' "$mandir/hardgate.8"
finish
