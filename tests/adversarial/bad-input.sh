#!/bin/bash
# bad-input.sh - every way in (the preload in a real program, hardgate exec,
# hardgate check, the plugin API) x every kind of bad policy input: each is
# refused (exit 78) with one line naming an HG ID and the fix, within a
# bounded time and memory (max RSS from /usr/bin/time), and the program it
# protects never runs: its sentinel file stays absent. The same good policy
# through each way in runs the program (so a sentinel that is never written
# would fail the table).
. "$(dirname "$0")/../integration/lib.sh" || exit 1
[ -x /usr/bin/time ] || skip "needs /usr/bin/time (apt-get install time)"
command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"

# ASan's shadow and allocator cost memory of their own.
if [ -n "${HG_SANITIZERS:-}" ]; then max_kb=65536; else max_kb=16384; fi
max_s=10	# wall clock, generous: the machine is shared; a refusal takes ms
nobody=65534
# what an applied stack would change, set away from it: the plugin API's
# process shows it after a refusal (RLIMIT_CORE 0, dumpable 0 when applied)
ulimit -S -c unlimited
ulimit -H -c unlimited
# ASan sets the soft core limit to 0 in every process it starts, unless told not to
[ -z "${HG_SANITIZERS:-}" ] || export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}disable_coredump=0"
unapplied='state core=-1/-1 dumpable=1 nnp=0 seccomp=0'	# api-client, nothing applied
applied='state core=0/0 dumpable=0 nnp=0 seccomp=0'	# the good policy: coredump applied

good_text() {
	policy_head
	echo 'services: { s: { stack = ( { module = "coredump"; control = "required"; args: { kernel = "off"; }; } ); }; };'
}

# make_case KIND: $conf, the policy to give the way in ($tmp/KIND/hardgate.conf
# holding that kind of bad input), $as, the uid to run as, and $s, the
# sentinel the protected program would write (in a directory anyone may
# write, apart from the policy's, beside the service's own file service.db)
make_case() {
	local d=$tmp/$1 f=$tmp/$1/hardgate.conf
	rm -rf "$d" "$tmp/out-$1"
	mkdir -p "$d" "$tmp/out-$1"
	chmod 755 "$d"
	chmod 777 "$tmp/out-$1"
	echo precious >"$tmp/out-$1/service.db"
	touch -d @1000000000 "$tmp/out-$1/service.db"
	conf=$f
	s=$tmp/out-$1/sentinel
	as=0
	case $1 in
	good) good_text | write_policy "$f" ;;
	empty) : | write_policy "$f" ;;
	junk) head -c 4096 /dev/urandom | tr -d '\000' | write_policy "$f"
		printf '\377' >>"$f" ;;	# never valid UTF-8, whatever urandom gave
	truncated) good_text | head -c 150 | write_policy "$f" ;;
	huge)	# 100 MB (sparse): refused by size, never read whole
		good_text | write_policy "$f"
		truncate -s 100M "$f" ;;
	deep)	# 100000 nested lists (200 KB): libconfig's parser stack, not ours
		{ policy_head
		  printf 'services: { s: { stack = ( { module = "coredump"; control = "required"; args: { l = '
		  head -c 100000 /dev/zero | tr '\0' '('
		  head -c 100000 /dev/zero | tr '\0' ')'
		  printf '; }; } ); }; };\n'; } | write_policy "$f" ;;
	utf8) { policy_head
		printf 'services: { s: { stack = ( { module = "coredump"; control = "required"; args: { kernel = "of\355\240\200f"; }; } ); }; };\n'
		} | write_policy "$f" ;;
	dupkey) { good_text
		echo 'services: { s: { stack = ( { module = "coredump"; control = "optional"; } ); }; };'
		} | write_policy "$f" ;;
	missing) ;;
	unreadable)	# root's 0600 policy, read by a process that is not root
		good_text | write_policy "$f"
		chmod 600 "$f"
		as=$nobody ;;
	directory) mkdir -p "$f" ;;
	owner) good_text | write_policy "$f"
		chown "$nobody" "$f" ;;
	groupw) good_text | write_policy "$f"
		chmod 664 "$f" ;;
	symlink) good_text | write_policy "$d/real.conf"
		ln -s "$d/real.conf" "$f" ;;
	opendir) good_text | write_policy "$f"	# anyone may swap the file in this dir
		chmod 777 "$d" ;;
	esac
}

# way UID WAY CONF SENTINEL: run WAY on CONF as UID (0: as is); the
# protected program writes SENTINEL
way() {
	local u=$1 w=$2 conf=$3 s=$4 as=()
	# shellcheck disable=SC2016 # $1 is the inner shell's
	local prog=(/bin/sh -c 'echo ran >"$1"' sh "$s")
	[ "$u" -eq 0 ] || as=(setpriv --reuid="$u" --regid="$u" --clear-groups)
	case $w in
	preload) "${as[@]}" env LD_PRELOAD="$HG_PRELOAD_TEST" HARDGATE_CONF="$conf" \
			HARDGATE_SERVICE=s "${prog[@]}" ;;
	exec) "${as[@]}" "$HG_CLI" exec --conf "$conf" --service s --preload "$HG_PRELOAD_TEST" \
			-- "${prog[@]}" ;;
	check) "${as[@]}" "$HG_CLI" check --conf "$conf" --service s ;;
	api) HARDGATE_CONF=$conf "${as[@]}" "$HG_API_CLIENT" enforce s && echo ran >"$s" ;;
	esac
}

# measure UID WAY CONF SENTINEL: exit status in $st, max RSS (KB) in $rss,
# wall seconds in $secs, output in $tmp/out
measure() {
	st=0
	/usr/bin/time -f '%M %e' -o "$tmp/time" "$BASH" -c "$(declare -f way); way \"\$@\"" \
		way "$@" >"$tmp/out" 2>&1 || st=$?
	# GNU time adds "Command exited with non-zero status N" above
	read -r rss secs < <(tail -n 1 "$tmp/time")
}

# the reason: exactly one finding line with an HG ID and a fix, nothing else
# but hardgate's own lines (the API client prints its decision instead)
one_reason() {
	local n
	if [ "$1" = api ]; then
		n=$(grep -cE '^finding HG-[0-9]{3} [0-9] ' "$tmp/out")
		[ "$n" -eq 1 ] && grep -q 'allowed=0 status=78' "$tmp/out"
	else
		n=$(grep -cE '^hardgate\[s\]: HG-[0-9]{3} FAIL .+; fix: .+' "$tmp/out")
		[ "$n" -eq 1 ] && ! grep -qv '^hardgate\[' "$tmp/out"
	fi
}

# untouched KIND: the service's file is as made_case left it (content and
# mtime) and nothing else was written beside it but the sentinel
untouched() {
	local o=$tmp/out-$1 f
	[ "$(cat "$o/service.db")" = precious ] && [ "$(stat -c %Y "$o/service.db")" = 1000000000 ] ||
		return 1
	for f in "$o"/* "$o"/.[!.]*; do
		case ${f##*/} in service.db | sentinel | '*' | '.[!.]*') ;; *) return 1 ;; esac
	done
}

kinds=(empty junk truncated huge deep utf8 dupkey missing unreadable directory owner groupw symlink opendir)
ways=(preload exec check api)

for w in "${ways[@]}"; do
	make_case good
	measure 0 "$w" "$conf" "$s"
	if [ "$st" -eq 0 ] && { [ "$w" = check ] || [ -f "$s" ]; } && untouched good &&
		{ [ "$w" != api ] || grep -qx "$applied" "$tmp/out"; }; then
		ok "$w: the good policy runs the program (exit 0, ${rss} KB)"
	else
		not_ok "$w: the good policy: exit $st, sentinel $([ -f "$s" ] && echo written || echo absent)$(
			untouched good || echo ", the service's files changed")"
		show "$tmp/out"
	fi
done

for k in "${kinds[@]}"; do
	for w in "${ways[@]}"; do
		make_case "$k"
		measure "$as" "$w" "$conf" "$s"
		why=""
		[ "$st" -eq 78 ] || why="$why exit $st, want 78;"
		[ -e "$s" ] && why="$why the program ran (sentinel written);"
		one_reason "$w" || why="$why not one line naming an HG ID and a fix;"
		untouched "$k" || why="$why the service's files changed;"
		[ "$w" != api ] || grep -qx "$unapplied" "$tmp/out" ||
			why="$why the API's process changed (want $unapplied);"
		[ "$rss" -le "$max_kb" ] || why="$why max RSS ${rss} KB > ${max_kb} KB;"
		awk -v s="$secs" -v m="$max_s" 'BEGIN { exit !(s <= m) }' || why="$why ${secs} s > ${max_s} s;"
		if [ -z "$why" ]; then
			ok "$k via $w: refused, one reason, ${rss} KB, ${secs} s"
		else
			not_ok "$k via $w:$why"
			show "$tmp/out"
		fi
	done
done
finish
