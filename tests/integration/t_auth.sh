# shellcheck shell=bash
# Authentication without prompts, against real servers on 127.0.0.1:
# sshd (agent, key files, --ssh-key, known_hosts, --accept-new-host-keys,
# scp-like URLs), lighttpd over TLS with test CAs (--ca-file,
# GIT_SSL_CAINFO, SSL_CERT_FILE), Basic auth (GITHERD_TOKEN*, ~/.netrc,
# git credential fill), tinyproxy (http_proxy, https_proxy, no_proxy) and
# url.<base>.insteadOf.

# shellcheck source=../lib/authsrv.sh
. "$TOP/tests/lib/authsrv.sh"

REPOS=$FLEET/repos
ME=$(id -un)

# An sshd that knows a fresh client key; ~/.ssh has the key (unless
# told otherwise) and known_hosts the server's host key.
ssh_setup() {		# [nokey]
	start_sshd "$REPOS" "$OUT/sshd" || { fail "start sshd"; return 1; }
	mkdir -p "$OUT/keys"
	ssh-keygen -q -t ed25519 -N '' -C githerd-test-client -f "$OUT/keys/client" || return 1
	cat "$OUT/keys/client.pub" >>"$SSHD_AUTHORIZED"
	rm -rf "$HOME/.ssh"
	mkdir -m 700 "$HOME/.ssh"
	if [ "${1:-}" != nokey ]; then
		cp "$OUT/keys/client" "$HOME/.ssh/id_ed25519"
	fi
	printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" "$(cut -d' ' -f1-2 "$SSHD_HOSTKEY.pub")" \
	    >"$HOME/.ssh/known_hosts"
	SSH_URL=ssh://$ME@127.0.0.1:$SSHD_PORT$REPOS
	unset SSH_AUTH_SOCK
}

ssh_teardown() {
	stop_servers "$OUT/sshd"
	# ssh-agent -s said SSH_AGENT_PID; it outlives the test otherwise.
	[ -n "${SSH_AGENT_PID:-}" ] && kill "$SSH_AGENT_PID" 2>/dev/null
	unset SSH_AGENT_PID
	rm -rf "$HOME/.ssh"
	unset SSH_AUTH_SOCK
}

# The attempts sshd saw for the test's key(s).
ssh_key_attempts() {
	grep -cE 'Accepted publickey|Failed publickey|Postponed publickey' "$SSHD_LOG"
}

host_fingerprint() {
	ssh-keygen -lf "$SSHD_HOSTKEY.pub" | awk '{print $2}'
}

git_clone_ref() {	# NAME: a plain git clone to compare with
	[ -d "$OUT/ref-$1" ] || git clone -q "$REPOS/$1.git" "$OUT/ref-$1" 2>/dev/null
	echo "$OUT/ref-$1"
}

test_ssh_key_file_from_home() {
	ssh_setup || return
	# Hashed known_hosts entries, as HashKnownHosts writes them.
	ssh-keygen -q -H -f "$HOME/.ssh/known_hosts" >/dev/null 2>&1 || fail "ssh-keygen -H"
	rm -f "$HOME/.ssh/known_hosts.old"
	grep -q '^|1|' "$HOME/.ssh/known_hosts" || fail "known_hosts not hashed"
	printf 'repos:\n  - url: %s/alpha.git\n' "$SSH_URL" >"$OUT/m.yaml"
	printf '  - url: ssh://127.0.0.1:%s%s/beta.git\n    path: beta\n' "$SSHD_PORT" "$REPOS" >>"$OUT/m.yaml"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync over ssh with ~/.ssh/id_ed25519"
	git clone -q "$REPOS/alpha.git" "$OUT/ref" 2>/dev/null
	expect_eq "$(git -C "$OUT/ref" rev-parse HEAD)" "$(git -C "$WS/alpha" rev-parse HEAD)" "HEAD"
	expect_eq "" "$(git -C "$WS/alpha" status --porcelain)" "clean checkout"
	# No user in the URL: the current user's name.
	[ -d "$WS/beta/.git" ] || fail "no user in the URL"
	grep -q "Accepted publickey for $ME" "$SSHD_LOG" || fail "sshd saw no key login"
	ssh_teardown
}

test_ssh_key_given_with_ssh_key_option() {
	ssh_setup nokey || return
	printf 'repos:\n  - url: %s/alpha.git\n' "$SSH_URL" >"$OUT/m.yaml"
	"$BIN" sync --json "$OUT/r.json" -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "no key anywhere"
	expect_grep "FAIL alpha: auth: .*wants an ssh key and there is none" "$OUT/stdout" "message"
	expect_eq 1 "$(report_field "$OUT/r.json" alpha tries)" "auth is not retried"
	"$BIN" sync --ssh-key "$OUT/keys/client" -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync --ssh-key"
	[ -d "$WS/alpha/.git" ] || fail "not cloned"
	ssh_teardown
}

test_ssh_agent() {
	command -v ssh-agent >/dev/null || { skip_case "ssh-agent is not installed"; return; }
	ssh_setup nokey || return
	eval "$(ssh-agent -s -a "$OUT/agent.sock")" >/dev/null
	ssh-add -q "$OUT/keys/client" 2>/dev/null || fail "ssh-add"
	printf 'repos:\n  - url: %s/alpha.git\n  - url: %s/beta.git\n' "$SSH_URL" "$SSH_URL" >"$OUT/m.yaml"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync with the agent"
	expect_eq 2 "$(ls "$WS" | wc -l)" "both cloned"
	ssh_teardown
}

test_ssh_wrong_keys_fail_once_each_without_looping() {
	command -v ssh-agent >/dev/null || { skip_case "ssh-agent is not installed"; return; }
	ssh_setup || return
	# Neither the agent's key nor the key file is authorized.
	ssh-keygen -q -t ed25519 -N '' -f "$OUT/keys/other"
	ssh-keygen -q -t ed25519 -N '' -f "$OUT/keys/other2"
	cp "$OUT/keys/other2" "$HOME/.ssh/id_ed25519"
	eval "$(ssh-agent -s -a "$OUT/agent.sock")" >/dev/null
	ssh-add -q "$OUT/keys/other" 2>/dev/null
	: >"$SSHD_AUTHORIZED"
	printf 'repos:\n  - url: %s/alpha.git\n' "$SSH_URL" >"$OUT/m.yaml"
	timeout 60 "$BIN" sync --retries 3 --json "$OUT/r.json" -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "refused keys"
	expect_grep "FAIL alpha: auth: .*127\.0\.0\.1 refused every credential offered \(tried: ssh-agent, ~/\.ssh/id_ed25519\)" \
	    "$OUT/stdout" "names what was tried"
	expect_eq 1 "$(report_field "$OUT/r.json" alpha tries)" "not retried"
	expect_eq 2 "$(grep -c 'Failed publickey' "$SSHD_LOG")" "one attempt per key"
	expect_missing "$WS/alpha" "nothing left"
	ssh_teardown
}

test_ssh_unknown_host_key_fails_then_accept_new_records_it() {
	ssh_setup || return
	: >"$HOME/.ssh/known_hosts"
	printf 'repos:\n  - url: %s/alpha.git\n' "$SSH_URL" >"$OUT/m.yaml"
	"$BIN" sync --retries 2 --json "$OUT/r.json" -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "unknown host key"
	expect_grep "FAIL alpha: certificate: .*host key of \[127\.0\.0\.1\]:$SSHD_PORT is unknown: ssh-ed25519 key $(host_fingerprint | sed 's/[+/]/\\&/g') is not in $HOME/\.ssh/known_hosts" \
	    "$OUT/stdout" "names host and fingerprint"
	expect_eq 1 "$(report_field "$OUT/r.json" alpha tries)" "never retried"
	expect_eq "" "$(cat "$HOME/.ssh/known_hosts")" "known_hosts untouched"
	expect_eq 0 "$(grep -c 'Accepted publickey' "$SSHD_LOG")" "no login to an unknown host"
	"$BIN" sync --accept-new-host-keys -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "--accept-new-host-keys"
	ssh-keygen -F "[127.0.0.1]:$SSHD_PORT" -f "$HOME/.ssh/known_hosts" >"$OUT/found" ||
	    fail "the key was not recorded"
	expect_eq 1 "$(grep -vc '^#' "$OUT/found")" "one line recorded"
	expect_eq "$(cut -d' ' -f2 "$SSHD_HOSTKEY.pub")" "$(grep -v '^#' "$OUT/found" | awk '{print $3}')" "the server's key"
	rm -rf "$WS"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "known now, without the option"
	ssh_teardown
}

test_ssh_changed_host_key_is_refused_even_with_accept_new() {
	ssh_setup || return
	ssh-keygen -q -t ed25519 -N '' -f "$OUT/keys/impostor"
	printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" "$(cut -d' ' -f1-2 "$OUT/keys/impostor.pub")" \
	    >"$HOME/.ssh/known_hosts"
	cp "$HOME/.ssh/known_hosts" "$OUT/kh.before"
	printf 'repos:\n  - url: %s/alpha.git\n' "$SSH_URL" >"$OUT/m.yaml"
	"$BIN" sync --accept-new-host-keys -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "changed host key"
	expect_grep "FAIL alpha: certificate: .*host key of \[127\.0\.0\.1\]:$SSHD_PORT has CHANGED" "$OUT/stdout" "message"
	cmp -s "$OUT/kh.before" "$HOME/.ssh/known_hosts" || fail "known_hosts was modified"
	expect_eq 0 "$(grep -c 'Accepted publickey' "$SSHD_LOG")" "no login"
	ssh_teardown
}

# scp-like URLs have no port: sshd listens on port 22 of the loopback
# of a network namespace made for this test.
test_ssh_scp_like_url_in_own_network_namespace() {
	unshare -n true 2>/dev/null || { skip_case "cannot create a network namespace (unshare -n)"; return; }
	ssh_setup || return
	stop_servers "$OUT/sshd"
	cat >"$OUT/inner.sh" <<EOS
set -u
ip link set lo up || exit 90
. "$TOP/tests/lib/servers.sh"
. "$TOP/tests/lib/authsrv.sh"
cat "$SSHD_AUTHORIZED" >"$OUT/auth.keep"
start_sshd "$REPOS" "$OUT/sshd22" 22 || exit 91
cat "$OUT/auth.keep" >>"\$SSHD_AUTHORIZED"
printf '127.0.0.1 %s\n' "\$(cut -d' ' -f1-2 "\$SSHD_HOSTKEY.pub")" >"\$HOME/.ssh/known_hosts"
printf 'repos:\n  - url: $ME@127.0.0.1:$REPOS/alpha.git\n  - url: 127.0.0.1:$REPOS/beta.git\n' >"$OUT/m.yaml"
"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
rc=\$?
stop_servers "$OUT/sshd22"
exit \$rc
EOS
	unshare -n bash "$OUT/inner.sh"
	expect_exit 0 $? "scp-like URLs"
	[ -d "$WS/alpha/.git" ] && [ -d "$WS/beta/.git" ] || fail "not cloned: $(cat "$OUT/stdout" "$OUT/stderr")"
	ssh_teardown
}

# --- https ----------------------------------------------------------------

tls_setup() {
	mkdir -p "$OUT/ca"
	make_ca "$OUT/ca" A && make_server_cert "$OUT/ca" A srvA &&
	    make_ca "$OUT/ca" B && make_server_cert "$OUT/ca" B srvB ||
	    { fail "test CA"; return 1; }
	start_https "$REPOS" "$OUT/httpsA" "$OUT/ca/srvA.pem" "$OUT/ca/srvA.key" || { fail "https A"; return 1; }
	URL_A=$HTTPS_URL
	start_https "$REPOS" "$OUT/httpsB" "$OUT/ca/srvB.pem" "$OUT/ca/srvB.key" || { fail "https B"; return 1; }
	URL_B=$HTTPS_URL
	printf 'repos:\n  - url: %s/alpha.git\n    path: a\n  - url: %s/beta.git\n    path: b\n' \
	    "$URL_A" "$URL_B" >"$OUT/m.yaml"
}

tls_teardown() {
	stop_servers "$OUT/httpsA"
	stop_servers "$OUT/httpsB"
}

test_https_untrusted_fails_as_certificate_never_retried() {
	tls_setup || return
	"$BIN" sync --retries 3 --json "$OUT/r.json" -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "unknown CAs"
	expect_grep "FAIL a: certificate: .*127\.0\.0\.1" "$OUT/stdout" "names the host"
	expect_eq 1 "$(report_field "$OUT/r.json" a tries)" "never retried"
	tls_teardown	# lighttpd writes its access log at exit
	[ -e "$OUT/httpsA/error.log" ] || fail "server A never ran"
	expect_eq 0 "$(grep -c 'GET' "$OUT/httpsA/access.log" 2>/dev/null)" "no request got through"
}

test_https_ca_sources_add_up() {
	tls_setup || return
	# --ca-file and GIT_SSL_CAINFO together: both servers trusted.
	GIT_SSL_CAINFO=$OUT/ca/B.pem "$BIN" sync --ca-file "$OUT/ca/A.pem" -C "$WS" "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "--ca-file A + GIT_SSL_CAINFO B"
	[ -d "$WS/a/.git" ] && [ -d "$WS/b/.git" ] || fail "not both cloned"
	rm -rf "$WS"
	SSL_CERT_FILE=$OUT/ca/A.pem GIT_SSL_CAINFO=$OUT/ca/B.pem "$BIN" sync -C "$WS" "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "SSL_CERT_FILE A + GIT_SSL_CAINFO B"
	rm -rf "$WS"
	# The system's CAs stay: with A standing in for the system bundle,
	# adding B must not drop it.
	GITHERD_TEST_SYSTEM_CA=$OUT/ca/A.pem "$SEAMS_BIN" sync --ca-file "$OUT/ca/B.pem" -C "$WS" \
	    "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "system A + --ca-file B"
	rm -rf "$WS"
	"$BIN" sync --ca-file "$OUT/nosuch.pem" -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/err"
	expect_exit 2 $? "a missing --ca-file"
	expect_grep "--ca-file $OUT/nosuch.pem: " "$OUT/err" "message"
	tls_teardown
}

# CA certificates no TLS library can read: every worker fails to start,
# and githerd stops after three instead of forking forever.
test_workers_that_cannot_start_end_the_run() {
	printf -- '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n' >"$OUT/bad.pem"
	cp "$OUT/bad.pem" "$OUT/bad2.pem"
	printf 'repos:\n  - url: %s/alpha.git\n' "$HTTP_URL" >"$OUT/m.yaml"
	GITHERD_TEST_SYSTEM_CA=$OUT/bad.pem timeout 60 "$SEAMS_BIN" sync --ca-file "$OUT/bad2.pem" \
	    -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 3 $? "workers that cannot start"
	expect_grep "the CA certificates given cannot be loaded" "$OUT/stderr" "the worker says why"
	expect_grep "workers fail to start; giving up" "$OUT/stderr" "and githerd gives up"
	expect_missing "$WS/alpha" "nothing cloned"
}

# --- tokens ---------------------------------------------------------------

TOKEN=tok-$$-SeCrEt-7f3a

# Tokens go over https only: an https server with Basic auth, signed by a
# test CA that every run here is told about with --ca-file.
token_setup() {
	printf 'alice:%s\n' "$TOKEN" >"$OUT/users"
	mkdir -p "$OUT/ca"
	make_ca "$OUT/ca" T && make_server_cert "$OUT/ca" T srv || { fail "test CA"; return 1; }
	start_https "$REPOS" "$OUT/auth" "$OUT/ca/srv.pem" "$OUT/ca/srv.key" "$OUT/users" ||
	    { fail "https with auth"; return 1; }
	AUTH_PORT=$HTTPS_PORT AUTH_URL=$HTTPS_URL AUTH_ACCESS_LOG=$HTTPS_ACCESS_LOG
	CA=$OUT/ca/T.pem
	printf 'repos:\n  - url: %s/alpha.git\n' "$AUTH_URL" >"$OUT/m.yaml"
	printf 'repos:\n  - url: https://alice@127.0.0.1:%s/git/alpha.git\n' "$AUTH_PORT" >"$OUT/mu.yaml"
}

# The token never lands on disk or in any output.
no_token_anywhere() {	# WHAT
	if grep -rqs -- "$TOKEN" "$WS" "$OUT/stdout" "$OUT/stderr" "$OUT"/*.json 2>/dev/null; then
		fail "$1: the token leaked: $(grep -rls -- "$TOKEN" "$WS" "$OUT" | grep -v -e /users -e /creds -e /netrc | head -3)"
	fi
}

test_tokens_from_the_environment() {
	token_setup || return
	env -u GITHERD_TOKEN "$BIN" sync --ca-file "$CA" --json "$OUT/r.json" -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "no token"
	expect_grep "FAIL alpha: auth: .*set GITHERD_TOKEN_127_0_0_1 or GITHERD_TOKEN" "$OUT/stdout" "names the variables"
	expect_eq 1 "$(report_field "$OUT/r.json" alpha tries)" "not retried"
	GITHERD_TOKEN_127_0_0_1=$TOKEN "$BIN" sync --ca-file "$CA" --json "$OUT/r.json" -C "$WS" "$OUT/mu.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "per-host token, user in the URL"
	no_token_anywhere "per-host token"
	rm -rf "$WS"
	GITHERD_TOKEN=$TOKEN "$BIN" sync --ca-file "$CA" -C "$WS" "$OUT/mu.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "general token"
	no_token_anywhere "general token"
	rm -rf "$WS"
	# An alias insteadOf rewrites: the token is the real server's.
	git config --global "url.https://alice@127.0.0.1:$AUTH_PORT/git/.insteadOf" "authsrv:"
	printf 'repos:\n  - url: authsrv:alpha.git\n    path: alpha\n' >"$OUT/alias.yaml"
	GITHERD_TOKEN_127_0_0_1=$TOKEN "$BIN" sync --ca-file "$CA" -C "$WS" "$OUT/alias.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "per-host token through insteadOf"
	git config --global --unset "url.https://alice@127.0.0.1:$AUTH_PORT/git/.insteadOf"
	rm -rf "$WS"
	# A wrong token: one try with it, then auth, not 15 replays.
	sed 's/alpha/beta/' "$OUT/m.yaml" >"$OUT/beta.yaml"
	GITHERD_TOKEN=wrong "$BIN" sync --ca-file "$CA" --retries 3 --json "$OUT/r.json" -C "$WS" "$OUT/beta.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "wrong token"
	expect_grep "FAIL beta: auth: .*refused every credential offered \(tried: GITHERD_TOKEN\)" "$OUT/stdout" "message"
	stop_servers "$OUT/auth"	# lighttpd writes its access log at exit
	expect_eq 2 "$(grep -c 'beta.git/info/refs.* 401$' "$AUTH_ACCESS_LOG")" \
	    "requests refused: anonymous, then the token once"
}

test_tokens_from_netrc_and_credential_helper() {
	token_setup || return
	printf 'machine 127.0.0.1\n  login alice\n  password %s\n' "$TOKEN" >"$HOME/.netrc"
	chmod 600 "$HOME/.netrc"
	"$BIN" sync --ca-file "$CA" --json "$OUT/r.json" -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "~/.netrc"
	no_token_anywhere "netrc"
	rm -f "$HOME/.netrc"
	rm -rf "$WS"
	# git's credential store, reached only with --credential-helper.
	printf 'https://alice:%s@127.0.0.1:%s\n' "$TOKEN" "$AUTH_PORT" >"$OUT/creds"
	git config --global credential.helper "store --file=$OUT/creds"
	"$BIN" sync --ca-file "$CA" -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "a helper is not run unasked"
	rm -rf "$WS"
	"$BIN" sync --ca-file "$CA" --credential-helper --json "$OUT/r.json" -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "--credential-helper"
	no_token_anywhere "credential helper"
	# No prompt when the helper has nothing: it fails at once.
	: >"$OUT/creds"
	rm -rf "$WS"
	timeout 30 "$BIN" sync --ca-file "$CA" --credential-helper -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr" </dev/null
	expect_exit 1 $? "an empty helper"
	expect_grep "tried: git credential fill" "$OUT/stdout" "message"
	git config --global --unset credential.helper
	stop_servers "$OUT/auth"	# lighttpd writes its access log at exit
	grep -q ' alice "GET /git/alpha.git/info/refs.* 200$' "$AUTH_ACCESS_LOG" ||
	    fail "the server saw no request from alice"
}

# --- proxies and insteadOf ------------------------------------------------

test_http_and_https_proxies_and_no_proxy() {
	start_http_proxy || { fail "http proxy"; return; }
	tls_setup || return
	local pa=${URL_A#https://127.0.0.1:}
	pa=${pa%%/*}
	printf 'repos:\n  - url: %s/alpha.git\n  - url: %s/beta.git\n' "$HTTP_URL" "$URL_A" >"$OUT/m.yaml"
	env -u no_proxy -u NO_PROXY http_proxy="http://127.0.0.1:$HTTP_PROXY_PORT" \
	    https_proxy="http://127.0.0.1:$HTTP_PROXY_PORT" \
	    "$BIN" sync --ca-file "$OUT/ca/A.pem" -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "through the proxy"
	expect_grep "^GET http://127\.0\.0\.1:$HTTP_PORT/git/alpha\.git/info/refs" "$HTTP_PROXY_LOG" "http through the proxy"
	expect_grep "^CONNECT 127\.0\.0\.1:$pa " "$HTTP_PROXY_LOG" "https through CONNECT"
	expect_eq "$(git -C "$(git_clone_ref alpha)" rev-parse HEAD)" "$(git -C "$WS/alpha" rev-parse HEAD)" \
	    "alpha through the proxy"
	expect_eq "" "$(git -C "$WS/alpha" status --porcelain)" "a clean checkout"
	# git's http.proxy wins over the environment.
	rm -rf "$WS"
	: >"$HTTP_PROXY_LOG"
	git config --global http.proxy "127.0.0.1:$HTTP_PROXY_PORT"
	env -u no_proxy -u NO_PROXY http_proxy="http://127.0.0.1:$(free_port)" \
	    "$BIN" sync -C "$WS" "$OUT/m.yaml" alpha >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "http.proxy"
	expect_grep "^GET http://127\.0\.0\.1:$HTTP_PORT/" "$HTTP_PROXY_LOG" "through http.proxy"
	git config --global --unset http.proxy
	# http.<url>.proxy: for that server only; empty means none.
	rm -rf "$WS"
	: >"$HTTP_PROXY_LOG"
	git config --global "http.$HTTP_URL/.proxy" "http://127.0.0.1:$HTTP_PROXY_PORT"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" alpha >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "http.<url>.proxy"
	expect_grep "^GET http://127\.0\.0\.1:$HTTP_PORT/" "$HTTP_PROXY_LOG" "through http.<url>.proxy"
	git config --global "http.$HTTP_URL/.proxy" ""
	rm -rf "$WS"
	: >"$HTTP_PROXY_LOG"
	env -u no_proxy -u NO_PROXY http_proxy="http://127.0.0.1:$(free_port)" \
	    "$BIN" sync -C "$WS" "$OUT/m.yaml" alpha >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "an empty http.<url>.proxy overrides http_proxy"
	expect_eq "" "$(cat "$HTTP_PROXY_LOG")" "no proxy for that server"
	git config --global --remove-section "http.$HTTP_URL/"
	# no_proxy: straight to the servers.
	rm -rf "$WS"
	: >"$HTTP_PROXY_LOG"
	no_proxy=localhost,127.0.0.1 http_proxy="http://127.0.0.1:$HTTP_PROXY_PORT" \
	    https_proxy="http://127.0.0.1:$HTTP_PROXY_PORT" \
	    "$BIN" sync --ca-file "$OUT/ca/A.pem" -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "no_proxy"
	expect_eq "" "$(cat "$HTTP_PROXY_LOG")" "no_proxy=127.0.0.1 went through the proxy"
	# A proxy that is down: it is really used, and that is a network error.
	rm -rf "$WS"
	env -u no_proxy -u NO_PROXY http_proxy="http://127.0.0.1:$(free_port)" \
	    "$BIN" sync --retries 0 --json "$OUT/r.json" -C "$WS" "$OUT/m.yaml" alpha >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "a dead proxy"
	expect_eq network "$(report_field "$OUT/r.json" alpha error.class)" "class"
	expect_grep "failed to connect to the proxy 127\.0\.0\.1" "$OUT/stdout" "names the proxy"
	tls_teardown
}

# The proxy is chosen per server: a superproject over git:// goes direct,
# its submodule over plain http through http_proxy.
test_submodule_proxy_is_chosen_for_its_own_url() {
	start_upstreams || { fail "upstreams"; return; }
	start_http_proxy || { fail "http proxy"; return; }
	up_new sup alpha
	up_new subm beta
	up_git sup -c protocol.file.allow=always submodule add -q "$UP_HTTP/$T_NAME/subm.git" lib/subm \
	    >/dev/null 2>&1 || { fail "submodule add"; return; }
	up_git sup commit -q -m "add a submodule over http"
	up_git sup push -q origin HEAD 2>/dev/null
	printf 'repos:\n  - url: %s/%s/sup.git\n    submodules: true\n' "$UP_GIT" "$T_NAME" >"$OUT/m.yaml"
	env -u no_proxy -u NO_PROXY http_proxy="http://127.0.0.1:$HTTP_PROXY_PORT" \
	    "$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync with a submodule behind the proxy"
	[ -f "$WS/sup/lib/subm/README.md" ] || fail "the submodule is not checked out"
	expect_grep "^GET http://127\.0\.0\.1:[0-9]+/git/$T_NAME/subm\.git/info/refs" "$HTTP_PROXY_LOG" \
	    "the submodule went through the proxy"
	expect_no_grep "sup\.git" "$HTTP_PROXY_LOG" "the git:// superproject did not"
}

test_url_instead_of_from_git_config() {
	git config --global "url.$GIT_URL/.insteadOf" "fleet:"
	printf 'repos:\n  - url: fleet:alpha.git\n    path: alpha\n' >"$OUT/m.yaml"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync through insteadOf"
	git clone -q "$REPOS/alpha.git" "$OUT/ref" 2>/dev/null
	expect_eq "$(git -C "$OUT/ref" rev-parse HEAD)" "$(git -C "$WS/alpha" rev-parse HEAD)" "HEAD"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "re-sync through insteadOf"
	git config --global --unset "url.$GIT_URL/.insteadOf"
}
