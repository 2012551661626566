"""The summary's headline table, as the README shows it: tcplb against the best HAProxy and the best nginx
stream configuration of the run, one row per workload and case."""
from results import fmt_ratio, table
from sections import SCALING_KINDS, cases_of, scaling_cores

FAMILIES = ("haproxy", "nginx-stream")


def first(s):
    return None if s is None else s[0]


def rows(res):
    """(what, the value of a target or None, its format, higher is better), row by row."""
    def median(workload, case, metric, scale=1):
        return lambda t: None if (v := res.median(workload, case, t, metric)) is None else v / scale

    def overhead(metric):
        return lambda t: first(res.paired_overhead("profile", profile, t, metric))

    def scaling(kind, metric):
        return lambda t: first(res.paired_ratio("scaling", f"{kind}-{hi}core", f"{kind}-{lo}core", t, metric))

    profile = f"c{res.meta.get('profile_conns', '1000')}"
    direct = res.median("profile", profile, "direct", "lat_mean_ms")
    over = f" ({direct:.3f} ms)" if direct is not None else ""
    spec = [(f"user's profile: {profile[1:]} conns x 1 req/s, latency added over direct{over}",
             overhead("lat_mean_ms"), "{:+.3f} ms", False),
            ("user's profile: p99 added over direct", overhead("lat_p99_ms"), "{:+.3f} ms", False),
            ("user's profile: proxy CPU per 1000 requests", median("profile", profile, "cpu_ms_per_1000"),
             "{:.1f} ms", False)]
    spec += [(f"keep-alive, {c[1:]} connections", median("keepalive", c, "rps"), "{:,.0f} req/s", True)
             for c in cases_of(res, "keepalive")]
    spec += [("churn: new connection per request", median("churn", c, "conn_per_s"), "{:,.0f} conn/s", True)
             for c in cases_of(res, "churn")]
    spec += [(f"bulk, {c[1:]} stream{'s' if c != 'P1' else ''} (iperf3)", median("bulk", c, "gbit_s"),
              "{:.1f} Gbit/s", True) for c in cases_of(res, "bulk")]
    n = res.meta.get("idle_conns", "?")
    spec += [("RSS idle", median("footprint", "idle", "rss_idle_kib", 1024), "{:.1f} MiB", False),
             (f"RSS holding {n} idle connections", median("footprint", "conns", "rss_conns_kib", 1024),
              "{:.1f} MiB", False),
             ("start to first accepted connection", median("footprint", "startup", "listen_ms"), "{:.1f} ms", False),
             ("binary", median("footprint", "size", "binary_bytes", 1e6), "{:.2f} MB", False)]
    cores = scaling_cores(res)
    if cores:
        lo, hi = cores[0], cores[-1]
        spec += [(f"core scaling, {what}: {hi} cores ÷ {lo}", scaling(kind, metric), "{:.2f}", True)
                 for kind, metric, what in SCALING_KINDS]
    return spec


def ratio(x, base):
    """x ÷ base; none when either is not positive (a latency added over direct can come out below zero
    when the machine is noisy, and a ratio of two such figures means nothing)."""
    return fmt_ratio(x, base) if x is not None and base is not None and x > 0 and base > 0 else "—"


def headline(res):
    out = []
    for what, value, fmt, higher in rows(res):
        tcplb = value("tcplb") if "tcplb" in res.targets else None
        haproxy, nginx = (res.best(f, value, higher) for f in FAMILIES)
        if tcplb is None and haproxy is None and nginx is None:
            continue
        out.append([what, "—" if tcplb is None else fmt.format(tcplb),
                    "—" if haproxy is None else f"{fmt.format(haproxy[0])} ({haproxy[1]})",
                    ratio(tcplb, haproxy and haproxy[0]),
                    "—" if nginx is None else f"{fmt.format(nginx[0])} ({nginx[1]})"])
    if not out:
        return ""
    return ("\n## tcplb against HAProxy and nginx\n\n"
            "Medians of this run, tcplb with its defaults against the best HAProxy and nginx stream "
            "configuration of each row (named in brackets); the detailed tables follow.\n\n"
            + table(["workload", "tcplb", "HAProxy (best)", "tcplb ÷ HAProxy", "nginx stream (best)"], out))
