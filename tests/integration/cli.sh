#!/bin/bash
# cli.sh - the hardgate command on real policy files: lint, check, explain,
# list, and the exit statuses (0 allowed, 78 refused, 64 usage).
. "$(dirname "$0")/lib.sh" || exit 1
hg=$HG_CLI

printf 'k\n' >"$tmp/good.key"
chmod 600 "$tmp/good.key"
printf 'k\n' >"$tmp/open.key"
chmod 644 "$tmp/open.key"

# policy NAME [TEXT]: $tmp/NAME, the standard head then TEXT (stdin without it)
policy() {
	{
		policy_head
		if [ $# -gt 1 ]; then echo "$2"; else cat; fi
	} | write_policy "$tmp/$1"
}

# a service passing (tight) and one failing (loose); line numbers matter below
policy good.conf <<CONF
services: {
  tight: { stack = ( { module = "keyfile"; control = "required"; args: { path = "$tmp/good.key"; mode = "0600"; id = "DBW-PRE-05"; }; },
                     { module = "coredump"; control = "required"; args: { id = "DBW-REC-08"; kernel = "warn"; }; } ); };
  loose: { stack = ( { module = "keyfile"; control = "required"; args: { path = "$tmp/open.key"; mode = "0600"; id = "DBW-PRE-05"; }; } ); };
};
CONF
good=$tmp/good.conf
policy tight.conf <<CONF
services: {
  tight: { stack = ( { module = "keyfile"; control = "required"; args: { path = "$tmp/good.key"; id = "DBW-PRE-05"; }; } ); };
};
CONF

# the finding line for the 0644 key, as an operator reads it
open_finding="hardgate\[loose\]: DBW-PRE-05 FAIL $(re "$tmp/open.key") is mode 0644, must be 0600 or stricter; fix: chmod 0600 $(re "$tmp/open.key")\$"

# json_doc FILE: FILE is one JSON document with a "decision"
json_doc() {
	pycheck "$1" 'import json, sys; d = json.load(sys.stdin); assert "decision" in d, d'
}

# json_field FILE PYEXPR: one JSON document d in FILE, PYEXPR true of it
json_field() {
	pycheck "$1" 'import json, sys; d = json.load(sys.stdin); assert eval(sys.argv[1]), d' "$2"
}

lint_tests() {
	echo "# lint"
	expect_status 0 "lint accepts a good policy" "$hg" lint --conf "$good"
	expect_out "policy valid \(2 services, 3 stack entries\)" "lint counts services and entries"

	policy syntax.conf 'services: {
  s: { stack = ( { module = ; control = "required"; } ); };
};'
	expect_status 78 "lint refuses a syntax error" "$hg" lint --conf "$tmp/syntax.conf"
	expect_out "HG-002 FAIL $(re "$tmp/syntax.conf"):3 .*fix:" "the syntax error names file:3 and a fix"

	policy unknown.conf 'services: { s: { stak = (); }; };'
	expect_status 78 "lint refuses an unknown key" "$hg" lint --conf "$tmp/unknown.conf"
	expect_out "$(re "$tmp/unknown.conf"):2 unknown key 'stak'.*fix:" "the unknown key is named with file:line"

	policy badarg.conf "services: { s: { stack = ( { module = \"keyfile\"; control = \"required\"; args: { path = \"$tmp/good.key\"; colour = \"red\"; }; } ); }; };"
	expect_status 78 "lint refuses an arg the module does not declare" "$hg" lint --conf "$tmp/badarg.conf"
	expect_out "HG-004 FAIL .*module keyfile does not take arg 'colour'; fix: remove it \(module keyfile takes: path, mode" \
		"HG-004 names the arg and lists the module's args"

	policy nomod.conf 'services: { s: { stack = ( { module = "nosuch"; control = "optional"; } ); }; };'
	expect_status 78 "lint refuses a missing module (even optional)" "$hg" lint --conf "$tmp/nomod.conf"
	expect_out "HG-003 FAIL .*hardgate_nosuch\.so.*fix: install module nosuch" "HG-003 names the file and the fix"
	expect_status 78 "check refuses it too" "$hg" check --conf "$tmp/nomod.conf" --service s
	expect_out "HG-003" "with HG-003"

	# entries that are valid but do not do what they seem to: warnings, exit 0
	policy order.conf <<CONF
services: { s: { stack = (
  { module = "coredump"; control = "sufficient"; },
  { module = "keyfile"; control = "required"; args: { path = "$tmp/good.key"; id = "DBW-PRE-05"; }; },
  { module = "keyfile"; control = "optional"; args: { id = "DBW-PRE-05"; path = "$tmp/good.key"; }; }
); }; };
CONF
	local o
	o=$(re "$tmp/order.conf")
	expect_status 0 "lint passes a stack with an entry after a sufficient one" "$hg" lint --conf "$tmp/order.conf"
	expect_out "HG-002 WARN $o:4 entry keyfile of service s follows the sufficient entry coredump at $o:3: when that one passes .* the stack ends there allowed, and this entry neither checks nor applies anything; fix: move the sufficient entry" \
		"it warns with the lines of both entries and what happens"
	expect_out "HG-002 WARN $o:5 entry keyfile of service s follows the sufficient entry coredump at $o:3" \
		"for every entry after it"
	expect_out "HG-002 WARN $o:5 entry keyfile of service s has the same module and args as the entry at $o:4" \
		"it warns about a duplicate entry, args in any order"
	expect_out "HG-002 WARN $o:5 entry keyfile of service s is optional but reports DBW-PRE-05, a Must item .*its failure does not stop the start; fix: make the entry required" \
		"it warns about a Must item under optional"
	expect_no_out "HG-002 WARN $o:4 .*(same module|Must item)" "a required entry's Must item and a first entry are not warned about"
	expect_out "policy valid .*with warnings above" "and says the policy is valid with warnings"
	expect_status 0 "lint of the good policy" "$hg" lint --conf "$good"
	expect_no_out "WARN" "warns about nothing in the good policy"

	# the log places: judged as every start will judge them
	mkdir -m 755 "$tmp/svcdir"
	chown 65534 "$tmp/svcdir"
	{
		echo "hardgate: { module_dir = \"$HG_MODULE_DIR_TEST\"; log: { syslog = false; json = \"$tmp/svcdir/d.jsonl\"; }; };"
		echo "services: { };"
	} | write_policy "$tmp/svclog.conf"
	expect_status 78 "lint refuses a decision log in a directory the service's user owns" \
		"$hg" lint --conf "$tmp/svclog.conf"
	expect_out "HG-010 FAIL $(re "$tmp/svcdir") decision log .*owned by uid 65534, must be owned by root; fix: chown root" \
		"HG-010 names the directory and the fix"
	{
		echo "hardgate: { module_dir = \"$HG_MODULE_DIR_TEST\"; log: { syslog = true; journal = \"$tmp/svcdir/socket\"; }; };"
		echo "services: { };"
	} | write_policy "$tmp/svcjournal.conf"
	expect_status 78 "lint refuses a journal socket there too" "$hg" lint --conf "$tmp/svcjournal.conf"
	expect_out "HG-010 FAIL $(re "$tmp/svcdir") journal socket " "naming it the journal socket"
	{
		echo "hardgate: { module_dir = \"$HG_MODULE_DIR_TEST\"; log: { syslog = false; json = \"$tmp/nodir/d.jsonl\"; }; };"
		echo "services: { };"
	} | write_policy "$tmp/nodir.conf"
	expect_status 0 "lint passes a decision log whose directory is missing" "$hg" lint --conf "$tmp/nodir.conf"
	expect_out "HG-010 WARN .*$(re "$tmp/nodir").*fix: create it" "but warns that every start needs it"
}

policy_file_tests() {
	echo "# the policy file itself"
	cp "$good" "$tmp/open.conf"
	chmod 666 "$tmp/open.conf"
	expect_status 78 "a mode 0666 policy is refused by lint" "$hg" lint --conf "$tmp/open.conf"
	expect_out "HG-001 FAIL .*mode 0666, group/world-writable; fix: chmod 0644" "HG-001 says why and how"
	expect_status 78 "and by check" "$hg" check --conf "$tmp/open.conf" --service tight
	expect_out "HG-001" "with HG-001"

	cp "$good" "$tmp/nobody.conf"
	chown 65534:65534 "$tmp/nobody.conf"
	expect_status 78 "a policy owned by nobody is refused by lint" "$hg" lint --conf "$tmp/nobody.conf"
	expect_out "HG-001 FAIL .*owned by uid 65534, must be owned by root" "the owner is named"
	expect_status 78 "and by check" "$hg" check --conf "$tmp/nobody.conf" --service tight

	mkdir -m 777 "$tmp/wdir"
	cp "$good" "$tmp/wdir/good.conf"
	expect_status 78 "a policy in a world-writable directory is refused" \
		"$hg" lint --conf "$tmp/wdir/good.conf"
	expect_out "HG-001 FAIL .*$(re "$tmp/wdir") is mode 0777" "the directory is named"

	expect_status 78 "a missing policy is refused" "$hg" check --conf "$tmp/none.conf"
	expect_out "$(re "$tmp/none.conf")" "the missing file is named"
}

check_tests() {
	echo "# check"
	expect_status 0 "check passes a 0600 key" "$hg" check --conf "$good" --service tight
	expect_status 78 "check refuses a 0644 key" "$hg" check --conf "$good" --service loose
	expect_out "$open_finding" "the finding line has ID, path, reason and fix"
	expect_out "hardgate\[loose\]: refused \(exit 78\)" "and says it refuses"

	expect_status 78 "check of all services fails if one does" "$hg" check --conf "$good"
	expect_out "hardgate\[tight\]: allowed" "it reports the passing service"
	expect_out "$open_finding" "and the failing one"
	expect_status 0 "check of all services passes if all do" "$hg" check --conf "$tmp/tight.conf"

	expect_status 78 "an unknown service is refused" "$hg" check --conf "$good" --service nosuch
	expect_out "HG-005 FAIL .*unknown service 'nosuch'" "unknown service is HG-005"

	expect_status 0 "HARDGATE_CONF=P check --service tight reads P" \
		env HARDGATE_CONF="$good" "$hg" check --service tight
	expect_status 78 "HARDGATE_CONF=P check --service loose reads P" \
		env HARDGATE_CONF="$good" "$hg" check --service loose
	expect_out "$open_finding" "and reports P's key"
	expect_status 0 "--conf wins over HARDGATE_CONF" \
		env HARDGATE_CONF="$tmp/none.conf" "$hg" check --conf "$good" --service tight
	cd "$tmp" || return
	expect_status 0 "a relative --conf is made absolute" "$hg" check --conf good.conf --service tight
	cd "$OLDPWD" || return
}

json_tests() {
	echo "# --json"
	expect_status 78 "check --json of the failing service" "$hg" check --conf "$good" --service loose --json
	check "its output is one JSON document with a decision" json_doc "$tmp/stdout"
	check "decision refused, status 78, finding DBW-PRE-05 with a fix" json_field "$tmp/stdout" \
		'd["decision"] == "refused" and d["status"] == 78 and d["findings"][0]["id"] == "DBW-PRE-05" and d["findings"][0]["fix"]'
	expect_status 0 "check --json of the passing service" "$hg" check --conf "$good" --service tight --json
	check "its output is one JSON document with a decision" json_doc "$tmp/stdout"
	check "decision allowed, status 0" json_field "$tmp/stdout" 'd["decision"] == "allowed" and d["status"] == 0'
	expect_status 78 "check --json of a broken policy" "$hg" check --conf "$tmp/syntax.conf" --service s --json
	check "is JSON with a decision too" json_doc "$tmp/stdout"
	expect_status 78 "check --json of all services" "$hg" check --conf "$good" --json
	check "prints one JSON line per service (JSON Lines)" pycheck "$tmp/stdout" '
import json, sys
recs = [json.loads(l) for l in sys.stdin if l.strip()]
assert sorted(r["service"] for r in recs) == ["loose", "tight"], recs
assert all("decision" in r for r in recs)'
	expect_status 0 "lint --json" "$hg" lint --conf "$good" --json
	check "is JSON with a decision" json_doc "$tmp/stdout"
}

# checklist_item ID: the item's words in the canonical ids.tsv, if there
checklist_item() {
	[ -r "${HG_IDS_TSV:-}" ] && awk -F'\t' -v id="$1" '$1 == id { print $4 }' "$HG_IDS_TSV"
}

explain_tests() {
	local item
	echo "# explain"
	expect_status 0 "explain DBW-PRE-05" "$hg" explain DBW-PRE-05
	item=$(checklist_item DBW-PRE-05)
	[ -n "$item" ] || item="File permissions set (data dir 0700, signing.key 0600, dedicated service account)"
	expect_out "^DBW-PRE-05 +$(re "$item")\$" "it prints the checklist's words"
	expect_out "class: +start" "it prints the class"
	expect_out "how: +keyfile" "it says how hardgate enforces it"
	expect_out "fix: +chmod" "it says how to fix it"
	expect_status 0 "explain with a policy" "$hg" explain --conf "$good" DBW-PRE-05
	expect_out "module: +keyfile \(installed\)" "it finds keyfile in the policy's module_dir"
	expect_status 0 "explain a generic ID" "$hg" explain HG-003
	expect_status 64 "explain NOPE-1 is a usage error" "$hg" explain NOPE-1
	expect_out "unknown ID 'NOPE-1'" "it names the ID"
	expect_status 64 "explain without an ID is a usage error" "$hg" explain

	expect_status 0 "explain --all" "$hg" explain --all
	check "explain --all lists 66 checklist IDs" test "$(grep -Ec '^(DBW|KDB)-' "$tmp/stdout")" -eq 66
	if [ -r "${HG_IDS_TSV:-}" ]; then
		awk '{ print $1 }' "$tmp/stdout" | sort >"$tmp/listed"
		awk -F'\t' 'NR > 1 { print $1 }' "$HG_IDS_TSV" | sort >"$tmp/canonical"
		comm -13 "$tmp/listed" "$tmp/canonical" >"$tmp/missing"
		expect_no_grep . "$tmp/missing" "every ID of ids.tsv is listed"
	else
		echo "# ids.tsv not readable (${HG_IDS_TSV:-unset}): ID list not compared"
	fi
	expect_status 0 "explain --json KDB-B-05" "$hg" explain --json KDB-B-05
	check "is JSON for that ID" json_field "$tmp/stdout" 'd["id"] == "KDB-B-05"'
}

# module_block NAME: the lines of module NAME in the last list modules
module_block() {
	awk -v m="module $1" '/^module / { on = index($0, m " ") == 1 } on' "$tmp/stdout"
}

list_tests() {
	echo "# list"
	expect_status 0 "list modules" "$hg" list modules --conf "$good"
	expect_out "^module keyfile" "it shows keyfile"
	module_block keyfile >"$tmp/keyfile.txt"
	for a in path mode owner group type follow_symlinks id; do
		expect_grep "^  arg $a " "$tmp/keyfile.txt" "with its arg $a"
	done
	expect_out "^module coredump" "it shows coredump"
	module_block coredump >"$tmp/coredump.txt"
	expect_grep "^  arg kernel .*\[fail\|warn\|off\]" "$tmp/coredump.txt" "with its arg kernel and its choices"
	expect_grep "^  arg id " "$tmp/coredump.txt" "and its arg id"
	expect_status 0 "list services" "$hg" list services --conf "$good"
	expect_out "^service tight" "it shows tight"
	expect_out "^service loose" "it shows loose"
	expect_status 0 "list --json services" "$hg" list --json services --conf "$good"
	check "is JSON" pycheck "$tmp/stdout" 'import json, sys; json.load(sys.stdin)'
}

# records FILE SERVICE: the decisions logged for SERVICE, one "decision status ids" a line
records() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)["record"]
    if r["service"] == sys.argv[2]:
        print(r["decision"], r["status"], " ".join(sorted({f["id"] for f in r["findings"]})))' "$1" "$2" \
		>"$tmp/records" 2>&1
}

exec_log_tests() {
	local log=$tmp/exec.jsonl
	echo "# exec: the decision logged is the final one"
	getent passwd nobody >/dev/null || { echo "# no nobody account: skipped"; return; }
	mkdir -m 755 "$tmp/lib" "$tmp/bin"
	install -m 0600 "$HG_PRELOAD_TEST" "$tmp/lib/private.so"
	install -m 0644 "$HG_PRELOAD_TEST" "$tmp/lib/public.so"
	install -m 0700 /bin/true "$tmp/bin/root-only"
	{
		policy_head "$log"
		cat <<CONF
services: {
  late: { stack = ( { module = "privs"; control = "required"; args: { user = "nobody"; }; },
                    { module = "coredump"; control = "required"; args: { kernel = "off"; }; } ); };
};
CONF
	} | write_policy "$tmp/exec.conf"
	expect_status 78 "exec refuses a preload nobody cannot read, after the stack ran" \
		"$hg" exec --conf "$tmp/exec.conf" --service late --preload "$tmp/lib/private.so" -- /bin/true
	records "$log" late
	expect_grep "^refused 78 HG-008\$" "$tmp/records" "the log has the refusal with HG-008"
	expect_no_grep "^allowed" "$tmp/records" "and no allowed decision for it"
	rm -f "$log"
	expect_status 78 "exec refuses a missing program" \
		"$hg" exec --conf "$tmp/exec.conf" --service late --preload "$tmp/lib/public.so" -- "$tmp/bin/none"
	records "$log" late
	expect_grep "^refused 78 HG-008\$" "$tmp/records" "the log has that refusal too"
	rm -f "$log"
	expect_status 70 "exec of a program nobody may not execute fails" \
		"$hg" exec --conf "$tmp/exec.conf" --service late --preload "$tmp/lib/public.so" -- "$tmp/bin/root-only"
	expect_out "HG-008 FAIL .*root-only cannot execute: Permission denied" "it names the program and why"
	records "$log" late
	check "the log's last decision is the failure (status 70), superseding the allowed one" \
		test "$(tail -n 1 "$tmp/records")" = "refused 70 HG-008"
	rm -f "$log"
	expect_status 0 "exec starts an allowed program" \
		"$hg" exec --conf "$tmp/exec.conf" --service late --preload "$tmp/lib/public.so" -- /bin/true
	records "$log" late
	check "the log has one decision, allowed" test "$(cat "$tmp/records")" = "allowed 0 "

	echo "# exec: a decision log the service's user could replace is refused"
	mkdir -m 755 "$tmp/nlog"
	chown nobody "$tmp/nlog"
	sed "s|$(re "$log")|$tmp/nlog/exec.jsonl|" "$tmp/exec.conf" | write_policy "$tmp/nlog.conf"
	expect_status 78 "exec refuses a log in a directory owned by the service's user" \
		"$hg" exec --conf "$tmp/nlog.conf" --service late --preload "$tmp/lib/public.so" -- /bin/true
	expect_out "HG-010 FAIL $(re "$tmp/nlog") decision log $(re "$tmp/nlog/exec.jsonl"): directory $(re "$tmp/nlog") is owned by uid [0-9]+, must be owned by root; fix: chown root" \
		"HG-010 names the log, the directory and the fix"
	check "nothing was written there" test ! -e "$tmp/nlog/exec.jsonl"
}

usage_tests() {
	echo "# usage"
	expect_status 64 "an unknown command" "$hg" frobnicate
	expect_out "unknown command 'frobnicate'" "it names the command"
	expect_status 64 "no command" "$hg"
	expect_status 64 "an unknown option" "$hg" check --frobnicate
	expect_status 64 "exec without --service" "$hg" exec -- /bin/true
	expect_status 0 "--help" "$hg" --help
}

lint_tests
policy_file_tests
check_tests
json_tests
explain_tests
list_tests
exec_log_tests
usage_tests
finish
