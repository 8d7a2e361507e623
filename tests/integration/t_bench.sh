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

# The ROS 2 scenarios' harness on a corpus of a hundredth of the size:
# the corpus, the .repos file, the cache, the check that stops the bench
# when a checkout through the cache differs from a cold one, and the count
# of fetches in the access log.  (ros2-4ci takes 30 s more on a disk.)
test_bench_ros2_warm_cache_at_a_small_scale() {
	local r2=$TOP/build/fleet-ros2-s0.01 st=$OUT/ros2-http
	# start_http exports these; the other cases need the suite's own.
	local HTTP_URL HTTP_PORT HTTP_PID
	python3 "$TOP/tests/lib/mkfleet.py" --profile bench-ros2 --scale 0.01 --out "$r2" \
	    >"$OUT/mkfleet" 2>&1 || { fail "mkfleet: $(tail -3 "$OUT/mkfleet")"; return; }
	start_http "$r2/repos" "$st" || { fail "start_http"; return; }
	BENCH_DIR=$OUT/bench BENCH_RUNS=1 BENCH_ONLY=ros2-warm-cache GITHERD=$BIN \
	    HTTP_ROS2=$HTTP_URL ROS2_FLEET=$r2/fleet.json ROS2_REPOS=$r2/repos ROS2_HTTP_STATE=$st \
	    python3 "$TOP/tests/bench/bench.py" >"$OUT/table" 2>"$OUT/log"
	expect_exit 0 $? "bench.py"
	stop_servers "$st"
	expect_grep '^\| ROS 2 \(66 repos, 2 MB, scale 0.01\), warm cache, HTTP \| githerd -j 8 --cache \(warm\) \| [0-9.]+ s \| .* POSTs to git-upload-pack per run: 0 \|$' \
	    "$OUT/table" "warm row: nothing fetched"
	expect_grep '^\| .*, warm cache, HTTP \| githerd -j 8 \(cold, no cache\) \| [0-9.]+ s \| [0-9.]+ \| [0-9.]+ x \|' \
	    "$OUT/table" "cold row with a ratio"
	expect_grep '^bench: ros2-warm-cache: all 66 checkouts the same, git fsck clean$' "$OUT/log" "checked"
}
