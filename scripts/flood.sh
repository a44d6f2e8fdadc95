#!/usr/bin/env bash
# Replay the March 2024 flood (README "The March 2024 flood") and regenerate its table and figure:
# scenarios/black-marble-small.yaml at 300 nodes for seeds 1-3, and as written (1,000 nodes) for seed 1;
# then plots/flood writes docs/flood-table.md and docs/figures/flood-blocks.png. Resumes: a run with its
# summary.json is not run again. About 2 hours on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/build.sh
out=results/flood
run() { # name, then powrelay's options
  local name=$1
  shift
  [ -f "$out/$name/summary.json" ] || ./build/runner/powrelay run scenarios/black-marble-small.yaml -o "$out/$name" -q "$@"
}
run n300-s1 --set nodes.count=300 --seed 1 &
run n300-s2 --set nodes.count=300 --seed 2
wait
run n300-s3 --set nodes.count=300 --seed 3 &
run n1000-s1 --seed 1
wait
/usr/bin/python3 plots/flood "$out" docs
