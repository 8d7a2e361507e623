#!/usr/bin/env bash
# githerd's integration tests: the built binary against a real git daemon
# and a real lighttpd + git http-backend on 127.0.0.1, started here and
# stopped by PID.  Prints one line per test and ends with
# "N passed, N failed".
#
#   tests/integration/run.sh [PATTERN]   run tests whose name matches PATTERN
set -u
cd "$(dirname "$0")/../.."
# shellcheck source=lib.sh
. tests/integration/lib.sh

pattern=${1:-.}
label=${GITHERD_LABEL:-integration}
setup_env
cleanup() {
	stop_fleet
	rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -x "$BIN" ]; then
	echo "$label: $BIN is not built"
	echo "0 passed, 1 failed"
	exit 1
fi
if ! start_fleet; then
	echo "$label: cannot start the test servers"
	echo "0 passed, 1 failed"
	exit 1
fi

for f in tests/integration/t_*.sh; do
	# shellcheck disable=SC1090
	. "$f"
done

passed=0
failed=0
for t in $(declare -F | awk '{print $3}' | grep '^test_' | grep -E -- "$pattern"); do
	T_FAILED=0
	T_NAME=$t
	WS=$SCRATCH/ws-$t
	OUT=$SCRATCH/out-$t
	mkdir -p "$OUT"
	start=$(date +%s%N)
	"$t"
	ms=$((($(date +%s%N) - start) / 1000000))
	for f in "$SCRATCH"/san/*; do
		[ -e "$f" ] || continue
		echo "    FAIL: sanitizer report $(basename "$f"):"
		sed 's/^/      | /' "$f" | head -n 40
		rm -f "$f"
		T_FAILED=1
	done
	if [ "$T_FAILED" -eq 0 ]; then
		printf '%s: ok   %-46s %4d.%ds\n' "$label" "$t" $((ms / 1000)) $((ms % 1000 / 100))
		passed=$((passed + 1))
	else
		printf '%s: FAIL %-46s %4d.%ds\n' "$label" "$t" $((ms / 1000)) $((ms % 1000 / 100))
		failed=$((failed + 1))
	fi
	rm -rf "$WS"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
