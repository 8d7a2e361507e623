# shellcheck shell=bash
# What vcstool users bring: the command line's --shallow, --depth,
# --recursive and --no-recursive over every entry, and .repos files as
# vcs import takes them (nested entries, types githerd does not clone),
# compared with git clone and vcs import on the same remotes.

test_override_shallow_never_shallows_a_full_clone() {
	cat >"$OUT/m.yaml" <<EOM
repos:
  - url: $HTTP_URL/big.git
  - url: $HTTP_URL/tiny01.git
  - url: $GIT_URL/alpha.git
EOM
	ws_sync "$OUT/m.yaml" tiny01
	expect_exit 0 "$(ws_status)" "a full clone first"
	ws_sync --shallow --json "$OUT/report.json" "$OUT/m.yaml"
	expect_exit 0 "$(ws_status)" "sync --shallow"
	expect_eq true "$(git -C "$WS/big" rev-parse --is-shallow-repository)" "big is shallow"
	git clone -q --depth 1 "$HTTP_URL/big.git" "$OUT/ref"
	same_clone "$WS/big" "$OUT/ref" "--shallow over http is git clone --depth 1"
	expect_grep '"path": "big".*' "$OUT/report.json" "report"
	expect_grep '"depth": 1, "shallow": true' "$OUT/report.json" "report: big shallow"
	# a full clone keeps its history, and says so
	expect_eq false "$(git -C "$WS/tiny01" rev-parse --is-shallow-repository)" "tiny01 stays full"
	expect_grep "warning: tiny01: depth 1 ignored: tiny01 has its full history, and githerd never throws history away" \
	    "$OUT/stderr" "the full clone says why"
	# over git:// libgit2 1.8 fetches full history, as for a manifest depth
	expect_eq false "$(git -C "$WS/alpha" rev-parse --is-shallow-repository)" "alpha full"
	expect_grep "warning: alpha: depth 1 ignored: libgit2 .* fetches shallow only over http\\(s\\), not git://; using full history" \
	    "$OUT/stderr" "git:// says so"
	# without --shallow, the manifest's full history comes back
	ws_sync "$OUT/m.yaml" big
	expect_exit 0 "$(ws_status)" "sync without --shallow"
	expect_eq false "$(git -C "$WS/big" rev-parse --is-shallow-repository)" "deepened"
	git -C "$WS/big" fsck --no-progress >/dev/null 2>&1 || fail "fsck big"
}

test_override_recursive_and_no_recursive() {
	local sub
	cat >"$OUT/m.yaml" <<EOM
repos:
  - url: $GIT_URL/super.git
    path: plain
  - url: $GIT_URL/super.git
    path: rec
    submodules: true
EOM
	ws_sync --recursive "$OUT/m.yaml" plain
	expect_exit 0 "$(ws_status)" "--recursive on submodules: false"
	ws_sync --no-recursive "$OUT/m.yaml" rec
	expect_exit 0 "$(ws_status)" "--no-recursive on submodules: true"
	git clone -q --recurse-submodules "$GIT_URL/super.git" "$OUT/ref" 2>/dev/null
	for sub in lib/mid lib/mid/deps/sub; do
		expect_eq "$(git -C "$OUT/ref/$sub" rev-parse HEAD)" \
		    "$(git -C "$WS/plain/$sub" rev-parse HEAD 2>/dev/null)" "--recursive: $sub"
	done
	expect_eq "" "$(git -C "$WS/plain" submodule status --recursive | grep -v '^ ')" \
	    "--recursive: git sees every submodule at its commit"
	expect_eq "" "$(ls -A "$WS/rec/lib/mid")" "--no-recursive: submodule left alone"
	# and the manifest's own submodules: true on the existing checkout
	ws_sync "$OUT/m.yaml" rec
	expect_exit 0 "$(ws_status)" "sync with the manifest's submodules"
	expect_eq "$(git -C "$OUT/ref/lib/mid/deps/sub" rev-parse HEAD)" \
	    "$(git -C "$WS/rec/lib/mid/deps/sub" rev-parse HEAD 2>/dev/null)" "submodules updated in"
}

test_vcstool_other_types_are_listed_and_the_git_entries_synced() {
	cat >"$OUT/m.repos" <<EOM
repositories:
  src/alpha:
    type: git
    url: $GIT_URL/alpha.git
    version: dev
  src/legacy:
    type: svn
    url: svn://127.0.0.1:1/legacy/trunk
    version: "1234"
  src/docs:
    type: hg
    url: $HTTP_URL/docs
  src/beta:
    type: git
    url: $HTTP_URL/beta.git
EOM
	"$BIN" check "$OUT/m.repos" >"$OUT/check" 2>&1
	expect_exit 0 $? "check: vcs import takes the file"
	expect_grep "4 entries, valid; 2 of a type githerd does not sync" "$OUT/check" "check counts them"
	"$BIN" list "$OUT/m.repos" >"$OUT/list" 2>&1
	expect_grep "^src/legacy +svn://127.0.0.1:1/legacy/trunk +unsupported \\(type svn\\)$" "$OUT/list" "list"
	ws_sync --json "$OUT/report.json" "$OUT/m.repos"
	expect_exit 1 "$(ws_status)" "unsupported entries make sync exit 1"
	expect_eq refs/heads/dev "$(git -C "$WS/src/alpha" symbolic-ref HEAD)" "the git entries beside them"
	expect_eq refs/heads/trunk "$(git -C "$WS/src/beta" symbolic-ref HEAD)" "beta"
	expect_missing "$WS/src/legacy" "nothing is made for svn"
	expect_missing "$WS/src/docs" "nothing is made for hg"
	expect_grep '^\[[0-9]/4\] unsupported src/legacy \(type svn\)$' "$OUT/stderr" "plain line"
	expect_grep '^\[[0-9]/4\] unsupported src/docs \(type hg\)$' "$OUT/stderr" "plain line"
	expect_grep "2 cloned, .*2 unsupported" "$OUT/stdout" "summary"
	expect_grep "^  unsupported src/legacy \\(type svn\\)$" "$OUT/stdout" "summary names it"
	python3 - "$OUT/report.json" <<'PY' || fail "report"
import json, sys
r = json.load(open(sys.argv[1]))
e = {x["path"]: x for x in r["repos"]}
assert r["exit_code"] == 1 and r["counts"]["unsupported"] == 2, r["counts"]
assert e["src/legacy"]["status"] == "unsupported", e["src/legacy"]
assert e["src/legacy"]["type"] == "svn" and e["src/legacy"]["reason"] == "unsupported (type svn)"
assert e["src/legacy"]["ref"] == {"kind": "version", "name": "1234"}
assert e["src/alpha"]["type"] == "git" and e["src/alpha"]["status"] == "cloned"
PY
	# the terminal display says the same
	TERM=xterm script -qefc "$BIN sync -C $WS --ignore-unsupported $OUT/m.repos" \
	    /dev/null >"$OUT/tty" 2>&1 </dev/null
	expect_exit 0 $? "--ignore-unsupported: exit 0"
	expect_grep "\\[ ?[0-9]/4\\] .*unsupported.* src/legacy \\(type svn\\)" "$OUT/tty" "live display"
	"$BIN" status -C "$WS" >"$OUT/status.out" 2>&1
	expect_exit 1 $? "status: an unsupported entry is not as asked"
	expect_grep "^src/legacy +unsupported \\(type svn\\)$" "$OUT/status.out" "status line"
	"$BIN" status -C "$WS" --ignore-unsupported >/dev/null 2>&1
	expect_exit 0 $? "status --ignore-unsupported"
	"$BIN" freeze -C "$WS" -o "$OUT/lock.repos" 2>"$OUT/freeze.err"
	expect_exit 1 $? "freeze: cannot pin svn"
	expect_grep "src/legacy: unsupported \\(type svn\\): kept as written, unpinned" "$OUT/freeze.err" "freeze says so"
	"$BIN" freeze -C "$WS" --ignore-unsupported -o "$OUT/lock.repos" 2>/dev/null
	expect_exit 0 $? "freeze --ignore-unsupported"
	python3 - "$OUT/lock.repos" <<'PY' || fail "lock file"
import sys, yaml
r = yaml.safe_load(open(sys.argv[1]))["repositories"]
assert r["src/legacy"] == {"type": "svn", "url": "svn://127.0.0.1:1/legacy/trunk", "version": "1234"}, r["src/legacy"]
assert r["src/docs"]["type"] == "hg" and "version" not in r["src/docs"]
assert len(r["src/alpha"]["version"]) == 40
PY
	"$BIN" sync -C "$WS" --dry-run "$OUT/m.repos" >"$OUT/dry" 2>&1
	expect_exit 1 $? "dry run"
	expect_grep "^unsupported src/docs \\(type hg\\)$" "$OUT/dry" "dry run line"
}

# When each entry's job ran, from a --trace file: "path start end" (µs).
job_times() {		# TRACE
	python3 - "$1" <<'PY'
import json, sys
for e in json.load(open(sys.argv[1]))["traceEvents"]:
    if e.get("ph") == "X" and e.get("cat") == "job":
        print(e["name"], e["ts"], e["ts"] + e["dur"])
PY
}

# ROS 2's ros2.repos shape: paths org/name, a branch, a tag, a default
# branch, and entries nested in another's work tree, one in a directory
# the outer repository ignores, one in a directory it does not track;
# then vcs import of the same file for the git entries.
test_vcstool_nested_entries_wait_for_their_outer_one_as_vcs_does() {
	local p outer
	start_upstreams || { fail "upstream servers"; return; }
	up_new outer tiny01
	up_commit outer main .gitignore "colcon-build/"
	outer=$UP_GIT/$T_NAME/outer.git
	cat >"$OUT/m.repos" <<EOM
repositories:
  ros2/outer:
    type: git
    url: $outer
    version: main
  ros2/outer/colcon-build/ignored:
    type: git
    url: $GIT_URL/alpha.git
    version: dev
  ros2/outer/vendor/untracked:
    type: git
    url: $GIT_URL/alpha.git
    version: v1.0
  eProsima/beta:
    type: git
    url: $HTTP_URL/beta.git
  ros/legacy:
    type: svn
    url: https://127.0.0.1:1/svn/legacy
  ros/docs:
    type: hg
    url: https://127.0.0.1:1/hg/docs
    version: default
EOM
	ws_sync -j 4 --ignore-unsupported --trace "$OUT/trace.json" "$OUT/m.repos"
	expect_exit 0 "$(ws_status)" "nested sync"
	job_times "$OUT/trace.json" >"$OUT/times"
	python3 - "$OUT/times" <<'PY' || fail "the inner entries did not wait for the outer one: $(cat "$OUT/times")"
import sys
t = {l.split()[0]: (int(l.split()[1]), int(l.split()[2])) for l in open(sys.argv[1])}
o = t["ros2/outer"]
for inner in ("ros2/outer/colcon-build/ignored", "ros2/outer/vendor/untracked"):
    assert t[inner][0] >= o[1], (inner, t[inner], o)
# a slot took other work while they waited
assert t["eProsima/beta"][0] < o[1], (t["eProsima/beta"], o)
PY
	# what vcs import makes of the same file: same paths, same HEADs
	mkdir -p "$OUT/vcs"
	vcs import --input "$OUT/m.repos" "$OUT/vcs" >"$OUT/vcs.out" 2>&1
	expect_exit 1 $? "vcs import: svn and hg are not installed"
	for p in ros2/outer ros2/outer/colcon-build/ignored ros2/outer/vendor/untracked eProsima/beta; do
		expect_eq "$(git -C "$OUT/vcs/$p" rev-parse HEAD)" "$(git -C "$WS/$p" rev-parse HEAD)" "$p: HEAD as vcs import's"
		expect_eq "$(git -C "$OUT/vcs/$p" symbolic-ref -q HEAD)" "$(git -C "$WS/$p" symbolic-ref -q HEAD)" \
		    "$p: on the branch (or detached) as with vcs import"
		git -C "$WS/$p" fsck --no-progress >/dev/null 2>&1 || fail "$p: fsck"
	done
	# git sees the untracked inner checkout; githerd knows it is an entry
	expect_eq "?? vendor/" "$(git -C "$WS/ros2/outer" status --porcelain)" "git status of the outer one"
	"$BIN" status -C "$WS" --ignore-unsupported >"$OUT/status.out" 2>&1
	expect_exit 0 $? "status: every entry ok"
	expect_grep "^ros2/outer +ok branch main" "$OUT/status.out" "the outer entry is clean"
	expect_no_grep "no longer in the manifest" "$OUT/status.out" "neither is an orphan"
	"$BIN" freeze -C "$WS" --ignore-unsupported -o "$OUT/lock.repos" 2>"$OUT/freeze.err"
	expect_exit 0 $? "freeze"
	expect_no_grep "untracked" "$OUT/freeze.err" "no untracked files to warn about"
	# an untracked file of its own still makes the outer one dirty
	echo scratch >"$WS/ros2/outer/notes.txt"
	"$BIN" status -C "$WS" --ignore-unsupported ros2/outer >"$OUT/status2.out" 2>&1
	expect_exit 1 $? "status with a file of the outer's own"
	expect_grep "^ros2/outer +dirty \\(1 file: \\?\\? notes.txt\\)" "$OUT/status2.out" "only its own file"
	rm "$WS/ros2/outer/notes.txt"
	# in the outer's work tree, only what a killed run left is swept
	mkdir "$WS/ros2/outer/vendor/.githerd-tmp.4242.2.untracked"
	echo mine >"$WS/ros2/outer/vendor/.githerd-tmp.notes"
	ws_sync --ignore-unsupported "$OUT/m.repos"
	expect_exit 0 "$(ws_status)" "a second sync"
	expect_grep "4 up to date" "$OUT/stdout" "nothing to do"
	expect_no_grep "no longer in the manifest" "$OUT/stdout" "no orphans"
	expect_grep "removed 1 temporary directory left by an interrupted run" "$OUT/stderr" "the stale clone"
	expect_eq mine "$(cat "$WS/ros2/outer/vendor/.githerd-tmp.notes" 2>/dev/null)" \
	    "a file of the outer's work tree named like a clone is kept"
	rm "$WS/ros2/outer/vendor/.githerd-tmp.notes"
	expect_no_tmp "$WS" "nested"
}

# An inner path the outer checkout tracks, a symbolic link of the outer
# one on the way, an outer entry that failed: each inner entry fails,
# says why, and nothing of the outer checkout or beyond the link changes.
test_vcstool_nested_conflicts_fail_the_inner_entry_and_touch_nothing() {
	start_upstreams || { fail "upstream servers"; return; }
	up_new conf tiny02
	up_commit conf main b/keep.txt "tracked where an entry wants to go"
	mkdir -p "$OUT/escape"
	up_link conf link "$OUT/escape"
	cat >"$OUT/m.repos" <<EOM
repositories:
  c/outer:
    type: git
    url: $UP_GIT/$T_NAME/conf.git
  c/outer/b:
    type: git
    url: $GIT_URL/tiny03.git
  c/outer/link/x:
    type: git
    url: $GIT_URL/tiny04.git
  c/outer/made-link/y:
    type: git
    url: $GIT_URL/tiny06.git
  gone/outer:
    type: git
    url: $GIT_URL/no-such-repository.git
  gone/outer/inner:
    type: git
    url: $GIT_URL/tiny05.git
EOM
	# a link the outer checkout did not track, made after it was cloned
	# (a path operand c/outer would select the entries inside it too)
	head -n 4 "$OUT/m.repos" >"$OUT/outer.repos"
	ws_sync "$OUT/outer.repos"
	expect_exit 0 "$(ws_status)" "the outer entry first"
	ln -s "$OUT/escape" "$WS/c/outer/made-link"
	ws_sync -j 3 --json "$OUT/report.json" "$OUT/m.repos"
	expect_exit 1 "$(ws_status)" "conflicts"
	python3 - "$OUT/report.json" <<'PY' || fail "report: $(grep -A1 '"error"' "$OUT/report.json" | head -20)"
import json, sys
e = {x["path"]: x for x in json.load(open(sys.argv[1]))["repos"]}
def err(p):
    return e[p]["error"]["class"], e[p]["error"]["message"]
assert e["c/outer"]["status"] == "unchanged"
c, m = err("c/outer/b")
assert c == "local-conflict" and m.startswith("c/outer/b is tracked by the entry c/outer (b/keep.txt)"), m
c, m = err("c/outer/link/x")
assert c == "local-conflict" and m == "c/outer/link/x is inside c/outer/link, which the entry c/outer tracks as a symbolic link: nothing was done", m
c, m = err("c/outer/made-link/y")
assert c == "refused" and m.startswith("c/outer/made-link is a symbolic link: refusing to go through it"), (c, m)
c, m = err("gone/outer/inner")
assert c == "local-conflict" and "inside the entry gone/outer, which is not on disk" in m, (c, m)
PY
	expect_grep "FAIL +c/outer/b .*local-conflict: c/outer/b is tracked by the entry c/outer \\(b/keep.txt\\): an entry inside another needs a path that one ignores or leaves untracked; nothing was touched" \
	    "$OUT/stderr" "the plain line says why"
	rm "$WS/c/outer/made-link"
	# the tracked files deleted by hand: the index still tracks them
	rm -r "$WS/c/outer/b"
	ws_sync "$OUT/m.repos" c/outer/b
	expect_exit 1 "$(ws_status)" "deleted tracked files"
	expect_grep "c/outer/b is tracked by the entry c/outer \(b/keep.txt\)" "$OUT/stderr" "still tracked"
	expect_missing "$WS/c/outer/b" "nothing cloned over the deleted files"
	git -C "$WS/c/outer" checkout -q -- b
	git clone -q "$UP_GIT/$T_NAME/conf.git" "$OUT/ref"
	same_clone "$WS/c/outer" "$OUT/ref" "the outer checkout is as git clone makes it"
	expect_eq "" "$(ls -A "$OUT/escape")" "nothing through the links"
	expect_missing "$WS/gone/outer" "no directory made for an outer entry that failed"
	expect_no_tmp "$WS" "conflicts"
}

# Every byte of an outer checkout but its inner entry i, its index, HEAD.
outer_digest() {	# DIR
	{
		(cd "$1" && find . \( -path ./.git -o -path ./i \) -prune -o \
		    -printf '%y %m %s %p %l\n' | LC_ALL=C sort)
		(cd "$1" && find . \( -path ./.git -o -path ./i \) -prune -o \
		    -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
		cat "$1/.git/index" "$1/.git/HEAD" "$1/.git/config"
	} | sha256sum | cut -d' ' -f1
}

# Entries that left the manifest, nested: an outer one that still holds
# an entry is kept; an inner one goes to the trash, its outer untouched.
test_vcstool_nested_orphans_are_pruned_only_whole() {
	local before
	printf 'repositories:\n  o:\n    type: git\n    url: %s/tiny07.git\n  o/i:\n    type: git\n    url: %s/tiny08.git\n' \
	    "$GIT_URL" "$GIT_URL" >"$OUT/both.repos"
	printf 'repositories:\n  o/i:\n    type: git\n    url: %s/tiny08.git\n' "$GIT_URL" >"$OUT/inner.repos"
	printf 'repositories:\n  o:\n    type: git\n    url: %s/tiny07.git\n' "$GIT_URL" >"$OUT/outer.repos"
	ws_sync "$OUT/both.repos"
	expect_exit 0 "$(ws_status)" "both"
	ws_sync --prune "$OUT/inner.repos"
	expect_exit 0 "$(ws_status)" "the outer one left the manifest"
	expect_grep "^githerd: kept o \\(not in the manifest\\): the entry o/i is inside it$" "$OUT/stdout" "kept, and why"
	expect_eq "$(git --git-dir="$FLEET/repos/tiny07.git" rev-parse HEAD)" \
	    "$(git -C "$WS/o" rev-parse HEAD)" "o stays"
	before=$(outer_digest "$WS/o")
	ws_sync --prune "$OUT/outer.repos"
	expect_exit 0 "$(ws_status)" "the inner one left the manifest"
	expect_grep "^githerd: pruned o/i" "$OUT/stdout" "the inner one to the trash"
	expect_missing "$WS/o/i" "o/i"
	[ -n "$(find "$WS/.githerd/trash" -maxdepth 2 -name 'i.*' 2>/dev/null)" ] || fail "o/i is in the trash"
	expect_eq "$before" "$(outer_digest "$WS/o")" "the outer checkout untouched"
	expect_eq "" "$(git -C "$WS/o" status --porcelain)" "and clean"
}
