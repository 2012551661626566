#!/usr/bin/env python3
"""Prints scripts/check-sni's figures and judges the slowloris: report.py FIGURES.json METRICS_TEXT CLIENTS."""
import json
import re
import sys

LABELS = {
    "direct": "straight to openssl s_server",
    "tcplb-plain": "tcplb, no sni= line",
    "tcplb-sni": "tcplb, routed by SNI",
    "haproxy-plain": "HAProxy 2.6, mode tcp",
    "haproxy-sni": "HAProxy 2.6, req.ssl_sni",
}

figures = json.load(open(sys.argv[1]))
metrics, clients = sys.argv[2], int(sys.argv[3])
handshakes = figures["handshakes"]
print(f"check-sni: TLS 1.3 handshakes, {handshakes['direct']['n']} through each, interleaved: median (p90)")
for label, text in LABELS.items():
    print(f"  {text:32} {handshakes[label]['median_us']:8.1f} us  ({handshakes[label]['p90_us']:.1f})")
added = figures["added_by_sni_us"]
print(f"  added by routing on the name: tcplb {added['tcplb']:.1f} us, HAProxy {added['haproxy']:.1f} us "
      "(median of the paired differences; target under 50 us)")

slow = figures["slowloris"]
during = slow["handshakes_meanwhile"]
routes = dict(re.findall(r'tcplb_routed_connections_total\{route="([^"]+)"\} (\d+)', metrics))
print(f"check-sni: slowloris, {clients} clients sending a {slow['hello_bytes']}-byte ClientHello one byte per 100 ms, --sni-timeout 1s:")
print(f"  routed to the default route after {slow['routed_after_s_min']}-{slow['routed_after_s_max']} s; "
      f"{slow['default_got_every_byte']} of {clients} delivered all {slow['bytes_sent_each']} bytes they sent")
print(f"  {during['n']} handshakes meanwhile: median {during['median_us']:.1f} us, p90 {during['p90_us']:.1f}, "
      f"slowest {slow['slowest_meanwhile_us']:.1f} us")
print(f"  /metrics: tcplb_routed_connections_total {routes}")

problems = []
if slow["routed_to_default"] != clients or not 0.9 <= slow["routed_after_s_min"] <= slow["routed_after_s_max"] <= 1.8:
    problems.append(f"{slow['routed_to_default']} of {clients} slowloris clients routed, after "
                    f"{slow['routed_after_s_min']}-{slow['routed_after_s_max']} s (want all, within 0.9-1.8 s)")
if slow["default_got_every_byte"] != clients:
    problems.append(f"only {slow['default_got_every_byte']} of {clients} slowloris connections delivered every byte")
if slow["slowest_meanwhile_us"] > 900_000:
    problems.append(f"a handshake during the slowloris took {slow['slowest_meanwhile_us']} us: it waited for something")
if int(routes.get("default", -1)) != clients:
    problems.append(f"tcplb_routed_connections_total{{route=\"default\"}} is {routes.get('default')}, not {clients}")
for problem in problems:
    print("check-sni: " + problem, file=sys.stderr)
print("check-sni: " + ("FAILED" if problems else "ok"))
sys.exit(1 if problems else 0)
