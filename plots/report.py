"""report.html: one self-contained page per run, per set of runs side by side, and per sweep: the scenario
(as resolved), the three answers in words and numbers (with 95% intervals for a sweep), the figures
(embedded: the page needs no network and no other file) and, for a sweep, the points.csv table."""
import base64
import csv
import html
import json
import math
import os

from figures import Run


def _img(path):
    with open(path, "rb") as f:
        data = base64.b64encode(f.read()).decode()
    name = html.escape(os.path.basename(path))
    return f'<figure><img alt="{name}" src="data:image/png;base64,{data}"><figcaption>{name}</figcaption></figure>'


def _num(x, pct=False):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if pct:
        return f"{100 * x:.0f}%"
    if abs(x) >= 1e5:
        return f"{x:.3g}"
    return f"{x:.3g}" if x != int(x) else f"{int(x)}"


def _get(d, path):
    for k in path.split("."):
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def _answers_of_run(s):
    """The three answers of one run, in words."""
    h, sp, c = s["honest"], s["spam"], s["cost"]
    da = h.get("during_attack")
    out = ["<h2>1. Spam</h2><p>"
           f"{sp['created']} spam transactions were created; {sp['accepted_first_hop']} were accepted by the first "
           f"honest node, {sp['reached50']} reached half of the honest nodes and {sp['confirmed']} were mined. "
           f"Spam was {_num(c['spam_bytes_share'], pct=True)} of the bytes honest nodes sent.</p>",
           "<h2>2. Honest users</h2><p>"
           f"{h['reached90']} of {h['created']} honest transactions reached 90% of the honest nodes (median "
           f"{_num(h['latency90_p50_s'])} s, 95th percentile {_num(h['latency90_p95_s'])} s, from creation); "
           f"{h['confirmed']} were confirmed."]
    if da:
        out.append(f" Of the {da['created']} sent during the attack ({_num(da['from_s'])} s to {_num(da['to_s'])} s), "
                   f"{da['reached90']} ({_num(da['reached90_share'], pct=True)}) reached 90%, in a median "
                   f"{_num(da['latency90_p50_s'])} s.")
    out.append("</p><h2>3. Who pays</h2><p>"
               f"Attackers spent {_num(c['attacker_hashes'])} hashes, honest senders {_num(c['honest_sender_hashes'])}, "
               f"honest relays (repackaging) {_num(c['relay_repackage_hashes'])}, every hash counted when spent.</p>")
    if "privacy" in s:
        out.append(f"<p>Privacy: first-spy precision {_num(s['privacy']['first_spy_precision'], pct=True)}.</p>")
    return "".join(out)


def _table(rows, cols):
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(r.get(c, '')))}</td>" for c in cols) + "</tr>"
                   for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _page(title, parts):
    style = ("body{font-family:sans-serif;max-width:1200px;margin:2em auto;color:#222}img{max-width:100%}"
             "figure{margin:1em 0}table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;"
             "padding:2px 6px;text-align:right}pre{background:#f6f6f6;padding:1em;overflow:auto;font-size:12px}")
    # The page tells a checker how many of its figures loaded (tests/e2e/test_plots.py, headless Chromium).
    script = ("window.addEventListener('load',function(){var n=0,i=document.images;for(var k=0;k<i.length;k++)"
              "if(i[k].complete&&i[k].naturalWidth>0)n++;document.body.setAttribute('data-images',i.length);"
              "document.body.setAttribute('data-images-loaded',n);});")
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{style}</style><script>{script}</script></head><body><h1>{html.escape(title)}</h1>"
            + "".join(parts) + "</body></html>\n")


def run_report(dirs, figures, out):
    runs = [Run(d) for d in dirs]
    parts = []
    for r in runs:
        parts.append(f"<h2>{html.escape(r.label)}</h2>" if len(runs) > 1 else "")
        parts.append(_answers_of_run(r.summary))
    parts += [_img(p) for p in figures]
    for r in runs:
        scen = os.path.join(r.dir, "scenario.yaml")
        if os.path.isfile(scen):
            with open(scen) as f:
                parts.append(f"<h2>Scenario{': ' + html.escape(r.label) if len(runs) > 1 else ''}</h2>"
                             f"<pre>{html.escape(f.read())}</pre>")
    title = ", ".join(sorted({r.summary.get("name", r.label) for r in runs}))
    _write(out, _page(f"powrelay: {title}", parts))


def sweep_report(d, figures, out):
    with open(os.path.join(d, "sweep.csv"), newline="") as f:
        runs = list(csv.DictReader(f))
    points = []
    if os.path.isfile(os.path.join(d, "points.csv")):
        with open(os.path.join(d, "points.csv"), newline="") as f:
            points = list(csv.DictReader(f))
    cols = list(runs[0])
    params = cols[1:cols.index("seed")]
    name = os.path.basename(os.path.normpath(d))
    scen = None
    for r in runs:
        p = os.path.join(d, r["run"], "summary.json")
        if os.path.isfile(p):
            with open(p) as f:
                name = json.load(f).get("name", name)
            if os.path.isfile(os.path.join(d, r["run"], "scenario.yaml")):
                with open(os.path.join(d, r["run"], "scenario.yaml")) as f:
                    scen = f.read()
            break
    parts = [f"<p>{len(runs)} runs, {len(points) or '?'} points of the design (swept: "
             f"{html.escape(', '.join(params) or 'replications only')}); values are means over the seeds with the "
             "half-width of their 95% Student-t interval.</p>"]
    answers = [("spam reaching half the network", "spam.reached50", False),
               ("honest transactions sent during the attack reaching 90%", "honest.during_attack.reached90_share", True),
               ("their median time to 90% (s)", "honest.during_attack.latency90_p50_s", False),
               ("attacker hashes", "cost.attacker_hashes", False),
               ("honest sender hashes", "cost.honest_sender_hashes", False),
               ("relay repackaging hashes", "cost.relay_repackage_hashes", False)]
    parts.append("<h2>The answers, point by point</h2>")
    rows = []
    for p in points:
        row = {k: p[k] for k in params}
        row["n"] = p["n"]
        for label, key, pct in answers:
            m, h = p.get(key + "_mean", ""), p.get(key + "_ci95", "")
            if m == "":
                row[label] = "-"
                continue
            mv, hv = float(m), float(h) if h else float("nan")
            row[label] = _num(mv, pct) + ("" if math.isnan(hv) else " ± " + _num(hv, pct))
        rows.append(row)
    parts.append(_table(rows, params + ["n"] + [a[0] for a in answers]))
    parts += [_img(p) for p in figures]
    if points:
        parts.append("<h2>points.csv</h2>" + _table(points, list(points[0])))
    if scen:
        parts.append(f"<h2>Scenario (its first run, as resolved)</h2><pre>{html.escape(scen)}</pre>")
    _write(out, _page(f"powrelay sweep: {name}", parts))


def _write(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
