# shellcheck shell=bash
# The workspace's own filesystem: full during the pack and during the
# checkout, read-only, something else in the entry's place, and the
# per-worker file-size limit.

# A workspace on a tmpfs of SIZE, with the bystander on it already.
small_workspace() {	# SIZE
	if ! mount_tmpfs "$WS" "$1"; then
		skip_case "cannot mount a tmpfs (needs root and CAP_SYS_ADMIN)"
		return 1
	fi
	bystander_setup
}

# An upstream whose pack is a few KB and whose checkout is 8 MB of zeros.
zeros_upstream() {
	local work=$SCRATCH/zeros-work
	start_upstreams || return 1
	mkdir -p "$UP/$T_NAME"
	git init -q -b main "$work"
	head -c 8M /dev/zero >"$work/zeros.bin"
	git -C "$work" add zeros.bin
	git -C "$work" commit -q -m "8 MB of zeros"
	git clone -q --bare "$work" "$UP/$T_NAME/zeros.git"
	ZEROS_URL=$UP_GIT/$T_NAME/zeros.git
}

test_disk_full_while_receiving_the_pack() {
	small_workspace 2m || return
	fault_manifest "$GIT_URL/big.git"		# a 3.7 MB pack
	run_fault --retries 3
	expect_outcome 1 disk
	expect_eq 1 "$(victim tries)" "a full disk is not retried"
	expect_grep "FAIL victim: disk: .*(No space left on device|File too large)" "$OUT/stdout" "message"
	expect_grep "FAIL victim: disk: .*$WS" "$OUT/stdout" "the message names the path"
}

test_disk_full_during_the_checkout() {
	small_workspace 3m || return
	zeros_upstream || { fail "upstream"; return; }
	fault_manifest "$ZEROS_URL"
	run_fault
	expect_outcome 1 disk
	expect_grep "FAIL victim: disk: .*No space left on device" "$OUT/stdout" "message"
	# Nothing of the half-written checkout may be left taking the space.
	[ "$(du -sk "$WS" | cut -f1)" -lt 1024 ] || fail "space still used: $(du -sh "$WS")"
}

test_read_only_workspace_fails_before_the_network() {
	small_workspace 4m || return
	start_proxy "$GIT_DAEMON_PORT" pass || { fail "proxy"; return; }
	fault_manifest "git://127.0.0.1:$PROXY_PORT/alpha.git"
	mount -o remount,ro "$WS" || { fail "remount read-only"; return; }
	run_fault
	expect_exit 3 "$(cat "$OUT/status")" "exit status"
	expect_grep "githerd: .*$WS.*Read-only file system" "$OUT/stderr" "message"
	[ ! -s "$PROXY_LOG" ] || fail "the network was used: $(cat "$PROXY_LOG")"
	expect_eq "$BYSTANDER" "$(entry_digest "$WS/bystander")" "bystander"
	expect_missing "$WS/victim" "victim"
}

test_destination_is_a_directory_that_is_not_a_repository() {
	local before
	bystander_setup
	mkdir -p "$WS/victim/sub"
	echo "my notes" >"$WS/victim/notes.txt"
	echo "more" >"$WS/victim/sub/more.txt"
	before=$(tree_digest "$WS/victim")
	fault_manifest "$GIT_URL/alpha.git"
	run_fault --retries 3
	expect_exit 1 "$(cat "$OUT/status")" "exit status"
	expect_eq local-conflict "$(victim error.class)" "class"
	expect_eq 1 "$(victim tries)" "never retried"
	expect_grep "FAIL victim: local-conflict: victim exists and is not a git repository" \
	    "$OUT/stdout" "message"
	expect_eq "$before" "$(tree_digest "$WS/victim")" "the directory's bytes"
	expect_eq "$BYSTANDER" "$(entry_digest "$WS/bystander")" "bystander"
	expect_no_tmp "$WS" "after the run"
}

test_file_size_limit_fails_as_disk() {
	bystander_setup
	fault_manifest "$GIT_URL/big.git"
	run_fault --retries 2 --max-file-size 256k
	expect_outcome 1 disk
	expect_eq 1 "$(victim tries)" "not retried"
	expect_grep "FAIL victim: disk: .*File too large" "$OUT/stdout" "message"
}

test_object_limit_refuses_a_big_pack() {
	bystander_setup
	fault_manifest "$GIT_URL/big.git"
	run_fault --retries 2 --max-objects 5
	expect_outcome 1 refused
	expect_eq 1 "$(victim tries)" "not retried"
	expect_grep "FAIL victim: refused: fetch: the pack holds more objects than --max-objects allows" \
	    "$OUT/stdout" "message"
}

test_a_checkout_owned_by_someone_else_is_not_touched() {
	local before
	[ "$(id -u)" = 0 ] || { skip_case "chown to another user needs root"; return; }
	bystander_setup
	git clone -q "$GIT_URL/alpha.git" "$WS/victim"
	chown -R 65534:65534 "$WS/victim"
	before=$(tree_digest "$WS/victim")
	fault_manifest "$GIT_URL/alpha.git"
	run_fault
	expect_exit 1 "$(cat "$OUT/status")" "exit status"
	expect_eq local-conflict "$(victim error.class)" "class"
	expect_grep "FAIL victim: local-conflict: .*not owned by current user" "$OUT/stdout" "message"
	expect_eq "$before" "$(tree_digest "$WS/victim")" "the other user's checkout"
	expect_eq "$BYSTANDER" "$(entry_digest "$WS/bystander")" "bystander"
	expect_no_tmp "$WS" "after the run"
}
