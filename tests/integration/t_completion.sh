# shellcheck shell=bash
# Shell completion: the bash and zsh scripts, driven for real (bash by
# calling the completion function as readline would, zsh through a pty),
# with groups and entry paths read from a manifest by the built githerd.

completion_fixture() {
	mkdir -p "$OUT/c"
	cat >"$OUT/c/m.yaml" <<'EOM'
repos:
  - url: https://example.org/a.git
    groups: [core, docs]
  - url: https://example.org/b.git
    path: lib/b
    groups: [extra]
EOM
	mkdir -p "$OUT/bin"
	ln -sf "$BIN" "$OUT/bin/githerd"
}

# bash_complete WORDS...: the candidates for the last word, one per line.
bash_complete() {
	(cd "$OUT/c" && PATH=$OUT/bin:$PATH bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_githerd; printf "%s\n" "${COMPREPLY[@]}"' _ "$TOP/completion/githerd.bash" "$@") | sort -u
}

test_bash_completion_registers_and_completes() {
	completion_fixture
	expect_eq "complete -o filenames -F _githerd githerd" \
	    "$(bash -c "source '$TOP/completion/githerd.bash'; complete -p githerd")" "complete -p"
	# Alongside bash-completion itself, as a login shell would have it.
	if [ -r /usr/share/bash-completion/bash_completion ]; then
		expect_eq "complete -o filenames -F _githerd githerd" \
		    "$(bash -c "source /usr/share/bash-completion/bash_completion; source '$TOP/completion/githerd.bash'; complete -p githerd")" \
		    "with bash-completion"
	fi
	expect_eq "status sync" "$(bash_complete githerd s | paste -sd' ' -)" "commands"
	expect_eq "--group" "$(bash_complete githerd sync m.yaml --gro | paste -sd' ' -)" "an option"
	expect_eq "--dry-run" "$(bash_complete githerd sync --dr | paste -sd' ' -)" "a sync-only option"
	expect_eq "" "$(bash_complete githerd list --dr)" "list takes no --dry-run"
	expect_eq "core docs extra" "$(bash_complete githerd list m.yaml --group '' | paste -sd' ' -)" \
	    "groups from the manifest"
	expect_eq "core docs" "$(bash_complete githerd status --exclude extra m.yaml --group '' | grep -v extra | paste -sd' ' -)" \
	    "groups, manifest after the option"
	expect_eq "lib/b" "$(bash_complete githerd status m.yaml li | paste -sd' ' -)" "entry paths"
	expect_eq "plain" "$(bash_complete githerd sync --progress pl)" "--progress values"
	expect_eq "always" "$(bash_complete githerd sync --color al)" "--color values"
	expect_eq "m.yaml" "$(bash_complete githerd check m.)" "manifest files"
	# What githerd lists is what completes: per command, short names too.
	expect_eq "--max-file-size --max-memory --max-objects" \
	    "$(bash_complete githerd status --max | paste -sd' ' -)" "status's --max-*"
	expect_eq "-o" "$(bash_complete githerd freeze -o | paste -sd' ' -)" "a short option"
	expect_eq "" "$(bash_complete githerd list --max)" "list takes no --max-*"
	expect_eq "m.yaml" "$(bash_complete githerd sync --json m.)" "a file value"
	expect_eq "--ssh-config" "$(bash_complete githerd sync --ssh-c)" "--ssh-config"
	: >"$OUT/c/ssh.conf"
	expect_eq "ssh.conf" "$(bash_complete githerd status -F ss)" "-F takes any file"
	expect_eq "" "$(bash_complete githerd sync --jobs '')" "a number: nothing to offer"
	expect_eq "cache check" "$(bash_complete githerd c | paste -sd' ' -)" "cache is a command"
	expect_eq "prune status" "$(bash_complete githerd cache '' | paste -sd' ' -)" "cache's actions"
	expect_eq "prune" "$(bash_complete githerd cache --cache d p)" "after an option"
	expect_eq "" "$(bash_complete githerd cache status '')" "one action only"
	expect_eq "--unused-for" "$(bash_complete githerd cache prune --un)" "cache prune's option"
	expect_eq "--cache --cache-mode --cache-wait" "$(bash_complete githerd sync --cache | paste -sd' ' -)" "sync's"
	expect_eq "--cache" "$(bash_complete githerd cache --cach)" "cache's own"
	expect_eq "exec" "$(bash_complete githerd e)" "exec is a command"
	expect_eq "--group" "$(bash_complete githerd exec --gro)" "exec's options"
	expect_eq "lib/b" "$(bash_complete githerd exec m.yaml li)" "exec: entry paths"
	expect_eq "git" "$(bash_complete githerd exec m.yaml -- gi | grep -x git)" \
	    "after --: a command"
	expect_eq "" "$(bash_complete githerd exec -- git --gro)" "after --: not githerd's options"
}

test_zsh_completion_completes() {
	command -v zsh >/dev/null || { skip_case "zsh is not installed"; return; }
	completion_fixture
	local z
	z() {
		rm -f "$OUT/z.out"
		(cd "$OUT/c" && zsh -f "$TOP/tests/lib/zcomplete.zsh" "$TOP/completion" "$OUT/bin" "$OUT/z.out" "$1")
		grep -v '^$' "$OUT/z.out" 2>/dev/null | sort -u | paste -sd' ' -
	}
	expect_eq "sync" "$(z 'githerd sy')" "commands"
	expect_eq "core docs extra" "$(z 'githerd list m.yaml --group ')" "groups from the manifest"
	expect_eq "lib/b" "$(z 'githerd status m.yaml li')" "entry paths"
	expect_eq "--progress" "$(z 'githerd sync --pro')" "an option"
	expect_eq "always" "$(z 'githerd status --color al')" "--color values"
	: >"$OUT/c/ssh.conf"
	expect_eq "ssh.conf" "$(z 'githerd sync -F ss')" "-F takes any file"
	expect_eq "prune" "$(z 'githerd cache pr')" "cache's actions"
}
