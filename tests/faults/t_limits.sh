# shellcheck shell=bash
# Bounded workers: a hostile blob fails its job as refused, never the
# machine; a server's endless progress messages cannot keep a job (and
# the workspace lock) alive; a pack that trickles in is cut off.

# The 1 GiB blob, made once per fleet (about 10 s) and shared by the
# normal and the sanitizer runs.
BIGBLOB=$TOP/build/hostile/bigblob.git

# max_rss_kb PATTERN: the most resident memory any one process whose
# command line matches PATTERN was seen using, while the test's run
# ($RUN_PID) lasts.
max_rss_kb() {
	local max=0 kb pid
	while kill -0 "$RUN_PID" 2>/dev/null; do
		for pid in $(pgrep -f -- "$1" 2>/dev/null); do
			kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
			[ -n "$kb" ] && [ "$kb" -gt "$max" ] && max=$kb
		done
		sleep 0.05
	done
	echo "$max"
}

test_huge_blob_fails_its_job_not_the_machine() {
	local rss
	bystander_setup
	python3 "$TOP/tests/faults/mkbigblob.py" "$BIGBLOB" $((1 << 30)) ||
	    { fail "cannot make the 1 GiB blob"; return; }
	start_upstreams || { fail "upstreams"; return; }
	mkdir -p "$UP/$T_NAME"
	cp -a "$BIGBLOB" "$UP/$T_NAME/big.git"
	fault_manifest "$UP_GIT/$T_NAME/big.git"
	"$BIN" sync -C "$WS" --json "$OUT/r.json" --retries 2 --max-memory 256M \
	    "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr" &
	RUN_PID=$!
	rss=$(max_rss_kb "sync -C $WS")
	wait "$RUN_PID"
	echo $? >"$OUT/status"
	RUN_PID=
	expect_outcome 1 refused
	expect_eq 1 "$(victim tries)" "never retried"
	expect_grep "FAIL victim: refused: .*needs more memory than a worker may use \\(--max-memory 256M\\)" \
	    "$OUT/stdout" "message"
	# Unbounded, the worker's RSS passed 1 GiB; under the limit it stays
	# far below (a sanitizer build adds its own shadow memory).
	echo "    largest process: $((rss / 1024)) MiB"
	[ "$rss" -lt $((700 * 1024)) ] || fail "a process reached $((rss / 1024)) MiB"
}

test_endless_progress_messages_do_not_keep_a_job_alive() {
	local start secs
	bystander_setup
	_start_helper "$OUT/evil.ready" python3 "$TOP/tests/faults/evilgit.py" \
	    --repo "$FLEET/repos/alpha.git" --mode sideband \
	    --ready "$OUT/evil.ready" --log "$OUT/evil.log" || { fail "server"; return; }
	fault_manifest "git://127.0.0.1:$HELPER_PORT/alpha.git"
	start=$SECONDS
	# The chatter arrives far faster than libgit2's progress threshold:
	# before, it reset the watchdog and the run never ended.
	timeout 60 "$BIN" sync -C "$WS" --json "$OUT/r.json" --retries 0 \
	    --stall-timeout 3 "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	echo $? >"$OUT/status"
	secs=$((SECONDS - start))
	expect_outcome 1 timeout
	expect_grep "FAIL victim: timeout: no progress for 3s \\(--stall-timeout; the server's progress messages do not count\\)" \
	    "$OUT/stdout" "message"
	[ "$secs" -lt 30 ] || fail "the run took ${secs}s"
	[ -s "$OUT/evil.log" ] || fail "the server saw no request"
	# The workspace lock went with the run.
	"$BIN" status -C "$WS" >/dev/null 2>&1
	[ $? != 3 ] || fail "the workspace is still locked"
}

test_pack_trickling_below_the_low_speed_limit_is_cut_off() {
	bystander_setup
	start_proxy "$GIT_DAEMON_PORT" slow:400 || { fail "proxy"; return; }
	fault_manifest "git://127.0.0.1:$PROXY_PORT/big.git"
	run_fault --retries 0 --low-speed-limit 4k --low-speed-time 3
	expect_outcome 1 timeout
	expect_grep "FAIL victim: timeout: the pack arrived at [0-9.]+ B/s for [0-9.]+s, below --low-speed-limit 4.0 KiB/s" \
	    "$OUT/stdout" "message"
	# The same server at full speed is fine with the same limits.
	stop_helpers
	fault_manifest "$GIT_URL/big.git"
	run_fault --retries 0 --low-speed-limit 4k --low-speed-time 3
	expect_outcome 0 ok
}
