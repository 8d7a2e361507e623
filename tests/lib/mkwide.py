#!/usr/bin/env python3
"""A bare repository with a wide work tree, for interrupting checkouts.

    mkwide.py OUT.git FILES

main has two commits: "old" with FILES small files d<k>/f<n>.txt holding
"old <n>", and "new" where every one of them holds "new <n>"; README
and keep.txt are the same in both.  refs/heads/main is at "new" and
refs/heads/old at "old".  One `git fast-import`, seconds for 20,000
files.  Deterministic.
"""
import subprocess
import sys


def commit(out, mark, parent, files, word, when):
    out.append("commit refs/heads/main\nmark :%d\n"
               "committer Wide <wide@githerd.invalid> %d +0000\n"
               "data %d\n%s\n" % (mark, when, len(word), word))
    if parent:
        out.append("from :%d\n" % parent)
    for n in range(files):
        text = "%s %d\n" % (word, n)
        out.append("M 644 inline d%03d/f%05d.txt\ndata %d\n%s\n" % (
            n // 1000, n, len(text), text))
    for name, text in (("README", "a wide tree\n"), ("keep.txt", "stays\n")):
        out.append("M 644 inline %s\ndata %d\n%s\n" % (name, len(text), text))
    out.append("\n")


def main():
    path, files = sys.argv[1], int(sys.argv[2])
    out = []
    commit(out, 1, None, files, "old", 1700000000)
    out.append("reset refs/heads/old\nfrom :1\n\n")
    commit(out, 2, 1, files, "new", 1700000100)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", path], check=True)
    subprocess.run(["git", "-C", path, "fast-import", "--quiet"],
                   input="".join(out).encode(), check=True)


if __name__ == "__main__":
    main()
