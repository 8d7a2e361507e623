# shellcheck shell=bash
# Hostile and broken input: manifests that must be refused before
# anything happens, local repositories, submodules that try to escape,
# and a server whose certificate nobody vouches for.

# What a workspace holds, every file and its bytes: for "nothing touched".
ws_listing() {
	(cd "$WS" && find . -path ./.githerd/lock -prune -o -print0 | sort -z |
	    xargs -0 sha256sum 2>/dev/null | sha256sum)
}

test_bad_manifests_exit_2_and_touch_nothing() {
	local before name good
	bystander_setup
	start_proxy "$GIT_DAEMON_PORT" pass || { fail "proxy"; return; }
	good="  - url: git://127.0.0.1:$PROXY_PORT/beta.git"
	before=$(ws_listing)
	# name | entry lines | the error expected (file:line:col: message)
	while IFS='|' read -r name body want; do
		{ echo "repos:"; echo "$good"; printf '%b\n' "$body"; } >"$OUT/$name.yaml"
		"$BIN" sync -C "$WS" "$OUT/$name.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
		expect_exit 2 $? "$name"
		expect_grep "^$OUT/$name.yaml:$want" "$OUT/stderr" "$name"
		expect_grep "nothing was done" "$OUT/stderr" "$name"
	done <<'EOF2'
malformed|  - url: [unclosed|4:1: YAML syntax: did not find expected
tab|  - url: x\n \t bad: y|4:2: YAML syntax: found a tab character
unknown-key|  - url: git://h/a.git\n    brnach: main|4:5: unknown key 'brnach' in a repository entry \(did you mean 'branch'\?\)
wrong-type|  - url: git://h/a.git\n    depth: deep|4:12: 'depth' must be a whole number
two-refs|  - url: git://h/a.git\n    branch: main\n    tag: v1|5:5: 'tag' and 'branch' \(line 4\) are mutually exclusive
no-url|  - path: x|3:5: repository entry has no 'url'
dotdot|  - url: git://h/a.git\n    path: ../escape|4:11: path '../escape' has a '..' component
absolute|  - url: git://h/a.git\n    path: /etc/x|4:11: path '/etc/x' is absolute
dot-git|  - url: git://h/a.git\n    path: a/.GIT/hooks|4:11: path 'a/.GIT/hooks' has a '.GIT' component
dash|  - url: git://h/a.git\n    path: -rf|4:11: path '-rf' has a component starting with '-'
duplicate|  - url: git://h/a.git\n    path: beta|3:5: path 'beta' is already used by the entry at line 2
file-url|  - url: file:///etc\n    path: x|3:10: 'file:///etc' is a local repository
local-path|  - url: /srv/private.git\n    path: x|3:10: '/srv/private.git' is a local repository
dash-url|  - url: -oProxyCommand=x\n    path: x|3:10: url must not start with '-'
dash-host|  - url: ssh://-oProxyCommand=x/y\n    path: x|3:10: host in url must not start with '-'
dash-path|  - url: "h:-x"\n    path: x|3:10: path in url must not start with '-'
bad-port|  - url: ssh://h:-22/x\n    path: x|3:10: port in url must be a number
ext|  - url: "ext::sh -c x"\n    path: x|3:10: url contains a control character, a space or invalid UTF-8
scheme|  - url: ftp://h/x\n    path: x|3:10: unsupported url scheme
EOF2
	expect_eq "$before" "$(ws_listing)" "the workspace, byte for byte"
	[ ! -s "$PROXY_LOG" ] || fail "the network was used: $(cat "$PROXY_LOG")"
}

test_local_repositories_need_allow_local() {
	local n
	bystander_setup
	fault_manifest "file://$FLEET/repos/alpha.git"
	run_fault
	expect_exit 2 "$(cat "$OUT/status")" "without --allow-local"
	expect_grep "is a local repository: .*see --allow-local" "$OUT/stderr" "message"
	expect_missing "$WS/victim" "victim"
	run_fault --allow-local
	expect_outcome 0 ok
	expect_eq "$(git -C "$FLEET/repos/alpha.git" rev-parse main)" \
	    "$(git -C "$WS/victim" rev-parse HEAD)" "file:// clone"
	git -C "$WS/victim" fsck --no-progress >/dev/null 2>&1 || fail "fsck"
	# A copy, not hard links into the source: the workspace owns its bytes.
	n=$(find "$WS/victim/.git/objects" -type f -links +1 | wc -l)
	expect_eq 0 "$n" "objects hard-linked to the source"
	# A submodule's URL is never local, --allow-local or not.
}

# An upstream "evil" whose .gitmodules names a submodule NAME at PATH
# from URL; the gitlink, at "sub", points at alpha's main.
evil_upstream() {	# NAME PATH URL
	local work=$SCRATCH/evil-work-$RANDOM sha
	start_upstreams || return 1
	mkdir -p "$UP/$T_NAME"
	rm -rf "$UP/$T_NAME/evil.git"
	sha=$(git -C "$FLEET/repos/alpha.git" rev-parse main)
	git init -q -b main "$work"
	printf '[submodule "%s"]\n\tpath = %s\n\turl = %s\n' "$1" "$2" "$3" >"$work/.gitmodules"
	echo hello >"$work/README"
	git -C "$work" add .gitmodules README
	git -C "$work" update-index --add --cacheinfo "160000,$sha,sub"
	git -C "$work" commit -q -m "a hostile submodule"
	git clone -q --bare "$work" "$UP/$T_NAME/evil.git"
	EVIL_URL=$UP_GIT/$T_NAME/evil.git
}

test_malicious_submodules_are_refused() {
	local name path url want
	bystander_setup
	while IFS='|' read -r name path url want; do
		evil_upstream "$name" "$path" "${url//@GIT@/$GIT_URL}" || { fail "upstream"; return; }
		fault_manifest "$EVIL_URL" "submodules: true"
		run_fault --allow-local
		expect_outcome 1 refused
		expect_eq 1 "$(victim tries)" "$name: not retried"
		expect_grep "FAIL victim: refused: .*$want" "$OUT/stdout" "$name: message"
		# Nothing may appear anywhere but the bystander and githerd's state.
		expect_eq ".githerd bystander" "$(cd "$WS" && echo $(ls -A))" "$name: workspace"
		expect_missing "$WS/modules" "$name: escaped module"
		expect_missing "$SCRATCH/modules" "$name: escaped module"
	done <<'EOF2'
../../modules/evil|evil|@GIT@/alpha.git|submodule name in the repository refused: path '../../modules/evil' has a '..' component
ok|../../outside|@GIT@/alpha.git|submodule 'ok' in the repository refused: path '../../outside' has a '..' component
dotgit|sub/.git/hooks|@GIT@/alpha.git|submodule 'dotgit' in the repository refused: .*'.git' component
dash-path|-sub|@GIT@/alpha.git|submodule 'dash-path' in the repository refused: path '-sub' has a component starting with '-'
local|sub|file:///etc|submodule 'local' in the repository refused: 'file:///etc' is a local repository
dash|sub|-oProxyCommand=x|submodule 'dash' in the repository (refused|has no usable url)
EOF2
}

# An upstream "alias" whose root tree holds ENTRY (a mktree line) next to
# a README; @TREE@ in it is a tree holding hooks/post-checkout, @BLOB@
# that hook itself.
alias_upstream() {	# ENTRY
	local repo blob hook hooks tree commit entry
	start_upstreams || return 1
	repo=$UP/$T_NAME/alias.git
	mkdir -p "$UP/$T_NAME"
	rm -rf "$repo"
	git init -q --bare -b main "$repo"
	blob=$(echo "hello" | git -C "$repo" hash-object -w --stdin)
	hook=$(printf '#!/bin/sh\ntouch %s/pwned\n' "$SCRATCH" | git -C "$repo" hash-object -w --stdin)
	hooks=$(printf '100755 blob %s\tpost-checkout\n' "$hook" | git -C "$repo" mktree)
	hooks=$(printf '040000 tree %s\thooks\n' "$hooks" | git -C "$repo" mktree)
	entry=${1//@TREE@/$hooks}
	entry=${entry//@BLOB@/$hook}
	tree=$(printf '100644 blob %s\tREADME\n%b\n' "$blob" "$entry" | git -C "$repo" mktree)
	commit=$(echo "aliasing .git" | git -C "$repo" commit-tree "$tree")
	git -C "$repo" update-ref refs/heads/main "$commit"
	ALIAS_URL=$UP_GIT/$T_NAME/alias.git
}

test_git_aliasing_tree_entries_are_refused() {
	local entry
	bystander_setup
	while IFS= read -r entry; do
		rm -rf "$WS/victim"
		alias_upstream "$entry" || { fail "upstream"; return; }
		fault_manifest "$ALIAS_URL"
		run_fault
		expect_outcome 1 refused
		expect_grep "FAIL victim: refused: checkout: .*(invalid path|\\.git)" "$OUT/stdout" "$entry: message"
		expect_missing "$SCRATCH/pwned" "$entry: a hook ran"
	done <<'EOF2'
040000 tree @TREE@\t.git
040000 tree @TREE@\t.GIT
040000 tree @TREE@\tGIT~1
100755 blob @BLOB@\t.git
040000 tree @TREE@\t.git.
040000 tree @TREE@\t.git\\
040000 tree @TREE@\t.g\xe2\x80\x8cit
040000 tree @TREE@\t.git::$INDEX_ALLOCATION
040000 tree @TREE@\t.GIT\xef\xbb\xbf
EOF2
}

test_untrusted_certificate_fails_and_is_never_bypassed() {
	command -v openssl >/dev/null || { skip_case "openssl(1) is not installed"; return; }
	bystander_setup
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	    -addext subjectAltName=IP:127.0.0.1 -keyout "$OUT/key.pem" \
	    -out "$OUT/cert.pem" >/dev/null 2>&1 || { fail "openssl req"; return; }
	PROXY_LOG=$OUT/proxy.log
	_start_helper "$OUT/tls.ready" python3 "$TOP/tests/faults/faultproxy.py" \
	    --target "$HTTP_PORT" --mode pass --tls "$OUT/cert.pem,$OUT/key.pem" \
	    --ready "$OUT/tls.ready" --log "$PROXY_LOG" || { fail "TLS front"; return; }
	fault_manifest "https://127.0.0.1:$HELPER_PORT/git/alpha.git"
	# Not even git's own ways of switching the check off may do so.
	git config --global http.sslVerify false
	GIT_SSL_NO_VERIFY=1 run_fault --retries 3
	git config --global --unset http.sslVerify
	expect_outcome 1 certificate
	expect_eq 1 "$(victim tries)" "never retried"
	expect_grep "FAIL victim: certificate: .*127\\.0\\.0\\.1" "$OUT/stdout" "names the host"
	# The front did its part: the TLS handshake was attempted.
	[ -s "$PROXY_LOG" ] || fail "no connection reached the TLS front"
}

# A server whose HEAD names a branch it does not have: git clone warns
# and leaves an empty checkout; githerd says what is wrong instead of
# reporting an empty "cloned" entry.
test_remote_head_naming_a_missing_branch_is_an_error() {
	local repo
	bystander_setup
	start_upstreams || { fail "upstreams"; return; }
	repo=$UP/$T_NAME/nohead.git
	mkdir -p "$UP/$T_NAME"
	cp -a "$FLEET/repos/alpha.git" "$repo"
	git -C "$repo" symbolic-ref HEAD refs/heads/gone
	fault_manifest "$UP_GIT/$T_NAME/nohead.git"
	run_fault --retries 3
	expect_outcome 1 bad-ref
	expect_eq 1 "$(victim tries)" "never retried"
	expect_grep "FAIL victim: bad-ref: the remote's HEAD names no branch it has, so it has no default branch to check out; name one with 'branch:' \\(it has dev, feature/x, main\\)" \
	    "$OUT/stdout" "message"
	# Naming a branch works, as it does with git.
	fault_manifest "$UP_GIT/$T_NAME/nohead.git" "branch: main"
	run_fault
	expect_outcome 0 ok
}
