#!/usr/bin/env python3
"""Turn a scripts/bench run directory into tables, charts and summary.md.

Usage: report.py RESULTS_DIR

Reads raw.tsv (workload, case, target, repeat, metric, value), meta.tsv and
skipped.tsv; writes one markdown table per workload, the gnuplot data and
charts, and summary.md combining them. Every figure is the median of the
repeats, with the min-max spread beside it when there was more than one.
"""
import collections
import os
import statistics
import subprocess
import sys

HAPROXY = ("haproxy1", "haproxy2")


class Results:
    def __init__(self, directory):
        self.dir = directory
        # (workload, case, target, metric) -> {repeat: value}
        self.values = collections.defaultdict(dict)
        with open(os.path.join(directory, "raw.tsv")) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) != 6 or parts[5] == "":
                    continue
                workload, case, target, rep, metric, value = parts
                self.values[(workload, case, target, metric)][int(rep)] = float(value)
        self.meta = {}
        with open(os.path.join(directory, "meta.tsv")) as f:
            for line in f:
                key, _, value = line.rstrip("\n").partition("\t")
                self.meta[key] = value
        self.skipped = []
        path = os.path.join(directory, "skipped.tsv")
        if os.path.exists(path):
            with open(path) as f:
                self.skipped = [line.rstrip("\n").split("\t", 1) for line in f if line.strip()]
        self.targets = self.meta.get("targets", "").split()

    def reps(self, workload, case, target, metric):
        return self.values.get((workload, case, target, metric), {})

    def stat(self, workload, case, target, metric):
        """(median, min, max) or None."""
        v = list(self.reps(workload, case, target, metric).values())
        if not v:
            return None
        return statistics.median(v), min(v), max(v)

    def median(self, *key):
        s = self.stat(*key)
        return None if s is None else s[0]

    def paired_overhead(self, workload, case, target, metric):
        """Target minus direct, repeat by repeat (both ran in the same round
        of the interleaving); (median, min, max) or None."""
        t = self.reps(workload, case, target, metric)
        d = self.reps(workload, case, "direct", metric)
        diffs = [t[r] - d[r] for r in t if r in d]
        if not diffs:
            return None
        return statistics.median(diffs), min(diffs), max(diffs)

    def best_haproxy(self, workload, case, metric, higher_is_better):
        m = [self.median(workload, case, h, metric) for h in HAPROXY]
        m = [x for x in m if x is not None]
        if not m:
            return None
        return max(m) if higher_is_better else min(m)


def fmt_num(x, digits):
    if x is None:
        return "—"
    if digits == 0:
        return f"{x:,.0f}"
    return f"{x:,.{digits}f}"


def fmt_stat(s, digits):
    if s is None:
        return "—"
    med, lo, hi = s
    if lo == hi:
        return fmt_num(med, digits)
    return f"{fmt_num(med, digits)} ({fmt_num(lo, digits)}–{fmt_num(hi, digits)})"


def fmt_ratio(x, base):
    if x is None or base in (None, 0):
        return "—"
    return f"{x / base:.2f}"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def present(res, workload, case, metric):
    return [t for t in res.targets if res.stat(workload, case, t, metric) is not None]


# --- Workload tables -------------------------------------------------------


def profile_section(res, charts):
    conns = res.meta.get("profile_conns", "1000")
    case = f"c{conns}"
    targets = present(res, "profile", case, "lat_mean_ms")
    if not targets:
        return None
    best = res.best_haproxy("profile", case, "lat_mean_ms", higher_is_better=False)
    direct = res.median("profile", case, "direct", "lat_mean_ms")
    rows = []
    for t in targets:
        def s(metric):
            return res.stat("profile", case, t, metric)
        avg = res.median("profile", case, t, "lat_mean_ms")
        over = res.paired_overhead("profile", case, t, "lat_mean_ms") if t != "direct" else None
        over99 = res.paired_overhead("profile", case, t, "lat_p99_ms") if t != "direct" else None
        cpu = fmt_stat(s("cpu_ms_per_1000"), 1)
        if t == "direct":
            cpu += " †"
        rows.append([t, fmt_stat(s("lat_mean_ms"), 3), fmt_stat(s("lat_p50_ms"), 3), fmt_stat(s("lat_p90_ms"), 3),
                     fmt_stat(s("lat_p99_ms"), 3), fmt_stat(over, 3), fmt_stat(over99, 3),
                     fmt_ratio(avg, best), fmt_ratio(avg, direct), cpu,
                     fmt_num(sum(res.reps("profile", case, t, "errors").values()), 0),
                     fmt_stat(s("rps"), 0)])
    text = (f"## User's profile: {conns} keep-alive connections, one GET per second each\n\n"
            f"Each connection sends `GET /test_endpoint` once a second, the connections' phases spread evenly "
            f"over the second (as k6's ramped virtual users are); {res.meta.get('profile_s')} s per run. "
            "Latencies in ms. *Over direct* is the target's figure minus direct's in the same round. "
            "*÷ HAProxy* is the average latency divided by the better HAProxy configuration's (lower is better). "
            "CPU is the proxy's user+system time per 1,000 requests, from /proc/PID/stat (10 ms ticks).\n\n")
    text += table(["target", "avg", "p50", "p90", "p99", "avg over direct", "p99 over direct", "avg ÷ HAProxy",
                   "avg ÷ direct", "CPU ms / 1000 req", "errors", "req/s"], rows)
    text += "\n† direct: the backend's own CPU, the floor every proxy adds to.\n"

    data = os.path.join(res.dir, "profile-overhead.dat")
    with open(data, "w") as f:
        f.write("target average lo hi p99 lo hi\n")
        n = 0
        for t in targets:
            if t == "direct":
                continue
            a = res.paired_overhead("profile", case, t, "lat_mean_ms")
            p = res.paired_overhead("profile", case, t, "lat_p99_ms")
            if a is None or p is None:
                continue
            f.write(f"{t} {a[0]:.4f} {a[1]:.4f} {a[2]:.4f} {p[0]:.4f} {p[1]:.4f} {p[2]:.4f}\n")
            n += 1
    if n:
        charts.append(("profile-overhead", data))
    return text


def keepalive_section(res, charts):
    cases = sorted({k[1] for k in res.values if k[0] == "keepalive"}, key=lambda c: int(c[1:]))
    if not cases:
        return None
    rows = []
    for t in res.targets:
        for case in cases:
            s = res.stat("keepalive", case, t, "rps")
            if s is None:
                continue
            best = res.best_haproxy("keepalive", case, "rps", higher_is_better=True)
            direct = res.median("keepalive", case, "direct", "rps")
            cpu = fmt_stat(res.stat("keepalive", case, t, "req_per_cpu_s"), 0)
            if t == "direct":
                cpu += " †"
            rows.append([t, case[1:], fmt_stat(s, 0), fmt_ratio(s[0], best), fmt_ratio(s[0], direct),
                         fmt_stat(res.stat("keepalive", case, t, "lat_p99_ms"), 2), cpu,
                         fmt_num(sum(res.reps("keepalive", case, t, "errors").values()), 0)])
    text = (f"## Keep-alive saturation\n\n"
            f"wrk, 2 threads, as fast as it can over 64 and 256 keep-alive connections, "
            f"{res.meta.get('keepalive_s')} s per run. *÷ HAProxy*: requests/s divided by the better HAProxy "
            "configuration's (higher is better). *req per CPU-s*: requests per second of the proxy's own CPU "
            "time. wrk, the proxy and the backends share the machine's cores. wrk corrects its percentiles for "
            "coordinated omission, which inflates p99 under saturation.\n\n")
    text += table(["target", "connections", "req/s", "÷ HAProxy", "÷ direct", "p99 ms", "req per CPU-s", "errors"],
                  rows)
    text += "\n† direct: the backend's own CPU.\n"
    data = os.path.join(res.dir, "keepalive.dat")
    write_bars(res, data, "keepalive", cases, "rps", 1, lambda c: f"{c[1:]} connections")
    charts.append(("keepalive", data))
    return text


def churn_section(res, charts):
    cases = sorted({k[1] for k in res.values if k[0] == "churn"})
    if not cases:
        return None
    case = cases[0]
    rows = []
    best = res.best_haproxy("churn", case, "conn_per_s", higher_is_better=True)
    direct = res.median("churn", case, "direct", "conn_per_s")
    for t in present(res, "churn", case, "conn_per_s"):
        s = res.stat("churn", case, t, "conn_per_s")
        cpu = fmt_stat(res.stat("churn", case, t, "cpu_ms_per_1000"), 1)
        if t == "direct":
            cpu += " †"
        rows.append([t, fmt_stat(s, 0), fmt_ratio(s[0], best), fmt_ratio(s[0], direct),
                     fmt_stat(res.stat("churn", case, t, "lat_p99_ms"), 2), cpu,
                     fmt_num(sum(res.reps("churn", case, t, "errors").values()), 0)])
    text = (f"## Connection churn: a new connection per request\n\n"
            f"wrk, 2 threads, {case[1:]} concurrent clients each sending one request with `Connection: close` "
            f"and reconnecting, {res.meta.get('churn_s')} s per run.\n\n")
    text += table(["target", "connections/s", "÷ HAProxy", "÷ direct", "p99 ms", "CPU ms / 1000 conns", "errors"],
                  rows)
    text += "\n† direct: the backend's own CPU.\n"
    data = os.path.join(res.dir, "churn.dat")
    write_bars(res, data, "churn", [case], "conn_per_s", 1, lambda c: f"{c[1:]} clients")
    charts.append(("churn", data))
    return text


def bulk_section(res, charts):
    cases = sorted({k[1] for k in res.values if k[0] == "bulk"}, key=lambda c: int(c[1:]))
    if not cases:
        return None
    rows = []
    for t in res.targets:
        for case in cases:
            s = res.stat("bulk", case, t, "gbit_s")
            if s is None:
                continue
            best = res.best_haproxy("bulk", case, "gbit_s", higher_is_better=True)
            direct = res.median("bulk", case, "direct", "gbit_s")
            cpu = fmt_stat(res.stat("bulk", case, t, "cpu_s_per_gb"), 2)
            if t == "direct":
                cpu += " †"
            rows.append([t, case[1:], fmt_stat(s, 1), fmt_ratio(s[0], best), fmt_ratio(s[0], direct), cpu])
    text = (f"## Bulk transfer (iperf3)\n\n"
            f"iperf3 through each TCP proxy to one iperf3 server, {res.meta.get('bulk_s')} s per run after a "
            "1 s warm-up, 1 and 4 parallel streams. iperf3 3.12 runs each side in one thread, so with 4 streams "
            "iperf3 itself is often the limit. nginx-http is an HTTP proxy and is not run here.\n\n")
    text += table(["target", "streams", "Gbit/s", "÷ HAProxy", "÷ direct", "CPU s / GB"], rows)
    text += "\n† direct: the iperf3 server's own CPU.\n"
    data = os.path.join(res.dir, "bulk.dat")
    write_bars(res, data, "bulk", cases, "gbit_s", 1,
               lambda c: f"{c[1:]} stream" + ("s" if c != "P1" else ""))
    charts.append(("bulk", data))
    return text


def footprint_section(res, charts):
    targets = [t for t in res.targets if t != "direct"]
    targets = [t for t in targets if any(k[0] == "footprint" and k[2] == t for k in res.values)]
    if not targets:
        return None
    n = res.meta.get("idle_conns", "?")
    best_rss = res.best_haproxy("footprint", "conns", "rss_conns_kib", higher_is_better=False)
    rows = []
    for t in targets:
        size = res.median("footprint", "size", t, "binary_bytes")
        idle = res.stat("footprint", "idle", t, "rss_idle_kib")
        conns = res.stat("footprint", "conns", t, "rss_conns_kib")
        pss = res.stat("footprint", "conns", t, "pss_conns_kib")
        connected = res.stat("footprint", "conns", t, "connected")
        fds = res.stat("footprint", "conns", t, "proxy_fds")
        per_conn = None
        if idle and conns and connected and connected[0] > 0:
            per_conn = ((conns[0] - idle[0]) / connected[0],) * 3

        def mib(s):
            return None if s is None else tuple(x / 1024 for x in s)

        rows.append([t, fmt_num(size / 1e6 if size else None, 2),
                     fmt_stat(res.stat("footprint", "startup", t, "listen_ms"), 1),
                     fmt_stat(res.stat("footprint", "startup", t, "first_response_ms"), 1),
                     fmt_stat(mib(idle), 1), fmt_stat(mib(conns), 1), fmt_stat(mib(pss), 1),
                     fmt_stat(per_conn, 1), fmt_ratio(conns[0] if conns else None, best_rss),
                     fmt_stat(connected, 0), fmt_stat(fds, 0)])
    text = (f"## Footprint\n\n"
            "*binary*: the executable (nginx stream: plus its module), shared libraries of the distribution not "
            "counted. *start*: from exec to the first accepted connection, and to the first response relayed "
            "from a backend. RSS and PSS are summed over the process and its children (nginx's workers; RSS "
            f"counts pages they share once per process). *with conns*: holding {n} idle client connections (and "
            "as many to the backends, for a TCP proxy; the HTTP proxy opens none until a request comes). "
            "10,000 cannot be held here: a process may open 20,000 descriptors, and a TCP proxy needs two per "
            "connection plus its own.\n\n")
    text += table(["target", "binary MB", "start → listen ms", "start → 1st response ms", "RSS idle MiB",
                   f"RSS with {n} conns MiB", f"PSS with {n} conns MiB", "KiB per conn", "RSS ÷ HAProxy",
                   "connections held", "proxy's descriptors"], rows)
    return text


def write_bars(res, path, workload, cases, metric, scale, label):
    with open(path, "w") as f:
        # A header line: gnuplot titles each series from it.
        f.write("target " + " ".join(f"\"{label(c)}\" lo hi" for c in cases) + "\n")
        for t in res.targets:
            cols = []
            for case in cases:
                s = res.stat(workload, case, t, metric)
                cols += ["NaN"] * 3 if s is None else [f"{x / scale:.3f}" for x in s]
            if all(c == "NaN" for c in cols):
                continue
            f.write(t + " " + " ".join(cols) + "\n")


# --- Charts and summary -----------------------------------------------------


def profile_ranges(path):
    """gnuplot settings that cap the profile chart's y axes at 2.5 times the
    largest median, so that one outlying repeat does not flatten the bars
    (its error bar runs off the top)."""
    with open(path) as f:
        rows = [line.split() for line in f.readlines()[1:] if line.strip()]
    settings = ""
    for name, col in (("avg_max", 1), ("p99_max", 4)):
        medians = [abs(float(r[col])) for r in rows]
        highs = [float(r[col + 2]) for r in rows]
        cap = 2.5 * max(medians, default=0)
        if cap > 0 and max(highs) > cap:
            settings += f"; {name}={cap:.4f}"
    return settings


def draw_charts(res, charts):
    names = dict(charts)
    if not names or subprocess.run(["sh", "-c", "command -v gnuplot"], capture_output=True).returncode:
        return []
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "charts.gp")
    drawn = []
    jobs = []
    if "profile-overhead" in names:
        jobs.append(("profile-overhead.png", "profile"))
    if {"keepalive", "churn", "bulk"} & set(names):
        jobs.append(("throughput.png", "throughput"))
    for png, kind in jobs:
        settings = f"kind='{kind}'; dir='{res.dir}'; out='{os.path.join(res.dir, png)}'"
        if kind == "profile":
            settings += profile_ranges(os.path.join(res.dir, "profile-overhead.dat"))
        args = ["gnuplot", "-e", settings, script]
        r = subprocess.run(args, capture_output=True, text=True, timeout=60)
        if r.returncode == 0:
            drawn.append(png)
        else:
            print(f"gnuplot failed for {png}: {r.stderr.strip()}", file=sys.stderr)
    return drawn


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
    for name, fn in (("profile", profile_section), ("keepalive", keepalive_section), ("churn", churn_section),
                     ("bulk", bulk_section), ("footprint", footprint_section)):
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
           "medians of this run: *÷ HAProxy* against the better of the two HAProxy configurations, *÷ direct* "
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
    for png in drawn:
        out.append(f"\n![{png[:-4]}]({png})\n")
    for name in ("profile", "keepalive", "churn", "bulk", "footprint"):
        if name in sections:
            out.append("\n" + sections[name])
    with open(os.path.join(res.dir, "summary.md"), "w") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()
