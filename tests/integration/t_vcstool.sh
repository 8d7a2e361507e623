# shellcheck shell=bash
# What vcstool users bring: the command line's --shallow, --depth,
# --recursive and --no-recursive over every entry, and .repos files as
# vcs import takes them (nested entries, types githerd does not clone),
# compared with git clone and vcs import on the same remotes.

# vsync ARGS...: githerd sync into $WS, output in $OUT/{stdout,stderr}.
vsync() {
	"$BIN" sync -C "$WS" "$@" >"$OUT/stdout" 2>"$OUT/stderr"
	echo $? >"$OUT/status"
}
vstatus() { cat "$OUT/status"; }

test_override_shallow_never_shallows_a_full_clone() {
	cat >"$OUT/m.yaml" <<EOM
repos:
  - url: $HTTP_URL/big.git
  - url: $HTTP_URL/tiny01.git
  - url: $GIT_URL/alpha.git
EOM
	vsync "$OUT/m.yaml" tiny01
	expect_exit 0 "$(vstatus)" "a full clone first"
	vsync --shallow --json "$OUT/report.json" "$OUT/m.yaml"
	expect_exit 0 "$(vstatus)" "sync --shallow"
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
	vsync "$OUT/m.yaml" big
	expect_exit 0 "$(vstatus)" "sync without --shallow"
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
	vsync --recursive "$OUT/m.yaml" plain
	expect_exit 0 "$(vstatus)" "--recursive on submodules: false"
	vsync --no-recursive "$OUT/m.yaml" rec
	expect_exit 0 "$(vstatus)" "--no-recursive on submodules: true"
	git clone -q --recurse-submodules "$GIT_URL/super.git" "$OUT/ref" 2>/dev/null
	for sub in lib/mid lib/mid/deps/sub; do
		expect_eq "$(git -C "$OUT/ref/$sub" rev-parse HEAD)" \
		    "$(git -C "$WS/plain/$sub" rev-parse HEAD 2>/dev/null)" "--recursive: $sub"
	done
	expect_eq "" "$(git -C "$WS/plain" submodule status --recursive | grep -v '^ ')" \
	    "--recursive: git sees every submodule at its commit"
	expect_eq "" "$(ls -A "$WS/rec/lib/mid")" "--no-recursive: submodule left alone"
	# and the manifest's own submodules: true on the existing checkout
	vsync "$OUT/m.yaml" rec
	expect_exit 0 "$(vstatus)" "sync with the manifest's submodules"
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
	vsync --json "$OUT/report.json" "$OUT/m.repos"
	expect_exit 1 "$(vstatus)" "unsupported entries make sync exit 1"
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
