"""The figures of a run and of a sweep, from powrelay's output files (docs/scenario.md#outputs)."""
import csv
import json
import math
import os
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

DPI = 110


class NoOutputs(Exception):
    pass


def _rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _num(s):
    return float(s) if s not in ("", None) else None


def is_run(d):
    return os.path.isfile(os.path.join(d, "summary.json")) and os.path.isfile(os.path.join(d, "txs.csv"))


class Run:
    def __init__(self, d, label=None):
        self.dir = d
        self.label = label or os.path.basename(os.path.normpath(d))
        with open(os.path.join(d, "summary.json")) as f:
            self.summary = json.load(f)
        self.txs = _rows(os.path.join(d, "txs.csv"))
        self.ts = _rows(os.path.join(d, "timeseries.csv"))

    def honest(self):
        return [t for t in self.txs if t["kind"] == "honest"]

    def spam(self):
        return [t for t in self.txs if t["kind"] == "spam"]


def _save(fig, out, name):
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, name)
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def _cdf(ax, values, total, label):
    """Empirical CDF over `total` transactions: those that never got there keep the curve below 1."""
    xs = sorted(v for v in values if v is not None)
    if total == 0:
        return
    ys = [(i + 1) / total for i in range(len(xs))]
    ax.step([0] + xs, [0] + ys, where="post", label=f"{label} ({len(xs)}/{total})")


def latency_cdf(runs, out):
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for r in runs:
        h = r.honest()
        _cdf(axes[0], [_num(t["t90_s"]) for t in h], len(h), r.label)
        _cdf(axes[1], [_num(t["confirmed_s"]) for t in h], len(h), r.label)
    axes[0].set_title("Honest transactions: time to reach 90% of nodes")
    axes[0].set_xlabel("seconds after creation (wallet PoW included)")
    axes[1].set_title("Honest transactions: time to confirmation")
    axes[1].set_xlabel("seconds after creation")
    for ax in axes:
        ax.set_ylabel("fraction of honest transactions")
        ax.set_ylim(0, 1.02)
        ax.set_xscale("symlog", linthresh=1)
        ax.set_xlim(left=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
    return _save(fig, out, "honest_latency_cdf.png")


def spam_reach(runs, out):
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for r in runs:
        if not r.ts:
            continue
        step = _num(r.ts[0]["t_s"]) or 1.0
        reached = defaultdict(int)
        for t in r.spam():
            if float(t["reach_frac"]) >= 0.5:
                reached[int(float(t["created_s"]) // step)] += 1
        t = [_num(x["t_s"]) for x in r.ts]
        created = [float(x["spam_created"]) / step for x in r.ts]
        accepted = [float(x["spam_accepted"]) / step for x in r.ts]
        r50 = [reached[i] / step for i in range(len(r.ts))]
        line, = ax.plot(t, created, lw=1, alpha=0.5, label=f"{r.label}: created")
        ax.plot(t, accepted, lw=1, ls="--", color=line.get_color(), label=f"{r.label}: accepted at first hop")
        ax.plot(t, r50, lw=2, color=line.get_color(), label=f"{r.label}: reached 50% of nodes")
    ax.set_title("Spam over time (by creation time)")
    ax.set_xlabel("simulated time (s)")
    ax.set_ylabel("spam transactions per second")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    return _save(fig, out, "spam_reach.png")


def requirement(runs, out):
    """Left: what links ask (median, 90th percentile, highest; a few capped links dominate the mean, so
    it is not drawn). Right: the share of honest nodes' links asking more than base."""
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
    for r in runs:
        t = [_num(x["t_s"]) for x in r.ts]
        has_q = r.ts and "median_req" in r.ts[0]
        line, = ax.plot(t, [_num(x["median_req" if has_q else "mean_req"]) for x in r.ts], lw=2,
                        label=f"{r.label}: {'median' if has_q else 'mean'} over links")
        if has_q:
            ax.plot(t, [_num(x["p90_req"]) for x in r.ts], lw=1.2, ls="-.", color=line.get_color(),
                    label=f"{r.label}: 90th percentile")
            ax2.plot(t, [100 * _num(x["escalated_share"]) for x in r.ts], lw=2, color=line.get_color(),
                     label=r.label)
        ax.plot(t, [_num(x["max_req"]) for x in r.ts], lw=1, ls="--", color=line.get_color(),
                label=f"{r.label}: highest link")
    ax.set_yscale("log")
    ax.set_title("Requirement asked of neighbours (req)")
    ax.set_xlabel("simulated time (s)")
    ax.set_ylabel("required work (expected hashes)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7)
    ax2.set_title("Honest nodes' links asking more than base")
    ax2.set_xlabel("simulated time (s)")
    ax2.set_ylabel("share of links (%)")
    ax2.set_ylim(bottom=0)
    ax2.grid(alpha=0.3)
    ax2.legend(fontsize=7)
    fig.tight_layout()
    return _save(fig, out, "requirement.png")


def who_pays(runs, out):
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    names = ["attackers", "honest senders", "honest relays\n(repackaging)"]
    keys = ["attacker_hashes", "honest_sender_hashes", "relay_repackage_hashes"]
    width = 0.8 / max(1, len(runs))
    for i, r in enumerate(runs):
        c = r.summary["cost"]
        vals = [max(c[k], 0) for k in keys]
        xs = [j + (i - (len(runs) - 1) / 2) * width for j in range(len(keys))]
        axes[0].bar(xs, [v if v > 0 else 0 for v in vals], width, label=r.label)
    axes[0].set_xticks(range(len(keys)))
    axes[0].set_xticklabels(names)
    axes[0].set_yscale("symlog", linthresh=1)
    axes[0].set_ylabel("hashes")
    axes[0].set_title("Who pays: PoW hashes")
    axes[0].legend(fontsize=8)
    labels = [r.label for r in runs]
    shares = [100 * r.summary["cost"]["spam_bytes_share"] for r in runs]
    axes[1].bar(range(len(runs)), shares, color="tab:red")
    axes[1].set_xticks(range(len(runs)))
    axes[1].set_xticklabels(labels, rotation=15, fontsize=8)
    axes[1].set_ylabel("% of the bytes honest nodes sent")
    axes[1].set_ylim(0, 100)
    axes[1].set_title("Who pays: bandwidth spent relaying spam")
    for ax in axes:
        ax.grid(alpha=0.3, axis="y")
    return _save(fig, out, "who_pays.png")


def run_figures(runs, out):
    return [latency_cdf(runs, out), spam_reach(runs, out), requirement(runs, out), who_pays(runs, out)]


# ---- sweeps ----

def _is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def _mean_sd(v):
    v = [x for x in v if x is not None and not math.isnan(x)]
    if not v:
        return None, None
    m = sum(v) / len(v)
    sd = math.sqrt(sum((x - m) ** 2 for x in v) / (len(v) - 1)) if len(v) > 1 else 0.0
    return m, sd


def sweep_figures(d, out):
    rows = _rows(os.path.join(d, "sweep.csv"))
    if not rows:
        raise NoOutputs(f"{d}/sweep.csv has no finished runs")
    cols = list(rows[0].keys())
    params = cols[1:cols.index("seed")]
    varying = [p for p in params if len({r[p] for r in rows}) > 1]
    xs = [p for p in varying if p.startswith("attackers.") and p.endswith(".hashrate")]
    if not xs:
        xs = [p for p in varying if all(_is_number(r[p]) for r in rows)]
    x = xs[0] if xs else None
    facet = "honest.hashrate" if "honest.hashrate" in varying and x != "honest.hashrate" else None
    groups = [p for p in varying if p not in (x, facet)]

    def label(r):
        return ", ".join(f"{p}={r[p]}" for p in groups) or "all runs"

    facets = sorted({r[facet] for r in rows}, key=lambda s: float(s) if _is_number(s) else s) if facet else [None]
    metrics = [
        ("honest success (reached 90% of nodes)", lambda r: _ratio(r["honest.reached90"], r["honest.created"]), "linear"),
        ("honest latency to 90% (median, s)", lambda r: _num(r["honest.latency90_p50_s"]), "log"),
        ("spam reaching 50% of nodes", lambda r: _num(r["spam.reached50"]), "symlog"),
        ("attacker hashes", lambda r: _num(r["cost.attacker_hashes"]), "symlog"),
        ("relay repackaging hashes", lambda r: _num(r["cost.relay_repackage_hashes"]), "symlog"),
        ("spam share of honest bandwidth", lambda r: _num(r["cost.spam_bytes_share"]), "linear"),
    ]
    written = []
    for fv in facets:
        sub = [r for r in rows if facet is None or r[facet] == fv]
        fig, axes = plt.subplots(2, 3, figsize=(15, 8))
        for ax, (title, get, scale) in zip(axes.flat, metrics):
            by = defaultdict(lambda: defaultdict(list))
            for r in sub:
                xv = float(r[x]) if x else 0.0
                by[label(r)][xv].append(get(r))
            for lab in sorted(by):
                pts = sorted(by[lab].items())
                ms = [(xv, *_mean_sd(v)) for xv, v in pts]
                ms = [p for p in ms if p[1] is not None]
                if not ms:
                    continue
                ax.errorbar([p[0] for p in ms], [p[1] for p in ms], yerr=[p[2] for p in ms], marker="o", ms=4,
                            capsize=3, label=lab)
            ax.set_title(title)
            if x:
                ax.set_xlabel(f"{x} (H/s)" if x.endswith("hashrate") else x)
                if all(p > 0 for p in {float(r[x]) for r in sub}):
                    ax.set_xscale("log")
            if scale == "log":
                ax.set_yscale("log")
            elif scale == "symlog":
                ax.set_yscale("symlog", linthresh=1)
            ax.grid(alpha=0.3, which="both")
        axes.flat[0].set_ylim(-0.02, 1.02)
        axes.flat[5].set_ylim(-0.02, 1.02)
        axes.flat[0].legend(fontsize=7)
        suffix = ""
        if facet:
            fig.suptitle(f"{facet} = {fv}")
            suffix = "_" + "".join(ch if ch.isalnum() else "_" for ch in fv)
        written.append(_save(fig, out, f"sweep{suffix}.png"))
    return written


def _ratio(a, b):
    a, b = _num(a), _num(b)
    return a / b if a is not None and b else None


def render(d):
    out = os.path.join(d, "figures")
    if os.path.isfile(os.path.join(d, "sweep.csv")):
        return sweep_figures(d, out)
    if is_run(d):
        return run_figures([Run(d)], out)
    subs = sorted(os.path.join(d, s) for s in os.listdir(d) if is_run(os.path.join(d, s)))
    if subs:
        return run_figures([Run(s) for s in subs], out)
    raise NoOutputs(f"{d} holds no powrelay outputs (no summary.json, sweep.csv or run directories)")
