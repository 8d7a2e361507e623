# shellcheck shell=bash
# githerd sync on a workspace that exists: updates, skips that protect
# local work (every byte, ref and HEAD kept), mirrors, status and freeze.

# resync_setup NAME [manifest lines...]: an upstream copy of NAME, a
# one-entry manifest for it over HTTP (so fetches show in the access log),
# and a first sync.
resync_setup() {
	local name=$1
	shift
	start_upstreams || { fail "upstream servers"; return 1; }
	up_new "$name"
	{
		echo "repos:"
		echo "  - url: $UP_HTTP/$T_NAME/$name.git"
		echo "    path: $name"
		for line in "$@"; do echo "    $line"; done
	} >"$OUT/m.yaml"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/first" 2>&1 ||
	    { fail "first sync"; cat "$OUT/first"; return 1; }
	E=$WS/$name
}

# resync [OPTION...]: sync again, the output and status kept in $OUT.
resync() {
	"$BIN" sync -C "$WS" --json "$OUT/r.json" "$@" "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	echo $? >"$OUT/status"
}

st() { cat "$OUT/status"; }

test_resync_with_nothing_changed_fetches_nothing() {
	local before
	start_upstreams || { fail "upstream servers"; return; }
	echo "repos:" >"$OUT/m.yaml"
	for n in alpha beta big tiny01 tiny02 tiny03; do
		up_new "$n"
		echo "  - url: $UP_HTTP/$T_NAME/$n.git" >>"$OUT/m.yaml"
	done
	printf '  - url: %s/%s/alpha.git\n    path: alpha-dev\n    branch: dev\n' \
	    "$UP_HTTP" "$T_NAME" >>"$OUT/m.yaml"
	printf '  - url: %s/%s/alpha.git\n    path: alpha-tag\n    tag: v1.0\n' \
	    "$UP_HTTP" "$T_NAME" >>"$OUT/m.yaml"
	printf '  - url: %s/%s/beta.git\n    path: beta.git\n    mirror: true\n' \
	    "$UP_HTTP" "$T_NAME" >>"$OUT/m.yaml"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >/dev/null 2>&1 || fail "first sync"
	before=$(http_fetches "$STATE/up-http")
	resync
	expect_exit 0 "$(st)" "re-sync"
	expect_eq "$before" "$(http_fetches "$STATE/up-http")" "packs fetched by the re-sync"
	expect_grep "9 repositories in .*: 0 cloned, 0 updated, 9 up to date" "$OUT/stdout" "summary"
	expect_no_grep '"fetched": true' "$OUT/r.json" "report"
}

test_upstream_commits_are_fast_forwarded() {
	resync_setup alpha || return
	up_commit alpha main new-file.txt "hello"
	resync
	expect_exit 0 "$(st)" "re-sync"
	expect_eq "$(up_sha alpha main)" "$(git -C "$E" rev-parse HEAD)" "HEAD"
	expect_eq "$(up_sha alpha main)" "$(git -C "$E" rev-parse origin/main)" "origin/main"
	expect_eq hello "$(cat "$E/new-file.txt")" "the new file"
	expect_eq refs/heads/main "$(git -C "$E" symbolic-ref HEAD)" "still on main"
	expect_eq "" "$(git -C "$E" status --porcelain)" "clean"
	expect_grep "updated +alpha" "$OUT/stderr" "line"
	git -C "$E" fsck --no-progress >/dev/null 2>&1 || fail "fsck"
}

test_force_push_without_local_commits_is_followed() {
	resync_setup alpha || return
	up_rewrite alpha main
	resync
	expect_exit 0 "$(st)" "re-sync after a force-push"
	expect_eq "$(up_sha alpha main)" "$(git -C "$E" rev-parse HEAD)" "HEAD"
	expect_eq "" "$(git -C "$E" status --porcelain)" "clean"
}

# expect_skip_kept NAME WHAT: after a change upstream, the re-sync must skip the
# entry with a reason matching WHAT and leave it exactly as it was.
# The fetch still happens, as git fetch would: the remote-tracking refs
# follow upstream, nothing of the checkout changes.
expect_skip_kept() {
	local before
	before=$(checkout_digest "$E")
	resync ${SKIP_OPTS:-}
	expect_exit 4 "$(st)" "skipped to protect local work"
	expect_grep "skipped +alpha: $2" "$OUT/stderr" "reason"
	expect_grep "skipped alpha: $2" "$OUT/stdout" "summary"
	expect_grep '"status": "skipped", "error": null, "reason": ' "$OUT/r.json" "report"
	expect_eq "$before" "$(checkout_digest "$E")" "$1: work tree, index, HEAD and branches"
	expect_tracking_is_upstream alpha "$E" "$1: fetched all the same"
	git -C "$E" fsck --no-progress >/dev/null 2>&1 || fail "$1: fsck"
	expect_no_tmp "$WS" "$1"
}

test_skip_modified_file() {
	resync_setup alpha || return
	up_commit alpha main new-file.txt "upstream"
	echo "mine" >>"$E/README.md"
	expect_skip_kept modified "1 modified file \\(README.md\\)"
}

test_skip_staged_file() {
	resync_setup alpha || return
	up_commit alpha main new-file.txt "upstream"
	echo "staged" >"$E/staged.txt"
	git -C "$E" add staged.txt
	expect_skip_kept staged "1 modified file \\(staged.txt\\)"
}

test_skip_untracked_file_in_the_way() {
	resync_setup alpha || return
	up_commit alpha main notes.txt "upstream notes"
	echo "my notes" >"$E/notes.txt"
	expect_skip_kept untracked "untracked files would be overwritten: \\?\\? notes.txt"
}

test_untracked_file_not_in_the_way_is_kept() {
	resync_setup alpha || return
	up_commit alpha main new-file.txt "upstream"
	echo "my scratch" >"$E/scratch.txt"
	resync
	expect_exit 0 "$(st)" "update beside an untracked file"
	expect_eq "my scratch" "$(cat "$E/scratch.txt")" "untracked file"
	expect_eq "$(up_sha alpha main)" "$(git -C "$E" rev-parse HEAD)" "HEAD"
}

test_skip_local_commit_when_upstream_moves() {
	resync_setup alpha || return
	up_commit alpha main new-file.txt "upstream"
	echo "local" >"$E/local.txt"
	git -C "$E" add local.txt
	git -C "$E" commit -q -m "my local work"
	expect_skip_kept diverged "1 local commit not upstream on main: [0-9a-f]{7} my local work"
}

test_skip_local_commit_on_force_push() {
	resync_setup alpha || return
	echo "local" >"$E/local.txt"
	git -C "$E" add local.txt
	git -C "$E" commit -q -m "mine, not pushed"
	up_rewrite alpha main
	expect_skip_kept force-push "1 local commit not upstream on main: [0-9a-f]{7} mine, not pushed"
}

test_skip_ahead_of_upstream() {
	resync_setup alpha || return
	git -C "$E" commit -q --allow-empty -m "ahead by one"
	expect_skip_kept ahead "1 local commit not upstream on main: [0-9a-f]{7} ahead by one"
}

test_skip_detached_head_with_commits() {
	resync_setup alpha || return
	up_commit alpha main new-file.txt "upstream"
	git -C "$E" -c advice.detachedHead=false checkout -q --detach HEAD
	git -C "$E" commit -q --allow-empty -m "on a detached head"
	git -C "$E" branch -q -D main
	# Moved by hand, so kept; moving it with --switch would lose the commit.
	SKIP_OPTS=--switch expect_skip_kept detached "detached HEAD has 1 commit on no branch: [0-9a-f]{7} on a detached head"
}

test_skip_other_branch_with_unpushed_work() {
	resync_setup alpha || return
	up_commit alpha main new-file.txt "upstream"
	git -C "$E" checkout -q -b topic
	git -C "$E" commit -q --allow-empty -m "topic work"
	SKIP_OPTS=--switch expect_skip_kept topic "on branch topic with 1 unpushed commit: [0-9a-f]{7} topic work"
}

test_switch_back_from_a_branch_without_unpushed_work() {
	resync_setup alpha || return
	git -C "$E" checkout -q -b scratch	# same commit as main: nothing to lose
	resync
	expect_exit 0 "$(st)" "kept"
	expect_eq refs/heads/scratch "$(git -C "$E" symbolic-ref HEAD)" "a branch checked out by hand stays"
	resync --switch
	expect_exit 0 "$(st)" "switch back"
	expect_eq refs/heads/main "$(git -C "$E" symbolic-ref HEAD)" "HEAD"
	git -C "$E" rev-parse -q --verify refs/heads/scratch >/dev/null || fail "branch scratch deleted"
}

test_skip_merge_in_progress() {
	resync_setup alpha || return
	up_commit alpha main new-file.txt "upstream"
	git -C "$E" checkout -q -b side
	echo side >"$E/README.md"
	git -C "$E" commit -q -am side
	git -C "$E" checkout -q main
	echo main >"$E/README.md"
	git -C "$E" commit -q -am "main change"
	git -C "$E" merge -q side >/dev/null 2>&1 && { fail "merge did not conflict"; return; }
	expect_skip_kept merge "a merge in progress"
}

test_skip_stale_index_lock() {
	resync_setup alpha || return
	up_commit alpha main new-file.txt "upstream"
	: >"$E/.git/index.lock"
	expect_skip_kept lock "index.lock present"
}

test_tag_and_commit_entries_move_when_the_manifest_changes() {
	local c
	resync_setup alpha "tag: v1.0" || return
	expect_eq "$(up_sha alpha 'v1.0^{commit}')" "$(git -C "$E" rev-parse HEAD)" "v1.0"
	sed -i 's/tag: v1.0/tag: v1.1/' "$OUT/m.yaml"
	resync
	expect_exit 0 "$(st)" "to v1.1"
	expect_eq "$(up_sha alpha 'v1.1^{commit}')" "$(git -C "$E" rev-parse HEAD)" "v1.1"
	git -C "$E" symbolic-ref -q HEAD && fail "HEAD not detached"
	c=$(up_sha alpha main~4)
	sed -i "s/tag: v1.1/commit: $c/" "$OUT/m.yaml"
	resync
	expect_exit 0 "$(st)" "to a commit"
	expect_eq "$c" "$(git -C "$E" rev-parse HEAD)" "commit"
	sed -i "s/commit: $c/branch: dev/" "$OUT/m.yaml"
	resync
	expect_exit 0 "$(st)" "to branch dev"
	expect_eq refs/heads/dev "$(git -C "$E" symbolic-ref HEAD)" "branch"
	expect_eq "$(up_sha alpha dev)" "$(git -C "$E" rev-parse HEAD)" "dev"
	expect_eq origin "$(git -C "$E" config branch.dev.remote)" "dev tracks origin"
	resync
	expect_grep "1 up to date" "$OUT/stdout" "then nothing to do"
}

test_tag_moved_upstream_is_followed() {
	resync_setup alpha "tag: v1.1" || return
	up_commit alpha main moved.txt "x"
	up_git alpha tag -f v1.1 >/dev/null
	up_git alpha push -q -f origin v1.1 2>/dev/null
	resync
	expect_exit 0 "$(st)" "moved tag"
	expect_eq "$(up_sha alpha 'v1.1^{commit}')" "$(git -C "$E" rev-parse HEAD)" "HEAD at the moved tag"
}

test_origin_mismatch_not_a_repo_and_a_file_fail_untouched() {
	local before
	start_upstreams || { fail "upstream servers"; return; }
	mkdir -p "$WS"
	git clone -q "$FLEET/repos/beta.git" "$WS/alpha" 2>/dev/null
	mkdir "$WS/plain"
	echo data >"$WS/plain/file"
	echo data >"$WS/afile"
	cat >"$OUT/m.yaml" <<EOM
repos:
  - url: $GIT_URL/alpha.git
  - url: $GIT_URL/alpha.git
    path: plain
  - url: $GIT_URL/alpha.git
    path: afile
EOM
	before=$(tree_digest "$WS")
	resync
	expect_exit 1 "$(st)" "conflicts"
	expect_grep "FAIL alpha: local-conflict: origin mismatch \\(have $FLEET/repos/beta.git, want $GIT_URL/alpha.git\\)" \
	    "$OUT/stdout" "origin mismatch"
	expect_grep "FAIL plain: local-conflict: plain exists and is not a git repository" "$OUT/stdout" "not a repo"
	expect_grep "FAIL afile: local-conflict: afile exists and is not a directory" "$OUT/stdout" "file"
	expect_eq "$before" "$(tree_digest "$WS")" "untouched"
}

test_equivalent_origin_urls_match() {
	resync_setup alpha || return
	git -C "$E" remote set-url origin "$UP_HTTP/$T_NAME/alpha"	# no .git
	resync
	expect_exit 0 "$(st)" "an origin without .git is the same repository"
}

test_submodules_follow_the_superproject() {
	start_upstreams || { fail "upstream servers"; return; }
	up_new super
	up_new mid
	up_new sub
	printf 'repos:\n  - url: %s/%s/super.git\n    submodules: true\n' \
	    "$UP_GIT" "$T_NAME" >"$OUT/m.yaml"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/first" 2>&1 || { fail "first sync"; return; }
	# mid gains a commit; super records it
	up_commit mid main mid-new.txt "mid v2"
	up_git super submodule -q update --init lib/mid 2>/dev/null
	git -C "$UP/$T_NAME/super.work/lib/mid" fetch -q origin 2>/dev/null
	git -C "$UP/$T_NAME/super.work/lib/mid" checkout -q origin/main 2>/dev/null
	up_git super add lib/mid
	up_git super commit -q -m "bump mid"
	up_git super push -q origin main 2>/dev/null
	resync
	expect_exit 0 "$(st)" "re-sync"
	expect_eq "$(up_sha mid main)" "$(git -C "$WS/super/lib/mid" rev-parse HEAD)" "submodule moved"
	expect_eq "mid v2" "$(cat "$WS/super/lib/mid/mid-new.txt")" "submodule files"
	resync
	expect_grep "1 up to date" "$OUT/stdout" "then nothing to do"
}

test_submodule_local_changes_block_the_update() {
	local before
	start_upstreams || { fail "upstream servers"; return; }
	up_new super
	up_new mid
	up_new sub
	printf 'repos:\n  - url: %s/%s/super.git\n    submodules: true\n' \
	    "$UP_GIT" "$T_NAME" >"$OUT/m.yaml"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/first" 2>&1 || { fail "first sync"; return; }
	up_commit super main top.txt "new"
	echo "mine" >>"$WS/super/lib/mid/mid.c"
	before=$(checkout_digest "$WS/super")
	resync
	expect_exit 4 "$(st)" "skipped"
	expect_grep "skipped +super: 1 modified file in submodule lib/mid \\(mid.c\\)" "$OUT/stderr" "reason"
	expect_eq "$before" "$(checkout_digest "$WS/super")" "untouched"
	expect_tracking_is_upstream super "$WS/super" "fetched all the same"
}

test_bare_repositories_fast_forward() {
	resync_setup alpha "bare: true" || return
	up_commit alpha dev bare-new.txt "x"
	resync
	expect_exit 0 "$(st)" "bare update"
	expect_eq "$(up_sha alpha dev)" "$(git -C "$WS/alpha" rev-parse dev)" "dev moved"
	git -C "$WS/alpha" fsck --no-progress >/dev/null 2>&1 || fail "fsck"
}

test_bare_repository_with_pushed_commits_is_skipped() {
	local before
	resync_setup alpha "bare: true" || return
	# someone pushed to the bare clone; upstream rewrote the branch
	git -C "$UP/$T_NAME/alpha.work" push -q "$WS/alpha" main:refs/heads/local-only 2>/dev/null
	git --git-dir="$WS/alpha" update-ref refs/heads/dev "$(git --git-dir="$WS/alpha" \
	    commit-tree -p dev -m "pushed here" "dev^{tree}")"
	up_rewrite alpha dev
	before=$(entry_digest "$WS/alpha")
	resync
	expect_exit 4 "$(st)" "skipped"
	expect_grep "skipped +alpha: dev has 2 commits the remote does not: [0-9a-f]{7} pushed here" \
	    "$OUT/stderr" "reason"
	expect_eq "$before" "$(entry_digest "$WS/alpha")" "untouched"
}

# 100 mirrors of 20 upstreams x 5; 10 upstreams change in every way a
# mirror must follow; exactly those 10 are fetched, and all 100 end up
# ref for ref like a fresh `git clone --mirror`.
test_mirror_refresh_fetches_exactly_what_changed() {
	local i n u before fetched changed
	start_upstreams || { fail "upstream servers"; return; }
	echo "repos:" >"$OUT/m.yaml"
	for i in $(seq -w 1 100); do
		u=m$i
		n=$(( (10#$i - 1) % 20 + 1 ))
		mkdir -p "$UP/$T_NAME"
		cp -a "$FLEET/repos/tiny$(printf %02d "$n").git" "$UP/$T_NAME/$u.git"
		printf '  - url: %s/%s/%s.git\n    mirror: true\n' "$UP_HTTP" "$T_NAME" "$u" >>"$OUT/m.yaml"
	done
	# m025 will lose a branch: give it one first, mirrored by a sync.
	git --git-dir="$UP/$T_NAME/m025.git" update-ref refs/heads/gone HEAD
	"$BIN" sync -j 8 -C "$WS" "$OUT/m.yaml" >"$OUT/first" 2>&1 || { fail "first sync"; return; }
	git --git-dir="$WS/m025.git" rev-parse -q --verify refs/heads/gone >/dev/null ||
	    fail "m025 did not mirror its branch"
	changed="m003 m011 m017 m025 m042 m050 m063 m077 m088 m099"
	for u in $changed; do
		git clone -q "$UP/$T_NAME/$u.git" "$UP/$T_NAME/$u.work" 2>/dev/null
	done
	git -C "$UP/$T_NAME/m003.work" commit -q --allow-empty -m "new commit"
	git -C "$UP/$T_NAME/m003.work" push -q origin HEAD 2>/dev/null
	git -C "$UP/$T_NAME/m011.work" commit -q --allow-empty -m "on a new branch"
	git -C "$UP/$T_NAME/m011.work" push -q origin HEAD:refs/heads/new-branch 2>/dev/null
	git -C "$UP/$T_NAME/m017.work" commit -q --allow-empty -m "tagged"
	git -C "$UP/$T_NAME/m017.work" tag -a -m "a new tag" new-tag
	git -C "$UP/$T_NAME/m017.work" push -q origin new-tag 2>/dev/null
	git --git-dir="$UP/$T_NAME/m025.git" update-ref -d refs/heads/gone
	git -C "$UP/$T_NAME/m042.work" commit -q --amend -m "rewritten" --allow-empty
	git -C "$UP/$T_NAME/m042.work" push -q -f origin HEAD 2>/dev/null
	for u in m050 m063 m077 m088 m099; do
		git -C "$UP/$T_NAME/$u.work" commit -q --allow-empty -m "more"
		git -C "$UP/$T_NAME/$u.work" push -q origin HEAD 2>/dev/null
	done
	before=$(http_fetches "$STATE/up-http")
	resync
	expect_exit 0 "$(st)" "mirror refresh"
	fetched=$(( $(http_fetches "$STATE/up-http") - before ))
	expect_eq 9 "$fetched" "packs fetched (m025 only deletes a ref: no pack)"
	expect_grep "100 repositories in .*: 0 cloned, 10 updated, 90 up to date" "$OUT/stdout" "summary"
	for u in $changed; do
		grep -q "\"path\": \"$u.git\".*" "$OUT/r.json" || fail "$u missing from the report"
	done
	python3 - "$OUT/r.json" $changed <<'PY' || fail "updated set"
import json, sys
r = json.load(open(sys.argv[1]))
updated = sorted(x["path"][:-4] for x in r["repos"] if x["status"] == "updated")
assert updated == sorted(sys.argv[2:]), updated
PY
	for i in $(seq -w 1 100); do
		u=m$i
		git clone -q --mirror "$UP/$T_NAME/$u.git" "$OUT/ref-$u.git" 2>/dev/null
		if [ "$(git --git-dir="$OUT/ref-$u.git" for-each-ref | sort)" != \
		    "$(git --git-dir="$WS/$u.git" for-each-ref | sort)" ]; then
			fail "$u: refs differ from git clone --mirror"
		fi
		[ "$(git --git-dir="$WS/$u.git" symbolic-ref HEAD)" = \
		    "$(git --git-dir="$OUT/ref-$u.git" symbolic-ref HEAD)" ] || fail "$u: HEAD"
	done
	git --git-dir="$WS/m042.git" fsck --no-progress >/dev/null 2>&1 || fail "fsck after a force-push"
	# All refs of a refreshed mirror changed at once: they are all packed.
	[ -z "$(find "$WS/m003.git/refs" -type f)" ] || fail "loose refs left in a refreshed mirror"
}

test_mirror_head_follows_the_default_branch() {
	resync_setup alpha "mirror: true" || return
	git --git-dir="$UP/$T_NAME/alpha.git" symbolic-ref HEAD refs/heads/dev
	resync
	expect_exit 0 "$(st)" "refresh"
	expect_eq refs/heads/dev "$(git --git-dir="$WS/alpha" symbolic-ref HEAD)" "HEAD"
}

# A refresh cut off in the middle of its download leaves the mirror's refs
# exactly as they were, and git fsck clean.
test_interrupted_mirror_refresh_keeps_the_old_refs() {
	local before pid
	start_upstreams || { fail "upstream servers"; return; }
	start_slow_http 100 || { fail "slow server"; return; }
	up_new big
	ln -s "$UP/$T_NAME/big.git" "$FLEET/repos/$T_NAME-big.git" 2>/dev/null ||
	    { fail "cannot link the upstream into the slow server"; return; }
	printf 'repos:\n  - url: %s/%s-big.git\n    path: big.git\n    mirror: true\n' \
	    "$SLOW_URL" "$T_NAME" >"$OUT/m.yaml"
	git clone -q --mirror "$UP/$T_NAME/big.git" "$WS/big.git"
	git --git-dir="$WS/big.git" config remote.origin.url "$SLOW_URL/$T_NAME-big.git"
	# upstream gains ~1 MB that does not compress
	head -c 1000000 /dev/urandom >"$UP/$T_NAME/big.work/random.bin"
	up_git big add random.bin
	up_git big commit -q -m "a big blob"
	up_git big push -q origin main 2>/dev/null
	before=$(git --git-dir="$WS/big.git" for-each-ref; git --git-dir="$WS/big.git" symbolic-ref HEAD)
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr" &
	pid=$!
	wait_for 15 partial_pack_exists "$WS" || fail "the refresh never started"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	rm -f "$FLEET/repos/$T_NAME-big.git"
	wait_for 3 no_tmp_left "$WS" || fail "quarantine left behind"
	expect_eq "$before" "$(git --git-dir="$WS/big.git" for-each-ref; git --git-dir="$WS/big.git" symbolic-ref HEAD)" \
	    "refs after the interruption"
	git --git-dir="$WS/big.git" fsck --no-progress >"$OUT/fsck" 2>&1 || { fail "fsck"; cat "$OUT/fsck"; }
}

status_line() {		# PATH: the status line of one entry
	grep -E "^$1 " "$OUT/status.out" | sed -E "s/^$1 +//"
}

test_status_reports_every_state() {
	local st
	start_upstreams || { fail "upstream servers"; return; }
	echo "repos:" >"$OUT/m.yaml"
	for n in alpha beta sub mid tiny01 tiny02 tiny03 tiny04; do
		up_new "$n"
		echo "  - url: $UP_GIT/$T_NAME/$n.git" >>"$OUT/m.yaml"
	done
	printf '  - url: %s/%s/alpha.git\n    path: tagged\n    tag: v1.0\n' \
	    "$UP_GIT" "$T_NAME" >>"$OUT/m.yaml"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >/dev/null 2>&1 || fail "first sync"
	"$BIN" status -C "$WS" >"$OUT/status.out" 2>"$OUT/status.err"
	expect_exit 0 $? "status of a fresh workspace (manifest saved by sync)"
	expect_eq "ok branch main $(up_sha alpha main | cut -c1-7)" "$(status_line alpha)" "ok line"
	expect_eq "ok tag v1.0 $(up_sha alpha 'v1.0^{commit}' | cut -c1-7)" "$(status_line tagged)" "tag line"
	# now spoil it in every way status knows
	rm -rf "$WS/beta"					# missing
	echo "x" >>"$WS/sub/README.md"				# dirty
	echo "x" >"$WS/sub/new.txt"
	git -C "$WS/mid" commit -q --allow-empty -m local	# ahead 1
	git -C "$WS/tiny01" reset -q --hard HEAD~1		# behind 1
	git -C "$WS/tiny02" reset -q --hard HEAD~1		# diverged
	git -C "$WS/tiny02" commit -q --allow-empty -m other
	git -C "$WS/tiny03" remote set-url origin "$UP_GIT/elsewhere.git"
	rm -rf "$WS/tiny04/.git"				# not a repository
	git -C "$WS/tagged" -c advice.detachedHead=false checkout -q HEAD~1	# other ref
	"$BIN" status -C "$WS" "$OUT/m.yaml" --json "$OUT/s.json" >"$OUT/status.out" 2>"$OUT/status.err"
	expect_exit 1 $? "status of a spoilt workspace"
	expect_eq "missing" "$(status_line beta)" "missing"
	st=$(status_line sub)
	case $st in "dirty (2 files: M README.md, ?? new.txt): branch main "*) ;;
	*) fail "dirty: $st" ;; esac
	case $(status_line mid) in "ahead 1: branch main "*) ;;
	*) fail "ahead: $(status_line mid)" ;; esac
	case $(status_line tiny01) in "behind 1: branch main "*) ;;
	*) fail "behind: $(status_line tiny01)" ;; esac
	case $(status_line tiny02) in "diverged (ahead 1, behind 1): branch main "*) ;;
	*) fail "diverged: $(status_line tiny02)" ;; esac
	expect_eq "wrong origin (have $UP_GIT/elsewhere.git, want $UP_GIT/$T_NAME/tiny03.git)" \
	    "$(status_line tiny03)" "wrong origin"
	expect_eq "not a repository" "$(status_line tiny04)" "not a repository"
	case $(status_line tagged) in "on detached "???????", the manifest wants tag v1.0") ;;
	*) fail "other ref: $(status_line tagged)" ;; esac
	python3 - "$OUT/s.json" <<'PY' || fail "status JSON"
import json, sys
r = {x["path"]: x for x in json.load(open(sys.argv[1]))["repos"]}
want = {"alpha": "ok", "beta": "missing", "sub": "dirty", "mid": "ahead",
        "tiny01": "behind", "tiny02": "diverged", "tiny03": "wrong-origin",
        "tiny04": "not-a-repository", "tagged": "other-ref"}
got = {p: r[p]["state"] for p in want}
assert got == want, got
assert r["tiny02"]["ahead"] == 1 and r["tiny02"]["behind"] == 1
assert r["sub"]["dirty"] == 2
PY
}

test_status_is_read_only_and_fetch_asks_the_remote() {
	local before
	resync_setup alpha || return
	up_commit alpha main later.txt "later"
	before=$(entry_digest "$E")
	"$BIN" status -C "$WS" "$OUT/m.yaml" >"$OUT/status.out" 2>&1
	expect_exit 0 $? "offline: nothing known of the new commit"
	"$BIN" status --fetch -C "$WS" "$OUT/m.yaml" >"$OUT/status.out" 2>&1
	expect_exit 1 $? "with --fetch"
	case $(status_line alpha) in "behind 1: branch main "*) ;;
	*) fail "behind after --fetch: $(status_line alpha)" ;; esac
	expect_eq "$before" "$(entry_digest "$E")" "status --fetch changed nothing"
	expect_no_tmp "$WS" "status --fetch"
}

test_freeze_then_sync_reproduces_the_workspace() {
	local n
	start_upstreams || { fail "upstream servers"; return; }
	echo "repos:" >"$OUT/m.yaml"
	for n in alpha beta big super mid sub; do up_new "$n"; done
	cat >"$OUT/m.yaml" <<EOM
defaults:
  groups: [core]
repos:
  - url: $UP_HTTP/$T_NAME/alpha.git
  - url: $UP_GIT/$T_NAME/alpha.git
    path: alpha-dev
    branch: dev
  - url: $UP_GIT/$T_NAME/beta.git
  - url: $UP_HTTP/$T_NAME/big.git
    depth: 1
  - url: $UP_GIT/$T_NAME/super.git
    submodules: true
  - url: $UP_GIT/$T_NAME/alpha.git
    path: mirrors/alpha.git
    mirror: true
EOM
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >/dev/null 2>&1 || fail "first sync"
	git -C "$WS/alpha-dev" -c advice.detachedHead=false checkout -q HEAD~1
	# upstream moves on: the lock file must still reproduce what we have
	up_commit alpha main after-freeze.txt "later"
	up_commit alpha dev after-freeze.txt "later"
	"$BIN" freeze -C "$WS" -o "$OUT/lock.yaml" >"$OUT/freeze.out" 2>"$OUT/freeze.err"
	expect_exit 0 $? "freeze"
	expect_grep "commit: \"$(git -C "$WS/alpha-dev" rev-parse HEAD)\"" "$OUT/lock.yaml" "pinned"
	expect_grep 'groups: \["core"\]' "$OUT/lock.yaml" "other keys kept"
	"$BIN" sync -C "$WS/../reproduced-$T_NAME" "$OUT/lock.yaml" >"$OUT/sync2" 2>&1
	expect_exit 0 $? "sync of the lock file"
	for n in alpha alpha-dev beta big super super/lib/mid super/lib/mid/deps/sub; do
		expect_eq "$(git -C "$WS/$n" rev-parse HEAD)" \
		    "$(git -C "$WS/../reproduced-$T_NAME/$n" rev-parse HEAD)" "HEAD of $n"
	done
	# A mirror takes every ref as the remote has it now: nothing to pin.
	expect_grep 'mirror: true' "$OUT/lock.yaml" "mirror kept"
	expect_eq "$(git --git-dir="$UP/$T_NAME/alpha.git" for-each-ref | sort)" \
	    "$(git --git-dir="$WS/../reproduced-$T_NAME/mirrors/alpha.git" for-each-ref | sort)" \
	    "the mirror follows the remote"
	rm -rf "$WS/../reproduced-$T_NAME"
}

test_freeze_keeps_the_vcstool_format() {
	local c
	start_upstreams || { fail "upstream servers"; return; }
	up_new alpha
	cat >"$OUT/m.repos" <<EOM
repositories:
  src/alpha:
    type: git
    url: $UP_GIT/$T_NAME/alpha.git
    version: dev
EOM
	"$BIN" sync -C "$WS" "$OUT/m.repos" >/dev/null 2>&1 || fail "sync"
	"$BIN" freeze -C "$WS" "$OUT/m.repos" >"$OUT/lock.repos" 2>"$OUT/freeze.err"
	expect_exit 0 $? "freeze"
	c=$(git -C "$WS/src/alpha" rev-parse HEAD)
	expect_grep '^repositories:$' "$OUT/lock.repos" "vcstool format"
	expect_grep "^    version: \"$c\"$" "$OUT/lock.repos" "pinned version"
	"$BIN" sync -C "$WS/../vcs-$T_NAME" "$OUT/lock.repos" >/dev/null 2>&1 || fail "sync of the lock"
	expect_eq "$c" "$(git -C "$WS/../vcs-$T_NAME/src/alpha" rev-parse HEAD)" "reproduced"
	rm -rf "$WS/../vcs-$T_NAME"
}

# freeze --branches against vcs export (vcstool 0.3) on the same
# workspace: the same version for every path (a branch, or the commit of
# a detached HEAD), and both refuse a branch origin does not have.
test_freeze_branches_writes_what_vcs_export_writes() {
	local versions='import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))["repositories"]
for p in sorted(d): print(p, d[p]["url"], d[p].get("version"))'
	command -v vcs >/dev/null || { expect_skip_kept "vcstool is not installed"; return; }
	cat >"$OUT/m.repos" <<EOM
repositories:
  alpha:
    type: git
    url: $GIT_URL/alpha.git
  dev/alpha:
    type: git
    url: $GIT_URL/alpha.git
    version: dev
  beta:
    type: git
    url: $HTTP_URL/beta.git
  tagged:
    type: git
    url: $GIT_URL/alpha.git
    version: v1.0
EOM
	"$BIN" sync -C "$WS" "$OUT/m.repos" >/dev/null 2>&1 || fail "sync"
	git -C "$WS/alpha" commit -q --allow-empty -m "only here"
	(cd "$WS" && vcs export) >"$OUT/vcs.repos" 2>"$OUT/vcs.err"
	expect_exit 0 $? "vcs export"
	"$BIN" freeze --branches -C "$WS" "$OUT/m.repos" >"$OUT/lock.repos" 2>"$OUT/freeze.err"
	expect_exit 0 $? "freeze --branches"
	python3 -c "$versions" "$OUT/vcs.repos" >"$OUT/vcs.v"
	python3 -c "$versions" "$OUT/lock.repos" >"$OUT/githerd.v"
	diff -u "$OUT/vcs.v" "$OUT/githerd.v" >"$OUT/v.diff" ||
	    { fail "versions differ (- vcs export, + githerd)"; sed 's/^/      | /' "$OUT/v.diff"; }
	expect_grep "^tagged .* $(fleet_tag_commit alpha v1.0)\$" "$OUT/githerd.v" "detached: the commit"
	expect_grep "^dev/alpha .* dev\$" "$OUT/githerd.v" "a branch"
	expect_grep "warning: alpha: 1 commit on branch main is on no remote-tracking branch" \
	    "$OUT/freeze.err" "the local commit is named"
	# A branch only this clone has: vcs export fails on it, and so does
	# freeze (exit 1, unless --allow-unpushed), naming it.
	git -C "$WS/beta" checkout -q -b topic
	(cd "$WS" && vcs export) >"$OUT/vcs.repos" 2>"$OUT/vcs.err"
	expect_exit 1 $? "vcs export of a local branch"
	"$BIN" freeze --branches -C "$WS" "$OUT/m.repos" >"$OUT/lock.repos" 2>"$OUT/freeze.err"
	expect_exit 1 $? "freeze --branches of a local branch"
	expect_grep "githerd: freeze: beta: branch topic is not on origin" "$OUT/freeze.err" "why"
	expect_grep "give --allow-unpushed" "$OUT/freeze.err" "the way out"
	"$BIN" freeze --branches --allow-unpushed -C "$WS" "$OUT/m.repos" >"$OUT/lock.repos" 2>/dev/null
	expect_exit 0 $? "--allow-unpushed"
	# Without --branches the lock file pins commits, as before.
	"$BIN" freeze -C "$WS" "$OUT/m.repos" >"$OUT/lock.repos" 2>"$OUT/freeze.err"
	expect_grep "version: \"$(git -C "$WS/dev/alpha" rev-parse HEAD)\"" "$OUT/lock.repos" "commits"
}

test_freeze_names_what_it_cannot_pin() {
	resync_setup alpha || return
	rm -rf "$E"
	"$BIN" freeze -C "$WS" "$OUT/m.yaml" >"$OUT/lock.yaml" 2>"$OUT/freeze.err"
	expect_exit 1 $? "freeze of a missing entry"
	expect_grep "githerd: freeze: alpha: missing; kept unpinned" "$OUT/freeze.err" "message"
}

test_shallow_entry_stays_shallow_when_updated() {
	resync_setup big "depth: 1" || return
	expect_eq true "$(git -C "$E" rev-parse --is-shallow-repository)" "shallow clone"
	up_commit big main shallow-next.txt "next"
	resync
	expect_exit 0 "$(st)" "update of a shallow entry"
	expect_eq "$(up_sha big main)" "$(git -C "$E" rev-parse HEAD)" "HEAD"
	expect_eq true "$(git -C "$E" rev-parse --is-shallow-repository)" "still shallow"
	expect_eq "" "$(git -C "$E" status --porcelain)" "clean"
	git -C "$E" fsck --no-progress >"$OUT/fsck" 2>&1 || { fail "fsck"; head "$OUT/fsck"; }
}

test_a_bare_clone_is_not_refreshed_as_a_mirror() {
	local before
	resync_setup alpha "bare: true" || return
	git --git-dir="$E" branch -q pushed-here main	# someone's branch
	sed -i 's/bare: true/mirror: true/' "$OUT/m.yaml"
	before=$(entry_digest "$E")
	resync
	expect_exit 1 "$(st)" "bare to mirror"
	expect_grep "FAIL alpha: local-conflict: alpha is a bare clone, not a mirror" "$OUT/stdout" "message"
	expect_eq "$before" "$(entry_digest "$E")" "untouched"
}

test_bare_clone_settles_when_a_tag_moves_upstream() {
	resync_setup alpha "bare: true" || return
	up_commit alpha main moved.txt "x"
	up_git alpha tag -f v1.1 >/dev/null
	up_git alpha push -q -f origin v1.1 2>/dev/null
	resync
	expect_exit 0 "$(st)" "first re-sync"
	resync
	expect_grep "1 up to date" "$OUT/stdout" "an unmoved tag is not a change"
}

test_freeze_refuses_what_status_rejects() {
	resync_setup alpha "bare: true" || return
	rm -rf "$E"
	git clone -q "$UP/$T_NAME/alpha.git" "$E" 2>/dev/null	# a work tree
	"$BIN" freeze -C "$WS" "$OUT/m.yaml" >"$OUT/lock.yaml" 2>"$OUT/freeze.err"
	expect_exit 1 $? "freeze of the wrong kind of repository"
	expect_grep "alpha: has a work tree, the manifest wants a bare repository; kept unpinned" \
	    "$OUT/freeze.err" "message"
	expect_no_grep "commit:" "$OUT/lock.yaml" "nothing pinned"
}

test_json_on_stdout_is_only_json() {
	resync_setup alpha || return
	"$BIN" sync -C "$WS" --json - "$OUT/m.yaml" >"$OUT/report" 2>"$OUT/stderr"
	expect_exit 0 $? "sync --json -"
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$OUT/report" ||
	    fail "stdout is not JSON"
	expect_grep "1 up to date" "$OUT/stderr" "summary moved to stderr"
	"$BIN" status -C "$WS" --json - >"$OUT/report" 2>"$OUT/stderr"
	python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["repos"][0]["state"] == "ok"' \
	    "$OUT/report" || fail "status --json - is not JSON"
}

test_vcstool_short_commit_is_not_fetched_again() {
	local c before
	start_upstreams || { fail "upstream servers"; return; }
	up_new alpha
	c=$(up_sha alpha main~2)
	printf 'repositories:\n  a:\n    type: git\n    url: %s/%s/alpha.git\n    version: %s\n' \
	    "$UP_HTTP" "$T_NAME" "${c:0:9}" >"$OUT/m.yaml"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >/dev/null 2>&1 || fail "first sync"
	before=$(http_fetches "$STATE/up-http")
	resync
	expect_exit 0 "$(st)" "re-sync"
	expect_eq "$before" "$(http_fetches "$STATE/up-http")" "packs fetched"
	expect_grep "1 up to date" "$OUT/stdout" "summary"
}
