#!/usr/bin/env bash
# githerd's fault-injection suite: real servers on 127.0.0.1 (and network
# namespaces the tests make), broken on purpose by proxies.  Each case
# checks the exit status, the error class in the JSON report, that a
# pre-existing checkout kept every byte, and that nothing was left behind.
#
#   tests/faults/run.sh [PATTERN]
set -u
cd "$(dirname "$0")/../.."
# shellcheck source=../integration/lib.sh
. tests/integration/lib.sh
# shellcheck source=lib.sh
. tests/faults/lib.sh

pattern=${1:-.}
label=${GITHERD_LABEL:-faults}
setup_env
cleanup() {
	stop_helpers
	stop_fleet
	rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -x "$BIN" ] || ! start_fleet; then
	echo "$label: cannot start (binary or servers missing)"
	echo "0 passed, 1 failed"
	exit 1
fi
for f in tests/faults/t_*.sh; do
	# shellcheck disable=SC1090
	. "$f"
done

passed=0
failed=0
skipped=0
for t in $(declare -F | awk '{print $3}' | grep '^test_' | grep -E -- "$pattern"); do
	T_FAILED=0
	T_SKIPPED=0
	T_NAME=$t
	WS=$SCRATCH/ws-$t
	OUT=$SCRATCH/out-$t
	mkdir -p "$OUT"
	start=$(date +%s%N)
	"$t"
	stop_helpers
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
	printf '%s: %-4s %-50s %4d.%ds\n' "$label" "$result" "$t" $((ms / 1000)) $((ms % 1000 / 100))
	rm -rf "$WS"
done
[ "$skipped" -gt 0 ] && echo "$label: $skipped skipped (see the reasons above)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
