#!/usr/bin/env bash
# The study of README "The March 2024 flood": scenarios/flood-study.yaml with no defence, the original
# rules at their defaults, each policy-lab defence at its searched best (from results/lab: run
# scripts/lab.sh's searches first, or only the first two are run) and relay.mode announce, over the
# attacker's hash rate, 3 seeds each; then plots/flood-study writes docs/flood-study-table.md and
# docs/figures/flood-study.png. Resumes where it stopped. About 40 minutes on 2 cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/build.sh
jobs=$(nproc 2>/dev/null || echo 2)
/usr/bin/python3 plots/flood-study run results/flood-study results/lab -j "$jobs"
/usr/bin/python3 plots/flood-study report results/flood-study docs
