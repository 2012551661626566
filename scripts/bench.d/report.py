#!/usr/bin/env python3
"""Turn a scripts/bench run directory into tables, charts and summary.md.

Usage: report.py RESULTS_DIR

Reads raw.tsv (workload, case, target, repeat, metric, value), meta.tsv and
skipped.tsv; writes one markdown table per workload, the gnuplot data and
charts, and summary.md combining them. Every figure is the median of the
repeats, with the min-max spread beside it when there was more than one.
"""
import os
import statistics
import sys

from charts import draw_charts
from headline import headline
from results import Results, table
from sections import (bulk_section, churn_section, footprint_section, keepalive_section, profile_section,
                      scaling_section)

SECTIONS = (("profile", profile_section), ("keepalive", keepalive_section), ("churn", churn_section),
            ("bulk", bulk_section), ("footprint", footprint_section), ("scaling", scaling_section))


def interference(res):
    """A paragraph on the CPU other programs used during the measurements."""
    seen = [(v, k, rep) for k, reps in res.values.items() if k[3] == "others_cores" for rep, v in reps.items()]
    if not seen:
        return ""
    values = sorted(v for v, _, _ in seen)
    cores = os.cpu_count() or 0
    text = (f"\n**Other programs' load.** During the measurements, processes outside the benchmark used a median "
            f"of {statistics.median(values):.2f} and at most {values[-1]:.2f} cores' worth of CPU (this machine "
            f"has {cores}).")
    busy = sorted(((v, k, rep) for v, k, rep in seen if v >= 0.25), reverse=True)
    if busy:
        worst = ", ".join(f"{k[0]} {k[1]} {k[2]} #{rep} ({v:.2f})" for v, k, rep in busy[:6])
        text += (f" {len(busy)} of {len(seen)} measurements ran beside ≥ 0.25 cores of other work and are less "
                 f"reliable: {worst}{', …' if len(busy) > 6 else ''}.")
    return text + "\n"


def main():
    res = Results(sys.argv[1])
    charts = []
    sections = {}
    for name, fn in SECTIONS:
        text = fn(res, charts)
        if text:
            sections[name] = text
            with open(os.path.join(res.dir, f"{name}.md"), "w") as f:
                f.write(text)
    drawn = draw_charts(res, charts)

    m = res.meta
    out = [f"# tcplb benchmark — {os.path.basename(os.path.normpath(res.dir))}\n",
           f"Mode **{m.get('mode')}**: {m.get('repeats')} repeat(s) of every measurement, targets interleaved "
           "(each round runs every target once, in the same order), each proxy started afresh for each "
           "measurement. Figures are medians, with the min–max of the repeats in parentheses. Ratios compare "
           "medians of this run: *÷ HAProxy* against the best HAProxy configuration measured, *÷ direct* "
           "against the backend without a proxy. All traffic on 127.0.0.1; load generator, proxy and backends "
           f"share the machine ({m.get('elapsed_s', '?')} s in all). Machine and versions: "
           "[machine.md](machine.md); raw figures: raw.tsv; wrk and iperf3 output: logs/.\n",
           interference(res),
           "## Targets\n"]
    out.append(table(["target", "what"], [[t, m.get(f"note_{t}", "")] for t in res.targets]))
    out.append("\nBackends: two nginx instances with one worker each, answering `return 200 \"ok\\n\"` with "
               "keep-alive (keepalive_requests 1000000); every proxy balances across both, direct talks to the "
               "first. Bulk uses an iperf3 server as the only backend.\n")
    events_path = os.path.join(res.dir, "events.txt")
    if os.path.exists(events_path):
        with open(events_path) as f:
            events = [line.strip() for line in f if line.strip()]
        if events:
            out.append("\n**Warning.** " + "; ".join(events) + ". Those figures are suspect.\n")
    if res.skipped:
        out.append("\nNot measured in this run:\n")
        out += [f"- {t}: {why}" for t, why in res.skipped]
        out.append("")
    out.append(headline(res))
    for png in drawn:
        out.append(f"\n![{png[:-4]}]({png})\n")
    for name, _ in SECTIONS:
        if name in sections:
            out.append("\n" + sections[name])
    with open(os.path.join(res.dir, "summary.md"), "w") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()
