#!/usr/bin/env bash
# The flow-versus-ns-3 agreement matrix (docs/validation.md): every cell of plots/validate on both network
# models (a lossy cell on ns-3 with Linux's slow start too), 300 nodes, 5 seeds (resumable), then the
# diagnosis of the cells that disagree (60 nodes, 5 seeds, ns-3's settings changed one at a time), then the
# tables, figure and ledger (docs/validation-runs.csv: what is already run by this build is skipped, so the
# matrix can be finished over several sessions). Long: the ns-3 runs take minutes each, up to an hour.
# Options go to plots/validate run (e.g. --seeds 3 --nodes 100).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/build.sh
jobs=$(nproc 2>/dev/null || echo 2)
/usr/bin/python3 plots/validate run results/validate -j "$jobs" "$@"
/usr/bin/python3 plots/validate diagnose results/validate -j "$jobs"
/usr/bin/python3 plots/validate report results/validate docs
