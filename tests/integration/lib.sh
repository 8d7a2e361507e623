# shellcheck shell=bash
# Shared set-up for githerd's integration tests: a fixture fleet, a git
# daemon and a smart-HTTP server on 127.0.0.1, a private HOME, and small
# assertion helpers.  Sourced by tests/lib/suite.sh for every suite.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${GITHERD_BIN:-$TOP/githerd}
case $BIN in /*) ;; *) BIN=$TOP/$BIN ;; esac
# The same githerd with its test seams on (include/seams.h, make seams):
# only cases that turn a GITHERD_TEST_* knob run it.
SEAMS_BIN=${GITHERD_SEAMS_BIN:-$TOP/build/githerd-seams}
case $SEAMS_BIN in /*) ;; *) SEAMS_BIN=$TOP/$SEAMS_BIN ;; esac
FLEET=${GITHERD_TEST_FLEET:-$TOP/build/fleet-test}

# shellcheck source=../lib/servers.sh
. "$TOP/tests/lib/servers.sh"

# A private, empty HOME and no system config: no user's insteadOf, proxy
# or init.defaultBranch may change what a test sees.
setup_env() {
	SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/githerd-it.XXXXXX")
	export HOME=$SCRATCH/home
	mkdir -p "$HOME"
	export GIT_CONFIG_NOSYSTEM=1
	export GIT_TERMINAL_PROMPT=0
	export XDG_CONFIG_HOME=$HOME/.config
	unset GIT_DIR GIT_WORK_TREE http_proxy https_proxy HTTP_PROXY HTTPS_PROXY
	# Extra CAs and tokens come only from the tests that set them.
	unset GIT_SSL_CAINFO SSL_CERT_FILE SSH_AUTH_SOCK GITHERD_TOKEN
	export TERM=dumb
	# Sanitizer reports (ASan build: parent and workers alike) land in
	# files that the case runner checks after every test; a report fails it.
	mkdir -p "$SCRATCH/san"
	export ASAN_OPTIONS="log_path=$SCRATCH/san/asan:detect_leaks=1"
	export LSAN_OPTIONS="suppressions=$TOP/tests/lsan.supp:print_suppressions=0"
	export UBSAN_OPTIONS="log_path=$SCRATCH/san/ubsan:print_stacktrace=1"
	git config --global user.name "githerd tests"
	git config --global user.email "tests@githerd.invalid"
	git config --global protocol.file.allow always
}

start_fleet() {
	python3 "$TOP/tests/lib/mkfleet.py" --profile test --out "$FLEET" >/dev/null ||
	    { echo "cannot build the fixture fleet" >&2; return 1; }
	STATE=$SCRATCH/state
	mkdir -p "$STATE/daemon" "$STATE/http"
	start_git_daemon "$FLEET/repos" "$STATE/daemon" || return 1
	start_http "$FLEET/repos" "$STATE/http" || return 1
	GIT_URL=$GIT_DAEMON_URL
	# HTTP_URL comes from start_http
}

stop_fleet() {
	[ -n "${STATE:-}" ] || return 0
	stop_servers "$STATE/daemon"
	stop_servers "$STATE/http"
	[ -n "${UP_GIT:-}" ] && stop_servers "$STATE/up-daemon" && stop_servers "$STATE/up-http"
	[ -n "${STATE_SLOW:-}" ] && stop_servers "$STATE_SLOW"
	[ -d "$STATE/display" ] && stop_servers "$STATE/display"
	return 0
}

# fleet_sha NAME BRANCH|TAG: an object id from fleet.json.
fleet_branch() {
	python3 -c 'import json,sys; r=[x for x in json.load(open(sys.argv[1]))["repos"] if x["name"]==sys.argv[2]][0]; print(r["branches"][sys.argv[3]])' \
	    "$FLEET/fleet.json" "$1" "$2"
}
fleet_tag_commit() {
	python3 -c 'import json,sys; r=[x for x in json.load(open(sys.argv[1]))["repos"] if x["name"]==sys.argv[2]][0]; print(r["tags"][sys.argv[3]]["commit"])' \
	    "$FLEET/fleet.json" "$1" "$2"
}

# --- assertions: each failure is recorded; the test goes on ----------------

fail() {
	echo "    FAIL: $*"
	T_FAILED=1
}

expect_eq() {		# WANT GOT WHAT
	[ "$1" = "$2" ] || fail "$3: want '$1', got '$2'"
}

expect_exit() {		# WANT GOT WHAT
	[ "$1" = "$2" ] || fail "$3: exit status $2, want $1"
}

expect_grep() {		# PATTERN FILE WHAT
	grep -qE -- "$1" "$2" || { fail "$3: no /$1/ in $2:"; sed 's/^/      | /' "$2" | head -n 30; }
}

expect_no_grep() {	# PATTERN FILE WHAT
	if grep -qE -- "$1" "$2"; then
		fail "$3: unexpected /$1/ in $2:"
		grep -E -- "$1" "$2" | sed 's/^/      | /' | head -n 10
	fi
}

expect_missing() {	# PATH WHAT
	[ ! -e "$1" ] && [ ! -L "$1" ] || fail "$2: $1 exists"
}

# No file named like a temporary clone anywhere under a workspace.
expect_no_tmp() {	# WORKSPACE WHAT
	local left
	left=$(find "$1" -name '.githerd-tmp*' 2>/dev/null | head -n 5)
	[ -z "$left" ] || fail "$2: temporary clones left: $left"
}

# Processes (not zombies) whose command line mentions PATTERN.
live_procs() {
	local pid stat
	for pid in $(pgrep -f -- "$1" 2>/dev/null); do
		[ "$pid" = "$$" ] && continue
		stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
		stat=${stat##*) }
		[ "${stat%% *}" = Z ] && continue
		echo "$pid"
	done
}

# --- what a clone looks like, for comparing githerd with git ----------------

# Everything that makes two clones "the same": refs (with symrefs), HEAD,
# the relevant configuration, shallowness, index, and a clean status.
repo_state() {		# DIR
	local d=$1 bare
	bare=$(git -C "$d" rev-parse --is-bare-repository)
	echo "bare $bare"
	git -C "$d" for-each-ref --format='%(objectname) %(objecttype) %(refname) %(symref)'
	echo "HEAD $(git -C "$d" rev-parse -q --verify HEAD) $(git -C "$d" symbolic-ref -q HEAD)"
	echo "shallow $(git -C "$d" rev-parse --is-shallow-repository)"
	git -C "$d" config --get-regexp '^(remote\.origin\.|branch\.)' | sort
	if [ "$bare" = false ]; then
		git -C "$d" ls-files -s
		git -C "$d" status --porcelain --ignore-submodules=none
	fi
}

# Compare githerd's clone with a reference made by git; print differences.
same_clone() {		# OURS THEIRS WHAT
	local a=$SCRATCH/state-a b=$SCRATCH/state-b
	repo_state "$1" >"$a" 2>&1
	repo_state "$2" >"$b" 2>&1
	if ! diff -u "$b" "$a" >"$SCRATCH/state.diff"; then
		fail "$3: differs from git's clone (- git, + githerd)"
		sed 's/^/      | /' "$SCRATCH/state.diff" | head -n 40
	fi
	if [ "$(git -C "$1" rev-parse --is-bare-repository)" = false ] &&
	    ! diff -r --exclude=.git "$2" "$1" >"$SCRATCH/tree.diff" 2>&1; then
		fail "$3: working trees differ"
		sed 's/^/      | /' "$SCRATCH/tree.diff" | head -n 20
	fi
	if ! git -C "$1" fsck --strict --no-progress >"$SCRATCH/fsck.out" 2>&1; then
		fail "$3: git fsck failed"
		sed 's/^/      | /' "$SCRATCH/fsck.out" | head -n 20
	fi
}

# A digest of every file, symlink and directory under DIR (git dirs too),
# but githerd's own .githerd at its top, plus every ref and HEAD.
tree_digest() {		# DIR
	(cd "$1" && find . -path ./.githerd -prune -o -printf '%y %m %s %p %l\n' |
	    LC_ALL=C sort &&
	    find . -path ./.githerd -prune -o -type f -print0 | LC_ALL=C sort -z |
	    xargs -0r sha256sum) | sha256sum | cut -d' ' -f1
}

# A second HTTP server that sends each connection at KBPS KB/s, for tests
# that need clones still running when they act.  Sets SLOW_URL.
start_slow_http() {	# KBPS
	[ -n "${SLOW_URL:-}" ] && return 0
	STATE_SLOW=$STATE/slow
	mkdir -p "$STATE_SLOW"
	local save_url=$HTTP_URL save_port=$HTTP_PORT save_pid=$HTTP_PID
	SERVERS_HTTP_KBPS=$1 start_http "$FLEET/repos" "$STATE_SLOW" || return 1
	SLOW_URL=$HTTP_URL
	HTTP_URL=$save_url HTTP_PORT=$save_port HTTP_PID=$save_pid
}

# wait_for TIMEOUT-SECONDS COMMAND...: poll until COMMAND succeeds, every
# WAIT_STEP seconds (default 0.1).
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep "${WAIT_STEP:-0.1}"
	done
}

# max_fds PID [SAMPLES]: the most descriptors PID was seen holding,
# sampled every 50 ms while it runs (or SAMPLES times at most).
max_fds() {
	local max=0 n left=${2:--1}
	while [ "$left" -ne 0 ] && kill -0 "$1" 2>/dev/null; do
		n=$(ls "/proc/$1/fd" 2>/dev/null | wc -l)
		[ "$n" -gt "$max" ] && max=$n
		left=$((left - 1))
		sleep 0.05
	done
	echo "$max"
}

# Conditions for wait_for (evaluated afresh on every poll).
partial_pack_exists() {	# WS
	[ -n "$(find "$1" -path '*.githerd-tmp*/objects/pack/*' 2>/dev/null | head -n 1)" ]
}
no_live_procs() {	# PATTERN
	[ -z "$(live_procs "$1")" ]
}
no_tmp_left() {		# WS
	[ -z "$(find "$1" -name '.githerd-tmp*' 2>/dev/null | head -n 1)" ]
}

# --- upstreams that tests change -------------------------------------------
#
# Each test gets its own copies of fixture repositories under $UP/<test>/,
# served by a second git daemon and HTTP server, and a work clone of each
# to make commits, force-pushes, tags and deleted branches with git.

# ws_sync ARGS...: githerd sync into $WS, its output in $OUT/{stdout,stderr}
# and its exit status in $OUT/status (ws_status).
ws_sync() {
	"$BIN" sync -C "$WS" "$@" >"$OUT/stdout" 2>"$OUT/stderr"
	echo $? >"$OUT/status"
}
ws_status() { cat "$OUT/status"; }

start_upstreams() {
	[ -n "${UP_GIT:-}" ] && return 0
	UP=$SCRATCH/up
	mkdir -p "$UP" "$STATE/up-daemon" "$STATE/up-http"
	local save_url=$HTTP_URL save_port=$HTTP_PORT save_pid=$HTTP_PID
	local save_gurl=$GIT_DAEMON_URL save_gport=$GIT_DAEMON_PORT save_gpid=$GIT_DAEMON_PID
	start_git_daemon "$UP" "$STATE/up-daemon" || return 1
	start_http "$UP" "$STATE/up-http" || return 1
	UP_GIT=$GIT_DAEMON_URL
	UP_HTTP=$HTTP_URL
	HTTP_URL=$save_url HTTP_PORT=$save_port HTTP_PID=$save_pid
	GIT_DAEMON_URL=$save_gurl GIT_DAEMON_PORT=$save_gport GIT_DAEMON_PID=$save_gpid
}

# up_new NAME [FROM]: a fresh upstream $UP/$T_NAME/NAME.git copied from the
# fleet; its URL over git:// is then $UP_GIT/$T_NAME/NAME.git.
up_new() {
	local name=$1 from=${2:-$1}
	mkdir -p "$UP/$T_NAME"
	cp -a "$FLEET/repos/$from.git" "$UP/$T_NAME/$name.git"
	git clone -q "$UP/$T_NAME/$name.git" "$UP/$T_NAME/$name.work" 2>/dev/null
	git -C "$UP/$T_NAME/$name.work" config push.default current
}

up_git() {		# NAME GIT-ARGS...: git in the upstream's work clone
	local name=$1
	shift
	git -C "$UP/$T_NAME/$name.work" "$@"
}

# up_commit NAME BRANCH FILE TEXT: one commit on BRANCH, pushed.
up_commit() {
	up_git "$1" checkout -q "$2" 2>/dev/null || up_git "$1" checkout -q -b "$2"
	mkdir -p "$(dirname "$UP/$T_NAME/$1.work/$3")"
	printf '%s\n' "$4" >"$UP/$T_NAME/$1.work/$3"
	up_git "$1" add -A
	up_git "$1" commit -q -m "upstream: $3"
	up_git "$1" push -q -f origin "$2" 2>/dev/null
}

# up_link NAME PATH TARGET: a commit on the checked-out branch adding the
# symbolic link PATH -> TARGET, pushed.
up_link() {
	ln -s "$3" "$UP/$T_NAME/$1.work/$2"
	up_git "$1" add "$2"
	up_git "$1" commit -q -m "a symbolic link"
	up_git "$1" push -q origin HEAD 2>/dev/null
}

# up_rewrite NAME BRANCH: replace the branch's last commit (a force-push).
up_rewrite() {
	up_git "$1" checkout -q "$2"
	up_git "$1" reset -q --hard HEAD~1
	printf 'rewritten %s\n' "$RANDOM" >"$UP/$T_NAME/$1.work/rewritten.txt"
	up_git "$1" add -A
	up_git "$1" commit -q -m "upstream: rewritten"
	up_git "$1" push -q -f origin "$2" 2>/dev/null
}

up_sha() {		# NAME REF
	git -C "$UP/$T_NAME/$1.git" rev-parse "$2"
}

# Requests for packs (not ref listings) an HTTP server has logged so far.
# lighttpd buffers its access log; SIGHUP makes it write everything out.
http_fetches() {	# STATEDIR
	local pid _
	read -r pid _ <"$1/http.group" && kill -HUP "$pid" 2>/dev/null
	sleep 0.3
	grep -c 'POST /git/.*git-upload-pack' "$1/http-access.log" 2>/dev/null || true
}

# What a skipped entry must keep while its fetch may add objects,
# remote-tracking refs and tags, as git fetch would: every byte of the
# work tree, the index, the configuration, HEAD, the local branches and
# their reflogs.
checkout_digest() {	# DIR
	{
		(cd "$1" && find . -path ./.git -prune -o -printf '%y %m %s %p %l\n' |
		    LC_ALL=C sort &&
		    find . -path ./.git -prune -o -type f -print0 | LC_ALL=C sort -z |
		    xargs -0r sha256sum)
		cat "$1/.git/index" "$1/.git/config" "$1/.git/HEAD" 2>/dev/null
		git -C "$1" for-each-ref --format='%(objectname) %(refname)' refs/heads
		git -C "$1" rev-parse HEAD 2>/dev/null
		find "$1/.git/logs" -path '*/logs/refs/remotes' -prune -o -type f -print0 \
		    2>/dev/null | LC_ALL=C sort -z | xargs -0r cat
	} | sha256sum | cut -d' ' -f1
}

# The entry's remote-tracking branches are the upstream's branches, one
# for one (what `git fetch --prune` leaves).
expect_tracking_is_upstream() {	# UPSTREAM-NAME DIR WHAT
	git -C "$UP/$T_NAME/$1.git" for-each-ref --format='%(objectname) %(refname:lstrip=2)' \
	    refs/heads >"$OUT/tracking.up"
	git -C "$2" for-each-ref --format='%(objectname) %(refname:lstrip=3)' \
	    refs/remotes/origin | grep -v ' HEAD$' >"$OUT/tracking.ours"
	diff -u "$OUT/tracking.up" "$OUT/tracking.ours" >"$OUT/tracking.diff" ||
	    { fail "$3: remote-tracking refs differ from upstream's branches (- upstream, + entry)"; sed 's/^/      | /' "$OUT/tracking.diff" | head -n 20; }
}

# Everything a skipped entry must keep: every byte, every ref, HEAD.
entry_digest() {	# DIR
	{
		tree_digest "$1"
		git -C "$1" for-each-ref --format='%(objectname) %(refname)'
		git -C "$1" rev-parse HEAD 2>/dev/null
		git -C "$1" symbolic-ref -q HEAD
	} | sha256sum | cut -d' ' -f1
}

# report_field REPORT PATH FIELD: one field (a.b for nested) of an entry
# of a JSON report.
report_field() {	# REPORT PATH FIELD
	python3 - "$@" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
e = [x for x in r["repos"] if x["path"] == sys.argv[2]][0]
v = e
for k in sys.argv[3].split("."):
    v = v.get(k) if isinstance(v, dict) else None
print(v)
PY
}
