# shellcheck shell=bash
# HTTP answers: not found, authentication wanted, server errors, rate
# limits; and credentials that must never be shown or stored.

test_http_404() {
	bystander_setup
	start_front 404 --always || { fail "front"; return; }
	fault_manifest "$FRONT_URL/alpha.git"
	run_fault --retries 3
	expect_outcome 1 not-found
	expect_eq 1 "$(victim tries)" "never retried"
}

test_http_401_with_a_tty_on_stdin_does_not_prompt() {
	bystander_setup
	start_front 401 --always || { fail "front"; return; }
	fault_manifest "$FRONT_URL/alpha.git"
	# stdin is a terminal: nothing may ask it for a password.
	timeout 60 script -qfec "$BIN sync -C $WS --json $OUT/r.json --retries 3 $OUT/m.yaml" \
	    "$OUT/typescript" >/dev/null 2>&1
	echo $? >"$OUT/status"
	expect_outcome 1 auth
	expect_eq 1 "$(victim tries)" "never retried"
	expect_no_grep "[Pp]assword|[Uu]sername" "$OUT/typescript" "no prompt"
}

test_http_500_then_503_then_success() {
	bystander_setup
	start_front 500,503 || { fail "front"; return; }
	fault_manifest "$FRONT_URL/alpha.git"
	run_fault --retries 3
	expect_outcome 0 ok
	expect_eq 3 "$(victim tries)" "tries"
	expect_eq "server server" "$(attempt_classes)" \
	    "the failed tries, in the report"
	expect_grep "retry +victim .*\\(try 2 of 4\\): server: .*500" "$OUT/stderr" "first retry line"
	expect_grep "retry +victim .*\\(try 3 of 4\\): server: .*503" "$OUT/stderr" "second retry line"
	expect_eq "$(git -C "$FLEET/repos/alpha.git" rev-parse main)" \
	    "$(git -C "$WS/victim" rev-parse HEAD)" "the clone"
}

test_http_429_retry_after_is_honoured() {
	local ms
	bystander_setup
	start_front 429 --retry-after 2 || { fail "front"; return; }
	fault_manifest "$FRONT_URL/alpha.git"
	run_fault --retries 2
	expect_outcome 0 ok
	expect_eq 2 "$(victim tries)" "tries"
	expect_eq rate-limited "$(python3 -c 'import json,sys; print([x for x in json.load(open(sys.argv[1]))["repos"] if x["path"]=="victim"][0]["attempts"][0]["class"])' "$OUT/r.json")" \
	    "first try"
	# --retry-delay 0.1 alone would retry after ~0.1 s; the server said 2 s.
	expect_grep "retry +victim in 2\\.0s \\(try 2 of 3\\): rate-limited" "$OUT/stderr" "waited as asked"
	ms=$(victim duration_ms)
	[ "$ms" -ge 2000 ] || fail "the retry came after ${ms} ms, not after Retry-After: 2"
}

test_http_403_is_auth() {
	bystander_setup
	start_front 403 --always || { fail "front"; return; }
	fault_manifest "$FRONT_URL/alpha.git"
	run_fault
	expect_outcome 1 auth
	expect_eq 1 "$(victim tries)" "never retried"
}

test_credentials_never_printed_or_stored() {
	local code url
	bystander_setup
	for code in 404 401 500 mid-close; do
		stop_helpers
		if [ "$code" = mid-close ]; then
			start_proxy "$HTTP_PORT" close:20000 || { fail "proxy"; return; }
			url="http://user:SEKRET123@127.0.0.1:$PROXY_PORT/git/big.git"
		else
			start_front "$code" --always || { fail "front"; return; }
			url="http://user:SEKRET123@127.0.0.1:$FRONT_PORT/git/alpha.git"
		fi
		fault_manifest "$url"
		run_fault --retries 1
		expect_exit 1 "$(cat "$OUT/status")" "$code"
		if grep -rq SEKRET123 "$OUT/stdout" "$OUT/stderr" "$OUT/r.json" "$WS" 2>/dev/null; then
			fail "$code: SEKRET123 shown or stored: $(grep -rl SEKRET123 "$OUT/stdout" "$OUT/stderr" "$OUT/r.json" "$WS")"
		fi
	done
	# A successful clone keeps the credentials out of .git/config too.
	stop_helpers
	fault_manifest "http://user:SEKRET123@127.0.0.1:$HTTP_PORT/git/alpha.git"
	run_fault
	expect_exit 0 "$(cat "$OUT/status")" "clone with credentials"
	grep -rq SEKRET123 "$WS" "$OUT/stdout" "$OUT/stderr" "$OUT/r.json" && fail "SEKRET123 stored"
	return 0
}

test_credentials_not_sent_across_a_redirect() {
	local other
	bystander_setup
	start_front "" || { fail "front"; return; }		# passes everything
	local target=$FRONT_PORT target_log=$FRONT_LOG
	FRONT_LOG=$OUT/front2.log
	_start_helper "$OUT/front2.ready" python3 "$TOP/tests/faults/httpfront.py" \
	    --target "$HTTP_PORT" --script "302:$target" --always \
	    --ready "$OUT/front2.ready" --log "$FRONT_LOG" || { fail "front"; return; }
	other=$HELPER_PORT
	fault_manifest "http://user:SEKRET123@127.0.0.1:$other/git/alpha.git"
	run_fault --retries 0
	if grep -q "auth=yes" "$target_log" 2>/dev/null; then
		fail "credentials reached the redirect target: $(cat "$target_log")"
	fi
	grep -rq SEKRET123 "$OUT/stdout" "$OUT/stderr" "$OUT/r.json" "$WS" && fail "SEKRET123 shown"
	return 0
}

# The saved copy of the manifest loses credentials by value: however the
# manifest spells them (a YAML escape here), and for entries the run did
# not select too; freeze's output never has them.
test_credentials_never_reach_the_saved_manifest_or_freeze() {
	bystander_setup
	{
		printf 'repos:\n  - url: %s/alpha.git\n    path: bystander\n' "$GIT_URL"
		printf '  - url: "http://user:SEKRET\\x31\\x32\\x33@127.0.0.1:%s/git/alpha.git"\n' "$HTTP_PORT"
		printf '    path: victim\n'
		printf '  - url: >-\n      http://other:FOLDEDSEKRET@127.0.0.1:%s/git/beta.git\n' "$HTTP_PORT"
		printf '    path: unselected\n    groups: [later]\n'
	} >"$OUT/m.yaml"
	"$BIN" sync -C "$WS" --exclude later "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync"
	if grep -rq 'SEKRET' "$WS/.githerd" "$WS/victim/.git/config" "$OUT/stdout" "$OUT/stderr"; then
		fail "a secret was saved: $(grep -r 'SEKRET' "$WS/.githerd" | head -3)"
	fi
	expect_grep "url: \"http://127\\.0\\.0\\.1:$HTTP_PORT/git/alpha\\.git\"" \
	    "$WS/.githerd/manifest" "the saved URL, without its credentials"
	expect_eq 600 "$(stat -c %a "$WS/.githerd/manifest")" "its mode"
	# The saved copy is still the manifest: status and freeze read it.
	"$BIN" freeze -C "$WS" >"$OUT/frozen" 2>"$OUT/stderr"
	expect_exit 1 $? "freeze from the saved manifest (one entry not cloned)"
	expect_grep "unselected: missing; kept unpinned" "$OUT/stderr" "why"
	expect_no_grep 'SEKRET|user:|other:' "$OUT/frozen" "freeze's output"
	expect_grep "http://127\\.0\\.0\\.1:$HTTP_PORT/git/beta\\.git" "$OUT/frozen" "the unselected entry"
}
