# shellcheck shell=bash
# What libgit2 cannot check out, said instead of done wrong: git-lfs
# files (libgit2 runs no smudge filter: their pointers are counted, and
# sync --lfs runs git lfs pull) and partial clones (skipped untouched).
# One repository made with real git-lfs serves every case: its LFS
# objects sit in the served bare repository and its .lfsconfig points
# git-lfs there with a file:// URL (git-lfs 3's standalone file transfer
# agent), so nothing leaves the machine.

# The fixture, once per suite run: $LFS_REPO over $UP_HTTP and $UP_GIT,
# two LFS files under the top .gitattributes and one under a nested one.
lfs_fixture() {
	start_upstreams || return 1
	local src=$UP/lfs-src bare=$UP/lfs/pics.git
	LFS_SRC=$src
	LFS_REPO=lfs/pics.git
	[ -f "$UP/lfs/made" ] && return 0
	rm -rf "$src" "$bare"
	mkdir -p "$UP/lfs"
	git init -q -b main "$src" && git init -q --bare -b main "$bare" || return 1
	git -C "$bare" config uploadpack.allowFilter true
	(
		cd "$src" || exit 1
		# The filters for this repository only: the suite's HOME has none.
		git lfs install --local >/dev/null && git lfs track '*.bin' >/dev/null
		mkdir -p assets/sub
		printf '[lfs]\n\turl = file://%s\n' "$bare" >.lfsconfig
		head -c 3000 /dev/urandom >big.bin
		head -c 700 /dev/urandom >assets/small.bin
		printf 'sub/*.dat filter=lfs diff=lfs merge=lfs -text\n' \
		    >assets/.gitattributes
		head -c 5000 /dev/urandom >assets/sub/data.dat
		echo plain >README
		# git-lfs's pre-push hook fails ("EOF") on a path remote: the
		# refs without it, the LFS objects by git lfs push.
		git add -A && git commit -q -m "lfs files" &&
		    git push -q --no-verify "$bare" main &&
		    git lfs push --all "file://$bare" >/dev/null 2>&1
	) || return 1
	[ -d "$bare/lfs/objects" ] && touch "$UP/lfs/made"
}

lfs_manifest() {	# URL
	printf 'repos:\n  - url: %s\n    path: pics\n' "$1" >"$OUT/m.yaml"
}

test_lfs_pointers_are_counted_as_git_lfs_lists_them() {
	lfs_fixture || { fail "the git-lfs fixture"; return; }
	lfs_manifest "$UP_HTTP/$LFS_REPO"
	ws_sync --json "$OUT/r.json" "$OUT/m.yaml"
	expect_exit 0 "$(ws_status)" "sync: $(cat "$OUT/stderr")"
	# git's clone of the same remote, its files left as pointers too.
	GIT_LFS_SKIP_SMUDGE=1 git clone -q "$UP_HTTP/$LFS_REPO" "$OUT/ref"
	local want
	want=$(git -C "$OUT/ref" lfs ls-files | wc -l)
	expect_eq 3 "$want" "git lfs ls-files of git's clone"
	expect_grep "cloned  pics .*; lfs: $want pointer files checked out; run githerd exec -- git lfs pull" \
	    "$OUT/stderr" "the entry's line says how many"
	expect_grep "\"lfs_pointers\": $want}" "$OUT/r.json" "the report says how many"
	same_clone "$WS/pics" "$OUT/ref" "the clone with its pointers"
	# A re-sync says it again: nothing changed them.
	ws_sync "$OUT/m.yaml"
	expect_grep "ok      pics .*up to date; lfs: $want pointer files" "$OUT/stderr" \
	    "an up-to-date entry still says it"
}

test_sync_lfs_pulls_the_content_with_git_lfs() {
	lfs_fixture || { fail "the git-lfs fixture"; return; }
	lfs_manifest "$UP_GIT/$LFS_REPO"
	ws_sync "$OUT/m.yaml"
	expect_exit 0 "$(ws_status)" "sync without --lfs"
	# git-lfs not installed in git's configuration: git lfs pull checks
	# nothing out (and exits 0); the entry fails, saying so.
	ws_sync --lfs --retries 0 "$OUT/m.yaml"
	expect_exit 1 "$(ws_status)" "--lfs without git lfs install"
	expect_grep "FAIL .*pics.*git lfs pull in pics left 3 of 3 git-lfs pointer files.*Git LFS is not installed" \
	    "$OUT/stderr" "the pointers left are named, with git-lfs's words"
	# With git lfs install (in a HOME of this case's own): the content.
	mkdir -p "$OUT/home" && cp "$HOME/.gitconfig" "$OUT/home/"
	HOME=$OUT/home git lfs install --skip-repo >/dev/null
	rm -rf "$WS"
	HOME=$OUT/home ws_sync --lfs --json "$OUT/r.json" "$OUT/m.yaml"
	expect_exit 0 "$(ws_status)" "sync --lfs: $(cat "$OUT/stderr")"
	local f
	for f in big.bin assets/small.bin assets/sub/data.dat README; do
		cmp -s "$LFS_SRC/$f" "$WS/pics/$f" || fail "$f differs from the original"
	done
	expect_grep "\"lfs_pointers\": 0}" "$OUT/r.json" "no pointer left"
	expect_no_grep "lfs:" "$OUT/stderr" "nothing to say on the line"
	expect_eq "" "$(HOME=$OUT/home git -C "$WS/pics" status --porcelain)" "git status is clean"
	HOME=$OUT/home "$BIN" status -C "$WS" >"$OUT/status.out" 2>&1
	expect_exit 0 $? "githerd status: $(cat "$OUT/status.out")"
	git -C "$WS/pics" fsck --no-progress >/dev/null 2>&1 || fail "git fsck"
}

test_sync_lfs_without_git_lfs_on_path_fails_before_any_job() {
	lfs_fixture || { fail "the git-lfs fixture"; return; }
	lfs_manifest "$UP_GIT/$LFS_REPO"
	mkdir -p "$OUT/bin" && ln -s "$(command -v git)" "$OUT/bin/git"
	PATH=$OUT/bin ws_sync --lfs "$OUT/m.yaml"
	expect_exit 2 "$(ws_status)" "--lfs, git but no git-lfs on PATH"
	expect_grep "githerd: --lfs runs git lfs pull, but git-lfs is not on PATH: install git-lfs" \
	    "$OUT/stderr" "names what to install"
	expect_missing "$WS/pics" "nothing cloned"
}

test_a_partial_clone_is_skipped_untouched_and_status_says_why() {
	lfs_fixture || { fail "the git-lfs fixture"; return; }
	mkdir -p "$WS"
	GIT_LFS_SKIP_SMUDGE=1 git clone -q --filter=blob:none "$UP_HTTP/$LFS_REPO" "$WS/pics" ||
	    { fail "git clone --filter=blob:none"; return; }
	expect_eq true "$(git -C "$WS/pics" config remote.origin.promisor)" "git made a partial clone"
	lfs_manifest "$UP_HTTP/$LFS_REPO"
	# The remote moves on: a sync that did not skip it would fetch.
	echo "moved on" >>"$LFS_SRC/README"
	git -C "$LFS_SRC" commit -q -a -m "moved on" &&
	    git -C "$LFS_SRC" push -q --no-verify "$UP/$LFS_REPO" main ||
	    { fail "moving the remote on"; return; }
	local before
	before=$(tree_digest "$WS/pics")
	ws_sync --json "$OUT/r.json" "$OUT/m.yaml"
	expect_grep "skipped pics: partial clone \(remote.origin.promisor = true\): libgit2 [0-9.]+ cannot fetch the objects it leaves out; left untouched" \
	    "$OUT/stderr" "the reason"
	expect_grep "\"status\": \"skipped\"" "$OUT/r.json" "skipped in the report"
	expect_grep "\"reason_class\": \"unsupported\"" "$OUT/r.json" "with its class"
	expect_eq "$before" "$(tree_digest "$WS/pics")" "refs, HEAD, index and work tree as they were"
	"$BIN" status -C "$WS" >"$OUT/status.out" 2>&1
	expect_exit 1 $? "status of a partial clone"
	expect_grep "pics +partial clone \(remote.origin.promisor = true\)" "$OUT/status.out" \
	    "status says why"
	expect_eq "$before" "$(tree_digest "$WS/pics")" "status changed nothing either"
}
