# shellcheck shell=bash
# The shared object cache (--cache DIR, worker/cache.c) against a real
# HTTP server: the cache is made and filled once, a clone through it is
# the clone git makes and owes the cache nothing, a warm cache sends no
# pack over the network, concurrent runs fetch each repository once, and
# a cache that is locked, damaged or on another filesystem never fails
# an entry.

cache_manifest() {
	cat >"$OUT/m.yaml" <<YAML
repos:
  - url: $HTTP_URL/alpha.git
  - url: $HTTP_URL/big.git
  - url: $HTTP_URL/beta.git
    branch: trunk
YAML
}

packs_fetched() { http_fetches "$STATE/http"; }

# The cache repository of one fleet repository.
cache_repo_of() {	# CACHE NAME
	find "$1" -maxdepth 1 -name "*_git_$2.git-*.git" -o -maxdepth 1 \
	    -name "*_git_$2-*.git" | head -n 1
}

test_a_clone_through_the_cache_is_the_clone_git_makes() {
	local cache=$SCRATCH/cache-$T_NAME c pack
	cache_manifest
	"$BIN" sync --cache "$cache" -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync through a new cache"
	for r in alpha big; do
		git clone -q "$HTTP_URL/$r.git" "$OUT/ref-$r"
		same_clone "$WS/$r" "$OUT/ref-$r" "$r through the cache"
	done
	git clone -q -b trunk "$HTTP_URL/beta.git" "$OUT/ref-beta"
	same_clone "$WS/beta" "$OUT/ref-beta" "beta through the cache"
	c=$(cache_repo_of "$cache" big)
	[ -n "$c" ] || { fail "no cache repository for big in: $(ls "$cache")"; return; }
	expect_eq true "$(git -C "$c" rev-parse --is-bare-repository)" "a bare cache repository"
	expect_eq "$(git -C "$OUT/ref-big" rev-parse origin/main)" \
	    "$(git -C "$c" rev-parse refs/heads/main)" "the cache holds the heads"
	git -C "$c" rev-parse -q --verify refs/tags/v2.0 >/dev/null || fail "the cache holds the tags"
	git -C "$c" fsck --no-progress 2>"$OUT/fsck" || fail "the cache: git fsck: $(head -3 "$OUT/fsck")"
	expect_no_grep "url|http" "$c/config" "no URL in the cache's config"
	expect_eq "$HTTP_URL/big.git" "$(cat "$c/githerd-url")" "githerd-url names the remote"
	# link mode: the clone's pack is the cache's file, hard-linked
	pack=$(find "$WS/big/.git/objects/pack" -name '*.pack' | head -n 1)
	[ "$(stat -c %h "$pack")" -ge 2 ] || fail "the clone's pack is not hard-linked"
	# and owes the cache nothing
	rm -rf "$cache"
	git -C "$WS/big" fsck --no-progress 2>"$OUT/fsck" || fail "after the cache went: $(head -3 "$OUT/fsck")"
}

test_a_warm_cache_sends_no_pack_over_the_network() {
	local cache=$SCRATCH/cache-$T_NAME before
	cache_manifest
	"$BIN" sync --cache "$cache" -C "$WS/one" "$OUT/m.yaml" >"$OUT/stdout" 2>&1 ||
	    { fail "first sync: $(cat "$OUT/stdout")"; return; }
	before=$(packs_fetched)
	GITHERD_CACHE=$cache "$BIN" sync -C "$WS/two" "$OUT/m.yaml" >"$OUT/stdout2" 2>&1
	expect_exit 0 $? "a fresh workspace through the warm cache (GITHERD_CACHE)"
	expect_eq "$before" "$(packs_fetched)" "packs fetched from the origin"
	same_clone "$WS/two/big" "$WS/one/big" "the same clone"
	expect_eq "$HTTP_URL/big.git" "$(git -C "$WS/two/big" config remote.origin.url)" "origin is the real URL"
}

test_concurrent_runs_on_one_cache_fetch_each_repository_once() {
	local cache=$SCRATCH/cache-$T_NAME before i pids=""
	cache_manifest
	before=$(packs_fetched)
	for i in 1 2 3 4; do
		"$BIN" sync --cache "$cache" -C "$WS/ci$i" "$OUT/m.yaml" \
		    >"$OUT/stdout$i" 2>&1 &
		pids="$pids $!"
	done
	for i in $pids; do
		wait "$i" || fail "a run failed"
	done
	# one pack per repository into the cache; the clones find it all there
	expect_eq $((before + 3)) "$(packs_fetched)" "packs fetched by four runs"
	for i in 1 2 3 4; do
		git -C "$WS/ci$i/big" fsck --no-progress 2>/dev/null || fail "ci$i/big: git fsck"
		same_clone "$WS/ci$i/alpha" "$WS/ci1/alpha" "ci$i/alpha"
	done
}

test_a_cache_locked_past_the_wait_falls_back_to_the_origin() {
	local cache=$SCRATCH/cache-$T_NAME lock holder
	echo "repos: [{url: $HTTP_URL/alpha.git}]" >"$OUT/m.yaml"
	"$BIN" sync --cache "$cache" -C "$WS/one" "$OUT/m.yaml" >/dev/null 2>&1 ||
	    { fail "first sync"; return; }
	lock=$(find "$cache" -maxdepth 1 -name '*.lock' ! -name 'githerd-timings.lock' | head -n 1)
	flock "$lock" sleep 5 &
	holder=$!
	sleep 0.3
	"$BIN" sync --cache "$cache" --cache-wait 0.5 -C "$WS/two" "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "the entry is cloned all the same"
	expect_grep "warning: alpha: cache: .*still locked by another run after 0 s: taking what it holds, the rest from the origin" \
	    "$OUT/stderr" "says so"
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	same_clone "$WS/two/alpha" "$WS/one/alpha" "from the origin"
}

test_a_damaged_cache_repository_falls_back_to_the_origin() {
	local cache=$SCRATCH/cache-$T_NAME c
	echo "repos: [{url: $HTTP_URL/alpha.git}]" >"$OUT/m.yaml"
	"$BIN" sync --cache "$cache" -C "$WS/one" "$OUT/m.yaml" >/dev/null 2>&1 ||
	    { fail "first sync"; return; }
	c=$(find "$cache" -maxdepth 1 -name '*.git' | head -n 1)
	rm -rf "$c/objects" "$c/HEAD"
	"$BIN" sync --cache "$cache" -C "$WS/two" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "the entry is cloned all the same"
	expect_grep "cache: .* is damaged" "$OUT/stderr" "says so"
	same_clone "$WS/two/alpha" "$WS/one/alpha" "from the origin"
}

# A cache on a filesystem of its own (a tmpfs in a private mount
# namespace): link(2) fails with EXDEV, and the packs are copied.
test_a_cache_on_another_filesystem_is_copied_from() {
	local cache=$SCRATCH/cache-$T_NAME
	mkdir -p "$cache"
	echo "repos: [{url: $HTTP_URL/big.git}]" >"$OUT/m.yaml"
	unshare -m sh -c 'mount -t tmpfs githerd-cache "$1" && shift && exec "$@"' \
	    sh "$cache" "$BIN" sync --cache "$cache" -C "$WS" "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync with the cache on a tmpfs"
	expect_grep "cache: .* is on another filesystem: its packs were copied, not linked" \
	    "$OUT/stderr" "one note"
	expect_eq 1 "$(grep -c 'another filesystem' "$OUT/stderr")" "said once"
	git clone -q "$HTTP_URL/big.git" "$OUT/ref"
	same_clone "$WS/big" "$OUT/ref" "a copied clone"
}

test_credentials_never_reach_the_cache() {
	local cache=$SCRATCH/cache-$T_NAME url c
	url=$(printf '%s' "$HTTP_URL" | sed 's|://|://user:SEKRET123@|')
	echo "repos: [{url: $url/alpha.git}]" >"$OUT/m.yaml"
	"$BIN" sync --cache "$cache" -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync"
	if grep -rq SEKRET123 "$cache"; then
		fail "a credential in the cache: $(grep -rl SEKRET123 "$cache")"
	fi
	c=$(find "$cache" -maxdepth 1 -name '*.git' | head -n 1)
	expect_grep '\*\*\*@' "$c/githerd-url" "the URL, redacted"
}

# The "bytes" of one entry in a --json report.
report_bytes() {	# FILE
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["repos"][0]["bytes"])' "$1"
}

test_reference_mode_borrows_the_cache_objects() {
	local cache=$SCRATCH/cache-$T_NAME c
	echo "repos: [{url: $HTTP_URL/big.git}]" >"$OUT/m.yaml"
	"$BIN" sync --cache "$cache" --cache-mode reference -C "$WS" "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync --cache-mode reference"
	c=$(cache_repo_of "$cache" big)
	expect_eq "$c/objects" "$(cat "$WS/big/.git/objects/info/alternates")" \
	    "the clone's alternates name the cache"
	expect_eq "$WS/big/.git/objects" "$(cat "$c/githerd-borrowers")" \
	    "the cache lists its borrower"
	expect_eq "" "$(find "$WS/big/.git/objects/pack" -name '*.pack')" "no pack of its own"
	git clone -q "$HTTP_URL/big.git" "$OUT/ref"
	same_clone "$WS/big" "$OUT/ref" "a borrowing clone"
	# cache prune keeps what a checkout borrows, however old
	touch -d '40 days ago' "$c/githerd-used"
	"$BIN" cache prune --cache "$cache" --unused-for 30d >"$OUT/prune" 2>&1
	expect_exit 0 $? "cache prune"
	[ -d "$c" ] || fail "cache prune removed a borrowed entry: $(cat "$OUT/prune")"
	# --dissociate: the same clone, owing the cache nothing
	"$BIN" sync --cache "$cache" --cache-mode reference --dissociate \
	    -C "$WS/own" "$OUT/m.yaml" >"$OUT/stdout" 2>&1
	expect_exit 0 $? "sync --dissociate"
	expect_missing "$WS/own/big/.git/objects/info/alternates" "no alternates with --dissociate"
	rm -rf "$cache"
	same_clone "$WS/own/big" "$OUT/ref" "a dissociated clone, its cache gone"
}

# The cache cannot be brought up to date (another run holds its lock):
# its heads still serve as haves, and the origin sends only what is new.
test_a_cache_that_is_behind_still_saves_the_download() {
	local cache=$SCRATCH/cache-$T_NAME lock holder full seeded
	start_upstreams || { fail "upstream servers"; return; }
	up_new big
	echo "repos: [{url: $UP_HTTP/$T_NAME/big.git}]" >"$OUT/m.yaml"
	"$BIN" sync --cache "$cache" -C "$WS/one" --json "$OUT/one.json" "$OUT/m.yaml" \
	    >/dev/null 2>&1 || { fail "first sync"; return; }
	full=$(report_bytes "$OUT/one.json")
	up_commit big main new.txt "one commit more"
	lock=$(find "$cache" -maxdepth 1 -name '*.lock' ! -name 'githerd-timings.lock' | head -n 1)
	flock "$lock" sleep 5 &
	holder=$!
	sleep 0.3
	"$BIN" sync --cache "$cache" --cache-wait 0.2 -C "$WS/two" --json "$OUT/two.json" \
	    "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync past a locked cache that is behind"
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	seeded=$(report_bytes "$OUT/two.json")
	[ "$seeded" -gt 0 ] && [ $((seeded * 10)) -lt "$full" ] ||
	    fail "received $seeded bytes with the cache's heads as haves, $full cold"
	expect_eq "" "$(git -C "$WS/two/big" for-each-ref refs/githerd)" "no seed ref left"
	[ ! -e "$WS/two/big/.git/refs/githerd" ] || fail "refs/githerd left in the clone"
	git clone -q "$UP_HTTP/$T_NAME/big.git" "$OUT/ref"
	same_clone "$WS/two/big" "$OUT/ref" "the new commit included"
}

# Someone removed the cache under a borrowing checkout: status names the
# class and the fix, and sync repairs it, from the cache or the origin.
test_a_pruned_cache_under_a_reference_checkout_is_repaired() {
	local cache=$SCRATCH/cache-$T_NAME
	echo "repos: [{url: $HTTP_URL/big.git}]" >"$OUT/m.yaml"
	"$BIN" sync --cache "$cache" --cache-mode reference -C "$WS" "$OUT/m.yaml" \
	    >/dev/null 2>&1 || { fail "first sync"; return; }
	rm -rf "$cache"
	"$BIN" status -C "$WS" "$OUT/m.yaml" >"$OUT/status" 2>&1
	expect_exit 1 $? "status of a checkout whose cache is gone"
	expect_grep "big.*cache-corrupt: the objects it borrows from $cache/.* are gone.*githerd sync" \
	    "$OUT/status" "status names the class and the fix"
	"$BIN" sync --cache "$cache" --cache-mode reference -C "$WS" "$OUT/m.yaml" \
	    >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync repairs it from the cache"
	expect_grep "warning: big: repaired: the objects it borrows from .* are gone; taken again from $cache/" \
	    "$OUT/stderr" "says so"
	git -C "$WS/big" fsck --no-progress 2>"$OUT/fsck" || fail "after the repair: $(head -3 "$OUT/fsck")"
	rm -rf "$cache"
	"$BIN" sync -C "$WS" "$OUT/m.yaml" >"$OUT/stdout" 2>"$OUT/stderr"
	expect_exit 0 $? "sync without a cache repairs it from the origin"
	expect_grep "repaired: .*taken again from the origin" "$OUT/stderr" "says so"
	expect_missing "$WS/big/.git/objects/info/alternates" "borrows nothing any more"
	expect_missing "$WS/big/.git/githerd-repair.git" "no repair repository left"
	git clone -q "$HTTP_URL/big.git" "$OUT/ref"
	same_clone "$WS/big" "$OUT/ref" "repaired from the origin"
}

# Submodules (two levels) through the cache: their entries are made and
# filled, the second workspace fetches no pack at all, and every
# submodule is what git submodule update makes.
test_submodules_go_through_the_cache() {
	local cache=$SCRATCH/cache-$T_NAME before sub
	printf 'repos:\n  - url: %s/super.git\n    submodules: true\n' "$HTTP_URL" >"$OUT/m.yaml"
	"$BIN" sync --cache "$cache" -C "$WS/one" "$OUT/m.yaml" >"$OUT/stdout" 2>&1
	expect_exit 0 $? "sync with submodules through the cache"
	for sub in super mid sub; do
		[ -n "$(cache_repo_of "$cache" $sub)" ] || fail "no cache entry for $sub: $(ls "$cache")"
	done
	before=$(packs_fetched)
	"$BIN" sync --cache "$cache" -C "$WS/two" "$OUT/m.yaml" >"$OUT/stdout2" 2>&1
	expect_exit 0 $? "a second workspace"
	expect_eq "$before" "$(packs_fetched)" "packs fetched from the origin"
	git clone -q --recurse-submodules "$HTTP_URL/super.git" "$OUT/ref" 2>/dev/null
	same_clone "$WS/two/super" "$OUT/ref" "the superproject"
	for sub in lib/mid lib/mid/deps/sub; do
		same_clone "$WS/two/super/$sub" "$OUT/ref/$sub" "submodule $sub"
	done
}

# Two workspaces through one cache, then a commit upstream: the first
# sync brings it into the cache, the second takes it from there.
test_updates_go_through_the_cache_once() {
	local cache=$SCRATCH/cache-$T_NAME before
	start_upstreams || { fail "upstream servers"; return; }
	up_new big
	echo "repos: [{url: $UP_HTTP/$T_NAME/big.git}]" >"$OUT/m.yaml"
	"$BIN" sync --cache "$cache" -C "$WS/one" "$OUT/m.yaml" >/dev/null 2>&1 &&
	"$BIN" sync --cache "$cache" --cache-mode reference -C "$WS/two" "$OUT/m.yaml" \
	    >/dev/null 2>&1 || { fail "first syncs"; return; }
	up_commit big main new.txt "one commit more"
	"$BIN" sync --cache "$cache" -C "$WS/one" "$OUT/m.yaml" >"$OUT/stdout" 2>&1
	expect_exit 0 $? "update of a linked checkout"
	# (one fetch with haves is more than one request: count the second run's)
	before=$(http_fetches "$STATE/up-http")
	"$BIN" sync --cache "$cache" -C "$WS/two" "$OUT/m.yaml" >"$OUT/stdout2" 2>&1
	expect_exit 0 $? "update of a borrowing checkout"
	expect_eq "$before" "$(http_fetches "$STATE/up-http")" "requests for packs by the second update"
	for ws in one two; do
		expect_eq "$(up_sha big main)" "$(git -C "$WS/$ws/big" rev-parse HEAD)" "$ws moved on"
		expect_eq "" "$(git -C "$WS/$ws/big" status --porcelain)" "$ws clean"
	done
	# --dissociate: the borrower owns its objects, and outlives the cache
	"$BIN" sync --cache "$cache" --dissociate -C "$WS/two" "$OUT/m.yaml" >"$OUT/stdout3" 2>&1
	expect_exit 0 $? "sync --dissociate of a borrowing checkout"
	expect_missing "$WS/two/big/.git/objects/info/alternates" "borrows nothing"
	rm -rf "$cache"
	git -C "$WS/two/big" fsck --no-progress 2>"$OUT/fsck" || fail "without the cache: $(head -3 "$OUT/fsck")"
}

# defaults: cache: in the manifest, relative to the manifest's directory;
# --cache wins over it.
test_the_manifest_names_the_cache() {
	mkdir -p "$OUT/conf"
	printf 'defaults:\n  cache: shared-cache\nrepos:\n  - url: %s/alpha.git\n' \
	    "$HTTP_URL" >"$OUT/conf/m.yaml"
	"$BIN" sync -C "$WS/one" "$OUT/conf/m.yaml" >"$OUT/stdout" 2>&1
	expect_exit 0 $? "sync with the manifest's cache"
	[ -n "$(cache_repo_of "$OUT/conf/shared-cache" alpha)" ] ||
	    fail "no cache next to the manifest: $(ls -A "$OUT/conf")"
	"$BIN" sync --cache "$OUT/other" -C "$WS/two" "$OUT/conf/m.yaml" >"$OUT/stdout" 2>&1
	expect_exit 0 $? "sync with --cache"
	[ -n "$(cache_repo_of "$OUT/other" alpha)" ] || fail "--cache does not win"
}

# --- githerd cache status|prune (parent/cmd_cache.c) ------------------------

# A cache filled by a real sync of alpha and beta; sets CA (alpha's entry)
# and CB (beta's).
cache_filled() {	# CACHE
	printf 'repos:\n  - url: %s/alpha.git\n  - url: %s/beta.git\n    branch: trunk\n' \
	    "$HTTP_URL" "$HTTP_URL" >"$OUT/m.yaml"
	"$BIN" sync -q --cache "$1" -C "$WS" "$OUT/m.yaml" >"$OUT/sync" 2>&1 ||
	    { fail "sync through the cache: $(cat "$OUT/sync")"; return 1; }
	CA=$(cache_repo_of "$1" alpha)
	CB=$(cache_repo_of "$1" beta)
	if [ -z "$CA" ] || [ -z "$CB" ]; then
		fail "no cache entries in: $(ls "$1")"
		return 1
	fi
}

# A field of one repository of `cache status --json`, by URL suffix.
cache_json() {		# FILE URL-SUFFIX FIELD
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print([r for r in d["repositories"] if r["url"].endswith(sys.argv[2])][0][sys.argv[3]])' "$@"
}

test_cache_status_lists_each_url_its_size_and_state() {
	local cache=$SCRATCH/cache-$T_NAME
	cache_manifest
	"$BIN" sync -q --cache "$cache" -C "$WS" "$OUT/m.yaml" >"$OUT/sync" 2>&1 ||
	    { fail "sync: $(cat "$OUT/sync")"; return; }
	"$BIN" cache status --cache "$cache" >"$OUT/status" 2>&1
	expect_exit 0 $? "cache status"
	for r in alpha big beta; do
		expect_grep "^ *[0-9.]+ (KiB|MiB)  used +[0-9]+s ago  idle +$HTTP_URL/$r.git\$" \
		    "$OUT/status" "a line for $r"
	done
	expect_grep "^githerd: 3 repositories, [0-9.]+ MiB in $cache \([0-9.]+ (KiB|MiB) of it also linked into checkouts\)\$" \
	    "$OUT/status" "the total"
	GITHERD_CACHE=$cache "$BIN" cache status --json "$OUT/status.json" >"$OUT/out" 2>&1
	expect_exit 0 $? "cache status --json (GITHERD_CACHE)"
	# st_blocks, hard links once: what du(1) says of the entry
	expect_eq "$(du -s -B1 "$(cache_repo_of "$cache" big)" | cut -f1)" \
	    "$(cache_json "$OUT/status.json" /big.git size)" "big's size is du's"
	[ "$(cache_json "$OUT/status.json" /big.git size)" -gt 3000000 ] ||
	    fail "big is about 3.8 MB, not $(cache_json "$OUT/status.json" /big.git size) bytes"
	expect_eq idle "$(cache_json "$OUT/status.json" /alpha.git state)" "alpha's state"
}

test_cache_prune_removes_what_was_unused_for_the_duration() {
	local cache=$SCRATCH/cache-$T_NAME
	cache_filled "$cache" || return
	"$BIN" cache prune --cache "$cache" --unused-for 3650d >"$OUT/prune" 2>&1
	expect_exit 0 $? "prune --unused-for 3650d"
	expect_grep "^githerd: removed 0 of 2 repositories in $cache: 0 B freed\$" "$OUT/prune" "nothing"
	{ [ -d "$CA" ] && [ -d "$CB" ]; } || fail "an entry went"
	touch -d '40 days ago' "$CA/githerd-used"
	"$BIN" cache prune --cache "$cache" --unused-for 30d --dry-run >"$OUT/dry" 2>&1
	expect_exit 0 $? "prune --dry-run"
	expect_grep "^would remove $HTTP_URL/alpha.git \(unused for 40d\): [0-9.]+ (B|KiB|MiB) to free\$" \
	    "$OUT/dry" "says what would go"
	[ -d "$CA" ] || fail "--dry-run removed alpha's entry"
	"$BIN" cache prune --cache "$cache" --unused-for 30d >"$OUT/prune" 2>&1
	expect_exit 0 $? "prune --unused-for 30d"
	expect_grep "^removed $HTTP_URL/alpha.git \(unused for 40d\): " "$OUT/prune" "one line"
	expect_grep "^githerd: removed 1 of 2 repositories in $cache: " "$OUT/prune" "the total"
	expect_no_grep "beta" "$OUT/prune" "beta is not mentioned"
	expect_missing "$CA" "alpha's entry"
	[ -f "${CA%.git}.lock" ] || fail "the lock file went too"
	[ -d "$CB" ] || fail "beta's entry went"
	[ -z "$(find "$cache" -name '*.tmp-*')" ] || fail "left aside: $(ls "$cache")"
	git -C "$WS/alpha" fsck --no-progress 2>/dev/null || fail "the checkout needed the entry"
	# A later sync makes it again.
	"$BIN" sync -q --cache "$cache" -C "$WS/again" "$OUT/m.yaml" >"$OUT/sync2" 2>&1
	expect_exit 0 $? "a sync after the prune"
	[ -d "$(cache_repo_of "$cache" alpha)" ] || fail "the entry was not made again"
	same_clone "$WS/again/alpha" "$WS/alpha" "through the new entry"
}

test_cache_entry_locked_by_another_process_is_in_use_and_kept() {
	local cache=$SCRATCH/cache-$T_NAME lock holder
	cache_filled "$cache" || return
	lock=${CA%.git}.lock
	touch -d '40 days ago' "$CA/githerd-used"
	# -o: the lock is flock's own, and goes when it is killed
	flock -o "$lock" sleep 30 &
	holder=$!
	wait_for 5 sh -c '! flock -n "$1" true' _ "$lock" || fail "flock did not take $lock"
	"$BIN" cache status --cache "$cache" >"$OUT/status" 2>&1
	expect_grep "used 40d ago  in use  $HTTP_URL/alpha.git\$" "$OUT/status" "status says in use"
	"$BIN" cache prune --cache "$cache" --unused-for 30d >"$OUT/prune" 2>&1
	expect_exit 0 $? "prune"
	expect_grep "^kept $HTTP_URL/alpha.git \(unused for 40d\): in use\$" "$OUT/prune" "says why"
	[ -d "$CA/objects" ] || fail "an entry in use was removed"
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	"$BIN" cache prune --cache "$cache" --unused-for 30d >"$OUT/prune2" 2>&1
	expect_grep "^removed $HTTP_URL/alpha.git" "$OUT/prune2" "once let go"
}

test_cache_entry_borrowed_by_a_checkout_is_kept_a_stale_borrower_is_not() {
	local cache=$SCRATCH/cache-$T_NAME
	cache_filled "$cache" || return
	# A real borrower: its objects/info/alternates names the entry.
	git clone -q --reference "$CA" "$HTTP_URL/alpha.git" "$OUT/borrower" ||
	    { fail "git clone --reference"; return; }
	grep -qx "$CA/objects" "$OUT/borrower/.git/objects/info/alternates" ||
	    fail "git did not borrow from $CA: $(cat "$OUT/borrower/.git/objects/info/alternates")"
	printf '%s\n' "$OUT/borrower/.git/objects" >"$CA/githerd-borrowers"
	# beta's borrowers are gone, or borrow from elsewhere now.
	git clone -q "$HTTP_URL/beta.git" "$OUT/former"
	printf '%s\n%s\n' "$OUT/gone/.git/objects" "$OUT/former/.git/objects" >"$CB/githerd-borrowers"
	touch -d '40 days ago' "$CA/githerd-used" "$CB/githerd-used"
	"$BIN" cache status --cache "$cache" >"$OUT/status" 2>&1
	expect_grep "  borrowed by 1  $HTTP_URL/alpha.git\$" "$OUT/status" "alpha is borrowed"
	expect_grep "  idle +$HTTP_URL/beta.git\$" "$OUT/status" "beta is not"
	"$BIN" cache prune --cache "$cache" --unused-for 30d >"$OUT/prune" 2>&1
	expect_exit 0 $? "prune"
	expect_grep "^kept $HTTP_URL/alpha.git \(unused for 40d\): borrowed by 1\$" "$OUT/prune" "kept, and why"
	expect_grep "^removed $HTTP_URL/beta.git " "$OUT/prune" "beta went"
	[ -d "$CA/objects" ] || fail "a borrowed entry was removed"
	expect_missing "$CB" "beta's entry"
	git -C "$OUT/borrower" fsck --no-progress 2>"$OUT/fsck" || fail "the borrower: $(head -3 "$OUT/fsck")"
}

test_cache_prune_never_follows_a_symlink_and_removes_dead_leftovers() {
	local cache=$SCRATCH/cache-$T_NAME link before dead
	cache_filled "$cache" || return
	cp -a "$CA" "$OUT/outside.git"
	touch -d '40 days ago' "$OUT/outside.git/githerd-used" "$OUT/outside.git"
	link=$cache/example.org_link-0123456789ab.git
	ln -s "$OUT/outside.git" "$link"
	before=$(tree_digest "$OUT/outside.git")
	true &
	dead=$!
	wait "$dead"
	mkdir -p "$CA.tmp-$dead/objects"
	"$BIN" cache status --cache "$cache" >"$OUT/status" 2>&1
	expect_grep "^left alone example.org_link-0123456789ab.git: a symbolic link, not followed\$" \
	    "$OUT/status" "status notes the link"
	expect_grep "^leftover $(basename "$CA").tmp-$dead: .* of process $dead, which is gone" \
	    "$OUT/status" "status reports the leftover"
	expect_grep "^githerd: 2 repositories, .*; 1 leftover, " "$OUT/status" "the total"
	"$BIN" cache prune --cache "$cache" --unused-for 0s >"$OUT/prune" 2>&1
	expect_exit 0 $? "prune --unused-for 0s"
	expect_grep "^left alone example.org_link-0123456789ab.git: a symbolic link" "$OUT/prune" "the link"
	expect_grep "^removed leftover $(basename "$CA").tmp-$dead of process $dead: " "$OUT/prune" "the leftover"
	expect_grep "^githerd: removed 2 of 2 repositories and 1 leftover in " "$OUT/prune" "the total"
	[ -L "$link" ] || fail "the link was removed"
	expect_eq "$before" "$(tree_digest "$OUT/outside.git")" "what the link points to"
	expect_missing "$CA.tmp-$dead" "the leftover"
}

test_cache_status_never_shows_a_credential_or_a_control_character() {
	local cache=$SCRATCH/cache-$T_NAME url fake
	url=$(printf '%s' "$HTTP_URL" | sed 's|://|://user:SEKRET123@|')
	echo "repos: [{url: $url/alpha.git}]" >"$OUT/m.yaml"
	"$BIN" sync -q --cache "$cache" -C "$WS" "$OUT/m.yaml" >"$OUT/sync" 2>&1 ||
	    { fail "sync: $(cat "$OUT/sync")"; return; }
	# An entry whose githerd-url was written by hand, or by anyone.
	fake=$cache/example.org_x-0123456789ab.git
	mkdir -p "$fake/objects"
	printf 'https://bob:HUNTER2@example.org/\033]0;owned\007x\033[2J.git' >"$fake/githerd-url"
	"$BIN" cache status --cache "$cache" >"$OUT/status" 2>&1
	expect_exit 0 $? "cache status"
	"$BIN" cache status --cache "$cache" --json - >"$OUT/json" 2>&1
	"$BIN" cache prune --cache "$cache" --unused-for 0s --dry-run >"$OUT/prune" 2>&1
	for f in status json prune; do
		expect_no_grep "SEKRET123|HUNTER2" "$OUT/$f" "cache $f"
		expect_no_grep $'\033|\007' "$OUT/$f" "cache $f"
	done
	expect_grep "http://\*\*\*@127\.0\.0\.1:[0-9]+/git/alpha.git\$" "$OUT/status" "the URL, redacted"
	expect_grep "https://\*\*\*@example.org/x.git\$" "$OUT/status" "a hand-written one too"
	python3 -m json.tool "$OUT/json" >/dev/null || fail "--json - is not JSON: $(head -5 "$OUT/json")"
}

test_cache_command_needs_a_cache_directory() {
	env -u GITHERD_CACHE "$BIN" cache status >"$OUT/none" 2>&1
	expect_exit 2 $? "no --cache, no GITHERD_CACHE"
	expect_grep "give --cache DIR or set GITHERD_CACHE" "$OUT/none" "says how"
	"$BIN" cache status --cache "$OUT/missing" >"$OUT/missing.out" 2>&1
	expect_exit 2 $? "a cache that is not there"
	expect_grep "$OUT/missing: No such file or directory" "$OUT/missing.out" "names it"
	"$BIN" cache prune --cache "$OUT" >"$OUT/prune" 2>&1
	expect_exit 2 $? "prune without --unused-for"
	expect_grep "needs --unused-for" "$OUT/prune" "says so"
	mkdir -p "$OUT/empty"
	GITHERD_CACHE=$OUT/empty "$BIN" cache status >"$OUT/empty.out" 2>&1
	expect_exit 0 $? "an empty cache"
	expect_grep "^githerd: 0 repositories, 0 B in $OUT/empty\$" "$OUT/empty.out" "says so"
}
