"""One markdown section per workload of a scripts/bench run; each also writes the data of its chart."""
import os

from charts import write_bars
from results import fmt_num, fmt_ratio, fmt_stat, present, table


def cases_of(res, workload):
    """The cases a workload ran, in numeric order (c64 before c256)."""
    return sorted({k[1] for k in res.values if k[0] == workload}, key=lambda c: int(c[1:]))


def bars_chart(res, charts, workload, cases, metric, label):
    """The workload's bar chart data, WORKLOAD.dat, one series per case."""
    data = os.path.join(res.dir, f"{workload}.dat")
    write_bars(res, data, workload, cases, metric, label)
    charts.append((workload, data))


def cpu_cell(res, workload, case, target, metric, digits):
    """The proxy's CPU figure; for direct, the backend's own, marked †."""
    cell = fmt_stat(res.stat(workload, case, target, metric), digits)
    return cell + " †" if target == "direct" else cell


def ratio_rows(res, workload, cases, metric, digits, extra, case_column=True):
    """A row per target and case (higher is better): target, [case,] the figure, ÷ HAProxy, ÷ direct,
    then extra(target, case)."""
    rows = []
    for t in res.targets:
        for case in cases:
            s = res.stat(workload, case, t, metric)
            if s is None:
                continue
            best = res.best_haproxy(workload, case, metric, higher_is_better=True)
            direct = res.median(workload, case, "direct", metric)
            rows.append([t] + ([case[1:]] if case_column else []) +
                        [fmt_stat(s, digits), fmt_ratio(s[0], best), fmt_ratio(s[0], direct)] + extra(t, case))
    return rows


def errors_cell(res, workload, case, target):
    return fmt_num(sum(res.reps(workload, case, target, "errors").values()), 0)


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
        rows.append([t, fmt_stat(s("lat_mean_ms"), 3), fmt_stat(s("lat_p50_ms"), 3), fmt_stat(s("lat_p90_ms"), 3),
                     fmt_stat(s("lat_p99_ms"), 3), fmt_stat(over, 3), fmt_stat(over99, 3),
                     fmt_ratio(avg, best), fmt_ratio(avg, direct),
                     cpu_cell(res, "profile", case, t, "cpu_ms_per_1000", 1), errors_cell(res, "profile", case, t),
                     fmt_stat(s("rps"), 0)])
    text = (f"## User's profile: {conns} keep-alive connections, one GET per second each\n\n"
            f"Each connection sends `GET /test_endpoint` once a second, the connections' phases spread evenly "
            f"over the second (as k6's ramped virtual users are); {res.meta.get('profile_s')} s per run. "
            "Latencies in ms. *Over direct* is the target's figure minus direct's in the same round. "
            "*÷ HAProxy* is the average latency divided by the best HAProxy configuration's (lower is better). "
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
    cases = cases_of(res, "keepalive")
    if not cases:
        return None
    rows = ratio_rows(res, "keepalive", cases, "rps", 0, lambda t, case: [
        fmt_stat(res.stat("keepalive", case, t, "lat_p99_ms"), 2),
        cpu_cell(res, "keepalive", case, t, "req_per_cpu_s", 0), errors_cell(res, "keepalive", case, t)])
    text = (f"## Keep-alive saturation\n\n"
            f"wrk, 2 threads, as fast as it can over 64 and 256 keep-alive connections, "
            f"{res.meta.get('keepalive_s')} s per run. *÷ HAProxy*: requests/s divided by the best HAProxy "
            "configuration's (higher is better). *req per CPU-s*: requests per second of the proxy's own CPU "
            "time. wrk, the proxy and the backends share the machine's cores. wrk corrects its percentiles for "
            "coordinated omission, which inflates p99 under saturation.\n\n")
    text += table(["target", "connections", "req/s", "÷ HAProxy", "÷ direct", "p99 ms", "req per CPU-s", "errors"],
                  rows)
    text += "\n† direct: the backend's own CPU.\n"
    bars_chart(res, charts, "keepalive", cases, "rps", lambda c: f"{c[1:]} connections")
    return text


def churn_section(res, charts):
    cases = cases_of(res, "churn")
    if not cases:
        return None
    case = cases[0]
    rows = ratio_rows(res, "churn", [case], "conn_per_s", 0, lambda t, case: [
        fmt_stat(res.stat("churn", case, t, "lat_p99_ms"), 2), cpu_cell(res, "churn", case, t, "cpu_ms_per_1000", 1),
        errors_cell(res, "churn", case, t)], case_column=False)
    text = (f"## Connection churn: a new connection per request\n\n"
            f"wrk, 2 threads, {case[1:]} concurrent clients each sending one request with `Connection: close` "
            f"and reconnecting, {res.meta.get('churn_s')} s per run.\n\n")
    text += table(["target", "connections/s", "÷ HAProxy", "÷ direct", "p99 ms", "CPU ms / 1000 conns", "errors"],
                  rows)
    text += "\n† direct: the backend's own CPU.\n"
    bars_chart(res, charts, "churn", [case], "conn_per_s", lambda c: f"{c[1:]} clients")
    return text


def bulk_section(res, charts):
    cases = cases_of(res, "bulk")
    if not cases:
        return None
    rows = ratio_rows(res, "bulk", cases, "gbit_s", 1,
                      lambda t, case: [cpu_cell(res, "bulk", case, t, "cpu_s_per_gb", 2)])
    splice = ("haproxy2-splice lets the kernel move the bytes between its two sockets (`splice(2)`) instead of "
              "copying them through the proxy. " if "haproxy2-splice" in res.targets else "")
    text = (f"## Bulk transfer (iperf3)\n\n"
            f"iperf3 through each TCP proxy to one iperf3 server, {res.meta.get('bulk_s')} s per run after a "
            "1 s warm-up, 1 and 4 parallel streams. iperf3 3.12 runs each side in one thread, so with 4 streams "
            f"iperf3 itself is often the limit. {splice}nginx-http is an HTTP proxy and is not run here.\n\n")
    text += table(["target", "streams", "Gbit/s", "÷ HAProxy", "÷ direct", "CPU s / GB"], rows)
    text += "\n† direct: the iperf3 server's own CPU.\n"
    bars_chart(res, charts, "bulk", cases, "gbit_s", lambda c: f"{c[1:]} stream" + ("s" if c != "P1" else ""))
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



def scaling_cores(res):
    """The core counts the scaling workload pinned the proxies to, ascending (its cases: KIND-Ncore)."""
    return sorted({int(k[1].rsplit("-", 1)[1][:-len("core")]) for k in res.values if k[0] == "scaling"})


SCALING_KINDS = (("keepalive", "rps", "keep-alive req/s"), ("churn", "conn_per_s", "churn conn/s"))


def scaling_section(res, charts):
    cores = scaling_cores(res)
    if not cores:
        return None
    lo, hi = cores[0], cores[-1]
    header = ["target"]
    for _, _, what in SCALING_KINDS:
        header += [f"{what}, {n} core{'s' if n > 1 else ''}" for n in cores] + [f"{hi} ÷ {lo}"]
    rows = []
    for t in res.targets:
        row = [t]
        for kind, metric, _ in SCALING_KINDS:
            row += [fmt_stat(res.stat("scaling", f"{kind}-{n}core", t, metric), 0) for n in cores]
            row.append(fmt_stat(res.paired_ratio("scaling", f"{kind}-{hi}core", f"{kind}-{lo}core", t, metric), 2))
        if any(cell != "—" for cell in row[1:]):
            rows.append(row + [fmt_num(sum(sum(res.reps("scaling", f"{kind}-{n}core", t, "errors").values())
                                           for kind, _, _ in SCALING_KINDS for n in cores), 0)])
    text = (f"## Core scaling: the proxy on {lo} core, then {hi}\n\n"
            f"Each proxy started under `taskset -c 0`, then `taskset -c 0-{hi - 1}`, with wrk and the backends "
            f"unpinned as in the other workloads; on each, keep-alive saturation over "
            f"{res.meta.get('scaling_conns')} connections ({res.meta.get('keepalive_s')} s) and churn "
            f"({res.meta.get('churn_s')} s) as above. *{hi} ÷ {lo}* is the {hi}-core figure divided by the "
            f"{lo}-core one of the same round: how much of the extra cores the proxy turns into throughput. On a "
            "machine with no more cores than that, the proxy shares them with wrk and the backends, so the ideal "
            "is out of reach; haproxy1 and nginx-stream1 run one thread and show the floor.\n\n")
    text += table(header + ["errors"], rows)
    return text
