# bash completion for githerd(1): commands, options and their values,
# groups and entry paths read from the manifest (githerd list --json).
# Installed by `make install` into bash-completion's directory; or
# source it from ~/.bashrc.

# The manifest named on the command line, else the workspace's saved one.
_githerd_manifest() {
	local i w ws=.
	for ((i = 2; i < ${#COMP_WORDS[@]}; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		-C | --workspace) ws=${COMP_WORDS[i + 1]} ;;
		--workspace=*) ws=${w#--workspace=} ;;
		*.yaml | *.yml | *.repos)
			[ "$i" -ne "$COMP_CWORD" ] && [ -f "$w" ] && { printf '%s\n' "$w"; return; } ;;
		esac
	done
	[ -f "$ws/.githerd/manifest" ] && printf '%s\n' "-C $ws"
}

# Values of one key ("path" or "groups") of every entry, one per line.
_githerd_field() {
	local m
	m=$(_githerd_manifest)
	[ -n "$m" ] || return 0
	# shellcheck disable=SC2086  # "-C DIR" is two words on purpose
	githerd list --json - $m 2>/dev/null | {
		if [ "$1" = groups ]; then
			sed -n 's/.*"groups": \[\([^]]*\)\].*/\1/p' | tr ',' '\n' |
			    sed -n 's/^ *"\(.*\)"$/\1/p' | sort -u
		else
			sed -n 's/^  {"path": "\([^"]*\)".*/\1/p'
		fi
	}
}

_githerd_options() {
	local common="-C --workspace -h --help"
	local select="--group --exclude --shard --safe-directory"
	local run="-j --jobs -q --quiet -v --verbose --progress --color --retries
		--retry-delay --stall-timeout --timeout --wait --per-host --allow-local
		--ssh-key --accept-new-host-keys --ca-file --credential-helper
		--allow-http-auth --follow-redirects --low-speed-limit --low-speed-time"
	case $1 in
	sync) echo "$common $select $run --json --dry-run --fetch --max-objects --max-file-size --max-memory" ;;
	status) echo "$common $select $run --json --fetch --max-objects --max-file-size --max-memory" ;;
	freeze) echo "$common $select $run -o --output" ;;
	list) echo "$common $select --json --allow-local" ;;
	check) echo "-h --help -q --quiet --allow-local" ;;
	esac
}

_githerd() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd=${COMP_WORDS[1]:-} IFS=$'\n'
	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		IFS=' '
		mapfile -t COMPREPLY < <(compgen -W "sync status freeze list check version help --version --help" -- "$cur")
		return
	fi
	case $prev in
	-C | --workspace)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
	-o | --output | --json | --ssh-key | --ca-file)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
	--group | --exclude)
		mapfile -t COMPREPLY < <(compgen -W "$(_githerd_field groups)" -- "$cur"); return ;;
	--progress)
		mapfile -t COMPREPLY < <(IFS=' ' compgen -W "auto tty plain none" -- "$cur"); return ;;
	--color)
		mapfile -t COMPREPLY < <(IFS=' ' compgen -W "auto always never" -- "$cur"); return ;;
	-j | --jobs | --retries | --retry-delay | --stall-timeout | --timeout | --wait | \
	    --per-host | --shard | --max-objects | --max-file-size)
		return ;;
	esac
	if [[ $cur == -* ]]; then
		IFS=' '
		# shellcheck disable=SC2046
		mapfile -t COMPREPLY < <(compgen -W "$(_githerd_options "$cmd" | tr '\n\t' '  ')" -- "$cur")
		return
	fi
	case $cmd in
	sync)
		# The manifest first, then entry paths.
		if _githerd_manifest | grep -q -- '^-C'; then
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return
		fi
		;&
	status | freeze | list)
		# Entry paths once a manifest is known, manifests and files otherwise.
		mapfile -t COMPREPLY < <(compgen -W "$(_githerd_field path)" -- "$cur")
		[ ${#COMPREPLY[@]} -gt 0 ] && return
		mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
	check)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
	esac
}

complete -o filenames -F _githerd githerd
