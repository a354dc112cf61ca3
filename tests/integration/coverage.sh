#!/bin/bash
# coverage.sh - hardgate list --coverage: every one of the 66 checklist
# items has a class and a module, matches ids.tsv, and every built module
# the catalog names for an item declares it in its ids table (so the
# matrix cannot claim an implementation the module does not have).
. "$(dirname "$0")/lib.sh" || exit 1
hg=$HG_CLI

{ policy_head; echo 'services: { };'; } | write_policy "$tmp/h.conf"
expect_status 0 "list --coverage runs" "$hg" list --coverage --conf "$tmp/h.conf"
cp "$tmp/stdout" "$tmp/matrix"
check "a header and 66 items" test "$(wc -l <"$tmp/matrix")" -eq 67
awk -F'\t' 'NR > 1 && ($2 !~ /^(start|runtime|audit|attest)$/ || $3 == "-" || $3 == "")' \
	"$tmp/matrix" >"$tmp/unclassified"
expect_no_grep . "$tmp/unclassified" "every item has a class and a module"
if [ -r "${HG_IDS_TSV:-}" ]; then
	awk -F'\t' 'NR > 1 { print $1 }' "$HG_IDS_TSV" | sort >"$tmp/canonical"
	awk -F'\t' 'NR > 1 { print $1 }' "$tmp/matrix" | sort >"$tmp/listed"
	check "the items are exactly those of ids.tsv" cmp -s "$tmp/canonical" "$tmp/listed"
fi
# the module the catalog names for an item is built and declares the ID
awk -F'\t' -v dir="$HG_MODULE_DIR_TEST" 'NR > 1 {
	so = dir "/hardgate_" $3 ".so"
	if ((getline line < so) < 0)
		print $1 " names " $3 ", which is not built"
	else if (index("," $4 ",", "," $3 ",") == 0)
		print $1 " names " $3 ", which does not declare it"
	close(so)
}' "$tmp/matrix" >"$tmp/undeclared"
expect_no_grep . "$tmp/undeclared" "every item's module is built and declares it"
awk -F'\t' '$2 == "attest" && $4 !~ /(^|,)attest(,|$)/' "$tmp/matrix" >"$tmp/attest"
expect_no_grep . "$tmp/attest" "every attest-class item is declared by the attest module"

echo "# the generated document"
run "$HG_SRCDIR/docs/gen-coverage.sh" "$hg" "$tmp/h.conf" "$HG_SRCDIR"
check "gen-coverage.sh succeeds" test "$st" -eq 0
check "it has a row per item" test "$(grep -c '^| [A-Z]*-[A-Z0-9]*-[0-9]* |' "$tmp/out")" -eq 66
# a row whose tests column is "-": an item no test names
grep -E '^\| [A-Z]+-[A-Z0-9]+-[0-9]+ \|([^|]*\|){3} - \|' "$tmp/out" >"$tmp/untested" || true
expect_no_grep . "$tmp/untested" "every item is named by a test"
expect_out "^66 items: 66 classified, 66 declared by a built module, 66 named by a test\.\$" \
	"the summary line counts 66 of 66 everywhere"
expect_out "^\| DBW-OPS-06 \| attest \| attest \| attest \| [^|]*modules/attest/test_attest.c" \
	"a row names its tests"
check "docs/checklist-coverage.md is up to date (make coverage-doc)" \
	cmp -s "$tmp/out" "$HG_SRCDIR/docs/checklist-coverage.md"
finish
