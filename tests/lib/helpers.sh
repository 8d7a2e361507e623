# shellcheck shell=bash
# Helper processes for the shell suites: Python proxies and fronts that
# tests start on 127.0.0.1, and their cleanup after every case.

HELPER_PIDS=()

# _start_helper READY-FILE COMMAND...: start a Python helper in the
# background (in this shell, so its PID is kept), wait for the port it
# writes into READY-FILE, and set HELPER_PORT.
_start_helper() {
	local ready=$1 i
	shift
	rm -f "$ready"
	"$@" >"$ready.out" 2>&1 &
	HELPER_PIDS+=($!)
	for i in $(seq 1 100); do
		if [ -s "$ready" ]; then
			read -r HELPER_PORT <"$ready"
			return 0
		fi
		sleep 0.05
	done
	echo "helper did not start: $*" >&2
	cat "$ready.out" >&2
	return 1
}

# start_proxy TARGET-PORT MODE [FIRST-K [faultproxy options...]]: a
# tests/faults/faultproxy.py in front of TARGET-PORT; sets PROXY_PORT and
# PROXY_LOG (one line per connection) and PROXY_STATS (most connections
# open at once).
start_proxy() {
	local target=$1 mode=$2 first=${3:-0}
	shift 2
	[ $# -gt 0 ] && shift
	PROXY_LOG=$OUT/proxy.log
	PROXY_STATS=$OUT/proxy.stats
	_start_helper "$OUT/proxy.ready" python3 "$TOP/tests/faults/faultproxy.py" \
	    --target "$target" --mode "$mode" --first "$first" \
	    --ready "$OUT/proxy.ready" --log "$PROXY_LOG" \
	    --stats "$PROXY_STATS" "$@" || return 1
	PROXY_PORT=$HELPER_PORT
}

# start_http_proxy: tests/lib/httpproxy.py, a forward proxy (CONNECT and
# absolute-form requests); sets HTTP_PROXY_PORT and HTTP_PROXY_LOG (the
# first request line of every connection).
start_http_proxy() {
	HTTP_PROXY_LOG=$OUT/httpproxy.log
	_start_helper "$OUT/httpproxy.ready" python3 "$TOP/tests/lib/httpproxy.py" \
	    --ready "$OUT/httpproxy.ready" --log "$HTTP_PROXY_LOG" || return 1
	HTTP_PROXY_PORT=$HELPER_PORT
}

stop_helpers() {
	local p
	# A run a failed case left behind.
	if [ -n "${RUN_PID:-}" ] && kill -0 "$RUN_PID" 2>/dev/null; then
		kill -KILL "$RUN_PID" 2>/dev/null
		wait "$RUN_PID" 2>/dev/null
	fi
	RUN_PID=
	for p in "${HELPER_PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${HELPER_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	HELPER_PIDS=()
}

