#!/usr/bin/env python3
"""Servers and clients for the health and limit scenarios of scripts/chaos, on loopback.

Usage:
  limits.py server PORT            echo server that records, per connection, the first byte (the client's
                                   number) in arrival order, and the most connections it held at once;
                                   prints "ready", then on SIGTERM one JSON line {"order": [...], "most": N}
  limits.py silent PORT            accepts and never answers (nor closes); prints "ready"
  limits.py queue PORT N HOLD_S    N clients connect one after another (50 ms apart), each sends its number,
                                   waits for the echo, holds HOLD_S, closes; one JSON line: served (in the
                                   order echoes came), reset, timed_out
  limits.py hold SRC PORT N HOLD_S N clients from source address SRC connect, each sends a byte and holds
                                   HOLD_S; one JSON line: served (echo came), reset (refused or cut)
"""
import asyncio
import json
import signal
import sys
import time

OPEN_TIMEOUT = 20.0


async def server(port: int) -> None:
    order, state = [], {"now": 0, "most": 0}

    async def handle(reader, writer):
        state["now"] += 1
        state["most"] = max(state["most"], state["now"])
        try:
            first = await reader.read(1)
            if first:
                order.append(first[0])
                writer.write(first)
                while data := await reader.read(65536):
                    writer.write(data)
                    await writer.drain()
        except OSError:
            pass
        finally:
            state["now"] -= 1
            writer.close()

    srv = await asyncio.start_server(handle, "127.0.0.1", port, backlog=512)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("ready", flush=True)
    await stop.wait()
    srv.close()
    print(json.dumps({"order": order, "most": state["most"]}), flush=True)


async def silent(port: int) -> None:
    held = []

    async def handle(reader, writer):
        held.append(writer)

    await asyncio.start_server(handle, "127.0.0.1", port)
    print("ready", flush=True)
    await asyncio.Event().wait()


async def one(src: str, port: int, number: int, hold: float, served: list, counts: dict) -> None:
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port, local_addr=(src, 0)), OPEN_TIMEOUT)
        writer.write(bytes([number % 256]))
        echo = await asyncio.wait_for(reader.read(1), OPEN_TIMEOUT)
        if not echo:
            counts["reset"] += 1
            return
        served.append(number)
        await asyncio.sleep(hold)
        writer.close()
    except asyncio.TimeoutError:
        counts["timed_out"] += 1
    except OSError:
        counts["reset"] += 1


async def clients(src: str, port: int, n: int, hold: float, gap: float) -> None:
    served, counts, tasks = [], {"reset": 0, "timed_out": 0}, []
    started = time.monotonic()
    for i in range(n):
        tasks.append(asyncio.create_task(one(src, port, i, hold, served, counts)))
        await asyncio.sleep(gap)
    await asyncio.gather(*tasks)
    print(json.dumps({"served": served, **counts, "seconds": round(time.monotonic() - started, 2)}), flush=True)


def main() -> None:
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "server":
        asyncio.run(server(int(args[0])))
    elif mode == "silent":
        asyncio.run(silent(int(args[0])))
    elif mode == "queue":
        # 50 ms apart, so that their slots free 50 ms apart too: two turns given at the same moment would race
        # each other's connects, and the server's order would not show the queue's.
        asyncio.run(clients("127.0.0.1", int(args[0]), int(args[1]), float(args[2]), 0.05))
    elif mode == "hold":
        asyncio.run(clients(args[0], int(args[1]), int(args[2]), float(args[3]), 0.0))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
