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
# shellcheck source=../lib/cases.sh
. tests/lib/cases.sh
# shellcheck source=../lib/helpers.sh
. tests/lib/helpers.sh

pattern=${1:-.}
label=${GITHERD_LABEL:-faults}
setup_env
cleanup() {
	fault_cleanup
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

run_cases "$label" "$pattern" fault_cleanup
