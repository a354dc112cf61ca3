#!/bin/bash
# apps.sh - the application modules through the real CLI: every example
# policy in conf/examples/ lints against the built modules, and
# `hardgate check` judges real dbward config files (hardened: exit 0;
# insecure: exit 78 with one line per finding, file:line and ID, and no
# secret value in the output).
. "$(dirname "$0")/lib.sh" || exit 1
hg=$HG_CLI
fx=$HG_SRCDIR/modules/dbward/fixtures

echo "# every example policy lints"
for ex in "$HG_SRCDIR"/conf/examples/*.conf; do
	name=$(basename "$ex" .conf)
	mkdir -p "$tmp/ex-$name/services.d"
	policy_head | write_policy "$tmp/ex-$name/hardgate.conf"
	write_policy "$tmp/ex-$name/services.d/$name.conf" <"$ex"
	expect_status 0 "example $name lints" "$hg" lint --conf "$tmp/ex-$name/hardgate.conf"
done

echo "# dbward server"
install -d -m 0700 "$tmp/state"
head -c 32 /dev/urandom >"$tmp/state/signing.key"
chmod 600 "$tmp/state/signing.key"
for f in server-hardened server-insecure agent-hardened agent-insecure; do
	sed "s|@STATE_DIR@|$tmp/state|" "$fx/$f.toml" >"$tmp/$f.toml"
	chmod 640 "$tmp/$f.toml"
done
{
	policy_head
	cat <<CONF
services: {
  good: { stack = ( { module = "dbward"; control = "required"; args: { config = "$tmp/server-hardened.toml"; role = "server";
          owner = "root"; tls_proxy = "nginx"; break_glass_roles = [ "dba-oncall" ]; }; } ); };
  bad: { stack = ( { module = "dbward"; control = "required"; args: { config = "$tmp/server-insecure.toml"; role = "server";
          tls_proxy = "nginx"; }; } ); };
  agent-good: { stack = ( { module = "dbward"; control = "required"; args: { config = "$tmp/agent-hardened.toml"; role = "agent"; }; } ); };
  agent-bad: { stack = ( { module = "dbward"; control = "required"; args: { config = "$tmp/agent-insecure.toml"; role = "agent"; }; } ); };
};
CONF
} | write_policy "$tmp/dbw.conf"

expect_status 0 "a hardened dbward server passes" "$hg" check --conf "$tmp/dbw.conf" --service good
expect_status 78 "an insecure dbward server is refused" "$hg" check --conf "$tmp/dbw.conf" --service bad
line_of() { grep -n -F -- "$1" "$2" | head -n 1 | cut -d: -f1; }
cfg=$tmp/server-insecure.toml
expect_grep "^hardgate\[bad\]: DBW-PRE-03 FAIL $(re "$cfg"):$(line_of 'allow_self_approve = true' "$cfg") workflow for orders/\* allows self-approval; fix: set allow_self_approve = false\$" \
	"$tmp/out" "self-approval: ID, file:line and fix on one line"
expect_grep "^hardgate\[bad\]: DBW-REC-07 FAIL $(re "$cfg"):$(line_of '[execution_policy]' "$cfg") " \
	"$tmp/out" "the ignored [execution_policy] table is a failure of its own"
expect_grep "^hardgate\[bad\]: DBW-REC-11 WARN .*drop_table is \"warn\" for orders in production" \
	"$tmp/out" "sql_review drop_table resolved for production"
for secret in hunter2-webhook xoxb-123-456-abc 8f14e45fceea167a5a36dedd4bea2543 AKIAEXAMPLESECRET; do
	expect_no_grep "$secret" "$tmp/out" "secret value ${secret:0:4}… never printed"
done

echo "# dbward agent"
DBWARD_AGENT_TOKEN=dbw_00000000000000000000000000000001 ORDERS_DB_PASSWORD=x ORDERS_STAGING_PASSWORD=y \
	expect_status 0 "a hardened agent passes in its environment" "$hg" check --conf "$tmp/dbw.conf" --service agent-good
APP_PW=x expect_status 78 "an insecure agent is refused" "$hg" check --conf "$tmp/dbw.conf" --service agent-bad
cfg=$tmp/agent-insecure.toml
expect_grep "^hardgate\[agent-bad\]: DBW-PRE-04 FAIL $(re "$cfg"):$(line_of 'agent_token' "$cfg") \[server\]\.agent_token is written in the config file" \
	"$tmp/out" "a literal agent token is refused at its line"
expect_no_grep "0123456789abcdef0123456789abcdef" "$tmp/out" "the literal token is never printed"
expect_grep "DBW-PRE-06 FAIL .* connects as postgres, a superuser" "$tmp/out" "superuser DSN refused"

echo "# kalamdb"
kfx=$HG_SRCDIR/modules/kalamdb/fixtures
cp "$kfx/single-hardened.toml" "$kfx/single-insecure.toml" "$tmp/"
chmod 640 "$tmp"/single-*.toml
{
	policy_head
	cat <<CONF
services: {
  kdb-good: { stack = ( { module = "kalamdb"; control = "required"; args: { config = "$tmp/single-hardened.toml"; }; } ); };
  kdb-bad: { stack = ( { module = "kalamdb"; control = "required"; args: { config = "$tmp/single-insecure.toml"; }; } ); };
};
CONF
} | write_policy "$tmp/kdb.conf"
jwt=Zq3Jv8xN2pL5tR9wZ1cF6hK0mB4yD7gS2
KALAMDB_JWT_SECRET=$jwt expect_status 0 "a hardened KalamDB node passes" "$hg" check --conf "$tmp/kdb.conf" --service kdb-good
expect_no_grep "$jwt" "$tmp/out" "the JWT secret is never printed"
KALAMDB_JWT_SECRET=$jwt KALAMDB_ALLOW_REMOTE_SETUP=true \
	expect_status 78 "KALAMDB_ALLOW_REMOTE_SETUP=true refuses the start" "$hg" check --conf "$tmp/kdb.conf" --service kdb-good
expect_grep "^hardgate\[kdb-good\]: KDB-A-04 FAIL KALAMDB_ALLOW_REMOTE_SETUP \(environment\) " "$tmp/out" "the override is named as the place to fix"
expect_status 78 "an insecure KalamDB node is refused" "$hg" check --conf "$tmp/kdb.conf" --service kdb-bad
cfg=$tmp/single-insecure.toml
expect_grep "^hardgate\[kdb-bad\]: KDB-A-06 FAIL $(re "$cfg"):$(line_of 'allowed_origins = ["*"]' "$cfg") " "$tmp/out" "CORS * refused at its line"
expect_grep "^hardgate\[kdb-bad\]: KDB-A-02 FAIL $(re "$cfg"):$(line_of 'jwt_secret' "$cfg") auth.jwt_secret is written in the config file" \
	"$tmp/out" "a JWT secret in the file is refused at its line"
expect_no_grep "your-secret-key-at-least" "$tmp/out" "the file's JWT secret is never printed"
finish
