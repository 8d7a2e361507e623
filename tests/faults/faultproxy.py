#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 that breaks connections on purpose.

    faultproxy.py --target PORT --mode MODE [--first K] --ready FILE [--log FILE]

Every connection is forwarded to 127.0.0.1:PORT.  MODE decides what goes
wrong on the way back (server to client):

    pass              nothing
    close:N           after N bytes, close both directions
    reset:N           after N bytes, reset the connection (RST)
    stall:N           after N bytes, stop forwarding and hold the connection
    corrupt:N         flip the bits of byte N
    truncate:N        after N bytes, end the stream cleanly (FIN to the client)
    delay:MS          wait MS milliseconds before connecting upstream
    slow:BPS          send at most BPS bytes a second

With --first K, only the first K connections get MODE; later ones pass.
With --stats FILE, the proxy keeps in FILE the most connections it ever
had open at once (what a per-host limit must bound, seen by the server).
With --tls CERT,KEY the proxy speaks TLS to its clients with that
certificate (and plain TCP to the target): an HTTPS front for a test.
The chosen port is written to the --ready file once listening; --log gets
one line per connection ("N MODE") so tests can count them.
"""
import argparse
import asyncio
import os
import socket
import ssl
import struct

import loopback


class Proxy:
    def __init__(self, target, mode, first, log, stats=None):
        self.stats = stats
        self.open = 0
        self.max_open = 0
        self.target = target
        self.kind, _, arg = mode.partition(":")
        self.arg = int(arg) if arg else 0
        self.first = first
        self.log = log
        self.count = 0

    def mode_for(self, n):
        if self.first and n > self.first:
            return "pass", 0
        return self.kind, self.arg

    async def handle(self, reader, writer):
        self.open += 1
        if self.open > self.max_open:
            self.max_open = self.open
            if self.stats:
                with open(self.stats + ".tmp", "w") as f:
                    f.write(f"{self.max_open}\n")
                os.rename(self.stats + ".tmp", self.stats)
        try:
            await self.forward(reader, writer)
        finally:
            self.open -= 1

    async def forward(self, reader, writer):
        self.count += 1
        n = self.count
        kind, arg = self.mode_for(n)
        if self.log:
            with open(self.log, "a") as f:
                f.write(f"{n} {kind}:{arg}\n")
        if kind == "delay":
            await asyncio.sleep(arg / 1000)
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            writer.close()
            return
        to_up = asyncio.ensure_future(self.pump(reader, up_writer, "pass", 0, writer))
        to_client = asyncio.ensure_future(self.pump(up_reader, writer, kind, arg, up_writer))
        await asyncio.wait([to_up, to_client], return_when=asyncio.FIRST_COMPLETED)
        if kind == "stall" and to_client.done():
            # Hold the connection open, silent, until the client gives up.
            await to_up
        for t in (to_up, to_client):
            t.cancel()
        for w in (writer, up_writer):
            try:
                w.close()
            except Exception:
                pass

    async def pump(self, reader, writer, kind, arg, other):
        sent = 0
        try:
            while True:
                data = await reader.read(16384)
                if not data:
                    if kind != "stall":
                        writer.write_eof() if writer.can_write_eof() else None
                    return
                if kind in ("close", "reset", "stall", "truncate") and sent + len(data) >= arg:
                    data = data[: max(0, arg - sent)]
                    if data:
                        writer.write(data)
                        await writer.drain()
                    sent = arg
                    if kind == "reset":
                        sock = writer.get_extra_info("socket")
                        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                        struct.pack("ii", 1, 0))
                        writer.transport.abort()
                    elif kind == "close":
                        writer.close()
                        other.close()
                    elif kind == "truncate":
                        writer.write_eof()
                        await asyncio.sleep(3600)
                    elif kind == "stall":
                        await asyncio.sleep(3600)
                    return
                if kind == "corrupt" and sent <= arg < sent + len(data):
                    b = bytearray(data)
                    b[arg - sent] ^= 0xFF
                    data = bytes(b)
                if kind == "slow" and arg > 0:
                    for i in range(0, len(data), max(1, arg // 10)):
                        chunk = data[i : i + max(1, arg // 10)]
                        writer.write(chunk)
                        await writer.drain()
                        await asyncio.sleep(len(chunk) / arg)
                else:
                    writer.write(data)
                    await writer.drain()
                sent += len(data)
        except (ConnectionError, OSError, asyncio.CancelledError):
            return


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", type=int, required=True)
    ap.add_argument("--mode", default="pass")
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--log")
    ap.add_argument("--tls")
    ap.add_argument("--stats")
    a = ap.parse_args()
    proxy = Proxy(a.target, a.mode, a.first, a.log, a.stats)
    ctx = None
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*a.tls.split(","))
    await loopback.serve(proxy.handle, a.ready, ssl=ctx)


if __name__ == "__main__":
    loopback.run(main)
