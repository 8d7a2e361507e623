#!/usr/bin/env bash
# Run githerd's test suites and end with one "N passed, N failed" line, so
# that a run which executed nothing cannot look green.
#
#   tests/run-all.sh [unit|integration|faults|all]   (default: all)
#
# "all" runs the unit and fault suites against the normal build, then the
# unit, integration and fault suites against the ASan+UBSan build in
# build-asan/ (built by `make asan`).
set -u
cd "$(dirname "$0")/.."

what=${1:-all}
passed=0
failed=0

# Criterion prints "Synthesis: Tested: T | Passing: P | Failing: F | Crashing: C".
run_unit() {		# BUILD_DIR LABEL
	local t out line p f c status
	# One binary per tests/unit/test_*.c: a missing one fails, and a stale
	# one whose source is gone (a renamed test) is not run.
	for src in tests/unit/test_*.c; do
		t=$1/tests/$(basename "$src" .c)
		if [ ! -x "$t" ]; then
			echo "FAIL $2 $(basename "$t"): not built (make unit-tests)"
			failed=$((failed + 1))
			continue
		fi
		out=$("$t" --jobs 2 2>&1)
		status=$?
		line=$(printf '%s\n' "$out" | grep 'Synthesis:' | tail -n 1)
		if [ -z "$line" ]; then
			printf '%s\n' "$out" | tail -n 20
			echo "FAIL $2 $(basename "$t"): no Criterion synthesis (exit $status)"
			failed=$((failed + 1))
			continue
		fi
		p=$(printf '%s' "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
		f=$(printf '%s' "$line" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
		c=$(printf '%s' "$line" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
		if [ "$f" != 0 ] || [ "$c" != 0 ] || [ $status -ne 0 ]; then
			printf '%s\n' "$out" | grep -v '^\[----\] *$' | tail -n 40
		fi
		echo "$2 $(basename "$t"): $p passed, $((f + c)) failed"
		passed=$((passed + p))
		failed=$((failed + f + c))
		[ $status -eq 0 ] || [ $((f + c)) -gt 0 ] || failed=$((failed + 1))
	done
}

# count_suite OUT LABEL: add up the "N passed, N failed" line a suite
# wrote to OUT; a suite that wrote none failed.
count_suite() {
	local last p f
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" | tail -n 1)
	if [ -z "$last" ]; then
		echo "FAIL $2: the suite did not report a result"
		failed=$((failed + 1))
	else
		p=${last%% passed*}
		f=${last#*passed, }
		f=${f%% failed*}
		passed=$((passed + p))
		failed=$((failed + f))
	fi
}

seams_of() {
	if [ "$1" = build-asan/githerd ]; then
		echo build-asan/githerd-seams
	else
		echo build/githerd-seams
	fi
}

# run_suite SUITE BINARY LABEL: tests/lib/suite.sh, ending in "N passed,
# N failed"; the seams build (make seams) lies beside BINARY's objects.
run_suite() {
	local out
	out=$(mktemp)
	GITHERD_BIN=$2 GITHERD_SEAMS_BIN=$(seams_of "$2") GITHERD_LABEL=$3 \
	    tests/lib/suite.sh "$1" 2>&1 | tee "$out"
	count_suite "$out" "$3"
	rm -f "$out"
}

# run_suite_halves SUITE BINARY LABEL "FILES": the suite in two runs at
# once, FILES in one and the other files in the other, each with its own
# servers on free ports and its own scratch directory; much of a case's
# time is spent waiting on servers and child processes, so the two
# share the cores well.  Their output is printed one run after the other.
# The files are split so that both take about as long (2026-12-03: 143 s
# and 142 s of cases under ASan); a helper one file's cases use from
# another must live in tests/integration/lib.sh.
run_suite_halves() {
	local a b f rest="" pid
	a=$(mktemp)
	b=$(mktemp)
	for f in tests/"$1"/t_*.sh; do
		f=$(basename "$f" .sh)
		case " $4 " in *" $f "*) ;; *) rest="$rest $f" ;; esac
	done
	# Both runs use one fixture fleet: build it before either starts.
	python3 tests/lib/mkfleet.py --profile test --out build/fleet-test \
	    >/dev/null
	GITHERD_SUITE_FILES=$4 GITHERD_BIN=$2 \
	    GITHERD_SEAMS_BIN=$(seams_of "$2") GITHERD_LABEL=$3 \
	    tests/lib/suite.sh "$1" >"$a" 2>&1 &
	pid=$!
	GITHERD_SUITE_FILES=$rest GITHERD_BIN=$2 \
	    GITHERD_SEAMS_BIN=$(seams_of "$2") GITHERD_LABEL=$3 \
	    tests/lib/suite.sh "$1" >"$b" 2>&1
	wait "$pid"
	cat "$a" "$b"
	count_suite "$a" "$3 (first half)"
	count_suite "$b" "$3 (second half)"
	rm -f "$a" "$b"
}

case $what in
unit)
	run_unit build unit ;;
integration)
	run_suite integration ./githerd integration ;;
faults)
	run_suite faults ./githerd faults ;;
all)
	# The integration suite runs once, on the ASan+UBSan build: the same
	# code, checked harder, and make check stays under 10 minutes.  So does
	# the fault suite, except the files whose outcome the allocator and the
	# build decide (memory and open-file limits, the parent's RSS at 10,000
	# entries): those also run on the optimised build users run, as ASan's
	# shadow memory changes them.  Signals and stalls run under ASan only,
	# whose slower workers make their races the harder ones.
	run_unit build unit
	GITHERD_SUITE_FILES="t_process t_limits" \
	    run_suite faults ./githerd faults
	run_unit build-asan asan-unit
	run_suite_halves integration build-asan/githerd asan-integration \
	    "t_auth t_cache t_display t_docs t_engine t_exec t_schedule \
	    t_vcstool"
	run_suite faults build-asan/githerd asan-faults ;;
*)
	echo "usage: tests/run-all.sh [unit|integration|faults|all]" >&2
	exit 2 ;;
esac

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
