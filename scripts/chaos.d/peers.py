#!/usr/bin/env python3
"""Misbehaving servers for scripts/chaos, on 127.0.0.1, one behaviour per port:

Usage: peers.py BASE_PORT

  BASE+0  reset        reads up to 32 KiB, then resets the connection (RST) mid-transfer
  BASE+1  accept-close resets each connection as soon as it is accepted
  BASE+2  half-silent  reads the first chunk, answers "bye\\n", half-closes (FIN), then never reads
                       and never closes: a peer gone silent
  BASE+3  tarpit       never accepts, and its accept queue is kept full, so connects to it hang until
                       the connecting side gives up (a server that is up but overloaded or black-holed)

Prints "ready" once all four listen; runs until SIGTERM.
"""
import asyncio
import signal
import socket
import struct
import sys

LINGER_RESET = struct.pack("ii", 1, 0)
silent = []  # half-silent connections, kept open (and unread) for the life of the process


def abort(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RESET)
    except OSError:
        pass
    writer.transport.abort()


async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    got = 0
    try:
        while got < 32768:
            data = await reader.read(65536)
            if not data:
                break
            got += len(data)
    finally:
        abort(writer)


async def accept_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    abort(writer)


async def half_silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(65536)
    writer.write(b"bye\n")
    await writer.drain()
    writer.write_eof()
    writer.transport.pause_reading()
    silent.append(writer)


def tarpit(port: int) -> list:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(0)
    # Fill the accept queue (length backlog + 1) with connections nobody accepts; later SYNs are dropped.
    fillers = []
    for _ in range(4):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        fillers.append(s)
    return [listener, *fillers]


async def main() -> int:
    base = int(sys.argv[1])
    servers = [await asyncio.start_server(handler, "127.0.0.1", base + i, reuse_address=True)
               for i, handler in enumerate((reset, accept_close, half_silent))]
    keep = tarpit(base + 3)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    await stop.wait()
    for server in servers:
        server.close()
    for s in keep:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
