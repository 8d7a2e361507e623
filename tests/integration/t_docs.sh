# shellcheck shell=bash
# The manual pages: lint-clean, and in step with the code.

test_man_pages_are_lint_clean() {
	command -v mandoc >/dev/null || { fail "mandoc is not installed"; return; }
	# Cross-references to pages that are not installed (each other, on a
	# build machine) are the only messages allowed.
	mandoc -Tlint -Wstyle "$TOP/man/githerd.1" "$TOP/man/githerd.yaml.5" 2>&1 |
	    grep -v -e 'referenced manual not found' -e 'outdated mandoc.db' \
	    >"$OUT/lint"
	[ -s "$OUT/lint" ] && { fail "mandoc -Tlint:"; sed 's/^/      | /' "$OUT/lint"; }
	return 0
}

test_man_page_documents_every_option_and_error_class() {
	local opt cls
	for opt in -j --jobs -C --workspace --json; do
		grep -q -- "${opt#-}" "$TOP/man/githerd.1" || fail "githerd.1 lacks $opt"
		"$BIN" help | grep -q -- "$opt" || fail "githerd help lacks $opt"
	done
	# Every option githerd knows (its own list, the one the completions
	# read) is in the help and has an entry (".It Fl \-name").
	"$BIN" help --options >"$OUT/options" || fail "githerd help --options"
	[ "$(wc -l <"$OUT/options")" -ge 30 ] || fail "githerd lists $(wc -l <"$OUT/options") options"
	for opt in $(cut -f2 "$OUT/options"); do
		"$BIN" help | grep -qe "$opt\b" || fail "githerd help lacks $opt"
		want="Fl $(printf '%s' "${opt#-}" | sed 's/-/\\-/g')"
		grep '^\.It ' "$TOP/man/githerd.1" | grep -qF -- "$want" ||
		    fail "githerd.1 has no entry for $opt ($want)"
	done
	for cls in $(sed -n 's/.*\] = "\([a-z-]*\)",/\1/p' "$TOP/src/common/errclass.c"); do
		[ "$cls" = none ] && continue
		grep -qE "^\.It (Cm|Li) $cls\$" "$TOP/man/githerd.1" ||
		    fail "githerd.1 does not document the error class $cls"
	done
	for key in url path branch tag commit depth submodules bare mirror groups size_hint hosts jobs; do
		grep -q "^\.It Ic $key" "$TOP/man/githerd.yaml.5" ||
		    fail "githerd.yaml.5 does not document the key $key"
	done
}

test_make_install_honours_prefix_and_destdir() {
	make -s -C "$TOP" install PREFIX=/opt/gh DESTDIR="$OUT/dest" >"$OUT/make" 2>&1 ||
	    { fail "make install"; sed 's/^/      | /' "$OUT/make"; return; }
	[ -x "$OUT/dest/opt/gh/bin/githerd" ] || fail "no binary in DESTDIR/PREFIX/bin"
	[ -f "$OUT/dest/opt/gh/share/man/man1/githerd.1" ] || fail "no githerd.1"
	[ -f "$OUT/dest/opt/gh/share/man/man5/githerd.yaml.5" ] || fail "no githerd.yaml.5"
	[ -f "$OUT/dest/opt/gh/share/bash-completion/completions/githerd" ] || fail "no bash completion"
	[ -f "$OUT/dest/opt/gh/share/zsh/site-functions/_githerd" ] || fail "no zsh completion"
	"$OUT/dest/opt/gh/bin/githerd" version >"$OUT/version" 2>&1 ||
	    fail "the installed binary does not run"
	expect_grep '^libgit2 1\.[7-9]' "$OUT/version" "the installed binary's libgit2"
	make -s -C "$TOP" uninstall PREFIX=/opt/gh DESTDIR="$OUT/dest" >/dev/null 2>&1
	[ -z "$(find "$OUT/dest" -type f)" ] || fail "uninstall left files behind"
}

test_make_demo_script_works() {
	"$TOP/scripts/demo.sh" >"$OUT/demo" 2>&1
	expect_exit 0 $? "scripts/demo.sh"
	expect_grep "githerd: 30 repositories in .*: 30 cloned" "$OUT/demo" "first sync"
	expect_grep "githerd: 30 repositories in .*: 0 cloned, 0 updated, 30 up to date" \
	    "$OUT/demo" "second sync"
	expect_eq 30 "$(sed -n '/^What landed where/,/^$/p' "$OUT/demo" | grep -c '^  ')" \
	    "what landed where"
	expect_grep "sdk/python .*on main" "$OUT/demo" "the repository with a submodule"
	expect_grep "website .*detached at 2024.1" "$OUT/demo" "a tag"
}

test_help_of_one_command_lists_what_it_takes() {
	"$BIN" help list >"$OUT/list" 2>&1
	expect_exit 0 $? "githerd help list"
	expect_grep "^usage: githerd list" "$OUT/list" "its usage"
	expect_grep "--group G" "$OUT/list" "an option list takes"
	expect_no_grep "--dry-run" "$OUT/list" "help list"
	"$BIN" sync --help >"$OUT/sync" 2>&1
	expect_exit 0 $? "githerd sync --help"
	expect_grep "--dry-run" "$OUT/sync" "sync --help"
	"$BIN" help frobnicate >"$OUT/bad" 2>&1
	expect_exit 2 $? "githerd help frobnicate"
	expect_grep "no command 'frobnicate'" "$OUT/bad" "message"
}
