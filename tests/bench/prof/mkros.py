#!/usr/bin/env python3
"""A bare repository shaped like one of ROS 2's big ones, for profiling.

    mkros.py {big,small} OUT.git

big:   ~2,000 files of C++-like text (and a few binary assets), ~1,500
       commits on main, 4 release branches, ~2,000 annotated tags, a pack
       of about 30 MB;
small: 100 files, 50 commits, 50 tags, about 1 MB.

One `git fast-import` stream built from seeded random.Random instances,
fixed names and dates, then one single-threaded `git repack -adf` (so
the pack, too, is the same from one run to the next with the same git
and zlib).  Not part of any test suite: tests/bench/prof/prof.sh uses it.
"""
import random
import subprocess
import sys

EPOCH = 1600000000
STEP = 5413
WHO = b"Ros Dev <dev@ros.invalid>"

KEYWORDS = ("const auto return if else for while std::string std::vector "
            "rclcpp::Node void int double bool true false nullptr this "
            "namespace include template typename public private").split()

PROFILES = {
    # files at first and added later, commits, tags, edits per commit,
    # lines of a hunk, log-mean of a file's lines, binary assets, seed
    "big": dict(files=1850, adds=170, commits=1500, tags=2000, edits=10,
                hunk=60, mu=4.4, assets=40, branches=4, seed="ros-big"),
    "small": dict(files=100, adds=0, commits=50, tags=50, edits=3,
                  hunk=30, mu=5.6, assets=0, branches=1, seed="ros-small"),
}


def vocabulary(rng, n):
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = set()
    while len(words) < n:
        w = "".join(rng.choice(letters) for _ in range(rng.randrange(3, 11)))
        words.add(w + rng.choice(("", "_", "_msg", "_cb", "Node", "_t")))
    return sorted(words) + KEYWORDS * 20


def line(rng, vocab):
    indent = "  " * rng.randrange(0, 4)
    body = " ".join(rng.choice(vocab) for _ in range(rng.randrange(2, 11)))
    end = rng.choice((";", ";", ";", " {", "}", ")", ",", ""))
    return indent + body + end + "\n"


def text(rng, vocab, nlines):
    return "".join(line(rng, vocab) for _ in range(nlines))


class Gen:
    def __init__(self, p):
        self.p = p
        self.rng = random.Random(p["seed"])
        self.vocab = vocabulary(self.rng, 3000)
        self.out = []
        self.mark = 0
        self.files = {}     # path -> list of lines (text) or bytes (asset)
        self.commits = []   # marks on main, oldest first

    def data(self, payload):
        self.out.append(b"data %d\n" % len(payload))
        self.out.append(payload)
        self.out.append(b"\n")

    def new_path(self, i):
        pkg = "pkg%02d" % (i % 37)
        sub = ("src", "include/" + pkg, "test", "msg", "launch")[i % 5]
        ext = {"src": ".cpp", "test": ".cpp", "msg": ".msg",
               "launch": ".py"}.get(sub, ".hpp")
        return "%s/%s/file_%04d%s" % (pkg, sub, i, ext)

    def new_text_file(self, i):
        n = int(self.rng.lognormvariate(self.p["mu"], 0.8)) + 5
        self.files[self.new_path(i)] = [line(self.rng, self.vocab)
                                        for _ in range(n)]

    def new_asset(self, i):
        size = self.rng.randrange(20000, 120000)
        self.files["pkg%02d/media/asset_%02d.bin" % (i % 37, i)] = \
            self.rng.randbytes(size)

    def edit(self, path):
        f = self.files[path]
        if isinstance(f, bytes):
            # An asset is redrawn: part of it changes, the rest stays.
            cut = self.rng.randrange(0, len(f))
            self.files[path] = f[:cut] + self.rng.randbytes(
                self.rng.randrange(1000, 20000))
            return
        at = self.rng.randrange(0, len(f) + 1)
        drop = self.rng.randrange(0, 4)
        add = [line(self.rng, self.vocab)
               for _ in range(self.rng.randrange(1, self.p["hunk"]))]
        f[at:at + drop] = add

    def content(self, path):
        f = self.files[path]
        return f if isinstance(f, bytes) else "".join(f).encode()

    def commit(self, branch, msg, paths, parent):
        self.mark += 1
        m = self.mark
        when = b"%d +0000" % (EPOCH + m * STEP)
        self.out.append(b"commit refs/heads/%s\nmark :%d\n" %
                        (branch.encode(), m))
        self.out.append(b"author %s %s\ncommitter %s %s\n" %
                        (WHO, when, WHO, when))
        self.data(msg.encode())
        if parent:
            self.out.append(b"from :%d\n" % parent)
        for path in sorted(paths):
            if path in self.files:
                self.out.append(b"M 100644 inline %s\n" % path.encode())
                self.data(self.content(path))
            else:
                self.out.append(b"D %s\n" % path.encode())
        self.out.append(b"\n")
        return m

    def run(self):
        p, rng = self.p, self.rng
        for i in range(p["files"]):
            self.new_text_file(i)
        for i in range(p["assets"]):
            self.new_asset(i)
        first = self.commit("main", "Initial import", list(self.files), None)
        self.commits.append(first)
        added = p["files"]
        for n in range(1, p["commits"]):
            changed = set()
            if added < p["files"] + p["adds"] and rng.random() < 0.15:
                self.new_text_file(added)
                changed.add(self.new_path(added))
                added += 1
            paths = sorted(self.files)
            for _ in range(rng.randrange(1, 2 * p["edits"])):
                path = rng.choice(paths)
                self.edit(path)
                changed.add(path)
            msg = "Change %d: %s\n\n%s" % (n, line(rng, self.vocab).strip(),
                                           text(rng, self.vocab, 3))
            self.commits.append(self.commit("main", msg, changed,
                                            self.commits[-1]))
        self.branches()
        self.tags()
        return b"".join(self.out)

    def branches(self):
        names = ("humble", "iron", "jazzy", "kilted")[:self.p["branches"]]
        for k, name in enumerate(names):
            at = self.commits[len(self.commits) * (k + 1) // (len(names) + 1)]
            self.out.append(b"reset refs/heads/%s\nfrom :%d\n\n" %
                            (name.encode(), at))

    def tags(self):
        n = self.p["tags"]
        for t in range(n):
            target = self.commits[t * len(self.commits) // n]
            name = "%d.%d.%d" % (t // 400, (t // 20) % 20, t % 20)
            if t % 4 == 3:
                name = "release/%s" % name
            when = EPOCH + target * STEP + 60
            self.out.append(b"tag %s\nfrom :%d\ntagger %s %d +0000\n" %
                            (name.encode(), target, WHO, when))
            self.data(b"Release %s\n" % name.encode())


def main():
    which, path = sys.argv[1], sys.argv[2]
    stream = Gen(PROFILES[which]).run()
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", path],
                   check=True)
    subprocess.run(["git", "-C", path, "fast-import", "--quiet"],
                   input=stream, check=True)
    subprocess.run(["git", "-C", path, "-c", "pack.threads=1", "repack",
                    "-adfq"], check=True)
    subprocess.run(["git", "-C", path, "pack-refs", "--all"], check=True)


if __name__ == "__main__":
    main()
