#!/bin/bash
# secretenv.sh - secrets under hardgate check, a real hardgate exec and
# the preload alone: a published or weak KALAMDB_JWT_SECRET refuses the
# start (KDB-A-02), a strong one starts the program with its environment;
# an agent token written in the agent's config, or revoked, refuses it (DBW-PRE-04,
# HG-018 + DBW-PRE-09); hardgate check reads a 0600 EnvironmentFile= and
# refuses a world-readable one. No secret value appears on stdout, stderr
# or in the JSON lines decision log, whatever the outcome.
. "$(dirname "$0")/lib.sh" || exit 1
command -v openssl >/dev/null || skip "openssl not installed (fingerprints for the revocation list)"
hg=$HG_CLI
preload=$HG_PRELOAD_TEST

weak=kalamdb-docker-dev-secret-please-change-32chars	# docker-compose fallback
short=Zq8wLp3vRt6y
strong=$(openssl rand -base64 48)
token=dbw_$(openssl rand -hex 16)
leaked=dbw_$(openssl rand -hex 16)
secrets=("$weak" "$short" "$strong" "$token" "$leaked")

log=$tmp/decisions.jsonl
conf=$tmp/hardgate.conf
mkdir -m 755 "$tmp/etc" "$tmp/revoked.d"
printf '[auth]\njwt_secret = "${KALAMDB_JWT_SECRET}"\n' >"$tmp/etc/server.toml"
printf '[server]\nurl = "https://dbward.test"\nagent_token = "${DBWARD_AGENT_TOKEN}"\n' \
	>"$tmp/etc/agent.toml"
write_policy "$conf" <<CONF
$(policy_head "$log")
services: {
  kalamdb: {
    stack = (
      { module = "secretenv"; control = "required";
        args: { strong = [ "KALAMDB_JWT_SECRET" ]; forbid_in_files = [ "$tmp/etc/server.toml" ];
                env_file = "$tmp/etc/kalamdb.env"; id = "KDB-A-02"; revoked_id = "KDB-E-01"; }; }
    );
  };
  dbward-agent: {
    stack = (
      { module = "secretenv"; control = "required";
        args: { require_env = [ "DBWARD_AGENT_TOKEN" ]; forbid_in_files = [ "$tmp/etc/agent.toml" ];
                id = "DBW-PRE-04"; revoked_id = "DBW-PRE-09"; }; }
    );
  };
};
CONF

# the program a service would be: says it started, and that it got the secret
prog() { echo 'test -n "$KALAMDB_JWT_SECRET$DBWARD_AGENT_TOKEN" && echo started'; }

# hg_exec SERVICE VAR=VALUE...: a real hardgate exec of /bin/sh with VARS
hg_exec() {
	local svc=$1
	shift
	run_split env -u KALAMDB_JWT_SECRET -u DBWARD_AGENT_TOKEN "$@" \
		"$hg" exec --conf "$conf" --service "$svc" --preload "$preload" -- /bin/sh -c "$(prog)"
}

# hg_preload SERVICE VAR=VALUE...: /bin/sh under the preload alone with VARS
hg_preload() {
	local svc=$1
	shift
	run_split env -u KALAMDB_JWT_SECRET -u DBWARD_AGENT_TOKEN "$@" LD_PRELOAD="$preload" \
		HARDGATE_CONF="$conf" HARDGATE_SERVICE="$svc" /bin/sh -c "$(prog)"
}

# hg_check SERVICE VAR=VALUE...: hardgate check with VARS only
hg_check() {
	local svc=$1
	shift
	run_split env -u KALAMDB_JWT_SECRET -u DBWARD_AGENT_TOKEN "$@" \
		"$hg" check --conf "$conf" --service "$svc"
}

# no_secret WHAT: none of the secret values is in the last output or the log
no_secret() {
	local s f
	for s in "${secrets[@]}"; do
		for f in "$tmp/stdout" "$tmp/stderr" "$log"; do
			if [ -f "$f" ] && grep -qF -- "$s" "$f"; then
				not_ok "$1: a secret value is in $(basename "$f")"
				return
			fi
		done
	done
	ok "$1: no secret value on stdout, stderr or in the decision log"
}

# refused STATUS-DESCRIPTION ID: exit 78 with a finding ID and no start
refused() {
	if [ "$st" -eq 78 ] && grep -q "$2 FAIL" "$tmp/out" && ! grep -q '^started$' "$tmp/stdout"; then
		ok "$1: refused (exit 78, $2)"
	else
		not_ok "$1: exit $st, want 78 with $2"
		show "$tmp/out"
	fi
}

allowed() {
	if [ "$st" -eq 0 ]; then ok "$1 (exit 0)"; else not_ok "$1: exit $st, want 0"; show "$tmp/out"; fi
}

started() {
	if [ "$st" -eq 0 ] && grep -q '^started$' "$tmp/stdout"; then
		ok "$1: started with its secret (exit 0)"
	else
		not_ok "$1: exit $st, want 0 and the program's output"
		show "$tmp/out"
	fi
}

echo "# KALAMDB_JWT_SECRET"
hg_check kalamdb KALAMDB_JWT_SECRET="$weak"
refused "check, published value" KDB-A-02
expect_out "published value" "the finding says it is a published value"
no_secret "check, published value"
hg_exec kalamdb KALAMDB_JWT_SECRET="$weak"
refused "exec, published value" KDB-A-02
no_secret "exec, published value"
hg_exec kalamdb KALAMDB_JWT_SECRET="$short"
refused "exec, 12-byte secret" KDB-A-02
expect_out "is 12 bytes, must be at least 32" "the finding gives the length, not the value"
no_secret "exec, short secret"
hg_exec kalamdb
refused "exec, secret unset" KDB-A-02
hg_check kalamdb KALAMDB_JWT_SECRET="$strong"
allowed "check, strong secret"
hg_exec kalamdb KALAMDB_JWT_SECRET="$strong"
started "exec, strong secret"
no_secret "exec, strong secret"
hg_preload kalamdb KALAMDB_JWT_SECRET="$weak"
if [ "$st" -eq 78 ] && ! grep -q '^started$' "$tmp/stdout"; then
	ok "preload, published value: refused before main (exit 78)"
else
	not_ok "preload, published value: exit $st, want 78"; show "$tmp/out"
fi
no_secret "preload, published value"
hg_preload kalamdb KALAMDB_JWT_SECRET="$strong"
started "preload, strong secret"

echo "# EnvironmentFile= for hardgate check"
printf '# kalamdb\nKALAMDB_JWT_SECRET="%s"\n' "$strong" >"$tmp/etc/kalamdb.env"
chmod 600 "$tmp/etc/kalamdb.env"
hg_check kalamdb
allowed "check reads a strong secret from a 0600 env file"
printf 'KALAMDB_JWT_SECRET=%s\n' "$weak" >"$tmp/etc/kalamdb.env"
hg_check kalamdb
refused "check, published value in the env file" KDB-A-02
expect_out "$(re "$tmp/etc/kalamdb.env"):1" "the finding names the env file's line"
no_secret "check, env file"
chmod 644 "$tmp/etc/kalamdb.env"
hg_check kalamdb
refused "check, world-readable env file" HG-011
printf 'KALAMDB_JWT_SECRET=%s\n' "$strong" >"$tmp/etc/kalamdb.env"
chmod 600 "$tmp/etc/kalamdb.env"
hg_exec kalamdb
refused "exec does not read the env file: the environment is the truth" KDB-A-02
expect_out "KALAMDB_JWT_SECRET is not set in the environment" "the finding says it is not set"
rm -f "$tmp/etc/kalamdb.env"

echo "# DBWARD_AGENT_TOKEN"
hg_exec dbward-agent DBWARD_AGENT_TOKEN="$token"
started "exec, token only in the environment"
printf '[server]\nurl = "https://dbward.test"\nagent_token = "%s"\n' "$leaked" >"$tmp/etc/agent.toml"
hg_check dbward-agent DBWARD_AGENT_TOKEN="$leaked"
refused "check, token written in agent.toml" DBW-PRE-04
expect_out "$(re "$tmp/etc/agent.toml"):3 the value of DBWARD_AGENT_TOKEN is written" \
	"the finding names agent.toml:3 and the variable"
no_secret "check, leaked token"
hg_exec dbward-agent DBWARD_AGENT_TOKEN="$leaked"
refused "exec, token written in agent.toml" DBW-PRE-04
no_secret "exec, leaked token"

echo "# revocation"
fp=SHA256:$(printf '%s' "$token" | openssl dgst -sha256 -binary | base64 | tr -d '=\n')
printf '%s agent token leaked in a ticket\n' "$fp" >"$tmp/revoked.d/incident.list"
chmod 644 "$tmp/revoked.d/incident.list"
printf '[server]\nagent_token = "${DBWARD_AGENT_TOKEN}"\n' >"$tmp/etc/agent.toml"
hg_exec dbward-agent DBWARD_AGENT_TOKEN="$token"
refused "exec, revoked token" HG-018
expect_out "DBW-PRE-09 FAIL" "the policy's revoked_id is reported beside HG-018"
expect_out "$(re "$fp")" "the finding names the token's fingerprint"
no_secret "exec, revoked token"
check "the decision log records the refusal" grep -q '"HG-018"' "$log"
hg_exec dbward-agent DBWARD_AGENT_TOKEN="$leaked"
started "exec, a new token after revocation"

finish
