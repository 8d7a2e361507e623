#!/usr/bin/env python3
"""A bare repository whose one commit holds a file of SIZE zero bytes.

    mkbigblob.py REPO SIZE

The pack is written directly (the blob deflated at level 9: a 1 GiB file
is about 1 MiB on the wire), then indexed by git index-pack: about 10 s
for 1 GiB instead of the minute git add and repack take.  REPO/ready is
written last; with it there, nothing is done.
"""
import hashlib
import os
import struct
import subprocess
import sys
import zlib

CHUNK = 1 << 20


def entry_header(kind, n):
    """A pack entry's type and size, as git writes them."""
    c = (kind << 4) | (n & 15)
    n >>= 4
    out = bytearray()
    while n:
        out.append(c | 0x80)
        c = n & 0x7f
        n >>= 7
    out.append(c)
    return bytes(out)


def zeros(size):
    block = bytes(CHUNK)
    while size > 0:
        n = min(CHUNK, size)
        size -= n
        yield block[:n]


def object_id(kind, data):
    return hashlib.sha1(b"%s %d\0" % (kind, len(data)) + data).digest()


def main():
    repo, size = sys.argv[1], int(sys.argv[2])
    if os.path.exists(os.path.join(repo, "ready")):
        return
    subprocess.run(["rm", "-rf", repo], check=True)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", repo], check=True)
    h = hashlib.sha1(b"blob %d\0" % size)
    for block in zeros(size):
        h.update(block)
    tree = b"100644 huge.bin\0" + h.digest()
    commit = (b"tree %s\nauthor githerd tests <t@githerd.invalid> 1700000000 +0000\n"
              b"committer githerd tests <t@githerd.invalid> 1700000000 +0000\n\n"
              b"a file of %d zero bytes\n" % (object_id(b"tree", tree).hex().encode(), size))
    pack = os.path.join(repo, "objects", "pack", "big.pack")
    digest = hashlib.sha1()
    with open(pack, "wb") as f:
        def put(b):
            f.write(b)
            digest.update(b)
        put(b"PACK" + struct.pack(">II", 2, 3))
        put(entry_header(3, size))
        z = zlib.compressobj(9)
        for block in zeros(size):
            put(z.compress(block))
        put(z.flush())
        put(entry_header(2, len(tree)) + zlib.compress(tree))
        put(entry_header(1, len(commit)) + zlib.compress(commit))
        f.write(digest.digest())
    subprocess.run(["git", "-C", repo, "index-pack", "objects/pack/big.pack"],
                   check=True, capture_output=True)
    subprocess.run(["git", "-C", repo, "update-ref", "refs/heads/main",
                    object_id(b"commit", commit).hex()], check=True)
    with open(os.path.join(repo, "ready"), "w") as f:
        f.write("%d\n" % size)


if __name__ == "__main__":
    main()
