# shellcheck shell=bash
# ssh_config(5) aliases against one real sshd on 127.0.0.1: HostName,
# Port, User, IdentityFile (~, %h, %r), IdentitiesOnly (with an agent
# that holds the authorized key), UserKnownHostsFile, StrictHostKeyChecking,
# Host patterns with '!', the first value winning, a refused ProxyJump
# failing its entry only, -F, GITHERD_SSH_CONFIG and ~/.ssh/config, and
# git clone through `ssh -F` on the same alias for comparison.

# shellcheck source=../lib/authsrv.sh
. "$TOP/tests/lib/authsrv.sh"

# Two keys: work (authorized) and other (not); known_hosts only in the
# file UserKnownHostsFile names, so ~/.ssh/known_hosts trusts nothing.
sshcfg_setup() {
	start_sshd "$FLEET/repos" "$OUT/sshd" || { fail "start sshd"; return 1; }
	rm -rf "$HOME/.ssh"
	mkdir -m 700 "$HOME/.ssh" "$HOME/.ssh/keys" "$HOME/.ssh/keys/127.0.0.1"
	ssh-keygen -q -t ed25519 -N '' -f "$HOME/.ssh/work_ed25519" || return 1
	ssh-keygen -q -t ed25519 -N '' -f "$HOME/.ssh/other_ed25519" || return 1
	cat "$HOME/.ssh/work_ed25519.pub" >>"$SSHD_AUTHORIZED"
	cp "$HOME/.ssh/work_ed25519" "$HOME/.ssh/keys/127.0.0.1/$ME"
	printf '[127.0.0.1]:%s %s\n' "$SSHD_PORT" "$(cut -d' ' -f1-2 "$SSHD_HOSTKEY.pub")" \
	    >"$HOME/.ssh/kh_test"
	: >"$HOME/.ssh/known_hosts"
	unset SSH_AUTH_SOCK
	CFG=$OUT/ssh_config
	cat >"$CFG" <<EOC
# Two accounts on one server, as people keep them.
Host github.com-work
    HostName 127.0.0.1
    Port $SSHD_PORT
    User $ME
    IdentityFile ~/.ssh/work_ed25519

Host github.com-personal
    HostName 127.0.0.1
    User $ME
    IdentityFile ~/.ssh/other_ed25519

# ~ and tokens: ~/.ssh/keys/127.0.0.1/$ME is the work key.
Host exp-host
    HostName 127.0.0.1
    User $ME
    IdentityFile ~/.ssh/keys/%h/%r

Host *.neg !blocked.neg
    User $ME
    IdentityFile ~/.ssh/work_ed25519
Host blocked.neg
    User $ME
    IdentityFile ~/.ssh/other_ed25519

Host jump
    HostName 127.0.0.1
    ProxyJump bastion.invalid

# Trust on first use into a file of its own; strict refuses the unknown.
Host tofu
    User $ME
    IdentityFile ~/.ssh/work_ed25519
    UserKnownHostsFile ~/.ssh/kh_new
    StrictHostKeyChecking accept-new
Host strict
    UserKnownHostsFile ~/.ssh/kh_empty
    StrictHostKeyChecking yes

# Second everywhere: none of these values is obtained first.
Host *
    HostName 127.0.0.1
    Port $SSHD_PORT
    User nobody-$ME
    IdentitiesOnly yes
    UserKnownHostsFile ~/.ssh/kh_test
    ServerAliveInterval 30
    AddKeysToAgent yes
EOC
}

ME=${ME:-$(id -un)}

test_ssh_config_aliases_keys_patterns_and_refusals() {
	command -v ssh >/dev/null || { skip_case "ssh is not installed"; return; }
	sshcfg_setup || { stop_servers "$OUT/sshd"; return; }
	local R=$FLEET/repos line
	cat >"$OUT/m.yaml" <<EOM
repos:
  - url: github.com-work:$R/alpha.git
  - url: github.com-personal:$R/beta.git
  - url: ssh://exp-host$R/tiny01.git
  - url: ok.neg:$R/tiny02.git
  - url: blocked.neg:$R/tiny03.git
  - url: jump:$R/tiny04.git
  - url: tofu:$R/tiny06.git
  - url: strict:$R/tiny07.git
EOM
	# An agent with the authorized key: IdentitiesOnly must keep it out.
	if command -v ssh-agent >/dev/null; then
		eval "$(ssh-agent -s -a "$OUT/agent.sock")" >/dev/null
		ssh-add -q "$HOME/.ssh/work_ed25519" 2>/dev/null || fail "ssh-add"
	fi
	"$BIN" sync -j 4 -F "$CFG" --json "$OUT/r.json" -C "$WS" "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "two refused keys, a ProxyJump and an unknown host key"
	[ -n "${SSH_AGENT_PID:-}" ] && kill "$SSH_AGENT_PID" 2>/dev/null
	unset SSH_AGENT_PID SSH_AUTH_SOCK
	# The alias: HostName, Port, User and IdentityFile; origin as written.
	expect_eq "github.com-work:$R/alpha.git" "$(git -C "$WS/alpha" config remote.origin.url)" \
	    "remote.origin.url is the manifest's"
	expect_eq "$(git --git-dir="$R/alpha.git" rev-parse HEAD)" \
	    "$(git -C "$WS/alpha" rev-parse HEAD 2>/dev/null)" "alpha's HEAD"
	grep -q "Accepted publickey for $ME from 127.0.0.1" "$SSHD_LOG" || fail "no login as $ME"
	expect_no_grep "nobody-$ME" "$SSHD_LOG" "Host *'s User came second everywhere"
	# The other key: refused cleanly, naming the alias and where it went.
	line=$(grep -n -A1 '^Host github.com-personal' "$CFG" | sed -n 's/^\([0-9]*\)-.*HostName.*/\1/p')
	expect_grep "FAIL beta: auth: .*127\.0\.0\.1 refused every credential offered \(tried: ~/\.ssh/other_ed25519\); ssh config: github\.com-personal is $ME@127\.0\.0\.1:$SSHD_PORT \($CFG:$line\)" \
	    "$OUT/stdout" "the unauthorized key"
	expect_missing "$WS/beta" "nothing left of beta"
	# ~, %h and %r, over ssh://; the '!' pattern; first match wins.
	[ -d "$WS/tiny01/.git" ] || fail "exp-host (~/.ssh/keys/%h/%r) not cloned"
	[ -d "$WS/tiny02/.git" ] || fail "ok.neg not cloned"
	expect_grep "FAIL tiny03: auth: .*tried: ~/\.ssh/other_ed25519\)" "$OUT/stdout" \
	    "blocked.neg skipped the negated block"
	# ProxyJump: that entry only, with file:line, before any connection.
	line=$(grep -n ProxyJump "$CFG" | cut -d: -f1)
	expect_grep "FAIL tiny04: refused: connect: ssh config $CFG:$line: ProxyJump bastion\.invalid \(host jump\): not supported" \
	    "$OUT/stdout" "ProxyJump names file:line"
	expect_eq 1 "$(report_field "$OUT/r.json" tiny04 tries)" "not retried"
	# StrictHostKeyChecking and UserKnownHostsFile, per host.
	[ -d "$WS/tiny06/.git" ] || fail "tofu (accept-new) not cloned"
	ssh-keygen -F "[127.0.0.1]:$SSHD_PORT" -f "$HOME/.ssh/kh_new" >/dev/null ||
	    fail "accept-new recorded no key in its UserKnownHostsFile"
	expect_grep "FAIL tiny07: certificate: .*host key of \[127\.0\.0\.1\]:$SSHD_PORT is unknown: .* is not in $HOME/\.ssh/kh_empty" \
	    "$OUT/stdout" "StrictHostKeyChecking yes"
	expect_eq "" "$(cat "$HOME/.ssh/known_hosts")" "~/.ssh/known_hosts untouched"

	# git through `ssh -F` on the same alias: the same origin and HEAD.
	# (ssh takes ~ from the password database, githerd from $HOME.)
	sed "s|~/|$HOME/|" "$CFG" >"$OUT/ssh_config.ssh"
	GIT_SSH_COMMAND="ssh -F $OUT/ssh_config.ssh -o BatchMode=yes" git clone -q \
	    "github.com-work:$R/alpha.git" "$OUT/git-alpha" 2>"$OUT/git.err" ||
	    fail "git clone through ssh -F: $(cat "$OUT/git.err")"
	expect_eq "$(git -C "$OUT/git-alpha" config remote.origin.url)" \
	    "$(git -C "$WS/alpha" config remote.origin.url)" "origin, as git keeps it"
	expect_eq "$(git -C "$OUT/git-alpha" rev-parse HEAD)" "$(git -C "$WS/alpha" rev-parse HEAD)" \
	    "HEAD, as git has it"
	git -C "$WS/alpha" fsck --no-progress >/dev/null 2>&1 || fail "fsck alpha"

	# GITHERD_SSH_CONFIG: an update of the alias entry, and a submodule
	# whose URL is an alias too.
	git clone -q --bare "$R/tiny05.git" "$OUT/sub.git" &&
	    git init -q "$OUT/supwork" &&
	    git -C "$OUT/supwork" -c protocol.file.allow=always submodule add -q \
	    "$OUT/sub.git" lib/sub 2>/dev/null &&
	    git -C "$OUT/supwork" config -f .gitmodules submodule.lib/sub.url \
	    "github.com-work:$OUT/sub.git" &&
	    git -C "$OUT/supwork" commit -qam "a submodule over an ssh alias" &&
	    git clone -q --bare "$OUT/supwork" "$OUT/sup.git" || fail "superproject"
	printf 'repos:\n  - url: github.com-work:%s/alpha.git\n' "$R" >"$OUT/one.yaml"
	cp "$OUT/one.yaml" "$OUT/two.yaml"
	printf '  - url: github.com-work:%s/sup.git\n    submodules: true\n' "$OUT" >>"$OUT/two.yaml"
	GITHERD_SSH_CONFIG=$CFG "$BIN" sync -C "$WS" "$OUT/two.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "update through GITHERD_SSH_CONFIG"
	expect_eq "$(git --git-dir="$OUT/sub.git" rev-parse HEAD)" \
	    "$(git -C "$WS/sup/lib/sub" rev-parse HEAD 2>/dev/null)" "the submodule through its alias"
	expect_eq "github.com-work:$OUT/sub.git" \
	    "$(git -C "$WS/sup/lib/sub" config remote.origin.url 2>/dev/null)" "the submodule's origin"
	# ~/.ssh/config by default; the system's file comes after it.
	cp "$CFG" "$HOME/.ssh/config"
	printf 'Host github.com-work\n    Port 1\n' >"$OUT/system_config"
	rm -rf "$WS"
	GITHERD_TEST_SSH_SYSTEM_CONFIG=$OUT/system_config "$SEAMS_BIN" sync -C "$WS" "$OUT/one.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "~/.ssh/config, then the system's"
	[ -d "$WS/alpha/.git" ] || fail "not cloned through ~/.ssh/config"
	# -F wins over ~/.ssh/config (and the system's file is not read).
	rm -rf "$WS"
	printf 'Host github.com-work\n    ProxyCommand nc %%h %%p\n' >"$OUT/proxy_config"
	"$BIN" sync -F "$OUT/proxy_config" -C "$WS" "$OUT/one.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "-F over ~/.ssh/config"
	expect_grep "FAIL alpha: refused: .*proxy_config:2: ProxyCommand nc" "$OUT/stdout" "-F's file"
	"$BIN" sync -F "$OUT/nosuch" -C "$WS" "$OUT/one.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 2 $? "a missing -F file"
	expect_grep "^githerd: -F $OUT/nosuch: No such file" "$OUT/stderr" "names it"
	stop_servers "$OUT/sshd"
	rm -rf "$HOME/.ssh"
}
