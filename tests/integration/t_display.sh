# shellcheck shell=bash
# The live display on a real terminal (a pty of a set width) against a
# real server: paths with CJK and combining characters never wrap the
# live area or leave a line behind (tests/lib/screen.py replays what the
# terminal was sent), and an ETA appears only once every entry has a
# recorded duration.

# A server of its own at 1.5 MB/s a connection: the suite's shared slow
# one runs at whatever speed the first test asked for.  Sets DISPLAY_URL.
start_display_http() {
	local save_url=$HTTP_URL save_port=$HTTP_PORT save_pid=$HTTP_PID
	mkdir -p "$STATE/display"
	SERVERS_HTTP_KBPS=1500 start_http "$FLEET/repos" "$STATE/display" || return 1
	DISPLAY_URL=$HTTP_URL
	HTTP_URL=$save_url HTTP_PORT=$save_port HTTP_PID=$save_pid
}

# display_run COLS OUTFILE: sync $OUT/m.yaml on a COLS-wide terminal.
display_run() {
	TERM=xterm python3 "$TOP/tests/lib/ptyrun.py" "$1" "$2" -- \
	    "$BIN" sync -j 2 --progress tty -C "$WS" "$OUT/m.yaml"
}

wide_manifest() {
	cat >"$OUT/m.yaml" <<YAML
repos:
  - url: $DISPLAY_URL/big.git
    path: "日本語/ライブラリ/とても長い名前のリポジトリ"
  - url: $DISPLAY_URL/big.git
    path: "café/résumé/naïve-déjà-vu-tout-à-fait"
  - url: $DISPLAY_URL/alpha.git
    path: "中文/数据"
YAML
}

test_wide_paths_on_a_narrow_and_a_wide_terminal() {
	local rc
	start_display_http || { fail "the display's server"; return; }
	wide_manifest
	display_run 40 "$OUT/tty40"
	rc=$?
	expect_exit 0 "$rc" "first sync, 40 columns"
	python3 "$TOP/tests/lib/screen.py" 40 "$OUT/tty40" >"$OUT/screen40" ||
	    fail "the 40-column screen (see $OUT/screen40)"
	expect_grep "^\[[0-9]/3\] cloned  日本語/ライブラリ/とても長い名前のリポジトリ main" \
	    "$OUT/screen40" "the CJK entry's line, once, whole"
	expect_grep "receiving" "$OUT/tty40" "frames were drawn while receiving"
	expect_no_grep "ETA" "$OUT/tty40" "no ETA without a record of every entry"
	expect_no_grep "receiving +[0-9]+%" "$OUT/tty40" \
	    "no percent of a transfer whose size nothing recorded"
	# The entries go; their history stays: the same clones again know
	# how long they take and how many bytes they receive.
	rm -rf "$WS/日本語" "$WS/café" "$WS/中文"
	display_run 200 "$OUT/tty200"
	rc=$?
	expect_exit 0 "$rc" "second sync, 200 columns"
	python3 "$TOP/tests/lib/screen.py" 200 "$OUT/tty200" >"$OUT/screen200" ||
	    fail "the 200-column screen (see $OUT/screen200)"
	expect_grep "ETA" "$OUT/tty200" "an ETA from the recorded durations"
	expect_grep "receiving  \[#* *\] +[0-9]+%" "$OUT/tty200" \
	    "a bar and a percent of the bytes the last clone received"
	expect_grep "^\[[0-9]/3\] cloned  café/résumé/naïve-déjà-vu-tout-à-fait main" \
	    "$OUT/screen200" "the accented entry's line, whole"
}

# --trace: a timeline that the Trace Event rules accept, one lane per
# slot, each entry's tries as slices with their phases inside, the wait
# before a retry on a lane of its own, and the counters.
test_trace_is_a_valid_timeline_of_the_run() {
	local rc
	cat >"$OUT/m.yaml" <<YAML
repos:
  - url: $GIT_URL/alpha.git
  - url: $HTTP_URL/beta.git
  - url: $GIT_URL/big.git
  - url: http://127.0.0.1:1/refused.git
    path: refused
YAML
	"$BIN" sync -j 2 --retries 1 --retry-delay 0.2 -C "$WS" \
	    --trace "$OUT/trace.json" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	rc=$?
	expect_exit 1 "$rc" "one entry cannot connect"
	python3 "$TOP/tests/lib/tracecheck.py" "$OUT/trace.json" \
	    --entries alpha,beta,big,refused --retries 1 --slots 2 \
	    >"$OUT/check" 2>&1 || fail "tracecheck: $(cat "$OUT/check")"
	expect_grep '"name":"receiving","cat":"phase"' "$OUT/trace.json" \
	    "phases as slices"
	expect_grep '"name":"refused: backoff before try 2","cat":"retry"' \
	    "$OUT/trace.json" "the wait before the retry"
	expect_grep '"outcome":"network"' "$OUT/trace.json" "the failed try's class"
	# The checker can fail: two slices on one lane at once are refused.
	python3 - "$OUT/trace.json" "$OUT/bad.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
jobs = [e for e in d["traceEvents"] if e.get("cat") == "job"]
jobs[1]["tid"], jobs[1]["ts"] = jobs[0]["tid"], jobs[0]["ts"]
json.dump(d, open(sys.argv[2], "w"))
PY
	python3 "$TOP/tests/lib/tracecheck.py" "$OUT/bad.json" >/dev/null 2>&1 &&
	    fail "tracecheck accepted overlapping slices"
	# The unit test's golden trace passes the same rules.
	python3 "$TOP/tests/lib/tracecheck.py" "$TOP/tests/golden/trace.json" \
	    --retries 3 >/dev/null 2>&1 || fail "tests/golden/trace.json"
}

test_trace_file_is_checked_before_the_run() {
	echo "repos: [{url: $GIT_URL/alpha.git}]" >"$OUT/m.yaml"
	"$BIN" sync -C "$WS" --trace "$OUT/no/such/dir/t.json" "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 2 $? "an unwritable --trace"
	expect_grep "trace" "$OUT/stderr" "names the option"
	expect_missing "$WS/alpha" "nothing cloned"
	"$BIN" sync -C "$WS" --trace - "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 2 $? "--trace -"
	expect_grep "needs a file" "$OUT/stderr" "why"
}
