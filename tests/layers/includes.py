#!/usr/bin/env python3
"""make check-layers, the include half: within each of src/common,
src/parent and src/worker, which module includes which module's header
must form no cycle, so the layers can be read bottom up.  A module is
foo.c with its foo.h; a header without a .c of its own that extends a
module (the module includes it and it includes the module's header, as
manifest_read.h does manifest.h) belongs to that module.  Prints the
cycle and exits 1 if there is one."""
import os
import re
import sys

INCLUDE = re.compile(r'^#include "([a-z0-9_]+)\.h"', re.M)


def graph(side):
    mods, has_c = {}, set()
    for name in sorted(os.listdir(side)):
        base, ext = os.path.splitext(name)
        if ext not in ('.c', '.h'):
            continue
        if ext == '.c':
            has_c.add(base)
        with open(os.path.join(side, name)) as f:
            deps = set(INCLUDE.findall(f.read()))
        mods.setdefault(base, set()).update(deps)
    owner = {m: m for m in mods}
    for h in mods:
        if h in has_c:
            continue
        for m in sorted(mods[h]):
            if m in has_c and h in mods.get(m, ()):
                owner[h] = m
                break
    g = {}
    for m, deps in mods.items():
        o = owner[m]
        g.setdefault(o, set()).update(owner.get(d, d) for d in deps
                                      if d in mods)
    return {m: {d for d in deps if d != m} for m, deps in g.items()}


def cycle(g):
    state, stack = {}, []

    def visit(m):
        state[m] = 'open'
        stack.append(m)
        for d in sorted(g[m]):
            if state.get(d) == 'open':
                return stack[stack.index(d):] + [d]
            if d not in state:
                found = visit(d)
                if found:
                    return found
        state[m] = 'done'
        stack.pop()
        return None

    for m in sorted(g):
        if m not in state:
            found = visit(m)
            if found:
                return found
    return None


def main():
    bad = 0
    for side in sys.argv[1:]:
        c = cycle(graph(side))
        if c:
            print(f"check-layers: include cycle in {side}: {' -> '.join(c)}",
                  file=sys.stderr)
            bad = 1
    return bad


if __name__ == '__main__':
    sys.exit(main())
