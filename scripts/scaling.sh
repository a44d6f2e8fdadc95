#!/usr/bin/env bash
# Measure what a parallel flow model would face (docs/scaling.md): each run below with
# POWRELAY_PARTSTAT, which cuts the nodes into 2 to 64 partitions (regions together, balanced by
# degree) and counts windows, events per window, load imbalance and cross-partition messages; then
# docs/scaling-table.md. One seed: these are counts of the run's structure, not answers. About 20 minutes.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/build.sh
out=results/scaling
mkdir -p "$out"
measure() { # name, scenario, then powrelay's options
  local name=$1 scen=$2
  shift 2
  [ -f "$out/$name.csv" ] ||
    POWRELAY_PARTSTAT="$out/$name.csv" ./build/runner/powrelay run "$scen" -o "$out/$name" -q "$@"
}
# large.yaml's first 20 simulated minutes (its attack starts at 10)
measure large scenarios/large.yaml --set duration_s=1200
# the March 2024 flood: one hour of it at 1,000 nodes, and 10 minutes at the full 13,600
measure flood-1000 scenarios/black-marble-small.yaml --set attackers.0.start_s=0 --set duration_s=3600
measure flood-13600 scenarios/black-marble.yaml --set attackers.0.start_s=0 --set duration_s=600
/usr/bin/python3 - "$out" docs/scaling-table.md <<'PY'
import csv, json, os, sys
out, dest = sys.argv[1], sys.argv[2]
runs = [("large", "large.yaml, 10,000 nodes, first 20 min"),
        ("flood-1000", "black-marble-small.yaml, 1,000 nodes, 1 h of flood"),
        ("flood-13600", "black-marble.yaml, 13,600 nodes, 10 min of flood")]
lines = ["<!-- written by scripts/scaling.sh; do not edit -->",
         "| run | partitions | window (ms) | events / s simulated | events per window | imbalance (max / mean) "
         "| speed-up bound | cross-partition messages | cross traffic (Mbit / s simulated) | wall s, 1 thread |",
         "|---|---|---|---|---|---|---|---|---|---|"]
for name, label in runs:
    with open(os.path.join(out, name + ".csv")) as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(out, name, "summary.json")) as f:
        s = json.load(f)
    with open(os.path.join(out, name, "run.json")) as f:
        wall = json.load(f)["wall_s"]
    for r in rows:
        lines.append(f"| {label} | {r['partitions']} | {float(r['window_ms']):.1f} | "
                     f"{int(r['events']) / s['sim_s']:,.0f} | {float(r['events_per_busy_window']):,.0f} | "
                     f"{float(r['imbalance']):.2f} | {float(r['speedup_bound']):.1f} | "
                     f"{100 * float(r['cross_msg_share']):.0f}% | {float(r['cross_mbit_per_sim_s']):,.0f} | {wall:.0f} |")
        label = ""
with open(dest, "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
