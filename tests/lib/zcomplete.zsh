# zsh -f drive.zsh FPATH PATHDIR OUTFILE LINE: complete LINE in an
# interactive zsh on a pty; what compadd was offered lands in OUTFILE.
zmodload zsh/zpty
zpty z 'zsh -f -i'
zpty -w z "fpath=($1 \$fpath); path=($2 \$path); autoload -Uz compinit; compinit -u -D"
zpty -w z "compadd() { local -a __h; builtin compadd -O __h \"\$@\"; print -rl -- \$__h >>$3; builtin compadd \"\$@\"; }"
zpty -w z "zstyle ':completion:*' list-prompt ''; zstyle ':completion:*' menu no; bindkey '^I' complete-word"
zpty -w -n z "$4"$'\t'
sleep 1
zpty -d z
