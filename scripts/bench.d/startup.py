#!/usr/bin/env python3
"""Time a server's start: from exec to the first accepted connection and to
the first HTTP response relayed.

Usage: startup.py PORT LOG -- COMMAND...

Starts COMMAND (its output to LOG) in a session of its own, polls
127.0.0.1:PORT in a tight loop, then sends one GET and waits for the status
line. Prints "listen_ms=X first_response_ms=Y" and stops COMMAND (its whole
process group, by that group's id) before exiting, whatever happens.
"""
import os
import signal
import socket
import subprocess
import sys
import time

BUDGET_S = 10.0


def first_connect(port: int, t0: float) -> socket.socket:
    while time.perf_counter() - t0 < BUDGET_S:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.connect(("127.0.0.1", port))
            return s
        except OSError:
            s.close()
    raise TimeoutError("no listener")


def first_response(s: socket.socket, t0: float) -> bool:
    s.settimeout(max(0.1, BUDGET_S - (time.perf_counter() - t0)))
    s.sendall(b"GET /test_endpoint HTTP/1.1\r\nHost: bench\r\n\r\n")
    return s.recv(64).startswith(b"HTTP/1.1 200")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    pgid = proc.pid  # start_new_session: the group id is the child's pid
    os.killpg(pgid, signal.SIGTERM)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        os.killpg(pgid, signal.SIGKILL)
        proc.wait(5)


def main() -> int:
    port, log = int(sys.argv[1]), sys.argv[2]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with open(log, "ab") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=out, start_new_session=True)
        try:
            s = first_connect(port, t0)
            listen_ms = (time.perf_counter() - t0) * 1000
            ok = first_response(s, t0)
            response_ms = (time.perf_counter() - t0) * 1000
            s.close()
            if not ok:
                print("error=bad_response")
                return 1
            print(f"listen_ms={listen_ms:.2f} first_response_ms={response_ms:.2f}")
            return 0
        except (OSError, TimeoutError) as e:
            print(f"error={type(e).__name__}")
            return 1
        finally:
            stop(proc)


if __name__ == "__main__":
    sys.exit(main())
