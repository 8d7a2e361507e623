# zsh -f drive.zsh FPATH PATHDIR OUTFILE LINE: complete LINE in an
# interactive zsh on a pty; what compadd was offered lands in OUTFILE.
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z "fpath=($1 \$fpath); path=($2 \$path); autoload -Uz compinit; compinit -u -D"
zpty -w z "compadd() { local -a __h; builtin compadd -O __h \"\$@\"; print -rl -- \$__h >>$3; builtin compadd \"\$@\"; }"
zpty -w z "zstyle ':completion:*' list-prompt ''; zstyle ':completion:*' menu no; bindkey '^I' complete-word"
zpty -w -n z "$4"$'\t'
# A loaded machine can take a while to start zsh and compinit: wait for
# the candidates (up to 10 s), then a moment for the last of them.
for i in {1..100}; do
	[[ -s $3 ]] && break
	sleep 0.1
done
sleep 0.3
zpty -d z
