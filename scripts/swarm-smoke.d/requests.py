#!/usr/bin/env python3
"""A bounded load loop: HTTP GETs to 127.0.0.1:PORT, one new connection per request.

Usage: requests.py PORT [--workers N] [--rate R] [--seconds S] [--max N]

N workers (default 4) each send at most R requests a second (default 25), until SIGINT or SIGTERM,
S seconds (default 120) or N requests in all (default 20000), whichever comes first. A new connection
per request, so that every request is balanced afresh and a refused or cut connection shows.

At the end, one line on stdout:
  ok=N failed=N refused=N cut=N timeout=N other=N first_failure=S last_failure=S seconds=S
  refused  the connection to PORT was refused
  cut      accepted, then reset or closed before a complete 200 answer
  timeout  no answer within 5 s
  first_failure, last_failure: seconds since the start (-1 without failures)
"""
import signal
import socket
import sys
import threading
import time

REQUEST = b"GET /swarm-smoke HTTP/1.1\r\nHost: tcplb\r\nConnection: close\r\n\r\n"


def option(args, name, default):
    return float(args[args.index(name) + 1]) if name in args else default


def one_request(port):
    """Returns None on a 200 answer, else the kind of failure."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(REQUEST)
            answer = b""
            while chunk := s.recv(4096):
                answer += chunk
    except ConnectionRefusedError:
        return "refused"
    except socket.timeout:
        return "timeout"
    except (ConnectionResetError, BrokenPipeError):
        return "cut"
    except OSError:
        return "other"
    if not answer:
        return "cut"
    return None if answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"\n") else "other"


def main() -> int:
    args = sys.argv[1:]
    port = int(args[0])
    workers = int(option(args, "--workers", 4))
    interval = 1 / option(args, "--rate", 25)
    deadline = time.monotonic() + option(args, "--seconds", 120)
    budget = [int(option(args, "--max", 20000))]
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())

    lock = threading.Lock()
    counts = dict(ok=0, refused=0, cut=0, timeout=0, other=0)
    failures = []
    start = time.monotonic()

    def work():
        next_at = time.monotonic()
        while not stop.is_set() and time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            failure = one_request(port)
            with lock:
                counts[failure or "ok"] += 1
                if failure:
                    failures.append(time.monotonic() - start)
            next_at = max(next_at + interval, time.monotonic() - interval)
            stop.wait(max(0.0, next_at - time.monotonic()))

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        stop.wait(0.1)
    for t in threads:
        t.join()

    failed = len(failures)
    first, last = (min(failures), max(failures)) if failures else (-1, -1)
    print(f"ok={counts['ok']} failed={failed} refused={counts['refused']} cut={counts['cut']} "
          f"timeout={counts['timeout']} other={counts['other']} "
          f"first_failure={first:.1f} last_failure={last:.1f} seconds={time.monotonic() - start:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
