"""Flow against ns-3 on the same runs: the agreement rule of docs/validation.md, shared by plots/validate
(the matrix) and plots/lab (its packet-level check of each defence's best)."""
import csv
import math
import os
import statistics

from tquantile import mean_interval


def runs_by_seed(d):
    """{seed: run directory} of a finished sweep."""
    path = os.path.join(d, "sweep.csv")
    if not os.path.isfile(path):
        return {}
    with open(path, newline="") as f:
        return {r["seed"]: os.path.join(d, r["run"]) for r in csv.DictReader(f)}


def compare(a, b):
    """Paired flow (a) and ns-3 (b) values: means, ratio, interval of b - a, agreement."""
    pairs = [(x, y) for x, y in zip(a, b) if not (math.isnan(x) or math.isnan(y))]
    if not pairs:
        return None
    ma, mb = statistics.mean(p[0] for p in pairs), statistics.mean(p[1] for p in pairs)
    md, half = mean_interval([y - x for x, y in pairs])
    ratio = mb / ma if ma else (1.0 if mb == 0 else float("inf"))
    contains0 = not math.isnan(half) and md - half <= 0 <= md + half
    return {"flow": ma, "ns3": mb, "ratio": ratio, "diff": md, "half": half, "n": len(pairs),
            "agree": contains0 or 0.85 <= ratio <= 1.18}
