#!/usr/bin/env python3
"""A bare repository with many tags, as ROS 2's repositories have.

    mktags.py OUT.git COMMITS TAGS

COMMITS commits on main, each changing one of 50 small files, and TAGS
annotated tags spread over them, written with one `git fast-import`
(seconds, where `git tag` in a loop takes minutes).  Deterministic: the
same arguments give the same object ids.
"""
import subprocess
import sys


def stream(commits, tags):
    out = []
    for i in range(1, commits + 1):
        text = "%d\n" % i
        out.append("blob\nmark :%d\ndata %d\n%s\n" % (i, len(text), text))
        msg = "commit %d" % i
        out.append("commit refs/heads/main\nmark :%d\n"
                   "committer Tags <tags@githerd.invalid> %d +0000\n"
                   "data %d\n%s\n" % (commits + i, 1700000000 + i, len(msg), msg))
        if i > 1:
            out.append("from :%d\n" % (commits + i - 1))
        out.append("M 644 :%d f%02d.txt\n\n" % (i, i % 50))
    for t in range(tags):
        out.append("tag v%d\nfrom :%d\ntagger Tags <tags@githerd.invalid> 1700000000 +0000\n"
                   "data 8\nrelease\n" % (t, commits + 1 + t % commits))
    return "".join(out)


def main():
    path, commits, tags = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", path], check=True)
    subprocess.run(["git", "-C", path, "fast-import", "--quiet"],
                   input=stream(commits, tags).encode(), check=True)
    subprocess.run(["git", "-C", path, "gc", "-q"], check=True)


if __name__ == "__main__":
    main()
