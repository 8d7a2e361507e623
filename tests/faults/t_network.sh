# shellcheck shell=bash
# Faults on the wire: closed, reset, stalled, corrupted and truncated
# connections, refused and unresolvable hosts.

# proxy_case MODE [retries]: the victim is big over git:// through a
# proxy that applies MODE to every connection.
proxy_case() {
	bystander_setup
	start_proxy "$GIT_DAEMON_PORT" "$1" || { fail "proxy"; return 1; }
	fault_manifest "git://127.0.0.1:$PROXY_PORT/big.git"
	run_fault --retries "${2:-1}" --stall-timeout 3
}

test_server_closes_mid_pack() {
	proxy_case close:200000 || return
	expect_outcome 1 network
	expect_eq 2 "$(victim tries)" "tried twice (--retries 1)"
	expect_grep "retry +victim in .*\\(try 2 of 2\\): network" "$OUT/stderr" "retry line"
	expect_eq 2 "$(wc -l <"$PROXY_LOG")" "connections"
}

test_connection_reset() {
	proxy_case reset:150000 || return
	expect_outcome 1 network
	expect_eq 2 "$(victim tries)" "tries"
}

test_stall_after_the_handshake() {
	proxy_case stall:2000 || return
	expect_outcome 1 timeout
	expect_grep "timed out|no progress" "$OUT/stdout" "message"
	expect_eq 2 "$(victim tries)" "tries"
}

test_corrupt_pack() {
	proxy_case corrupt:100000 || return
	expect_outcome 1 network
}

test_truncated_pack() {
	proxy_case truncate:300000 || return
	expect_outcome 1 network
}

test_fault_then_success_is_retried() {
	bystander_setup
	start_proxy "$GIT_DAEMON_PORT" close:50000 2 || { fail "proxy"; return; }
	fault_manifest "git://127.0.0.1:$PROXY_PORT/big.git"
	run_fault --retries 3
	expect_outcome 0 ok
	expect_eq 3 "$(victim tries)" "two failures, then a clone"
	expect_eq "network network" "$(attempt_classes)" \
	    "attempts in the report"
	git -C "$WS/victim" fsck --no-progress >/dev/null 2>&1 || fail "fsck"
}

test_connect_refused() {
	local dead
	bystander_setup
	dead=$(free_port)
	fault_manifest "git://127.0.0.1:$dead/alpha.git"
	run_fault --retries 1
	expect_outcome 1 network
	expect_grep "FAIL victim: network: .*Connection refused" "$OUT/stdout" "message"
}

test_host_that_does_not_resolve() {
	command -v unshare >/dev/null || { skip_case "unshare(1) is not installed"; return; }
	if ! unshare -n true 2>/dev/null; then
		skip_case "cannot create a network namespace (needs root or user namespaces)"
		return
	fi
	mkdir -p "$WS"
	printf 'repos:\n  - url: https://githerd-test.invalid/x.git\n    path: victim\n' >"$OUT/m.yaml"
	# An empty network namespace: the lookup fails without leaving the machine.
	unshare -n "$BIN" sync -C "$WS" --json "$OUT/r.json" --retries 1 --retry-delay 0.1 \
	    "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "exit status"
	expect_eq network "$(victim error.class)" "class"
	expect_grep "failed to resolve address for githerd-test.invalid" "$OUT/stdout" "message"
	expect_no_tmp "$WS" "after the run"
}

# A name the resolver says does not exist is permanent: tried once.  The
# lookup never leaves the machine: an empty network namespace whose
# /etc/nsswitch.conf asks only /etc/hosts.
test_a_host_name_that_does_not_exist_is_not_retried() {
	command -v unshare >/dev/null || { skip_case "unshare(1) is not installed"; return; }
	if ! unshare -n -m true 2>/dev/null; then
		skip_case "cannot create network and mount namespaces (needs root)"
		return
	fi
	mkdir -p "$WS"
	printf 'repos:\n  - url: https://githerd-test.invalid/x.git\n    path: victim\n' >"$OUT/m.yaml"
	printf 'hosts: files\n' >"$OUT/nsswitch.conf"
	unshare -n -m sh -c 'mount --bind "$1" /etc/nsswitch.conf && shift && exec "$@"' sh \
	    "$OUT/nsswitch.conf" "$BIN" sync -C "$WS" --json "$OUT/r.json" --retries 3 \
	    --retry-delay 0.1 "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "exit status"
	expect_eq not-found "$(victim error.class)" "class"
	expect_eq 1 "$(victim tries)" "tried once"
	expect_grep "no such host githerd-test.invalid" "$OUT/stdout" "message"
}

test_per_entry_timeout_kills_a_slow_but_steady_clone() {
	bystander_setup
	# 100 KB/s: always making progress, so only --timeout can stop it.
	start_proxy "$GIT_DAEMON_PORT" slow:100000 || { fail "proxy"; return; }
	fault_manifest "git://127.0.0.1:$PROXY_PORT/big.git"
	run_fault --retries 3 --timeout 1.5 --stall-timeout 60
	expect_outcome 1 timeout
	# the budget of the entry, retries included: spent, so no retry
	expect_eq 1 "$(victim tries)" "not tried again"
	[ "$(victim duration_ms)" -lt 3000 ] || fail "took $(victim duration_ms) ms"
	expect_grep "FAIL victim: timeout: .*1\\.5s \\(--timeout, retries included\\)" \
	    "$OUT/stdout" "message names the limit"
}

# A retry of a network failure still fits the budget: tried again, and the
# whole entry stops at --timeout.
test_per_entry_timeout_bounds_retries_too() {
	local dead
	bystander_setup
	dead=$(free_port)
	fault_manifest "git://127.0.0.1:$dead/alpha.git"
	run_fault --retries 100 --retry-delay 0.2 --timeout 2
	expect_outcome 1 network
	[ "$(victim tries)" -gt 1 ] || fail "a refused connection is retried"
	[ "$(victim duration_ms)" -lt 2500 ] || fail "retries ran $(victim duration_ms) ms, past --timeout 2"
}

test_connect_delay_is_not_a_failure() {
	bystander_setup
	start_proxy "$GIT_DAEMON_PORT" delay:1500 || { fail "proxy"; return; }
	fault_manifest "git://127.0.0.1:$PROXY_PORT/alpha.git"
	run_fault --retries 0 --stall-timeout 5
	expect_outcome 0 ok
}

test_other_work_goes_on_while_a_retry_waits() {
	local i
	bystander_setup
	start_proxy "$GIT_DAEMON_PORT" reset:0 1 || { fail "proxy"; return; }
	{
		printf 'repos:\n  - url: %s/alpha.git\n    path: bystander\n' "$GIT_URL"
		printf '  - url: git://127.0.0.1:%s/alpha.git\n    path: victim\n' "$PROXY_PORT"
		for i in 01 02 03 04; do printf '  - url: %s/tiny%s.git\n' "$GIT_URL" "$i"; done
	} >"$OUT/m.yaml"
	# One worker, a 3 s backoff: the tiny clones must not wait behind it.
	"$BIN" sync -j 1 -C "$WS" --json "$OUT/r.json" --retry-delay 3 "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	echo $? >"$OUT/status"
	expect_outcome 0 ok
	expect_eq 2 "$(victim tries)" "tries"
	# The order of the lines: the retry, the four tiny clones, the victim.
	expect_eq "retry victim,ok tiny01,ok tiny02,ok tiny03,ok tiny04,ok victim" \
	    "$(grep -oE '(retry|ok|cloned) +(victim|tiny0[1-4])' "$OUT/stderr" |
	       sed -E 's/^cloned/ok/; s/ +/ /' | paste -sd, -)" "order of events"
}
