# shellcheck shell=bash
# Zephyr's west.yml, synced against the test servers: remotes with
# url-base over git:// and http, defaults, a project import two levels
# deep through a name-allowlist, a group the group-filter turns off, a
# pull/N/head revision, submodules as a list; then list, status, exec,
# freeze.  west itself is not installable here (no PyPI): where it ends up
# is checked by the rules west's documentation states (paths and commits;
# west update leaves every project on a detached HEAD at manifest-rev,
# githerd checks a branch revision out as `git clone -b` would), and each
# checkout against git's own clone of the same remote.

# west_fixture: upstreams and $OUT/top/manifest/west.yml.
west_fixture() {
	local name
	start_upstreams || return 1
	up_new zephyr alpha
	for name in hal:tiny01 lib:tiny02 blocked:tiny03 deep:tiny04 pr:tiny05 opt:tiny06 \
	    mods:tiny07 moda:tiny08 modb:tiny09; do
		up_new "${name%%:*}" "${name#*:}"
	done
	# zephyr's own manifest imports hal's, which brings in deep
	up_commit zephyr main west.yml "$(cat <<EOM
manifest:
  remotes:
    - name: up
      url-base: $UP_GIT/$T_NAME
  defaults:
    remote: up
    revision: main
  projects:
    - name: hal
      path: modules/hal
      import: true
    - name: lib
      path: modules/lib
    - name: blocked
      path: modules/blocked
  self:
    path: zephyr
EOM
)"
	up_commit hal main west.yml "$(cat <<EOM
manifest:
  projects:
    - name: deep
      url: $UP_GIT/$T_NAME/deep.git
      path: modules/deep
      revision: main
EOM
)"
	# a directory import: its .yml and .yaml files, in name order
	up_commit mods main submanifests/b.yaml "$(printf 'manifest:\n  projects:\n    - name: modb\n      url: %s\n      revision: main\n' "$UP_GIT/$T_NAME/modb")"
	up_commit mods main submanifests/a.yml "$(printf 'manifest:\n  projects:\n    - name: moda\n      url: %s\n      revision: main\n' "$UP_GIT/$T_NAME/moda")"
	up_commit mods main submanifests/notes.txt "not a manifest"
	# a pull request's head, on no branch of the remote
	up_git pr checkout -q -b feature
	up_commit pr feature pr.txt "the pull request"
	up_git pr push -q origin feature:refs/pull/7/head 2>/dev/null
	up_git pr push -q origin :feature 2>/dev/null
	mkdir -p "$OUT/top/manifest"
	cat >"$OUT/top/manifest/west.yml" <<EOM
manifest:
  version: "1.0"
  remotes:
    - name: up
      url-base: $UP_GIT/$T_NAME
    - name: web
      url-base: $UP_HTTP/$T_NAME
  defaults:
    remote: up
    revision: main
  group-filter: [-optional]
  projects:
    - name: zephyr
      import:
        name-allowlist: [hal, lib, deep]
    - name: mods
      import: submanifests
    - name: pr
      remote: web
      repo-path: pr.git
      revision: pull/7/head
    - name: super
      url: $GIT_URL/super.git
      path: sup/listed
      submodules:
        - path: lib/mid
    - name: super-none
      url: $GIT_URL/super.git
      path: sup/none
      submodules:
        - path: not/there
  self:
    path: manifest
    import: extra.yml
EOM
	# beside the manifest: a self import
	cat >"$OUT/top/manifest/extra.yml" <<EOM
manifest:
  projects:
    - name: opt
      url: $UP_GIT/$T_NAME/opt
      revision: main
      groups: [optional]
EOM
}

test_west_yml_synced_where_west_puts_it() {
	local p sha
	west_fixture || { fail "fixture"; return; }
	ws_sync --json "$OUT/r.json" "$OUT/top/manifest/west.yml"
	expect_exit 0 "$(ws_status)" "sync west.yml: $(tail -n 3 "$OUT/stderr")"
	expect_grep "imports: zephyr read at" "$OUT/stdout" "the importer first"
	expect_grep "imports: modules/hal read at" "$OUT/stdout" "then the second level"
	# paths and commits as west's rules say
	for p in zephyr modules/hal modules/lib modules/deep; do
		sha=$(up_sha "$(basename "$p")" main)
		expect_eq "$sha" "$(git -C "$WS/$p" rev-parse HEAD 2>/dev/null)" "$p at main"
	done
	expect_missing "$WS/modules/blocked" "not in the allowlist"
	for p in moda modb; do
		expect_eq "$(up_sha $p main)" "$(git -C "$WS/$p" rev-parse HEAD 2>/dev/null)" "$p from a directory import"
	done
	expect_grep "imports: mods read at [0-9a-f]+ \(cloned\): 2 files" "$OUT/stdout" "the directory's two manifests"
	expect_missing "$WS/opt" "group-filter turns optional off"
	expect_missing "$WS/manifest/.git" "the manifest repository is the user's"
	# a branch revision: what git clone -b leaves
	git clone -q -b main "$UP_GIT/$T_NAME/lib" "$OUT/ref-lib" 2>/dev/null
	same_clone "$WS/modules/lib" "$OUT/ref-lib" "lib"
	# pull/7/head: detached at the ref's commit, as west leaves it
	expect_eq "$(up_sha pr refs/pull/7/head)" "$(git -C "$WS/pr" rev-parse HEAD)" "pr at pull/7/head"
	expect_eq "HEAD" "$(git -C "$WS/pr" rev-parse --abbrev-ref HEAD)" "pr detached"
	expect_eq "" "$(git -C "$WS/pr" for-each-ref refs/githerd)" "no ref of githerd's left"
	git -C "$WS/pr" fsck --no-progress >/dev/null 2>&1 || fail "fsck pr"
	# submodules as a list: only the paths listed
	[ -e "$WS/sup/listed/lib/mid/.git" ] || fail "listed submodule checked out"
	expect_eq "" "$(ls -A "$WS/sup/none/lib/mid" 2>/dev/null)" "unlisted submodule left alone"
	# the other commands read the imports the sync read
	"$BIN" list -C "$WS" "$OUT/top/manifest/west.yml" >"$OUT/list" 2>"$OUT/list.err"
	expect_exit 0 $? "list"
	expect_grep "modules/deep" "$OUT/list" "list names the imported entries"
	expect_no_grep "left out" "$OUT/list.err" "list knows every import"
	# the saved copy's self import is read beside the user's file
	"$BIN" status -C "$WS" --group optional >"$OUT/st" 2>&1
	expect_exit 1 $? "status --group optional without naming the manifest"
	expect_grep "^opt +missing" "$OUT/st" "status reads the self import"
	"$BIN" status -C "$WS" >"$OUT/st" 2>&1
	expect_exit 0 $? "status without naming the manifest: $(tail -n 3 "$OUT/st")"
	"$BIN" exec -C "$WS" -- git rev-parse HEAD >"$OUT/exec" 2>&1
	expect_exit 0 $? "exec"
	expect_grep "=== modules/deep ===" "$OUT/exec" "exec reaches an imported entry"
	# --group turns the optional group on
	ws_sync --group optional "$OUT/top/manifest/west.yml"
	expect_exit 0 "$(ws_status)" "sync --group optional"
	expect_eq "$(up_sha opt main)" "$(git -C "$WS/opt" rev-parse HEAD 2>/dev/null)" "opt synced"
	# freeze writes west.yml back with commits; it syncs the same elsewhere,
	# pr too: its commit is on no branch or tag, so it is asked for by id,
	# which git's upload-pack over http serves when any ref reaches it
	"$BIN" freeze -C "$WS" "$OUT/top/manifest/west.yml" >"$OUT/frozen.yml" 2>"$OUT/freeze.err"
	expect_exit 0 $? "freeze: $(cat "$OUT/freeze.err")"
	expect_grep "^manifest:" "$OUT/frozen.yml" "a west manifest"
	expect_grep "revision: \"?$(up_sha pr refs/pull/7/head)" "$OUT/frozen.yml" "pinned pr"
	"$BIN" sync -C "$OUT/ws2" "$OUT/frozen.yml" >"$OUT/sync2" 2>&1
	expect_exit 0 $? "the frozen manifest syncs: $(tail -n 3 "$OUT/sync2")"
	for p in zephyr modules/hal modules/deep modules/lib sup/listed pr; do
		expect_eq "$(git -C "$WS/$p" rev-parse HEAD)" \
		    "$(git -C "$OUT/ws2/$p" rev-parse HEAD 2>/dev/null)" "frozen $p"
	done
	git -C "$OUT/ws2/pr" fsck --no-progress >/dev/null 2>&1 || fail "fsck frozen pr"
	expect_eq "" "$(git -C "$OUT/ws2/pr" for-each-ref refs/githerd)" "no ref of githerd's"
	# the pull request moves (force-pushed): the next sync follows it
	up_commit pr moved pr2.txt "moved on"
	up_git pr push -q -f origin moved:refs/pull/7/head 2>/dev/null
	up_git pr push -q origin :moved 2>/dev/null
	ws_sync "$OUT/top/manifest/west.yml"
	expect_exit 0 "$(ws_status)" "resync after the pull request moved"
	expect_eq "$(up_sha pr refs/pull/7/head)" "$(git -C "$WS/pr" rev-parse HEAD)" "pr follows pull/7/head"
	# frozen again, and the earlier frozen workspace updated to it: the
	# new commit, on no branch, is asked for by id by an update too
	"$BIN" freeze -C "$WS" -o "$OUT/frozen2.yml" "$OUT/top/manifest/west.yml" 2>"$OUT/freeze.err"
	"$BIN" sync -C "$OUT/ws2" "$OUT/frozen2.yml" >"$OUT/sync3" 2>&1
	expect_exit 0 $? "the frozen update: $(tail -n 3 "$OUT/sync3")"
	expect_eq "$(up_sha pr refs/pull/7/head)" "$(git -C "$OUT/ws2/pr" rev-parse HEAD 2>/dev/null)" "updated by id"
	git -C "$OUT/ws2/pr" fsck --no-progress >/dev/null 2>&1 || fail "fsck updated pr"
}

# Hostile imports: a project path out of the workspace is an error naming
# the file, line and column, with nothing cloned past it, and so is an
# import cycle through projects (self-import cycles: test_manifest_west.c).
test_west_hostile_imports_are_refused() {
	start_upstreams || { fail "upstreams"; return; }
	up_new evil alpha
	up_commit evil main west.yml "$(cat <<EOM
manifest:
  projects:
    - name: escape
      url: $UP_GIT/$T_NAME/evil.git
      path: ../../escaped
EOM
)"
	cat >"$OUT/west.yml" <<EOM
manifest:
  projects:
    - name: evil
      url: $UP_GIT/$T_NAME/evil.git
      revision: main
      import: true
EOM
	ws_sync "$OUT/west.yml"
	expect_exit 2 "$(ws_status)" "an import out of the workspace"
	expect_grep "evil@main:west.yml:5:[0-9]+: .*\\.\\." "$OUT/stderr" "named where it is"
	expect_missing "$SCRATCH/escaped" "nothing written outside"
	expect_missing "$(dirname "$WS")/escaped" "nothing written outside"
	# a loop through projects: evil's manifest names evil2, the same
	# repository at the same revision, importing the same file again;
	# refused as a cycle, naming the chain, and nothing else cloned
	up_commit evil main west.yml "$(cat <<EOM
manifest:
  projects:
    - name: evil2
      url: $UP_GIT/$T_NAME/evil.git
      revision: main
      import: true
EOM
)"
	ws_sync "$OUT/west.yml"
	expect_exit 2 "$(ws_status)" "an import cycle"
	expect_grep "evil@main:west.yml:6:[0-9]+: import cycle: .*evil.git@main:west.yml -> .*evil.git@main:west.yml" \
	    "$OUT/stderr" "the cycle is named"
	expect_missing "$WS/evil2" "nothing cloned past it"
}
