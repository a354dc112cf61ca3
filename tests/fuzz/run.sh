#!/bin/sh
# run.sh SRCDIR SECONDS NAME... - run each built harness tests/fuzz/fuzz_NAME
# for SECONDS on its seed corpus SRCDIR/corpus/NAME (called by make fuzz and
# make fuzz-smoke from the build directory).
#
# New inputs go to tests/fuzz/corpus-NAME/ in the build tree, never into
# the source tree; a crash, leak, timeout or broken invariant leaves
# tests/fuzz/crash-NAME-* (or leak-, timeout-) and fails the run. Prints
# each harness's closing line (executions, cov:, ft:) as README.md records.
src=$1 secs=$2
shift 2
fail=0
# libconfig's own leak on a broken string: see lsan.supp
LSAN_OPTIONS=suppressions=$src/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}
export LSAN_OPTIONS
for t in "$@"; do
	bin=tests/fuzz/fuzz_$t
	log=tests/fuzz/$t.log
	mkdir -p "tests/fuzz/corpus-$t"
	# shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="tests/fuzz/crash-$t-" ${FUZZ_FLAGS:-} \
		"tests/fuzz/corpus-$t" "$src/corpus/$t" </dev/null >"$log" 2>&1
	rc=$?
	last=$(grep -E '^#[0-9]+[[:space:]]' "$log" | tail -n 1)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	printf '%-10s %s runs; %s\n' "$t" "${runs:-?}" "$last"
	if [ "$rc" -ne 0 ]; then
		fail=1
		echo "fuzz_$t FAILED (exit $rc), log $log:"
		grep -E -A40 'ERROR: |invariant broken|deadly signal' "$log" | head -n 60
	fi
done
exit "$fail"
