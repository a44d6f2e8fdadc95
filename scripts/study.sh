#!/usr/bin/env bash
# Run the study of the README's Results section and regenerate its figures and table:
# the sweeps scenarios/study-*.yaml into results/study/<name>/, then plots/study, which writes
# docs/figures/study-*.png and docs/study-table.md. Resumes where it stopped (finished runs are
# skipped). Uses every core (-j); under a cluster, run the sweeps with mpirun instead.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/build.sh
jobs=$(nproc 2>/dev/null || echo 2)
for s in no-attack flood under-limit lowball cheapest no-pow scale; do
  ./build/runner/powrelay sweep "scenarios/study-$s.yaml" -o "results/study/$s" -j "$jobs"
done
/usr/bin/python3 plots/study results/study docs
