#!/usr/bin/env python3
"""Clients for the all-servers-down scenario of scripts/chaos (HTTP through tcplb on 127.0.0.1:PORT).

Usage:
  outage.py held PORT N      open N keep-alive connections, one GET each to check them, print "ready",
                             then wait (up to 20 s) until tcplb closes every one; print one JSON line:
                             {"held", "closed", "last_close_wall"} (time.time() of the last close)
  outage.py fresh PORT N     N new connections one after another, each sending one GET; print one JSON
                             line: {"tries", "served" (got an answer), "closed" (reset or closed without
                             one), "hung" (still open after 5 s), "close_ms_max", "close_ms_p50"}
"""
import json
import socket
import sys
import time

REQUEST = b"GET /test_endpoint HTTP/1.1\r\nHost: chaos\r\n\r\n"


def read_response(s: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    while len(body) < length:
        chunk = s.recv(4096)
        if not chunk:
            break
        body += chunk
    return head


def held(port: int, n: int) -> int:
    conns = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(REQUEST)
        if not read_response(s).startswith(b"HTTP/1.1 200"):
            print("held: a check request failed", file=sys.stderr)
            return 1
        conns.append(s)
    print("ready", flush=True)
    closed, last = 0, 0.0
    deadline = time.monotonic() + 20
    for s in conns:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            if s.recv(1) == b"":
                closed += 1
                last = time.time()
        except ConnectionResetError:
            closed += 1
            last = time.time()
        except OSError:
            pass
        s.close()
    print(json.dumps({"held": n, "closed": closed, "last_close_wall": last}), flush=True)
    return 0


def fresh(port: int, n: int) -> int:
    served = closed = hung = 0
    times = []
    for _ in range(n):
        start = time.monotonic()
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            closed += 1  # refused: would mean tcplb is not listening
            continue
        s.settimeout(5)
        try:
            s.sendall(REQUEST)
            if s.recv(4096):
                served += 1
            else:
                closed += 1
        except (ConnectionResetError, BrokenPipeError):
            closed += 1
        except socket.timeout:
            hung += 1
        times.append((time.monotonic() - start) * 1000)
        s.close()
    times.sort()
    print(json.dumps({"tries": n, "served": served, "closed": closed, "hung": hung,
                      "close_ms_max": round(times[-1], 1) if times else 0,
                      "close_ms_p50": round(times[len(times) // 2], 1) if times else 0}), flush=True)
    return 0


if __name__ == "__main__":
    mode, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    sys.exit({"held": held, "fresh": fresh}[mode](port, count))
