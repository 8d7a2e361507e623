# shellcheck shell=bash
# Symbolic links the user placed: a workspace that is one (resolved once),
# and with --follow-symlinks (or defaults: follow_symlinks: true) a link
# between the workspace and an entry (src -> /mnt/big/src), followed only
# outside every entry's work tree and only to a directory the user owns;
# never a link a checkout made.

test_a_workspace_that_is_a_symlink_is_resolved_once() {
	mkdir -p "$OUT/real"
	ln -s real "$OUT/ws-link"
	printf 'repos:\n  - url: %s/alpha.git\n    path: lib/alpha\n' "$GIT_URL" >"$OUT/m.yaml"
	"$BIN" sync -C "$OUT/ws-link" --json "$OUT/report.json" "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync into a workspace reached through a link"
	expect_eq "$(git -C "$FLEET/repos/alpha.git" rev-parse main)" \
	    "$(git -C "$OUT/real/lib/alpha" rev-parse HEAD)" "cloned into the real directory"
	expect_grep "\"workspace\": \"$OUT/real\"" "$OUT/report.json" "the report names the resolved workspace"
	"$BIN" status -C "$OUT/ws-link" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "status through the link: $(cat "$OUT/stderr")"
	rm -rf "$OUT/real" "$OUT/ws-link"
}

test_follow_symlinks_goes_through_the_users_link_and_only_that() {
	local big=$OUT/big
	mkdir -p "$big/src" "$WS"
	ln -s "$big/src" "$WS/src"
	cat >"$OUT/m.yaml" <<EOM
repos:
  - url: $GIT_URL/alpha.git
    path: src/alpha
  - url: $GIT_URL/beta.git
    path: beta
EOM
	# Without the option: refused, named, nothing written through it.
	ws_sync "$OUT/m.yaml"
	expect_exit 1 "$(ws_status)" "a link on the way, not followed"
	expect_grep "src/alpha.*refused: src is a symbolic link: refusing to go through it" \
	    "$OUT/stderr" "the link is named"
	expect_eq "" "$(ls -A "$big/src")" "nothing written through the link"
	# With it: the same clone git makes, in the link's directory.
	ws_sync --follow-symlinks "$OUT/m.yaml"
	expect_exit 0 "$(ws_status)" "sync --follow-symlinks: $(cat "$OUT/stderr")"
	git clone -q "$GIT_URL/alpha.git" "$OUT/ref"
	same_clone "$big/src/alpha" "$OUT/ref" "through the user's link"
	expect_eq link "$(stat -c %F "$WS/src" | sed 's/symbolic //')" "the link is still a link"
	"$BIN" exec --follow-symlinks -C "$WS" -- git rev-parse HEAD >"$OUT/exec" 2>&1
	expect_exit 0 $? "exec through the link: $(cat "$OUT/exec")"
	expect_grep "$(git -C "$OUT/ref" rev-parse HEAD)" "$OUT/exec" "exec ran in the checkout"
	# The manifest's default says it once for every run; an update then
	# goes through the link too.
	printf 'defaults:\n  follow_symlinks: true\n' | cat - "$OUT/m.yaml" >"$OUT/d.yaml"
	ws_sync "$OUT/d.yaml"
	expect_exit 0 "$(ws_status)" "defaults: follow_symlinks: $(cat "$OUT/stderr")"
	expect_grep "src/alpha.*up to date" "$OUT/stderr" "updated through the link"
	printf 'repos:\n  - url: %s/alpha.git\n    follow_symlinks: true\n' "$GIT_URL" >"$OUT/bad.yaml"
	ws_sync "$OUT/bad.yaml"
	expect_exit 2 "$(ws_status)" "follow_symlinks on an entry"
	expect_grep "bad.yaml:3:[0-9]+: .*'follow_symlinks' is for the whole workspace: it goes under defaults" \
	    "$OUT/stderr" "file:line:col of the misplaced key"
}

test_follow_symlinks_refuses_another_users_directory_and_a_checkouts_link() {
	start_upstreams || { fail "upstream servers"; return; }
	# A checkout whose tree holds a link; an entry inside it is behind
	# that link: a link a checkout made is never followed.
	up_new outer tiny02
	mkdir -p "$OUT/elsewhere"
	up_link outer vendor "$OUT/elsewhere"
	cat >"$OUT/m.repos" <<EOM
repositories:
  o:
    type: git
    url: $UP_GIT/$T_NAME/outer.git
  o/vendor/x:
    type: git
    url: $GIT_URL/tiny03.git
  o/made/y:
    type: git
    url: $GIT_URL/tiny04.git
EOM
	head -n 4 "$OUT/m.repos" >"$OUT/outer.repos"
	ws_sync "$OUT/outer.repos"
	expect_exit 0 "$(ws_status)" "the outer entry first"
	# and a link inside its work tree that it does not track
	ln -s "$OUT/elsewhere" "$WS/o/made"
	ws_sync --follow-symlinks "$OUT/m.repos"
	expect_exit 1 "$(ws_status)" "entries behind links inside an entry"
	expect_grep "o/vendor/x.*local-conflict: .*o tracks as a symbolic link" "$OUT/stderr" \
	    "the checkout's link is refused"
	expect_grep "o/made/y.*refused: o/made is a symbolic link: refusing to go through it" \
	    "$OUT/stderr" "a link inside a work tree is never followed"
	expect_eq "" "$(ls -A "$OUT/elsewhere")" "nothing written through them"
	if [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1; then
		skip_case "needs root and a user 'nobody' to own the link's directory"
		return
	fi
	mkdir -p "$OUT/theirs" "$WS/mine"
	chown nobody "$OUT/theirs"
	ln -s "$OUT/theirs" "$WS/mine/lib"
	printf 'repos:\n  - url: %s/alpha.git\n    path: mine/lib/alpha\n' "$GIT_URL" >"$OUT/m.yaml"
	ws_sync --follow-symlinks "$OUT/m.yaml"
	expect_exit 1 "$(ws_status)" "a link to another user's directory"
	expect_grep "mine/lib/alpha.*refused: mine/lib is a symbolic link to a directory another user owns" \
	    "$OUT/stderr" "whose directory it is"
	expect_eq "" "$(ls -A "$OUT/theirs")" "nothing written there"
}
