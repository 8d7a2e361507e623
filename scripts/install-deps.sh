#!/bin/sh
# Install everything githerd needs to build, test and run its demo;
# with --bench, also what make bench compares githerd with (vcstool).
#
# Idempotent; run as root on Debian 12 (bookworm).  libgit2 >= 1.7 is needed
# for shallow clones and server timeouts; bookworm ships 1.5, so libgit2-dev
# comes from bookworm-backports (1.8.x).  On any other system this prints
# what is missing and exits non-zero instead of guessing a package manager.
#
# This script is the single source of truth for dependencies: the Makefile,
# .ci/run and the README all call it.
set -eu

# Packages: build, tests (servers the tests start on loopback), demo.
PKGS_MAIN="build-essential pkg-config git git-lfs libyaml-dev libexpat1-dev libcriterion-dev
libunistring-dev libssh2-1-dev lighttpd lighttpd-mod-openssl openssh-server openssh-client
procps bsdutils util-linux iproute2 python3 ca-certificates openssl mandoc
bash-completion zsh"
PKG_BACKPORT="libgit2-dev"
# make bench compares githerd with vcstool's `vcs import`.
PKGS_BENCH="vcstool"
BENCH=0
[ "${1:-}" = --bench ] && BENCH=1
MIN_LIBGIT2=1.7.0

have_all() {
	command -v cc >/dev/null 2>&1 || return 1
	command -v make >/dev/null 2>&1 || return 1
	command -v pkg-config >/dev/null 2>&1 || return 1
	command -v git >/dev/null 2>&1 || return 1
	command -v lighttpd >/dev/null 2>&1 || [ -x /usr/sbin/lighttpd ] || return 1
	command -v script >/dev/null 2>&1 || return 1
	command -v python3 >/dev/null 2>&1 || return 1
	command -v mandoc >/dev/null 2>&1 || return 1
	command -v openssl >/dev/null 2>&1 || return 1
	[ -x /usr/sbin/sshd ] || return 1
	command -v ssh-keygen >/dev/null 2>&1 || return 1
	command -v ssh-agent >/dev/null 2>&1 || return 1
	command -v ip >/dev/null 2>&1 || return 1
	command -v zsh >/dev/null 2>&1 || return 1
	[ -r /usr/share/bash-completion/bash_completion ] || return 1
	[ -e /usr/lib/lighttpd/mod_openssl.so ] || return 1
	pkg-config --exists libssh2 2>/dev/null || return 1
	pkg-config --atleast-version="$MIN_LIBGIT2" libgit2 2>/dev/null || return 1
	pkg-config --exists yaml-0.1 2>/dev/null || return 1
	pkg-config --exists expat 2>/dev/null || return 1
	command -v git-lfs >/dev/null 2>&1 || return 1
	[ -r /usr/include/uninorm.h ] || return 1	# no .pc file on Debian
	pkg-config --exists criterion 2>/dev/null || return 1
	[ -x "$(git --exec-path 2>/dev/null)/git-http-backend" ] || return 1
	[ "$BENCH" = 0 ] || command -v vcs >/dev/null 2>&1 || return 1
	return 0
}

report_missing() {
	echo "githerd needs:" >&2
	command -v cc >/dev/null 2>&1 || echo "  - a C compiler (cc)" >&2
	command -v make >/dev/null 2>&1 || echo "  - make" >&2
	command -v pkg-config >/dev/null 2>&1 || echo "  - pkg-config" >&2
	command -v git >/dev/null 2>&1 || echo "  - git (with git-http-backend)" >&2
	command -v lighttpd >/dev/null 2>&1 || [ -x /usr/sbin/lighttpd ] ||
	    echo "  - lighttpd (tests serve smart HTTP with it)" >&2
	command -v script >/dev/null 2>&1 || echo "  - script(1) from util-linux" >&2
	command -v python3 >/dev/null 2>&1 || echo "  - python3 (test helpers)" >&2
	command -v mandoc >/dev/null 2>&1 || echo "  - mandoc (man page lint)" >&2
	[ -x /usr/sbin/sshd ] || echo "  - openssh-server (tests run sshd on loopback)" >&2
	command -v ssh-agent >/dev/null 2>&1 || echo "  - openssh-client (ssh-keygen, ssh-agent)" >&2
	command -v ip >/dev/null 2>&1 || echo "  - iproute2 (tests bring up lo in a netns)" >&2
	command -v zsh >/dev/null 2>&1 || echo "  - zsh (completion tests)" >&2
	[ -r /usr/share/bash-completion/bash_completion ] ||
	    echo "  - bash-completion (completion tests)" >&2
	[ -e /usr/lib/lighttpd/mod_openssl.so ] ||
	    echo "  - lighttpd-mod-openssl (https tests)" >&2
	pkg-config --exists libssh2 2>/dev/null || echo "  - libssh2 with headers" >&2
	pkg-config --atleast-version="$MIN_LIBGIT2" libgit2 2>/dev/null ||
	    echo "  - libgit2 >= $MIN_LIBGIT2 with headers (have:" \
	    "$(pkg-config --modversion libgit2 2>/dev/null || echo none))" >&2
	pkg-config --exists yaml-0.1 2>/dev/null || echo "  - libyaml with headers" >&2
	pkg-config --exists expat 2>/dev/null ||
	    echo "  - expat with headers (repo's XML manifests)" >&2
	command -v git-lfs >/dev/null 2>&1 ||
	    echo "  - git-lfs (tests of --lfs)" >&2
	[ -r /usr/include/uninorm.h ] ||
	    echo "  - libunistring with headers (NFC and case folding of paths)" >&2
	pkg-config --exists criterion 2>/dev/null || echo "  - Criterion with headers" >&2
	[ "$BENCH" = 0 ] || command -v vcs >/dev/null 2>&1 ||
	    echo "  - vcstool (make bench only)" >&2
}

if have_all; then
	echo "install-deps: everything is already installed" \
	    "(libgit2 $(pkg-config --modversion libgit2))"
	exit 0
fi

if [ ! -r /etc/os-release ] || ! grep -q '^ID=debian' /etc/os-release ||
    ! grep -q '^VERSION_CODENAME=bookworm' /etc/os-release; then
	echo "install-deps: not Debian 12; install these yourself:" >&2
	report_missing
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: run as root to install packages, or install:" >&2
	report_missing
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
BPO=/etc/apt/sources.list.d/githerd-bookworm-backports.sources
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	cat > "$BPO" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
apt-get update -q
# libgit2-dev first: Debian's libcriterion-dev depends on libgit2-dev, and
# it must be satisfied by the backport, not pull in bookworm's 1.5.
apt-get install -y -q --no-install-recommends -t bookworm-backports $PKG_BACKPORT
# openssh-server is for the tests, which run their own sshd on loopback:
# keep apt from starting the system's on port 22 (policy-rc.d, 101 = no).
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$POLICY"
	chmod 755 "$POLICY"
	trap 'rm -f "$POLICY"' EXIT
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $PKGS_MAIN
# shellcheck disable=SC2086
[ "$BENCH" = 0 ] || apt-get install -y -q --no-install-recommends $PKGS_BENCH

if ! have_all; then
	echo "install-deps: packages installed but something is still missing:" >&2
	report_missing
	exit 1
fi
echo "install-deps: ready (libgit2 $(pkg-config --modversion libgit2))"
