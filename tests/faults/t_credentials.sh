# shellcheck shell=bash
# Credentials go only where they belong: tokens only to the entry's own
# server, over https (plain http only when asked for), and nothing to a
# server a redirect leads to.  HTTP fronts record every Authorization
# header they receive.

# named_front NAME SCRIPT [httpfront options...]: an HTTP front before the
# fleet's server, logging to $OUT/NAME.log with the Authorization values;
# sets HELPER_PORT.
named_front() {
	local name=$1 script=$2
	shift 2
	_start_helper "$OUT/$name.ready" python3 "$TOP/tests/faults/httpfront.py" \
	    --target "$HTTP_PORT" --script "$script" --ready "$OUT/$name.ready" \
	    --log "$OUT/$name.log" --log-auth "$@"
}

# The Authorization headers a front saw: "auth=yes VALUE" lines.
auth_seen() {		# NAME
	grep -o 'auth=yes .*' "$OUT/$1.log" 2>/dev/null
}

basic() {		# USER PASSWORD
	printf 'Basic %s' "$(printf '%s:%s' "$1" "$2" | base64 -w0)"
}

test_tokens_are_not_sent_over_plain_http() {
	bystander_setup
	named_front plain 401 --always || { fail "front"; return; }
	fault_manifest "http://127.0.0.1:$HELPER_PORT/git/alpha.git"
	GITHERD_TOKEN=TOKSEKRET run_fault --retries 2
	expect_outcome 1 auth
	expect_eq 1 "$(victim tries)" "never retried"
	expect_grep "FAIL victim: auth: .*wants credentials over plain http.*--allow-http-auth" \
	    "$OUT/stdout" "says why no token was sent"
	expect_eq "" "$(auth_seen plain)" "Authorization headers the server got"
	[ -s "$OUT/plain.log" ] || fail "the front saw no request at all"
}

test_tokens_over_plain_http_only_when_allowed() {
	bystander_setup
	# Asks once, then lets the request through to the real server.
	named_front plain 401 || { fail "front"; return; }
	fault_manifest "http://127.0.0.1:$HELPER_PORT/git/alpha.git"
	GITHERD_TOKEN=TOKSEKRET run_fault --allow-http-auth
	expect_outcome 0 ok
	expect_grep "^$(basic x-access-token TOKSEKRET)\$" <(auth_seen plain | sed 's/^auth=yes //') \
	    "the token, sent because --allow-http-auth said so"
}

# A front that asks for credentials ("target", logging what it gets) and
# one that redirects every request to it under another host name, so
# another server; the victim's URL (with credentials) is the redirector's.
# Sets TARGET and REDIRECTOR to their ports.
redirect_to_another_server() {
	bystander_setup
	named_front target 401 --always || { fail "target front"; return 1; }
	TARGET=$HELPER_PORT
	named_front redirector "302:localhost:$TARGET" --always ||
	    { fail "redirector"; return 1; }
	REDIRECTOR=$HELPER_PORT
	fault_manifest "http://user:URLSEKRET@127.0.0.1:$REDIRECTOR/git/alpha.git"
}

test_redirect_to_another_server_is_refused() {
	redirect_to_another_server || return
	GITHERD_TOKEN=TOKSEKRET run_fault --allow-http-auth --retries 2
	expect_outcome 1 refused
	expect_eq 1 "$(victim tries)" "never retried"
	expect_grep "FAIL victim: refused: .*127\\.0\\.0\\.1:$REDIRECTOR redirected to localhost:$TARGET, another server: not followed" \
	    "$OUT/stdout" "names both servers"
	[ ! -s "$OUT/target.log" ] || fail "the other server was connected to: $(cat "$OUT/target.log")"
	grep -rq 'URLSEKRET\|TOKSEKRET' "$OUT/stdout" "$OUT/stderr" "$OUT/r.json" "$WS" &&
	    fail "a secret was shown or stored"
	return 0
}

test_followed_redirect_gets_no_credentials() {
	redirect_to_another_server || return
	GITHERD_TOKEN=TOKSEKRET run_fault --allow-http-auth --follow-redirects --retries 0
	expect_outcome 1 auth
	expect_grep "FAIL victim: auth: .*credentials are not sent to localhost:$TARGET: a redirect from 127\\.0\\.0\\.1 led there" \
	    "$OUT/stdout" "says why"
	[ -s "$OUT/target.log" ] || fail "the redirect was not followed"
	expect_eq "" "$(auth_seen target)" "Authorization headers the other server got"
}

# git's http.extraHeader (a CI's token) goes to its server only: with it
# set, even --follow-redirects follows no redirect to another server.
test_extra_headers_never_follow_a_redirect() {
	redirect_to_another_server || return
	GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="http.http://127.0.0.1:$REDIRECTOR/.extraHeader" \
	    GIT_CONFIG_VALUE_0="Authorization: $(basic x-access-token HDRSEKRET)" \
	    run_fault --follow-redirects --retries 0
	expect_outcome 1 refused
	expect_grep "FAIL victim: refused: .*redirected to localhost:$TARGET, another server: not followed \(http\.extraHeader is set" \
	    "$OUT/stdout" "says why"
	[ ! -s "$OUT/target.log" ] || fail "the other server was connected to: $(cat "$OUT/target.log")"
	expect_grep "^$(basic x-access-token HDRSEKRET)\$" <(auth_seen redirector | sed 's/^auth=yes //') \
	    "the header's own server got it"
	grep -rq 'HDRSEKRET\|eC1hY2Nlc3MtdG9rZW46SERSU0VLUkVU' "$OUT/stdout" "$OUT/stderr" "$OUT/r.json" "$WS" &&
	    fail "the header was shown or stored"
	return 0
}

test_redirect_on_the_same_server_is_followed() {
	bystander_setup
	named_front self 302:self || { fail "front"; return; }
	fault_manifest "http://127.0.0.1:$HELPER_PORT/git/alpha.git"
	run_fault
	expect_outcome 0 ok
	expect_grep ' -> 302:self ' "$OUT/self.log" "the first request was redirected"
	expect_eq "$(git -C "$FLEET/repos/alpha.git" rev-parse main)" \
	    "$(git -C "$WS/victim" rev-parse HEAD)" "the clone"
}

test_url_credentials_go_to_their_server_only() {
	bystander_setup
	named_front own 401 || { fail "front"; return; }
	fault_manifest "http://us%40er:p%3Ass@127.0.0.1:$HELPER_PORT/git/alpha.git"
	run_fault
	expect_outcome 0 ok
	expect_grep "^$(basic 'us@er' 'p:ss')\$" <(auth_seen own | sed 's/^auth=yes //') \
	    "the URL's own user and password, decoded"
	grep -q 'p%3Ass\|p:ss' "$WS/victim/.git/config" && fail "the password is in .git/config"
	return 0
}
