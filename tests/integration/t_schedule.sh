# shellcheck shell=bash
# Scheduling against real servers: the order jobs start in, per-host
# limits seen from the server side, and shards of a CI matrix.

# The order in which entries finished at -j 1 (the order they started).
done_order() {		# STDERR-FILE
	sed -nE 's/^\[[0-9]+\/[0-9]+\] (cloned|updated|ok) +([^ ]+).*/\2/p' "$1" |
	    paste -sd' ' -
}

HISTORY_HEAD="# githerd history 1: clone_ms clone_bytes update_ms path"

test_longest_expected_first_from_history() {
	# shellcheck disable=SC2086
	fleet_manifest "$OUT/m.yaml" "$GIT_URL" alpha beta mid tiny01 tiny02 tiny03
	mkdir -p "$WS/.githerd"
	# A synthetic history: tiny02 took longest, alpha and tiny03 were
	# never measured.
	printf '%s\n%s\n%s\n%s\n%s\n' "$HISTORY_HEAD" \
	    $'900\t100\t-1\ttiny02' $'50\t100\t-1\tbeta' $'400\t100\t-1\tmid' \
	    $'50\t100\t-1\ttiny01' >"$WS/.githerd/history"
	"$BIN" sync -j 1 -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync"
	expect_eq "tiny02 mid beta tiny01 alpha tiny03" "$(done_order "$OUT/stderr")" \
	    "longest first, ties and the unknown in manifest order"
	# What this run measured replaces the synthetic numbers.
	expect_eq 7 "$(wc -l <"$WS/.githerd/history")" "history lines"
	awk -F'\t' 'NR > 1 && ($1 < 0 || $2 <= 0 || $3 != -1) {bad = 1} END {exit bad}' \
	    "$WS/.githerd/history" || fail "history after clones: $(cat "$WS/.githerd/history")"
	# A re-sync: every entry present, ordered by its update time.
	"$BIN" sync -j 1 -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "re-sync"
	awk -F'\t' 'NR > 1 && $3 < 0 {bad = 1} END {exit bad}' "$WS/.githerd/history" ||
	    fail "update times not recorded: $(cat "$WS/.githerd/history")"
}

test_size_hints_order_clones_never_measured() {
	cat >"$OUT/m.yaml" <<EOM
repos:
  - url: $GIT_URL/tiny01.git
  - url: $GIT_URL/tiny02.git
    size_hint: 2M
  - url: $GIT_URL/tiny03.git
  - url: $GIT_URL/big.git
    size_hint: 40M
  - url: $GIT_URL/mid.git
    size_hint: 500k
EOM
	"$BIN" sync -j 1 -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync"
	expect_eq "big tiny02 mid tiny01 tiny03" "$(done_order "$OUT/stderr")" "order"
}

test_a_damaged_history_is_ignored_and_rewritten() {
	fleet_manifest "$OUT/m.yaml" "$GIT_URL" tiny01 tiny02
	mkdir -p "$WS/.githerd"
	printf '%s\n12\tnot a number\n' "$HISTORY_HEAD" >"$WS/.githerd/history"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync"
	expect_grep "githerd: warning: ignoring $WS/.githerd/history: line 2: not a history entry" \
	    "$OUT/stderr" "warning"
	expect_eq "$HISTORY_HEAD" "$(head -n 1 "$WS/.githerd/history")" "rewritten"
	expect_eq 3 "$(wc -l <"$WS/.githerd/history")" "entries"
}

# Eight repositories behind a proxy that holds every connection open for
# 400 ms before passing it on, and four straight from the daemon.
limited_manifest() {	# [manifest lines...]
	local i
	start_proxy "$GIT_DAEMON_PORT" delay:400 || { fail "proxy"; return 1; }
	{
		for line in "$@"; do echo "$line"; done
		echo "repos:"
		for i in 01 02 03 04 05 06 07 08; do
			echo "  - url: git://127.0.0.1:$PROXY_PORT/tiny$i.git"
		done
		for i in 11 12 13 14; do
			echo "  - url: $GIT_URL/tiny$i.git"
		done
	} >"$OUT/m.yaml"
}

test_per_host_limit_is_never_exceeded_at_the_server() {
	limited_manifest || return
	"$BIN" sync -j 8 --per-host 2 -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync"
	expect_eq 2 "$(cat "$PROXY_STATS")" "most connections open at once at the server"
	expect_eq 8 "$(wc -l <"$PROXY_LOG")" "connections"
	# The other host's four were not held up behind the limited one.
	expect_eq "tiny11 tiny12 tiny13 tiny14" \
	    "$(grep -oE 'cloned +tiny1[1-4]' "$OUT/stderr" | head -n 4 | awk '{print $2}' | sort | paste -sd' ' -)" \
	    "the other host's jobs"
	[ "$(grep -nE 'cloned +tiny14' "$OUT/stderr" | cut -d: -f1)" -lt \
	  "$(grep -nE 'cloned +tiny0[1-8]' "$OUT/stderr" | tail -n 1 | cut -d: -f1)" ] ||
	    fail "the unlimited host's jobs waited for the limited host's"
	# Unlimited, the same run opens more than two at once.
	rm -rf "$WS"
	: >"$PROXY_LOG"
	"$BIN" sync -j 8 -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync without a limit"
	[ "$(cat "$PROXY_STATS")" -gt 2 ] || fail "without a limit: only $(cat "$PROXY_STATS") at once"
}

test_manifest_hosts_limit_one_server() {
	limited_manifest "hosts:" "  127.0.0.1:PORT:" "    jobs: 1" || return
	sed -i "s/127.0.0.1:PORT:/127.0.0.1:$PROXY_PORT:/" "$OUT/m.yaml"
	"$BIN" sync -j 8 --per-host 3 -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync"
	expect_eq 1 "$(cat "$PROXY_STATS")" "most connections open at once"
	expect_eq 12 "$(ls "$WS" | wc -l)" "all cloned"
}

test_shards_cover_every_entry_exactly_once() {
	local i s
	{
		echo "repos:"
		for i in $(seq -w 1 40); do
			echo "  - url: $GIT_URL/r$i.git"
			[ $((10#$i % 4)) = 0 ] && echo "    size_hint: ${i}M"
		done
	} >"$OUT/m.yaml"
	# status lists entries without any network: each shard's are "missing".
	mkdir -p "$WS"
	for s in 1 2 3; do
		"$BIN" status --shard "$s/3" -C "$WS" "$OUT/m.yaml" 2>/dev/null |
		    awk '{print $1}' | sort >"$OUT/shard$s"
		"$BIN" status --shard "$s/3" -C "$WS" "$OUT/m.yaml" 2>/dev/null |
		    awk '{print $1}' | sort >"$OUT/again$s"
		cmp -s "$OUT/shard$s" "$OUT/again$s" || fail "shard $s differs between runs"
		[ -s "$OUT/shard$s" ] || fail "shard $s is empty"
	done
	expect_eq 40 "$(cat "$OUT"/shard[123] | wc -l)" "entries over all shards"
	expect_eq 40 "$(cat "$OUT"/shard[123] | sort -u | wc -l)" "distinct entries"
	# sync clones only its shard.
	fleet_manifest "$OUT/real.yaml" "$GIT_URL" alpha beta mid tiny01 tiny02 tiny03
	"$BIN" sync --shard 2/2 -C "$WS/real" "$OUT/real.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync of one shard"
	"$BIN" status --shard 2/2 -C "$WS/real" "$OUT/real.yaml" >"$OUT/status" 2>&1
	expect_exit 0 $? "status of that shard"
	expect_eq 3 "$(ls "$WS/real" | wc -l)" "entries of shard 2 of 2"
	"$BIN" sync --shard 0/2 "$OUT/real.yaml" >/dev/null 2>"$OUT/err"
	expect_exit 2 $? "--shard 0/2"
	expect_grep "--shard wants I/N with 1 <= I <= N" "$OUT/err" "message"
}

# A fresh workspace (a new CI job) knows its longest clone from the
# first run: the timings follow the URL, in the cache or the user's state.
test_a_fresh_workspace_starts_the_longest_clone_first() {
	local cache=$SCRATCH/cache-$T_NAME
	fleet_manifest "$OUT/m.yaml" "$GIT_URL" tiny01 tiny02 alpha big
	"$BIN" sync -j 1 -C "$WS/one" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "the first workspace"
	expect_eq "tiny01 tiny02 alpha big" "$(done_order "$OUT/stderr")" "manifest order at first"
	[ -s "$XDG_STATE_HOME/githerd/timings" ] || fail "no timings in \$XDG_STATE_HOME/githerd"
	"$BIN" sync -j 1 -C "$WS/two" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_eq big "$(done_order "$OUT/stderr" | cut -d' ' -f1)" "a fresh workspace: big first"
	# With a cache, the timings live in it, for every user of the cache.
	"$BIN" sync -j 1 --cache "$cache" -C "$WS/three" "$OUT/m.yaml" >/dev/null 2>&1
	expect_grep "^[0-9]+	[0-9]+	-1	git://127.0.0.1:[0-9]+/big$" "$cache/githerd-timings" \
	    "the cache's timings, by URL"
	rm -rf "$XDG_STATE_HOME"
	"$BIN" sync -j 1 --cache "$cache" -C "$WS/four" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_eq big "$(done_order "$OUT/stderr" | cut -d' ' -f1)" "from the cache's timings: big first"
}

# The entries a selection takes, by path, one per line.
shard_paths() {		# ARGS...
	"$BIN" list -C "$WS" "$@" 2>"$OUT/list.err" | awk '{print $1}' | sort
}

# --shard auto: each engine's variables pick the shard --shard I/N would.
test_shard_auto_reads_each_job_array_engine() {
	local i want
	{
		echo "repos:"
		for i in $(seq -w 1 30); do echo "  - url: $GIT_URL/r$i.git"; done
	} >"$OUT/m.yaml"
	mkdir -p "$WS"
	want=$(shard_paths --shard 2/3 "$OUT/m.yaml")
	expect_eq "$want" "$(CI_NODE_INDEX=2 CI_NODE_TOTAL=3 shard_paths --shard auto "$OUT/m.yaml")" "GitLab"
	expect_grep "shard 2/3, from GitLab \(CI_NODE_INDEX=2, CI_NODE_TOTAL=3\)" "$OUT/list.err" "says which"
	expect_eq "$want" "$(JOB_COMPLETION_INDEX=1 shard_paths --shard auto/3 "$OUT/m.yaml")" "Kubernetes"
	expect_eq "$want" "$(BUILDKITE_PARALLEL_JOB=1 BUILDKITE_PARALLEL_JOB_COUNT=3 shard_paths --shard auto "$OUT/m.yaml")" "Buildkite"
	expect_eq "$want" "$(CIRCLE_NODE_INDEX=1 CIRCLE_NODE_TOTAL=3 shard_paths --shard auto "$OUT/m.yaml")" "CircleCI"
	expect_eq "$want" "$(SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=3 shard_paths --shard auto "$OUT/m.yaml")" "Slurm"
	expect_eq "$want" "$(AWS_BATCH_JOB_ARRAY_INDEX=1 shard_paths --shard auto/3 "$OUT/m.yaml")" "AWS Batch"
	JOB_COMPLETION_INDEX=1 "$BIN" list -C "$WS" --shard auto "$OUT/m.yaml" >/dev/null 2>"$OUT/err"
	expect_exit 2 $? "an index without a count"
	expect_grep "gives the index \(JOB_COMPLETION_INDEX\) but not the count: say it with --shard auto/N" \
	    "$OUT/err" "names the fix"
	# and a real sync of the shard the CI gives
	fleet_manifest "$OUT/real.yaml" "$GIT_URL" alpha beta mid tiny01
	CI_NODE_INDEX=1 CI_NODE_TOTAL=2 "$BIN" sync --shard auto -C "$WS/real" "$OUT/real.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync --shard auto"
	expect_eq "$(shard_paths --shard 1/2 "$OUT/real.yaml")" \
	    "$(cd "$WS/real" && ls -d -- * | sort)" "what was cloned"
}

# --shard-by hash: a new entry moves into some shard; no other entry moves.
test_shard_by_hash_moves_only_the_new_entry() {
	local i s
	{
		echo "repos:"
		for i in $(seq -w 1 200); do echo "  - url: $GIT_URL/r$i.git"; done
	} >"$OUT/m.yaml"
	{ cat "$OUT/m.yaml"; echo "  - url: $GIT_URL/newcomer.git"; } >"$OUT/m2.yaml"
	mkdir -p "$WS"
	for s in 1 2 3 4; do
		shard_paths --shard $s/4 --shard-by hash "$OUT/m.yaml" >"$OUT/a$s"
		shard_paths --shard $s/4 --shard-by hash "$OUT/m2.yaml" | grep -vx newcomer >"$OUT/b$s"
		cmp -s "$OUT/a$s" "$OUT/b$s" || fail "shard $s changed: $(diff "$OUT/a$s" "$OUT/b$s" | head -5)"
	done
	expect_eq 201 "$(for s in 1 2 3 4; do shard_paths --shard $s/4 --shard-by hash "$OUT/m2.yaml"; done | sort -u | wc -l)" \
	    "every entry in one shard"
}

# Each shard of a job array writes its report; report merge makes the one
# a single run over everything would have: every entry once, counts summed.
test_report_merge_joins_the_shards_reports() {
	local s
	fleet_manifest "$OUT/m.yaml" "$GIT_URL" alpha beta mid tiny01 tiny02 tiny03
	for s in 1 2 3; do
		"$BIN" sync --shard $s/3 --json "$OUT/r$s.json" -C "$WS/s$s" "$OUT/m.yaml" \
		    >/dev/null 2>&1 || fail "shard $s"
	done
	"$BIN" report merge -o "$OUT/all.json" "$OUT/r1.json" "$OUT/r2.json" "$OUT/r3.json" \
	    >"$OUT/stdout" 2>&1
	expect_exit 0 $? "report merge"
	expect_eq "alpha beta mid tiny01 tiny02 tiny03" \
	    "$(python3 -c 'import json,sys; print(" ".join(sorted(r["path"] for r in json.load(open(sys.argv[1]))["repos"])))' "$OUT/all.json")" \
	    "every entry once"
	expect_eq "6 6" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["counts"]["total"], d["counts"]["cloned"])' "$OUT/all.json")" \
	    "counts summed"
	"$BIN" report merge "$OUT/r1.json" "$OUT/r1.json" >/dev/null 2>"$OUT/err"
	expect_exit 2 $? "overlapping reports"
	expect_grep "is in more than one report: the shards overlap" "$OUT/err" "says so"
	"$BIN" report merge "$OUT/m.yaml" >/dev/null 2>"$OUT/err"
	expect_exit 2 $? "a manifest is not a report"
	expect_grep "m.yaml:[0-9]+:[0-9]+: not a githerd --json report" "$OUT/err" "names file:line:col"
}
