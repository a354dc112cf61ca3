#!/bin/bash
# completion.sh - bash completion of hardgate: subcommands, per-command
# options, services read from the policy given with --conf, IDs from
# `hardgate explain --all`, and the wrapped command after exec's --.
. "$(dirname "$0")/lib.sh" || exit 1
bc=/usr/share/bash-completion/bash_completion
[ -f "$bc" ] || skip "bash-completion not installed (apt-get install bash-completion)"
mkdir "$tmp/bin"
ln -s "$HG_CLI" "$tmp/bin/hardgate"
write_policy "$tmp/h.conf" <<CONF
$(policy_head)
services: {
  alpha: { stack = ( { module = "coredump"; control = "required"; } ); };
  beta:  { stack = ( { module = "coredump"; control = "required"; } ); };
};
CONF

# complete WORDS...: the completions for the command line WORDS (the last
# word is the one being completed), one per line in $tmp/out
complete_line() {
	PATH="$tmp/bin:$PATH" bash -c '
source "$1"; source "$2"; shift 2
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
_hardgate hardgate "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$bc" "$HG_SRCDIR/packaging/bash-completion/hardgate" "$@" \
		>"$tmp/out" 2>"$tmp/complete.err"
}
# has WORD: WORD is one of the completions
has() { grep -qx -- "$1" "$tmp/out"; }
hasnt() { ! has "$1"; }

complete_line hardgate ""
# every command of hardgate --help, so a new command without completion fails
"$HG_CLI" --help | awk '/^  [a-z]+ / { print $1 }' >"$tmp/commands"
check "hardgate --help lists commands" test -s "$tmp/commands"
while read -r c; do
	check "subcommand $c is offered" has "$c"
done <"$tmp/commands"
complete_line hardgate au
check "'au' completes to audit only" test "$(cat "$tmp/out")" = audit

complete_line hardgate audit --
check "audit offers --prometheus" has --prometheus
check "audit offers --json" has --json
complete_line hardgate check --
check "check does not offer --prometheus" hasnt --prometheus
# --json where hardgate(8), OUTPUT, says the command takes it, and only there
for c in attest audit check explain fingerprint lint list revoke score; do
	complete_line hardgate "$c" --conf "$tmp/h.conf" --
	check "$c offers --json" has --json
done
for c in exec nft seccomp; do
	complete_line hardgate "$c" --conf "$tmp/h.conf" --
	check "$c does not offer --json (it refuses it)" hasnt --json
done
complete_line hardgate score --
check "score offers --threshold" has --threshold
complete_line hardgate attest --
check "attest offers --init" has --init
check "attest offers --if-missing" has --if-missing

complete_line hardgate check --conf "$tmp/h.conf" --service ""
check "--service offers the policy's services (alpha)" has alpha
check "--service offers the policy's services (beta)" has beta
complete_line hardgate check --conf "$tmp/h.conf" --service al
check "'al' completes to alpha only" test "$(cat "$tmp/out")" = alpha

complete_line hardgate explain DBW-PRE-0
check "explain completes IDs (DBW-PRE-05)" has DBW-PRE-05
check "every completed ID is known to explain" sh -c \
	"while read -r id; do '$HG_CLI' explain \"\$id\" >/dev/null || exit 1; done <'$tmp/out'"
complete_line hardgate explain HG-0
check "explain completes hardgate's own IDs (HG-011)" has HG-011

complete_line hardgate list ""
check "list offers modules and services" sh -c "grep -qx modules '$tmp/out' && grep -qx services '$tmp/out'"

ln -s /bin/true "$tmp/bin/hg-wrapped-cmd"
complete_line hardgate exec --service alpha -- hg-wrapped-c
check "after exec's -- the wrapped command is completed from PATH" has hg-wrapped-cmd
check "... and not hardgate's options" hasnt --service
finish
