# shellcheck shell=bash
# Selection (--group, --exclude, PATH operands), list, check, sync
# --dry-run, and the output switches (-q, -v, --progress, --color,
# NO_COLOR), against the real git daemon.

# Five entries in three groups, two of them under lib/.
select_manifest() {
	cat >"$OUT/m.yaml" <<EOM
defaults:
  groups: [core]
repos:
  - url: $GIT_URL/alpha.git
  - url: $GIT_URL/beta.git
    path: lib/beta
    groups: [core, docs]
  - url: $GIT_URL/mid.git
    path: lib/mid
    groups: [extra]
  - url: $GIT_URL/tiny01.git
    groups: [docs]
  - url: http://user:s3cret@127.0.0.1:9/tiny02.git
    path: tiny02
    groups: [extra]
EOM
}

test_group_and_exclude_select_what_sync_clones() {
	select_manifest
	"$BIN" sync --group core --exclude docs -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync --group core --exclude docs"
	expect_eq "alpha" "$(ls "$WS")" "only alpha (core, not docs)"
	"$BIN" sync --group docs -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync --group docs"
	expect_eq "alpha lib tiny01" "$(ls "$WS" | paste -sd' ' -)" "docs added"
	expect_eq "beta" "$(ls "$WS/lib")" "lib/beta only"
	# Two groups are a union.
	"$BIN" list --group docs --group extra "$OUT/m.yaml" | awk '{print $1}' >"$OUT/list"
	expect_eq "lib/beta lib/mid tiny01 tiny02" "$(paste -sd' ' - <"$OUT/list")" "union"
}

test_paths_select_entries_dirs_and_files_inside() {
	select_manifest
	"$BIN" sync -C "$WS" "$OUT/m.yaml" lib >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync lib"
	expect_eq "lib" "$(ls "$WS")" "only under lib"
	expect_eq "beta mid" "$(ls "$WS/lib" | paste -sd' ' -)" "both under lib"
	# status of one entry, named by a path inside it, relative or absolute.
	"$BIN" status -C "$WS" "$WS/lib/mid/mid.c" >"$OUT/status" 2>&1
	expect_exit 0 $? "status of a file inside lib/mid"
	expect_eq "lib/mid" "$(awk '{print $1}' "$OUT/status")" "the entry holding it"
	"$BIN" status -C "$WS" ./lib/beta/ >"$OUT/status" 2>&1
	expect_exit 0 $? "status ./lib/beta/"
	expect_eq "lib/beta" "$(awk '{print $1}' "$OUT/status")" "tidied path"
	"$BIN" freeze -C "$WS" lib/beta >"$OUT/freeze" 2>&1
	expect_exit 0 $? "freeze lib/beta"
	expect_eq 1 "$(grep -c 'url:' "$OUT/freeze")" "one entry frozen"
	# A path that matches nothing is an error, not an empty success.
	"$BIN" sync -C "$WS" "$OUT/m.yaml" lib/nothere >"$OUT/stdout" 2>"$OUT/err"
	expect_exit 2 $? "unknown path"
	expect_grep "'lib/nothere' is not an entry of $OUT/m.yaml" "$OUT/err" "message"
	"$BIN" status -C "$WS" /etc >"$OUT/stdout" 2>"$OUT/err"
	expect_exit 2 $? "a path outside the workspace"
	expect_grep "/etc is not inside the workspace" "$OUT/err" "message"
	"$BIN" list --group nosuch "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/err"
	expect_exit 2 $? "unknown group"
	expect_grep "--group nosuch: no entry of .* is in group 'nosuch'" "$OUT/err" "message"
}

test_list_prints_entries_redacted_text_and_json() {
	select_manifest
	"$BIN" list "$OUT/m.yaml" >"$OUT/list" 2>"$OUT/err"
	expect_exit 0 $? "list"
	expect_eq 5 "$(wc -l <"$OUT/list")" "lines"
	expect_grep "^lib/mid +$GIT_URL/mid.git +default +\[extra\]$" "$OUT/list" "a line"
	expect_no_grep "s3cret" "$OUT/list" "password in list"
	expect_grep "^tiny02 +http://\*\*\*@127.0.0.1:9/tiny02.git" "$OUT/list" "redacted"
	"$BIN" list --json "$OUT/list.json" --exclude extra "$OUT/m.yaml" 2>"$OUT/err"
	expect_exit 0 $? "list --json"
	python3 - "$OUT/list.json" <<'PY' || fail "list --json"
import json, sys
v = json.load(open(sys.argv[1]))
assert [e["path"] for e in v] == ["alpha", "lib/beta", "tiny01"], v
assert v[1]["groups"] == ["core", "docs"], v[1]
assert v[0]["ref"] == {"kind": "default", "name": None}, v[0]
assert v[0]["line"] == 4 and v[0]["depth"] == 0, v[0]
PY
	# After a sync, list defaults to the saved manifest: no network at all
	# (tiny02's server does not exist).
	"$BIN" sync -C "$WS" "$OUT/m.yaml" alpha >/dev/null 2>&1
	"$BIN" list -C "$WS" --json - >"$OUT/saved.json" 2>"$OUT/err"
	expect_exit 0 $? "list of the saved manifest"
	expect_eq 5 "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$OUT/saved.json")" "entries"
	expect_no_grep "s3cret" "$OUT/saved.json" "password in the saved manifest"
}

test_check_validates_only() {
	select_manifest
	"$BIN" check "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/err"
	expect_exit 0 $? "check of a valid manifest"
	expect_grep "m.yaml: 5 entries, valid" "$OUT/stdout" "message"
	expect_missing "$WS" "check created nothing"
	printf 'repos:\n  - url: %s/alpha.git\n    brnch: main\n' "$GIT_URL" >"$OUT/bad.yaml"
	"$BIN" check "$OUT/bad.yaml" >"$OUT/stdout" 2>"$OUT/err"
	expect_exit 2 $? "check of a bad manifest"
	expect_grep "bad.yaml:3:5: " "$OUT/err" "file:line:col"
	"$BIN" check >"$OUT/stdout" 2>"$OUT/err"
	expect_exit 2 $? "check without a manifest"
	"$BIN" check -j 3 "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/err"
	expect_exit 2 $? "check -j"
	expect_grep "check does not take -j" "$OUT/err" "message"
}

test_dry_run_reports_clone_update_conflict_and_touches_nothing() {
	select_manifest
	sed -i '/tiny02/,$d' "$OUT/m.yaml"
	# Nothing there yet: every entry would be cloned, no directory made.
	"$BIN" sync --dry-run -C "$WS" "$OUT/m.yaml" >"$OUT/dry" 2>"$OUT/err"
	expect_exit 0 $? "dry run into nothing"
	expect_missing "$WS" "workspace"
	expect_eq 4 "$(grep -c '^clone ' "$OUT/dry")" "clones"
	expect_grep "^clone +lib/beta from $GIT_URL/beta.git \(default\)" "$OUT/dry" "clone line"
	# alpha cloned with local work, lib/mid taken by a plain directory,
	# tiny01 cloned and clean, lib/beta missing.
	"$BIN" sync -C "$WS" "$OUT/m.yaml" alpha tiny01 >/dev/null 2>&1
	echo local >>"$WS/alpha/README.md"
	mkdir -p "$WS/lib/mid" && echo mine >"$WS/lib/mid/notes.txt"
	before=$(tree_digest "$WS")
	"$BIN" sync --dry-run -C "$WS" "$OUT/m.yaml" >"$OUT/dry" 2>"$OUT/err"
	expect_exit 1 $? "dry run with a conflict"
	expect_grep "^skip\? +alpha: " "$OUT/dry" "local work"
	expect_grep "^update +tiny01" "$OUT/dry" "update"
	expect_grep "^clone +lib/beta" "$OUT/dry" "clone"
	expect_grep "^conflict lib/mid: " "$OUT/dry" "conflict"
	expect_grep "^dry run: 1 to clone, 1 to update, 1 with local work .*, 1 in conflict; nothing was done" \
	    "$OUT/dry" "summary"
	expect_eq "$before" "$(tree_digest "$WS")" "workspace untouched"
	expect_missing "$WS/lib/beta" "no clone"
	# A dry run writes nothing, not even the lock or the saved manifest.
	rm -rf "$WS/.githerd"
	"$BIN" sync --dry-run -C "$WS" "$OUT/m.yaml" tiny01 >"$OUT/dry" 2>"$OUT/err"
	expect_exit 0 $? "dry run of one entry"
	expect_missing "$WS/.githerd" "state directory"
}

test_quiet_verbose_progress_and_color() {
	select_manifest
	sed -i '/tiny02/,$d' "$OUT/m.yaml"
	printf '  - url: %s/nosuch.git\n' "$GIT_URL" >>"$OUT/m.yaml"
	"$BIN" sync -q -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 1 $? "sync -q with a failure"
	expect_no_grep "cloned" "$OUT/stderr" "-q: no success lines"
	expect_grep "FAIL +nosuch" "$OUT/stderr" "-q: the failure"
	expect_grep "FAIL nosuch: not-found" "$OUT/stdout" "-q: the summary names it"
	rm -rf "$WS"
	sed -i '/nosuch/d' "$OUT/m.yaml"
	"$BIN" sync -q -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync -q"
	expect_eq "" "$(cat "$OUT/stdout" "$OUT/stderr")" "-q and all well: silence"
	rm -rf "$WS"
	"$BIN" sync -v -j 1 -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync -v"
	expect_eq 4 "$(grep -cE '^\[[0-9]/4\] start +' "$OUT/stderr")" "-v: start lines"
	rm -rf "$WS"
	"$BIN" sync --progress none -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "--progress none"
	expect_eq "" "$(cat "$OUT/stderr")" "--progress none: nothing on stderr"
	expect_grep "4 repositories" "$OUT/stdout" "the summary stays"
	rm -rf "$WS"
	"$BIN" sync --progress plain --color always -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	grep -q $'\033\\[32mcloned' "$OUT/stderr" || fail "--color always: no colour in plain lines"
	rm -rf "$WS"
	NO_COLOR=1 "$BIN" sync --progress tty -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "--progress tty into a file"
	grep -q $'\033\\[K' "$OUT/stderr" || fail "--progress tty: no live area"
	grep -q $'\033\\[3[0-9]m' "$OUT/stderr" && fail "NO_COLOR: colour anyway"
	NO_COLOR=1 "$BIN" status --color always -C "$WS" >"$OUT/stdout" 2>&1
	grep -q $'\033\\[32m' "$OUT/stdout" || fail "--color always must win over NO_COLOR"
	"$BIN" sync --progress sometimes "$OUT/m.yaml" >/dev/null 2>"$OUT/err"
	expect_exit 2 $? "bad --progress"
	expect_grep "--progress wants one of auto, tty, plain, none, not 'sometimes'" "$OUT/err" "message"
}

test_version_names_libgit2_and_its_features() {
	"$BIN" --version >"$OUT/v" 2>&1
	expect_exit 0 $? "--version"
	expect_grep "^githerd [0-9]+\.[0-9]+\.[0-9]+$" "$OUT/v" "githerd's version"
	expect_grep "^libgit2 1\.(7|8|9)\.[0-9]+$" "$OUT/v" "libgit2's"
	expect_grep "^transports: git, http, https, ssh$" "$OUT/v" "transports"
	expect_grep "^shallow: http, https" "$OUT/v" "shallow"
}
