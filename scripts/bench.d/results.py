"""The figures of a scripts/bench run (raw.tsv, meta.tsv, skipped.tsv) and their formatting."""
import collections
import os
import statistics

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
        return self.spread(list(self.reps(workload, case, target, metric).values()))

    def median(self, *key):
        s = self.stat(*key)
        return None if s is None else s[0]

    @staticmethod
    def spread(values):
        """(median, min, max) or None."""
        return (statistics.median(values), min(values), max(values)) if values else None

    def paired_overhead(self, workload, case, target, metric):
        """Target minus direct, repeat by repeat (both ran in the same round
        of the interleaving); (median, min, max) or None."""
        t = self.reps(workload, case, target, metric)
        d = self.reps(workload, case, "direct", metric)
        return self.spread([t[r] - d[r] for r in t if r in d])

    def paired_ratio(self, workload, case, base_case, target, metric):
        """CASE ÷ BASE_CASE for one target, repeat by repeat (both ran in the same round); (median, min, max)
        or None."""
        c = self.reps(workload, case, target, metric)
        b = self.reps(workload, base_case, target, metric)
        return self.spread([c[r] / b[r] for r in c if b.get(r)])

    def best(self, family, value, higher_is_better):
        """(value, target) of the family's best configuration (the targets named FAMILY...), or None;
        value(target) is a figure or None."""
        v = [(value(t), t) for t in self.targets if t.startswith(family)]
        v = [x for x in v if x[0] is not None]
        if not v:
            return None
        return max(v) if higher_is_better else min(v)

    def best_haproxy(self, workload, case, metric, higher_is_better):
        b = self.best("haproxy", lambda t: self.median(workload, case, t, metric), higher_is_better)
        return None if b is None else b[0]


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

