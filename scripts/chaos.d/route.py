#!/usr/bin/env python3
"""Which kind of server answers a client of 127.0.0.1:PORT connecting from address SRC (tcplb with
--balance source-hash sends each client address to one server).

Usage: route.py PORT SRC...

For each SRC prints "SRC http" (an HTTP server answered), "SRC raw" (an echo server sent the request
back) or "SRC none".
"""
import socket
import sys

REQUEST = b"GET / HTTP/1.1\r\nHost: chaos\r\n\r\n"


def kind(port: int, source: str) -> str:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2, source_address=(source, 0)) as s:
            s.sendall(REQUEST)
            data = s.recv(4096)
    except OSError:
        return "none"
    if data.startswith(b"HTTP/1.1"):
        return "http"
    if data.startswith(b"GET "):
        return "raw"
    return "none"


if __name__ == "__main__":
    port = int(sys.argv[1])
    for src in sys.argv[2:]:
        print(src, kind(port, src), flush=True)
