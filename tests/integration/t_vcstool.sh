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
