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
