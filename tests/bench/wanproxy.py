#!/usr/bin/env python3
"""A TCP proxy on 127.0.0.1 that makes loopback look like a wide-area link.

    wanproxy.py --target PORT --ready FILE [--delay-ms 50] [--mbit 20]

Every byte is delivered --delay-ms after it arrived, in each direction,
and each connection carries at most --mbit megabits a second in each
direction: the round trips and the bandwidth of a remote server, for
benchmarks on one machine.  Delivery is pipelined: a delay adds latency,
not a pause per chunk.
"""
import argparse
import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "faults"))
import loopback  # noqa: E402


class Link:
    def __init__(self, delay, bytes_per_s):
        self.delay = delay
        self.rate = bytes_per_s

    async def pump(self, reader, writer):
        queue = asyncio.Queue()

        async def receive():
            while True:
                data = await reader.read(65536)
                await queue.put((time.monotonic(), data))
                if not data:
                    return

        async def deliver():
            free = 0.0
            while True:
                arrived, data = await queue.get()
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                start = max(arrived + self.delay, free, time.monotonic())
                free = start + len(data) / self.rate
                # The chunk leaves when the link is free and is on the
                # wire until `free`: pace it there.
                wait = free - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()

        try:
            await asyncio.gather(receive(), deliver())
        except (ConnectionError, OSError):
            pass

    async def handle(self, reader, writer, target):
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target)
        except OSError:
            writer.close()
            return
        await asyncio.gather(self.pump(reader, up_writer), self.pump(up_reader, writer),
                             return_exceptions=True)
        for w in (writer, up_writer):
            try:
                w.close()
            except Exception:
                pass


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", type=int, required=True)
    ap.add_argument("--ready", required=True)
    ap.add_argument("--delay-ms", type=float, default=50)
    ap.add_argument("--mbit", type=float, default=20)
    a = ap.parse_args()
    link = Link(a.delay_ms / 1000, a.mbit * 1e6 / 8)
    await loopback.serve(lambda r, w: link.handle(r, w, a.target), a.ready)


if __name__ == "__main__":
    loopback.run(main)
