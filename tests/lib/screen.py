#!/usr/bin/env python3
"""Replay what a program wrote to a terminal COLS wide; check the screen.

    screen.py COLS FILE

A terminal as far as githerd's live display uses one: printable characters
by their width (East Asian wide and fullwidth two columns, combining marks
none), automatic wrap at the right edge, CR, LF (the pty's onlcr makes it
CR LF), CSI n A (up), CSI K (clear to end of line), CSI J (clear to end of
screen); colours and cursor visibility are ignored.  The scrollback has no
limit, so nothing scrolls away; a line that wrapped is printed whole.

Fails (exit 1, a message on stderr) if a live-area line ever wraps, if the
bytes are not UTF-8, or if the screen at the end still shows a line of
the live area or shows one finished line twice.  Prints the final screen.
"""
import re
import sys
import unicodedata

CSI = re.compile(r"\x1b\[([?0-9;]*)([A-Za-z])")


def width(ch):
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def main():
    cols = int(sys.argv[1])
    raw = open(sys.argv[2], "rb").read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        sys.exit(f"screen: not UTF-8 (a character cut in two?): {e}")
    rows, r, c, wrapped = [[]], 0, 0, []
    cont = set()        # rows that go on from the one above (a wrap)
    i = 0
    while i < len(text):
        m = CSI.match(text, i)
        if m:
            arg, op = m.group(1), m.group(2)
            if op == "A":
                r = max(0, r - int(arg or 1))
            elif op == "K":
                del rows[r][c:]
            elif op == "J":
                del rows[r][c:]
                del rows[r + 1:]
                cont = {x for x in cont if x <= r}
            i = m.end()
            continue
        ch = text[i]
        i += 1
        if ch == "\r":
            c = 0
        elif ch == "\n":
            r, c = r + 1, 0
            cont.discard(r)
        elif ch >= " ":
            w = width(ch)
            if c + w > cols:
                wrapped.append("".join(rows[r]))
                r, c = r + 1, 0
                cont.add(r)
            while len(rows) <= r:
                rows.append([])
            row = rows[r]
            while len(row) < c:
                row.append(" ")
            if w == 0 and row:
                row[-1] += ch          # a mark joins what it marks
                continue
            row[c:c + w] = [ch] + ([""] if w == 2 else [])
            c += w
        while len(rows) <= r:
            rows.append([])
    screen = []
    for n, x in enumerate(rows):
        if n in cont and screen:
            screen[-1] += "".join(x)
        else:
            screen.append("".join(x))
    screen = [x.rstrip() for x in screen]
    while screen and not screen[-1]:
        screen.pop()
    print("\n".join(screen))
    bad = []
    area = re.compile(r"^(  \S.* (queued|connecting|receiving|resolving|"
                      r"checkout|submodules|finishing)\b|"
                      r"\[ *\d+/\d+\] elapsed)")
    for line in wrapped:
        if area.search(line):
            bad.append(f"a live-area line wrapped: {line!r}")
    for line in screen:
        if area.search(line):
            bad.append(f"left on the screen: {line!r}")
    done = [x for x in screen if re.match(r"^\[\d+/\d+\] ", x)]
    for line in set(done):
        if done.count(line) > 1:
            bad.append(f"shown {done.count(line)} times: {line!r}")
    if bad:
        sys.exit("screen: " + "\n".join(bad))


main()
