#!/usr/bin/env python3
"""A role endpoint beside one PostgreSQL, as Patroni's REST API is: GET /primary answers 200 when the server
is not in recovery (it is the primary) and 503 otherwise (a replica, or no answer). Test scaffolding for
scripts/check-postgres-failover, not part of tcplb.

usage: role_endpoint.py LISTEN_PORT PG_PORT PG_USER
"""
import http.server
import subprocess
import sys

LISTEN_PORT, PG_PORT, PG_USER = int(sys.argv[1]), sys.argv[2], sys.argv[3]


def is_primary():
    try:
        out = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", PG_PORT, "-U", PG_USER, "-d", "postgres", "-tAc", "select pg_is_in_recovery()"],
            capture_output=True, text=True, timeout=2, check=False,
        )
    except subprocess.TimeoutExpired:
        return False
    return out.returncode == 0 and out.stdout.strip() == "f"


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path != "/primary":
            self.send_error(404)
            return
        primary = is_primary()
        body = b"primary\n" if primary else b"not primary\n"
        self.send_response(200 if primary else 503)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", LISTEN_PORT), Handler).serve_forever()
