# shellcheck shell=bash
# Loopback git servers for githerd's integration tests and `make demo`.
#
#   source tests/lib/servers.sh
#   start_git_daemon ROOT STATEDIR   # exports GIT_DAEMON_{PORT,PID,URL}
#   start_http ROOT STATEDIR         # exports HTTP_{PORT,PID,URL}
#   stop_servers STATEDIR            # kills everything started with STATEDIR
#   free_port                        # prints a free TCP port on 127.0.0.1
#
# SERVERS_HTTP_KBPS=N caps each HTTP connection at N KB/s (default: none).
#
# ROOT holds bare repositories (<name>.git); they are served as
# $GIT_DAEMON_URL/<name>.git and $HTTP_URL/<name>.git.  Call the start
# functions in the current shell, not in $(...), or the exports are lost.
# One STATEDIR holds at most one server of each kind; use separate STATEDIRs
# for more.  Everything binds to 127.0.0.1 only.  The functions are safe to
# call under `set -euo pipefail`; they are quiet unless something fails.
#
# Each server is exec'd as the leader of its own process group, and
# STATEDIR/<kind>.group records "pid starttime".  stop_servers signals the
# whole group, which also reaches git daemon's per-connection children and
# lighttpd's git-http-backend CGIs and their upload-pack/pack-objects, none
# of which change process group.  The start time guards against signalling
# an unrelated group after PID reuse (e.g. a stale STATEDIR).

_srv_err() {
	printf 'servers.sh: %s\n' "$*" >&2
}

free_port() {
	python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()' || { _srv_err "free_port: cannot find a free port"; return 1; }
}

# _srv_starttime PID: the process start time in clock ticks since boot,
# empty if there is no such process.  comm (field 2) may contain spaces and
# parentheses, so split after the last ')'.
_srv_starttime() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	# shellcheck disable=SC2086
	set -- $stat
	printf '%s\n' "${20}"
}

# _srv_alive PID: true if PID exists and is not a zombie.
_srv_alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# _srv_group_alive PGID: true while any non-zombie member is left.
_srv_group_alive() {
	local p
	for p in $(pgrep -g "$1" 2>/dev/null); do
		_srv_alive "$p" && return 0
	done
	return 1
}

# _srv_spawn LOG CMD...: start CMD in the background as leader of a new
# process group, stdin from /dev/null, stdout+stderr appended to LOG.
# Sets _SRV_PID.  python3 does the setpgid+exec so that $! is the server
# itself; setsid(1) would fork (and change $!) whenever bash job control
# has already made the child a group leader.  A separate group also keeps
# a terminal ^C aimed at the test's foreground job away from the servers.
# Ignored signals survive exec, and both bash (SIGINT/SIGQUIT for `&`
# jobs) and python (SIGPIPE, SIGXFSZ) ignore some: give the server the
# default dispositions a daemon started from a login shell would have.
_srv_spawn() {
	local log=$1
	shift
	python3 -c '
import os, signal, sys
for s in ("SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGPIPE", "SIGXFSZ"):
    signal.signal(getattr(signal, s), signal.SIG_DFL)
os.setpgid(0, 0)
os.execvp(sys.argv[1], sys.argv[1:])' "$@" </dev/null >>"$log" 2>&1 &
	_SRV_PID=$!
}

# _srv_record STATEDIR KIND PID
_srv_record() {
	local start
	start=$(_srv_starttime "$3") || start=unknown
	printf '%s %s\n' "$3" "$start" >"$1/$2.group"
}

# _srv_leaves PGID: live members of group PGID, other than its leader, that
# have no live child in the group (the bottom of the process tree).
_srv_leaves() {
	ps -e -o pid=,ppid=,pgid=,stat= | awk -v pg="$1" '
		$3 == pg && $4 !~ /^Z/ { live[$1] = 1; parent[$1] = $2 }
		END {
			for (p in live) if (parent[p] in live) busy[parent[p]] = 1
			for (p in live) if (p != pg && !(p in busy)) print p
		}'
}

# _srv_stop_group FILE: stop the process group recorded in FILE and wait
# until every member is gone, then remove FILE.
#
# Order matters.  If the server died first, its per-connection workers
# would be orphaned and end up as zombies of PID 1, which may reap them
# late (it takes >1 s in some sandboxes), and `pgrep`-based leak checks
# would see them.  So the workers are killed bottom-up while their parents
# are alive to reap them: pack-objects, then upload-pack, then the git
# daemon --serve / git-http-backend process above it.  They get SIGKILL
# straight away: git daemon's workers ignore SIGTERM once they have a
# client (daemon.c: "we have a good client"), and upload-pack inherits
# that.  Then the server itself gets SIGTERM, and SIGKILL after 3 s.
_srv_stop_group() {
	local file=$1 pid start now i leaves
	read -r pid start <"$file" 2>/dev/null || true
	case $pid in '' | *[!0-9]*)
		rm -f "$file"
		return 0
		;;
	esac
	now=$(_srv_starttime "$pid") || now=
	if [ -n "$now" ] && [ "$now" != "$start" ]; then
		# The leader's PID now belongs to another process: ours is long gone.
		rm -f "$file"
		return 0
	fi
	if _srv_alive "$pid"; then
		# New connections may keep arriving; give up after ~3 s and let the
		# group-wide SIGKILL below deal with any stragglers.
		for ((i = 0; i < 60; i++)); do
			leaves=$(_srv_leaves "$pid")
			[ -n "$leaves" ] || break
			# shellcheck disable=SC2086
			kill -KILL $leaves 2>/dev/null || true
			sleep 0.05
		done
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 60; i++)); do
			_srv_alive "$pid" || break
			sleep 0.05
		done
	fi
	if _srv_group_alive "$pid"; then
		kill -KILL -- "-$pid" 2>/dev/null || true
		for ((i = 0; i < 100; i++)); do
			_srv_group_alive "$pid" || break
			sleep 0.05
		done
	fi
	# Reap the leader if this shell started it; harmless (127) otherwise.
	wait "$pid" 2>/dev/null || true
	if _srv_group_alive "$pid"; then
		_srv_err "stop_servers: process group $pid survived SIGKILL"
		return 1
	fi
	# Only reachable with orphans (leader killed elsewhere, or stragglers):
	# give PID 1 a moment to reap their zombies.
	for ((i = 0; i < 40; i++)); do
		pgrep -g "$pid" >/dev/null || break
		sleep 0.05
	done
	rm -f "$file"
}

stop_servers() {
	if [ $# -ne 1 ]; then
		_srv_err "usage: stop_servers STATEDIR"
		return 2
	fi
	local state=$1 f rc=0
	[ -d "$state" ] || return 0
	for f in "$state"/*.group; do
		[ -e "$f" ] || continue
		_srv_stop_group "$f" || rc=1
	done
	return $rc
}

# _srv_prepare FUNC ROOT STATEDIR KIND: validate arguments, canonicalise
# paths into _SRV_ROOT/_SRV_STATE, refuse a second server of KIND.
_srv_prepare() {
	local fn=$1 root=$2 state=$3 kind=$4 pid start
	if [ -z "$root" ] || [ -z "$state" ]; then
		_srv_err "usage: $fn ROOT STATEDIR"
		return 2
	fi
	if [ ! -d "$root" ]; then
		_srv_err "$fn: no such directory: $root"
		return 1
	fi
	mkdir -p "$state" || {
		_srv_err "$fn: cannot create $state"
		return 1
	}
	# Physical paths: git daemon compares its whitelist with resolved paths.
	_SRV_ROOT=$(cd "$root" && pwd -P) || return 1
	_SRV_STATE=$(cd "$state" && pwd -P) || return 1
	if [ -s "$_SRV_STATE/$kind.group" ]; then
		read -r pid start <"$_SRV_STATE/$kind.group" || true
		if [ "$(_srv_starttime "$pid")" = "$start" ]; then
			_srv_err "$fn: a $kind server from $state is still running (pid $pid)"
			return 1
		fi
		# The server died without stop_servers; its workers may not have.
		_srv_stop_group "$_SRV_STATE/$kind.group" || return 1
	fi
}

# _srv_tail FILE...: show the end of logs after a failed start.
_srv_tail() {
	local f
	for f in "$@"; do
		[ -s "$f" ] || continue
		printf '%s:\n' "$f" >&2
		tail -n 15 "$f" | sed 's/^/    /' >&2
	done
}

start_git_daemon() {
	_srv_prepare start_git_daemon "${1-}" "${2-}" git-daemon || return
	local root=$_SRV_ROOT state=$_SRV_STATE
	local log=$state/git-daemon.log daemon port pid i ready
	# Run git-daemon itself: the `git daemon` wrapper would stay around as
	# the parent, so $! would not be the listening daemon.
	daemon=$(git --exec-path 2>/dev/null)/git-daemon
	if [ ! -x "$daemon" ]; then
		_srv_err "start_git_daemon: $daemon not found (git daemon not installed?)"
		return 1
	fi
	for _ in 1 2 3 4 5; do
		port=$(free_port) || return 1
		: >"$log"
		rm -f "$state/git-daemon.pid"
		_srv_spawn "$log" "$daemon" --listen=127.0.0.1 --port="$port" \
			--export-all --reuseaddr --base-path="$root" \
			--pid-file="$state/git-daemon.pid" --verbose "$root"
		pid=$_SRV_PID
		_srv_record "$state" git-daemon "$pid"
		ready=
		for ((i = 0; i < 200; i++)); do
			if grep -q 'Ready to rumble' "$log" 2>/dev/null; then
				ready=1
				break
			fi
			_srv_alive "$pid" || break
			sleep 0.05
		done
		if [ -n "$ready" ]; then
			export GIT_DAEMON_PORT=$port GIT_DAEMON_PID=$pid
			export GIT_DAEMON_URL=git://127.0.0.1:$port
			return 0
		fi
		_srv_stop_group "$state/git-daemon.group"
		# Lost the race for the port to another process: try another one.
		grep -qiE 'address already in use|unable to allocate' "$log" && continue
		if ((i >= 200)); then
			_srv_err "start_git_daemon: not ready after 10 s"
		else
			_srv_err "start_git_daemon: git daemon exited during startup"
		fi
		_srv_tail "$log"
		return 1
	done
	_srv_err "start_git_daemon: no free port after 5 attempts"
	_srv_tail "$log"
	return 1
}

# _srv_http_probe URL PID STRICT: poll URL for up to 10 s.  Returns 0 once
# it answers 200 (or, with STRICT=0, any HTTP status at all), 2 if PID died
# first, 1 on timeout.  The opener ignores proxy settings: loopback traffic
# must never go through a developer's http_proxy.
_srv_http_probe() {
	python3 - "$@" <<'EOF'
import sys, time, urllib.request, urllib.error
url, pid, strict = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
deadline = time.monotonic() + 10
def alive():
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(") ", 1)[1][0] != "Z"
    except OSError:
        return False
while time.monotonic() < deadline:
    if not alive():
        sys.exit(2)
    try:
        with opener.open(url, timeout=2) as r:
            if r.status == 200 or not strict:
                sys.exit(0)
    except urllib.error.HTTPError:
        if not strict:
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.05)
sys.exit(1)
EOF
}

_srv_lighttpd() {
	if command -v lighttpd >/dev/null 2>&1; then
		command -v lighttpd
	elif [ -x /usr/sbin/lighttpd ]; then
		echo /usr/sbin/lighttpd
	else
		return 1
	fi
}

start_http() {
	_srv_prepare start_http "${1-}" "${2-}" http || return
	local root=$_SRV_ROOT state=$_SRV_STATE
	local conf=$state/lighttpd.conf out=$state/lighttpd.out
	local lighttpd backend port pid rc repo d throttle=
	lighttpd=$(_srv_lighttpd) || {
		_srv_err "start_http: lighttpd is not installed"
		return 1
	}
	backend=$(git --exec-path 2>/dev/null)/git-http-backend
	if [ ! -x "$backend" ]; then
		_srv_err "start_http: $backend not found"
		return 1
	fi
	case $root$state in *[\"\\]*)
		_srv_err "start_http: paths with quotes or backslashes are not supported"
		return 1
		;;
	esac
	mkdir -p "$state/htdocs" "$state/tmp" || return 1

	# Readiness means a real round trip through git-http-backend, so probe
	# the first repository; with none, any answer from lighttpd will do.
	repo=
	for d in "$root"/*.git; do
		if [ -e "$d/HEAD" ]; then
			repo=${d##*/}
			break
		fi
	done

	# Optional bandwidth cap per connection, e.g. so that `make demo` shows
	# progress instead of finishing every clone in a blink.
	case ${SERVERS_HTTP_KBPS-} in
	'') ;;
	*[!0-9]*)
		_srv_err "start_http: SERVERS_HTTP_KBPS must be a number of KB/s"
		return 1
		;;
	*) throttle="connection.kbytes-per-second = $SERVERS_HTTP_KBPS" ;;
	esac

	for _ in 1 2 3 4 5; do
		port=$(free_port) || return 1
		# No server.username: lighttpd then keeps the invoking user, root
		# included.  Response streaming (1) lets clients see the pack (and
		# progress) as upload-pack produces it instead of after lighttpd
		# buffered it all; request bodies stay fully buffered (the default)
		# so the CGI always gets a CONTENT_LENGTH even for chunked POSTs.
		cat >"$conf" <<EOF
server.modules = ( "mod_alias", "mod_setenv", "mod_cgi", "mod_accesslog" )
server.bind = "127.0.0.1"
server.port = $port
server.document-root = "$state/htdocs"
server.pid-file = "$state/lighttpd.pid"
server.errorlog = "$state/http-error.log"
server.upload-dirs = ( "$state/tmp" )
server.stream-response-body = 1
accesslog.filename = "$state/http-access.log"
$throttle
alias.url = ( "/git" => "$backend" )
\$HTTP["url"] =~ "^/git/" {
	cgi.assign = ( "" => "" )
	setenv.set-environment = (
		"GIT_PROJECT_ROOT" => "$root",
		"GIT_HTTP_EXPORT_ALL" => "1"
	)
}
EOF
		: >"$out"
		: >"$state/http-error.log"
		_srv_spawn "$out" "$lighttpd" -D -f "$conf"
		pid=$_SRV_PID
		_srv_record "$state" http "$pid"
		rc=0
		if [ -n "$repo" ]; then
			_srv_http_probe "http://127.0.0.1:$port/git/$repo/info/refs?service=git-upload-pack" "$pid" 1 || rc=$?
		else
			_srv_http_probe "http://127.0.0.1:$port/" "$pid" 0 || rc=$?
		fi
		if [ $rc -eq 0 ]; then
			export HTTP_PORT=$port HTTP_PID=$pid
			export HTTP_URL=http://127.0.0.1:$port/git
			# curl (hence git) honours http_proxy; keep loopback direct.
			case ,${no_proxy-}, in *,127.0.0.1,*) ;; *)
				export no_proxy=127.0.0.1${no_proxy:+,$no_proxy} ;;
			esac
			case ,${NO_PROXY-}, in *,127.0.0.1,*) ;; *)
				export NO_PROXY=127.0.0.1${NO_PROXY:+,$NO_PROXY} ;;
			esac
			return 0
		fi
		_srv_stop_group "$state/http.group"
		if grep -qiE 'address already in use' "$out" "$state/http-error.log" 2>/dev/null; then
			continue
		fi
		if [ $rc -eq 2 ]; then
			_srv_err "start_http: lighttpd exited during startup"
		else
			_srv_err "start_http: lighttpd on port $port did not answer 200 within 10 s"
		fi
		_srv_tail "$out" "$state/http-error.log" "$state/http-access.log"
		return 1
	done
	_srv_err "start_http: no free port after 5 attempts"
	_srv_tail "$out" "$state/http-error.log"
	return 1
}
