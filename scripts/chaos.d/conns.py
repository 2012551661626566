#!/usr/bin/env python3
"""Open many TCP connections to 127.0.0.1:PORT at once and check that each one echoes.

Usage: conns.py PORT N [--deadline S] [--no-ping] [--release]

Every connection is opened non-blocking, as fast as the kernel takes them; once connected it sends a
16-byte token and waits for the same 16 bytes back (the balancer in front of an echo server). A
connection is "admitted" once its token came back intact. Then it is held, until:

  SIGUSR1  release: close the admitted connections, and from now on close each newly admitted one as
           soon as its echo is checked (the balancer's slots turn over; queued clients get their turn);
           the process ends once no connection is left waiting
  SIGTERM  close everything and end
  --deadline S (default 120) passes
--release starts in release mode: each connection is closed once checked, and the process ends when
none is left.

Once a second, and at the end, one JSON line on stdout:
  {"opened", "connecting", "waiting" (connected, no echo yet), "admitted" (so far), "held" (open now),
   "refused", "failed" (other connect errors, by name in "errors"), "cut" (closed or reset by the peer
   before the echo), "corrupt" (wrong bytes back), "echo_ms_max", "done"}
"""
import errno
import json
import os
import selectors
import signal
import socket
import struct
import sys
import time

TOKEN = 16  # bytes of each connection's token


def main() -> int:
    args = sys.argv[1:]
    port, count = int(args[0]), int(args[1])
    deadline_s = float(args[args.index("--deadline") + 1]) if "--deadline" in args else 120.0
    ping = "--no-ping" not in args

    sel = selectors.DefaultSelector()
    state = {"release": "--release" in args, "stop": False}
    signal.signal(signal.SIGUSR1, lambda *_: state.__setitem__("release", True))
    signal.signal(signal.SIGTERM, lambda *_: state.__setitem__("stop", True))

    c = dict(opened=0, connecting=0, waiting=0, admitted=0, held=0, refused=0, failed=0, cut=0,
             corrupt=0, echo_ms_max=0.0, done=False)
    errors: dict[str, int] = {}
    conns: dict[int, list] = {}  # fd -> [socket, token, received, phase, connected_at]
    held: list[socket.socket] = []
    start = time.monotonic()
    deadline = start + deadline_s
    tag = os.getpid() % 100000

    def report():
        out = dict(c)
        out["errors"] = errors
        print(json.dumps(out), flush=True)

    def count_error(err):
        """A refused connect is counted apart; any other error by its errno name."""
        if err == errno.ECONNREFUSED:
            c["refused"] += 1
        else:
            c["failed"] += 1
            name = errno.errorcode.get(err, str(err))
            errors[name] = errors.get(name, 0) + 1

    def drop(fd):
        s = conns.pop(fd)[0]
        try:
            sel.unregister(s)
        except (KeyError, ValueError):
            pass
        s.close()

    def admitted(fd):
        entry = conns[fd]
        c["waiting"] -= 1
        c["admitted"] += 1
        c["echo_ms_max"] = max(c["echo_ms_max"], round((time.monotonic() - entry[4]) * 1000, 1))
        if state["release"]:
            drop(fd)
        else:
            sel.unregister(entry[0])
            held.append(conns.pop(fd)[0])
            c["held"] += 1

    # Open them all first: the point is a burst.
    for i in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        # Close with a reset, not FIN: a flood of TIME_WAIT client sockets would only slow the next scenario.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        err = s.connect_ex(("127.0.0.1", port))
        if err not in (0, errno.EINPROGRESS):
            s.close()
            count_error(err)
            continue
        token = b"%05d-%09d\n" % (tag, i)
        conns[s.fileno()] = [s, token, b"", "connecting", time.monotonic()]
        sel.register(s, selectors.EVENT_WRITE)
        c["opened"] += 1
        c["connecting"] += 1

    last_report = 0.0
    while not state["stop"]:
        now = time.monotonic()
        if now >= deadline:
            break
        if state["release"] and held:
            for s in held:
                s.close()
            held.clear()
            c["held"] = 0
        if state["release"] and not conns:
            break
        if now - last_report >= 1.0:
            report()
            last_report = now
        for key, events in sel.select(timeout=0.2):
            fd = key.fd
            entry = conns.get(fd)
            if entry is None:
                continue
            s = entry[0]
            if entry[3] == "connecting":
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                c["connecting"] -= 1
                if err:
                    count_error(err)
                    drop(fd)
                    continue
                c["waiting"] += 1
                entry[4] = time.monotonic()
                if not ping:
                    entry[3] = "echoed"
                    admitted(fd)
                    continue
                s.send(entry[1])  # 16 bytes always fit a fresh socket's buffer
                entry[3] = "waiting"
                sel.modify(s, selectors.EVENT_READ)
                continue
            try:
                data = s.recv(64)
            except OSError:
                data = b""
            if not data:
                c["waiting"] -= 1
                c["cut"] += 1
                drop(fd)
                continue
            entry[2] += data
            if not entry[1].startswith(entry[2][:TOKEN]) or len(entry[2]) > TOKEN:
                c["waiting"] -= 1
                c["corrupt"] += 1
                drop(fd)
            elif len(entry[2]) == TOKEN:
                admitted(fd)
    c["done"] = True
    report()
    for s in held:
        s.close()
    for fd in list(conns):
        drop(fd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
