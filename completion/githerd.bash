# bash completion for githerd(1): commands; options and how to complete
# their values as githerd lists them (githerd help --options); groups and
# entry paths read from the manifest (githerd list --json).
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
		*.yaml | *.yml | *.repos | *.xml)
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

# The options of a command as githerd itself lists them, one per line:
# short name or "-", long name, value or "-", how to complete the value,
# repeat or once, help; separated by tabs.
_githerd_optlist() {
	githerd help --options "$1" 2>/dev/null
}

_githerd_options() {
	_githerd_optlist "$1" | cut -f1,2 | tr '\t' '\n' | grep -vx -- -
}

# How to complete the value of option $2 of command $1: file, dir, group,
# text, a list of words, or nothing when $2 takes no value.
_githerd_value() {
	_githerd_optlist "$1" |
	    awk -F '\t' -v o="$2" '($1 == o || $2 == o) && $3 != "-" { print $4; exit }'
}

_githerd() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd=${COMP_WORDS[1]:-} IFS=$'\n'
	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		IFS=' '
		mapfile -t COMPREPLY < <(compgen -W "sync status freeze list exec check cache report version help --version --help" -- "$cur")
		return
	fi
	# exec: after "--", the command and its arguments are not githerd's.
	if [ "$cmd" = exec ]; then
		local i
		for ((i = 2; i < COMP_CWORD; i++)); do
			[ "${COMP_WORDS[i]}" = -- ] || continue
			if declare -F _command_offset >/dev/null; then
				_command_offset $((i + 1))
			elif [ "$COMP_CWORD" -eq $((i + 1)) ]; then
				mapfile -t COMPREPLY < <(compgen -c -- "$cur")
			else
				mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			fi
			return
		done
	fi
	if [[ $prev == -* ]]; then
		local value
		value=$(_githerd_value "$cmd" "$prev")
		case $value in
		"") ;;
		dir) mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
		file) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
		group) mapfile -t COMPREPLY < <(compgen -W "$(_githerd_field groups)" -- "$cur"); return ;;
		text) return ;;
		*) mapfile -t COMPREPLY < <(IFS=' ' compgen -W "$value" -- "$cur"); return ;;
		esac
	fi
	if [[ $cur == -* ]]; then
		IFS=' '
		mapfile -t COMPREPLY < <(compgen -W "$(_githerd_options "$cmd" | tr '\n' ' ')" -- "$cur")
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
	status | freeze | list | exec)
		# Entry paths once a manifest is known, manifests and files otherwise.
		mapfile -t COMPREPLY < <(compgen -W "$(_githerd_field path)" -- "$cur")
		[ ${#COMPREPLY[@]} -gt 0 ] && return
		mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
	check)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
	cache)
		# Its action, once.
		local w
		for w in "${COMP_WORDS[@]:2:COMP_CWORD-2}"; do
			case $w in status | prune) return ;; esac
		done
		IFS=' '
		mapfile -t COMPREPLY < <(compgen -W "status prune" -- "$cur") ;;
	report)
		if [ "$COMP_CWORD" -eq 2 ]; then
			IFS=' '
			mapfile -t COMPREPLY < <(compgen -W "merge" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi ;;
	esac
}

complete -o filenames -F _githerd githerd
