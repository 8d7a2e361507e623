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
    HTTP_ROS2, HTTP_ROS2_UP       the ROS 2 corpus, and the copy that moves
    ROS2_FLEET, ROS2_REPOS, ROS2_UP_REPOS, ROS2_HTTP_STATE, ROS2_UP_HTTP_STATE
                    its fleet.json, repositories, the copy, the servers'
                    state directories (pid, access log)
"""
import base64
import json
import os
import random
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

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


# --- the ROS 2 corpus: cache and CI scenarios ---------------------------------
#
# 66 repositories shaped after ros2.repos (tests/lib/mkfleet.py, profile
# bench-ros2), served over HTTP by lighttpd + git http-backend, as GitHub
# serves them over https.  HTTP also gives the access log that the 4-CI
# scenario counts packs in, and is the only transport on which libgit2
# clones shallow.

def ros2_repos():
    with open(os.environ["ROS2_FLEET"]) as f:
        fleet = json.load(f)
    # ros2.repos lists its repositories by path, so rviz (30 MB) comes
    # last: a cold run with no history starts it last, as vcs does.
    return sorted(fleet["repos"], key=lambda r: r["workspace_path"]), fleet.get("scale", 1)


def ros2_title(what):
    repos, scale = ros2_repos()
    mb = sum(r["pack_bytes"] for r in repos) / 1e6
    return "ROS 2 (%d repos, %.0f MB%s), %s" % (
        len(repos), mb, ", scale %g" % scale if scale != 1 else "", what)


def ros2_manifests(name, url, depth=None):
    """The corpus as ros2.repos has it (a version per entry: the branch)
    and as a githerd manifest (branch:, and depth: when given)."""
    repos, _ = ros2_repos()
    base = os.path.join(DIR, "manifests", name)
    os.makedirs(os.path.dirname(base), exist_ok=True)
    with open(base + ".repos", "w") as f:
        f.write("repositories:\n")
        for r in repos:
            f.write("  %s:\n    type: git\n    url: %s/%s.git\n    version: %s\n" % (
                r["workspace_path"], url, r["name"], r["default_branch"]))
    with open(base + ".yaml", "w") as f:
        f.write("repos:\n")
        for r in repos:
            f.write("  - url: %s/%s.git\n    path: %s\n    branch: %s\n" % (
                url, r["name"], r["workspace_path"], r["default_branch"]))
            if depth:
                f.write("    depth: %d\n" % depth)
    return base


def cpu_of_children():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def measured(cmd, stdin=None):
    """Wall and CPU (user+sys of the command and everything it waited
    for: githerd's workers, the git processes vcs runs)."""
    c, t = cpu_of_children(), time.monotonic()
    r = subprocess.run(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt, cpu = time.monotonic() - t, cpu_of_children() - c
    err = r.stderr.decode(errors="replace")
    if r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd[:4]), r.returncode, err[-800:]))
    return dt, cpu, err


def githerd_cmd(manifest, ws, cache=None):
    cmd = [GITHERD, "sync", "-j", str(J), "-C", ws, "--json", ws + ".json", manifest]
    return cmd + ["--cache", cache] if cache else cmd


def check_githerd(ws, err, cache=None):
    """Every entry cloned; through the cache, none went around it (a
    locked, damaged or foreign-filesystem cache would be measured as a
    cold run)."""
    with open(ws + ".json") as f:
        rep = json.load(f)
    bad = [(r["path"], r["status"]) for r in rep["repos"] if r["status"] != "cloned"]
    if bad:
        raise RuntimeError("githerd did not clone %s" % bad[:3])
    if cache and "cache:" in err:
        raise RuntimeError("githerd went around the cache: %s" % err[-800:])
    return rep


def ros2_githerd(manifest, ws, cache=None):
    fresh(ws)
    dt, cpu, err = measured(githerd_cmd(manifest, ws, cache))
    return dt, cpu, check_githerd(ws, err, cache)


def ros2_vcs(base, ws, shallow=False):
    fresh(ws)
    cmd = ["vcs", "import", "--workers", str(J)] + (["--shallow"] if shallow else []) + [ws]
    with open(base + ".repos") as f:
        dt, cpu, _ = measured(cmd, stdin=f)
    repos, _ = ros2_repos()
    missing = [r["workspace_path"] for r in repos
               if not os.path.isdir(os.path.join(ws, r["workspace_path"], ".git"))]
    if missing:
        raise RuntimeError("vcs import did not clone %s" % missing[:3])
    return dt, cpu


def received_mb(rep):
    return sum(r["bytes"] for r in rep["repos"]) / 1e6


# --- the HTTP server: its CPU and its access log ---

def server_pid(state):
    with open(os.path.join(state, "http.group")) as f:
        return int(f.read().split()[0])


def server_cpu(state):
    """lighttpd's CPU and that of the CGIs it reaped (git http-backend,
    upload-pack, pack-objects): what serving took of the 2 cores."""
    time.sleep(0.2)     # let it reap the last CGIs of the run
    with open("/proc/%d/stat" % server_pid(state)) as f:
        fields = f.read().rsplit(") ", 1)[1].split()
    # utime, stime, cutime, cstime: fields 14-17 of proc(5)
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def access_log(state):
    """The access log's lines so far.  lighttpd buffers it; SIGHUP makes
    it write everything out (as http_fetches in tests/integration/lib.sh)."""
    os.kill(server_pid(state), signal.SIGHUP)
    time.sleep(0.3)
    with open(os.path.join(state, "http-access.log"), errors="replace") as f:
        return f.read().splitlines()


# 'POST /git/<name>.git/git-upload-pack HTTP/1.1" <status> <bytes>' in
# lighttpd's default format (%b: the response body's bytes).  Ref
# listings are GETs (libgit2 speaks protocol v0), so every POST is part
# of a fetch: its wants and haves, answered by ACK/NAK lines or, for the
# one that says "done", by the pack.
UPLOAD_PACK = re.compile(r'"POST /git/([^ ]+)\.git/git-upload-pack HTTP/[0-9.]+" (\d+) (\d+|-)')


def upload_posts(lines):
    """{repository: [(status, response bytes) of each POST]}."""
    posts = {}
    for line in lines:
        m = UPLOAD_PACK.search(line)
        if m:
            posts.setdefault(m.group(1), []).append(
                (int(m.group(2)), int(m.group(3)) if m.group(3) != "-" else 0))
    return posts


# A fetch into an empty repository has no haves: it is one POST, which
# gets the pack, a kilobyte and more for the smallest repository at any
# scale.  Anything else (a NAK, an error page) is a request that sent no
# pack.
PACK_MIN_BYTES = 1024


def pack_posts(posts):
    """{repository: number of POSTs that sent a pack}, and the others."""
    packs = {n: sum(1 for st, size in v if st == 200 and size >= PACK_MIN_BYTES)
             for n, v in posts.items()}
    return packs, sum(len(v) for v in posts.values()) - sum(packs.values())


# --- the same clone: what a checkout through the cache must match ---

def git_out(path, *args, check=True):
    r = subprocess.run(["git", "-C", path] + list(args), capture_output=True)
    if check and r.returncode != 0:
        raise RuntimeError("git %s in %s failed: %s" % (
            " ".join(args), path, r.stderr.decode(errors="replace")[-400:]))
    return r.stdout.decode(errors="replace")


def checkout_facts(path):
    return {
        "refs": git_out(path, "for-each-ref", "--format=%(objectname) %(refname)"),
        "HEAD": git_out(path, "rev-parse", "HEAD") + git_out(path, "symbolic-ref", "-q", "HEAD",
                                                              check=False),
        "origin": git_out(path, "config", "remote.origin.url"),
        "index": git_out(path, "ls-files", "-s"),
        "status": git_out(path, "status", "--porcelain"),
    }


def fsck(path):
    r = subprocess.run(["git", "-C", path, "fsck", "--no-progress", "--no-dangling"],
                       capture_output=True)
    out = (r.stdout + r.stderr).decode(errors="replace").strip()
    return "git fsck: %s" % out[-300:] if r.returncode != 0 or out else None


def same_checkouts(ours, theirs, what):
    """Every entry of workspace `ours` is the clone `theirs` has: refs,
    HEAD, origin, index, a clean work tree, and git fsck finds nothing.
    Raises with every difference: a fast run that clones wrong is no
    result."""
    repos, _ = ros2_repos()

    def one(r):
        a = os.path.join(ours, r["workspace_path"])
        b = os.path.join(theirs, r["workspace_path"])
        fa, fb = checkout_facts(a), checkout_facts(b)
        bad = ["%s differ" % k for k in ("refs", "HEAD", "origin", "index") if fa[k] != fb[k]]
        if fa["status"]:
            bad.append("git status: %s" % fa["status"][:200])
        problem = fsck(a)
        if problem:
            bad.append(problem)
        return ["%s: %s" % (r["workspace_path"], b_) for b_ in bad]

    # Two at a time: fsck hashes every object, and there are two cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        problems = [p for ps in pool.map(one, repos) for p in ps]
    if problems:
        raise RuntimeError("%s: %d problems, first: %s" % (what, len(problems),
                                                           "; ".join(problems[:5])))
    log("%s: all %d checkouts the same, git fsck clean" % (what, len(repos)))


def drop(*paths):
    """Workspaces of a finished scenario: several hundred MB each on the
    tmpfs."""
    for p in paths:
        shutil.rmtree(p, ignore_errors=True)
        if os.path.exists(p + ".json"):
            os.unlink(p + ".json")


def ws_path(name):
    return os.path.join(DIR, "ws", name)


# --- the scenarios ---

def ros2_cold():
    if not HAVE_VCS:
        log("ros2-cold: vcs is not installed; githerd alone")
    url, state = os.environ["HTTP_ROS2"], os.environ["ROS2_HTTP_STATE"]
    base = ros2_manifests("ros2", url)
    tools = ("githerd", "vcs") if HAVE_VCS else ("githerd",)
    wall, cpu, served = ({t: [] for t in tools} for _ in range(3))
    mb = 0
    for i in range(RUNS):
        for t in tools:
            s0 = server_cpu(state)
            if t == "githerd":
                dt, c, rep = ros2_githerd(base + ".repos", ws_path("ros2-cold-githerd"))
                mb = received_mb(rep)
            else:
                dt, c = ros2_vcs(base, ws_path("ros2-cold-vcs"))
            wall[t].append(dt)
            cpu[t].append(c)
            served[t].append(server_cpu(state) - s0)
    scenario = ros2_title("cold, HTTP")
    labels = {"githerd": "githerd -j %d" % J, "vcs": "vcs import --workers %d" % J}
    ref = record(scenario, labels["githerd"], wall["githerd"],
                 note="received %.1f MB; reads the .repos file as it is" % mb)
    if HAVE_VCS:
        record(scenario, labels["vcs"], wall["vcs"], ref)
    ref = None
    for t in tools:
        m = record(scenario, labels[t] + ", CPU (user+sys)", cpu[t], ref,
                   note="server CPU %.1f s" % statistics.median(served[t]))
        ref = ref or m
    drop(ws_path("ros2-cold-githerd"), ws_path("ros2-cold-vcs"))


def count_posts(state, fn):
    """fn(), and the POSTs to git-upload-pack the server logged meanwhile."""
    before = len(access_log(state))
    result = fn()
    return result, upload_posts(access_log(state)[before:])


def cache_entries(cache, manifest_base):
    """(workspace path, url, cache repository, branch) of every entry,
    the cache repository found by the URL it records (githerd-url)."""
    by_url = {}
    for d in os.listdir(cache):
        f = os.path.join(cache, d, "githerd-url")
        if d.endswith(".git") and os.path.exists(f):
            with open(f) as fh:
                by_url[fh.read().strip()] = os.path.join(cache, d)
    repos, _ = ros2_repos()
    url = os.path.dirname(manifest_url(manifest_base))
    out = []
    for r in repos:
        u = "%s/%s.git" % (url, r["name"])
        out.append((r["workspace_path"], u, by_url[u], r["default_branch"]))
    return out


def manifest_url(base):
    """The first entry's URL in the manifest ros2_manifests wrote."""
    with open(base + ".yaml") as f:
        for line in f:
            if line.strip().startswith("- url:"):
                return line.split()[-1]
    raise RuntimeError("%s.yaml: no url" % base)


def parallel_wall(argvs):
    """Wall time of running every argv, J at a time (as xargs -P J)."""
    t = time.monotonic()
    with ThreadPoolExecutor(max_workers=J) as pool:
        for r in pool.map(lambda a: subprocess.run(a, stdout=subprocess.DEVNULL,
                                                   stderr=subprocess.PIPE), argvs):
            if r.returncode != 0:
                raise RuntimeError("floor: %s" % r.stderr.decode(errors="replace")[-300:])
    return time.monotonic() - t


def warm_floors(entries, ws):
    """What a warm run cannot avoid, measured with git itself: a checkout
    of every entry with no network at all (a hard-linked local clone of
    the cache: the work trees and indexes alone), and the one ref
    advertisement per entry that tells whether the cache is current."""
    fresh(ws)
    local = parallel_wall([["git", "clone", "-q", "--local", "-b", b, c, os.path.join(ws, p)]
                           for p, _, c, b in entries])
    shutil.rmtree(ws, ignore_errors=True)
    fresh(ws)
    nock = [os.path.join(ws, p) for p, _, _, _ in entries]
    parallel_wall([["git", "clone", "-q", "--local", "-n", c, d]
                   for (p, _, c, _), d in zip(entries, nock)])
    checkout = parallel_wall([["git", "-C", d, "checkout", "-q", b]
                              for (_, _, _, b), d in zip(entries, nock)])
    shutil.rmtree(ws, ignore_errors=True)
    refs = parallel_wall([["git", "ls-remote", u] for _, u, _, _ in entries])
    return local, checkout, refs


def ros2_warm_cache():
    url, state = os.environ["HTTP_ROS2"], os.environ["ROS2_HTTP_STATE"]
    base = ros2_manifests("ros2", url)
    cache = fresh(os.path.join(DIR, "cache", "ros2-warm"))
    warm, cold = ws_path("ros2-warm-githerd"), ws_path("ros2-warm-cold")
    dt, _, _ = ros2_githerd(base + ".repos", ws_path("ros2-warm-fill"), cache)
    log("ros2-warm-cache: cache filled in %.2f s" % dt)
    drop(ws_path("ros2-warm-fill"))
    entries = cache_entries(cache, base)
    times = {"warm": [], "cold": [], "local": [], "checkout": [], "refs": []}
    sent = 0
    for i in range(RUNS):
        (dt, _, rep), posts = count_posts(
            state, lambda: ros2_githerd(base + ".repos", warm, cache))
        times["warm"].append(dt)
        sent = max(sent, sum(len(v) for v in posts.values()))
        times["cold"].append(ros2_githerd(base + ".repos", cold)[0])
        for k, v in zip(("local", "checkout", "refs"), warm_floors(entries, ws_path("ros2-floor"))):
            times[k].append(v)
    same_checkouts(warm, cold, "ros2-warm-cache")
    scenario = ros2_title("warm cache, HTTP")
    ref = record(scenario, "githerd -j %d --cache (warm)" % J, times["warm"],
                 note="POSTs to git-upload-pack per run: %d" % sent)
    cold_med = record(scenario, "githerd -j %d (cold, no cache)" % J, times["cold"], ref)
    # The floor: git's own work for the same work trees.  Its ratio is the
    # warm run's time over the floor's; the note says the floor as a
    # fraction of the cold run, the unit of the target.
    for key, label in (("local", "floor: git clone --local of the cache, no network"),
                       ("checkout", "floor: git checkout alone (of -n local clones)"),
                       ("refs", "floor: git ls-remote of every entry")):
        record(scenario, "%s, %d at a time" % (label, J), times[key], ref,
               note="%.2fx the cold run" % (statistics.median(times[key]) / cold_med))
    drop(warm, cold)


ROS2_MOVED_COMMITS = 3


def ros2_moved(repos):
    """The 10% of the repositories that move upstream: evenly spread over
    the list, so both large and small ones are among them."""
    n = max(1, round(len(repos) / 10))
    return [repos[(2 * k + 1) * len(repos) // (2 * n)] for k in range(n)]


def ros2_move(path, branch, name):
    """A few commits on the branch (a changed README, a new source file
    each) and an annotated tag, by one git fast-import.  Fixed dates and
    seeded contents: every run moves the upstream to the same commits."""
    tip = git_out(path, "rev-parse", "refs/heads/" + branch).strip()
    readme = git_out(path, "cat-file", "blob", "%s:README.md" % tip).encode()
    rng = random.Random("githerd-bench-move/" + name)
    out = []
    for k in range(1, ROS2_MOVED_COMMITS + 1):
        readme += b"Moved upstream, change %d.\n" % k
        src = base64.encodebytes(rng.randbytes(3000))
        msg = b"Upstream change %d" % k
        out.append(b"commit refs/heads/%s\nmark :%d\n" % (branch.encode(), k))
        out.append(b"committer Bench <bench@githerd.invalid> %d +0000\n" % (1800000000 + k))
        out.append(b"data %d\n%s\n" % (len(msg), msg))
        out.append(b"from %s\n" % (tip.encode() if k == 1 else b":%d" % (k - 1)))
        out.append(b"M 100644 inline README.md\ndata %d\n%s\n" % (len(readme), readme))
        out.append(b"M 100644 inline moved/change_%d.cpp\ndata %d\n%s\n\n" % (k, len(src), src))
    out.append(b"tag bench-moved\nfrom :%d\n" % ROS2_MOVED_COMMITS)
    out.append(b"tagger Bench <bench@githerd.invalid> 1800000100 +0000\ndata 6\nmoved\n")
    r = subprocess.run(["git", "-C", path, "fast-import", "--quiet", "--done"],
                       input=b"".join(out) + b"done\n", capture_output=True)
    if r.returncode != 0:
        raise RuntimeError("moving %s: %s" % (name, r.stderr.decode(errors="replace")))
    return git_out(path, "rev-parse", "refs/heads/" + branch).strip()


def ros2_cache_10pct():
    url, up = os.environ["HTTP_ROS2_UP"], os.environ["ROS2_UP_REPOS"]
    state = os.environ["ROS2_UP_HTTP_STATE"]
    pristine = os.environ["ROS2_REPOS"]
    repos, _ = ros2_repos()
    moved = ros2_moved(repos)
    base = ros2_manifests("ros2-up", url)
    # The cache as the last run left it: filled from the upstreams before
    # they moved.  Every run starts from a copy of it.
    template = fresh(os.path.join(DIR, "cache", "ros2-10pct-template"))
    cache = os.path.join(DIR, "cache", "ros2-10pct")

    def restore():
        for r in moved:
            d = os.path.join(up, r["name"] + ".git")
            shutil.rmtree(d, ignore_errors=True)
            shutil.copytree(os.path.join(pristine, r["name"] + ".git"), d, symlinks=True)

    restore()
    dt, _, _ = ros2_githerd(base + ".repos", ws_path("ros2-10pct-fill"), template)
    log("ros2-cache-10pct: cache filled in %.2f s; moving %s" % (
        dt, ", ".join(r["name"] for r in moved)))
    drop(ws_path("ros2-10pct-fill"))
    through, cold = ws_path("ros2-10pct-githerd"), ws_path("ros2-10pct-cold")
    times = {"cache": [], "cold": []}
    sent, fetched = set(), set()
    for i in range(RUNS):
        restore()
        tips = {r["workspace_path"]: ros2_move(os.path.join(up, r["name"] + ".git"),
                                               r["default_branch"], r["name"]) for r in moved}
        shutil.rmtree(cache, ignore_errors=True)
        shutil.copytree(template, cache, symlinks=True)
        (dt, _, _), posts = count_posts(
            state, lambda: ros2_githerd(base + ".repos", through, cache))
        times["cache"].append(dt)
        sent.add(sum(len(v) for v in posts.values()))
        fetched |= set(posts)
        times["cold"].append(ros2_githerd(base + ".repos", cold)[0])
    for p, tip in tips.items():
        got = git_out(os.path.join(through, p), "rev-parse", "HEAD").strip()
        if got != tip:
            raise RuntimeError("ros2-cache-10pct: %s is at %s, upstream at %s" % (p, got, tip))
    same_checkouts(through, cold, "ros2-cache-10pct")
    restore()
    scenario = ros2_title("cache, %d moved upstream (%d commits + a tag each), HTTP" % (
        len(moved), ROS2_MOVED_COMMITS))
    others = sorted(fetched - {r["name"] for r in moved})
    ref = record(scenario, "githerd -j %d --cache" % J, times["cache"],
                 note="POSTs to git-upload-pack per run: %s, for %s" % (
                     "/".join(map(str, sorted(sent))),
                     "the moved repositories only" if not others
                     else "%d more: %s" % (len(others), ", ".join(others[:5]))))
    record(scenario, "githerd -j %d (cold, no cache)" % J, times["cold"], ref)
    drop(through, cold, cache, template)


def ros2_depth1():
    if not HAVE_VCS:
        log("ros2-depth1-http: vcs is not installed; githerd alone")
    base = ros2_manifests("ros2-depth1", os.environ["HTTP_ROS2"], depth=1)
    ws = ws_path("ros2-depth1-githerd")
    times = {"githerd": [], "vcs": []}
    mb = 0
    for i in range(RUNS):
        dt, _, rep = ros2_githerd(base + ".yaml", ws)
        times["githerd"].append(dt)
        mb = received_mb(rep)
        if HAVE_VCS:
            times["vcs"].append(ros2_vcs(base, ws_path("ros2-depth1-vcs"), shallow=True)[0])
    repos, _ = ros2_repos()
    deep = [r["workspace_path"] for r in repos
            if git_out(os.path.join(ws, r["workspace_path"]), "rev-list", "--count", "HEAD").strip()
            != "1"]
    if deep:
        raise RuntimeError("ros2-depth1-http: not one commit deep: %s" % deep[:3])
    scenario = ros2_title("depth 1, HTTP")
    ref = record(scenario, "githerd -j %d, depth: 1" % J, times["githerd"],
                 note="received %.1f MB" % mb)
    if HAVE_VCS:
        record(scenario, "vcs import --shallow --workers %d" % J, times["vcs"], ref)
    drop(ws, ws_path("ros2-depth1-vcs"))


CI_JOBS = 4


def ros2_ci(base, cache, tag):
    """CI_JOBS githerd runs started at once, each into a workspace of its
    own; returns the slowest one's wall and the CPU of all."""
    wss = [ws_path("ros2-ci-%s-%d" % (tag, k)) for k in range(CI_JOBS)]
    for ws in wss:
        fresh(ws)
    if cache:
        fresh(cache)
    c = cpu_of_children()
    t = time.monotonic()
    procs = [subprocess.Popen(githerd_cmd(base + ".repos", ws, cache), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE) for ws in wss]
    walls, errs = [], []
    for p in procs:
        err = p.communicate()[1].decode(errors="replace")
        walls.append(time.monotonic() - t)
        if p.returncode != 0:
            raise RuntimeError("ros2-4ci: githerd failed (%d): %s" % (p.returncode, err[-800:]))
        errs.append(err)
    cpu = cpu_of_children() - c
    for ws, err in zip(wss, errs):
        check_githerd(ws, err, cache)
    return max(walls), cpu, wss


def ros2_4ci():
    url, state = os.environ["HTTP_ROS2"], os.environ["ROS2_HTTP_STATE"]
    base = ros2_manifests("ros2", url)
    repos, _ = ros2_repos()
    names = {r["name"] for r in repos}
    cache = os.path.join(DIR, "cache", "ros2-ci")
    runs = {"cache": ([], []), "none": ([], [])}
    for i in range(RUNS):
        (slowest, cpu, wss), posts = count_posts(state, lambda: ros2_ci(base, cache, "cache"))
        packs, other = pack_posts(posts)
        wrong = sorted(n for n in names | set(packs) if packs.get(n, 0) != 1 or n not in names)
        if wrong:
            raise RuntimeError("ros2-4ci: run %d: not one pack per repository: %s" % (
                i + 1, ", ".join("%s %d" % (n, packs.get(n, 0)) for n in wrong[:5])))
        log("ros2-4ci: run %d: %d packs sent, one per repository (%.1f MB), "
            "%d POSTs that sent none" % (i + 1, sum(packs.values()),
                                         sum(b for v in posts.values() for _, b in v) / 1e6, other))
        runs["cache"][0].append(slowest)
        runs["cache"][1].append(cpu)
        slowest, cpu, _ = ros2_ci(base, None, "none")
        runs["none"][0].append(slowest)
        runs["none"][1].append(cpu)
    # The last run's four workspaces: each clean and the same as the first.
    first = wss[0]
    problem = next(filter(None, (fsck(os.path.join(first, r["workspace_path"])) for r in repos)),
                   None)
    if problem:
        raise RuntimeError("ros2-4ci: %s: %s" % (first, problem))
    for k, ws in enumerate(wss[1:], 2):
        same_checkouts(ws, first, "ros2-4ci: workspace %d" % k)
    scenario = ros2_title("%d CI jobs at once, HTTP" % CI_JOBS)
    ref = record(scenario, "%d × githerd -j %d --cache, one empty cache (slowest)" % (CI_JOBS, J),
                 runs["cache"][0], note="one pack per repository in every run; CPU %.1f s" %
                 statistics.median(runs["cache"][1]))
    record(scenario, "%d × githerd -j %d, no cache (slowest)" % (CI_JOBS, J), runs["none"][0],
           ref, note="CPU %.1f s" % statistics.median(runs["none"][1]))
    drop(cache, *[ws_path("ros2-ci-%s-%d" % (t, k)) for t in ("cache", "none")
                  for k in range(CI_JOBS)])


SCENARIOS = [("small-git", lambda: small("git")), ("small-http", lambda: small("http")),
             ("mixed", hetero), ("mirrors", mirrors), ("large", large), ("tags", tags10k),
             ("tiny", tiny10k), ("ros2-cold", ros2_cold), ("ros2-warm-cache", ros2_warm_cache),
             ("ros2-cache-10pct", ros2_cache_10pct), ("ros2-depth1-http", ros2_depth1),
             ("ros2-4ci", ros2_4ci)]


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
    # A cold run is one without a cache: only --cache may give one.
    os.environ.pop("GITHERD_CACHE", None)
    unknown = [s for s in ONLY if s not in dict(SCENARIOS)]
    if unknown:
        raise RuntimeError("no scenario %s (there are %s)" % (
            ", ".join(unknown), ", ".join(n for n, _ in SCENARIOS)))
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
