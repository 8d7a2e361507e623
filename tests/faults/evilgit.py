#!/usr/bin/env python3
"""A hostile git:// server on 127.0.0.1.

    evilgit.py --repo DIR --mode MODE --ready FILE [--log FILE]

It advertises the refs of the bare repository DIR (as `git upload-pack`
does) and then misbehaves:

    sideband        answers the client's request with an endless stream
                    of progress messages ("Counting objects" chatter on
                    side band 2) and never a byte of pack data
    err:HEX         sends "ERR " and the bytes HEX decodes to, after the
                    advertisement (an error message from the server)

The log gets one line per connection.
"""
import argparse
import asyncio
import subprocess

import loopback

KEEP_CAPS = (b"side-band-64k", b"ofs-delta", b"agent=", b"symref=")


def pkt(data):
    return b"%04x" % (len(data) + 4) + data


def advertisement(repo):
    """upload-pack's advertisement, with capabilities a plain negotiation
    needs only (no multi_ack, no no-done): wants, flush, done, NAK."""
    raw = subprocess.run(["git", "upload-pack", "--advertise-refs", repo],
                         check=True, capture_output=True).stdout
    out, first, i = [], True, 0
    while i < len(raw):
        n = int(raw[i:i + 4], 16)
        if n == 0:
            out.append(b"0000")
            i += 4
            continue
        line = raw[i + 4:i + n]
        i += n
        if first and b"\0" in line:
            ref, caps = line.rstrip(b"\n").split(b"\0", 1)
            caps = b" ".join(c for c in caps.split(b" ")
                             if c.startswith(KEEP_CAPS))
            line = ref + b"\0" + caps + b"\n"
            first = False
        out.append(pkt(line))
    return b"".join(out)


class Server:
    def __init__(self, a):
        self.adv = advertisement(a.repo)
        self.mode = a.mode
        self.log = a.log

    def note(self, line):
        if self.log:
            with open(self.log, "a") as f:
                f.write(line + "\n")

    async def read_pkt(self, reader):
        n = int(await reader.readexactly(4), 16)
        return b"" if n == 0 else await reader.readexactly(n - 4)

    async def handle(self, reader, writer):
        try:
            request = await self.read_pkt(reader)
            what = request.split(b"\0")[0].decode("latin-1")
            self.note(f"request {what} mode {self.mode}")
            if self.mode.startswith("err:"):
                writer.write(pkt(b"ERR " + bytes.fromhex(self.mode[4:])))
                await writer.drain()
                return
            writer.write(self.adv)
            await writer.drain()
            while await self.read_pkt(reader) != b"done\n":
                pass
            writer.write(pkt(b"NAK\n"))
            n = 0
            while True:
                n += 1
                chatter = b"Counting objects: %d\r" % n
                writer.write(pkt(b"\x02" + chatter * 40))
                await writer.drain()
                if n % 50 == 0:
                    await asyncio.sleep(0.01)
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", required=True)
    ap.add_argument("--mode", required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--log")
    a = ap.parse_args()
    server = Server(a)
    await loopback.serve(server.handle, a.ready)


if __name__ == "__main__":
    loopback.run(main)
