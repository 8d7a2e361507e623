# shellcheck shell=bash
# githerd's own processes under attack: a worker killed, the parent
# killed, ^C, a second run on the same workspace, few descriptors, and a
# manifest of 10,000 entries.

# A victim that takes ~20 s (big.git through a proxy at 200 KB/s) for its
# first connection and passes later ones; the run goes to the background
# (RUN_PID) and this returns once the pack is arriving.
start_slow_victim() {	# FIRST-K [githerd options...]
	local first=$1
	shift
	bystander_setup
	start_proxy "$GIT_DAEMON_PORT" slow:200000 "$first" || { fail "proxy"; return 1; }
	fault_manifest "git://127.0.0.1:$PROXY_PORT/big.git"
	"$BIN" sync -C "$WS" --json "$OUT/r.json" --retry-delay 0.1 "$@" "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr" &
	RUN_PID=$!
	wait_for 15 partial_pack_exists "$WS" || { fail "the clone never started"; return 1; }
}

# Children of PID that are zombies (dead, not reaped).
zombies_of() {
	local c
	for c in $(pgrep -P "$1"); do
		grep -q '^State:.*Z' "/proc/$c/status" 2>/dev/null && echo "$c"
	done
}

test_worker_killed_mid_clone_is_retried() {
	local w
	start_slow_victim 1 -j 1 || return
	w=$(pgrep -P "$RUN_PID")
	[ "$(echo "$w" | wc -w)" = 1 ] || { fail "want one worker, have: $w"; return; }
	kill -KILL "$w"			# as the OOM killer would
	sleep 0.5
	[ -z "$(zombies_of "$RUN_PID")" ] || fail "zombies: $(zombies_of "$RUN_PID")"
	kill -0 "$w" 2>/dev/null && fail "the killed worker $w was never reaped"
	wait "$RUN_PID"
	echo $? >"$OUT/status"
	expect_outcome 0 ok
	expect_eq 2 "$(victim tries)" "tries"
	expect_eq crashed "$(attempt_classes)" "the first try, in the report"
	expect_grep "retry +victim .*\\(try 2 of 4\\): crashed: worker killed by signal 9" \
	    "$OUT/stderr" "retry line"
	git -C "$WS/victim" fsck --no-progress >/dev/null 2>&1 || fail "fsck"
}

test_parent_killed_then_next_run_sweeps_and_succeeds() {
	start_slow_victim 0 -j 2 || return
	# The parent alone: its workers follow it within 2 s.
	kill -KILL "$RUN_PID"
	wait "$RUN_PID" 2>/dev/null
	wait_for 2 no_live_procs "sync -C $WS" ||
	    fail "workers alive 2 s after the parent died: $(live_procs "sync -C $WS")"
	# Every process at once, as a power cut would: the partial clone stays.
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >/dev/null 2>&1 &
	RUN_PID=$!
	wait_for 15 partial_pack_exists "$WS" || { fail "the clone never started"; return; }
	pkill -KILL -f -- "sync -C $WS"
	wait "$RUN_PID" 2>/dev/null
	wait_for 2 no_live_procs "sync -C $WS" || fail "processes survived SIGKILL"
	[ -n "$(find "$WS" -maxdepth 1 -name '.githerd-tmp*')" ] ||
	    { fail "no temporary directory left to sweep"; return; }
	# The next run, straight to the daemon: it cleans up and clones.
	fault_manifest "$GIT_URL/big.git"
	run_fault
	expect_outcome 0 ok
	expect_grep "githerd: removed 1 temporary directory left by an interrupted run" \
	    "$OUT/stderr" "sweep message"
	git -C "$WS/victim" fsck --no-progress >/dev/null 2>&1 || fail "fsck"
}

test_sigint_mid_run() {
	start_slow_victim 0 || return
	kill -INT "$RUN_PID"
	wait "$RUN_PID"
	echo $? >"$OUT/status"
	expect_outcome 130 cancelled
	expect_grep '"signal": "SIGINT"' "$OUT/r.json" "report"
	expect_grep "interrupted: stopping workers and removing partial clones" "$OUT/stderr" "note"
	expect_grep "cancelled" "$OUT/stdout" "summary"
}

test_second_sigint_ends_at_once() {
	start_slow_victim 0 || return
	kill -INT "$RUN_PID"
	kill -INT "$RUN_PID"
	wait "$RUN_PID"
	echo $? >"$OUT/status"
	expect_outcome 130 cancelled
}

# status and freeze wait a moment for a running sync, then say what runs.
test_status_during_a_sync_says_a_sync_is_running() {
	local start
	start_slow_victim 1 || return
	start=$SECONDS
	"$BIN" status -C "$WS" "$OUT/m.yaml" >"$OUT/st.out" 2>"$OUT/st.err"
	expect_exit 3 $? "status while a sync runs"
	expect_grep "githerd: a sync \\(pid $RUN_PID\\) is running in .*: run again once it is done, or wait for it with --wait S" \
	    "$OUT/st.err" "message"
	[ $((SECONDS - start)) -le 4 ] || fail "status waited $((SECONDS - start)) s"
	kill -INT "$RUN_PID"
	wait "$RUN_PID" 2>/dev/null
	RUN_PID=
}

test_an_unwritable_report_is_refused_before_the_run() {
	bystander_setup
	fault_manifest "$GIT_URL/alpha.git"
	"$BIN" sync -C "$WS" --json "$OUT/no/such/dir/r.json" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 2 $? "exit status"
	expect_grep "githerd: --json .*/no/such/dir/r.json: cannot be written" "$OUT/stderr" "message"
	expect_missing "$WS/victim" "nothing was cloned"
}

test_two_concurrent_runs() {
	local waiter
	start_slow_victim 1 || return
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/second.out" 2>"$OUT/second.err"
	expect_exit 3 $? "second run"
	expect_grep "githerd: workspace .* locked by pid $RUN_PID" "$OUT/second.err" "message"
	expect_eq "" "$(cat "$OUT/second.out")" "nothing else printed"
	# --wait: the second run waits for the first, then does its work.
	"$BIN" sync -C "$WS" --wait 60 "$OUT/m.yaml" >"$OUT/third.out" 2>"$OUT/third.err" &
	waiter=$!
	sleep 1
	kill -0 "$waiter" 2>/dev/null || fail "--wait did not wait: $(cat "$OUT/third.err")"
	kill -INT "$RUN_PID"
	wait "$RUN_PID"
	expect_exit 130 $? "first run, interrupted"
	wait "$waiter"
	expect_exit 0 $? "the waiting run"
	expect_grep "1 cloned" "$OUT/third.out" "the waiting run's work"
	expect_eq "$BYSTANDER" "$(entry_digest "$WS/bystander")" "bystander"
	expect_no_tmp "$WS" "after both runs"
}

test_ulimit_n_16() {
	local i
	bystander_setup
	{
		printf 'repos:\n  - url: %s/alpha.git\n    path: bystander\n' "$GIT_URL"
		for i in 01 02 03 04 05 06 07 08 09 10; do
			printf '  - url: %s/tiny%s.git\n' "$GIT_URL" "$i"
		done
	} >"$OUT/m.yaml"
	(ulimit -n 16 && exec "$BIN" sync -j 8 -C "$WS" --json "$OUT/r.json" "$OUT/m.yaml") \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "exit status"
	expect_grep "capped to [0-9]+: the open-file limit is 16" "$OUT/stderr" "message"
	expect_no_grep "Too many open files" "$OUT/stdout" "EMFILE"
	expect_grep "11 repositories in .*: 10 cloned" "$OUT/stdout" "summary"
	expect_eq "$BYSTANDER" "$(entry_digest "$WS/bystander")" "bystander"
}

test_a_10000_entry_manifest() {
	local dead i fds hwm n=10000 asan=
	bystander_setup
	dead=$(free_port)
	# The sanitizer build checks the same code on 2,000 entries (7x
	# slower there, and its RSS means nothing); the scale and the RSS
	# bound are the normal build's.
	if ldd "$BIN" 2>/dev/null | grep -q libasan; then
		asan=1 n=2000
	fi
	{
		printf 'repos:\n  - url: %s/alpha.git\n    path: bystander\n' "$GIT_URL"
		for i in $(seq -f %04g 0 $((n - 1))); do
			printf '  - url: git://127.0.0.1:%s/r%s.git\n    path: g%s/r%s\n' \
			    "$dead" "$i" "${i:0:2}" "$i"
		done
	} >"$OUT/m.yaml"
	"$BIN" sync -j 8 --retries 0 -C "$WS" --json "$OUT/r.json" "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr" &
	RUN_PID=$!
	wait_for 20 grep -qsE "FAIL +g0" "$OUT/stderr" || { fail "the run never got going"; return; }
	fds=$(max_fds "$RUN_PID" 10)
	hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$RUN_PID/status")
	kill -INT "$RUN_PID"
	wait "$RUN_PID"
	expect_exit 130 $? "interrupted"
	echo "    parent with $((n + 1)) entries and 8 workers: peak RSS ${hwm} kB, at most $fds descriptors"
	# 8 workers cost 2 descriptors each; stdio, the lock, the self-pipe
	# and the report fit in 16 more.  No descriptor per entry.
	[ "$fds" -le 32 ] || fail "the parent holds $fds descriptors"
	# ASan's shadow memory and quarantine make RSS meaningless there.
	if [ -n "$asan" ]; then
		echo "    (sanitizer build: the RSS bound is checked in the normal build)"
	else
		[ "${hwm:-999999}" -lt 65536 ] || fail "the parent's peak RSS is $hwm kB"
	fi
	expect_grep "$((n + 1)) repositories in" "$OUT/stdout" "summary"
	expect_eq $((n + 1)) "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["repos"]))' "$OUT/r.json")" \
	    "entries in the report"
	expect_eq "$BYSTANDER" "$(entry_digest "$WS/bystander")" "bystander"
	expect_no_tmp "$WS" "after the run"
	# Status looks at all 10,001 through the same queue and workers.
	"$BIN" status -C "$WS" "$OUT/m.yaml" >"$OUT/status.out" 2>&1
	expect_eq "$n" "$(grep -c ' missing$' "$OUT/status.out")" "entries reported missing"
}
