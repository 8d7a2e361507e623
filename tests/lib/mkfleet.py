#!/usr/bin/env python3
"""Generate a deterministic fleet of bare git repositories for githerd tests.

    mkfleet.py --profile {test,demo,bench-small,bench-mixed,bench-ros2} --out DIR
               [--count N] [--scale F] [-v]

Writes DIR/repos/<name>.git (bare) and DIR/fleet.json.  History is produced
as `git fast-import` streams built in Python, so a repository costs three
short git processes no matter how many commits it has.  All names, emails,
timestamps and contents derive from constants and seeded random.Random
instances, so the same profile always yields the same SHAs (for a given git
version; pack_bytes may differ across zlib/git versions, SHAs do not).

A run is skipped when DIR/fleet.json already records the same profile,
generator version (GENERATOR, plus ROS2_GENERATOR for bench-ros2) and
scale.  fleet.json is written last, atomically, so an interrupted run is
redone from scratch the next time.
"""

import argparse
import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import random
import time
from concurrent.futures import ThreadPoolExecutor

# Bump whenever the generated repositories or fleet.json would change:
# callers cache on this string.
GENERATOR = "mkfleet-2"
# The ROS 2 corpus has a version of its own, so that tuning it does not
# regenerate the other bench corpora (the mixed one takes minutes).
ROS2_GENERATOR = "ros2-1"

PROFILES = ("test", "demo", "bench-small", "bench-mixed", "bench-ros2")

AUTHOR = b"Fleet Generator <fleet@githerd.invalid>"
EPOCH = 1700000000      # 2023-11-14; every commit is a fixed step after this
STEP = 3607             # seconds between consecutive commits of one repo

WORDS = (
    "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu "
    "xi omicron pi rho sigma tau upsilon phi chi psi omega buffer queue "
    "socket worker clone fetch packet frame retry timeout parse render "
    "manifest branch commit object tree blob remote origin mirror depth "
    "struct static const return if else while for switch case break"
).split()


# --------------------------------------------------------------------------
# content helpers

def text_lines(rng, n, tag):
    """n lines of pseudo source text; `tag` keeps files distinguishable."""
    out = []
    for i in range(n):
        k = rng.randrange(3, 10)
        out.append("%s %d: %s\n" % (tag, i, " ".join(rng.choices(WORDS, k=k))))
    return "".join(out).encode()


def random_text(rng, nbytes):
    """About nbytes of base64 text from seeded random bytes.

    base64 keeps the files diff-able text while staying ~75% incompressible,
    so pack sizes really grow with the requested payload.
    """
    raw = rng.randbytes(max(1, nbytes * 3 // 4))
    return base64.encodebytes(raw)


# --------------------------------------------------------------------------
# fast-import stream builder

class Repo:
    """Accumulates a fast-import stream and mirrors each branch's tree.

    The mirror (path -> (mode, data)) lets builders modify existing files and
    lets us report the submodules of the default branch without asking git.
    """

    def __init__(self, name, default_branch="main", seed=None, keep_snapshots=True):
        self.name = name
        self.default_branch = default_branch
        # str seeds are hashed with SHA-512 by random.seed(): stable across
        # runs and independent of PYTHONHASHSEED.
        self.rng = random.Random("%s/%s" % (seed or "", name))
        self.chunks = []
        self.next_mark = 1
        self.ncommits = 0
        self.trees = {}      # branch -> {path: (mode, data)}
        self.tips = {}       # branch -> mark
        self.history = {}    # branch -> [mark, ...] in commit order
        self.snapshots = {}  # mark -> tree dict at that commit
        # False: keep only the trees of the branch tips.  A history of
        # thousands of commits over thousands of files would otherwise hold
        # millions of dict entries; builders that fork a branch from an old
        # commit need them all (True, the default).
        self.keep_snapshots = keep_snapshots
        self.server_repack = False  # repack as a server would (materialise)
        self.extra = {}      # more fields for the fleet.json entry
        self.gitmodules = {}  # branch -> {path: url}
        self.shas = {}       # mark -> commit SHA, once imported
        self.meta = None     # the fleet.json entry, once imported

    # -- low level --------------------------------------------------------

    def _data(self, payload):
        self.chunks.append(b"data %d\n" % len(payload))
        self.chunks.append(payload)
        self.chunks.append(b"\n")

    def _when(self):
        return b"%d +0000" % (EPOCH + self.next_mark * STEP)

    # -- commits ----------------------------------------------------------

    def commit(self, branch, message, changes=None, start=None):
        """Commit `changes` ({path: (mode, bytes) | None}) on `branch`.

        `start` (a branch name or mark) seeds a branch that has no commit
        yet.  Returns the commit's mark.
        """
        changes = changes or {}
        if branch in self.tips:
            parent = self.tips[branch]
        elif start is not None:
            parent = self.tips[start] if isinstance(start, str) else start
        else:
            parent = None
        tree = dict(self.snapshots[parent]) if parent else {}

        mark = self.next_mark
        self.next_mark += 1
        c = self.chunks
        c.append(b"commit refs/heads/%s\nmark :%d\n" % (branch.encode(), mark))
        when = self._when()
        c.append(b"author %s %s\ncommitter %s %s\n" % (AUTHOR, when, AUTHOR, when))
        self._data(message.encode() + b"\n")
        # An explicit `from` on every non-root commit makes the stream
        # independent of fast-import's notion of the branch's current tip.
        if parent:
            c.append(b"from :%d\n" % parent)
        for path, entry in sorted(changes.items()):
            bpath = path.encode()
            if entry is None:
                c.append(b"D %s\n" % bpath)
                tree.pop(path, None)
                continue
            mode, payload = entry
            if mode == "160000":
                c.append(b"M 160000 %s %s\n" % (payload.encode(), bpath))
            else:
                c.append(b"M %s inline %s\n" % (mode.encode(), bpath))
                self._data(payload)
            tree[path] = entry
        c.append(b"\n")

        self.trees[branch] = tree
        self.tips[branch] = mark
        self.history.setdefault(branch, []).append(mark)
        self.snapshots[mark] = tree
        if not self.keep_snapshots and parent and parent not in self.tips.values():
            del self.snapshots[parent]
        self.ncommits += 1
        return mark

    def add_submodule(self, branch, path, url, sha, message=None, start=None):
        """Commit a gitlink plus the matching .gitmodules entry."""
        mods = dict(self.gitmodules.get(branch) or
                    (self.gitmodules.get(start) if isinstance(start, str) else None) or {})
        mods[path] = url
        text = "".join('[submodule "%s"]\n\tpath = %s\n\turl = %s\n' % (p, p, u)
                       for p, u in sorted(mods.items()))
        mark = self.commit(branch, message or "Add submodule %s" % path,
                           {".gitmodules": ("100644", text.encode()),
                            path: ("160000", sha)}, start=start)
        self.gitmodules[branch] = mods
        return mark

    # -- refs -------------------------------------------------------------

    def tag(self, name, mark, message=None):
        """Annotated tag on commit `mark`."""
        self.chunks.append(b"tag %s\nfrom :%d\ntagger %s %s\n"
                           % (name.encode(), mark, AUTHOR, self._when()))
        self._data((message or "Release %s" % name).encode() + b"\n")

    def lightweight(self, name, mark):
        self.chunks.append(b"reset refs/tags/%s\nfrom :%d\n\n" % (name.encode(), mark))

    # -- convenience for builders ----------------------------------------

    def edit(self, branch, path, nlines=3):
        """New content for an existing text file: a few appended lines."""
        mode, old = self.trees[branch][path]
        return (mode, old + text_lines(self.rng, nlines, path))

    def text_files(self, branch):
        return sorted(p for p, (m, _) in self.trees.get(branch, {}).items()
                      if m in ("100644", "100755") and not p.endswith((".dat", ".gitmodules")))

    def stream(self):
        return b"".join(self.chunks) + b"done\n"


# --------------------------------------------------------------------------
# running git

def git(*args, cwd=None, input=None):
    r = subprocess.run(("git",) + args, cwd=cwd, input=input,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode != 0:
        raise RuntimeError("git %s failed (%d): %s" % (
            " ".join(args), r.returncode, r.stderr.decode(errors="replace").strip()))
    return r.stdout.decode()


SERVER_CONFIG = (
    "[uploadpack]\n"
    "\tallowReachableSHA1InWant = true\n"
    "\tallowTipSHA1InWant = true\n"
    "[http]\n"
    "\treceivepack = false\n"
)


# Paths whose blobs are random bytes: no delta search for them (a bare
# repository reads info/attributes), which makes the repack cheap and
# changes nothing that is sent: random data has no deltas to find.
NO_DELTA = "*.png -delta\n*.stl -delta\n*.dae -delta\n*.svg -delta\n*.bin -delta\n"


def serve_packed(path):
    """Repack as a hosting service keeps a repository: one pack with
    deltas across paths, a reachability bitmap, packed refs.  A clone from
    it reuses the pack instead of compressing objects anew, so the server
    takes as little of the CPU the clients share with it as GitHub would,
    and the pack a clone receives is about the size of the one on disk.
    -f: fast-import deltas each blob only against the one before it in the
    stream, whatever its path; reusing those deltas would leave packs of
    small repositories twice the size a real server sends."""
    os.makedirs(os.path.join(path, "info"), exist_ok=True)
    with open(os.path.join(path, "info", "attributes"), "w") as f:
        f.write(NO_DELTA)
    git("pack-refs", "--all", cwd=path)
    git("-c", "pack.threads=1", "repack", "-a", "-d", "-f", "-b", "-q", cwd=path)


def materialise(repo, repos_dir):
    """Create the bare repository for `repo`, import it, describe it."""
    path = os.path.join(repos_dir, repo.name + ".git")
    # No template: the sample hooks are ~60 KB of files per repository that
    # nothing here uses.  -b sets HEAD (also for the unborn `empty` repo).
    git("init", "--quiet", "--bare", "--template=", "-b", repo.default_branch, path)
    # Same effect as three `git config` calls, without three processes.
    with open(os.path.join(path, "config"), "a") as f:
        f.write(SERVER_CONFIG)
    open(os.path.join(path, "git-daemon-export-ok"), "w").close()

    if repo.ncommits:
        # unpackLimit=0: always keep fast-import's pack; the default (100)
        # would explode small imports into loose objects, which is slower to
        # write and to serve.  --done makes a truncated stream an error.
        # The marks give builders of submodule parents the SHAs they pin.
        marks = os.path.join(path, "fast-import.marks")
        git("-c", "fastimport.unpackLimit=0", "fast-import", "--quiet", "--done",
            "--export-marks=" + marks, cwd=path, input=repo.stream())
        with open(marks) as f:
            for line in f:
                mark, sha = line.split()
                repo.shas[int(mark[1:])] = sha
        os.unlink(marks)
        if repo.server_repack:
            serve_packed(path)

    branches, tags = {}, {}
    out = git("for-each-ref", "--format=%(objectname) %(objecttype) %(*objectname) %(refname)",
              cwd=path) if repo.ncommits else ""
    for line in out.splitlines():
        # %(*objectname) is empty unless the ref is an annotated tag.
        sha, otype, peeled, ref = line.split(" ", 3)
        if ref.startswith("refs/heads/"):
            branches[ref[len("refs/heads/"):]] = sha
        elif ref.startswith("refs/tags/"):
            annotated = otype == "tag"
            tags[ref[len("refs/tags/"):]] = {
                "target": sha, "commit": peeled if annotated else sha,
                "annotated": annotated}

    pack_dir = os.path.join(path, "objects", "pack")
    pack_bytes = sum(os.path.getsize(os.path.join(pack_dir, f))
                     for f in os.listdir(pack_dir) if f.endswith(".pack")) \
        if os.path.isdir(pack_dir) else 0

    subs = []
    tip = repo.tips.get(repo.default_branch)
    if tip:
        tree = repo.snapshots[tip]
        for sp, url in sorted(repo.gitmodules.get(repo.default_branch, {}).items()):
            subs.append({"path": sp, "url": url, "commit": tree[sp][1]})

    return dict({
        "name": repo.name,
        "path": "repos/%s.git" % repo.name,
        "default_branch": repo.default_branch,
        "branches": dict(sorted(branches.items())),
        "tags": dict(sorted(tags.items())),
        "commits": repo.ncommits,
        "pack_bytes": pack_bytes,
        "submodules": subs,
    }, **repo.extra)


# --------------------------------------------------------------------------
# generic repository shapes

def add_branches_and_tags(repo, branches, tags):
    """branches: (name, index of the main-line commit to fork at, commits);
    tags: (name, main-line commit index or branch name, annotated)."""
    b = repo.default_branch
    for name, from_index, n in branches:
        start = repo.history[b][from_index]
        for i in range(n):
            src = name if name in repo.trees else b
            p = repo.rng.choice(repo.text_files(src))
            repo.commit(name, "%s: step %d" % (name, i), {p: repo.edit(src, p)}, start=start)
    for name, where, annotated in tags:
        mark = repo.tips[where] if isinstance(where, str) else repo.history[b][where]
        (repo.tag if annotated else repo.lightweight)(name, mark)
    return repo


def build_simple(repo, ncommits, nfiles=3, branches=(), tags=()):
    """A small project: a few text files, one edit per commit."""
    b = repo.default_branch
    files = {"README.md": ("100644", ("# %s\n\n" % repo.name).encode()
                           + text_lines(repo.rng, 4, "readme"))}
    for i in range(nfiles):
        p = "src/%s_%d.c" % (repo.name.replace("-", "_"), i)
        files[p] = ("100644", text_lines(repo.rng, repo.rng.randrange(5, 30), p))
    repo.commit(b, "Initial import of %s" % repo.name, files)
    for i in range(1, ncommits):
        p = repo.rng.choice(repo.text_files(b))
        repo.commit(b, "Update %s (%d)" % (p, i), {p: repo.edit(b, p)})
    return add_branches_and_tags(repo, branches, tags)


def build_sized(repo, ncommits, ntext, payload, branches=(), tags=(), chunk=48 * 1024):
    """A project whose pack is dominated by ~`payload` bytes of random text.

    40% of the payload lands in the first commit, the rest is spread as new
    asset files over the history, so shallow and full clones differ in size.
    """
    b = repo.default_branch
    rng = repo.rng
    files = {"README.md": ("100644", ("# %s\n\n" % repo.name).encode()
                           + text_lines(rng, 10, "readme"))}
    dirs = ["src", "src/core", "src/net", "include", "tests", "docs", "tools"]
    for i in range(ntext):
        p = "%s/file%03d.%s" % (rng.choice(dirs), i, rng.choice(("c", "h", "md", "txt")))
        files[p] = ("100644", text_lines(rng, rng.randrange(5, 40), p))
    files["tools/build.sh"] = ("100755", b"#!/bin/sh\nexec make \"$@\"\n")
    initial = int(payload * 0.4)
    n0 = max(1, initial // chunk)
    for i in range(n0):
        files["assets/base%03d.dat" % i] = ("100644", random_text(rng, initial // n0))
    repo.commit(b, "Initial import of %s" % repo.name, files)

    rest = payload - initial
    nassets = max(1, rest // chunk) if ncommits > 1 else 0
    every = max(1, (ncommits - 1) // max(1, nassets))
    added = 0
    for i in range(1, ncommits):
        changes = {}
        for _ in range(rng.randrange(1, 4)):
            p = rng.choice(repo.text_files(b))
            changes[p] = repo.edit(b, p)
        if added < nassets and (i % every == 0 or ncommits - i <= nassets - added):
            changes["assets/a%04d.dat" % i] = ("100644", random_text(rng, rest // nassets))
            added += 1
        repo.commit(b, "Change %d: %s" % (i, ", ".join(sorted(changes))), changes)

    return add_branches_and_tags(repo, branches, tags)


# --------------------------------------------------------------------------
# profiles
#
# A profile is a list of "chains".  A chain is a list of builder callables
# run in order in one worker; each receives {name: Repo} of the repos
# already built (and imported) in that chain, which is how submodule
# parents learn the SHAs of their children.  Chains run in parallel.

def alpha(seed):
    r = Repo("alpha", "main", seed)
    m = "main"
    r.commit(m, "Initial commit", {
        "README.md": ("100644", b"# alpha\n\nA small test project.\n"),
        "src/main.c": ("100644", b"int main(void) { return 0; }\n"),
        "src/util/strings.c": ("100644", text_lines(r.rng, 12, "strings")),
        "include/alpha.h": ("100644", b"#pragma once\nint alpha(void);\n"),
        "bin/alpha-run": ("100755", b"#!/bin/sh\necho alpha\n"),
        "docs/readme-link": ("120000", b"../README.md"),
        "Makefile": ("100644", b"all:\n\tcc -o alpha src/main.c\n"),
    })
    r.commit(m, "Add string helpers", {"src/util/strings.c": r.edit(m, "src/util/strings.c")})
    r.commit(m, "Document usage", {"docs/guide.md": ("100644", text_lines(r.rng, 8, "guide"))})
    r.commit(m, "Teach main about arguments",
             {"src/main.c": ("100644", b"int main(int c, char **v) { return c > 1; }\n")})
    r.commit(m, "Release prep", {"README.md": r.edit(m, "README.md", 2)})          # v1.0
    r.commit(m, "Add math helpers", {"src/util/math.c": ("100644", text_lines(r.rng, 6, "math"))})
    r.commit(m, "Tweak runner", {"bin/alpha-run": ("100755", b"#!/bin/sh\necho alpha \"$@\"\n")})
    r.commit(m, "Drop Makefile in favour of build.sh", {
        "Makefile": None, "build.sh": ("100755", b"#!/bin/sh\ncc -o alpha src/*.c\n")})
    r.commit(m, "Expand guide", {"docs/guide.md": r.edit(m, "docs/guide.md")})
    r.commit(m, "Bump version", {"include/alpha.h": r.edit(m, "include/alpha.h", 1)})
    r.commit("feature/x", "Feature X prototype",
             {"src/feature_x.c": ("100644", text_lines(r.rng, 5, "fx"))}, start=r.history[m][6])
    r.commit("dev", "Dev: experimental parser",
             {"src/parse.c": ("100644", text_lines(r.rng, 7, "parse"))}, start=m)
    r.commit("dev", "Dev: wire parser in", {"src/main.c": r.edit("dev", "src/main.c", 1)})
    r.tag("v1.0", r.history[m][4], "alpha 1.0")
    r.lightweight("v1.1", r.tips[m])
    r.tag("dev-tag", r.tips["dev"], "snapshot of dev")
    return r


def profile_test(seed):
    def sub(done):
        return build_simple(Repo("sub", "main", seed), 3, nfiles=1)

    def mid(done):
        r = Repo("mid", "main", seed)
        r.commit("main", "Initial mid", {"mid.c": ("100644", text_lines(r.rng, 5, "mid"))})
        sub = done["sub"]
        sub_second = sub.shas[sub.history["main"][1]]   # deliberately not the tip
        r.add_submodule("main", "deps/sub", "../sub.git", sub_second)
        r.commit("main", "Use sub", {"mid.c": r.edit("main", "mid.c")})
        return r

    def sup(done):
        r = Repo("super", "main", seed)
        r.commit("main", "Initial super", {"super.c": ("100644", text_lines(r.rng, 5, "super"))})
        r.add_submodule("main", "lib/mid", "../mid.git", done["mid"].meta["branches"]["main"])
        r.commit("main", "Use mid", {"super.c": r.edit("main", "super.c")})
        return r

    def big(done):
        return build_sized(Repo("big", "main", seed), 200, 260, 4_300_000,
                           tags=[("v2.0", "main", True)])

    chains = [
        [big],
        [lambda d: alpha(seed)],
        [lambda d: build_simple(Repo("beta", "trunk", seed), 5, nfiles=2)],
        [sub, mid, sup],
        [lambda d: Repo("empty", "main", seed)],
    ]
    for i in range(1, 21):
        name = "tiny%02d" % i
        n = 1 + (i % 3)
        chains.append([lambda d, name=name, n=n: build_simple(Repo(name, "main", seed), n, nfiles=1)])
    return chains


DEMO_SMALL = [
    "libfoo", "libbar", "libbaz", "cli-tools", "dotfiles", "infra-terraform",
    "ansible-roles", "helm-charts", "auth-service", "billing-service", "notifier",
    "scheduler", "search-indexer", "config", "style-guide", "sdk-go", "sdk-js",
    "benchmarks", "examples", "release-scripts", "ci-templates",
]   # + sdk-python (with a submodule) = 22 small repos

DEMO_MEDIUM = [("docs", 700_000), ("api-server", 1_000_000), ("data-pipeline", 600_000),
               ("design-assets", 1_900_000), ("mobile-app", 1_500_000)]


def profile_demo(seed):
    chains = []

    def small(name):
        def build(done):
            r = Repo(name, "main", seed)
            rng = random.Random("demo-shape/" + name)
            n = rng.randrange(3, 13)
            branches = [("develop", n - 1, rng.randrange(1, 4))] if rng.random() < 0.4 else []
            tags = [("v0.%d.0" % i, i * (n // 3), True) for i in range(1, 3)] if n >= 6 else []
            return build_simple(r, n, nfiles=rng.randrange(2, 6), branches=branches, tags=tags)
        return build

    for name in DEMO_SMALL:
        if name == "libfoo":
            continue
        chains.append([small(name)])

    def sdk_python(done):
        r = Repo("sdk-python", "main", seed)
        build_simple(r, 4, nfiles=3)
        r.add_submodule("main", "vendor/libfoo", "../libfoo.git", done["libfoo"].meta["branches"]["main"])
        r.commit("main", "Use vendored libfoo", {"README.md": r.edit("main", "README.md", 2)})
        return r
    chains.append([small("libfoo"), sdk_python])

    for name, size in DEMO_MEDIUM:
        chains.append([lambda d, name=name, size=size: build_sized(
            Repo(name, "main", seed), 40, 60, size,
            branches=[("develop", 39, 3)], tags=[("v1.0", 20, True), ("v1.1", 39, True)])])

    # The large repos go first so that they are not the tail of the pool.
    chains.insert(0, [lambda d: build_sized(
        Repo("firmware", "main", seed), 300, 200, 6_500_000,
        branches=[("develop", 299, 6), ("release/1.x", 120, 4), ("release/2.x", 250, 3),
                  ("feature/bootloader", 280, 5)],
        tags=[("v1.0.0", 100, True), ("v1.1.0", 130, True), ("v2.0.0", 250, True),
              ("v2.1.0-rc1", "release/2.x", True), ("nightly", "develop", False)])])
    chains.insert(0, [lambda d: build_sized(
        Repo("website", "main", seed), 150, 150, 5_600_000,
        branches=[("staging", 149, 3), ("redesign", 90, 8)],
        tags=[("2023.1", 50, True), ("2023.2", 100, True), ("2024.1", 149, True)])])
    chains.insert(0, [lambda d: build_sized(
        Repo("ml-models", "main", seed), 80, 40, 7_800_000,
        branches=[("experiment/a", 60, 4), ("experiment/b", 70, 2)],
        tags=[("model-v1", 30, True), ("model-v2", 79, True)], chunk=256 * 1024)])
    return chains


def profile_bench_small(seed, count):
    chains = []
    for i in range(1, count + 1):
        name = "r%04d" % i

        def build(done, name=name):
            r = Repo(name, "main", seed)
            n = random.Random("bench-shape/" + name).randrange(20, 201)
            return build_simple(r, n, nfiles=3)
        chains.append([build])
    return chains


# The heterogeneous benchmark set: mostly small projects, five of 5-20 MB,
# and one of 100+ MB with thousands of files and a long history.
MIXED_MEDIUM = [("med-05", 5_000_000), ("med-08", 8_000_000), ("med-12", 12_000_000),
                ("med-16", 16_000_000), ("med-20", 20_000_000)]


def profile_bench_mixed(seed):
    chains = [[lambda d: build_sized(
        Repo("huge", "main", seed), 3000, 4000, 140_000_000,
        branches=[("develop", 2999, 20)], tags=[("v1.0", 1500, True), ("v2.0", 2999, True)],
        chunk=64 * 1024)]]
    for name, size in MIXED_MEDIUM:
        chains.append([lambda d, name=name, size=size: build_sized(
            Repo(name, "main", seed), 200, 300, size,
            branches=[("develop", 199, 5)], tags=[("v1.0", 199, True)])])
    for i in range(1, 35):
        name = "small-%02d" % i

        def build(done, name=name):
            r = Repo(name, "main", seed)
            n = random.Random("mixed-shape/" + name).randrange(20, 201)
            return build_simple(r, n, nfiles=random.Random(name).randrange(3, 12))
        chains.append([build])
    return chains


# The ROS 2 corpus: 66 repositories shaped after ros2.repos (rolling),
# about 173 MB received by a cold clone of all of them.  Per repository:
# the workspace path vcstool uses (org/name), the default branch, the pack
# size to aim at, the files at the tip, the commits on the default branch
# and the annotated tags.  Two of ~30 MB (rviz, Fast-DDS), one of 19 MB
# (cyclonedds), a tail down to ~100 KB; three with over a thousand tags.
ROS2 = [
    # path                                    branch   pack KB  files commits  tags
    ("ament/ament_cmake",                     "rolling",  1900,   420,   900,  1200),
    ("ament/ament_index",                     "rolling",   260,    60,   180,    60),
    ("ament/ament_lint",                      "rolling",  2100,   380,   800,    90),
    ("ament/ament_package",                   "rolling",   240,    40,   220,    70),
    ("ament/google_benchmark_vendor",         "rolling",   130,    12,    90,    30),
    ("ament/googletest",                      "rolling",  1500,   260,   300,    40),
    ("ament/uncrustify_vendor",               "rolling",   110,    10,    80,    35),
    ("eProsima/Fast-CDR",                     "master",   2200,   120,   500,    45),
    ("eProsima/Fast-DDS",                     "master",  30000,  2600,  1800,    90),
    ("eProsima/foonathan_memory_vendor",      "master",    120,    10,    70,    20),
    ("eclipse-cyclonedds/cyclonedds",         "master",  19000,  1300,  1500,    60),
    ("eclipse-iceoryx/iceoryx",               "main",     8500,  1100,  1200,    50),
    ("osrf/osrf_pycommon",                    "master",    420,    70,   250,    40),
    ("osrf/osrf_testing_tools_cpp",           "rolling",   600,    90,   200,    45),
    ("ros/class_loader",                      "rolling",   700,    60,   500,    80),
    ("ros/kdl_parser",                        "rolling",   300,    40,   250,    60),
    ("ros/pluginlib",                         "rolling",   900,    80,   600,    90),
    ("ros/resource_retriever",                "rolling",   350,    40,   220,    60),
    ("ros/robot_state_publisher",             "rolling",   500,    50,   350,    70),
    ("ros/ros_environment",                   "rolling",   100,    15,   120,    50),
    ("ros/ros_tutorials",                     "rolling",  2500,   240,   600,    90),
    ("ros/urdfdom",                           "rolling",  2000,   110,   500,    40),
    ("ros/urdfdom_headers",                   "rolling",   220,    25,   160,    30),
    ("ros-perception/image_common",           "rolling",  2000,   200,   700,    90),
    ("ros-perception/laser_geometry",         "rolling",   450,    35,   260,    60),
    ("ros-perception/point_cloud_transport",  "rolling",   800,   120,   300,    25),
    ("ros-tooling/keyboard_handler",          "rolling",   250,    30,   120,    25),
    ("ros-tooling/libstatistics_collector",   "rolling",   400,    50,   350,    40),
    ("ros-visualization/interactive_markers", "rolling",   900,    70,   450,    80),
    ("ros-visualization/python_qt_binding",   "rolling",   500,    50,   300,    70),
    ("ros-visualization/qt_gui_core",         "rolling",  1600,   160,   600,    90),
    ("ros-visualization/rqt",                 "rolling",  2200,   180,   800,    95),
    ("ros-visualization/rqt_console",         "rolling",   400,    40,   200,    60),
    ("ros-visualization/rqt_graph",           "rolling",   600,    40,   250,    60),
    ("ros-visualization/tango_icons_vendor",  "rolling",   700,    25,    60,    20),
    ("ros2/ament_cmake_ros",                  "rolling",   300,    50,   200,    70),
    ("ros2/common_interfaces",                "rolling",  2600,   400,   700,  2600),
    ("ros2/demos",                            "rolling",  3200,   420,   900,   100),
    ("ros2/example_interfaces",               "rolling",   200,    40,   120,    60),
    ("ros2/examples",                         "rolling",  1500,   230,   600,   100),
    ("ros2/geometry2",                        "rolling",  4000,   430,  1100,   100),
    ("ros2/launch",                           "rolling",  3000,   450,  1000,   100),
    ("ros2/launch_ros",                       "rolling",  1400,   260,   700,   100),
    ("ros2/libyaml_vendor",                   "rolling",   200,    20,   150,    60),
    ("ros2/message_filters",                  "rolling",  1100,    90,   500,    80),
    ("ros2/orocos_kdl_vendor",                "rolling",   120,    12,    60,    25),
    ("ros2/performance_test_fixture",         "rolling",   160,    30,    90,    30),
    ("ros2/pybind11_vendor",                  "rolling",   150,    12,    90,    35),
    ("ros2/rcl",                              "rolling",  3600,   420,  1200,   100),
    ("ros2/rcl_interfaces",                   "rolling",  1700,   380,   600,  1700),
    ("ros2/rcl_logging",                      "rolling",   500,    70,   300,    80),
    ("ros2/rclcpp",                           "rolling",  5500,   640,  1600,   100),
    ("ros2/rclpy",                            "rolling",  4200,   330,  1300,   100),
    ("ros2/rcpputils",                        "rolling",   900,   100,   400,    80),
    ("ros2/rcutils",                          "rolling",  2400,   190,   800,   100),
    ("ros2/rmw",                              "rolling",  1200,   110,   500,   100),
    ("ros2/rmw_connextdds",                   "rolling",  2400,   170,   600,    60),
    ("ros2/rmw_cyclonedds",                   "rolling",   900,    40,   600,    80),
    ("ros2/rmw_dds_common",                   "rolling",   450,    60,   250,    70),
    ("ros2/rmw_fastrtps",                     "rolling",  1800,   110,   900,   100),
    ("ros2/rmw_implementation",               "rolling",   500,    40,   350,    90),
    ("ros2/ros2_tracing",                     "rolling",  1800,   230,   700,    70),
    ("ros2/ros2cli",                          "rolling",  2800,   420,  1000,   100),
    ("ros2/rosbag2",                          "rolling",  5500,   760,  1400,   100),
    ("ros2/rosidl",                           "rolling",  3800,   520,  1200,   100),
    ("ros2/rviz",                             "rolling", 30000,  1100,  1400,   120),
]

# Distribution branches forked from the default branch (at that fraction
# of its history), each with a few backports, as ROS 2's repositories have.
ROS2_BRANCHES = {"rolling": (("humble", 0.6), ("iron", 0.75), ("jazzy", 0.9)),
                 "master": (("2.6.x", 0.6), ("2.14.x", 0.85)),
                 "main": (("release_2.0", 0.7),)}

# Asset kinds: directory and extension; random bytes (.png, .stl, .bin:
# incompressible) or base64 of random bytes (.dae, .svg: text that zlib
# shrinks by only ~25%).
ROS2_ASSETS = (("media", "png", False), ("meshes", "stl", False), ("data", "bin", False),
               ("meshes", "dae", True), ("icons", "svg", True))

# What a pack holds besides the assets, measured on this generator's
# output: about this much per text file and per commit.  The assets make
# up the rest of each repository's target size.
ROS2_TEXT_FILE_BYTES = 750
ROS2_COMMIT_BYTES = 550


# zlib deflates base64 of random bytes to ~77% (6 bits of 8, less the
# newlines): a text asset of this many characters per byte in the pack.
BASE64_PER_PACKED = 1.3


def asset_data(rng, text, size):
    """An asset that takes about `size` bytes in the pack."""
    return random_text(rng, int(size * BASE64_PER_PACKED)) if text else rng.randbytes(size)


def build_ros2(repo, pkgs, nfiles, ncommits, ntags, pack_bytes):
    """A ROS 2 repository: packages of sources, headers, tests, manifests,
    and assets whose random bytes make up most of the pack.

    A third of the assets is in the first commit; the others arrive over
    the history, and as many rewrites of assets already there, so that a
    depth-1 clone receives well under a full one.  Distro branches fork
    off the default branch as it grows (only the branch tips' trees are
    kept in memory), and the tags are spread over its history.
    """
    b = repo.default_branch
    rng = repo.rng
    ntext = max(2 + 2 * len(pkgs), int(nfiles * 0.7))
    nassets = max(1, nfiles - ntext)
    payload = max(nassets * 256, pack_bytes - ntext * ROS2_TEXT_FILE_BYTES
                  - ncommits * ROS2_COMMIT_BYTES)
    initial_assets = max(1, nassets // 3)
    history_adds = nassets - initial_assets
    # Every write of an asset (first ones, adds, rewrites) carries about
    # the same number of bytes.
    per_write = max(64, payload // (initial_assets + 2 * history_adds))

    def text_path(i):
        pkg = pkgs[i % len(pkgs)]
        kind = rng.randrange(10)
        if kind < 4:
            return "%s/src/%s_%d.cpp" % (pkg, pkg, i)
        if kind < 6:
            return "%s/include/%s/%s_%d.hpp" % (pkg, pkg, pkg, i)
        if kind < 8:
            return "%s/test/test_%s_%d.cpp" % (pkg, pkg, i)
        if kind < 9:
            return "%s/%s/node_%d.py" % (pkg, pkg, i)
        return "%s/doc/topic_%d.rst" % (pkg, i)

    def new_asset(i):
        d, ext, text = ROS2_ASSETS[rng.randrange(len(ROS2_ASSETS))]
        path = "%s/%s/asset_%04d.%s" % (pkgs[i % len(pkgs)], d, i, ext)
        return path, asset_data(rng, text, max(16, int(per_write * rng.uniform(0.5, 1.5))))

    files = {"README.md": ("100644", ("# %s\n\n" % repo.name).encode()
                           + text_lines(rng, 12, "readme")),
             "CONTRIBUTING.md": ("100644", text_lines(rng, 8, "contributing"))}
    for pkg in pkgs:
        files["%s/package.xml" % pkg] = ("100644", text_lines(rng, 20, pkg + "/package.xml"))
        files["%s/CMakeLists.txt" % pkg] = ("100644", text_lines(rng, 30, pkg + "/CMakeLists"))
    first_text = max(0, ntext * 6 // 10 - len(files))
    for i in range(first_text):
        files[text_path(i)] = ("100644", text_lines(rng, rng.randrange(10, 60), str(i)))
    texts = sorted(files)
    for i in range(initial_assets):
        p, data = new_asset(i)
        files[p] = ("100644", data)
    assets = sorted(p for p in files if p not in texts)
    repo.commit(b, "Initial import of %s" % repo.name, files)

    # What the history adds besides edits, in a seeded order: new text
    # files, new assets and rewrites of assets already there.
    events = (["text"] * (ntext - len(texts)) + ["add"] * history_adds
              + ["rewrite"] * history_adds)
    rng.shuffle(events)
    per_commit = -(-len(events) // max(1, ncommits - 1))
    forks = {}
    for name, frac in ROS2_BRANCHES.get(b, ()):
        forks.setdefault(max(1, int(ncommits * frac)), []).append(name)
    text_i, asset_i = first_text, initial_assets
    for i in range(1, ncommits):
        changes = {}
        for _ in range(rng.randrange(1, 3)):
            p = rng.choice(texts)
            changes[p] = repo.edit(b, p, rng.randrange(1, 6))
        for ev in events[(i - 1) * per_commit:i * per_commit]:
            if ev == "text":
                p = text_path(text_i)
                text_i += 1
                texts.append(p)
                changes[p] = ("100644", text_lines(rng, rng.randrange(10, 60), p))
            elif ev == "add":
                p, data = new_asset(asset_i)
                asset_i += 1
                assets.append(p)
                changes[p] = ("100644", data)
            else:
                p = rng.choice(assets)
                # It may be one this very commit adds (short histories).
                old = (changes.get(p) or repo.trees[b][p])[1]
                text = p.endswith((".dae", ".svg"))
                changes[p] = ("100644", asset_data(
                    rng, text, int(len(old) / BASE64_PER_PACKED) if text else len(old)))
        repo.commit(b, "%s (#%d)" % (rng.choice(("Fix", "Add", "Update", "Remove", "Port")),
                                       1000 + i), changes)
        for name in forks.get(i, ()):
            on_branch = list(texts)
            for k in range(max(1, ncommits // 100)):
                src = name if name in repo.trees else b
                p = rng.choice(on_branch)
                repo.commit(name, "[%s] Backport (#%d)" % (name, 1000 + i + k),
                            {p: repo.edit(src, p, 2)}, start=b)

    main = repo.history[b]
    for k in range(ntags):
        mark = main[min(len(main) - 1, (k + 1) * (len(main) - 1) // ntags)]
        repo.tag("%d.%d.%d" % (k // 100, k // 10 % 10, k % 10), mark)
    return repo


def profile_bench_ros2(seed, scale):
    """ROS2 at `scale` (BENCH_SCALE): sizes, files, commits and tags
    scaled alike, with floors that keep every repository a real one."""
    chains = []
    # The largest first, so that they are not the tail of the pool.
    for path, branch, kb, files, commits, tags in sorted(ROS2, key=lambda r: -r[2]):
        name = path.split("/")[1]

        def build(done, name=name, path=path, branch=branch, kb=kb, files=files,
                  commits=commits, tags=tags):
            r = Repo(name, branch, seed, keep_snapshots=False)
            r.server_repack = True
            nfiles = max(8, round(files * scale))
            pkg = name.lower().replace("-", "_")
            pkgs = [pkg] + ["%s_%d" % (pkg, k) for k in range(1, max(1, nfiles // 80))]
            target = int(kb * 1000 * scale)
            build_ros2(r, pkgs, nfiles, max(5, round(commits * scale)),
                       max(1, round(tags * scale)), target)
            r.extra = {"workspace_path": path, "target_pack_bytes": target}
            return r
        chains.append([build])
    return chains


# --------------------------------------------------------------------------
# driver

def run_chain(chain, repos_dir):
    done, results = {}, []
    for build in chain:
        repo = build(done)
        repo.meta = materialise(repo, repos_dir)
        done[repo.name] = repo
        results.append(repo.meta)
    return results


def generator(profile):
    return GENERATOR + "+" + ROS2_GENERATOR if profile == "bench-ros2" else GENERATOR


def cached(fleet_json, profile, count, scale):
    try:
        with open(fleet_json) as f:
            fleet = json.load(f)
    except (OSError, ValueError):
        return False
    if fleet.get("generator") != generator(profile) or fleet.get("profile") != profile:
        return False
    if profile == "bench-ros2" and fleet.get("scale") != scale:
        return False
    repos = fleet.get("repos", [])
    if profile == "bench-small" and len(repos) != count:
        return False
    base = os.path.dirname(fleet_json)
    return all(os.path.isfile(os.path.join(base, r["path"], "HEAD")) for r in repos)


def clear_repos(repos_dir):
    """Remove a previous (possibly partial) generation, but only our output."""
    if not os.path.isdir(repos_dir):
        return
    foreign = [e for e in os.listdir(repos_dir) if not e.endswith(".git")]
    if foreign:
        sys.exit("mkfleet: %s contains non-repository entries (%s); refusing to delete it"
                 % (repos_dir, ", ".join(sorted(foreign)[:3])))
    shutil.rmtree(repos_dir)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", required=True, choices=PROFILES)
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--count", type=int, default=200, help="bench-small: number of repos")
    ap.add_argument("--scale", type=float, default=1.0,
                    help="bench-ros2: sizes, files, commits and tags times F (default 1)")
    ap.add_argument("-j", "--jobs", type=int, default=0, help="parallel imports (default: 2-4)")
    ap.add_argument("-v", "--verbose", action="store_true", help="report what was done")
    args = ap.parse_args()
    if args.count < 1 or args.count > 9999:
        ap.error("--count must be between 1 and 9999")
    if not 0.001 <= args.scale <= 10:
        ap.error("--scale must be between 0.001 and 10")

    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    fleet_json = os.path.join(out, "fleet.json")
    t0 = time.monotonic()

    if cached(fleet_json, args.profile, args.count, args.scale):
        if args.verbose:
            print("mkfleet: %s: cached in %s" % (args.profile, out))
        return 0

    # Serialise concurrent generators on the same directory (parallel test
    # scripts); the loser finds the winner's cache after the lock.
    with open(os.path.join(out, ".mkfleet.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if cached(fleet_json, args.profile, args.count, args.scale):
            if args.verbose:
                print("mkfleet: %s: cached in %s" % (args.profile, out))
            return 0
        try:
            os.unlink(fleet_json)
        except FileNotFoundError:
            pass
        repos_dir = os.path.join(out, "repos")
        clear_repos(repos_dir)
        os.makedirs(repos_dir)

        # Not derived from GENERATOR: a version bump that leaves some
        # content alone should not change those SHAs.
        seed = args.profile
        if args.profile == "test":
            chains = profile_test(seed)
        elif args.profile == "demo":
            chains = profile_demo(seed)
        elif args.profile == "bench-mixed":
            chains = profile_bench_mixed(seed)
        elif args.profile == "bench-ros2":
            chains = profile_bench_ros2(seed, args.scale)
        else:
            chains = profile_bench_small(seed, args.count)

        jobs = args.jobs or max(2, min(4, os.cpu_count() or 2))
        # Threads suffice: the heavy lifting is in the git child processes.
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(lambda ch: run_chain(ch, repos_dir), chains))

        by_name = {m["name"]: m for chain in results for m in chain}
        order = [m["name"] for chain in results for m in chain]
        if args.profile not in ("bench-small",):
            order.sort()
        repos = [by_name[name] for name in order]

        fleet = {"generator": generator(args.profile), "profile": args.profile, "repos": repos}
        if args.profile == "bench-ros2":
            fleet["scale"] = args.scale
        tmp = fleet_json + ".tmp.%d" % os.getpid()
        with open(tmp, "w") as f:
            json.dump(fleet, f, indent=1)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, fleet_json)

    if args.verbose:
        total = sum(r["pack_bytes"] for r in repos)
        print("mkfleet: %s: %d repos, %.1f MB of packs in %.2fs -> %s" % (
            args.profile, len(repos), total / 1e6, time.monotonic() - t0, out))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RuntimeError as e:
        sys.exit("mkfleet: %s" % e)
