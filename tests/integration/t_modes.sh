# shellcheck shell=bash
# Every clone mode over git:// and http://, each compared with what `git
# clone` makes of the same entry: refs, HEAD, config, index, working tree,
# and `git fsck` clean.

# sync_one NAME YAML-ENTRY-LINES: run githerd on a one-entry manifest.
sync_one() {
	local m=$OUT/m.yaml
	{
		echo "repos:"
		echo "  - url: $2"
		shift 2
		for line in "$@"; do echo "    $line"; done
	} >"$m"
	"$BIN" sync -C "$WS" --json "$OUT/report.json" "$m" >"$OUT/stdout" 2>"$OUT/stderr"
	echo $? >"$OUT/status"
}

status_of() { cat "$OUT/status"; }

mode_default() {	# BASE
	sync_one x "$1/alpha.git"
	expect_exit 0 "$(status_of)" "default clone"
	git clone -q "$1/alpha.git" "$OUT/ref"
	same_clone "$WS/alpha" "$OUT/ref" "default clone over $1"
}
test_default_branch_git() { mode_default "$GIT_URL"; }
test_default_branch_http() { mode_default "$HTTP_URL"; }

test_default_branch_not_main() {
	sync_one x "$GIT_URL/beta.git"
	git clone -q "$GIT_URL/beta.git" "$OUT/ref"
	same_clone "$WS/beta" "$OUT/ref" "clone of a repo whose default is trunk"
	expect_eq refs/heads/trunk "$(git -C "$WS/beta" symbolic-ref HEAD)" "HEAD"
}

mode_branch() {		# BASE BRANCH
	sync_one x "$1/alpha.git" "branch: $2" "path: b"
	expect_exit 0 "$(status_of)" "branch clone"
	git clone -q -b "$2" "$1/alpha.git" "$OUT/ref"
	same_clone "$WS/b" "$OUT/ref" "branch $2 over $1"
	expect_eq "$(fleet_branch alpha "$2")" "$(git -C "$WS/b" rev-parse HEAD)" "HEAD"
}
test_branch_git() { mode_branch "$GIT_URL" dev; }
test_branch_http() { mode_branch "$HTTP_URL" dev; }
test_branch_with_slash() { mode_branch "$GIT_URL" feature/x; }

mode_tag() {		# BASE TAG
	sync_one x "$1/alpha.git" "tag: $2" "path: t"
	expect_exit 0 "$(status_of)" "tag clone"
	git clone -q -c advice.detachedHead=false -b "$2" "$1/alpha.git" "$OUT/ref"
	same_clone "$WS/t" "$OUT/ref" "tag $2 over $1"
	expect_eq "$(fleet_tag_commit alpha "$2")" "$(git -C "$WS/t" rev-parse HEAD)" "HEAD"
	git -C "$WS/t" symbolic-ref -q HEAD >/dev/null && fail "HEAD is not detached"
}
test_tag_annotated_git() { mode_tag "$GIT_URL" v1.0; }
test_tag_annotated_http() { mode_tag "$HTTP_URL" v1.0; }
test_tag_lightweight() { mode_tag "$GIT_URL" v1.1; }
test_tag_off_the_default_branch() { mode_tag "$HTTP_URL" dev-tag; }

mode_commit() {		# BASE
	local sha
	sha=$(git -C "$FLEET/repos/alpha.git" rev-parse main~3)
	sync_one x "$1/alpha.git" "commit: $sha" "path: c"
	expect_exit 0 "$(status_of)" "commit clone"
	# git's equivalent: clone, detach at the commit, no local branch.
	git clone -q -n "$1/alpha.git" "$OUT/ref"
	git -C "$OUT/ref" -c advice.detachedHead=false checkout -q --detach "$sha"
	git -C "$OUT/ref" branch -q -D main
	same_clone "$WS/c" "$OUT/ref" "commit over $1"
	expect_eq "$sha" "$(git -C "$WS/c" rev-parse HEAD)" "HEAD"
}
test_commit_git() { mode_commit "$GIT_URL"; }
test_commit_http() { mode_commit "$HTTP_URL"; }

test_commit_missing_fails_cleanly() {
	sync_one x "$GIT_URL/alpha.git" "commit: 0123456789012345678901234567890123456789"
	expect_exit 1 "$(status_of)" "unknown commit"
	expect_grep '"class": "bad-ref"' "$OUT/report.json" "error class"
	expect_missing "$WS/alpha" "failed clone"
	expect_no_tmp "$WS" "failed clone"
}

test_missing_branch_and_tag_fail_before_download() {
	sync_one x "$HTTP_URL/big.git" "branch: no-such-branch" "path: b1"
	expect_exit 1 "$(status_of)" "missing branch"
	expect_grep "branch 'no-such-branch' not found on the remote" "$OUT/stdout" "message"
	expect_grep '"bytes": 0,' "$OUT/report.json" "nothing downloaded"
	expect_missing "$WS/b1" "failed clone"
	sync_one x "$GIT_URL/alpha.git" "tag: v9" "path: t1"
	expect_exit 1 "$(status_of)" "missing tag"
	expect_grep "tag 'v9' not found" "$OUT/stdout" "message"
	expect_missing "$WS/t1" "failed clone"
}

test_shallow_http() {
	sync_one x "$HTTP_URL/big.git" "depth: 1"
	expect_exit 0 "$(status_of)" "shallow clone"
	git clone -q --depth 1 "$HTTP_URL/big.git" "$OUT/ref"
	same_clone "$WS/big" "$OUT/ref" "depth 1 over http"
	expect_eq 1 "$(git -C "$WS/big" rev-list --count HEAD)" "commits"
	expect_grep '"depth": 1, "shallow": true' "$OUT/report.json" "report"
}

test_shallow_branch_http() {
	sync_one x "$HTTP_URL/alpha.git" "depth: 2" "branch: dev"
	expect_exit 0 "$(status_of)" "shallow branch clone"
	git clone -q --depth 2 -b dev "$HTTP_URL/alpha.git" "$OUT/ref"
	same_clone "$WS/alpha" "$OUT/ref" "depth 2 of dev over http"
}

test_shallow_over_git_falls_back_to_full() {
	sync_one x "$GIT_URL/big.git" "depth: 1"
	expect_exit 0 "$(status_of)" "shallow over git://"
	expect_grep "warning: big: depth 1 ignored" "$OUT/stderr" "warning"
	expect_eq 1 "$(grep -c 'depth 1 ignored' "$OUT/stderr")" "warned once"
	expect_grep '"depth": 1, "shallow": false' "$OUT/report.json" "report"
	git clone -q "$GIT_URL/big.git" "$OUT/ref"
	same_clone "$WS/big" "$OUT/ref" "full clone instead of depth over git://"
}

mode_bare() {		# BASE
	sync_one x "$1/alpha.git" "bare: true"
	expect_exit 0 "$(status_of)" "bare clone"
	git clone -q --bare "$1/alpha.git" "$OUT/ref.git"
	same_clone "$WS/alpha.git" "$OUT/ref.git" "bare over $1"
}
test_bare_git() { mode_bare "$GIT_URL"; }
test_bare_http() { mode_bare "$HTTP_URL"; }

mode_mirror() {		# BASE
	sync_one x "$1/alpha.git" "mirror: true"
	expect_exit 0 "$(status_of)" "mirror clone"
	git clone -q --mirror "$1/alpha.git" "$OUT/ref.git"
	same_clone "$WS/alpha.git" "$OUT/ref.git" "mirror over $1"
}
test_mirror_git() { mode_mirror "$GIT_URL"; }
test_mirror_http() { mode_mirror "$HTTP_URL"; }

test_mirror_of_trunk_repo_points_head_at_trunk() {
	sync_one x "$GIT_URL/beta.git" "mirror: true"
	expect_eq refs/heads/trunk "$(git -C "$WS/beta.git" symbolic-ref HEAD)" "mirror HEAD"
}

mode_submodules() {	# BASE
	local sub
	sync_one x "$1/super.git" "submodules: true"
	expect_exit 0 "$(status_of)" "recursive clone"
	git clone -q --recurse-submodules "$1/super.git" "$OUT/ref" 2>/dev/null
	# The superproject as git made it; submodules by content and HEAD.
	same_clone "$WS/super" "$OUT/ref" "superproject over $1"
	for sub in lib/mid lib/mid/deps/sub; do
		expect_eq "$(git -C "$OUT/ref/$sub" rev-parse HEAD)" \
		    "$(git -C "$WS/super/$sub" rev-parse HEAD)" "$sub HEAD"
		expect_eq "" "$(git -C "$WS/super/$sub" status --porcelain)" "$sub clean"
		git -C "$WS/super/$sub" fsck --no-progress >/dev/null 2>&1 ||
		    fail "$sub: fsck"
	done
	expect_eq "" "$(git -C "$WS/super" submodule status --recursive | grep -v '^ ')" \
	    "git sees every submodule initialised and at its commit"
}
test_submodules_git() { mode_submodules "$GIT_URL"; }
test_submodules_http() { mode_submodules "$HTTP_URL"; }

test_submodules_off_by_default() {
	sync_one x "$GIT_URL/super.git"
	expect_exit 0 "$(status_of)" "clone"
	expect_eq "" "$(ls -A "$WS/super/lib/mid")" "submodule left uninitialised"
}

test_empty_repository() {
	sync_one x "$GIT_URL/empty.git"
	expect_exit 0 "$(status_of)" "empty repository"
	git -C "$WS/empty" rev-parse --git-dir >/dev/null 2>&1 || fail "no repository"
	expect_eq "git://" "$(git -C "$WS/empty" config remote.origin.url | cut -c1-6)" "origin"
}

test_commit_with_depth_http_fetches_just_that_commit() {
	local sha
	sha=$(git -C "$FLEET/repos/big.git" rev-parse main~5)
	sync_one x "$HTTP_URL/big.git" "commit: $sha" "depth: 1"
	expect_exit 0 "$(status_of)" "shallow commit clone"
	expect_eq "$sha" "$(git -C "$WS/big" rev-parse HEAD)" "HEAD"
	expect_eq 1 "$(git -C "$WS/big" rev-list --count HEAD)" "one commit"
	expect_eq "" "$(git -C "$WS/big" for-each-ref refs/githerd)" "no helper ref left"
	expect_eq "" "$(git -C "$WS/big" status --porcelain)" "clean checkout"
	git -C "$WS/big" fsck --no-progress >/dev/null 2>&1 || fail "fsck"
}

test_bare_shallow_http_takes_one_branch() {
	sync_one x "$HTTP_URL/alpha.git" "bare: true" "depth: 1" "branch: dev"
	expect_exit 0 "$(status_of)" "shallow bare clone"
	git clone -q --bare --depth 1 -b dev "$HTTP_URL/alpha.git" "$OUT/ref.git"
	same_clone "$WS/alpha.git" "$OUT/ref.git" "bare depth 1 of dev over http"
}
