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
# shellcheck source=../lib/cases.sh
. tests/lib/cases.sh
# shellcheck source=../lib/helpers.sh
. tests/lib/helpers.sh

pattern=${1:-.}
label=${GITHERD_LABEL:-integration}
setup_env
cleanup() {
	stop_helpers
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

run_cases "$label" "$pattern" stop_helpers
