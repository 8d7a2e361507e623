# shellcheck shell=bash
# Terminal injection: text from a manifest, a server or a repository
# (keys, paths, branch names, error messages) never reaches a terminal,
# a log or the JSON report with its escape sequences and controls intact.

# expect_clean_text FILE WHAT: valid UTF-8 without C0 (but newline), DEL,
# C1 or bidi controls: nothing a terminal would act on.
expect_clean_text() {
	local why
	why=$(python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    print(f"invalid UTF-8 at byte {e.start}: {data[max(0, e.start - 20):e.start + 4]!r}")
    sys.exit()
for i, ch in enumerate(text):
    c = ord(ch)
    if (c < 0x20 and ch != "\n") or 0x7f <= c <= 0x9f or \
            0x202a <= c <= 0x202e or 0x2066 <= c <= 0x2069:
        print(f"U+{c:04X} at {i}: {text[max(0, i - 20):i + 4]!r}")
        break
PY
)
	[ -z "$why" ] || fail "$2: control character or invalid UTF-8 in $1: $why"
}

# A JSON report that parses as UTF-8 JSON.
expect_json() {		# FILE WHAT
	python3 -c 'import json,sys; json.loads(open(sys.argv[1], "rb").read().decode("utf-8"))' \
	    "$1" 2>"$OUT/json.err" || fail "$2: not valid UTF-8 JSON: $(tail -n 1 "$OUT/json.err")"
}

test_manifest_text_in_diagnostics_is_sanitised() {
	local f before
	mkdir -p "$WS"
	echo keep >"$WS/bystander.txt"
	before=$(cd "$WS" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
	# An OSC 52 clipboard write and a screen clear in an unknown key, C1
	# controls (UTF-8 and a raw 0x9b) in a path, a branch and a URL.
	f=$OUT/evil.yaml
	{
		echo 'repos:'
		printf '  - url: git://127.0.0.1/a.git\n'
		printf '    "x\\e]52;c;ZXZpbA==\\a\\e[2J": 1\n'
		printf '  - url: git://127.0.0.1/b.git\n    path: "b\\u009b2Jx"\n'
		printf '  - url: git://127.0.0.1/c.git\n    branch: "m\\u009d52;c;eA==\\a"\n'
		printf '  - url: "git://127.0.0.1/d\\u009b.git"\n'
		printf '  - url: git://127.0.0.1/e.git\n    path: "e\\u202egnp.exe"\n'
	} >"$f"
	"$BIN" check "$f" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 2 $? "check"
	expect_clean_text "$OUT/stderr" "check"
	expect_grep "^$f:3:5: unknown key 'x' in a repository entry" \
	    "$OUT/stderr" "the key, without its escape sequences, at its line"
	expect_grep "^$f:5:11: path contains a control character" "$OUT/stderr" "C1 in a path"
	expect_grep "^$f:7:13: branch name 'm' contains a control character" \
	    "$OUT/stderr" "C1 in a branch"
	expect_grep "^$f:8:10: url contains a control character" "$OUT/stderr" "C1 in a url"
	expect_grep "^$f:10:11: path contains a control character" "$OUT/stderr" "a bidi override"
	"$BIN" sync -C "$WS" "$f" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 2 $? "sync"
	expect_clean_text "$OUT/stderr" "sync"
	expect_eq "$before" "$(cd "$WS" && find . -type f -print0 | sort -z | xargs -0 sha256sum)" \
	    "the workspace"
}

test_server_error_text_is_sanitised_everywhere() {
	local hex
	bystander_setup
	# A server's error: invalid UTF-8, OSC 52, a raw and a UTF-8 CSI.
	hex=$(printf 'no \377 such \033]52;c;ZXZpbA==\007 repo \302\2332J \2332J' |
	    od -An -tx1 | tr -d ' \n')
	_start_helper "$OUT/evil.ready" python3 "$TOP/tests/faults/evilgit.py" \
	    --repo "$FLEET/repos/alpha.git" --mode "err:$hex" \
	    --ready "$OUT/evil.ready" --log "$OUT/evil.log" || { fail "server"; return; }
	fault_manifest "git://127.0.0.1:$HELPER_PORT/alpha.git"
	run_fault --retries 0 --progress plain
	expect_exit 1 "$(cat "$OUT/status")" "exit status"
	expect_clean_text "$OUT/stdout" "summary"
	expect_clean_text "$OUT/stderr" "log lines"
	expect_json "$OUT/r.json" "report"
	expect_grep 'FAIL victim: .*no \\xff such +repo +\\x9b2J' "$OUT/stdout" \
	    "the message, with the bad byte shown"
	expect_eq "$BYSTANDER" "$(entry_digest "$WS/bystander")" "bystander"
	expect_missing "$WS/victim" "victim"
}

test_remote_branch_names_are_sanitised() {
	local repo work c1 raw
	bystander_setup
	start_upstreams || { fail "upstreams"; return; }
	repo=$UP/$T_NAME/names.git
	work=$OUT/names.work
	c1=$'ev\xc2\x9b2Jil'
	raw=$'raw\x9bx'
	mkdir -p "$UP/$T_NAME"
	git init -q --bare "$repo"
	git -C "$repo" symbolic-ref HEAD "refs/heads/$c1"
	git init -q -b main "$work"
	git -C "$work" commit -q --allow-empty -m one
	git -C "$work" push -q "$repo" "HEAD:refs/heads/$c1" "HEAD:refs/heads/$raw"
	fault_manifest "$UP_GIT/$T_NAME/names.git"
	run_fault --progress plain
	expect_outcome 0 ok
	# Up to date: the line names the branch, its CSI sequence dropped.
	run_fault --progress plain
	expect_exit 0 "$(cat "$OUT/status")" "second sync"
	expect_grep 'ok +victim evil [0-9a-f]{7} up to date$' "$OUT/stderr" "the branch, cleaned"
	expect_clean_text "$OUT/stderr" "sync lines"
	expect_json "$OUT/r.json" "report"
	"$BIN" sync --dry-run -C "$WS" "$OUT/m.yaml" >"$OUT/dry" 2>&1
	expect_clean_text "$OUT/dry" "dry run"
	expect_grep 'update +victim \(now branch evil' "$OUT/dry" "dry-run line"
	"$BIN" status -C "$WS" --json "$OUT/s.json" >"$OUT/status.out" 2>&1
	expect_clean_text "$OUT/status.out" "status"
	expect_json "$OUT/s.json" "status report"
	"$BIN" freeze -C "$WS" >"$OUT/freeze.out" 2>&1
	expect_clean_text "$OUT/freeze.out" "freeze"
}
