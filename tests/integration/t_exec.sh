# shellcheck shell=bash
# shellcheck disable=SC2016  # $GITHERD_PATH and the like are the commands' to expand
# githerd exec: a command in every selected checkout of a real sync, its
# output printed whole per entry as it ends, sanitised, in JSON too; what
# failed, what had no checkout and what ^C stopped is named.

# A workspace of three entries, synced once per case (about 0.2 s).
exec_ws() {
	cat >"$OUT/m.yaml" <<EOM
repos:
  - url: $GIT_URL/alpha.git
    groups: [core]
  - url: $HTTP_URL/beta.git
    path: lib/beta
    groups: [core]
  - url: $GIT_URL/tiny01.git
EOM
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/sync" 2>&1 ||
	    { fail "sync"; sed 's/^/      | /' "$OUT/sync"; return 1; }
}

# The lines of each === block of FILE, checked: a block holds only lines
# its own entry printed ("PATH n"), in order, and every entry has one.
blocks_whole() {	# FILE LINES-PER-ENTRY ENTRIES...
	python3 - "$@" <<'PY'
import re, sys
path, n, want = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
seen, cur = {}, None
for line in open(path, encoding="utf-8"):
    line = line.rstrip("\n")
    m = re.match(r"^=== (\S+)( \(.*\))? ===$", line)
    if line.startswith("githerd: "):
        cur = None          # the summary
    elif m:
        cur = m.group(1)
        if cur in seen:
            sys.exit("%s has two blocks" % cur)
        seen[cur] = []
    elif cur is not None and line:
        seen[cur].append(line)
for e in want:
    lines = seen.get(e)
    expect = ["%s %d" % (e, i) for i in range(n)]
    if lines != expect:
        sys.exit("block of %s: %r, want %r" % (e, lines, expect))
PY
}

test_exec_runs_in_every_checkout_and_names_the_failures() {
	local e
	exec_ws || return
	"$BIN" exec -C "$WS" -- git rev-parse HEAD >"$OUT/heads" 2>"$OUT/err"
	expect_exit 0 $? "git rev-parse HEAD everywhere"
	for e in alpha lib/beta tiny01; do
		grep -A1 -x "=== $e ===" "$OUT/heads" | tail -n 1 >"$OUT/head"
		expect_eq "$(git -C "$WS/$e" rev-parse HEAD)" "$(cat "$OUT/head")" \
		    "$e: what git says there"
	done
	expect_grep "^githerd: exec in 3 entries \(.*\): 3 ok$" "$OUT/err" "summary"
	# In the checkout, with its path and URL (no credentials) to hand,
	# and no terminal to prompt on.
	"$BIN" exec -C "$WS" lib/beta -- sh -c 'pwd -P; echo "$GITHERD_PATH $GITHERD_URL $GITHERD_WORKSPACE"; read x; echo "read $?"; tty' \
	    >"$OUT/env" 2>&1
	expect_grep "^$(cd "$WS/lib/beta" && pwd -P)\$" "$OUT/env" "cwd is the checkout"
	expect_grep "^lib/beta $HTTP_URL/beta.git $(cd "$WS" && pwd -P)\$" "$OUT/env" "GITHERD_*"
	expect_grep "^read 1\$" "$OUT/env" "stdin is /dev/null"
	expect_grep "^not a tty\$" "$OUT/env" "no terminal"
	# One fails: exit 1, its block and the summary say how.
	"$BIN" exec -C "$WS" -- sh -c 'echo "in $GITHERD_PATH"; [ "$GITHERD_PATH" != lib/beta ] || exit 3' \
	    >"$OUT/out" 2>"$OUT/err"
	expect_exit 1 $? "one command fails"
	expect_grep "^=== lib/beta \(exit status 3\) ===$" "$OUT/out" "its header"
	expect_grep "^=== alpha ===$" "$OUT/out" "the others"
	expect_grep "^  FAIL    lib/beta: exit status 3$" "$OUT/err" "named in the summary"
	expect_grep ": 2 ok, 1 failed$" "$OUT/err" "counts"
	# A command that does not exist: a clear error per entry, exit 1.
	"$BIN" exec -C "$WS" alpha -- githerd-no-such-command -x >"$OUT/out" 2>"$OUT/err"
	expect_exit 1 $? "no such command"
	expect_grep "^=== alpha \(cannot run githerd-no-such-command: No such file or directory\) ===$" \
	    "$OUT/out" "why"
	# Usage errors: exit 2.
	"$BIN" exec -C "$WS" git status >"$OUT/out" 2>&1
	expect_exit 2 $? "no --"
	expect_grep "exec needs -- before the command" "$OUT/out" "what is missing"
	"$BIN" exec -C "$WS" alpha -- >"$OUT/out" 2>&1
	expect_exit 2 $? "nothing after --"
}

# -j 2: the fast command's block comes first and whole while the slow
# one still runs; commands printing line by line with pauses never mix.
test_exec_prints_each_block_whole_as_it_ends() {
	exec_ws || return
	"$BIN" exec -j 2 -C "$WS" alpha lib/beta -- sh -c \
	    'if [ "$GITHERD_PATH" = alpha ]; then sleep 0.6; fi; echo "$GITHERD_PATH 0"' \
	    >"$OUT/out" 2>"$OUT/err"
	expect_exit 0 $? "slow and fast"
	expect_eq "=== lib/beta ===" "$(head -n 1 "$OUT/out")" "the fast one first"
	expect_eq "=== alpha ===" "$(sed -n 3p "$OUT/out")" "then the slow one"
	"$BIN" exec -j 3 -C "$WS" -- sh -c \
	    'i=0; while [ $i -lt 15 ]; do echo "$GITHERD_PATH $i"; i=$((i+1)); sleep 0.01; done' \
	    >"$OUT/out" 2>"$OUT/err"
	expect_exit 0 $? "three at once"
	blocks_whole "$OUT/out" 15 alpha lib/beta tiny01 >"$OUT/check" 2>&1 ||
	    { fail "blocks: $(cat "$OUT/check")"; sed 's/^/      | /' "$OUT/out" | head -n 20; }
	# The checker can fail: two blocks interleaved are refused.
	printf '=== a ===\na 0\n=== b ===\nb 0\na 1\n' >"$OUT/mixed"
	blocks_whole "$OUT/mixed" 2 a >/dev/null 2>&1 && fail "the checker took mixed blocks"
	# A process the command leaves behind holding the pipe: githerd stops
	# reading a second after the command ends, and says so.
	SECONDS=0
	"$BIN" exec -C "$WS" alpha -- sh -c 'sleep 3 & echo left' >"$OUT/out" 2>&1
	expect_exit 0 $? "a background process"
	[ $SECONDS -lt 3 ] || fail "waited for the background process (${SECONDS}s)"
	expect_grep "what a process it left running writes is not shown" "$OUT/out" "the note"
}

test_exec_output_is_sanitised_bounded_and_in_json() {
	exec_ws || return
	"$BIN" exec -C "$WS" alpha -- printf 'a\tb\033[31mred\033[0m\033]0;title\007 \233x\001\n' \
	    >"$OUT/out" 2>"$OUT/err"
	expect_exit 0 $? "escapes"
	expect_eq 'a       bred \x9bx' "$(sed -n 2p "$OUT/out")" "what is left of them"
	if LC_ALL=C grep -q "$(printf '\033')" "$OUT/out"; then fail "an escape byte reached the output"; fi
	"$BIN" exec -C "$WS" alpha -- sh -c 'head -c 1100000 /dev/zero | tr "\0" x' >"$OUT/out" 2>&1
	expect_grep "^… 51424 bytes dropped \(githerd keeps the first 1 MiB of an entry's output\)$" \
	    "$OUT/out" "bounded"
	rm -rf "$WS/tiny01"
	"$BIN" exec --json - -C "$WS" -- printf 'one\ttwo\n\033[1m"three"\n' >"$OUT/json" 2>"$OUT/err"
	expect_exit 1 $? "--json with a missing checkout"
	python3 - "$OUT/json" "$WS" >"$OUT/check" 2>&1 <<'PY' || fail "the report: $(cat "$OUT/check")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["command"] == ["printf", "one\\ttwo\\n\\033[1m\"three\"\\n"], d["command"]
assert d["exit_code"] == 1 and d["signal"] is None, d
assert d["counts"]["ok"] == 2 and d["counts"]["not-run"] == 1, d["counts"]
e = {x["path"]: x for x in d["entries"]}
assert e["alpha"]["status"] == "ok" and e["alpha"]["exit_code"] == 0, e["alpha"]
assert e["alpha"]["output"] == 'one\ttwo\n"three"\n', repr(e["alpha"]["output"])
assert e["tiny01"]["status"] == "not-run", e["tiny01"]
assert e["tiny01"]["outcome"] == "not checked out", e["tiny01"]
assert e["tiny01"]["exit_code"] is None, e["tiny01"]
assert all(x["duration_ms"] >= 0 for x in d["entries"])
PY
	expect_grep "^  not run tiny01: not checked out$" "$OUT/err" "the summary, on stderr"
}

test_exec_takes_the_selection_of_sync() {
	exec_ws || return
	"$BIN" exec --group core -C "$WS" -- true >"$OUT/out" 2>"$OUT/err"
	expect_exit 0 $? "--group"
	expect_eq "=== alpha ===,=== lib/beta ===" "$(grep '^===' "$OUT/out" | sort | paste -sd, -)" \
	    "the group's entries"
	"$BIN" exec --exclude core -C "$WS" -- true >"$OUT/out" 2>"$OUT/err"
	expect_eq "=== tiny01 ===" "$(grep '^===' "$OUT/out")" "--exclude"
	(cd "$WS/lib/beta" && "$BIN" exec -C "$WS" "$WS/lib/beta" -- true) >"$OUT/out" 2>"$OUT/err"
	expect_eq "=== lib/beta ===" "$(grep '^===' "$OUT/out")" "an absolute path"
	"$BIN" exec --shard 1/3 --shard-by hash -C "$WS" -- true >"$OUT/out" 2>"$OUT/err"
	expect_exit 0 $? "--shard"
	[ "$(grep -c '^===' "$OUT/out")" -lt 3 ] || fail "--shard 1/3 ran everywhere"
	"$BIN" exec -C "$WS" nosuch -- true >"$OUT/out" 2>&1
	expect_exit 2 $? "a path that is no entry"
	# Not a checkout: a directory without .git, or a link, is not run in.
	rm -rf "$WS/tiny01" && mkdir "$WS/tiny01"
	"$BIN" exec -C "$WS" -- true >"$OUT/out" 2>"$OUT/err"
	expect_exit 1 $? "an entry that is no repository"
	expect_grep "^=== tiny01 \(not a git repository\) ===$" "$OUT/out" "why"
	rm -rf "$WS/tiny01" && ln -s "$WS/alpha" "$WS/tiny01"
	"$BIN" exec -C "$WS" tiny01 -- touch through-the-link >"$OUT/out" 2>"$OUT/err"
	expect_exit 1 $? "an entry that is a link"
	expect_grep "^=== tiny01 \(.*symbolic link.*\) ===$" "$OUT/out" "why"
	expect_missing "$WS/alpha/through-the-link" "nothing ran through the link"
	# -q: only what did not succeed, and the summary only then.
	rm "$WS/tiny01"
	"$BIN" exec -q -C "$WS" -- true >"$OUT/out" 2>"$OUT/err"
	expect_eq "=== tiny01 (not checked out) ===" "$(cat "$OUT/out")" "-q"
}

sleeping() {		# N: at least N "sleep 29.7" processes run
	[ "$(live_procs 'sleep 29.7' | wc -l)" -ge "$1" ]
}

# ^C: githerd stops the commands' process groups (what they started
# too), prints what they wrote, names them, and dies of SIGINT; --timeout
# kills one that runs too long.
test_exec_interrupt_and_timeout_stop_the_commands() {
	local pid rc
	exec_ws || return
	"$BIN" exec -j 2 -C "$WS" -- sh -c 'echo started; sleep 29.7 & sleep 29.7; echo never' \
	    >"$OUT/out" 2>"$OUT/err" &
	pid=$!
	# Output shows when an entry ends: wait for the processes instead.
	wait_for 5 sleeping 4 || fail "the commands did not start"
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	expect_exit 130 "$rc" "died of SIGINT"
	wait_for 3 no_live_procs 'sleep 29.7' || fail "commands left running: $(live_procs 'sleep 29.7')"
	expect_grep "^=== alpha \(cancelled by \^C\) ===$" "$OUT/out" "the running ones"
	expect_grep "^  cancel  tiny01: not started$" "$OUT/err" "the one never started"
	expect_no_grep never "$OUT/out" "stopped"
	"$BIN" exec --timeout 0.3 -C "$WS" alpha -- sleep 5 >"$OUT/out" 2>"$OUT/err"
	expect_exit 1 $? "--timeout"
	expect_grep "^=== alpha \(killed after --timeout 0.3s\) ===$" "$OUT/out" "why"
}

# On a terminal: the live area shows what runs, the blocks scroll up
# above it whole, and the screen ends clean (tests/lib/screen.py).
test_exec_live_area_on_a_terminal() {
	exec_ws || return
	TERM=xterm python3 "$TOP/tests/lib/ptyrun.py" 60 "$OUT/tty" -- \
	    "$BIN" exec -j 2 -C "$WS" -- sh -c 'sleep 0.3; echo "$GITHERD_PATH 0"'
	expect_exit 0 $? "exec on a terminal"
	python3 "$TOP/tests/lib/screen.py" 60 "$OUT/tty" >"$OUT/screen" ||
	    fail "the screen (see $OUT/screen)"
	expect_grep "running" "$OUT/tty" "the live area showed the commands"
	blocks_whole "$OUT/screen" 1 alpha lib/beta tiny01 >"$OUT/check" 2>&1 ||
	    fail "blocks on the screen: $(cat "$OUT/check")"
	expect_grep "^githerd: exec in 3 entries" "$OUT/screen" "the summary"
}
