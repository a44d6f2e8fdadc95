"""The figures of a run and of a sweep, from powrelay's output files (docs/scenario.md#outputs)."""
import csv
import json
import math
import os
from collections import defaultdict

import matplotlib

from tquantile import mean_interval  # plots/: the shared interval

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
        bp = os.path.join(d, "blocks.csv")
        self.blocks = _rows(bp) if os.path.isfile(bp) else []

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


def _window(runs):
    """The attack window (from, to) of the first run that has one, or None."""
    for r in runs:
        da = r.summary.get("honest", {}).get("during_attack")
        if da:
            return da["from_s"], da["to_s"]
    return None


def _shade(ax, runs):
    w = _window(runs)
    if w:
        ax.axvspan(w[0], w[1], color="tab:red", alpha=0.07, lw=0, label="attack")


def _title(fig, runs):
    names = sorted({r.summary.get("name", "") for r in runs})
    fig.suptitle(", ".join(n for n in names if n), fontsize=10)


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
    _title(fig, runs)
    return _save(fig, out, "honest_latency_cdf.png")


def spam_reach(runs, out):
    fig, ax = plt.subplots(figsize=(10, 4.2))
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
    _shade(ax, runs)
    ax.set_title("Spam over time (by creation time)")
    ax.set_xlabel("simulated time (s)")
    ax.set_ylabel("spam transactions per second")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)
    _title(fig, runs)
    return _save(fig, out, "spam_reach.png")


def requirement(runs, out):
    """Left: what links ask (median, 90th percentile, highest; a few capped links dominate the mean, so
    it is not drawn). Right: the share of honest nodes' links asking more than base."""
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 5.4))
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
    for a in (ax, ax2):
        _shade(a, runs)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(0, -0.18), ncol=2)
    ax2.legend(fontsize=7, loc="upper left", bbox_to_anchor=(0, -0.18), ncol=2)
    _title(fig, runs)
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
        axes[0].bar(xs, [v if v >= 1 else 1 for v in vals], width, label=r.label)
    axes[0].set_xticks(range(len(keys)))
    axes[0].set_xticklabels(names)
    top = max([r.summary["cost"][k] for r in runs for k in keys] + [1])
    axes[0].set_yscale("log")
    axes[0].set_ylim(1, top * 3)  # every bar whole, however tall (none is drawn at 1)
    axes[0].set_ylabel("hashes (log; none drawn at 1)")
    axes[0].set_title("Who pays: PoW hashes, every hash counted")
    axes[0].legend(fontsize=8, loc="upper left")
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
    _title(fig, runs)
    return _save(fig, out, "who_pays.png")


def _rolling(xs, width, fn):
    return [fn(xs[max(0, i - width + 1):i + 1]) for i in range(len(xs))]


def blocks_and_fees(runs, out):
    """Block space and who waits for it (blocks.csv; docs/protocol.md#block-template): block weights (the
    30-block rolling maximum, as the flood analysis plots them) against the penalty-free zone and the
    chain's median; the mean mempool; the mean wait to confirmation per fee tier, by hour of creation."""
    fig, axes = plt.subplots(3, 1, figsize=(10, 9.5), sharex=True)
    hours = 3600.0
    for r in runs:
        if not r.blocks:
            continue
        t = [float(b["time_s"]) / hours for b in r.blocks]
        w = [int(b["weight"]) / 1e3 for b in r.blocks]
        axes[0].plot(t, _rolling(w, 30, max), lw=1, label=f"{r.label}: weight, 30-block max")
        axes[0].plot(t, [int(b["median_weight"]) / 1e3 for b in r.blocks], lw=1, ls=":",
                     label=f"{r.label}: median of the chain")
        axes[0].plot(t, [int(b["penalty_free_zone"]) / 1e3 for b in r.blocks], lw=1, ls="--",
                     label=f"{r.label}: penalty-free zone")
        axes[1].plot([float(x["t_s"]) / hours for x in r.ts], [float(x["mempool_bytes"]) / 1e6 for x in r.ts],
                     lw=1, label=r.label)
        groups = {}
        for tx in r.txs:
            key = (tx["kind"], tx.get("fee", ""))
            groups.setdefault(key, {}).setdefault(int(float(tx["created_s"]) // hours), []).append(
                _num(tx["confirmed_s"]))
        for (kind, fee), by_hour in sorted(groups.items(), key=lambda kv: (kv[0][0], _num(kv[0][1]) or 0)):
            hs = sorted(by_hour)
            # the mean over the confirmed ones; an hour whose transactions all still wait is left out
            means = [(h + 0.5, sum(v for v in by_hour[h] if v is not None) /
                      max(1, sum(1 for v in by_hour[h] if v is not None)) / 60) for h in hs
                     if any(v is not None for v in by_hour[h])]
            label = f"{r.label}: {kind}" + (f", fee {fee}" if fee else "")
            axes[2].plot([m[0] for m in means], [m[1] for m in means], lw=1, marker=".", ms=3, label=label)
    axes[0].set_ylabel("kB")
    axes[0].set_title("Blocks: weight against the penalty-free zone")
    axes[1].set_ylabel("MB per honest node")
    axes[1].set_title("Mempool")
    axes[2].set_ylabel("minutes")
    axes[2].set_yscale("symlog", linthresh=1)
    axes[2].set_title("Mean wait to confirmation (of those confirmed), by hour of creation and fee rate")
    axes[2].set_xlabel("simulated hours")
    for ax in axes:
        w = _window(runs)
        if w:
            ax.axvspan(w[0] / hours, w[1] / hours, color="tab:red", alpha=0.07, lw=0)
        ax.grid(alpha=0.3)
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=7, loc="upper left")
    _title(fig, runs)
    return _save(fig, out, "blocks.png")


def run_figures(runs, out):
    figs = [latency_cdf(runs, out), spam_reach(runs, out), requirement(runs, out), who_pays(runs, out)]
    if any(r.blocks for r in runs):
        figs.append(blocks_and_fees(runs, out))
    return figs


# ---- sweeps ----

def _is_number(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


def mean_ci(v):
    """(mean, half-width of the 95% Student-t interval) of the values that are numbers; None, None if none."""
    v = [x for x in v if x is not None and not math.isnan(x)]
    if not v:
        return None, None
    m, half = mean_interval(v)
    return m, half if len(v) > 1 else 0.0


def x_axis(values):
    """How to draw a swept parameter: ('log' | 'linear', sorted numbers) when every value is a number
    (log only when they are all positive and span at least a factor 10), else ('category', values in
    the sweep's order): booleans and names."""
    if values and all(_is_number(v) for v in values):
        nums = sorted({float(v) for v in values})
        if nums[0] > 0 and nums[-1] / nums[0] >= 10:
            return "log", nums
        return "linear", nums
    return "category", list(dict.fromkeys(values))


def y_scale(values):
    """A non-negative quantity on a log axis only when all of it is positive and spans a factor 10."""
    v = [x for x in values if x is not None and not math.isnan(x)]
    if v and min(v) > 0 and max(v) / min(v) >= 10:
        return "log"
    return "linear"


def sweep_metrics(rows):
    """(title, getter, bounded to [0, 1]) for the panels; attack-window answers when there are some."""
    has = lambda k: k in rows[0] and any(r[k] != "" for r in rows)
    window = has("honest.during_attack.reached90_share")
    metrics = [
        ("honest txs reaching 90% of nodes" + (" (sent during the attack)" if window else ""),
         (lambda r: _num(r["honest.during_attack.reached90_share"])) if window
         else (lambda r: _ratio(r["honest.reached90"], r["honest.created"])), True),
        ("median time to 90% of nodes (s)" + (" (sent during the attack)" if window else ""),
         (lambda r: _num(r["honest.during_attack.latency90_p50_s"])) if window
         else (lambda r: _num(r["honest.latency90_p50_s"])), False),
        ("spam reaching 50% of nodes", lambda r: _num(r["spam.reached50"]), False),
        ("attacker hashes", lambda r: _num(r["cost.attacker_hashes"]), False),
        ("honest hashes (senders + relays)", lambda r: (_num(r["cost.honest_sender_hashes"]) or 0)
         + (_num(r["cost.relay_repackage_hashes"]) or 0), False),
        ("spam share of honest bandwidth", lambda r: _num(r["cost.spam_bytes_share"]), True),
    ]
    if has("privacy.first_spy_precision"):
        metrics.append(("first-spy precision (privacy)", lambda r: _num(r["privacy.first_spy_precision"]), True))
    return metrics


def sweep_name(d, rows):
    for r in rows:
        p = os.path.join(d, r["run"], "summary.json")
        if os.path.isfile(p):
            with open(p) as f:
                return json.load(f).get("name", "")
    return os.path.basename(os.path.normpath(d))


def sweep_figures(d, out, keep=False):
    """Write the sweep's figures; with keep, also return the matplotlib figures (for tests)."""
    rows = _rows(os.path.join(d, "sweep.csv"))
    if not rows:
        raise NoOutputs(f"{d}/sweep.csv has no finished runs")
    cols = list(rows[0].keys())
    params = cols[1:cols.index("seed")]
    varying = [p for p in params if len({r[p] for r in rows}) > 1]
    numeric = [p for p in varying if all(_is_number(r[p]) for r in rows)]
    xs = [p for p in numeric if p.startswith("attackers.") and p.endswith(".hashrate")] or numeric or varying
    x = xs[0] if xs else None
    facet = "honest.hashrate" if "honest.hashrate" in varying and x != "honest.hashrate" else None
    groups = [p for p in varying if p not in (x, facet)]
    kind, ticks = x_axis([r[x] for r in rows]) if x else ("category", ["all runs"])
    name = sweep_name(d, rows)

    def label(r):
        return ", ".join(f"{p} = {r[p]}" for p in groups) or "mean of the seeds"

    def xpos(r):
        if not x:
            return 0
        return ticks.index(r[x]) if kind == "category" else float(r[x])

    facets = sorted({r[facet] for r in rows}, key=lambda s: float(s) if _is_number(s) else s) if facet else [None]
    metrics = sweep_metrics(rows)
    written, figs = [], []
    for fv in facets:
        sub = [r for r in rows if facet is None or r[facet] == fv]
        ncol = 4 if len(metrics) > 6 else 3
        fig, axes = plt.subplots(2, ncol, figsize=(5 * ncol, 8.4))
        labels_seen = []
        for ax, (title, get, unit) in zip(axes.flat, metrics):
            by = defaultdict(lambda: defaultdict(list))
            for r in sub:
                by[label(r)][xpos(r)].append(get(r))
            allv = []
            for k, lab in enumerate(sorted(by)):
                pts = [(xv, *mean_ci(v)) for xv, v in sorted(by[lab].items())]
                pts = [p for p in pts if p[1] is not None]
                allv += [p[1] for p in pts]
                if not pts:
                    continue
                scale = "linear" if unit else y_scale([p[1] for p in pts] + allv)
                lo = [min(p[2], p[1] * 0.9) if scale == "log" else p[2] for p in pts]  # clipped above 0
                dx = (k - (len(by) - 1) / 2) * 0.06 if kind == "category" else 0
                ax.errorbar([p[0] + dx for p in pts], [p[1] for p in pts], yerr=[lo, [p[2] for p in pts]], marker="o",
                            ms=4, capsize=3, label=lab, ls="none" if kind == "category" else "-")
                if lab not in labels_seen:
                    labels_seen.append(lab)
            ax.set_title(title, fontsize=10)
            if unit:
                ax.set_ylim(-0.02, 1.02)
            else:
                ax.set_yscale(y_scale(allv))
                if y_scale(allv) == "linear":
                    ax.set_ylim(bottom=0)
            if kind == "category":
                ax.set_xticks(range(len(ticks)))
                ax.set_xticklabels(ticks)
                ax.set_xlim(-0.5, len(ticks) - 0.5)
            else:
                ax.set_xscale(kind)
                ax.set_xticks(ticks)
                ax.set_xticklabels([f"{t:g}" for t in ticks])
                ax.minorticks_off()
            if x:
                ax.set_xlabel(x)
            ax.grid(alpha=0.3, which="both")
        for ax in list(axes.flat)[len(metrics):]:
            ax.axis("off")
        handles, labs = axes.flat[0].get_legend_handles_labels()
        fig.legend(handles, labs, loc="lower center", ncol=min(4, max(1, len(labs))), fontsize=8,
                   bbox_to_anchor=(0.5, 0.0))
        fig.suptitle(f"{name}" + (f": {facet} = {fv}" if facet else "") +
                     " (mean over the seeds; bars: 95% interval)", fontsize=11)
        fig.tight_layout(rect=(0, 0.06, 1, 0.97))
        suffix = ""
        if facet:
            suffix = "_" + "".join(ch if ch.isalnum() else "_" for ch in fv)
        os.makedirs(out, exist_ok=True)
        path = os.path.join(out, f"sweep{suffix}.png")
        fig.savefig(path, dpi=DPI)
        written.append(path)
        if keep:
            figs.append(fig)
        else:
            plt.close(fig)
    return (written, figs) if keep else written


def _ratio(a, b):
    a, b = _num(a), _num(b)
    return a / b if a is not None and b else None


def render(d):
    """Every figure of d, and d/report.html."""
    import report
    out = os.path.join(d, "figures")
    if os.path.isfile(os.path.join(d, "sweep.csv")):
        written = sweep_figures(d, out)
        report.sweep_report(d, written, os.path.join(d, "report.html"))
        return written + [os.path.join(d, "report.html")]
    if is_run(d):
        dirs = [d]
    else:
        dirs = sorted(os.path.join(d, s) for s in os.listdir(d) if is_run(os.path.join(d, s)))
    if not dirs:
        raise NoOutputs(f"{d} holds no powrelay outputs (no summary.json, sweep.csv or run directories)")
    written = run_figures([Run(s) for s in dirs], out)
    report.run_report(dirs, written, os.path.join(d, "report.html"))
    return written + [os.path.join(d, "report.html")]
