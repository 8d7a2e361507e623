#!/usr/bin/env bash
# make bench: build the corpus, serve it on 127.0.0.1, and run bench.py,
# which prints the markdown table.  Not part of make check.
#
#   tests/bench/run.sh              (BENCH_RUNS=N, BENCH_ONLY=small-git,...,
#                                    GITHERD=another/githerd to compare builds,
#                                    BENCH_SCALE=F: the ROS 2 corpus times F)
set -euo pipefail
cd "$(dirname "$0")/../.."
TOP=$PWD
# shellcheck source=../lib/servers.sh
. tests/lib/servers.sh

B=$TOP/build/bench
TINY_COUNT=${TINY_COUNT:-10000}
BENCH_SCALE=${BENCH_SCALE:-1}
mkdir -p "$B"

# want SCENARIO...: true if BENCH_ONLY is empty or names one of them.  Only
# the corpora and servers of the selected scenarios are made, so that
# BENCH_ONLY=ros2-cold does not first generate the 140 MB mixed set.
want() {
	local s
	[ -z "${BENCH_ONLY:-}" ] && return 0
	for s in "$@"; do
		case ,$BENCH_ONLY, in *,"$s",*) return 0 ;; esac
	done
	return 1
}
ROS2_ALL="ros2-cold ros2-warm-cache ros2-cache-10pct ros2-depth1-http ros2-4ci"

if want small-git small-http; then
	python3 tests/lib/mkfleet.py --profile bench-small --out "$B/small" -v >&2
fi
if want mixed large; then
	python3 tests/lib/mkfleet.py --profile bench-mixed --out "$B/mixed" -v >&2
fi

# Upstreams for the mirror refresh: copies the bench may change.
if want mirrors; then
	python3 tests/lib/mkfleet.py --profile bench-small --out "$B/small" -v >&2
	rm -rf "$B/up"
	cp -a "$B/small/repos" "$B/up"
fi

# The ROS 2 corpus, one directory per scale, and a copy of it whose
# upstreams the 10% scenario moves (and puts back).
# shellcheck disable=SC2086
if want $ROS2_ALL; then
	R2=$B/ros2
	[ "$BENCH_SCALE" = 1 ] || R2=$B/ros2-s$BENCH_SCALE
	python3 tests/lib/mkfleet.py --profile bench-ros2 --scale "$BENCH_SCALE" --out "$R2" -v >&2
	if want ros2-cache-10pct; then
		rm -rf "$B/ros2-up"
		cp -a "$R2/repos" "$B/ros2-up"
	fi
fi

# 10,000 tiny repositories: one, under 10,000 names (symbolic links).
if want tiny && [ ! -e "$B/tiny/repos/t$(printf %05d $((TINY_COUNT - 1))).git" ]; then
	rm -rf "$B/tiny"
	mkdir -p "$B/tiny/repos"
	git init -q --bare --template= -b main "$B/tiny/one.git"
	blob=$(echo "tiny" | git -C "$B/tiny/one.git" hash-object -w --stdin)
	tree=$(printf '100644 blob %s\tREADME\n' "$blob" | git -C "$B/tiny/one.git" mktree)
	commit=$(GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@x.invalid GIT_COMMITTER_NAME=b \
	    GIT_COMMITTER_EMAIL=b@x.invalid GIT_AUTHOR_DATE=@1700000000 \
	    GIT_COMMITTER_DATE=@1700000000 git -C "$B/tiny/one.git" commit-tree "$tree" -m tiny)
	git -C "$B/tiny/one.git" update-ref refs/heads/main "$commit"
	(cd "$B/tiny/repos" && for i in $(seq -f %05g 0 $((TINY_COUNT - 1))); do
		ln -s ../one.git "t$i.git"
	done)
fi

# One repository with 10,000 annotated tags (ROS 2's carry thousands).
if want tags && [ ! -d "$B/tags/repos/tags.git" ]; then
	mkdir -p "$B/tags/repos"
	python3 tests/lib/mktags.py "$B/tags/repos/tags.git" 2000 10000
fi

# Workspaces on a tmpfs when we may mount one: the tools are measured,
# not ext4's inode allocator after the previous run's rm -rf.
SCRATCH=$B/scratch
mkdir -p "$SCRATCH"
umount "$SCRATCH" 2>/dev/null || true
# BENCH_DISK=1: on the real disk instead, as most users' workspaces are.
if [ -z "${BENCH_DISK:-}" ] && [ "$(id -u)" = 0 ] &&
    mount -t tmpfs -o size=8g githerd-bench "$SCRATCH" 2>/dev/null; then
	WHERE="tmpfs"
else
	WHERE="$(df -T "$SCRATCH" | awk 'NR == 2 {print $2}')"
	[ -n "${BENCH_DISK:-}" ] || WHERE="$WHERE (no tmpfs: not root)"
	rm -rf "${SCRATCH:?}"/*
fi

STATE=$B/state
rm -rf "$STATE"
SERVERS="small small-http mixed up tiny tags ros2-http ros2-up-http"
for d in $SERVERS; do mkdir -p "$STATE/$d"; done
cleanup() {
	for d in $SERVERS; do stop_servers "$STATE/$d"; done
	[ "$WHERE" = tmpfs ] && umount "$SCRATCH"
	return 0
}
trap cleanup EXIT

GIT_SMALL='' HTTP_SMALL='' GIT_MIXED='' GIT_UP='' GIT_TINY='' GIT_TAGS='' HTTP_ROS2='' HTTP_ROS2_UP=''
if want small-git; then start_git_daemon "$B/small/repos" "$STATE/small"; GIT_SMALL=$GIT_DAEMON_URL; fi
if want small-http; then start_http "$B/small/repos" "$STATE/small-http"; HTTP_SMALL=$HTTP_URL; fi
if want mixed large; then start_git_daemon "$B/mixed/repos" "$STATE/mixed"; GIT_MIXED=$GIT_DAEMON_URL; fi
if want mirrors; then start_git_daemon "$B/up" "$STATE/up"; GIT_UP=$GIT_DAEMON_URL; fi
if want tiny; then start_git_daemon "$B/tiny/repos" "$STATE/tiny"; GIT_TINY=$GIT_DAEMON_URL; fi
if want tags; then start_git_daemon "$B/tags/repos" "$STATE/tags"; GIT_TAGS=$GIT_DAEMON_URL; fi
if want ros2-cold ros2-warm-cache ros2-depth1-http ros2-4ci; then
	start_http "$R2/repos" "$STATE/ros2-http"; HTTP_ROS2=$HTTP_URL
fi
if want ros2-cache-10pct; then
	start_http "$B/ros2-up" "$STATE/ros2-up-http"; HTTP_ROS2_UP=$HTTP_URL
fi

# No user or system git configuration may change what is measured.
export HOME=$SCRATCH/home GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
mkdir -p "$HOME"
export BENCH_DIR=$SCRATCH GITHERD=${GITHERD:-$TOP/githerd} GIT_SMALL HTTP_SMALL GIT_MIXED GIT_UP \
    GIT_TINY GIT_TAGS TINY_COUNT SMALL_REPOS=$B/small/repos MIXED_REPOS=$B/mixed/repos UP_REPOS=$B/up \
    HTTP_ROS2 HTTP_ROS2_UP ROS2_FLEET=${R2:-}/fleet.json ROS2_REPOS=${R2:-}/repos \
    ROS2_UP_REPOS=$B/ros2-up ROS2_HTTP_STATE=$STATE/ros2-http ROS2_UP_HTTP_STATE=$STATE/ros2-up-http

{
	echo "githerd $("$GITHERD" version | sed -n 's/^githerd //p') (libgit2 $("$GITHERD" version | sed -n 's/^libgit2 //p')), $(git --version),"
	echo "vcstool $(dpkg-query -W -f '${Version}' vcstool 2>/dev/null || echo 'not installed');"
	echo "$(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
	echo "$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM,"
	echo "Linux $(uname -r); workspaces on $WHERE; $(date -u +%Y-%m-%d)."
	echo
} | paste -sd' ' - | sed 's/  */ /g'
echo
python3 tests/bench/bench.py
