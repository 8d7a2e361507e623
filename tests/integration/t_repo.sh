# shellcheck shell=bash
# Google repo's XML manifests, synced against the real test servers: an
# AOSP-shaped default.xml (two remotes, fetch=".." relative to the URL the
# manifest checkout was cloned from, a <default>, groups with notdefault,
# an <include>, copyfile and linkfile), checked against the rules of
# repo's docs/manifest-format.md with git on the same remotes.  repo
# itself is not installable here (no network, not packaged), so the test
# states repo's rules rather than running repo.  One fixture, four syncs.

test_repo_manifest_sync_status_list_freeze_exec() {
	local t m=$OUT/top/.repo/manifests file head frozen
	start_upstreams || return
	t=$UP/$T_NAME
	mkdir -p "$t/platform" "$t/tools" "$t/device" "$OUT/top"
	cp -a "$FLEET/repos/alpha.git" "$t/platform/build.git"
	cp -a "$FLEET/repos/tiny01.git" "$t/tools/repo.git"
	cp -a "$FLEET/repos/tiny02.git" "$t/device/x.git"
	file=$(git -C "$t/platform/build.git" ls-tree -r HEAD | awk '$1 == "100644" { print $4; exit }')
	# the manifest repository, cloned as repo init does
	git init -q -b main "$OUT/mwork"
	cat >"$OUT/mwork/default.xml" <<EOM
<?xml version="1.0" encoding="UTF-8"?>
<manifest>
  <remote name="aosp" fetch=".." review="review.example"/>
  <remote name="web" fetch="$UP_HTTP/$T_NAME/tools"/>
  <default remote="aosp" revision="main" sync-j="2"/>
  <project name="platform/build" path="build/make" groups="pdk">
    <copyfile src="$file" dest="Copied"/>
    <linkfile src="$file" dest="links/Linked"/>
  </project>
  <include name="extra.xml"/>
</manifest>
EOM
	cat >"$OUT/mwork/extra.xml" <<EOM
<manifest>
  <project name="repo" path="tools/repo" remote="web"/>
  <project name="device/x" groups="notdefault,device"/>
</manifest>
EOM
	git -C "$OUT/mwork" add -A && git -C "$OUT/mwork" commit -qm manifest
	git clone -q --bare "$OUT/mwork" "$t/platform/manifest.git"
	git clone -q "$UP_GIT/$T_NAME/platform/manifest.git" "$m"

	# sync: the origin of .repo/manifests makes ".." $UP_GIT/$T_NAME
	ws_sync "$m/default.xml"
	expect_exit 0 "$(ws_status)" "sync of default.xml"
	expect_eq "$(git ls-remote "$UP_GIT/$T_NAME/platform/build.git" refs/heads/main | cut -f1)" \
	    "$(git -C "$WS/build/make" rev-parse HEAD 2>/dev/null)" "build/make at main, as git sees it"
	expect_eq "$UP_GIT/$T_NAME/platform/build" "$(git -C "$WS/build/make" config remote.origin.url)" \
	    "URL = resolved fetch + / + name"
	expect_eq "$(git ls-remote "$UP_HTTP/$T_NAME/tools/repo.git" HEAD | cut -f1)" \
	    "$(git -C "$WS/tools/repo" rev-parse HEAD 2>/dev/null)" "the include's project, over http"
	expect_missing "$WS/device/x" "notdefault is not synced by default"
	cmp -s "$WS/build/make/$file" "$WS/Copied" || fail "copyfile: Copied is $file"
	expect_eq "../build/make/$file" "$(readlink "$WS/links/Linked")" "linkfile: a relative link"
	cmp -s "$WS/build/make/$file" "$WS/links/Linked" || fail "linkfile leads to $file"
	git -C "$WS/build/make" fsck --no-progress >/dev/null 2>&1 || fail "fsck build/make"

	# list (the saved, flattened copy) and the groups repo defines
	"$BIN" list -C "$WS" >"$OUT/list" 2>&1 || fail "list"
	expect_grep "^build/make .*\\[pdk,all,name:platform/build,path:build/make,default\\]" "$OUT/list" "list: groups"
	"$BIN" list -C "$WS" --group notdefault >"$OUT/list2" 2>&1 || fail "list --group notdefault"
	expect_grep "^device/x " "$OUT/list2" "notdefault named"
	"$BIN" status -C "$WS" >"$OUT/st" 2>&1
	expect_exit 0 $? "status"

	# exec in every checkout; sync-j=2 is the -j
	"$BIN" exec -C "$WS" -- git rev-parse HEAD >"$OUT/heads" 2>"$OUT/err"
	expect_exit 0 $? "exec"
	expect_grep "exec in 2 entries" "$OUT/err" "exec: both entries"

	# freeze: revision= the commit, upstream= the branch; synced again
	head=$(git -C "$WS/build/make" rev-parse HEAD)
	"$BIN" freeze -C "$WS" -o "$OUT/frozen.xml" 2>"$OUT/ferr"
	expect_exit 0 $? "freeze"
	expect_grep "name=\"platform/build\" path=\"build/make\" remote=\"aosp\" revision=\"$head\" upstream=\"main\"" \
	    "$OUT/frozen.xml" "freeze pins as repo manifest -r"
	frozen=$SCRATCH/ws2-$T_NAME
	"$BIN" sync -C "$frozen" "$OUT/frozen.xml" >"$OUT/s2" 2>&1
	expect_exit 0 $? "the frozen XML syncs"
	expect_eq "$head" "$(git -C "$frozen/build/make" rev-parse HEAD 2>/dev/null)" "same commit"
	expect_eq "$(git -C "$WS/tools/repo" rev-parse HEAD)" \
	    "$(git -C "$frozen/tools/repo" rev-parse HEAD 2>/dev/null)" "same commit (include)"

	# a user's file where a link goes is never replaced
	rm "$WS/links/Linked"
	echo mine >"$WS/links/Linked"
	ws_sync "$m/default.xml"
	expect_exit 1 "$(ws_status)" "a dest in the way fails the sync"
	expect_eq mine "$(cat "$WS/links/Linked")" "the user's file kept"
	expect_grep "build/make: linkfile links/Linked .*is in the way and githerd did not make it" \
	    "$OUT/stderr" "and named"
	expect_eq "../build/make/$file" "$(readlink "$WS/../ws2-$T_NAME/links/Linked")" "frozen: link too"
}
