#!/usr/bin/env python3
"""Figures for scripts/check-sni, as one JSON object on stdout.

  measure.py CAFILE NAME ROUTED_PORT PLAIN_PORT DIRECT_PORT SINK_PORT HANDSHAKES SLOW_CLIENTS SNI_TIMEOUT_S

1. Handshake latency: HANDSHAKES full TLS handshakes (Python's ssl, certificate verified for NAME) through
   the tcplb that routes by SNI, through the one that does not, and straight to the server, interleaved so
   that machine noise falls on all three alike. Microseconds, from connect() to the handshake's end.
2. Slowloris: SLOW_CLIENTS clients send a real ClientHello one byte per 100 ms to the routing tcplb for
   SNI_TIMEOUT_S + 1 s. tcplb waits SNI_TIMEOUT_S for a whole hello, then routes them to the default route:
   the sink on SINK_PORT, which notes when each arrives and what it delivers. Meanwhile handshakes go on
   through the routing tcplb and are timed again.
"""
import json
import multiprocessing
import random
import socket
import ssl
import statistics
import sys
import threading
import time


def handshake_us(context, port, name):
    start = time.perf_counter_ns()
    with socket.create_connection(("127.0.0.1", port)) as raw:
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with context.wrap_socket(raw, server_hostname=name):
            return (time.perf_counter_ns() - start) / 1000


def client_hello(name):
    """The bytes Python's OpenSSL sends first for NAME: a real ClientHello."""
    context = ssl.create_default_context()
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname=name)
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def summary(samples):
    ordered = sorted(samples)
    return {"n": len(samples), "median_us": round(statistics.median(samples), 1),
            "p90_us": round(ordered[int(0.9 * (len(ordered) - 1))], 1)}


def slowloris(results, ready, routed, sink_port, hello, count, seconds):
    """In a process of its own (no GIL shared with the timed handshakes): the default route's server, which
    notes when each connection arrives and how many bytes it delivers, and the clients that trickle."""
    arrivals, delivered = [], []
    listener = socket.create_server(("127.0.0.1", sink_port), backlog=512)

    def drain(connection):
        total = 0
        with connection:
            while chunk := connection.recv(4096):
                total += len(chunk)
        delivered.append(total)

    def accept():
        while True:
            connection, _ = listener.accept()
            arrivals.append(time.monotonic())
            threading.Thread(target=drain, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    clients = [socket.create_connection(("127.0.0.1", routed)) for _ in range(count)]
    opened = time.monotonic()
    ready.set()
    sent = 0
    while time.monotonic() < opened + seconds and sent < len(hello):
        for client in clients:
            client.send(hello[sent:sent + 1])
        sent += 1
        time.sleep(0.1)
    for client in clients:
        client.close()
    time.sleep(0.5)
    results.put({"arrivals": sorted(a - opened for a in arrivals), "delivered": delivered, "sent": sent})


def main():
    cafile, name = sys.argv[1], sys.argv[2]
    count, slow_port, sink_port, slow_clients = (int(a) for a in sys.argv[3:7])
    sni_timeout = float(sys.argv[7])
    targets = {label: int(port) for label, port in (a.split("=") for a in sys.argv[8:])}
    context = ssl.create_default_context(cafile=cafile)
    for port in targets.values():
        for _ in range(20):  # warm-up: page faults, cold caches, the server's first keys
            handshake_us(context, port, name)
    times = {label: [] for label in targets}
    order = list(targets)
    shuffle = random.Random(1).shuffle
    for _ in range(count):
        shuffle(order)  # no target always follows the same one (whose teardown may still be running)
        for label in order:
            times[label].append(handshake_us(context, targets[label], name))
    result = {"handshakes": {label: summary(values) for label, values in times.items()}, "added_by_sni_us": {}}
    for label in targets:
        if label.endswith("-sni") and (plain := label[:-4] + "-plain") in times:
            result["added_by_sni_us"][label[:-4]] = round(statistics.median(r - p for r, p in zip(times[label], times[plain])), 1)

    results, ready = multiprocessing.Queue(), multiprocessing.Event()
    seconds = sni_timeout + 1.0
    slow = multiprocessing.Process(target=slowloris,
                                   args=(results, ready, slow_port, sink_port, client_hello(name), slow_clients, seconds))
    slow.start()
    ready.wait()
    during = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        during.append(handshake_us(context, slow_port, name))
    loris = results.get()
    slow.join()
    held = loris["arrivals"]
    result["slowloris"] = {
        "clients": slow_clients, "hello_bytes": len(client_hello(name)), "bytes_sent_each": loris["sent"],
        "routed_to_default": len(held), "default_got_every_byte": loris["delivered"].count(loris["sent"]),
        "routed_after_s_min": round(held[0], 3) if held else None, "routed_after_s_max": round(held[-1], 3) if held else None,
        "handshakes_meanwhile": summary(during), "slowest_meanwhile_us": round(max(during), 1),
    }
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
