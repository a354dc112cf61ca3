#!/bin/bash
# json.sh - the --json contract of hardgate(8), OUTPUT: every command that
# takes --json prints nothing but JSON objects on stdout, one per line, in
# its success and its refusal cases (a refusal is the decision object
# check prints), each object with exactly the documented keys and types;
# exec, nft and seccomp refuse --json (64, one line on stderr, nothing on
# stdout). The key lists live in SCHEMA below, once: the objects printed
# and the objects hardgate(8) documents are both checked against it.
. "$(dirname "$0")/lib.sh" || exit 1
hg=$HG_CLI

# Every object hardgate prints under --json: key -> type, as hardgate(8)
# writes it. "list of X objects" is a list of SCHEMA[X].
SCHEMA='
SCHEMA = {
    "decision": {"service": "string", "decision": "string", "status": "number",
                 "stage": "string", "mode": "string or null", "would_refuse": "boolean",
                 "reason": "string", "findings": "list of finding objects",
                 "metrics": "list of metric objects"},
    "finding": {"id": "string", "severity": "string", "module": "string", "where": "string",
                "message": "string", "fix": "string"},
    "metric": {"name": "string", "id": "string", "module": "string", "where": "string",
               "key": "string", "value": "number"},
    "explain": {"id": "string", "checklist": "string", "section": "string", "item": "string",
                "class": "string", "module": "string", "how": "string", "fix": "string"},
    "modules": {"modules": "list of module objects"},
    "module": {"module": "string", "phases": "list of strings", "args": "list of arg objects",
               "ids": "list of strings"},
    "arg": {"name": "string", "type": "string", "required": "boolean"},
    "services": {"services": "list of service objects"},
    "service": {"service": "string", "phase": "string", "where": "string",
                "stack": "list of entry objects"},
    "entry": {"module": "string", "control": "string"},
    "coverage": {"coverage": "list of item objects"},
    "item": {"id": "string", "class": "string", "module": "string or null",
             "declared_by": "list of strings", "item": "string"},
    "score": {"service": "string", "exposure": "number", "threshold": "number or null",
              "controls": "list of control objects"},
    "control": {"control": "string", "module": "string", "weight": "number",
                "active": "boolean"},
    "fingerprint": {"fingerprint": "string", "path": "string or null", "env": "string or null",
                    "module": "string or null", "hashes": "string"},
    "revoke": {"fingerprint": "string", "reason": "string", "added": "boolean",
               "revoked_dir": "string", "file": "string or null"},
    "key": {"attest_dir": "string", "fingerprint": "string", "created": "boolean"},
    "record": {"version": "number", "id": "string", "time": "string", "by": "string",
               "note": "string", "key": "string", "signature": "string"},
}

def typed(v, t, path):
    if t.endswith(" or null"):
        if v is None:
            return
        t = t[:-len(" or null")]
    if t == "string":
        assert isinstance(v, str), "%s: %.80r is not a string" % (path, v)
    elif t == "number":
        assert isinstance(v, (int, float)) and not isinstance(v, bool), "%s: %r is not a number" % (path, v)
    elif t == "boolean":
        assert isinstance(v, bool), "%s: %r is not a boolean" % (path, v)
    elif t == "list of strings":
        assert isinstance(v, list), "%s: %r is not a list" % (path, v)
        for i, x in enumerate(v):
            typed(x, "string", "%s[%d]" % (path, i))
    elif t.startswith("list of ") and t.endswith(" objects"):
        assert isinstance(v, list), "%s: %r is not a list" % (path, v)
        for i, x in enumerate(v):
            shaped(x, t[len("list of "):-len(" objects")], "%s[%d]" % (path, i))
    else:
        raise AssertionError("SCHEMA has an unknown type %r" % t)

def shaped(o, kind, path):
    assert isinstance(o, dict), "%s: not an object: %.200r" % (path, o)
    want = SCHEMA[kind]
    assert set(o) == set(want), "%s: keys %s, a %s object has %s" % (
        path, sorted(o), kind, sorted(want))
    for k, t in want.items():
        typed(o[k], t, "%s.%s" % (path, k))
'

# json_lines FILE PATTERN...: FILE holds only JSON objects in UTF-8, one per line,
# one per PATTERN in order: KIND (a SCHEMA key), KIND+ for one or more
# lines, KIND:ID for a decision whose findings name ID
json_lines() {
	local f=$1
	shift
	pycheck "$f" "$SCHEMA"'
import json, sys
try:
    lines = sys.stdin.buffer.read().decode("utf-8").split("\n")
except UnicodeDecodeError as e:
    raise AssertionError("the output is not UTF-8 (RFC 8259): %s" % e)
assert lines[-1] == "", "the output does not end with a newline"
lines = lines[:-1]
objs = []
for n, l in enumerate(lines, 1):
    try:
        objs.append(json.loads(l))
    except ValueError:
        raise AssertionError("line %d is not JSON: %r" % (n, l[:120]))
i = 0
for pat in sys.argv[1:]:
    kind, _, want_id = pat.partition(":")
    many = kind.endswith("+")
    kind = kind.rstrip("+")
    start = i
    while i < len(objs) and (i == start or many):
        try:
            shaped(objs[i], kind, "line %d" % (i + 1))
        except AssertionError:
            if i == start:
                raise
            break
        if want_id:
            ids = [f["id"] for f in objs[i]["findings"]]
            assert want_id in ids, "line %d: no finding %s in %s" % (i + 1, want_id, ids)
        i += 1
    assert i > start, "line %d: missing, want a %s object" % (i + 1, kind)
assert i == len(objs), "line %d: a %s object more than %s" % (i + 1, sorted(objs[i]), sys.argv[1:])' "$@"
}

# expect_json STATUS DESCRIPTION PATTERN -- CMD...: CMD exits STATUS and its
# stdout matches the patterns of json_lines
expect_json() {
	local want=$1 what=$2 pats=()
	shift 2
	while [ "$1" != -- ]; do
		pats+=("$1")
		shift
	done
	shift
	expect_status "$want" "$what" "$@"
	check "... stdout is only ${pats[*]} JSON" json_lines "$tmp/stdout" "${pats[@]}"
}

# expect_usage DESCRIPTION CMD...: exit 64, nothing on stdout, one line on stderr
expect_usage() {
	local what=$1
	shift
	expect_status 64 "$what" "$@"
	check "... nothing on stdout" test ! -s "$tmp/stdout"
	check "... one line on stderr" test "$(wc -l <"$tmp/stderr")" -eq 1
}

# expect_quiet STATUS DESCRIPTION CMD...: a usage error or a note: exit
# STATUS, nothing on stdout, its words on stderr
expect_quiet() {
	local want=$1 what=$2
	shift 2
	expect_status "$want" "$what" "$@"
	check "... nothing on stdout" test ! -s "$tmp/stdout"
	check "... and why on stderr" test -s "$tmp/stderr"
}

printf 'k\n' >"$tmp/good.key"
chmod 600 "$tmp/good.key"
printf 'k\n' >"$tmp/loose.key"
chmod 644 "$tmp/loose.key"
head -c 32 /dev/urandom >"$tmp/seed.key"
chmod 600 "$tmp/seed.key"
conf=$tmp/hardgate.conf
write_policy "$conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; revoked_dir = "$tmp/revoked.d";
            attest_dir = "$tmp/attest"; log: { syslog = false; }; };
services: {
  web: { stack = ( { module = "keyfile"; control = "required"; args: { path = "$tmp/good.key"; mode = "0600"; }; },
                   { module = "coredump"; control = "required"; args: { kernel = "off"; }; } ); };
  bad: { stack = ( { module = "keyfile"; control = "required"; args: { path = "$tmp/loose.key"; mode = "0600"; }; } ); };
};
CONF
broken=$tmp/broken.conf
write_policy "$broken" <<<'services: { s: { stack = ( ; }; };'
nomods=$tmp/nomods.conf
write_policy "$nomods" <<CONF
hardgate: { module_dir = "$tmp/no-such-dir"; revoked_dir = "$tmp/revoked.d"; log: { syslog = false; }; };
services: { web: { stack = ( { module = "coredump"; control = "required"; } ); }; };
CONF
# a module directory whose sigkey the trusted loader refuses (world-writable)
mkdir -m 755 "$tmp/badmods"
cp "$HG_MODULE_DIR_TEST/hardgate_sigkey.so" "$tmp/badmods/"
chmod 666 "$tmp/badmods/hardgate_sigkey.so"
badmods=$tmp/badmods.conf
write_policy "$badmods" <<CONF
hardgate: { module_dir = "$tmp/badmods"; revoked_dir = "$tmp/revoked.d"; log: { syslog = false; }; };
services: { };
CONF

echo "# hardgate(8) documents exactly SCHEMA"
check "every JSON object in hardgate(8), OUTPUT, has SCHEMA's keys and types" \
	pycheck "$HG_SRCDIR/man/hardgate.8" "$SCHEMA"'
import re, sys
page = sys.stdin.read()
out = page[page.index(".SH OUTPUT\n"):]
out = out[:out.index("\n.SH ", 1)]
doc = {}
for part in re.split(r"^\.TP\n", out, flags=re.M)[1:]:
    m = re.match(r"\.B (\w+)\n", part)
    assert m, "a .TP in OUTPUT without a .B tag: %r" % part[:40]
    part = re.split(r"^\.(?:PP|SS|SH)\b", part, flags=re.M)[0]
    doc[m.group(1)] = dict(re.findall(r"\\fB(\w+)\\fR \(((?:list of )?\w+(?: objects)?(?: or null)?)[:;,)]", part))
errs = []
for k in sorted(set(doc) | set(SCHEMA)):
    if k not in doc:
        errs.append("%s is not documented (.TP .B %s)" % (k, k))
    elif k not in SCHEMA:
        errs.append("%s is documented but not in SCHEMA" % k)
    elif doc[k] != SCHEMA[k]:
        errs.append("%s: page %s, SCHEMA %s" % (k, sorted(doc[k].items()), sorted(SCHEMA[k].items())))
assert not errs, "; ".join(errs)'

echo "# check"
expect_json 0 "check --json of a passing service" decision -- "$hg" check --json --conf "$conf" --service web
expect_json 78 "check --json of a failing service" decision:HG-011 -- "$hg" check --json --conf "$conf" --service bad
expect_json 78 "check --json of every service" decision decision:HG-011 -- "$hg" check --json --conf "$conf"
expect_json 78 "check --json of an unknown service" decision:HG-005 -- "$hg" check --json --conf "$conf" --service nope
expect_json 78 "check --json of a policy that does not parse" decision:HG-002 -- "$hg" check --json --conf "$broken"
expect_json 78 "check --json --preload-from-env with an empty LD_PRELOAD" decision:HG-008 -- \
	env LD_PRELOAD=" : " "$hg" check --json --preload-from-env --conf "$conf" --service web
expect_quiet 64 "check --json --preload-from-env without --service is a usage error" \
	"$hg" check --json --preload-from-env --conf "$conf"

echo "# audit"
expect_json 0 "audit --json of a passing service" decision -- "$hg" audit --json --conf "$conf" --service web
expect_json 78 "audit --json of every service (no summary line)" decision decision:HG-011 -- \
	"$hg" audit --json --conf "$conf"
expect_json 78 "audit --json of a policy that does not parse" decision:HG-002 -- "$hg" audit --json --conf "$broken"

echo "# lint"
expect_json 0 "lint --json of a valid policy" decision -- "$hg" lint --json --conf "$conf"
expect_json 78 "lint --json of a policy that does not parse" decision:HG-002 -- "$hg" lint --json --conf "$broken"

echo "# explain"
expect_json 0 "explain --json ID" explain -- "$hg" explain --json HG-011
check "... of HG-011" pycheck "$tmp/stdout" 'import json, sys; assert json.load(sys.stdin)["id"] == "HG-011"'
expect_json 0 "explain --json --all: one object per ID" explain+ -- "$hg" explain --json --all
check "... as many as explain --all lists" test "$(wc -l <"$tmp/stdout")" -eq "$("$hg" explain --all | wc -l)"
expect_quiet 64 "explain --json of an unknown ID is a usage error" "$hg" explain --json NOPE-1

echo "# list"
expect_json 0 "list --json: the modules, then the services" modules services -- "$hg" list --json --conf "$conf"
expect_json 0 "list --json modules" modules -- "$hg" list --json modules --conf "$conf"
expect_json 0 "list --json services" services -- "$hg" list --json services --conf "$conf"
expect_json 0 "list --json --coverage" coverage -- "$hg" list --json --coverage --conf "$conf"
"$hg" list --coverage --conf "$conf" >"$tmp/coverage.tsv" 2>/dev/null
check "... the same rows as the text matrix" pycheck "$tmp/stdout" '
import json, sys
rows = [{"id": r["id"], "class": r["class"], "module": r["module"] or "-",
         "declared_by": ",".join(r["declared_by"]) or "-", "item": r["item"]}
        for r in json.load(sys.stdin)["coverage"]]
lines = open(sys.argv[1]).read().splitlines()
head = lines[0].split("\t")
text = [dict(zip(head, l.split("\t"))) for l in lines[1:]]
assert rows == text, [(a, b) for a, b in zip(rows, text) if a != b][:1] or (len(rows), len(text))' \
	"$tmp/coverage.tsv"
expect_json 78 "list --json of a policy that does not parse" decision:HG-002 -- "$hg" list --json --conf "$broken"
expect_json 78 "list --json services of a policy that does not parse" decision:HG-002 -- \
	"$hg" list --json services --conf "$broken"
expect_json 78 "list --json modules of a module_dir that cannot be listed" decision:HG-003 -- \
	"$hg" list --json modules --conf "$nomods"
expect_json 78 "list --json modules with a module the loader refuses: the rest, then why" \
	modules decision:HG-003 -- "$hg" list --json modules --conf "$badmods"
expect_json 78 "list --json --coverage with a module the loader refuses" coverage decision:HG-003 -- \
	"$hg" list --json --coverage --conf "$badmods"

echo "# score"
expect_json 0 "score --json" score -- "$hg" score --json --conf "$conf" --service web
expect_json 78 "score --json above --threshold" score -- "$hg" score --json --conf "$conf" --service web --threshold 0
expect_json 78 "score --json of an unknown service" decision:HG-005 -- "$hg" score --json --conf "$conf" --service nope
expect_json 78 "score --json of a policy that does not parse" decision:HG-002 -- \
	"$hg" score --json --conf "$broken" --service s
expect_quiet 64 "score --json without --service is a usage error" "$hg" score --json --conf "$conf"

echo "# fingerprint"
"$hg" fingerprint --conf "$conf" "$tmp/seed.key" >"$tmp/fp.txt" 2>/dev/null
expect_json 0 "fingerprint --json FILE" fingerprint -- "$hg" fingerprint --json --conf "$conf" "$tmp/seed.key"
check "... the text form's fingerprint, by sigkey, of that path" pycheck "$tmp/stdout" '
import json, sys
o = json.load(sys.stdin)
assert o["fingerprint"] == open(sys.argv[1]).read().split()[0], o
assert (o["path"], o["env"], o["module"]) == (sys.argv[2], None, "sigkey"), o' "$tmp/fp.txt" "$tmp/seed.key"
odd=$tmp/$'seed-\xff.key'	# a path that is not UTF-8
cp "$tmp/seed.key" "$odd"
expect_json 0 "fingerprint --json of a path that is not UTF-8" fingerprint -- \
	"$hg" fingerprint --json --conf "$conf" "$odd"
check "... the stray byte is U+FFFD, the rest kept" pycheck "$tmp/stdout" '
import json, sys
o = json.load(sys.stdin)
assert o["path"] == sys.argv[1] + "/seed-\ufffd.key", o' "$tmp"
expect_json 0 "fingerprint --json --env VAR" fingerprint -- env HG_JSON_TOKEN=s3cr3t-t0ken-value \
	"$hg" fingerprint --json --conf "$conf" --env HG_JSON_TOKEN
check "... names the variable, not its value" pycheck "$tmp/out" '
import json, sys
t = sys.stdin.read()
o = json.loads(t.splitlines()[0])
assert (o["path"], o["env"], o["module"]) == (None, "HG_JSON_TOKEN", None), o
assert "s3cr3t" not in t, "the value is printed"'
expect_json 78 "fingerprint --json with a module the loader refuses" decision:HG-003 -- \
	"$hg" fingerprint --json --conf "$badmods" "$tmp/seed.key"
printf 'not a key\n' >"$tmp/notakey"
expect_quiet 64 "fingerprint --json of a file no module knows is a usage error" \
	"$hg" fingerprint --json --conf "$conf" "$tmp/notakey"

echo "# revoke"
fp=SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
expect_json 0 "revoke --json adds" revoke -- "$hg" revoke --json --conf "$conf" --fingerprint "$fp" --reason "leaked"
check "... added, into the list file" pycheck "$tmp/stdout" '
import json, os, sys
o = json.load(sys.stdin)
assert o["added"] is True and o["fingerprint"] == sys.argv[1] and o["reason"] == "leaked", o
assert os.path.isfile(o["file"]) and sys.argv[1] in open(o["file"]).read(), o' "$fp"
expect_json 0 "revoke --json of a listed fingerprint" revoke -- \
	"$hg" revoke --json --conf "$conf" --fingerprint "$fp" --reason "again"
check "... added false, no file" pycheck "$tmp/stdout" '
import json, sys
o = json.load(sys.stdin)
assert o["added"] is False and o["file"] is None, o'
expect_json 78 "revoke --json of a policy that does not parse" decision:HG-002 -- \
	"$hg" revoke --json --conf "$broken" --fingerprint "$fp" --reason x
expect_quiet 64 "revoke --json of a malformed fingerprint is a usage error" \
	"$hg" revoke --json --conf "$conf" --fingerprint SHA256:short --reason x

echo "# attest"
# an item of class attest, whichever: this tests the output, not the item
item=$("$hg" explain --all | awk '$2 == "attest" { print $1; exit }')
check "explain --all has an item of class attest ($item)" test -n "$item"
expect_json 0 "attest --json --init" key -- "$hg" attest --json --init --conf "$conf"
check "... the key's fingerprint, created" pycheck "$tmp/stdout" '
import json, re, sys
o = json.load(sys.stdin)
assert o["created"] is True and re.fullmatch(r"SHA256:[A-Za-z0-9+/]{43}", o["fingerprint"]), o'
akey=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["fingerprint"])' <"$tmp/stdout")
check "... and not the secret key" sh -c "! grep -qF \"\$(base64 -w0 '$tmp/attest/attest.key')\" '$tmp/stdout'"
expect_json 78 "attest --json --init again: the key exists" decision:HG-031 -- \
	"$hg" attest --json --init --conf "$conf"
expect_json 0 "attest --json --init --if-missing: the key is kept" key -- \
	"$hg" attest --json --init --if-missing --conf "$conf"
check "... not created, the same fingerprint" pycheck "$tmp/stdout" '
import json, sys
o = json.load(sys.stdin)
assert o["created"] is False and o["fingerprint"] == sys.argv[1], o' "$akey"
expect_json 0 "attest --json ID --by" record -- "$hg" attest --json --conf "$conf" "$item" --by alice --note "drill"
check "... the record's fields" pycheck "$tmp/stdout" '
import json, sys
o = json.load(sys.stdin)
assert (o["version"], o["id"], o["by"], o["note"], o["key"]) == (1, sys.argv[3], "alice", "drill", sys.argv[1]), o
line = open(sys.argv[2]).read().splitlines()[-1].split("\t")
assert line == [str(o[k]) for k in ("version", "id", "time", "by", "note", "key", "signature")], line' \
	"$akey" "$tmp/attest/attest.list" "$item"
expect_json 78 "attest --json of a policy that does not parse" decision:HG-002 -- \
	"$hg" attest --json --conf "$broken" "$item" --by alice
"$hg" revoke --conf "$conf" --fingerprint "$akey" --reason "key lost" >/dev/null 2>&1
expect_json 78 "attest --json with a revoked key" decision:HG-018 -- \
	"$hg" attest --json --conf "$conf" "$item" --by alice
expect_quiet 64 "attest --json without --by is a usage error" "$hg" attest --json --conf "$conf" "$item"

echo "# commands that refuse --json"
expect_usage "exec refuses --json" "$hg" exec --json --conf "$conf" --service web -- /bin/true
expect_usage "nft refuses --json" "$hg" nft --json --conf "$conf" --service web
expect_usage "seccomp --print refuses --json" "$hg" seccomp --json --print --conf "$conf" --service web

echo "# every command of hardgate --help is covered here"
"$hg" --help | awk '/^  [a-z]+ / { print $1 }' >"$tmp/commands"
check "hardgate --help lists commands" test -s "$tmp/commands"
while read -r c; do
	check "$c is run with --json in json.sh" grep -Eq "\"\\\$hg\" $c --json" "$0"
done <"$tmp/commands"
finish
