"""What the fault helpers share: listen on 127.0.0.1 on a free port, tell
the test which one through a file (written whole, by rename), serve until
killed."""
import asyncio
import os
import sys


async def serve(handler, ready, ssl=None, on_port=None):
    server = await asyncio.start_server(handler, "127.0.0.1", 0, ssl=ssl)
    port = server.sockets[0].getsockname()[1]
    if on_port is not None:
        on_port(port)
    with open(ready + ".tmp", "w") as f:
        f.write(f"{port}\n")
    os.rename(ready + ".tmp", ready)
    async with server:
        await server.serve_forever()


def run(main):
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
