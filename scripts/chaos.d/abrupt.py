#!/usr/bin/env python3
"""Abrupt and half-open clients for scripts/chaos, through tcplb on 127.0.0.1:PORT.

Usage: abrupt.py CASE PORT N [HOLD_S]

Runs N connections of one CASE, 50 at a time (all at once for the cases that hold), and prints one
JSON line:
{"case", "n", "ok" (behaved as the case expects), "bad", "ms_max" (the slowest connection)}.

Cases (the server behind tcplb is named in brackets):
  client-reset        [echo] send 256 KiB, read some of the echo, then reset (RST) mid-transfer
  client-close        [echo] send 256 KiB, close without reading the echo (the kernel resets)
  client-gone-early   [tarpit] connect, close (FIN) 50 ms later, while tcplb is still connecting
  client-reset-early  [tarpit] connect, reset 50 ms later, while tcplb is still connecting
  client-half-silent  [echo] send 4 MiB, half-close, then never read and never close for HOLD_S
                      seconds: only tcplb's idle timeout can end it
  server-reset        [reset] send 256 KiB; the server resets: the client must see the reset or EOF
  server-close        [accept-close] send a line; the server resets at once: the client must see it end
  server-half-silent  [half-silent] send a line, read "bye" and EOF; then hold the connection open
                      without a byte for HOLD_S seconds: only tcplb's idle timeout can end it
"""
import json
import socket
import struct
import sys
import time
from concurrent.futures import ThreadPoolExecutor

LINGER_RESET = struct.pack("ii", 1, 0)
CHUNK = bytes(range(256)) * 256  # 64 KiB


def read_until_end(s: socket.socket, limit_s: float) -> bool:
    """True when the peer closes (EOF or reset) within limit_s."""
    s.settimeout(limit_s)
    try:
        while s.recv(65536):
            pass
        return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def one(case: str, port: int, hold: float) -> bool:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
    except ConnectionResetError:
        # On loopback the server's reset can overtake the end of the client's own connect call.
        return case in ("server-close", "server-reset")
    except OSError as e:
        print(f"{case}: connect: {e!r}", file=sys.stderr)
        return False
    try:
        if case in ("client-reset", "client-close"):
            for _ in range(4):
                s.sendall(CHUNK)
            if case == "client-reset":
                s.recv(16384)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RESET)
            return True
        if case in ("client-gone-early", "client-reset-early"):
            time.sleep(0.05)
            if case == "client-reset-early":
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RESET)
            return True
        if case == "client-half-silent":
            s.settimeout(0.5)
            try:
                for _ in range(64):
                    s.sendall(CHUNK)  # stops once every buffer on the way is full
            except (socket.timeout, OSError):
                pass
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            time.sleep(hold)
            return True
        if case == "server-reset":
            try:
                for _ in range(4):
                    s.sendall(CHUNK)
            except (ConnectionResetError, BrokenPipeError):
                return True
            return read_until_end(s, 2)
        if case == "server-close":
            try:
                s.sendall(b"hello\n")
            except (ConnectionResetError, BrokenPipeError):
                return True
            return read_until_end(s, 2)
        if case == "server-half-silent":
            s.sendall(b"hello\n")
            s.settimeout(2)
            got = b""
            while True:
                chunk = s.recv(64)
                if not chunk:
                    break
                got += chunk
            time.sleep(hold)
            return got == b"bye\n"
        raise SystemExit(f"unknown case {case}")
    except OSError as e:
        print(f"{case}: {e!r}", file=sys.stderr)
        return False
    finally:
        s.close()


def main() -> int:
    case, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    hold = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    times = []

    def timed(_):
        t0 = time.monotonic()
        ok = one(case, port, hold)
        times.append((time.monotonic() - t0) * 1000)
        return ok

    with ThreadPoolExecutor(n if hold > 0 else 50) as pool:
        results = list(pool.map(timed, range(n)))
    print(json.dumps({"case": case, "n": n, "ok": sum(results), "bad": n - sum(results),
                      "ms_max": round(max(times), 1)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
