# shellcheck shell=bash
# Interrupts during a checkout of a wide work tree (8,000 files): ^C lets
# the checkout finish, a second ^C ends it at once, and a kill -9 at any
# moment is finished by the next sync (the journal, worker/journal.c)
# without touching what the user changed since.

WIDE_FILES=8000
# A file checked out first, one near the end, and the last (path order).
WIDE_FIRST=d000/f00000.txt
WIDE_LATE=d007/f07200.txt
WIDE_LAST=d007/f07999.txt

# wide_setup: an upstream whose main is at "old", cloned by sync; then its
# main moves to "new", where every one of the files changed.
wide_setup() {
	local cache=$TOP/build/wide-$WIDE_FILES.git
	start_upstreams || { fail "upstream servers"; return 1; }
	if [ ! -d "$cache" ]; then
		rm -rf "$cache.tmp"
		python3 "$TOP/tests/lib/mkwide.py" "$cache.tmp" "$WIDE_FILES" &&
		    mv "$cache.tmp" "$cache" || { fail "mkwide"; return 1; }
	fi
	mkdir -p "$UP/$T_NAME"
	cp -a "$cache" "$UP/$T_NAME/wide.git"
	UPW=$UP/$T_NAME/wide.git
	OLD=$(git -C "$UPW" rev-parse old)
	NEW=$(git -C "$UPW" rev-parse main)
	printf 'repos:\n  - url: %s/%s/wide.git\n    path: w\n' "$UP_GIT" "$T_NAME" >"$OUT/m.yaml"
	E=$WS/w
}

upstream_at() {		# old|new
	git -C "$UPW" update-ref refs/heads/main "$([ "$1" = old ] && echo "$OLD" || echo "$NEW")"
}

# Where the checkout of the entry is; for wait_for.
checkout_at() {		# start|middle|end
	local first late last
	read -r first <"$E/$WIDE_FIRST" 2>/dev/null || first=
	read -r late <"$E/$WIDE_LATE" 2>/dev/null || late=
	read -r last <"$E/$WIDE_LAST" 2>/dev/null || last=
	case $1 in
	start) [ -e "$E/.git/githerd-checkout" ] && [ "$first" = "old 0" ] ;;
	middle) [ "$first" = "new 0" ] && [ "${last#old }" != "$last" ] ;;
	end) [ "${late#new }" != "$late" ] ;;
	esac
}

# sync in its own process group, so that a kill can take every process;
# a stop waits 100 ms for the workers instead of 3 s (a seam), so that
# every checkout here outlasts it.
start_sync() {
	GITHERD_TEST_STOP_GRACE_MS=100 setsid "$SEAMS_BIN" sync -C "$WS" \
	    --json "$OUT/r.json" "$@" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr" &
	RUN_PID=$!
}

end_sync() {
	wait "$RUN_PID" 2>/dev/null
	echo $? >"$OUT/status"
	RUN_PID=
	wait_for 5 no_live_procs "sync -C $WS" || fail "workers survived"
}

# HEAD at the old or the new commit, and the index and every file agree
# with it.
expect_consistent() {	# WHAT
	local head
	head=$(git -C "$E" rev-parse HEAD)
	[ "$head" = "$OLD" ] || [ "$head" = "$NEW" ] || fail "$1: HEAD at $head"
	git -C "$E" status --porcelain >"$OUT/porcelain"
	[ ! -s "$OUT/porcelain" ] || { fail "$1: the files do not agree with HEAD:"; head -n 5 "$OUT/porcelain" | sed 's/^/      | /'; }
}

# update_interrupted WHEN SIGNAL: an update of the wide tree, hit when its
# checkout is at WHEN by SIGNAL: INT (^C), INT2 (^C twice) or KILL (every
# process, as a power cut would).
update_interrupted() {
	wide_setup || return 1
	upstream_at old
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/first" 2>&1 || { fail "first sync"; return 1; }
	upstream_at new
	start_sync
	# The start of a checkout (journal written, no file yet) lasts tens
	# of milliseconds: look often.
	WAIT_STEP=0.005 wait_for 60 checkout_at "$1" ||
	    { fail "the checkout was never seen at its $1"; end_sync; return 1; }
	case $2 in
	INT) kill -INT "$RUN_PID" ;;
	INT2) kill -INT "$RUN_PID"; sleep 0.1; kill -INT "$RUN_PID" ;;
	KILL) kill -KILL -- "-$RUN_PID" ;;
	esac
	end_sync
}

sigint_during_update() {	# WHEN
	update_interrupted "$1" INT || return
	expect_exit 130 "$(cat "$OUT/status")" "^C"
	expect_consistent "^C at the $1 of an update's checkout"
	expect_missing "$E/.git/githerd-checkout" "no journal left"
	resync_clean
}

# The next sync ends clean and leaves HEAD at the new commit.
resync_clean() {
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/next" 2>&1
	expect_exit 0 $? "the next sync"
	expect_eq "$NEW" "$(git -C "$E" rev-parse HEAD)" "HEAD after the next sync"
	expect_consistent "after the next sync"
}

test_sigint_at_the_start_of_an_update_checkout() { sigint_during_update start; }
test_sigint_in_the_middle_of_an_update_checkout() {
	sigint_during_update middle
	expect_grep "finishing checkout of w" "$OUT/stderr" "says so"
	expect_eq "$NEW" "$(git -C "$E" rev-parse HEAD)" "the checkout was finished"
}
test_sigint_at_the_end_of_an_update_checkout() { sigint_during_update end; }

test_second_sigint_during_a_checkout_stops_at_once() {
	update_interrupted middle INT2 || return
	expect_exit 130 "$(cat "$OUT/status")" "two ^C"
	expect_no_grep "killed by signal" "$OUT/stdout" "a cancel is named as one"
	# cut short on purpose: the next sync finishes it
	resync_clean
	expect_grep "finished the checkout of [0-9a-f]{7} that an interrupted sync left half done" \
	    "$OUT/next" "and says so"
}

kill9_during_update() {		# WHEN
	update_interrupted "$1" KILL || return
	# the user goes on working, on a file the update does not touch
	echo "mine" >>"$E/keep.txt"
	"$BIN" status -C "$WS" "$OUT/m.yaml" >"$OUT/status.out" 2>&1
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/next" 2>&1
	expect_exit 0 $? "the next sync after kill -9 at the $1"
	expect_eq "$NEW" "$(git -C "$E" rev-parse HEAD)" "HEAD"
	expect_eq " M keep.txt" "$(git -C "$E" status --porcelain)" "only the user's change differs"
	expect_eq "stays mine" "$(tr '\n' ' ' <"$E/keep.txt" | sed 's/ $//')" "the user's change"
	expect_missing "$E/.git/githerd-checkout" "the journal is gone"
}

test_kill9_at_the_start_of_an_update_checkout() { kill9_during_update start; }
test_kill9_in_the_middle_of_an_update_checkout() {
	kill9_during_update middle
	expect_grep "an interrupted sync left its checkout half done" "$OUT/status.out" \
	    "status says so"
	expect_grep "finished the checkout of [0-9a-f]{7} that an interrupted sync left half done \\([0-9]+ files\\)" \
	    "$OUT/next" "sync says what it finished"
}
test_kill9_at_the_end_of_an_update_checkout() { kill9_during_update end; }

test_kill9_then_a_user_change_to_an_updated_file_keeps_the_entry() {
	update_interrupted middle KILL || return
	echo "the user's own" >"$E/$WIDE_LAST"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/next" 2>&1
	expect_exit 4 $? "kept"
	expect_grep "skipped w: an interrupted sync left the checkout of [0-9a-f]{7} half done, and $WIDE_LAST has changed since: kept as it is" \
	    "$OUT/next" "why"
	expect_eq "the user's own" "$(cat "$E/$WIDE_LAST")" "the user's file"
	expect_eq "$OLD" "$(git -C "$E" rev-parse HEAD)" "HEAD untouched"
}

test_sigint_and_kill9_during_a_clone_checkout_leave_nothing_half_done() {
	local sig
	for sig in INT KILL; do
		rm -rf "$WS"
		wide_setup || return
		upstream_at new
		start_sync
		wait_for 60 partial_checkout_exists || { fail "$sig: no clone checkout seen"; end_sync; return; }
		if [ $sig = INT ]; then kill -INT "$RUN_PID"; else kill -KILL -- "-$RUN_PID"; fi
		end_sync
		if [ -e "$E" ]; then
			expect_consistent "$sig during a clone's checkout"
		fi
		resync_clean
	done
}

partial_checkout_exists() {
	[ -n "$(find "$WS" -maxdepth 3 -path '*.githerd-tmp*/d000/f00000.txt' 2>/dev/null | head -n 1)" ]
}
