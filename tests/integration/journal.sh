#!/bin/bash
# journal.sh - decisions reach journald with structured fields: a socket
# the test binds stands in for /run/systemd/journal/socket (the policy's
# hardgate.log.journal names it), and the real preload and hardgate exec
# write to it in journald's native protocol.
. "$(dirname "$0")/lib.sh" || exit 1
hg=$HG_CLI
preload=$HG_PRELOAD_TEST

sock=$tmp/journal.sock
entries=$tmp/journal.jsonl
: >"$entries"
# journald's side: each datagram parsed (KEY=VALUE lines and the binary
# KEY\n<le64 size><data>\n form) and written as one JSON object per line
timeout 120 python3 -c '
import json, os, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
out = open(sys.argv[2], "a")
while True:
    d, i, e = s.recv(65536), 0, {}
    while i < len(d):
        nl = d.index(b"\n", i)
        line = d[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1)
            i = nl + 1
        else:
            k = line
            n = struct.unpack("<Q", d[nl + 1:nl + 9])[0]
            v = d[nl + 9:nl + 9 + n]
            assert d[nl + 9 + n:nl + 10 + n] == b"\n"
            i = nl + 10 + n
        e[k.decode()] = v.decode()
    out.write(json.dumps(e) + "\n")
    out.flush()' "$sock" "$entries" &
hg_pids+=("$!")
wait_until 10 test -S "$sock" || { not_ok "the test's journal socket did not appear"; finish; exit 1; }

printf 'k\n' >"$tmp/svc.key"
conf=$tmp/hardgate.conf
write_policy "$conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = true; journal = "$sock"; }; };
services: {
  svc: { stack = ( { module = "keyfile"; control = "required"; args: { path = "$tmp/svc.key"; mode = "0600"; id = "DBW-PRE-05"; }; },
                   { module = "coredump"; control = "required"; args: { kernel = "off"; }; } ); };
};
CONF

# has_entry PYEXPR: an entry e in the journal makes PYEXPR true (5 s at most)
has_entry() {
	wait_until 5 pycheck "$entries" '
import json, sys
es = [json.loads(l) for l in sys.stdin]
assert any(eval("(" + sys.argv[1] + ")") for e in es), es' "$1"
}

echo "# a refusal under the preload"
chmod 644 "$tmp/svc.key"
expect_status 78 "the preload refuses a 0644 key" \
	env LD_PRELOAD="$preload" HARDGATE_CONF="$conf" HARDGATE_SERVICE=svc /bin/true
check "the journal has the finding with HARDGATE_ID, _SEVERITY, _DECISION, _SERVICE" has_entry '
e.get("HARDGATE_ID") == "DBW-PRE-05" and e.get("HARDGATE_SEVERITY") == "FAIL"
and e.get("HARDGATE_DECISION") == "refused" and e.get("HARDGATE_SERVICE") == "svc"
and e.get("PRIORITY") == "3" and e.get("SYSLOG_IDENTIFIER") == "hardgate"
and e.get("HARDGATE_STAGE") == "process"'
check "its MESSAGE is the finding line the operator reads on stderr" has_entry '
e.get("MESSAGE", "").startswith("hardgate[svc]: DBW-PRE-05 FAIL ") and "; fix: chmod 0600 " in e["MESSAGE"]'
check "and the verdict entry says refused, exit 78" has_entry '
e.get("MESSAGE") == "hardgate[svc]: refused (exit 78): stack denied" and e.get("HARDGATE_STATUS") == "78"
and "HARDGATE_ID" not in e'

echo "# an allowed start under hardgate exec"
chmod 600 "$tmp/svc.key"
expect_status 0 "hardgate exec starts the program with a 0600 key" \
	"$hg" exec --conf "$conf" --service svc --preload "$preload" -- /bin/true
check "the journal has the allowed decision at the launcher stage (PRIORITY 6)" has_entry '
e.get("HARDGATE_DECISION") == "allowed" and e.get("HARDGATE_STAGE") == "launcher"
and e.get("PRIORITY") == "6" and e.get("HARDGATE_SERVICE") == "svc"'

echo "# syslog = false: nothing to the journal"
write_policy "$tmp/quiet.conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = false; journal = "$sock"; }; };
services: { quiet: { stack = ( { module = "keyfile"; control = "required"; args: { path = "$tmp/svc.key"; mode = "0600"; }; } ); }; };
CONF
n=$(wc -l <"$entries")
chmod 644 "$tmp/svc.key"
expect_status 78 "the preload refuses (quiet policy)" \
	env LD_PRELOAD="$preload" HARDGATE_CONF="$tmp/quiet.conf" HARDGATE_SERVICE=quiet /bin/true
sleep 0.5
check "no entry was written" test "$(wc -l <"$entries")" -eq "$n"

echo "# a journal socket in a directory the service's user owns"
mkdir -m 755 "$tmp/njournal"
chown nobody "$tmp/njournal" 2>/dev/null || chown 65534 "$tmp/njournal"
write_policy "$tmp/njournal.conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = true; journal = "$tmp/njournal/socket"; }; };
services: { svc: { stack = ( { module = "coredump"; control = "required"; args: { kernel = "off"; }; } ); }; };
CONF
expect_status 78 "hardgate exec refuses: whoever owns it could take the record" \
	"$hg" exec --conf "$tmp/njournal.conf" --service svc --preload "$preload" -- /bin/true
expect_out "HG-010 FAIL $(re "$tmp/njournal") journal socket $(re "$tmp/njournal/socket"): directory $(re "$tmp/njournal") is owned by uid [0-9]+, must be owned by root; fix: chown root" \
	"HG-010 names the socket, the directory and the fix"

echo "# a journal directory that cannot be judged refuses; only a missing one means syslog"
printf 'x\n' >"$tmp/fjournal"
for d in fjournal nojournal; do
	write_policy "$tmp/$d.conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { syslog = true; journal = "$tmp/$d/socket"; }; };
services: { svc: { stack = ( { module = "coredump"; control = "required"; args: { kernel = "off"; }; } ); }; };
CONF
done
expect_status 78 "a file where the journal's directory should be: refused" \
	"$hg" exec --conf "$tmp/fjournal.conf" --service svc --preload "$preload" -- /bin/true
expect_out "HG-010 FAIL .*journal socket $(re "$tmp/fjournal/socket")" "HG-010 names the socket"
expect_status 0 "no such directory: no journal, the start goes on (syslog)" \
	"$hg" exec --conf "$tmp/nojournal.conf" --service svc --preload "$preload" -- /bin/true

echo "# the policy key"
write_policy "$tmp/rel.conf" <<CONF
hardgate: { module_dir = "$HG_MODULE_DIR_TEST"; log: { journal = "journal.sock"; }; };
services: { };
CONF
expect_status 78 "a relative journal socket path is refused" "$hg" lint --conf "$tmp/rel.conf"
expect_out "HG-00[0-9] FAIL $(re "$tmp/rel.conf"):1 .*fix:" "with file:line and a fix"
finish
