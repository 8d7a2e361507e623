# shellcheck shell=bash
# make bench is not part of make check, but its parts are: the harness
# runs a scenario end to end on the test fleet, and the WAN proxy delays
# and still delivers every byte.

test_bench_harness_runs_a_scenario() {
	BENCH_DIR=$OUT/bench BENCH_RUNS=1 BENCH_ONLY=small-git GITHERD=$BIN \
	    GIT_SMALL=$GIT_URL SMALL_REPOS=$FLEET/repos \
	    python3 "$TOP/tests/bench/bench.py" >"$OUT/table" 2>"$OUT/log"
	expect_exit 0 $? "bench.py"
	expect_grep '^\| scenario \| tool \| median \| runs \| githerd ÷ this \|' "$OUT/table" "header"
	expect_grep '^\| 200 small, git:// \| githerd -j 8 \| [0-9.]+ s \|' "$OUT/table" "githerd row"
	expect_grep '^\| 200 small, git:// \| xargs -P 8 git clone \| [0-9.]+ s \| [0-9.]+ \| [0-9.]+ x \|' \
	    "$OUT/table" "xargs row with a ratio"
	# Both tools really cloned every repository of the fleet.
	local n
	n=$(ls "$FLEET/repos" | grep -c '\.git$')
	expect_eq "$n" "$(ls "$OUT/bench/ws/200 small, git://-githerd" | wc -l)" "githerd's clones"
	expect_eq "$n" "$(ls "$OUT/bench/ws/200 small, git://-xargs" | wc -l)" "xargs' clones"
}

test_wan_proxy_delays_and_delivers() {
	local ms start
	_start_helper "$OUT/wan.ready" python3 "$TOP/tests/bench/wanproxy.py" \
	    --target "$GIT_DAEMON_PORT" --ready "$OUT/wan.ready" --delay-ms 50 --mbit 20 ||
	    { fail "wanproxy"; return; }
	start=$(date +%s%N)
	git clone -q "git://127.0.0.1:$HELPER_PORT/big.git" "$WS/big" 2>"$OUT/err"
	expect_exit 0 $? "clone through the proxy"
	ms=$((($(date +%s%N) - start) / 1000000))
	# A git:// clone takes at least two round trips of 100 ms, and 3.7 MB
	# at 20 Mbit/s take 1.5 s.
	[ "$ms" -ge 1500 ] || fail "the clone took only $ms ms: no delay or no cap"
	git -C "$WS/big" fsck --no-progress >/dev/null 2>&1 || fail "fsck"
}

