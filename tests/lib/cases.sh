# shellcheck shell=bash
# The case runner the shell suites share: every function named test_*
# (matching PATTERN) runs with its own $WS and $OUT, a sanitizer report
# fails it, and the suite ends with "N passed, N failed".
#
#   run_cases LABEL PATTERN [AFTER-EACH]
#
# A case fails by setting T_FAILED=1 (fail) and is skipped, with its
# reason printed, by setting T_SKIPPED=1.  AFTER-EACH, if given, runs
# after every case, before its workspace is removed.

skip_case() {		# REASON: this case cannot run here, and why
	echo "    SKIP: $*"
	T_SKIPPED=1
}

run_cases() {
	local label=$1 pattern=$2 after=${3:-} t f start ms result
	local passed=0 failed=0 skipped=0
	for t in $(declare -F | awk '{print $3}' | grep '^test_' | grep -E -- "$pattern"); do
		T_FAILED=0
		T_SKIPPED=0
		T_NAME=$t
		WS=$SCRATCH/ws-$t
		OUT=$SCRATCH/out-$t
		# githerd keeps timings per URL for the user: per case here,
		# or what one case measured would reorder the next one's jobs
		export XDG_STATE_HOME=$SCRATCH/state-$t
		mkdir -p "$OUT"
		start=$(date +%s%N)
		"$t"
		[ -n "$after" ] && "$after"
		ms=$((($(date +%s%N) - start) / 1000000))
		for f in "$SCRATCH"/san/*; do
			[ -e "$f" ] || continue
			echo "    FAIL: sanitizer report $(basename "$f"):"
			sed 's/^/      | /' "$f" | head -n 40
			rm -f "$f"
			T_FAILED=1
		done
		if [ "$T_FAILED" -ne 0 ]; then
			result=FAIL
			failed=$((failed + 1))
		elif [ "$T_SKIPPED" -ne 0 ]; then
			result=skip
			skipped=$((skipped + 1))
		else
			result=ok
			passed=$((passed + 1))
		fi
		printf '%s: %-4s %-50s %4d.%ds\n' "$label" "$result" "$t" \
		    $((ms / 1000)) $((ms % 1000 / 100))
		rm -rf "$WS"
	done
	[ "$skipped" -gt 0 ] && echo "$label: $skipped skipped (see the reasons above)"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
