#!/usr/bin/env python3
"""Instructions per phase of a cold clone, from callgrind's files.

    phases.py CGDIR TAG [--detail]

Reads CGDIR/TAG.git.<pid>.out and CGDIR/TAG.githerd.<pid>.out (one per
process: valgrind --trace-children=yes, and githerd's forked worker) and
prints millions of instructions per phase for each tool:

  receive   the network and the pack stream: git's remote-http helper;
            githerd's git_remote_download less the indexer
  index     writing and indexing the pack: git's index-pack process;
            libgit2's git_indexer_append + git_indexer_commit
  checkout  git's unpack_trees + the index write; githerd's treecheck +
            git_checkout_head
  refs      git's ref transaction and symrefs; githerd's packrefs_clone,
            HEAD's branch and origin/HEAD
  other     the rest: process start-up, libgit2's init, the advertisement,
            configuration, githerd's parent

Names are inclusive costs of exported or githerd's own functions, which
the stripped Debian libraries keep; git's split of its main process needs
a git with symbols (other tools' stripped git reports it all as other).
"""
import collections
import glob
import os
import re
import subprocess
import sys

LINE = re.compile(r"^\s*([\d,]+) \([ \d.]+%\)  (\S.*?)(?: \[(.*)\])?$")


def header(path):
    cmd, total = "", 0
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("cmd:"):
                cmd = line[4:].strip()
            elif line.startswith("totals:") or line.startswith("summary:"):
                total = int(line.split()[1])
    return cmd, total


def inclusive(path):
    """function name -> its largest inclusive cost in this process."""
    out = subprocess.run(["callgrind_annotate", "--inclusive=yes",
                          "--threshold=100", path], capture_output=True,
                         text=True, check=True).stdout
    costs = collections.defaultdict(int)
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        name = m.group(2).rsplit(":", 1)[-1]
        name = re.sub(r"'\d+$", "", name)
        costs[name] = max(costs[name], int(m.group(1).replace(",", "")))
    return costs


def pick(costs, *names):
    return sum(costs.get(n, 0) for n in names)


def git_phases(files):
    ph = collections.Counter()
    procs = []
    for path in files:
        cmd, total = header(path)
        procs.append((cmd, total))
        if cmd.startswith("bash"):
            continue        # the harness's own shell
        if "remote-http" in cmd or "remote-https" in cmd:
            ph["receive"] += total
        elif "index-pack" in cmd:
            ph["index"] += total
        elif " clone " in cmd:
            c = inclusive(path)
            co = pick(c, "unpack_trees", "write_locked_index")
            refs = pick(c, "initial_ref_transaction_commit", "create_symref",
                        "update_ref")
            ph["checkout"] += co
            ph["refs"] += refs
            ph["other"] += total - co - refs
        else:
            ph["other"] += total    # the connectivity check's rev-list
    return ph, procs


def githerd_phases(files):
    ph = collections.Counter()
    procs = []
    for path in files:
        cmd, total = header(path)
        c = inclusive(path)
        procs.append((cmd + (" (worker)" if c.get("worker_main") else ""),
                      total))
        if not c.get("worker_main"):
            ph["other"] += total
            continue
        index = pick(c, "git_indexer_append", "git_indexer_commit")
        receive = pick(c, "gitctx_download") - index
        co = pick(c, "git_checkout_head", "treecheck")
        refs = pick(c, "packrefs_clone", "set_head",
                    "git_reference_symbolic_create")
        ph["index"] += index
        ph["receive"] += receive
        ph["checkout"] += co
        ph["refs"] += refs
        ph["other"] += total - index - receive - co - refs
        ph["  of checkout: treecheck"] += pick(c, "treecheck")
        ph["  of other: connect+advertisement"] += pick(c, "gitctx_connect",
                                                        "gitctx_resolve")
        ph["  of other: libgit2 init (CA bundle)"] += pick(
            c, "gitctx_global_init")
    return ph, procs


def main():
    d, tag = sys.argv[1], sys.argv[2]
    detail = "--detail" in sys.argv
    g, gp = git_phases(sorted(glob.glob(os.path.join(d, tag + ".git.*.out"))))
    h, hp = githerd_phases(sorted(glob.glob(
        os.path.join(d, tag + ".githerd.*.out"))))
    rows = ["receive", "index", "checkout", "refs", "other"]
    gt, ht = sum(g[r] for r in rows), sum(h[r] for r in rows)
    print("| phase | git clone | githerd | githerd/git |")
    print("|---|---:|---:|---:|")
    for r in rows:
        print("| %s | %.0f | %.0f | %s |" % (r, g[r] / 1e6, h[r] / 1e6,
              "%.2f" % (h[r] / g[r]) if g[r] else "-"))
    print("| **total** | **%.0f** | **%.0f** | **%.3f** |" %
          (gt / 1e6, ht / 1e6, ht / gt if gt else 0))
    for k in sorted(h):
        if k.startswith("  "):
            print("%s: %.1f M" % (k.strip(), h[k] / 1e6))
    if detail:
        for name, procs in (("git", gp), ("githerd", hp)):
            for cmd, total in procs:
                print("%s process %.1f M: %s" % (name, total / 1e6, cmd))


if __name__ == "__main__":
    main()
