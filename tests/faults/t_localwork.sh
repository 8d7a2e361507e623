# shellcheck shell=bash
# Ignored files are local work: an update that would overwrite or delete
# a file or directory the user's .gitignore or info/exclude hides is
# skipped, naming them, and --dry-run says so beforehand.  (git itself
# treats ignored files as expendable; githerd promises more.)

# An upstream "work" whose files the user keeps ignored copies beside:
# .env (.gitignore), notes/ (info/exclude), and build/out.o inside the
# tracked directory build/ (*.o in .gitignore).
ignored_setup() {
	start_upstreams || return 1
	up_new work alpha
	printf '.env\n*.o\n' >"$UP/$T_NAME/work.work/.gitignore"
	mkdir -p "$UP/$T_NAME/work.work/build"
	echo keep >"$UP/$T_NAME/work.work/build/keep"
	up_git work add -A
	up_git work commit -q -m "ignore .env and objects; build/"
	up_git work push -q origin main 2>/dev/null
	printf 'repos:\n  - url: %s\n    path: w\n' "$UP_GIT/$T_NAME/work.git" >"$OUT/m.yaml"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr" ||
	    { fail "first sync"; return 1; }
	echo SECRET=hunter2 >"$WS/w/.env"
	mkdir "$WS/w/notes"
	echo "my notes" >"$WS/w/notes/todo"
	echo notes/ >>"$WS/w/.git/info/exclude"
	echo object >"$WS/w/build/out.o"
	[ -z "$(git -C "$WS/w" status --porcelain)" ] || { fail "the setup is not clean"; return 1; }
}

# upstream_takes PATHS: upstream adds tracked files at the user's paths
# (build/ becomes a file).
upstream_takes() {
	local f work=$UP/$T_NAME/work.work
	for f in "$@"; do
		if [ "$f" = build ]; then
			up_git work rm -q -r build
		fi
		echo "upstream $f" >"$work/$f"
		up_git work add -f "$f"
	done
	up_git work commit -q -m "upstream takes $*"
	up_git work push -q origin main 2>/dev/null
}

test_update_never_overwrites_ignored_files() {
	local before
	ignored_setup || return
	upstream_takes .env notes
	before=$(checkout_digest "$WS/w")
	# Told beforehand: offline after a fetch of the user's, and online.
	"$BIN" sync --dry-run --fetch -C "$WS" "$OUT/m.yaml" >"$OUT/dry" 2>&1
	expect_grep "^skip\\? +w: behind 1: branch main .*a sync would skip it: ignored files would be overwritten: !! \\.env, !! notes" \
	    "$OUT/dry" "--dry-run --fetch"
	"$BIN" sync -C "$WS" --json "$OUT/r.json" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 4 $? "sync"
	expect_grep "skipped w: ignored files would be overwritten: !! \\.env, !! notes" \
	    "$OUT/stdout" "the summary names the files"
	expect_eq "$before" "$(checkout_digest "$WS/w")" "every byte, branch and HEAD"
	expect_eq SECRET=hunter2 "$(cat "$WS/w/.env")" ".env"
	expect_eq "my notes" "$(cat "$WS/w/notes/todo")" "notes/todo"
	git -C "$WS/w" fetch -q origin
	"$BIN" sync --dry-run -C "$WS" "$OUT/m.yaml" >"$OUT/dry" 2>&1
	expect_grep "^skip\\? +w: behind 1: .*ignored files would be overwritten: !! \\.env, !! notes" \
	    "$OUT/dry" "--dry-run offline, once fetched"
	"$BIN" status -C "$WS" --json "$OUT/s.json" >"$OUT/status" 2>&1
	expect_exit 1 $? "status"
	expect_eq blocked "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["repos"][0]["state"])' "$OUT/s.json")" \
	    "the state in the report"
}

test_update_never_deletes_ignored_files_in_a_replaced_directory() {
	local before
	ignored_setup || return
	upstream_takes build
	before=$(checkout_digest "$WS/w")
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 4 $? "sync"
	expect_grep "skipped w: ignored files would be deleted: !! build/out\\.o" "$OUT/stdout" \
	    "the summary names the file"
	expect_eq "$before" "$(checkout_digest "$WS/w")" "every byte, branch and HEAD"
	expect_eq object "$(cat "$WS/w/build/out.o")" "build/out.o"
	expect_eq keep "$(cat "$WS/w/build/keep")" "the tracked file stays too"
	# Once the user moved their file away, the update goes through.
	mv "$WS/w/build/out.o" "$OUT/out.o"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync once nothing is in the way"
	expect_eq "upstream build" "$(cat "$WS/w/build")" "build is upstream's file now"
}
