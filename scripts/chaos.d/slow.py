#!/usr/bin/env python3
"""Slow and idle clients (slowloris-style) against 127.0.0.1:PORT, a raw echo server behind tcplb, while a
normal client keeps being served.

Usage: slow.py PORT SILENT TRICKLE SECONDS

Opens SILENT connections that never send a byte and TRICKLE connections that send one byte a second
(and read its echo). For SECONDS, a normal client opens a fresh connection every 100 ms, sends 1 KiB and
checks the echo. Prints "ready" once all slow connections are open, then at the end one JSON line:
  {"silent", "silent_closed", "silent_close_s_min", "silent_close_s_max" (seconds from open to tcplb's
   close), "trickle", "trickle_closed", "normal", "normal_failed", "normal_ms_p50", "normal_ms_max"}
"""
import json
import selectors
import socket
import sys
import time


def main() -> int:
    port, silent_n, trickle_n, seconds = (int(a) for a in sys.argv[1:5])
    sel = selectors.DefaultSelector()
    opened_at = {}
    silent, trickle = [], []
    for i in range(silent_n + trickle_n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.setblocking(False)
        opened_at[s.fileno()] = time.monotonic()
        (silent if i < silent_n else trickle).append(s)
        sel.register(s, selectors.EVENT_READ, "silent" if i < silent_n else "trickle")
    print("ready", flush=True)

    closed_after = {}  # fd -> seconds from open to close
    start = time.monotonic()
    end = start + seconds
    next_trickle = start
    next_normal = start
    normal_ms, normal_failed = [], 0
    payload = bytes(range(256)) * 4
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if now >= next_trickle:
            for s in trickle:
                if s.fileno() not in closed_after:
                    try:
                        s.send(b".")
                    except OSError:
                        pass
            next_trickle += 1.0
        if now >= next_normal:
            next_normal += 0.1
            t0 = time.monotonic()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2) as c:
                    c.sendall(payload)
                    got = b""
                    while len(got) < len(payload):
                        chunk = c.recv(65536)
                        if not chunk:
                            break
                        got += chunk
                if got == payload:
                    normal_ms.append((time.monotonic() - t0) * 1000)
                else:
                    normal_failed += 1
            except OSError:
                normal_failed += 1
        for key, _ in sel.select(timeout=0.02):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                closed_after[s.fileno()] = time.monotonic() - opened_at[s.fileno()]
                sel.unregister(s)
    silent_closed = [closed_after[s.fileno()] for s in silent if s.fileno() in closed_after]
    trickle_closed = sum(1 for s in trickle if s.fileno() in closed_after)
    normal_ms.sort()
    print(json.dumps({
        "silent": silent_n, "silent_closed": len(silent_closed),
        "silent_close_s_min": round(min(silent_closed), 2) if silent_closed else None,
        "silent_close_s_max": round(max(silent_closed), 2) if silent_closed else None,
        "trickle": trickle_n, "trickle_closed": trickle_closed,
        "normal": len(normal_ms) + normal_failed, "normal_failed": normal_failed,
        "normal_ms_p50": round(normal_ms[len(normal_ms) // 2], 2) if normal_ms else None,
        "normal_ms_max": round(normal_ms[-1], 2) if normal_ms else None,
    }), flush=True)
    for s in silent + trickle:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
