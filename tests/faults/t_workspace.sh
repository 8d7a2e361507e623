# shellcheck shell=bash
# Other local users: files githerd writes cannot be redirected through a
# planted symbolic link, its state is private, and a workspace another
# user owns is refused unless trusted (git's safe.directory rule).

# run_as_nobody COMMAND...: as the "nobody" user, or return 2 when that
# cannot be done here (the caller skips with the reason).
run_as_nobody() {
	if [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1; then
		NOBODY_WHY="not root, or no user 'nobody'"
		return 2
	fi
	if command -v setpriv >/dev/null; then
		setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		    env HOME="$NOBODY_HOME" "$@"
	elif command -v runuser >/dev/null; then
		runuser -u nobody -- env HOME="$NOBODY_HOME" "$@"
	else
		NOBODY_WHY="neither setpriv nor runuser is installed"
		return 2
	fi
}

# A directory every user may enter, for workspaces of two users.
shared_dir() {
	SHARED=$(mktemp -d /tmp/githerd-shared.XXXXXX)
	chmod 755 "$SHARED"
	NOBODY_HOME=$SHARED/nobody-home
	mkdir -p "$NOBODY_HOME"
	chown nobody "$NOBODY_HOME" 2>/dev/null
}

shared_cleanup() {
	[ -n "${SHARED:-}" ] && rm -rf "$SHARED"
	SHARED=
}

test_workspace_owned_by_another_user_is_refused() {
	local ws
	[ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1 ||
	    { skip_case "needs root and a user 'nobody' to own a workspace"; return; }
	shared_dir
	ws=$SHARED/ws
	mkdir "$ws"
	chown nobody "$ws"
	printf 'repos:\n  - url: %s/alpha.git\n    path: alpha\n' "$GIT_URL" >"$OUT/m.yaml"
	"$BIN" sync -C "$ws" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 3 $? "sync in a workspace of nobody's"
	expect_grep "workspace $ws is owned by uid [0-9]+ \\(nobody\\), not by you .*--safe-directory $ws" \
	    "$OUT/stderr" "the message says whose it is and how to trust it"
	expect_eq "" "$(ls -A "$ws")" "nothing written there"
	"$BIN" status -C "$ws" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 3 $? "status too"
	# Trusted by name, then through the environment.
	"$BIN" sync -C "$ws" --safe-directory "$ws" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync with --safe-directory"
	[ -d "$ws/alpha/.git" ] || fail "no clone with --safe-directory"
	GITHERD_SAFE_DIRECTORY="/nonexistent:$ws" "$BIN" sync -C "$ws" "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync with GITHERD_SAFE_DIRECTORY"
	# githerd's own state directory, ours workspace or not.
	mkdir -p "$WS"
	mkdir "$WS/.githerd"
	chown nobody "$WS/.githerd"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 3 $? "sync with a .githerd of nobody's"
	expect_grep "state directory $WS/.githerd is owned by uid [0-9]+ \\(nobody\\)" \
	    "$OUT/stderr" "message"
	expect_missing "$WS/alpha" "a clone beside a foreign .githerd"
	shared_cleanup
}

test_another_user_is_refused_a_workspace_of_root() {
	local ws
	shared_dir
	ws=$SHARED/ws
	mkdir "$ws"
	chmod 777 "$ws"		# writable by everyone, owned by root
	printf 'repos:\n  - url: %s/alpha.git\n    path: alpha\n' "$GIT_URL" >"$OUT/m.yaml"
	chmod 644 "$OUT/m.yaml"
	cp "$OUT/m.yaml" "$SHARED/m.yaml"
	if ! run_as_nobody test -x "$BIN"; then
		skip_case "cannot run githerd as nobody: ${NOBODY_WHY:-$BIN is not executable by nobody}"
		shared_cleanup
		return
	fi
	run_as_nobody "$BIN" sync -C "$ws" "$SHARED/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 3 $? "nobody's sync in root's workspace"
	expect_grep "workspace $ws is owned by uid 0 \\(root\\)" "$OUT/stderr" "message"
	expect_eq "" "$(ls -A "$ws")" "nothing written there"
	shared_cleanup
}

test_planted_symlinks_at_temporary_names_are_not_followed() {
	local dir=$OUT/shared
	bystander_setup
	mkdir -p "$dir"
	echo precious >"$OUT/precious.txt"
	fault_manifest "$GIT_URL/beta.git"
	# Process ids come in order: cover the next few hundred with links to
	# a file of the victim's, at the names a predictable scheme would use
	# ("FILE.tmp.PID"), made by one process so that the ids stay close.
	plant() {	# NAME
		python3 - "$dir/$1" "$OUT/precious.txt" <<'PY'
import os, sys
for pid in range(os.getpid() + 1, os.getpid() + 400):
    os.symlink(sys.argv[2], "%s.tmp.%d" % (sys.argv[1], pid))
PY
	}
	plant r.json
	"$BIN" sync -C "$WS" --json "$dir/r.json" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync"
	plant lock.yaml
	"$BIN" freeze -C "$WS" -o "$dir/lock.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "freeze"
	expect_eq precious "$(cat "$OUT/precious.txt")" "the file the links point to"
	[ -f "$dir/r.json" ] && [ ! -L "$dir/r.json" ] || fail "r.json is not a plain file"
	[ -f "$dir/lock.yaml" ] && [ ! -L "$dir/lock.yaml" ] || fail "lock.yaml is not a plain file"
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$dir/r.json" ||
	    fail "the report is not JSON"
	expect_grep '^repos:' "$dir/lock.yaml" "the lock file"
	expect_eq "$BYSTANDER" "$(entry_digest "$WS/bystander")" "bystander"
}

test_lock_and_state_directory_are_never_followed_through_links() {
	echo precious >"$OUT/precious.txt"
	printf 'repos:\n  - url: %s/alpha.git\n    path: alpha\n' "$GIT_URL" >"$OUT/m.yaml"
	mkdir -p "$WS/.githerd"
	ln -s "$OUT/precious.txt" "$WS/.githerd/lock"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 3 $? "a lock file that is a symlink"
	expect_grep "lock: it is a symbolic link" "$OUT/stderr" "message"
	expect_eq precious "$(cat "$OUT/precious.txt")" "the file the lock pointed to"
	expect_missing "$WS/alpha" "a clone without the lock"
	rm -rf "$WS/.githerd"
	mkdir -p "$OUT/elsewhere"
	ln -s "$OUT/elsewhere" "$WS/.githerd"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 3 $? "a state directory that is a symlink"
	expect_grep "\\.githerd is not a directory \\(a symbolic link\\?\\)" "$OUT/stderr" "message"
	expect_eq "" "$(ls -A "$OUT/elsewhere")" "nothing written where the link points"
}

test_state_is_private_to_its_user() {
	printf 'repos:\n  - url: %s/alpha.git\n    path: alpha\n' "$GIT_URL" >"$OUT/m.yaml"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync"
	expect_eq 700 "$(stat -c %a "$WS/.githerd")" ".githerd"
	expect_eq "600 600 600" "$(stat -c %a "$WS/.githerd/lock" "$WS/.githerd/manifest" \
	    "$WS/.githerd/history" | tr '\n' ' ' | sed 's/ $//')" "lock, manifest, history"
	# What an older githerd left readable is tightened.
	chmod 755 "$WS/.githerd"
	chmod 644 "$WS/.githerd/lock" "$WS/.githerd/manifest" "$WS/.githerd/history"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "second sync"
	expect_eq "700 600 600 600" "$(stat -c %a "$WS/.githerd" "$WS/.githerd/lock" \
	    "$WS/.githerd/manifest" "$WS/.githerd/history" | tr '\n' ' ' | sed 's/ $//')" \
	    "after a sync"
}
