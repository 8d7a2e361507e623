#!/usr/bin/env python3
"""githerd's benchmark: the same manifests cloned by githerd, by
`xargs -P J git clone` and by `vcs import --workers J`, in one invocation,
alternating, several runs each; medians, ratios to githerd and the
scheduling lower bound, as a markdown table on stdout.

Started by tests/bench/run.sh, which builds the corpus and starts the
servers; everything it talks to is on 127.0.0.1.  Environment:

    BENCH_DIR       scratch directory (workspaces, results)
    BENCH_RUNS      runs per tool and scenario (default 5; 3 for the slow WAN one)
    BENCH_ONLY      comma-separated scenario names to run (default: all)
    GITHERD         the binary
    GIT_SMALL, HTTP_SMALL, GIT_MIXED, GIT_UP, GIT_TINY   server URLs
    SMALL_REPOS, MIXED_REPOS, UP_REPOS, TINY_COUNT        corpus
"""
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time

J = 8
# git daemon listens with a backlog of 5: a burst of connections can lose a
# SYN, which costs its client a 1 s retransmission.  Medians of 5 runs keep
# such outliers out of the table.
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
SLOW_RUNS = min(RUNS, 3)
ONLY = [s for s in os.environ.get("BENCH_ONLY", "").split(",") if s]
DIR = os.environ["BENCH_DIR"]
GITHERD = os.environ["GITHERD"]
HERE = os.path.dirname(os.path.abspath(__file__))
HAVE_VCS = shutil.which("vcs") is not None

rows = []       # (scenario, tool, median s, runs, githerd's median / this, note)


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def fresh(path):
    if os.path.exists(path):
        shutil.rmtree(path)
    os.makedirs(path)
    return path


def timed(cmd, cwd=None, env=None):
    t = time.monotonic()
    r = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    dt = time.monotonic() - t
    if r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd[:4]), r.returncode,
                                                   r.stderr.decode(errors="replace")[-800:]))
    return dt


# --- manifests -----------------------------------------------------------

def write_manifests(name, entries, mirror=False):
    """entries: (url, path).  Writes githerd, xargs and vcstool inputs."""
    base = os.path.join(DIR, "manifests", name)
    os.makedirs(os.path.dirname(base), exist_ok=True)
    with open(base + ".yaml", "w") as f:
        f.write("repos:\n")
        for url, path in entries:
            f.write("  - url: %s\n    path: %s\n" % (url, path))
            if mirror:
                f.write("    mirror: true\n")
    with open(base + ".xargs", "w") as f:
        for url, path in entries:
            f.write("%s %s\n" % (url, path))
    with open(base + ".repos", "w") as f:
        f.write("repositories:\n")
        for url, path in entries:
            f.write("  %s:\n    type: git\n    url: %s\n" % (path, url))
    return base


# --- the tools -------------------------------------------------------------

def run_githerd(base, ws, history=None):
    fresh(ws)
    if history:
        os.makedirs(os.path.join(ws, ".githerd"))
        shutil.copy(history, os.path.join(ws, ".githerd", "history"))
    report = ws + ".json"
    dt = timed([GITHERD, "sync", "-j", str(J), "-C", ws, "--json", report, base + ".yaml"])
    with open(report) as f:
        rep = json.load(f)
    bad = [r["path"] for r in rep["repos"] if r["status"] != "cloned" and r["status"] != "updated"
           and r["status"] != "unchanged"]
    if bad:
        raise RuntimeError("githerd did not clone %s" % bad[:3])
    return dt, rep


def run_xargs(base, ws):
    fresh(ws)
    return timed(["sh", "-c", "xargs -P %d -L 1 git clone -q < %s" % (J, base + ".xargs")], cwd=ws)


def run_vcs(base, ws):
    fresh(ws)
    return timed(["vcs", "import", "--workers", str(J), "--input", base + ".repos", ws])


def lower_bound(rep, jobs=J):
    d = [r["duration_ms"] / 1000 for r in rep["repos"]]
    return max(max(d), sum(d) / jobs)


def record(scenario, tool, times, ref=None, note=""):
    med = statistics.median(times)
    rows.append((scenario, tool, med, times, ref / med if ref else None, note))
    log("%-28s %-28s median %.2fs  runs %s" % (scenario, tool, med,
        " ".join("%.2f" % t for t in times)))
    return med


def compare(scenario, base, tools):
    """Alternate the tools RUNS times; githerd first in the table."""
    times = {t: [] for t in tools}
    for i in range(RUNS):
        for t in tools:
            ws = os.path.join(DIR, "ws", scenario + "-" + t)
            if t == "githerd":
                times[t].append(run_githerd(base, ws)[0])
            elif t == "xargs":
                times[t].append(run_xargs(base, ws))
            else:
                times[t].append(run_vcs(base, ws))
    ref = record(scenario, "githerd -j %d" % J, times["githerd"])
    if "xargs" in times:
        record(scenario, "xargs -P %d git clone" % J, times["xargs"], ref)
    if "vcs" in times:
        record(scenario, "vcs import --workers %d" % J, times["vcs"], ref)


def tools():
    return ["githerd", "xargs"] + (["vcs"] if HAVE_VCS else [])


# --- scenarios ---------------------------------------------------------------

def names(dirpath):
    return sorted(n[:-4] for n in os.listdir(dirpath) if n.endswith(".git"))


def small(kind):
    url = os.environ["GIT_SMALL" if kind == "git" else "HTTP_SMALL"]
    entries = [("%s/%s.git" % (url, n), n) for n in names(os.environ["SMALL_REPOS"])]
    base = write_manifests("small-" + kind, entries)
    compare("200 small, %s" % ("git://" if kind == "git" else "HTTP"), base, tools())


def start_wan(target_port):
    ready = os.path.join(DIR, "wan.ready")
    if os.path.exists(ready):
        os.unlink(ready)
    p = subprocess.Popen([sys.executable, os.path.join(HERE, "wanproxy.py"), "--target",
                          str(target_port), "--ready", ready, "--delay-ms", "50", "--mbit", "20"])
    for _ in range(100):
        if os.path.exists(ready):
            with open(ready) as f:
                return p, int(f.read())
        time.sleep(0.05)
    p.kill()
    raise RuntimeError("the WAN proxy did not start")


def hetero():
    port = int(os.environ["GIT_MIXED"].rsplit(":", 1)[1].split("/")[0])
    proxy, wport = start_wan(port)
    try:
        repos = names(os.environ["MIXED_REPOS"])
        # A fixed shuffle stands for a manifest in no particular order.
        random.Random("githerd-bench").shuffle(repos)
        entries = [("git://127.0.0.1:%d/%s.git" % (wport, n), n) for n in repos]
        base = write_manifests("mixed", entries)
        scenario = "40 mixed, 50 ms + 20 Mbit/s"
        log("%s: the 113 MB repository is entry %d of %d" % (
            scenario, repos.index("huge") + 1, len(repos)))
        # First run: no history, manifest order.
        first, rep = run_githerd(base, os.path.join(DIR, "ws", "mixed-first"))
        history = os.path.join(DIR, "ws", "mixed-first", ".githerd", "history")
        times = {t: [] for t in tools()}
        bounds = []
        for i in range(SLOW_RUNS):
            for t in tools():
                ws = os.path.join(DIR, "ws", "mixed-" + t)
                if t == "githerd":
                    dt, rep = run_githerd(base, ws, history)
                    times[t].append(dt)
                    bounds.append(lower_bound(rep))
                elif t == "xargs":
                    times[t].append(run_xargs(base, ws))
                else:
                    times[t].append(run_vcs(base, ws))
        ref = record(scenario, "githerd -j %d (2nd run, history)" % J, times["githerd"])
        record(scenario, "githerd -j %d (1st run, no history)" % J, [first], ref)
        best = None
        for t, label in (("xargs", "xargs -P %d git clone" % J),
                         ("vcs", "vcs import --workers %d" % J)):
            if t in times:
                m = record(scenario, label, times[t], ref)
                best = m if best is None else min(best, m)
        lb = statistics.median(bounds)
        record(scenario, "lower bound max(longest, total/%d)" % J, [lb], ref,
               "best of the others: githerd ÷ it = %.2f" % (ref / best) if best else "")
    finally:
        proxy.kill()
        proxy.wait()


def bump_upstreams(count):
    """A new commit on main in `count` of the upstreams (the first ones)."""
    up = os.environ["UP_REPOS"]
    changed = names(up)[:count]
    for n in changed:
        d = os.path.join(up, n + ".git")
        env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="b@x.invalid",
                   GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="b@x.invalid")
        blob = subprocess.run(["git", "-C", d, "hash-object", "-w", "--stdin"],
                              input=("change %f\n" % time.time()).encode(),
                              capture_output=True, check=True).stdout.decode().strip()
        tree = subprocess.run(["git", "-C", d, "mktree"],
                              input=("100644 blob %s\tCHANGE\n" % blob).encode(),
                              capture_output=True, check=True).stdout.decode().strip()
        commit = subprocess.run(["git", "-C", d, "commit-tree", tree, "-p", "main", "-m",
                                 "bench change"], env=env, capture_output=True,
                                check=True).stdout.decode().strip()
        subprocess.run(["git", "-C", d, "update-ref", "refs/heads/main", commit], check=True)
    return changed


def remote_update(ws):
    return timed(["sh", "-c", "ls | xargs -P %d -I{} git -C {} remote update --prune" % J],
                 cwd=ws)


def mirrors():
    url = os.environ["GIT_UP"]
    entries = [("%s/%s.git" % (url, n), n + ".git") for n in names(os.environ["UP_REPOS"])]
    base = write_manifests("mirrors", entries, mirror=True)
    before = os.path.join(DIR, "ws", "mirrors-before")
    run_githerd(base, before)
    bump_upstreams(len(entries) // 10)
    after = os.path.join(DIR, "ws", "mirrors-after")
    for label, template in (("10% changed", before), ("nothing changed", after)):
        scenario = "refresh 200 mirrors, %s" % label
        times = {"githerd": [], "git": []}
        for i in range(RUNS):
            for t in ("githerd", "git"):
                ws = os.path.join(DIR, "ws", "mirrors-" + t)
                if os.path.exists(ws):
                    shutil.rmtree(ws)
                shutil.copytree(template, ws, symlinks=True)
                if t == "githerd":
                    times[t].append(timed([GITHERD, "sync", "-j", str(J), "-C", ws,
                                           base + ".yaml"]))
                else:
                    shutil.rmtree(os.path.join(ws, ".githerd"), ignore_errors=True)
                    times[t].append(remote_update(ws))
            if label == "10% changed" and i == 0:
                shutil.rmtree(after, ignore_errors=True)
                shutil.copytree(os.path.join(DIR, "ws", "mirrors-githerd"), after,
                                symlinks=True)
        ref = record(scenario, "githerd -j %d" % J, times["githerd"])
        record(scenario, "xargs -P %d git remote update --prune" % J, times["git"], ref)


def one_repository(name, url, scenario):
    """One repository cloned RUNS times by githerd and by git clone."""
    base = write_manifests(name, [("%s/%s.git" % (url, name), name)])
    times = {"githerd": [], "git": []}
    for i in range(RUNS):
        times["githerd"].append(run_githerd(base, os.path.join(DIR, "ws", name + "-githerd"))[0])
        ws = fresh(os.path.join(DIR, "ws", name + "-git"))
        times["git"].append(timed(["git", "clone", "-q", "%s/%s.git" % (url, name), name], cwd=ws))
    return times


def large():
    scenario = "one 113 MB repository, git://"
    times = one_repository("huge", os.environ["GIT_MIXED"], scenario)
    ref = record(scenario, "githerd", times["githerd"])
    record(scenario, "git clone", times["git"], ref)


def tree_size(path):
    """Bytes and files under path (what du and find would count)."""
    size = files = 0
    for d, _, names in os.walk(path):
        for n in names:
            st = os.lstat(os.path.join(d, n))
            size += st.st_blocks * 512
            files += 1
    return size, files


def tags10k():
    scenario = "one repository with 10,000 tags, git://"
    times = one_repository("tags", os.environ["GIT_TAGS"], scenario)
    ours = tree_size(os.path.join(DIR, "ws", "tags-githerd", "tags", ".git"))
    theirs = tree_size(os.path.join(DIR, "ws", "tags-git", "tags", ".git"))
    ref = record(scenario, "githerd", times["githerd"],
                 note=".git %.0f KiB in %d files" % (ours[0] / 1024, ours[1]))
    record(scenario, "git clone", times["git"], ref,
           note=".git %.0f KiB in %d files; githerd's is %.2f× its size" % (
               theirs[0] / 1024, theirs[1], ours[0] / theirs[0]))


def sample(pid, peak):
    """Fold /proc/PID's memory and descriptors into peak (a dict)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                key = line.split(":")[0]
                if key in ("VmHWM", "RssAnon"):
                    peak[key] = max(peak.get(key, 0), int(line.split()[1]))
        peak["fds"] = max(peak.get("fds", 0), len(os.listdir("/proc/%d/fd" % pid)))
    except OSError:
        pass


def baseline_rss():
    """The parent with one entry (that waits to retry): what any run costs."""
    base = write_manifests("one", [("git://127.0.0.1:1/none.git", "none")])
    ws = fresh(os.path.join(DIR, "ws", "one"))
    p = subprocess.Popen([GITHERD, "sync", "--retries", "1", "--retry-delay", "3", "-C", ws,
                          base + ".yaml"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = {}
    time.sleep(1)
    sample(p.pid, peak)
    p.kill()
    p.wait()
    return peak


def tiny10k():
    url = os.environ["GIT_TINY"]
    n = int(os.environ["TINY_COUNT"])
    entries = [("%s/t%05d.git" % (url, i), "g%03d/t%05d" % (i // 100, i)) for i in range(n)]
    base = write_manifests("tiny", entries)
    ws = fresh(os.path.join(DIR, "ws", "tiny"))
    t = time.monotonic()
    p = subprocess.Popen([GITHERD, "sync", "-j", str(J), "-C", ws, base + ".yaml"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = {}
    while p.poll() is None:
        sample(p.pid, peak)
        time.sleep(0.05)
    dt = time.monotonic() - t
    if p.returncode != 0:
        raise RuntimeError("githerd failed on %d tiny repositories" % n)
    size = os.path.getsize(base + ".yaml") / 1024
    one = baseline_rss()
    grown = peak["VmHWM"] - one["VmHWM"]
    record("%d tiny repositories" % n, "githerd -j %d" % J, [dt],
           note="parent peak RSS %.1f MiB = %.1f MiB for a one-entry run + %.1f MiB "
           "for the entries, of which %.1f MiB is the manifest file (%.1f MiB beyond it); "
           "at most %d descriptors (%d with one entry)" % (
               peak["VmHWM"] / 1024, one["VmHWM"] / 1024, grown / 1024, size / 1024,
               (grown - size) / 1024, peak["fds"], one["fds"]))


SCENARIOS = [("small-git", lambda: small("git")), ("small-http", lambda: small("http")),
             ("mixed", hetero), ("mirrors", mirrors), ("large", large), ("tags", tags10k),
             ("tiny", tiny10k)]


def table():
    out = ["| scenario | tool | median | runs | githerd ÷ this | |",
           "|---|---|---:|---|---:|---|"]
    for scenario, tool, med, times, ratio, note in rows:
        out.append("| %s | %s | %.2f s | %s | %s | %s |" % (
            scenario, tool, med, " ".join("%.2f" % t for t in times),
            "%.2f x" % ratio if ratio else "", note))
    return "\n".join(out)


def main():
    os.makedirs(DIR, exist_ok=True)
    if not HAVE_VCS:
        log("vcs (vcstool) is not installed: its rows are left out "
            "(scripts/install-deps.sh --bench installs it)")
    for name, fn in SCENARIOS:
        if ONLY and name not in ONLY:
            continue
        log("scenario %s" % name)
        fn()
    print(table())
    with open(os.path.join(DIR, "results.md"), "w") as f:
        f.write(table() + "\n")


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as e:
        sys.exit("bench: %s" % e)
