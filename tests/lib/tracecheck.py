#!/usr/bin/env python3
"""Check a githerd --trace file against the Trace Event format.

    tracecheck.py FILE [--entries A,B,...] [--retries N] [--slots N]

The rules Perfetto and chrome://tracing rely on, and githerd's promises:
  - JSON object with a traceEvents list; every event has ph, name, pid,
    tid; "X" and "C" events a numeric ts >= 0; "X" a dur >= 0;
    "M" events name a process or thread;
  - every lane with a slice has a thread_name;
  - on a slot's lane, job slices never overlap, and every phase slice
    lies inside a job slice of the same lane, phases never overlapping;
  - on a retry-wait lane, waits never overlap;
  - counters "queue" and "transfer" carry numbers;
  - --entries: each named entry has a job slice; --retries N: at least N
    waits; --slots N: exactly N slot lanes.
Prints one line of what it saw; exits 1 with the first problems otherwise.
"""
import argparse
import json
import sys
from collections import defaultdict


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--entries", default="")
    ap.add_argument("--retries", type=int, default=0)
    ap.add_argument("--slots", type=int)
    a = ap.parse_args()
    bad = []
    try:
        doc = json.load(open(a.file, encoding="utf-8"))
    except (OSError, ValueError) as e:
        sys.exit(f"tracecheck: {a.file}: not JSON: {e}")
    events = doc.get("traceEvents") if isinstance(doc, dict) else None
    if not isinstance(events, list):
        sys.exit("tracecheck: no traceEvents list")
    names, lanes = {}, defaultdict(lambda: defaultdict(list))
    counters = defaultdict(list)
    for n, e in enumerate(events):
        where = f"event {n}"
        if not isinstance(e, dict):
            bad.append(f"{where}: not an object")
            continue
        for k in ("ph", "name", "pid", "tid"):
            if k not in e:
                bad.append(f"{where}: no {k}")
        ph = e.get("ph")
        if not isinstance(e.get("pid"), int) or not isinstance(e.get("tid"), int):
            bad.append(f"{where}: pid and tid must be integers")
            continue
        if ph == "M":
            if e.get("name") not in ("process_name", "thread_name") or \
                    not isinstance(e.get("args", {}).get("name"), str):
                bad.append(f"{where}: a metadata event without a name")
            elif e["name"] == "thread_name":
                names[e["tid"]] = e["args"]["name"]
            continue
        ts = e.get("ts")
        if not isinstance(ts, (int, float)) or ts < 0:
            bad.append(f"{where}: ts {ts!r}")
            continue
        if ph == "X":
            dur = e.get("dur")
            if not isinstance(dur, (int, float)) or dur < 0:
                bad.append(f"{where}: dur {dur!r}")
                continue
            lanes[e["tid"]][e.get("cat")].append((ts, ts + dur, e))
        elif ph == "C":
            args = e.get("args")
            if not isinstance(args, dict) or not args or not all(
                    isinstance(v, (int, float)) for v in args.values()):
                bad.append(f"{where}: a counter without numbers")
            counters[e["name"]].append(ts)
        else:
            bad.append(f"{where}: unexpected ph {ph!r}")

    def no_overlap(spans, what):
        spans = sorted(spans, key=lambda s: (s[0], s[1]))
        for x, y in zip(spans, spans[1:]):
            if y[0] < x[1]:
                bad.append(f"{what}: {x[2]['name']!r} and {y[2]['name']!r} overlap")

    jobs, waits, slots = [], 0, 0
    for tid, cats in lanes.items():
        if tid not in names:
            bad.append(f"lane {tid} has no thread_name")
        lane = names.get(tid, str(tid))
        if lane.startswith("slot "):
            slots += 1
        no_overlap(cats.get("job", []), f"{lane}: jobs")
        no_overlap(cats.get("phase", []), f"{lane}: phases")
        no_overlap(cats.get("retry", []), f"{lane}: retry waits")
        waits += len(cats.get("retry", []))
        if cats.get("retry") and not lane.startswith("retry waits"):
            bad.append(f"{lane}: a retry wait on a slot's lane")
        for p0, p1, p in cats.get("phase", []):
            if not any(j0 <= p0 and p1 <= j1 for j0, j1, _ in cats.get("job", [])):
                bad.append(f"{lane}: phase {p['name']!r} at {p0} outside any job")
        jobs += [j[2]["name"] for j in cats.get("job", [])]
    for name in ("queue", "transfer"):
        if not counters.get(name):
            bad.append(f"no {name} counter")
    for want in filter(None, a.entries.split(",")):
        if want not in jobs:
            bad.append(f"no job slice for {want!r}")
    if waits < a.retries:
        bad.append(f"{waits} retry waits, want at least {a.retries}")
    if a.slots is not None and slots != a.slots:
        bad.append(f"{slots} slot lanes with slices, want {a.slots}")
    if bad:
        sys.exit("tracecheck: " + "\n  ".join(bad[:20]))
    print(f"tracecheck: {len(events)} events, {slots} slot lanes, "
          f"{len(jobs)} job slices, {waits} retry waits")


main()
