#!/usr/bin/env python3
"""Open N idle TCP connections to 127.0.0.1:PORT and hold them.

Usage: idle_conns.py PORT N HOLD_SECONDS

Prints "connected K" once K connections are open (K < N when the time
budget ran out), then holds them until HOLD_SECONDS have passed or SIGTERM
arrives, and exits. Nothing is sent: the connections are idle.
"""
import signal
import socket
import sys
import time


def main() -> int:
    port, count, hold = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    deadline = time.monotonic() + 30
    conns = []
    failures = 0
    while len(conns) < count and time.monotonic() < deadline:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect(("127.0.0.1", port))
            conns.append(s)
        except OSError as e:
            s.close()
            failures += 1
            if failures == 1:
                print(f"connect failed after {len(conns)}: {e}", file=sys.stderr, flush=True)
            time.sleep(0.01)
    print(f"connected {len(conns)}", flush=True)
    time.sleep(hold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
