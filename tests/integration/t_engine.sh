# shellcheck shell=bash
# The engine: many repositories at once, failures, what is in the way,
# signals, descriptor limits, the TTY display, the report.

# fleet_manifest FILE BASE NAMES...: one entry per fixture repository.
fleet_manifest() {
	local f=$1 base=$2 n
	shift 2
	echo "repos:" >"$f"
	for n in "$@"; do echo "  - url: $base/$n.git" >>"$f"; done
}

TINY="tiny01 tiny02 tiny03 tiny04 tiny05 tiny06 tiny07 tiny08 tiny09 tiny10
tiny11 tiny12 tiny13 tiny14 tiny15 tiny16 tiny17 tiny18 tiny19 tiny20"

# Every repository's refs, HEAD and tree in one digest per workspace.
workspace_state() {	# WS
	local d
	for d in "$1"/*; do
		echo "== ${d##*/}"
		repo_state "$d"
	done
}

test_j1_and_j8_give_identical_results() {
	# shellcheck disable=SC2086
	fleet_manifest "$OUT/m.yaml" "$GIT_URL" alpha beta big sub mid super $TINY
	"$BIN" sync -j1 -C "$WS/one" "$OUT/m.yaml" >"$OUT/o1" 2>"$OUT/e1"
	expect_exit 0 $? "-j1"
	"$BIN" sync -j8 -C "$WS/eight" "$OUT/m.yaml" >"$OUT/o8" 2>"$OUT/e8"
	expect_exit 0 $? "-j8"
	workspace_state "$WS/one" >"$OUT/s1"
	workspace_state "$WS/eight" >"$OUT/s8"
	diff -u "$OUT/s1" "$OUT/s8" >"$OUT/diff" || {
		fail "-j1 and -j8 differ"
		head -n 20 "$OUT/diff"
	}
	expect_eq 26 "$(grep -c '^== ' "$OUT/s8")" "repositories"
	expect_grep "26 repositories in .*: 26 cloned," "$OUT/o8" "summary"
}

test_more_jobs_than_repos_and_fewer() {
	fleet_manifest "$OUT/m.yaml" "$HTTP_URL" alpha beta sub
	"$BIN" sync -j 64 -C "$WS/a" "$OUT/m.yaml" >/dev/null 2>&1
	expect_exit 0 $? "-j 64 for 3 repositories"
	# shellcheck disable=SC2086
	fleet_manifest "$OUT/m2.yaml" "$HTTP_URL" $TINY
	"$BIN" sync -j 2 -C "$WS/b" "$OUT/m2.yaml" >/dev/null 2>&1
	expect_exit 0 $? "-j 2 for 20 repositories"
	expect_eq 20 "$(ls "$WS/b" | wc -l)" "cloned"
}

test_unreachable_entries_fail_and_the_rest_completes() {
	local dead
	dead=$(free_port)
	cat >"$OUT/m.yaml" <<EOM
repos:
  - url: $GIT_URL/alpha.git
  - url: git://127.0.0.1:$dead/nothing-listens.git
  - url: $GIT_URL/no-such-repo.git
  - url: $HTTP_URL/no-such-repo.git
    path: http-missing
  - url: $HTTP_URL/beta.git
  - url: $GIT_URL/sub.git
EOM
	"$BIN" sync -C "$WS" --json "$OUT/r.json" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "some entries failed"
	for d in alpha beta sub; do
		git -C "$WS/$d" rev-parse -q --verify HEAD >/dev/null || fail "$d not cloned"
	done
	for d in nothing-listens no-such-repo http-missing; do
		expect_missing "$WS/$d" "failed entry"
	done
	expect_no_tmp "$WS" "failed entries"
	expect_grep "3 cloned, .*3 failed" "$OUT/stdout" "summary"
	expect_grep "FAIL nothing-listens: network: .*(refused|connect)" "$OUT/stdout" "refused port"
	expect_grep "FAIL no-such-repo: not-found" "$OUT/stdout" "missing over git://"
	expect_grep "FAIL http-missing: not-found: .*404" "$OUT/stdout" "missing over http"
	python3 - "$OUT/r.json" <<'PY' || fail "report content"
import json, sys
r = json.load(open(sys.argv[1]))
st = {x["path"]: (x["status"], (x["error"] or {}).get("class")) for x in r["repos"]}
assert st["alpha"] == ("cloned", None), st
assert st["nothing-listens"] == ("failed", "network"), st
assert st["no-such-repo"] == ("failed", "not-found"), st
assert st["http-missing"] == ("failed", "not-found"), st
assert r["exit_code"] == 1 and r["counts"]["failed"] == 3, r["counts"]
ok = [x for x in r["repos"] if x["status"] == "cloned"]
assert all(len(x["head"]) == 40 and x["objects"] > 0 and x["bytes"] > 0 for x in ok), ok
PY
}

test_bad_manifest_exits_2_and_touches_nothing() {
	local before
	printf 'repos:\n  - url: %s/alpha.git\n    brnach: main\n  - path: x\n' \
	    "$GIT_URL" >"$OUT/bad.yaml"
	before=$(wc -l <"$STATE/daemon/git-daemon.log")
	"$BIN" sync -C "$WS" "$OUT/bad.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 2 $? "bad manifest"
	expect_grep "bad.yaml:3:5: unknown key 'brnach' in a repository entry \(did you mean 'branch'\?\)" \
	    "$OUT/stderr" "first error"
	expect_grep "bad.yaml:4:5: repository entry has no 'url'" "$OUT/stderr" "second error"
	expect_missing "$WS" "workspace"
	expect_eq "$before" "$(wc -l <"$STATE/daemon/git-daemon.log")" "no network access"
	"$BIN" sync -j 0 "$OUT/bad.yaml" >/dev/null 2>&1
	expect_exit 2 $? "bad -j"
	"$BIN" sync >/dev/null 2>&1
	expect_exit 2 $? "no manifest"
	"$BIN" frobnicate >/dev/null 2>&1
	expect_exit 2 $? "unknown command"
}

test_what_is_in_the_way_is_never_touched() {
	mkdir -p "$WS/notgit" "$WS/emptydir" "$OUT/outside"
	echo precious >"$WS/notgit/file"
	echo precious >"$WS/afile"
	git init -q "$OUT/outside/inside"	# a repository beyond a symlink
	ln -s "$OUT/outside" "$WS/alink"
	cat >"$OUT/m.yaml" <<EOM
repos:
  - url: $GIT_URL/alpha.git
    path: notgit
  - url: $GIT_URL/alpha.git
    path: afile
  - url: $GIT_URL/alpha.git
    path: alink
  - url: $GIT_URL/beta.git
    path: emptydir
EOM
	printf 'repos:\n  - url: %s/alpha.git\n    path: alink/inside\n' "$GIT_URL" >"$OUT/m2.yaml"
	before=$(tree_digest "$WS")
	"$BIN" sync -C "$WS" --json "$OUT/r.json" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "conflicts"
	expect_grep "FAIL notgit: local-conflict: notgit exists and is not a git repository" "$OUT/stdout" "dir"
	expect_grep "FAIL afile: local-conflict: afile exists and is not a directory" "$OUT/stdout" "file"
	expect_grep "FAIL alink: local-conflict: alink is a symbolic link" "$OUT/stdout" "symlink"
	"$BIN" sync -C "$WS" "$OUT/m2.yaml" >"$OUT/stdout2" 2>&1
	expect_exit 1 $? "clone through a symlink"
	expect_grep "FAIL alink/inside: refused: alink is a symbolic link: refusing to go through it" \
	    "$OUT/stdout2" "through symlink"
	expect_eq precious "$(cat "$WS/notgit/file")" "untouched"
	expect_eq trunk "$(git -C "$WS/emptydir" symbolic-ref --short HEAD)" "an empty directory is cloned into"
	rm -rf "$WS/emptydir"
	mkdir "$WS/emptydir"
	expect_eq "$before" "$(tree_digest "$WS")" "nothing else changed"
	expect_eq "" "$(git -C "$OUT/outside/inside" rev-parse -q --verify HEAD)" \
	    "the repository beyond the symlink is untouched"
}

test_vcstool_manifest_resolves_versions() {
	local c
	c=$(git -C "$FLEET/repos/alpha.git" rev-parse main~2)
	cat >"$OUT/m.repos" <<EOM
repositories:
  src/on-branch:
    type: git
    url: $GIT_URL/alpha.git
    version: dev
  src/on-tag:
    type: git
    url: $HTTP_URL/alpha.git
    version: v1.0
  src/on-commit:
    type: git
    url: $GIT_URL/alpha.git
    version: $c
  src/on-short-commit:
    type: git
    url: $GIT_URL/alpha.git
    version: ${c:0:10}
  src/default:
    type: git
    url: $GIT_URL/beta.git
  src/nowhere:
    type: git
    url: $GIT_URL/alpha.git
    version: no-such-thing
EOM
	"$BIN" sync -C "$WS" "$OUT/m.repos" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "one bad version"
	expect_eq refs/heads/dev "$(git -C "$WS/src/on-branch" symbolic-ref HEAD)" "branch"
	expect_eq "$(fleet_tag_commit alpha v1.0)" "$(git -C "$WS/src/on-tag" rev-parse HEAD)" "tag"
	expect_eq "$c" "$(git -C "$WS/src/on-commit" rev-parse HEAD)" "commit"
	expect_eq "$c" "$(git -C "$WS/src/on-short-commit" rev-parse HEAD)" "short commit"
	expect_eq refs/heads/trunk "$(git -C "$WS/src/default" symbolic-ref HEAD)" "default"
	expect_grep "FAIL src/nowhere: bad-ref: version 'no-such-thing' is neither a branch nor a tag" \
	    "$OUT/stdout" "bad version"
}

test_plain_output_has_no_escapes_and_one_line_per_repo() {
	# shellcheck disable=SC2086
	fleet_manifest "$OUT/m.yaml" "$GIT_URL" alpha beta $TINY
	TERM=xterm "$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr" </dev/null
	expect_exit 0 $? "sync"
	if grep -q $'\033' "$OUT/stderr" "$OUT/stdout"; then
		fail "escape bytes in non-TTY output"
	fi
	expect_eq 22 "$(grep -cE '^\[[0-9]+/22\] cloned +[a-z0-9]+ ([^ ]+ )?[0-9a-f]{7} \([0-9.]+s, [0-9.]+ (B|KiB|MiB)\)$' "$OUT/stderr")" \
	    "one ok line per repository"
}

test_credentials_are_redacted_everywhere() {
	local base=${HTTP_URL#http://}
	cat >"$OUT/m.yaml" <<EOM
repos:
  - url: http://user:SEKRET123@$base/alpha.git
  - url: http://user:SEKRET123@$base/missing.git
EOM
	"$BIN" sync -C "$WS" --json "$OUT/r.json" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "one missing"
	expect_no_grep SEKRET123 "$OUT/stdout" "stdout"
	expect_no_grep SEKRET123 "$OUT/stderr" "stderr"
	expect_no_grep SEKRET123 "$OUT/r.json" "report"
	expect_grep '"url": "http://\*\*\*@' "$OUT/r.json" "redacted url"
	expect_no_grep SEKRET123 "$WS/alpha/.git/config" ".git/config"
	expect_eq "$HTTP_URL/alpha.git" "$(git -C "$WS/alpha" config remote.origin.url)" "stored url"
	# and the entry, with its credential-free origin, is still the same one
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout2" 2>&1
	expect_grep "ok +alpha main [0-9a-f]{7} up to date$" "$OUT/stdout2" "re-sync"
}

test_output_to_a_closed_pipe() {
	# shellcheck disable=SC2086
	fleet_manifest "$OUT/m.yaml" "$GIT_URL" $TINY
	"$BIN" sync -C "$WS" "$OUT/m.yaml" 2>&1 | head -n 1 >/dev/null
	local st=${PIPESTATUS[0]}
	[ "$st" -eq 0 ] || [ "$st" -eq 141 ] || fail "exit status $st"
	expect_eq 20 "$(ls "$WS" | wc -l)" "the work was still done"
	expect_no_tmp "$WS" "closed pipe"
}

test_fd_limit_caps_jobs_and_completes() {
	# shellcheck disable=SC2086
	fleet_manifest "$OUT/m.yaml" "$GIT_URL" alpha beta big super sub mid $TINY
	(ulimit -n 32 && exec "$BIN" sync -j 64 -C "$WS" "$OUT/m.yaml") \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync under ulimit -n 32"
	expect_grep "githerd: -j 64 capped to [0-9]+: the open-file limit is 32" "$OUT/stderr" "message"
	expect_no_grep "Too many open files" "$OUT/stderr" "EMFILE"
	expect_grep "26 repositories in .*: 26 cloned," "$OUT/stdout" "summary"
}

# Start a run of slow clones in the background; sets RUN_PID.
start_slow_run() {	# COUNT
	local i
	start_slow_http 200 || { fail "slow server"; return 1; }
	echo "repos:" >"$OUT/m.yaml"
	for i in $(seq 1 "$1"); do
		printf '  - url: %s/big.git\n    path: big%02d\n' "$SLOW_URL" "$i" >>"$OUT/m.yaml"
	done
	"$BIN" sync -j 4 -C "$WS" --json "$OUT/r.json" "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr" &
	RUN_PID=$!
	# Wait until clones are receiving data into their temporary dirs.
	wait_for 15 partial_pack_exists "$WS" ||
	    fail "clones never started"
	sleep 0.5
}

test_sigint_removes_partial_clones_and_every_worker() {
	start_slow_run 6 || return
	kill -INT "$RUN_PID"
	wait "$RUN_PID"
	expect_exit 130 $? "killed by SIGINT"
	expect_no_tmp "$WS" "after ^C"
	for i in 01 02 03 04 05 06; do expect_missing "$WS/big$i" "partial clone"; done
	wait_for 2 no_live_procs "$WS" || fail "processes left: $(live_procs "$WS")"
	expect_grep "interrupted: stopping workers" "$OUT/stderr" "message"
	expect_grep "6 repositories in .*: 0 cloned, .*6 cancelled" "$OUT/stdout" "summary"
	expect_grep '"signal": "SIGINT"' "$OUT/r.json" "report"
}

test_sigterm_behaves_like_sigint() {
	start_slow_run 2 || return
	kill -TERM "$RUN_PID"
	wait "$RUN_PID"
	expect_exit 143 $? "killed by SIGTERM"
	expect_no_tmp "$WS" "after SIGTERM"
	wait_for 2 no_live_procs "$WS" || fail "processes left"
}

test_sigkill_of_the_parent_takes_the_workers_down() {
	start_slow_run 4 || return
	expect_eq 5 "$(live_procs "$WS" | wc -l)" "parent and 4 workers running"
	kill -KILL "$RUN_PID"
	wait "$RUN_PID" 2>/dev/null
	wait_for 2 no_live_procs "$WS" ||
	    fail "workers still alive 2 s after the parent died: $(live_procs "$WS")"
	# PR_SET_PDEATHSIG delivers SIGTERM: the workers clean up after themselves.
	wait_for 3 no_tmp_left "$WS" ||
	    fail "temporary clones left behind"
}

test_a_crashed_worker_fails_its_job_and_the_run_goes_on() {
	local victim
	start_slow_http 200 || { fail "slow server"; return; }
	cat >"$OUT/m.yaml" <<EOM
repos:
  - url: $SLOW_URL/big.git
  - url: $GIT_URL/alpha.git
  - url: $GIT_URL/beta.git
EOM
	# No retries here: the fault suite shows the retry of a killed worker.
	"$BIN" sync -j 1 --retries 0 -C "$WS" --json "$OUT/r.json" "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr" &
	RUN_PID=$!
	wait_for 15 partial_pack_exists "$WS" ||
	    fail "clone never started"
	victim=$(pgrep -P "$RUN_PID" | head -n 1)
	kill -KILL "$victim"	# as the OOM killer would
	wait "$RUN_PID"
	expect_exit 1 $? "one job crashed"
	expect_grep "FAIL big: crashed: worker killed by signal 9 \(Killed\)" "$OUT/stdout" "crash reported"
	expect_grep "2 cloned, .*1 failed" "$OUT/stdout" "the others completed"
	expect_missing "$WS/big" "partial clone"
	expect_no_tmp "$WS" "crashed worker"
}

test_tty_display_under_script() {
	# shellcheck disable=SC2086
	fleet_manifest "$OUT/m.yaml" "$GIT_URL" alpha beta big $TINY
	TERM=xterm COLUMNS=100 script -qfec "$BIN sync -C $WS $OUT/m.yaml" "$OUT/typescript" \
	    >/dev/null 2>&1 </dev/null
	expect_exit 0 $? "sync under a pseudo-terminal"
	expect_grep $'\033\\[\\?25l' "$OUT/typescript" "cursor hidden while drawing"
	expect_grep 'running' "$OUT/typescript" "live area total line"
	expect_grep $'\033\\[[0-9]+A' "$OUT/typescript" "cursor moved up to redraw"
	expect_grep $'\033\\[32mcloned' "$OUT/typescript" "coloured cloned lines"
	# The last escape sequence the terminal sees shows the cursor again.
	last=$(grep -ao $'\033\\[?[0-9;?]*[a-zA-Z]' "$OUT/typescript" | tail -n 1)
	expect_eq $'\033[?25h' "$last" "cursor visible at the end"
	NO_COLOR=1 TERM=xterm script -qfec "$BIN sync -C $WS-nc $OUT/m.yaml" "$OUT/ts2" \
	    >/dev/null 2>&1 </dev/null
	expect_no_grep $'\033\\[3[0-9]m' "$OUT/ts2" "NO_COLOR"
}

test_tty_interrupt_restores_the_cursor() {
	start_slow_http 200 || { fail "slow server"; return; }
	printf 'repos:\n  - url: %s/big.git\n' "$SLOW_URL" >"$OUT/m.yaml"
	TERM=xterm script -qfec "$BIN sync -C $WS $OUT/m.yaml" "$OUT/typescript" \
	    >/dev/null 2>&1 </dev/null &
	local spid=$!
	wait_for 15 partial_pack_exists "$WS" ||
	    fail "clone never started"
	# ^C reaches the terminal's foreground group: githerd and its workers.
	for p in $(live_procs "sync -C $WS"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = githerd ] && kill -INT "$p" 2>/dev/null
	done
	wait "$spid"
	last=$(grep -ao $'\033\\[?[0-9;?]*[a-zA-Z]' "$OUT/typescript" | tail -n 1)
	expect_eq $'\033[?25h' "$last" "cursor visible after ^C"
	expect_no_tmp "$WS" "after ^C"
}

test_replaced_workers_leak_no_descriptors() {
	local i max base
	start_slow_http 20 || { fail "slow server"; return; }
	# Descriptors any child of this shell inherits (the harness's own).
	sleep 1 >"$OUT/stdout" 2>"$OUT/stderr" &
	base=$(ls "/proc/$!/fd" | wc -l)
	kill $! 2>/dev/null
	echo "repos:" >"$OUT/m.yaml"
	for i in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16; do
		echo "  - url: $SLOW_URL/tiny$i.git" >>"$OUT/m.yaml"
	done
	# One job per worker: sixteen workers come and go through two slots.
	GITHERD_TEST_WORKER_QUOTA=1 "$SEAMS_BIN" sync -j 2 -C "$WS" "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr" &
	max=$(max_fds $!)
	wait $!
	expect_exit 0 $? "sync"
	expect_eq 16 "$(ls "$WS" | wc -l)" "cloned"
	# Inherited + self-pipe 2 + the workspace lock 1 + 2 per worker slot +
	# the child's two ends for the moment of a fork, and nothing that grows.
	[ "$max" -le $((base + 9)) ] ||
	    fail "the parent held $max descriptors with 2 workers (inherited $base)"
	[ "$max" -ge $((base + 4)) ] ||
	    fail "sampled only $max descriptors: the run was not observed"
}
