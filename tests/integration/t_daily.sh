# shellcheck shell=bash
# The daily sync, faithful to git: what a re-sync fetches, prunes and
# keeps, written as a user's day and checked against git itself on the
# same remote (a `git clone` and `git fetch --prune --tags` beside
# githerd's entry).

# daily_setup NAME [manifest lines...]: resync_setup, and git's own clone
# of the same upstream in $GITREF.
daily_setup() {
	resync_setup "$@" || return 1
	GITREF=$OUT/git-ref
	git clone -q "$UP_HTTP/$T_NAME/$1.git" "$GITREF" 2>/dev/null ||
	    { fail "git clone"; return 1; }
}

# What git leaves after the same day: fetch --prune --tags, and origin/HEAD
# asked of the remote again.
git_follows() {
	git -C "$GITREF" fetch -q --prune --tags 2>"$OUT/git-fetch.err" ||
	    { fail "git fetch"; cat "$OUT/git-fetch.err"; }
	git -C "$GITREF" remote set-head origin -a >/dev/null 2>&1
}

# Remote-tracking refs (origin/HEAD with its target) and tags.
tracking_view() {	# DIR
	git -C "$1" for-each-ref --format='%(objectname) %(refname) %(symref)' \
	    refs/remotes refs/tags
}

expect_refs_like_git() {	# WHAT
	tracking_view "$GITREF" >"$OUT/refs.git"
	tracking_view "$E" >"$OUT/refs.ours"
	diff -u "$OUT/refs.git" "$OUT/refs.ours" >"$OUT/refs.diff" ||
	    { fail "$1: refs differ from git's (- git, + githerd)"; sed 's/^/      | /' "$OUT/refs.diff" | head -n 30; }
}

up_tags() {		# NAME: the upstream's tags, as for-each-ref prints them
	git -C "$UP/$T_NAME/$1.git" for-each-ref --format='%(objectname) %(refname)' refs/tags
}

test_daily_a_moved_tag_is_written_under_its_own_name_only() {
	resync_setup alpha "tag: v1.1" || return
	# lightweight, then annotated
	up_commit alpha main moved.txt "x"
	up_git alpha tag -f v1.1 >/dev/null
	up_git alpha push -q -f origin v1.1 2>/dev/null
	resync
	expect_exit 0 "$(st)" "lightweight tag moved"
	expect_eq "$(up_tags alpha)" "$(git -C "$E" for-each-ref --format='%(objectname) %(refname)' refs/tags)" \
	    "tags after a lightweight move"
	expect_eq "$(up_sha alpha 'v1.1^{commit}')" "$(git -C "$E" rev-parse HEAD)" "HEAD"
	up_commit alpha main again.txt "y"
	up_git alpha tag -f -a -m "moved again" v1.1 >/dev/null
	up_git alpha push -q -f origin v1.1 2>/dev/null
	resync
	expect_exit 0 "$(st)" "annotated tag moved"
	expect_eq "$(up_tags alpha)" "$(git -C "$E" for-each-ref --format='%(objectname) %(refname)' refs/tags)" \
	    "tags after an annotated move"
	expect_eq "$(up_sha alpha 'v1.1^{commit}')" "$(git -C "$E" rev-parse HEAD)" "HEAD at the annotated tag"
	"$BIN" status -C "$WS" "$OUT/m.yaml" >"$OUT/status.out" 2>&1
	expect_exit 0 $? "status"
}

test_daily_new_and_deleted_branches_and_tags_follow_git_fetch() {
	daily_setup alpha || return
	# upstream's day: a new branch, a commit on main, a new tag
	up_commit alpha nightly nightly.txt "f"
	up_commit alpha main more.txt "m"
	up_git alpha tag new-tag nightly
	up_git alpha push -q origin new-tag 2>/dev/null
	resync
	git_follows
	expect_exit 0 "$(st)" "re-sync"
	expect_refs_like_git "a new branch and tag"
	expect_eq "$(up_sha alpha nightly)" "$(git -C "$E" rev-parse -q --verify origin/nightly)" \
	    "origin/nightly"
	expect_eq "$(up_sha alpha main)" "$(git -C "$E" rev-parse HEAD)" "HEAD follows main"
	# then the branch is deleted upstream
	up_git alpha push -q origin :nightly 2>/dev/null
	resync
	git_follows
	expect_exit 0 "$(st)" "re-sync after a deletion"
	expect_refs_like_git "a deleted branch"
	expect_eq "" "$(git -C "$E" for-each-ref refs/remotes/origin/nightly)" "origin/nightly pruned"
	expect_eq new-tag "$(git -C "$E" tag -l new-tag)" "tags stay, as with git fetch --prune"
	# a force-push, and a tag moved: git fetch refuses to clobber the tag
	# (and says so with exit 1), githerd keeps it too
	up_rewrite alpha main
	up_git alpha tag -f new-tag main >/dev/null
	up_git alpha push -q -f origin new-tag 2>/dev/null
	resync
	git -C "$GITREF" fetch -q --prune --tags 2>/dev/null
	expect_exit 0 "$(st)" "re-sync after a force-push"
	expect_refs_like_git "a force-push and a moved tag"
	expect_eq "$(up_sha alpha main)" "$(git -C "$E" rev-parse HEAD)" "HEAD follows the force-push"
	expect_grep "githerd: update" "$E/.git/logs/HEAD" "HEAD's reflog says what moved it"
	# nothing new: one ref listing, no pack
	local before
	before=$(http_fetches "$STATE/up-http")
	resync
	expect_grep "1 up to date" "$OUT/stdout" "then nothing to do"
	expect_eq "$before" "$(http_fetches "$STATE/up-http")" "packs fetched by a no-op sync"
}

test_daily_no_prune_keeps_remote_tracking_refs() {
	resync_setup alpha || return
	up_commit alpha nightly nightly.txt "f"
	resync
	expect_exit 0 "$(st)" "nightly arrives"
	up_git alpha push -q origin :nightly 2>/dev/null
	"$BIN" sync --no-prune -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>&1
	expect_exit 0 $? "sync --no-prune"
	expect_eq "$(up_git alpha rev-parse nightly)" "$(git -C "$E" rev-parse -q --verify origin/nightly)" \
	    "origin/nightly kept"
	resync
	expect_eq "" "$(git -C "$E" for-each-ref refs/remotes/origin/nightly)" "pruned without it"
}

test_daily_the_remotes_default_branch_moves_origin_head() {
	daily_setup alpha || return
	git -C "$UP/$T_NAME/alpha.git" symbolic-ref HEAD refs/heads/dev
	resync
	git_follows
	expect_exit 0 "$(st)" "re-sync"
	expect_eq refs/remotes/origin/dev "$(git -C "$E" symbolic-ref refs/remotes/origin/HEAD)" \
	    "origin/HEAD"
	expect_refs_like_git "after the default branch changed"
	expect_eq refs/heads/dev "$(git -C "$E" symbolic-ref HEAD)" "the checkout follows the default"
	"$BIN" status -C "$WS" "$OUT/m.yaml" >"$OUT/status.out" 2>&1
	expect_exit 0 $? "status offline"
	expect_grep "ok +branch dev" "$OUT/status.out" "status line"
}

test_daily_a_skipped_entry_fetches_once_and_status_says_behind() {
	local before
	resync_setup alpha || return
	up_commit alpha main one.txt "1"
	up_commit alpha main two.txt "2"
	echo "mine" >>"$E/README.md"
	before=$(checkout_digest "$E")
	resync
	expect_exit 4 "$(st)" "skipped"
	expect_eq "$before" "$(checkout_digest "$E")" "the checkout"
	expect_eq "$(up_sha alpha main)" "$(git -C "$E" rev-parse origin/main)" "origin/main fetched"
	expect_grep '"fetched": true' "$OUT/r.json" "the report says it fetched"
	before=$(http_fetches "$STATE/up-http")
	resync
	expect_exit 4 "$(st)" "skipped again"
	expect_eq "$before" "$(http_fetches "$STATE/up-http")" "the second sync downloads nothing"
	expect_no_grep '"fetched": true' "$OUT/r.json" "nor says it did"
	"$BIN" status -C "$WS" "$OUT/m.yaml" >"$OUT/status.out" 2>&1
	expect_grep "behind 2: branch main" "$OUT/status.out" "status offline"
	# the user commits: ahead and behind
	git -C "$E" commit -q -am "mine"
	"$BIN" status -C "$WS" "$OUT/m.yaml" >"$OUT/status.out" 2>&1
	expect_grep "diverged \\(ahead 1, behind 2\\)" "$OUT/status.out" "status, diverged"
}

test_daily_a_clone_with_thousands_of_tags_packs_its_refs_like_git() {
	local files
	start_upstreams || { fail "upstream servers"; return; }
	mkdir -p "$UP/$T_NAME"
	python3 "$TOP/tests/lib/mktags.py" "$UP/$T_NAME/tags.git" 300 3000 ||
	    { fail "mktags"; return; }
	printf 'repos:\n  - url: %s/%s/tags.git\n    path: tags\n' "$UP_GIT" "$T_NAME" >"$OUT/m.yaml"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>&1
	expect_exit 0 $? "clone"
	git clone -q "$UP_GIT/$T_NAME/tags.git" "$OUT/git-ref" 2>/dev/null || { fail "git clone"; return; }
	same_clone "$WS/tags" "$OUT/git-ref" "3000 tags"
	# git's file, byte for byte: sorted, every annotated tag peeled
	cmp -s "$OUT/git-ref/.git/packed-refs" "$WS/tags/.git/packed-refs" ||
	    { fail "packed-refs differs from git's"; diff "$OUT/git-ref/.git/packed-refs" \
	    "$WS/tags/.git/packed-refs" | head -n 10 | sed 's/^/      | /'; }
	files=$(find "$WS/tags/.git" -type f | wc -l)
	[ "$files" -le "$(($(find "$OUT/git-ref/.git" -type f | wc -l) + 10))" ] ||
	    fail "$files files in .git: one per ref?"
	git -C "$WS/tags" fsck --strict --no-progress >/dev/null 2>&1 || fail "fsck"
}

test_daily_a_branch_the_user_checked_out_is_kept_and_fast_forwarded() {
	local main_before
	resync_setup alpha || return
	git -C "$E" checkout -q dev 2>/dev/null || { fail "git checkout dev"; return; }
	cp "$E/.git/logs/HEAD" "$OUT/reflog.before"
	resync
	expect_exit 0 "$(st)" "nothing new upstream"
	expect_eq refs/heads/dev "$(git -C "$E" symbolic-ref HEAD)" "still on dev"
	expect_grep "kept +alpha on dev \\(manifest: main\\)" "$OUT/stderr" "line"
	expect_grep "1 kept where its user put it" "$OUT/stdout" "summary"
	expect_grep '"status": "kept"' "$OUT/r.json" "report"
	cmp -s "$OUT/reflog.before" "$E/.git/logs/HEAD" || fail "HEAD's reflog changed"
	# upstream moves dev: fast-forwarded in place
	up_commit alpha dev dev-new.txt "d"
	resync
	expect_exit 0 "$(st)" "dev moved upstream"
	expect_eq refs/heads/dev "$(git -C "$E" symbolic-ref HEAD)" "on dev"
	expect_eq "$(up_sha alpha dev)" "$(git -C "$E" rev-parse HEAD)" "dev fast-forwarded"
	expect_eq d "$(cat "$E/dev-new.txt")" "its file"
	expect_eq "" "$(git -C "$E" status --porcelain)" "clean"
	expect_grep "kept +alpha on dev \\(manifest: main\\), fast-forwarded [0-9a-f]{7}\\.\\.[0-9a-f]{7}" \
	    "$OUT/stderr" "line says so"
	# upstream moves main: fetched, but neither HEAD nor local main moves
	main_before=$(git -C "$E" rev-parse main)
	up_commit alpha main main-new.txt "m"
	resync
	expect_exit 0 "$(st)" "main moved upstream"
	expect_eq "$(up_sha alpha dev)" "$(git -C "$E" rev-parse HEAD)" "HEAD stays"
	expect_eq "$main_before" "$(git -C "$E" rev-parse main)" "local main untouched"
	expect_eq "$(up_sha alpha main)" "$(git -C "$E" rev-parse origin/main)" "origin/main fetched"
	# a branch of the user's own, with a commit: kept, exit 0
	git -C "$E" checkout -q -b try-something
	echo mine >"$E/mine.txt"
	git -C "$E" add mine.txt
	git -C "$E" commit -q -m "mine"
	resync
	expect_exit 0 "$(st)" "own branch"
	expect_grep "kept +alpha on try-something \\(manifest: main\\)" "$OUT/stderr" "own branch line"
	expect_eq refs/heads/try-something "$(git -C "$E" symbolic-ref HEAD)" "own branch kept"
	# --switch moves a checkout back when that is safe; here it is not
	"$BIN" sync --switch -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 4 $? "--switch with unpushed work"
	expect_grep "skipped +alpha: on branch try-something with 1 unpushed commit" "$OUT/stderr" "why"
	git -C "$E" checkout -q dev
	"$BIN" sync --switch -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "--switch"
	expect_eq refs/heads/main "$(git -C "$E" symbolic-ref HEAD)" "switched back to main"
	expect_eq "$(up_sha alpha main)" "$(git -C "$E" rev-parse HEAD)" "at upstream main"
	expect_eq try-something "$(git -C "$E" branch --list try-something --format='%(refname:short)')" \
	    "the user's branch stays"
}

test_daily_a_changed_manifest_ref_moves_a_kept_checkout() {
	resync_setup alpha || return
	git -C "$E" checkout -q -b try-something
	resync
	expect_exit 0 "$(st)" "kept"
	expect_eq refs/heads/try-something "$(git -C "$E" symbolic-ref HEAD)" "kept first"
	sed -i 's|path: alpha|path: alpha\n    branch: dev|' "$OUT/m.yaml"
	resync
	expect_exit 0 "$(st)" "the manifest now wants dev"
	expect_eq refs/heads/dev "$(git -C "$E" symbolic-ref HEAD)" "moved to the manifest's new branch"
	expect_grep "switched alpha try-something → dev [0-9a-f]{7}" "$OUT/stderr" "line"
	# and from then on dev is githerd's: a hand switch away is kept again
	git -C "$E" checkout -q try-something
	resync
	expect_grep "kept +alpha on try-something \\(manifest: dev\\)" "$OUT/stderr" "kept again"
}

# Workers still starting when the last job ends used to find their
# HELLO unread and the socket reset, exit 3, and have the parent warn
# "worker exited with status 3 before finishing" in about one run in ten.
test_daily_status_and_dry_run_never_warn_of_a_worker_exit() {
	local i
	echo "repos:" >"$OUT/m.yaml"
	for n in alpha beta tiny01 tiny02 tiny03 tiny04; do
		echo "  - url: $GIT_URL/$n.git" >>"$OUT/m.yaml"
	done
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/first" 2>&1 || { fail "first sync"; return; }
	: >"$OUT/all"
	for i in $(seq 1 15); do
		"$BIN" status -j 8 -C "$WS" "$OUT/m.yaml" >>"$OUT/all" 2>&1
		"$BIN" sync --dry-run -j 8 -C "$WS" "$OUT/m.yaml" >>"$OUT/all" 2>&1
	done
	expect_no_grep "worker exited|warning" "$OUT/all" "30 runs"
}

test_daily_dry_run_does_not_skip_for_an_untracked_file_out_of_the_way() {
	resync_setup alpha || return
	up_commit alpha main upstream.txt "u"
	echo "mine" >"$E/notes.txt"
	"$BIN" sync --dry-run -C "$WS" "$OUT/m.yaml" >"$OUT/dry" 2>&1
	expect_exit 0 $? "dry run"
	expect_grep "^update +alpha" "$OUT/dry" "offline"
	"$BIN" sync --dry-run --fetch -C "$WS" "$OUT/m.yaml" >"$OUT/dry" 2>&1
	expect_grep "^update +alpha" "$OUT/dry" "with --fetch"
	resync
	expect_exit 0 "$(st)" "the sync then updates"
	expect_eq mine "$(cat "$E/notes.txt")" "the untracked file stays"
	expect_eq "$(up_sha alpha main)" "$(git -C "$E" rev-parse HEAD)" "HEAD"
	# one in the way is still predicted
	up_git alpha rm -q upstream.txt
	up_git alpha commit -q -m "drop"
	up_git alpha push -q origin main 2>/dev/null
	resync
	up_commit alpha main notes.txt "theirs"
	"$BIN" sync --dry-run --fetch -C "$WS" "$OUT/m.yaml" >"$OUT/dry" 2>&1
	expect_grep "^skip\\? +alpha: .*untracked files would be overwritten: \\?\\? notes\\.txt" \
	    "$OUT/dry" "in the way"
}

test_daily_sync_without_a_manifest_uses_the_remembered_one() {
	resync_setup alpha || return
	up_commit alpha main later.txt "l"
	(cd "$OUT" && "$BIN" sync -C "$WS") >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync -C ws"
	expect_eq "$(up_sha alpha main)" "$(git -C "$E" rev-parse HEAD)" "updated from the saved manifest"
	(cd "$OUT" && "$BIN" status -C "$WS") >"$OUT/status.out" 2>&1
	expect_exit 0 $? "status -C ws"
	(cd "$OUT" && "$BIN" freeze -C "$WS") >"$OUT/lock.yaml" 2>"$OUT/freeze.err"
	expect_exit 0 $? "freeze -C ws"
	expect_grep "$(up_sha alpha main)" "$OUT/lock.yaml" "freeze pins it"
	rm -rf "$OUT/empty" && mkdir "$OUT/empty"
	"$BIN" sync -C "$OUT/empty" >"$OUT/none" 2>&1
	expect_exit 2 $? "no manifest anywhere"
	expect_grep "no manifest given and none saved" "$OUT/none" "says so"
}

test_daily_a_changed_url_of_the_same_repository_repoints_origin() {
	resync_setup alpha || return
	# the same repository, now over git://
	sed -i "s|$UP_HTTP/$T_NAME/alpha.git|$UP_GIT/$T_NAME/alpha.git|" "$OUT/m.yaml"
	up_commit alpha main moved.txt "m"
	resync
	expect_exit 0 "$(st)" "re-sync over git://"
	expect_eq "$UP_GIT/$T_NAME/alpha.git" "$(git -C "$E" config remote.origin.url)" "origin"
	expect_grep "origin changed $UP_HTTP/$T_NAME/alpha.git → $UP_GIT/$T_NAME/alpha.git" \
	    "$OUT/stderr" "says so"
	expect_eq "$(up_sha alpha main)" "$(git -C "$E" rev-parse HEAD)" "and updates"
	resync
	expect_no_grep "origin changed" "$OUT/stderr" "once"
	# another repository under the entry's path: refused, with the way out
	local before
	up_new beta
	before=$(entry_digest "$E")
	sed -i "s|$UP_GIT/$T_NAME/alpha.git|$UP_GIT/$T_NAME/beta.git|" "$OUT/m.yaml"
	resync
	expect_exit 1 "$(st)" "another repository"
	expect_grep "FAIL alpha: local-conflict: origin mismatch \\(have $UP_GIT/$T_NAME/alpha.git, want $UP_GIT/$T_NAME/beta.git\\): alpha shares no commit with the remote; if it is the same repository, run 'git -C alpha remote set-url origin $UP_GIT/$T_NAME/beta.git'" \
	    "$OUT/stdout" "the way out"
	expect_eq "$before" "$(entry_digest "$E")" "untouched"
}

test_daily_removing_depth_deepens_and_adding_it_keeps_history() {
	resync_setup alpha "depth: 1" || return
	expect_eq true "$(git -C "$E" rev-parse --is-shallow-repository)" "shallow first"
	sed -i '/depth: 1/d' "$OUT/m.yaml"
	resync
	expect_exit 0 "$(st)" "depth removed"
	expect_eq false "$(git -C "$E" rev-parse --is-shallow-repository)" "deepened"
	expect_eq "$(git -C "$UP/$T_NAME/alpha.git" rev-list --count main)" \
	    "$(git -C "$E" rev-list --count HEAD)" "the whole history"
	expect_eq "+refs/heads/*:refs/remotes/origin/*" "$(git -C "$E" config --get-all remote.origin.fetch)" \
	    "git clone's refspec"
	expect_tracking_is_upstream alpha "$E" "every branch"
	git -C "$E" fsck --strict --no-progress >/dev/null 2>&1 || fail "fsck"
	resync
	expect_grep "1 up to date" "$OUT/stdout" "then nothing to do"
	# depth added to a full clone: a note, the history stays
	printf '    depth: 1\n' >>"$OUT/m.yaml"
	resync
	expect_exit 0 "$(st)" "depth added"
	expect_grep "depth 1 ignored: alpha has its full history, and githerd never throws history away" \
	    "$OUT/stderr" "note"
	expect_eq false "$(git -C "$E" rev-parse --is-shallow-repository)" "still full"
}

test_daily_a_shallow_clone_over_git_protocol_says_it_cannot_deepen() {
	start_upstreams || { fail "upstream servers"; return; }
	up_new alpha
	mkdir -p "$WS"
	git clone -q --depth 1 "$UP_GIT/$T_NAME/alpha.git" "$WS/alpha" 2>/dev/null || { fail "git clone"; return; }
	printf 'repos:\n  - url: %s/%s/alpha.git\n' "$UP_GIT" "$T_NAME" >"$OUT/m.yaml"
	E=$WS/alpha
	resync
	expect_grep "alpha stays shallow: libgit2 .* deepens a clone over http\\(s\\) only, not git://; run 'git -C alpha fetch --unshallow'" \
	    "$OUT/stderr" "says why and what to run"
	expect_eq 1 "$(grep -c 'stays shallow' "$OUT/stderr")" "once"
	expect_exit 0 "$(st)" "the update itself goes on"
	git -C "$E" fsck --no-progress >/dev/null 2>&1 || fail "fsck"
	"$BIN" status -C "$WS" "$OUT/m.yaml" >"$OUT/status.out" 2>&1
	expect_grep "alpha .*shallow, while the manifest asks for the full history" "$OUT/status.out" \
	    "status marks it"
}

# orphans_setup: three entries cloned by sync, then a manifest without b
# and with c renamed to c2.
orphans_setup() {
	local n
	start_upstreams || { fail "upstream servers"; return 1; }
	echo "repos:" >"$OUT/m.yaml"
	for n in a b c; do
		up_new "$n" alpha
		printf '  - url: %s/%s/%s.git\n    path: %s\n' "$UP_GIT" "$T_NAME" "$n" "$n" >>"$OUT/m.yaml"
	done
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/first" 2>&1 || { fail "first sync"; return 1; }
	printf 'repos:\n  - url: %s/%s/a.git\n    path: a\n  - url: %s/%s/c.git\n    path: c2\n' \
	    "$UP_GIT" "$T_NAME" "$UP_GIT" "$T_NAME" >"$OUT/m.yaml"
}

test_daily_entries_that_left_the_manifest_are_listed_and_pruned_when_clean() {
	local trash head
	orphans_setup || return
	head=$(git -C "$WS/b" rev-parse HEAD)
	resync
	expect_exit 0 "$(st)" "sync"
	expect_grep "githerd: 2 entries on disk are no longer in the manifest: b, c$" "$OUT/stdout" \
	    "sync lists the dropped and the renamed one"
	expect_grep "'sync --prune' moves those a sync created" "$OUT/stdout" "and says how"
	[ -d "$WS/b/.git" ] && [ -d "$WS/c/.git" ] || fail "nothing is removed without --prune"
	"$BIN" status -C "$WS" "$OUT/m.yaml" >"$OUT/status.out" 2>&1
	expect_grep "no longer in the manifest: b, c" "$OUT/status.out" "status lists them"
	# c has work of the user's; b is clean
	echo "mine" >>"$WS/c/README.md"
	resync --prune
	expect_exit 0 "$(st)" "sync --prune"
	expect_grep "githerd: pruned b: moved to \\.githerd/trash/b\\." "$OUT/stdout" "b moved"
	expect_grep "githerd: kept c \\(not in the manifest\\): 1 modified file \\(README.md\\)" \
	    "$OUT/stdout" "c kept, with why"
	expect_missing "$WS/b" "b left the workspace"
	trash=$(ls -d "$WS"/.githerd/trash/b.* 2>/dev/null | head -n 1)
	expect_eq "$head" "$(git -C "$trash" rev-parse HEAD 2>/dev/null)" "b whole in the trash"
	expect_eq mine "$(tail -n 1 "$WS/c/README.md")" "c untouched"
	resync
	expect_grep "1 entry on disk is no longer in the manifest: c$" "$OUT/stdout" "b is forgotten"
}

test_daily_prune_keeps_an_orphan_with_any_local_work() {
	local kind
	for kind in untracked ignored unpushed stash detached; do
		rm -rf "$WS"
		orphans_setup || return
		case $kind in
		untracked) echo x >"$WS/b/notes.txt" ;;
		ignored) echo "*.env" >"$WS/b/.git/info/exclude"; echo s >"$WS/b/.env" ;;
		unpushed) git -C "$WS/b" commit -q --allow-empty -m "unpushed work" ;;
		stash) echo y >>"$WS/b/README.md"; git -C "$WS/b" stash -q ;;
		detached) git -C "$WS/b" -c advice.detachedHead=false checkout -q --detach
			git -C "$WS/b" commit -q --allow-empty -m "floating" ;;
		esac
		resync --prune
		expect_exit 0 "$(st)" "$kind: sync --prune"
		expect_grep "githerd: kept b \\(not in the manifest\\): " "$OUT/stdout" "$kind: kept"
		[ -d "$WS/b/.git" ] || fail "$kind: b removed"
	done
	expect_grep "kept b .*detached HEAD has 1 commit on no branch" "$OUT/stdout" "the reason"
}

test_daily_prune_never_removes_what_sync_did_not_create() {
	start_upstreams || { fail "upstream servers"; return; }
	up_new alpha
	mkdir -p "$WS"
	git clone -q "$UP_GIT/$T_NAME/alpha.git" "$WS/mine" 2>/dev/null
	printf 'repos:\n  - url: %s/%s/alpha.git\n    path: mine\n' "$UP_GIT" "$T_NAME" >"$OUT/m.yaml"
	resync
	expect_exit 0 "$(st)" "adopted"
	printf 'repos: []\n' >"$OUT/m.yaml"
	resync --prune
	expect_grep "1 entry on disk is no longer in the manifest: mine" "$OUT/stdout" "listed"
	[ -d "$WS/mine/.git" ] || fail "a clone the user made was removed"
	expect_no_grep "pruned" "$OUT/stdout" "not pruned"
}

test_daily_a_bare_clone_follows_a_force_push_but_not_over_pushed_commits() {
	resync_setup alpha "bare: true" || return
	expect_eq "$(up_sha alpha dev)" "$(awk '$2 == "refs/heads/dev" {print $1}' "$E/githerd-remote-tips")" \
	    "the clone records the remote's tips"
	up_rewrite alpha dev
	resync
	expect_exit 0 "$(st)" "force-push upstream, nothing pushed here"
	expect_eq "$(up_sha alpha dev)" "$(git --git-dir="$E" rev-parse dev)" "dev follows"
	git --git-dir="$E" fsck --no-progress >/dev/null 2>&1 || fail "fsck"
	# now someone pushes into the clone, and upstream rewrites again
	git --git-dir="$E" update-ref refs/heads/dev "$(git --git-dir="$E" \
	    commit-tree -p dev -m "pushed here" "dev^{tree}")"
	up_rewrite alpha dev
	resync
	expect_exit 4 "$(st)" "skipped"
	expect_grep "skipped +alpha: dev has [0-9]+ commits? the remote does not: [0-9a-f]{7} pushed here" \
	    "$OUT/stderr" "reason"
	expect_eq "pushed here" "$(git --git-dir="$E" log -1 --format=%s dev)" "the pushed commit stays"
}

test_daily_dry_run_says_a_checkout_its_user_moved_is_kept() {
	resync_setup alpha || return
	git -C "$E" checkout -q -b try-something
	"$BIN" sync --dry-run -C "$WS" "$OUT/m.yaml" >"$OUT/dry" 2>&1
	expect_exit 0 $? "dry run"
	expect_grep "^keep +alpha: on branch try-something [0-9a-f]{7}, the manifest wants branch main" \
	    "$OUT/dry" "predicts the keep"
	expect_grep "1 kept where its user put it; nothing was done" "$OUT/dry" "summary"
	"$BIN" sync --dry-run --switch -C "$WS" "$OUT/m.yaml" >"$OUT/dry" 2>&1
	expect_grep "^update +alpha" "$OUT/dry" "with --switch, an update"
	resync
	expect_grep "kept +alpha on try-something" "$OUT/stderr" "and the sync keeps it"
}

test_freeze_warns_for_commits_only_here_and_names_the_users_manifest() {
	resync_setup alpha || return
	git -C "$E" checkout -q -b local-only
	git -C "$E" commit -q --allow-empty -m "only here"
	(cd "$OUT" && "$BIN" freeze -C "$WS") >"$OUT/lock.yaml" 2>"$OUT/freeze.err"
	expect_exit 1 $? "freeze with a commit on no remote-tracking branch"
	expect_grep "githerd: freeze: alpha: [0-9a-f]{12} is on no remote-tracking branch \\(1 commit only here\\)" \
	    "$OUT/freeze.err" "the warning"
	expect_grep "push them, or give --allow-unpushed" "$OUT/freeze.err" "the way out"
	expect_grep "^# githerd freeze of $OUT/m.yaml:" "$OUT/lock.yaml" \
	    "the header names the manifest the sync was given, not the saved copy"
	(cd "$OUT" && "$BIN" freeze --allow-unpushed -C "$WS") >"$OUT/lock.yaml" 2>"$OUT/freeze.err"
	expect_exit 0 $? "--allow-unpushed"
	git -C "$E" checkout -q main
	(cd "$OUT" && "$BIN" freeze -C "$WS") >"$OUT/lock.yaml" 2>"$OUT/freeze.err"
	expect_exit 0 $? "on a pushed commit"
}

test_every_line_says_what_changed() {
	local old new
	resync_setup alpha || return
	expect_grep "cloned +alpha main $(up_sha alpha main | cut -c1-7) \\(" "$OUT/first" "the clone's line"
	old=$(up_sha alpha main)
	up_commit alpha main one.txt "1"
	up_commit alpha main two.txt "2"
	new=$(up_sha alpha main)
	resync
	expect_grep "updated +alpha main ${old:0:7}\\.\\.${new:0:7} \\(\\+2\\) \\(" "$OUT/stderr" "the update's line"
	expect_grep "\"before\": \"$old\", \"after\": \"$new\", \"branch\": \"main\", \"commits\": 2" \
	    "$OUT/r.json" "the report"
	git -C "$E" checkout -q -b side
	resync --switch
	expect_grep "switched alpha side → main ${new:0:7} \\(" "$OUT/stderr" "a switch"
}
