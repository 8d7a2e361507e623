# shellcheck shell=bash
# Crafted trees (written with `git hash-object -t tree --literally`) that
# make a submodule land somewhere else than its path says: a symlink
# "m -> .git" beside a directory "m" holding the submodule "m/hooks"
# (CVE-2024-32002 without a case-insensitive disk), the same in another
# letter case, and a link to a directory outside the workspace.  Also a
# .git that leads outside the entry.

# A repository whose tree holds an executable hooks/post-checkout... at
# its top: cloned into .git/hooks, it would run on the next git checkout.
hook_source() {
	local work=$OUT/hooksrc.work
	HOOKSRC=$UP/$T_NAME/hooksrc.git
	[ -d "$HOOKSRC" ] && return 0
	mkdir -p "$UP/$T_NAME"
	git init -q -b main "$work"
	printf '#!/bin/sh\ntouch %s/pwned\n' "$SCRATCH" >"$work/post-checkout"
	chmod +x "$work/post-checkout"
	git -C "$work" add post-checkout
	git -C "$work" commit -q -m "a hook"
	git clone -q --bare "$work" "$HOOKSRC"
}

# crafted_super NAME KIND: a superproject $UP/$T_NAME/NAME.git whose main
# holds README, then one commit with the crafted tree of KIND:
#   dup      "m -> .git" (a link) and the directory "m" with gitlink "hooks"
#   case     "M -> .git" and the directory "m" with gitlink "hooks"
#   outside  "s -> $OUT/outside" (absolute) and "s" with gitlink "x"
# Sets CRAFTED_URL, BENIGN (the first commit) and CRAFTED (the second).
crafted_super() {
	local name=$1 kind=$2 repo ids
	start_upstreams || return 1
	hook_source || return 1
	repo=$UP/$T_NAME/$name.git
	rm -rf "$repo"
	git init -q --bare -b main "$repo"
	mkdir -p "$OUT/outside"
	ids=$(python3 - "$repo" "$kind" "$UP_GIT/$T_NAME/hooksrc.git" \
	    "$(git -C "$HOOKSRC" rev-parse main)" "$OUT/outside" <<'PY'

import binascii, subprocess, sys
repo, kind, url, hook, outside = sys.argv[1:]
def git(*args, data=None):
    return subprocess.run(["git", "-C", repo] + list(args), input=data,
                          capture_output=True, check=True).stdout.decode().strip()
def blob(text):
    return git("hash-object", "-w", "--stdin", data=text.encode())
def tree(entries):
    raw = b"".join(b"%s %s\0" % (m.encode(), n.encode()) + binascii.unhexlify(s)
                   for m, n, s in entries)
    return git("hash-object", "-w", "-t", "tree", "--literally", "--stdin", data=raw)
readme = blob("hello\n")
benign = git("commit-tree", tree([("100644", "README", readme)]), data=b"benign\n")
link, dirname, sub, target = {
    "dup": ("m", "m", "hooks", ".git"),
    "case": ("M", "m", "hooks", ".git"),
    "outside": ("s", "s", "x", outside),
}[kind]
gm = blob('[submodule "evil"]\n\tpath = %s/%s\n\turl = %s\n' % (dirname, sub, url))
inner = tree([("160000", sub, hook)])
entries = [("100644", ".gitmodules", gm), ("100644", "README", readme),
           ("120000", link, blob(target)), ("40000", dirname, inner)]
entries.sort(key=lambda e: e[1] + ("/" if e[0] == "40000" else ""))
crafted = git("commit-tree", tree(entries), "-p", benign, data=b"crafted\n")
git("update-ref", "refs/heads/main", crafted)
print(benign, crafted)
PY
) || return 1
	read -r BENIGN CRAFTED <<<"$ids"
	CRAFTED_URL=$UP_GIT/$T_NAME/$name.git
}

# Nothing written through the link: no hook in any .git/hooks, nothing
# outside, no hook ran.
expect_no_escape() {	# WHAT
	local hooks
	hooks=$(find "$WS" "$SCRATCH/up" -path '*/.git/hooks/post-checkout' 2>/dev/null | head -n 3)
	[ -z "$hooks" ] || fail "$1: a submodule landed in a hooks directory: $hooks"
	expect_eq "" "$(ls -A "$OUT/outside" 2>/dev/null)" "$1: written outside the workspace"
	expect_missing "$SCRATCH/pwned" "$1: a hook ran"
}

test_crafted_trees_are_refused_on_clone() {
	local kind want
	bystander_setup
	while IFS='|' read -r kind want; do
		crafted_super "super-$kind" "$kind" || { fail "$kind: upstream"; return; }
		fault_manifest "$CRAFTED_URL" "submodules: true"
		run_fault
		expect_outcome 1 refused
		expect_eq 1 "$(victim tries)" "$kind: never retried"
		expect_grep "FAIL victim: refused: $want" "$OUT/stdout" "$kind: message"
		expect_no_escape "$kind"
		# Without submodules the tree is refused all the same.
		fault_manifest "$CRAFTED_URL"
		run_fault
		expect_outcome 1 refused
		expect_no_escape "$kind, no submodules"
	done <<'EOF2'
dup|the tree has two entries named 'm' \(a symbolic link and a directory\): refusing to check it out
case|the tree has 'M' \(a symbolic link\) and 'm' \(a directory\), which a case-insensitive file system makes one
outside|the tree has two entries named 's' \(a symbolic link and a directory\)
EOF2
	git -C "$WS/bystander" checkout -q -- . 2>/dev/null
	expect_missing "$SCRATCH/pwned" "a hook ran"
}

test_crafted_tree_is_refused_on_update() {
	local before
	bystander_setup
	crafted_super super dup || { fail "upstream"; return; }
	# First the benign commit, as the user had it; then upstream moves.
	git -C "$UP/$T_NAME/super.git" update-ref refs/heads/main "$BENIGN"
	fault_manifest "$CRAFTED_URL" "submodules: true"
	run_fault
	expect_outcome 0 ok
	before=$(entry_digest "$WS/victim")
	git -C "$UP/$T_NAME/super.git" update-ref refs/heads/main "$CRAFTED"
	run_fault --retries 2
	expect_exit 1 "$(cat "$OUT/status")" "exit status"
	expect_eq refused "$(victim error.class)" "class"
	expect_eq 1 "$(victim tries)" "never retried"
	expect_grep "FAIL victim: refused: the tree has two entries named 'm'" "$OUT/stdout" "message"
	expect_eq "$before" "$(entry_digest "$WS/victim")" "the entry, byte for byte, with its refs"
	expect_eq "$BENIGN" "$(git -C "$WS/victim" rev-parse HEAD)" "HEAD"
	expect_no_escape "update"
	git -C "$WS/victim" checkout -q -- . 2>/dev/null
	expect_missing "$SCRATCH/pwned" "a hook ran"
}

# The layer behind the tree check: with it switched off (a test-only
# switch), the walk of each submodule's path still refuses the link, so
# no submodule is cloned through it.  (libgit2's checkout itself has then
# made the submodule's empty directory through the link: only the tree
# check keeps that from happening.)
test_submodule_path_through_a_symlink_is_refused() {
	local kind want
	bystander_setup
	while IFS='|' read -r kind want; do
		crafted_super "super-$kind" "$kind" || { fail "$kind: upstream"; return; }
		fault_manifest "$CRAFTED_URL" "submodules: true"
		GITHERD_TEST_SKIP_TREE_CHECK=1 BIN=$SEAMS_BIN run_fault
		expect_outcome 1 refused
		expect_grep "FAIL victim: refused: submodule $want \\(submodule 'evil'\\): .* is a symbolic link: refusing to go through it" \
		    "$OUT/stdout" "$kind: message"
		rmdir "$OUT/outside/x" 2>/dev/null	# libgit2's, empty
		expect_no_escape "$kind"
	done <<'EOF2'
dup|m/hooks
outside|s/x
EOF2
	# git itself, on the same remote: its clone may fail or not, but it
	# must not install the hook either (what githerd is held to).
	git clone -q --recurse-submodules "$CRAFTED_URL" "$OUT/git-clone" >/dev/null 2>&1
	[ ! -e "$OUT/git-clone/.git/hooks/post-checkout" ] ||
	    fail "git's own clone installed the hook (git too old?)"
}

test_git_directory_outside_the_entry_is_refused() {
	local before
	bystander_setup
	git clone -q "$FLEET/repos/alpha.git" "$OUT/elsewhere" 2>/dev/null
	before=$(entry_digest "$OUT/elsewhere")
	fault_manifest "$GIT_URL/alpha.git"
	# A gitfile that leads out of the entry, then a .git that is a link.
	mkdir -p "$WS/victim"
	printf 'gitdir: %s/.git\n' "$OUT/elsewhere" >"$WS/victim/.git"
	run_fault
	expect_exit 1 "$(cat "$OUT/status")" "a gitfile leading out"
	expect_eq refused "$(victim error.class)" "class"
	expect_grep "FAIL victim: refused: victim: its git directory is $OUT/elsewhere/.git, outside it" \
	    "$OUT/stdout" "message"
	rm "$WS/victim/.git"
	ln -s "$OUT/elsewhere/.git" "$WS/victim/.git"
	run_fault
	expect_exit 1 "$(cat "$OUT/status")" "a .git link"
	expect_grep "FAIL victim: refused: victim/.git is a symbolic link" "$OUT/stdout" "message"
	expect_eq "$before" "$(entry_digest "$OUT/elsewhere")" "the repository outside"
	"$BIN" status -C "$WS" "$OUT/m.yaml" >"$OUT/status.out" 2>&1
	expect_grep "^victim +victim/.git is a symbolic link: refusing to use it" \
	    "$OUT/status.out" "status says so"
}

# What the file system refuses of a tree (a name longer than 255 bytes)
# is the repository's doing: refused, never retried as if the network
# had failed.
test_tree_the_file_system_refuses_is_not_retried() {
	local repo blob tree
	bystander_setup
	start_upstreams || { fail "upstreams"; return; }
	repo=$UP/$T_NAME/long.git
	mkdir -p "$UP/$T_NAME"
	git init -q --bare -b main "$repo"
	blob=$(echo x | git -C "$repo" hash-object -w --stdin)
	tree=$(printf '100644 blob %s\t%s\n' "$blob" "$(printf 'n%.0s' $(seq 300))" |
	    git -C "$repo" mktree)
	git -C "$repo" update-ref refs/heads/main "$(echo long | git -C "$repo" commit-tree "$tree")"
	fault_manifest "$UP_GIT/$T_NAME/long.git"
	run_fault --retries 3
	expect_outcome 1 refused
	expect_eq 1 "$(victim tries)" "never retried"
	expect_grep "FAIL victim: refused: checkout: .*File name too long" "$OUT/stdout" "message"
}
