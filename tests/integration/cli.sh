#!/bin/bash
# cli.sh - the hardgate command on real policy files: lint, check, explain, list.
. "$(dirname "$0")/lib.sh"
hg=$HG_CLI

printf 'k\n' >"$tmp/good.key"; chmod 600 "$tmp/good.key"
printf 'k\n' >"$tmp/open.key"; chmod 644 "$tmp/open.key"
good=$tmp/good.conf
write_policy "$good" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = false; }; };
services: {
  tight: { stack = ( { module = "keyfile"; control = "required"; args: { path = "$tmp/good.key"; id = "DBW-PRE-05"; }; },
                     { module = "coredump"; control = "required"; args: { id = "DBW-REC-08"; kernel = "warn"; }; } ); };
  loose: { stack = ( { module = "keyfile"; control = "required"; args: { path = "$tmp/open.key"; id = "DBW-PRE-05"; }; } ); };
};
CONF

# policy NAME TEXT: a policy file with the modules dir filled in
policy() {
	write_policy "$tmp/$1" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = false; }; };
$2
CONF
}

echo "# lint"
expect_status 0 "lint accepts a good policy" "$hg" lint --conf "$good"
expect_out "policy valid \(2 services, 3 stack entries\)" "lint counts services and entries"
policy syntax.conf 'services: {
  s: { stack = ( { module = ; control = "required"; } ); };
};'
expect_status 78 "lint refuses a syntax error" "$hg" lint --conf "$tmp/syntax.conf"
expect_out "HG-002 FAIL $tmp/syntax.conf:3 .*fix:" "the syntax error names file:line and a fix"
policy unknown.conf 'services: { s: { stak = (); }; };'
expect_status 78 "lint refuses an unknown key" "$hg" lint --conf "$tmp/unknown.conf"
expect_out "unknown.conf:2 unknown key 'stak'" "the unknown key is named with its line"
policy badarg.conf "services: { s: { stack = ( { module = \"keyfile\"; control = \"required\"; args: { path = \"$tmp/good.key\"; colour = \"red\"; }; } ); }; };"
expect_status 78 "lint refuses an arg the module does not declare" "$hg" lint --conf "$tmp/badarg.conf"
expect_out "HG-004 FAIL .*module keyfile does not take arg 'colour'; fix: remove it \(module keyfile takes: path, mode" "HG-004 lists the module's args"
policy nomod.conf 'services: { s: { stack = ( { module = "nosuch"; control = "optional"; } ); }; };'
expect_status 78 "lint refuses a missing module even under optional" "$hg" lint --conf "$tmp/nomod.conf"
expect_out "HG-003 FAIL .*hardgate_nosuch.so.*fix: install module nosuch" "HG-003 names the file and the fix"
cp "$good" "$tmp/open.conf"; chmod 666 "$tmp/open.conf"
expect_status 78 "a world-writable policy is refused" "$hg" lint --conf "$tmp/open.conf"
expect_out "HG-001 FAIL .*group/world-writable; fix: chmod 0644" "HG-001 says why and how"
cp "$good" "$tmp/nobody.conf"; chown 65534:65534 "$tmp/nobody.conf"
expect_status 78 "a policy not owned by root is refused" "$hg" check --conf "$tmp/nobody.conf"
expect_out "owned by uid 65534, must be owned by root" "the owner is named"
expect_status 78 "a missing policy is refused" "$hg" check --conf "$tmp/none.conf"

echo "# check"
expect_status 0 "check passes a safe key" "$hg" check --conf "$good" --service tight
expect_status 78 "check refuses a world-readable key" "$hg" check --conf "$good" --service loose
expect_out "hardgate\[loose\]: DBW-PRE-05 FAIL $tmp/open.key is mode 0644, must be 0600 or stricter; fix: chmod 0600 $tmp/open.key" "the finding line has ID, path, reason and fix"
expect_status 78 "check of all services fails if one does" "$hg" check --conf "$good"
expect_out "hardgate\[tight\]: allowed" "check of all services reports each"
expect_status 78 "check --json refuses" "$hg" check --conf "$good" --service loose --json
check "check --json is JSON with a decision" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["decision"] == "refused" and d["status"] == 78
assert d["findings"][0]["id"] == "DBW-PRE-05" and d["findings"][0]["fix"]' "$tmp/out"
expect_status 78 "an unknown service is refused" "$hg" check --conf "$good" --service nosuch
expect_out "HG-005" "unknown service is HG-005"
expect_status 0 "HARDGATE_CONF names the policy" env HARDGATE_CONF="$good" "$hg" check --service tight
relpath=$(realpath --relative-to=. "$good")
expect_status 0 "a relative --conf is made absolute" "$hg" check --conf "$relpath" --service tight

echo "# explain, list"
expect_status 0 "explain a checklist ID" "$hg" explain DBW-PRE-05
expect_out "File permissions set \(data dir 0700, signing.key 0600, dedicated service account\)" "explain prints the checklist's words"
expect_out "class: +start" "explain prints the class"
expect_status 0 "explain a generic ID" "$hg" explain HG-003
expect_status 64 "explain refuses an unknown ID" "$hg" explain NOPE-1
expect_status 0 "explain --all" "$hg" explain --all
check "explain --all lists the 66 checklist items" test "$(grep -Ec '^(DBW|KDB)-' "$tmp/out")" -eq 66
expect_status 0 "explain --json" "$hg" explain --json KDB-B-05
check "explain --json is JSON" python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["id"] == "KDB-B-05"' "$tmp/out"
expect_status 0 "list modules" "$hg" list modules --conf "$good"
expect_out "^module keyfile" "list shows keyfile"
expect_out "arg follow_symlinks" "list shows keyfile's args"
expect_out "^module coredump" "list shows coredump"
expect_status 0 "list services" "$hg" list services --conf "$good"
expect_out "^service loose" "list shows the services"
expect_status 0 "list --json" "$hg" list --json services --conf "$good"
check "list --json is JSON" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out"
expect_status 64 "an unknown command" "$hg" frobnicate
expect_status 64 "exec without --service" "$hg" exec -- /bin/true

finish
