#!/usr/bin/env python3
"""Sort hey's summary into the figures scripts/chaos needs.

Usage: hey_summary.py HEY_OUTPUT

Prints one line: ok=N non200=N refused=N midflight=N timeout=N other=N
  ok        responses with status 200
  non200    responses with another status
  refused   "connection refused" (or another dial error): a new connection to tcplb itself failed
  midflight EOF, reset, broken pipe: a connection that tcplb had accepted was cut
  timeout   no answer within hey's -t
  other     anything else (each such line is echoed to stderr)
"""
import re
import sys


def main() -> int:
    counts = dict(ok=0, non200=0, refused=0, midflight=0, timeout=0, other=0)
    section = None
    for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
        if line.startswith("Status code distribution"):
            section = "status"
            continue
        if line.startswith("Error distribution"):
            section = "errors"
            continue
        m = re.match(r"\s+\[(\d+)\]\s+(.*)", line)
        if not m:
            if line.strip() and not line.startswith(" "):
                section = None
            continue
        n, text = int(m.group(1)), m.group(2)
        if section == "status":
            status = int(m.group(1))
            responses = int(text.split()[0])
            counts["ok" if status == 200 else "non200"] += responses
        elif section == "errors":
            low = text.lower()
            if "connection refused" in low or "dial tcp" in low:
                counts["refused"] += n
            elif "timeout" in low or "deadline exceeded" in low:
                counts["timeout"] += n
            elif "eof" in low or "reset by peer" in low or "broken pipe" in low:
                counts["midflight"] += n
            else:
                counts["other"] += n
                print(f"hey error: [{n}] {text}", file=sys.stderr)
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
