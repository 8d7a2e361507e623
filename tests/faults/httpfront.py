#!/usr/bin/env python3
"""An HTTP front on 127.0.0.1 that answers with errors before passing on.

    httpfront.py --target PORT --script CODES [--always] [--retry-after S]
                 --ready FILE [--log FILE]

CODES is a comma-separated list such as "500,503": the first connection is
answered 500, the second 503, every later one is passed through to the
HTTP server at 127.0.0.1:PORT (git http-backend behind lighttpd).  With
--always the last code is answered forever.  429 and 503 answers carry
"Retry-After: S" when --retry-after is given; 401 asks for Basic
credentials; "302:PORT" redirects to the same path on another port of
127.0.0.1, "302:HOST:PORT" to another host, "302:self" to this front.

The log gets one line per connection: the request line, what was done,
and whether an Authorization header came with it; with --log-auth, the
header's value too (for tests that must see which credential came).
"""
import argparse
import asyncio

import loopback

REASONS = {
    302: "Found", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    429: "Too Many Requests", 500: "Internal Server Error",
    503: "Service Unavailable",
}


class Front:
    def __init__(self, a):
        self.target = a.target
        self.script = [c for c in a.script.split(",") if c]
        self.always = a.always
        self.retry_after = a.retry_after
        self.log = a.log
        self.log_auth = a.log_auth
        self.port = None
        self.count = 0

    def set_port(self, port):
        self.port = port

    def note(self, line):
        if self.log:
            with open(self.log, "a") as f:
                f.write(line + "\n")

    def pick(self):
        if self.count <= len(self.script):
            return self.script[self.count - 1]
        if self.always and self.script:
            return self.script[-1]
        return None

    def answer(self, code, path):
        status = int(code.split(":")[0])
        head = [f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}",
                "Content-Type: text/plain", "Connection: close"]
        if status == 401:
            head.append('WWW-Authenticate: Basic realm="githerd-tests"')
        if status in (429, 503) and self.retry_after is not None:
            head.append(f"Retry-After: {self.retry_after}")
        if status == 302:
            to = code.split(":")[1:]
            if to == ["self"]:
                to = [str(self.port)]
            if len(to) == 1:
                to = ["127.0.0.1"] + to
            head.append(f"Location: http://{to[0]}:{to[1]}{path}")
        body = f"{status} from the test front\n".encode()
        head.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(head) + "\r\n\r\n").encode() + body

    async def handle(self, reader, writer):
        self.count += 1
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                ConnectionError):
            writer.close()
            return
        lines = head.decode("latin-1").split("\r\n")
        request = lines[0]
        auth = [l.split(":", 1)[1].strip() for l in lines[1:]
                if l.lower().startswith("authorization:")]
        path = request.split(" ")[1] if " " in request else "/"
        code = self.pick()
        shown = "yes" if auth else "no"
        if auth and self.log_auth:
            shown += " " + auth[0]
        self.note(f"{request} -> {code or 'pass'} auth={shown}")
        if code is not None:
            writer.write(self.answer(code, path))
            await writer.drain()
            writer.close()
            return
        try:
            up_r, up_w = await asyncio.open_connection("127.0.0.1", self.target)
        except OSError:
            writer.close()
            return
        up_w.write(head)
        await asyncio.gather(self.pipe(reader, up_w), self.pipe(up_r, writer),
                             return_exceptions=True)
        for w in (writer, up_w):
            try:
                w.close()
            except Exception:
                pass

    async def pipe(self, reader, writer):
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            return


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", type=int, required=True)
    ap.add_argument("--script", default="")
    ap.add_argument("--always", action="store_true")
    ap.add_argument("--retry-after")
    ap.add_argument("--ready", required=True)
    ap.add_argument("--log")
    ap.add_argument("--log-auth", action="store_true")
    a = ap.parse_args()
    front = Front(a)
    await loopback.serve(front.handle, a.ready, on_port=front.set_port)


if __name__ == "__main__":
    loopback.run(main)
