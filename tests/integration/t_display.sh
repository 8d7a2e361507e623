# shellcheck shell=bash
# The live display on a real terminal (a pty of a set width) against a
# real server: paths with CJK and combining characters never wrap the
# live area or leave a line behind (tests/lib/screen.py replays what the
# terminal was sent), and an ETA appears only once every entry has a
# recorded duration.

# display_run COLS OUTFILE: sync $OUT/m.yaml on a COLS-wide terminal.
display_run() {
	TERM=xterm python3 "$TOP/tests/lib/ptyrun.py" "$1" "$2" -- \
	    "$BIN" sync -j 2 --progress tty -C "$WS" "$OUT/m.yaml"
}

wide_manifest() {
	cat >"$OUT/m.yaml" <<YAML
repos:
  - url: $SLOW_URL/big.git
    path: "日本語/ライブラリ/とても長い名前のリポジトリ"
  - url: $SLOW_URL/big.git
    path: "café/résumé/naïve-déjà-vu-tout-à-fait"
  - url: $SLOW_URL/alpha.git
    path: "中文/数据"
YAML
}

test_wide_paths_on_a_narrow_and_a_wide_terminal() {
	local rc
	start_slow_http 1500 || { fail "slow server"; return; }
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
