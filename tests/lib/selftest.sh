#!/usr/bin/env bash
# Self-test for tests/lib: builds the `test` fleet (cached between runs),
# serves it over git:// and smart HTTP, exercises both with real git
# clients, and checks that stop_servers leaves no process behind.
#
#   tests/lib/selftest.sh [-v]
#
# The fleet lives in $GITHERD_TEST_FLEET (default
# ${TMPDIR:-/tmp}/githerd-fleet-<uid>/test) so that a second run reuses it.
# The last line of output is "N passed, N failed"; the exit status is 0
# only if nothing failed.

set -u

LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=servers.sh
. "$LIB/servers.sh"

VERBOSE=
[ "${1-}" = -v ] && VERBOSE=1

FLEET=${GITHERD_TEST_FLEET:-${TMPDIR:-/tmp}/githerd-fleet-$(id -u)/test}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/githerd-selftest.XXXXXX") || exit 1
S_DAEMON=$WORK/state-daemon
S_HTTP=$WORK/state-http
S_DAEMON2=$WORK/state-daemon2
S_RACE=$WORK/state-race
PGIDS=()
BG_PIDS=()

cleanup() {
	local p
	for p in "${BG_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	stop_servers "$S_DAEMON"
	stop_servers "$S_HTTP"
	stop_servers "$S_DAEMON2"
	stop_servers "$S_RACE"
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Isolate the git clients from the invoking user's configuration.
export HOME=$WORK/home GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
unset GIT_DIR GIT_WORK_TREE GIT_PROTOCOL
mkdir -p "$HOME"
git config --global advice.detachedHead false
git config --global init.defaultBranch main

passed=0
failed=0
LOG=$WORK/check.log

pass() {
	passed=$((passed + 1))
	[ -n "$VERBOSE" ] && printf 'ok   %s\n' "$1"
	return 0
}

fail() {
	failed=$((failed + 1))
	printf 'FAIL %s\n' "$1"
	if [ -s "$LOG" ]; then
		tail -n 20 "$LOG" | sed 's/^/     | /'
	fi
	return 1
}

# check DESC CMD...: CMD's output goes to $LOG and is shown only on failure.
check() {
	local desc=$1
	shift
	if "$@" >"$LOG" 2>&1; then pass "$desc"; else fail "$desc"; fi
}

not() {
	! "$@"
}

# same DESC EXPECTED ACTUAL
same() {
	if [ "$2" = "$3" ]; then
		: >"$LOG"
		pass "$1"
	else
		printf 'expected: %s\nactual:   %s\n' "$2" "$3" >"$LOG"
		fail "$1"
	fi
}

# fq QUERY [ARGS]: read facts from fleet.json.
fq() {
	python3 - "$FLEET/fleet.json" "$@" <<'EOF'
import json, sys
fleet = json.load(open(sys.argv[1]))
repos = {r["name"]: r for r in fleet["repos"]}
q, a = sys.argv[2], sys.argv[3:]
if q == "names":
    print("\n".join(repos))
elif q == "branch":                 # NAME BRANCH
    print(repos[a[0]]["branches"][a[1]])
elif q == "tagcommit":              # NAME TAG
    print(repos[a[0]]["tags"][a[1]]["commit"])
elif q == "sub":                    # NAME INDEX -> "path commit"
    s = repos[a[0]]["submodules"][int(a[1])]
    print(s["path"], s["commit"])
elif q == "refs":                   # DIR -> DIR/<name>: expected `git ls-remote`
    for name, r in repos.items():
        lines = []
        if r["default_branch"] in r["branches"]:
            lines.append((r["branches"][r["default_branch"]], "HEAD"))
        for b, sha in r["branches"].items():
            lines.append((sha, "refs/heads/" + b))
        for t, d in r["tags"].items():
            lines.append((d["target"], "refs/tags/" + t))
            if d["annotated"]:
                lines.append((d["commit"], "refs/tags/%s^{}" % t))
        with open("%s/%s" % (a[0], name), "w") as f:
            f.writelines("%s\t%s\n" % l for l in sorted(lines, key=lambda x: x[1]))
elif q == "count":
    print(len(repos))
EOF
}

# ls_remote_all URL DIR: `git ls-remote` of every fleet repo, in parallel,
# into DIR/<name>; prints the names whose refs differ from $WORK/expect.
ls_remote_all() {
	local url=$1 dir=$2 name
	mkdir -p "$dir"
	for name in $REPO_NAMES; do
		git ls-remote "$url/$name.git" 2>&1 | sort -k2 >"$dir/$name" &
	done
	wait
	for name in $REPO_NAMES; do
		cmp -s "$WORK/expect/$name" "$dir/$name" || printf '%s ' "$name"
	done
}

# descendants of our server groups, and anything still using our paths
leftovers() {
	local pg p cwd
	for pg in "${PGIDS[@]}"; do
		pgrep -a -g "$pg"
	done
	pgrep -a -f -- "$WORK/state"
	for p in /proc/[0-9]*; do
		cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
		case $cwd in "$FLEET"/*)
			printf '%s cwd=%s %s\n' "${p#/proc/}" "$cwd" "$(tr '\0' ' ' <"$p/cmdline")"
			;;
		esac
	done
	return 0
}

no_leftovers() {
	local out
	out=$(leftovers)
	[ -z "$out" ] && return 0
	printf '%s\n' "$out"
	return 1
}

# ---------------------------------------------------------------------------
# fleet

t0=$EPOCHREALTIME
if python3 "$LIB/mkfleet.py" --profile test --out "$FLEET" -v >"$LOG" 2>&1; then
	pass "mkfleet --profile test"
else
	fail "mkfleet --profile test"
	printf '%d passed, %d failed\n' "$passed" "$failed"
	exit 1
fi
t1=$EPOCHREALTIME
printf '%s (wall %s s)\n' "$(cat "$LOG")" "$(python3 -c "print(round($t1 - $t0, 2))")"
REPOS=$FLEET/repos

same "fleet has 27 repos" 27 "$(fq count)"
REPO_NAMES=$(fq names)
mkdir -p "$WORK/expect"
fq refs "$WORK/expect"
sub2=$(cd "$REPOS/sub.git" && git rev-list --reverse main | sed -n 2p)
same "mid pins sub's second commit" "deps/sub $sub2" "$(fq sub mid 0)"
fsck_all() {
	local r out
	for r in "$REPOS"/*.git; do
		# `empty` has no refs, which fsck reports as a notice.
		out=$(git -C "$r" fsck --strict --no-progress --no-dangling 2>&1 | grep -v '^notice:')
		[ -z "$out" ] || { printf '%s: %s\n' "$r" "$out"; return 1; }
	done
}
check "fleet repos pass fsck" fsck_all

# ---------------------------------------------------------------------------
# servers

# Everything below needs both servers: stop at the first failure.
if start_git_daemon "$REPOS" "$S_DAEMON" 2>"$LOG"; then
	pass "start_git_daemon"
	PGIDS+=("$GIT_DAEMON_PID")
else
	fail "start_git_daemon"
fi
if start_http "$REPOS" "$S_HTTP" 2>"$LOG"; then
	pass "start_http"
	PGIDS+=("$HTTP_PID")
else
	fail "start_http"
fi
if [ "$failed" -ne 0 ]; then
	printf '%d passed, %d failed\n' "$passed" "$failed"
	exit 1
fi
same "git daemon pid file names the listener" "$GIT_DAEMON_PID" "$(cat "$S_DAEMON/git-daemon.pid" 2>/dev/null)"
same "lighttpd pid file names the listener" "$HTTP_PID" "$(cat "$S_HTTP/lighttpd.pid" 2>/dev/null)"
# loopback_only PORT: the only listening socket on PORT is 127.0.0.1:PORT.
loopback_only() {
	local socks
	socks=$(ss -Hltn "sport = :$1" | awk '{print $4}')
	printf '%s\n' "$socks"
	[ "$socks" = "127.0.0.1:$1" ]
}
check "git daemon listens on 127.0.0.1 only" loopback_only "$GIT_DAEMON_PORT"
check "lighttpd listens on 127.0.0.1 only" loopback_only "$HTTP_PORT"

# A second daemon from another STATEDIR must coexist with the first.
saved=("$GIT_DAEMON_PORT" "$GIT_DAEMON_PID" "$GIT_DAEMON_URL")
if start_git_daemon "$REPOS" "$S_DAEMON2" 2>"$LOG"; then
	pass "second git daemon"
	PGIDS+=("$GIT_DAEMON_PID")
	check "second daemon uses another port" test "$GIT_DAEMON_PORT" != "${saved[0]}"
	check "second daemon serves" git ls-remote --exit-code "$GIT_DAEMON_URL/beta.git" trunk
	check "stop second daemon" stop_servers "$S_DAEMON2"
	check "first daemon unaffected" git ls-remote --exit-code "${saved[2]}/beta.git" trunk
else
	fail "second git daemon"
fi
GIT_DAEMON_PORT=${saved[0]} GIT_DAEMON_PID=${saved[1]} GIT_DAEMON_URL=${saved[2]}
check "refuse a second daemon in the same STATEDIR" not start_git_daemon "$REPOS" "$S_DAEMON"

# Port race: make free_port hand out a port that is already taken once;
# both start functions must notice and retry with a fresh one.
eval "$(declare -f free_port | sed '1s/free_port/_real_free_port/')"
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(60)' >"$WORK/busy.port" &
BG_PIDS+=($!)
for ((i = 0; i < 50; i++)); do
	[ -s "$WORK/busy.port" ] && break
	sleep 0.05
done
BUSY=$(cat "$WORK/busy.port")
free_port() {
	if [ ! -e "$WORK/busy.used" ]; then
		: >"$WORK/busy.used"
		echo "$BUSY"
	else
		_real_free_port
	fi
}
saved=("$GIT_DAEMON_PORT" "$GIT_DAEMON_PID" "$GIT_DAEMON_URL")
rm -f "$WORK/busy.used"
if start_git_daemon "$REPOS" "$S_RACE" 2>"$LOG" && [ "$GIT_DAEMON_PORT" != "$BUSY" ]; then
	pass "git daemon retries when the port is taken"
	PGIDS+=("$GIT_DAEMON_PID")
else
	fail "git daemon retries when the port is taken"
fi
saved_http=("$HTTP_PORT" "$HTTP_PID" "$HTTP_URL")
rm -f "$WORK/busy.used"
if start_http "$REPOS" "$S_RACE" 2>"$LOG" && [ "$HTTP_PORT" != "$BUSY" ]; then
	pass "lighttpd retries when the port is taken"
	PGIDS+=("$HTTP_PID")
else
	fail "lighttpd retries when the port is taken"
fi
check "stop the retry servers" stop_servers "$S_RACE"
eval "$(declare -f _real_free_port | sed '1s/_real_free_port/free_port/')"
GIT_DAEMON_PORT=${saved[0]} GIT_DAEMON_PID=${saved[1]} GIT_DAEMON_URL=${saved[2]}
HTTP_PORT=${saved_http[0]} HTTP_PID=${saved_http[1]} HTTP_URL=${saved_http[2]}

# ---------------------------------------------------------------------------
# clients

alpha_main=$(fq branch alpha main)
v10=$(fq tagcommit alpha v1.0)
read -r _ mid_pin < <(fq sub super 0)
read -r _ sub_pin < <(fq sub mid 0)
big_main=$(fq branch big main)

for proto in git http; do
	if [ $proto = git ]; then url=$GIT_DAEMON_URL; else url=$HTTP_URL; fi
	d=$WORK/$proto
	mkdir -p "$d"

	check "$proto: clone alpha" git clone -q "$url/alpha.git" "$d/alpha"
	same "$proto: alpha HEAD" "$alpha_main" "$(git -C "$d/alpha" rev-parse HEAD 2>&1)"
	same "$proto: alpha branches" "origin/HEAD origin/dev origin/feature/x origin/main" \
		"$(git -C "$d/alpha" for-each-ref --format='%(refname:short)' refs/remotes | sort | tr '\n' ' ' | sed 's/ $//')"
	same "$proto: alpha tags" "dev-tag v1.0 v1.1" "$(git -C "$d/alpha" tag | sort | tr '\n' ' ' | sed 's/ $//')"
	check "$proto: alpha symlink and executable" test -L "$d/alpha/docs/readme-link" -a -x "$d/alpha/bin/alpha-run"
	check "$proto: alpha fsck" git -C "$d/alpha" fsck --strict --no-progress

	check "$proto: clone --recurse-submodules super" \
		git clone -q --recurse-submodules "$url/super.git" "$d/super"
	same "$proto: super -> mid pin" "$mid_pin" "$(git -C "$d/super/lib/mid" rev-parse HEAD 2>&1)"
	same "$proto: mid -> sub pin" "$sub_pin" "$(git -C "$d/super/lib/mid/deps/sub" rev-parse HEAD 2>&1)"
	same "$proto: nested submodule came from this server" "$url/sub.git" \
		"$(git -C "$d/super/lib/mid/deps/sub" config remote.origin.url 2>&1)"

	check "$proto: clone --depth 1 big" git clone -q --depth 1 "$url/big.git" "$d/big"
	same "$proto: big shallow HEAD" "$big_main" "$(git -C "$d/big" rev-parse HEAD 2>&1)"
	same "$proto: big is shallow" "1 true" \
		"$(git -C "$d/big" rev-list --count HEAD 2>&1) $(git -C "$d/big" rev-parse --is-shallow-repository 2>&1)"

	# Fetch of a reachable but unadvertised commit by SHA, in both protocol
	# versions (v0 needs uploadpack.allowReachableSHA1InWant).
	for v in 0 2; do
		git init -q "$d/bysha$v"
		check "$proto: fetch by SHA (protocol v$v)" \
			git -C "$d/bysha$v" -c protocol.version=$v fetch -q --depth 1 "$url/alpha.git" "$v10"
		same "$proto: fetched commit (protocol v$v)" "$v10" "$(git -C "$d/bysha$v" rev-parse FETCH_HEAD 2>&1)"
	done

	check "$proto: clone empty repo" git clone -q "$url/empty.git" "$d/empty"

	bad=$(ls_remote_all "$url" "$d/ls-remote")
	same "$proto: ls-remote of every repo matches fleet.json" "" "${bad% }"

	check "$proto: missing repo fails" not git ls-remote "$url/nonexistent.git"
done

speaks_v2() {
	GIT_TRACE_PACKET=1 git ls-remote "$1" 2>&1 | grep -q '< version 2'
}
check "http: Git-Protocol header reaches git-http-backend (v2)" speaks_v2 "$HTTP_URL/beta.git"
check "http: access log records upload-pack POSTs" \
	grep -q 'POST /git/alpha.git/git-upload-pack HTTP/1.1" 200' "$S_HTTP/http-access.log"

# A client that connects and then stalls leaves git daemon's per-connection
# child and its upload-pack waiting; stop_servers must take them down too.
python3 - "$GIT_DAEMON_PORT" <<'EOF' >"$WORK/stall.out" 2>&1 &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
req = b"git-upload-pack /big.git\0host=127.0.0.1\0"
s.sendall(b"%04x" % (len(req) + 4) + req)
s.recv(4)          # the advertisement has started: upload-pack is running
print("connected", flush=True)
s.settimeout(30)
try:
    while s.recv(65536):
        pass
    print("eof")
except OSError as e:
    print("error", e)
EOF
stall=$!
BG_PIDS+=("$stall")
for ((i = 0; i < 100; i++)); do
	grep -q connected "$WORK/stall.out" 2>/dev/null && break
	sleep 0.05
done
holds_upload_pack() {
	pgrep -a -g "$1" | grep -q upload-pack
}
check "stalled client holds an upload-pack" holds_upload_pack "$GIT_DAEMON_PID"

# ---------------------------------------------------------------------------
# shutdown

check "stop_servers (daemon)" stop_servers "$S_DAEMON"
check "stop_servers (http)" stop_servers "$S_HTTP"
check "stop_servers is idempotent" stop_servers "$S_DAEMON"
check "stop_servers on a missing STATEDIR" stop_servers "$WORK/never-used"
for ((i = 0; i < 100; i++)); do
	kill -0 "$stall" 2>/dev/null || break
	sleep 0.05
done
check "stalled client saw the connection close" grep -qE '^(eof|error)' "$WORK/stall.out"
check "no server processes left" no_leftovers
check "daemon port closed" not git ls-remote "$GIT_DAEMON_URL/alpha.git"
check "http port closed" not git ls-remote "$HTTP_URL/alpha.git"

printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
