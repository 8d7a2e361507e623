#!/usr/bin/env python3
"""A forward HTTP proxy for the tests, on 127.0.0.1 only.

CONNECT host:port opens a tunnel (https).  A request in absolute form
("GET http://host:port/path HTTP/1.1", plain http) is forwarded to
host:port with its request line in origin form, and the connection is then
piped both ways, so keep-alive and chunked bodies pass untouched (the
origin accepts later absolute-form requests, as HTTP/1.1 requires).
Only 127.0.0.1 is ever connected to.  Each request head line seen first on
a connection is appended to --log, flushed at once.

    httpproxy.py --ready FILE --log FILE
"""
import argparse
import asyncio
import sys
from urllib.parse import urlsplit


async def pipe(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


def log(path, line):
    with open(path, "a") as f:
        f.write(line + "\n")


async def handle(reader, writer, logfile):
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        writer.close()
        return
    first, _, rest = head.partition(b"\r\n")
    parts = first.decode("latin-1").split(" ")
    if len(parts) != 3:
        writer.close()
        return
    method, target, version = parts
    log(logfile, first.decode("latin-1"))
    if method == "CONNECT":
        host, _, port = target.rpartition(":")
        line = None
    else:
        u = urlsplit(target)
        host, port = u.hostname, u.port or 80
        path = u.path or "/"
        if u.query:
            path += "?" + u.query
        line = ("%s %s %s" % (method, path, version)).encode("latin-1")
    if host != "127.0.0.1":
        writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        writer.close()
        return
    try:
        ur, uw = await asyncio.open_connection("127.0.0.1", int(port))
    except OSError:
        writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
        writer.close()
        return
    if line is None:
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
    else:
        uw.write(line + b"\r\n" + rest)
    await asyncio.gather(pipe(reader, uw), pipe(ur, writer))


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ready", required=True)
    ap.add_argument("--log", required=True)
    a = ap.parse_args()
    open(a.log, "w").close()
    srv = await asyncio.start_server(lambda r, w: handle(r, w, a.log),
                                     "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    with open(a.ready + ".tmp", "w") as f:
        f.write("%d\n" % port)
    import os
    os.rename(a.ready + ".tmp", a.ready)
    async with srv:
        await srv.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
