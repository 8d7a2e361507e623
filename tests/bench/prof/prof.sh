#!/usr/bin/env bash
# Where a cold clone's CPU goes: githerd next to `git clone`, one
# repository over http (git http-backend behind lighttpd on 127.0.0.1).
# Not part of make check.
#
#   tests/bench/prof/prof.sh setup             make the repositories, start the server
#   tests/bench/prof/prof.sh time big|small [N]  wall and CPU, N runs each (3),
#                                    interleaved (GITHERD_BASE=path: a third)
#   tests/bench/prof/prof.sh callgrind big|small TAG   instruction counts per process
#   tests/bench/prof/prof.sh phases TAG         the per-phase table of a callgrind run
#   tests/bench/prof/prof.sh stop              stop the server
#
# Everything lives in $PROF_DIR (default /dev/shm/ghprof: a tmpfs, so that
# the disk is not measured).  GITHERD=path compares another build; GIT=path
# (with GIT_EXEC_PATH) another git, e.g. one built with symbols so that
# phases.py can split clone's own process into checkout, refs and other.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
D=${PROF_DIR:-/dev/shm/ghprof}
GITHERD=${GITHERD:-$TOP/githerd}
GIT=${GIT:-git}
# No user or system configuration may change what is measured.
export HOME=$D/home GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0

url() {
	cat "$D/url"
}

setup() {
	mkdir -p "$D/repos" "$D/state" "$D/home" "$D/cg"
	for r in big small; do
		[ -d "$D/repos/$r.git" ] || python3 "$HERE/mkros.py" $r "$D/repos/$r.git"
	done
	# shellcheck source=../../lib/servers.sh
	. "$TOP/tests/lib/servers.sh"
	start_http "$D/repos" "$D/state"
	echo "$HTTP_URL" >"$D/url"
	for r in big small; do
		printf 'repos:\n  - url: %s/%s.git\n' "$HTTP_URL" $r >"$D/$r.yaml"
	done
	echo "serving $HTTP_URL/{big,small}.git"
}

stop() {
	. "$TOP/tests/lib/servers.sh"
	stop_servers "$D/state"
}

# run_git REPO and run_githerd REPO: one cold clone each, into $D/out.
run_git() {
	rm -rf "$D/out"
	"$GIT" clone -q "$(url)/$1.git" "$D/out/$1"
}

run_githerd() {
	rm -rf "$D/out"
	mkdir -p "$D/out"
	"$GITHERD" sync -q -j 1 -C "$D/out" --progress none "$D/$1.yaml"
}

# Wall, user and system seconds of one command and its children.
timed() {
	python3 - "$@" <<'EOF'
import os, subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[1:], check=True)
w = time.monotonic() - t
# the children's rusage, as /usr/bin/time -v reports it
import resource
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f %.3f %.3f" % (w, u.ru_utime, u.ru_stime))
EOF
}

# GITHERD_BASE=path adds a third column: another githerd, say before a change.
run_base() {
	GITHERD=$GITHERD_BASE run_githerd "$@"
}

timeit() {
	local repo=$1 n=${2:-3} i tools="git githerd"
	[ -n "${GITHERD_BASE-}" ] && tools="git base githerd"
	export -f run_git run_githerd run_base url
	export D GITHERD GIT GITHERD_BASE
	for ((i = 1; i <= n; i++)); do
		for tool in $tools; do
			printf '%s %s %d ' "$repo" $tool $i
			timed bash -c "run_$tool $repo"
		done
	done | awk '{print; w[$2]+=$4; c[$2]+=$5+$6; n[$2]++}
	    END {for (t in w) printf "mean %s wall %.3f cpu %.3f\n", t, w[t]/n[t], c[t]/n[t];
		 for (t in w) if (t != "git") printf "%s/git wall %.3f cpu %.3f\n", t,
		     w[t]/w["git"], c[t]/c["git"]}'
}

callgrind() {
	local repo=$1 tag=$2
	rm -f "$D/cg/$tag".*.out
	rm -rf "$D/out"
	valgrind --tool=callgrind --trace-children=yes \
	    --callgrind-out-file="$D/cg/$tag.git.%p.out" \
	    "$GIT" clone -q "$(url)/$repo.git" "$D/out/$repo" \
	    2>"$D/cg/$tag.git.log"
	rm -rf "$D/out"
	mkdir -p "$D/out"
	valgrind --tool=callgrind --trace-children=yes \
	    --callgrind-out-file="$D/cg/$tag.githerd.%p.out" \
	    "$GITHERD" sync -q -j 1 -C "$D/out" --progress none \
	    --stall-timeout 600 "$D/$repo.yaml" 2>"$D/cg/$tag.githerd.log"
	python3 "$HERE/phases.py" "$D/cg" "$tag"
}

case ${1-} in
setup) setup ;;
stop) stop ;;
time) timeit "${2:?big or small}" "${3:-3}" ;;
callgrind) callgrind "${2:?big or small}" "${3:?tag}" ;;
phases) python3 "$HERE/phases.py" "$D/cg" "${2:?tag}" ;;
*) sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
