"""Charts of a scripts/bench run: gnuplot data files and the PNGs charts.gp draws from them."""
import os
import subprocess
import sys


def write_bars(res, path, workload, cases, metric, label):
    with open(path, "w") as f:
        # A header line: gnuplot titles each series from it.
        f.write("target " + " ".join(f"\"{label(c)}\" lo hi" for c in cases) + "\n")
        for t in res.targets:
            cols = []
            for case in cases:
                s = res.stat(workload, case, t, metric)
                cols += ["NaN"] * 3 if s is None else [f"{x:.3f}" for x in s]
            if all(c == "NaN" for c in cols):
                continue
            f.write(t + " " + " ".join(cols) + "\n")


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

