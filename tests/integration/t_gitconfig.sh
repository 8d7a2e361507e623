# shellcheck shell=bash
# git's configuration as git reads it, in the workers: the files the
# environment names (GIT_CONFIG_GLOBAL, GIT_CONFIG_SYSTEM,
# GIT_CONFIG_NOSYSTEM), the command-line level (GIT_CONFIG_COUNT,
# GIT_CONFIG_PARAMETERS), and what githerd takes from it: insteadOf,
# http.<url>.extraHeader and http.<url>.sslCAInfo.  Real servers on
# 127.0.0.1; the manifests name hosts that do not exist (.invalid), so a
# clone that works went where the configuration sent it.  Each result is
# checked against real git under the same environment.

# shellcheck source=../lib/authsrv.sh
. "$TOP/tests/lib/authsrv.sh"

# The manifest names a host no resolver knows: only insteadOf leads on.
gitcfg_manifest() {
	printf 'repos:\n  - url: https://example.invalid/alpha.git\n    path: alpha\n' >"$OUT/m.yaml"
}

# What git itself makes of the same environment: a clone whose origin
# URL githerd's must equal (git keeps the manifest's URL, not the rewrite).
git_origin_under() {	# ENV... (for env)
	rm -rf "$OUT/ref"
	env "$@" git clone -q https://example.invalid/alpha.git "$OUT/ref" >/dev/null 2>&1 || return 1
	git -C "$OUT/ref" config remote.origin.url
}

test_gitconfig_insteadof_from_git_config_global_then_count() {
	local elsewhere want
	elsewhere=http://127.0.0.1:$(free_port)/
	gitcfg_manifest
	# GIT_CONFIG_GLOBAL replaces ~/.gitconfig, which points elsewhere.
	git config --global "url.$elsewhere.insteadOf" https://example.invalid/
	git config --file "$OUT/global" "url.$GIT_URL/.insteadOf" https://example.invalid/
	GIT_CONFIG_GLOBAL=$OUT/global "$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "insteadOf from GIT_CONFIG_GLOBAL"
	want=$(git_origin_under GIT_CONFIG_GLOBAL="$OUT/global") || fail "git clone under GIT_CONFIG_GLOBAL"
	expect_eq "$want" "$(git -C "$WS/alpha" config remote.origin.url)" "origin URL as git keeps it"
	expect_eq "$(git -C "$OUT/ref" rev-parse HEAD)" "$(git -C "$WS/alpha" rev-parse HEAD)" "HEAD"
	git -C "$WS/alpha" fsck --no-progress >/dev/null 2>&1 || fail "fsck"
	git config --global --remove-section "url.$elsewhere"
	# An update: the rule from GIT_CONFIG_COUNT alone.
	GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="url.$GIT_URL/.insteadOf" GIT_CONFIG_VALUE_0=https://example.invalid/ \
	    "$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "insteadOf from GIT_CONFIG_COUNT, an update"
	expect_grep "1 up to date" "$OUT/stdout" "alpha fetched"
	# And without any rule, example.invalid is where githerd would go.
	"$BIN" sync --retries 0 -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "no rule"
	expect_grep "FAIL alpha: .*example\.invalid" "$OUT/stdout" "goes to example.invalid"
}

test_gitconfig_system_file_and_nosystem() {
	local closed
	closed=$(free_port)
	printf 'repos:\n  - url: http://127.0.0.1:%s/git/alpha.git\n    path: alpha\n' "$closed" >"$OUT/m.yaml"
	git config --file "$OUT/system" "url.$HTTP_URL/.insteadOf" "http://127.0.0.1:$closed/git/"
	env -u GIT_CONFIG_NOSYSTEM GIT_CONFIG_SYSTEM="$OUT/system" \
	    "$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "insteadOf from GIT_CONFIG_SYSTEM"
	rm -rf "$WS"
	GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_SYSTEM="$OUT/system" \
	    "$BIN" sync --retries 0 -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "GIT_CONFIG_NOSYSTEM: no system file"
	expect_grep "FAIL alpha: network: .*127\.0\.0\.1 port $closed: Connection refused" "$OUT/stdout" \
	    "the manifest's URL, refused"
	GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_SYSTEM="$OUT/system" git ls-remote \
	    "http://127.0.0.1:$closed/git/alpha.git" >/dev/null 2>&1 && fail "git followed the system file"
}

test_gitconfig_parameters_as_git_c_writes_them() {
	local params want
	gitcfg_manifest
	# Exactly what `git -c` hands its children ('\!' and '\'' quoting too).
	# shellcheck disable=SC2016 # the alias's shell expands it
	params=$(git -c 'alias.penv=!printf %s "$GIT_CONFIG_PARAMETERS"' \
	    -c "url.$GIT_URL/.insteadOf=https://example.invalid/" -c "x.y=it's" penv) ||
	    { fail "git -c"; return; }
	case $params in *"'\\!'"*"'\\''"*) ;; *) fail "no quoting to test in: $params" ;; esac
	GIT_CONFIG_PARAMETERS=$params "$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "insteadOf from GIT_CONFIG_PARAMETERS"
	want=$(git_origin_under GIT_CONFIG_PARAMETERS="$params") || fail "git clone with the same parameters"
	expect_eq "$want" "$(git -C "$WS/alpha" config remote.origin.url)" "origin URL"
}

# Where git dies of the environment, githerd stops before touching anything.
test_gitconfig_a_bad_environment_stops_the_run() {
	gitcfg_manifest
	local bad
	# The quotes are the variables' own: git reads them.
	# shellcheck disable=SC2089,SC2090
	for bad in "GIT_CONFIG_COUNT=two" "GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=a.b GIT_CONFIG_VALUE_0=v" \
	    "GIT_CONFIG_PARAMETERS='a.b'=c" "GIT_CONFIG_NOSYSTEM=perhaps"; do
		# shellcheck disable=SC2086,SC2090
		env $bad "$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
		expect_exit 2 $? "$bad"
		expect_grep "^githerd: git configuration from the environment: " "$OUT/stderr" "$bad: says so"
		expect_missing "$WS" "$bad: nothing touched"
		# shellcheck disable=SC2086,SC2090
		env $bad git ls-remote "$GIT_URL/alpha.git" >/dev/null 2>&1 && fail "git took $bad"
	done
	expect_grep "missing config key GIT_CONFIG_KEY_1" <(GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=a.b \
	    GIT_CONFIG_VALUE_0=v "$BIN" sync -C "$WS" "$OUT/m.yaml" 2>&1) "names the variable"
}

HDR_TOKEN=hdr-$$-SeCrEt-91c

# http.<url>.extraHeader: each server gets its own headers and no other's.
test_gitconfig_extra_headers_go_to_their_server_only() {
	local b64 a_url b_url
	printf 'alice:%s\n' "$HDR_TOKEN" >"$OUT/users"
	AUTHSRV_LOG_HEADERS="Authorization X-Githerd-Probe" start_http_auth "$FLEET/repos" "$OUT/srvA" "$OUT/users" ||
	    { fail "server A"; return; }
	a_url=$AUTH_URL
	AUTHSRV_LOG_HEADERS="Authorization X-Githerd-Probe" start_http_auth "$FLEET/repos" "$OUT/srvB" "" ||
	    { fail "server B"; return; }
	b_url=$AUTH_URL
	b64=$(printf 'alice:%s' "$HDR_TOKEN" | base64)
	printf 'repos:\n  - url: %s/alpha.git\n    path: a\n  - url: %s/beta.git\n    path: b\n' \
	    "$a_url" "$b_url" >"$OUT/m.yaml"
	# As GitHub Actions' checkout writes it, with a generic header first.
	export GIT_CONFIG_COUNT=3 GIT_CONFIG_KEY_0=http.extraHeader GIT_CONFIG_VALUE_0="X-Githerd-Probe: all"
	export GIT_CONFIG_KEY_1="http.$a_url/.extraheader" GIT_CONFIG_VALUE_1="AUTHORIZATION: basic $b64"
	export GIT_CONFIG_KEY_2="http.$b_url/.extraHeader" GIT_CONFIG_VALUE_2="X-Githerd-Probe: for-B"
	"$BIN" sync --json "$OUT/r.json" --trace "$OUT/trace" -C "$WS" "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync with extra headers"
	git ls-remote "$a_url/alpha.git" >/dev/null 2>&1 || fail "git with the same configuration"
	unset GIT_CONFIG_COUNT GIT_CONFIG_KEY_0 GIT_CONFIG_VALUE_0 GIT_CONFIG_KEY_1 GIT_CONFIG_VALUE_1 \
	    GIT_CONFIG_KEY_2 GIT_CONFIG_VALUE_2
	stop_servers "$OUT/srvA"	# lighttpd writes its access log at exit
	stop_servers "$OUT/srvB"
	expect_no_grep ' 401 ' "$OUT/srvA/access.log" "A authorized on the first request"
	expect_grep "^127\.0\.0\.1 alice \"GET /git/alpha\.git/info/refs.* 200 \"basic $b64\" \"all\"\$" \
	    "$OUT/srvA/access.log" "A got its header and the generic one"
	expect_no_grep 'for-B' "$OUT/srvA/access.log" "A got none of B's"
	expect_grep 'beta\.git/info/refs.* 200 "-" "all, for-B"$|beta\.git/info/refs.* 200 "-" "all,for-B"$' \
	    "$OUT/srvB/access.log" "B got the generic header and its own, no Authorization"
	expect_no_grep "$b64|$HDR_TOKEN" "$OUT/srvB/access.log" "B got none of A's"
	if grep -rqsF -e "$HDR_TOKEN" -e "$b64" "$WS" "$OUT/stdout" "$OUT/stderr" "$OUT/r.json" "$OUT/trace"; then
		fail "the header leaked: $(grep -rlsF -e "$HDR_TOKEN" -e "$b64" "$WS" "$OUT/stdout" "$OUT/stderr" "$OUT/r.json" "$OUT/trace")"
	fi
	if [ ! -s "$OUT/trace" ] || [ ! -s "$OUT/r.json" ]; then
		fail "no trace or report to look in"
	fi
	# A header libgit2 would refuse: the job fails, and says why without
	# it, before it connects (the server is gone).
	head -n 3 "$OUT/m.yaml" >"$OUT/a.yaml"
	GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="http.$a_url/.extraheader" GIT_CONFIG_VALUE_0="Host: $HDR_TOKEN" \
	    "$BIN" sync --retries 0 -C "$OUT/ws2" "$OUT/a.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "a Host header"
	expect_grep "FAIL a: refused: git configuration: http\..*\.extraheader: 'Host' is a header libgit2 writes itself" \
	    "$OUT/stdout" "names the key"
	expect_no_grep "$HDR_TOKEN" "$OUT/stdout" "not its value"
}

# http.<url>.sslCAInfo trusts a CA for that server; GIT_SSL_CAINFO, which
# git takes instead, wins.
test_gitconfig_ssl_cainfo_per_url() {
	mkdir -p "$OUT/ca"
	make_ca "$OUT/ca" A && make_server_cert "$OUT/ca" A srvA && make_ca "$OUT/ca" B ||
	    { fail "test CA"; return; }
	start_https "$FLEET/repos" "$OUT/https" "$OUT/ca/srvA.pem" "$OUT/ca/srvA.key" || { fail "https"; return; }
	printf 'repos:\n  - url: %s/alpha.git\n    path: a\n  - url: %s/beta.git\n    path: b\n' \
	    "$HTTPS_URL" "$GIT_URL" >"$OUT/m.yaml"
	git config --file "$OUT/global" "http.$HTTPS_URL/.sslCAInfo" "$OUT/ca/A.pem"
	GIT_CONFIG_GLOBAL=$OUT/global "$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "http.<url>.sslCAInfo"
	GIT_CONFIG_GLOBAL=$OUT/global git ls-remote "$HTTPS_URL/alpha.git" >/dev/null 2>&1 || fail "git trusts it too"
	rm -rf "$WS"
	git config --file "$OUT/other" "http.https://127.0.0.1:1/.sslCAInfo" "$OUT/ca/A.pem"
	GIT_CONFIG_GLOBAL=$OUT/other "$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "another server's sslCAInfo"
	expect_grep "FAIL a: certificate: " "$OUT/stdout" "not trusted"
	[ -d "$WS/b/.git" ] || fail "b (git://) is not affected"
	rm -rf "$WS"
	GIT_SSL_CAINFO=$OUT/ca/B.pem GIT_CONFIG_GLOBAL=$OUT/global "$BIN" sync -C "$WS" "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "GIT_SSL_CAINFO instead of http.sslCAInfo"
	GIT_SSL_CAINFO=$OUT/ca/B.pem GIT_CONFIG_GLOBAL=$OUT/global git ls-remote "$HTTPS_URL/alpha.git" \
	    >/dev/null 2>&1 && fail "git took http.sslCAInfo over GIT_SSL_CAINFO"
	stop_servers "$OUT/https"
}
