#!/usr/bin/env bash
# The one runner of githerd's shell suites: the built binary against a
# real git daemon and a real lighttpd + git http-backend on 127.0.0.1,
# started here and stopped by PID, then every test_* function of
# tests/SUITE/t_*.sh.  Prints one line per case and ends with
# "N passed, N failed".
#
#   tests/lib/suite.sh integration [PATTERN]   the integration tests
#   tests/lib/suite.sh faults [PATTERN]        fault injection: proxies that
#       break connections, hostile servers, a bystander clone that must keep
#       every byte (tests/faults/lib.sh)
#
# GITHERD_SUITE_FILES="t_a t_b" runs only the cases of those files.
#
# A suite's lib.sh may define case_cleanup, run after every case; the
# default stops the helper processes the case started.
set -u
cd "$(dirname "$0")/../.."
suite=${1:-}
if [ -z "$suite" ] || [ ! -d "tests/$suite" ]; then
	echo "usage: tests/lib/suite.sh integration|faults [PATTERN]" >&2
	echo "0 passed, 1 failed"
	exit 2
fi
pattern=${2:-.}
label=${GITHERD_LABEL:-$suite}

# shellcheck source=../integration/lib.sh
. tests/integration/lib.sh
# shellcheck source=cases.sh
. tests/lib/cases.sh
# shellcheck source=helpers.sh
. tests/lib/helpers.sh
case_cleanup() { stop_helpers; }
if [ "$suite" != integration ] && [ -f "tests/$suite/lib.sh" ]; then
	# shellcheck disable=SC1090
	. "tests/$suite/lib.sh"
fi

setup_env
cleanup() {
	case_cleanup
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

for f in "tests/$suite"/t_*.sh; do
	if [ -n "${GITHERD_SUITE_FILES:-}" ]; then
		case " $GITHERD_SUITE_FILES " in
		*" $(basename "$f" .sh) "*) ;;
		*) continue ;;
		esac
	fi
	# shellcheck disable=SC1090
	. "$f"
done

run_cases "$label" "$pattern" case_cleanup
