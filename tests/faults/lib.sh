# shellcheck shell=bash
# Fault-injection helpers: proxies that break connections, an HTTP front
# that answers errors, a workspace with a bystander whose bytes must never
# change, and checks of what a run left behind.

# start_front SCRIPT [--always] [--retry-after S]: sets FRONT_URL, FRONT_LOG.
start_front() {
	local script=$1
	shift
	FRONT_LOG=$OUT/front.log
	_start_helper "$OUT/front.ready" python3 "$TOP/tests/faults/httpfront.py" \
	    --target "$HTTP_PORT" --script "$script" --ready "$OUT/front.ready" \
	    --log "$FRONT_LOG" "$@" || return 1
	FRONT_PORT=$HELPER_PORT
	FRONT_URL=http://127.0.0.1:$FRONT_PORT/git
}

# After each case (tests/lib/suite.sh): helpers, a run left behind, our
# mounts.
case_cleanup() {
	stop_helpers
	unmount_all
}

# A workspace that already holds a clone ("bystander") every case must
# leave byte for byte as it was.  fault_manifest writes the manifest:
# the bystander plus the entry under test, "victim", at URL.
bystander_setup() {
	printf 'repos:\n  - url: %s/alpha.git\n    path: bystander\n' "$GIT_URL" \
	    >"$OUT/by.yaml"
	"$BIN" sync -C "$WS" "$OUT/by.yaml" >/dev/null 2>&1 || fail "bystander clone"
	BYSTANDER=$(entry_digest "$WS/bystander")
}

fault_manifest() {	# URL [entry lines...]
	local url=$1
	shift
	{
		printf 'repos:\n  - url: %s/alpha.git\n    path: bystander\n' "$GIT_URL"
		printf '  - url: %s\n    path: victim\n' "$url"
		for line in "$@"; do echo "    $line"; done
	} >"$OUT/m.yaml"
}

# run_fault [githerd options...]: sync with fast retries; exit status in
# $OUT/status, report in $OUT/r.json.
run_fault() {
	"$BIN" sync -C "$WS" --json "$OUT/r.json" --retry-delay 0.1 "$@" \
	    "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	echo $? >"$OUT/status"
}

# victim FIELD: a field of the victim's entry in the report.
victim() {
	python3 - "$OUT/r.json" "$1" <<'PY'
import json, sys
r = [x for x in json.load(open(sys.argv[1]))["repos"] if x["path"] == "victim"][0]
v = r
for k in sys.argv[2].split("."):
    v = v[k] if v is not None else None
print(v if not isinstance(v, bool) else str(v).lower())
PY
}

# The checks every case ends with: exit status, the victim's class,
# nothing lost, nothing left behind.
expect_outcome() {	# EXIT CLASS|ok
	expect_exit "$1" "$(cat "$OUT/status")" "exit status"
	if [ "$2" = ok ]; then
		expect_eq None "$(victim error)" "victim error"
	else
		expect_eq "$2" "$(victim error.class)" "error class in the report"
	fi
	expect_eq "$BYSTANDER" "$(entry_digest "$WS/bystander")" "bystander bytes, refs and HEAD"
	expect_no_tmp "$WS" "after the run"
	wait_for 2 no_live_procs "sync -C $WS" || fail "processes left: $(live_procs "sync -C $WS")"
	if [ "$2" != ok ] && [ "$1" != 0 ]; then
		[ ! -e "$WS/victim" ] || fail "a failed clone left $WS/victim"
	fi
}

# mount_tmpfs DIR SIZE: a small filesystem of our own at DIR (root only),
# unmounted by case_cleanup.  Fails quietly when mounting is not allowed.
MOUNTS=()
mount_tmpfs() {
	[ "$(id -u)" = 0 ] || return 1
	mkdir -p "$1"
	mount -t tmpfs -o "size=$2,mode=0755" githerd-test "$1" 2>/dev/null || return 1
	MOUNTS+=("$1")
}

unmount_all() {
	local m
	for m in "${MOUNTS[@]}"; do
		umount -l "$m" 2>/dev/null
	done
	MOUNTS=()
}

# The victim's class of each try, in order ("network network").
attempt_classes() {
	python3 -c 'import json,sys; print(" ".join(a["class"] for a in [x for x in json.load(open(sys.argv[1]))["repos"] if x["path"]=="victim"][0]["attempts"]))' \
	    "$OUT/r.json"
}
