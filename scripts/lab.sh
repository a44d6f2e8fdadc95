#!/usr/bin/env bash
# Run the policy lab of the README's "Which defence works" and regenerate its table and figures: one
# search per defence on scenarios/lab-search.yaml (powrelay search --defence) and the same scenario
# without a defence; the same for the two defences that read a fee, with spam paying the honest fee
# (lab-search-fee.yaml); then each defence's searched best (plots/lab's declared selection rule), no
# defence and the original rules at their defaults against scenarios/lab-eval.yaml's attacks, on thin
# uplinks (lab-eval-thin.yaml), with spam paying the honest fee (lab-eval-fee.yaml, where the fee
# search's bests join them), at 1,000 nodes from 1e4 to 1e6 H/s (lab-scale.yaml, lab-scale-cheap.yaml)
# and with no attack (lab-calm.yaml); the packet-level check (lab-confirm.yaml on flow and ns-3); and
# plots/lab report (docs/lab-table.md, docs/figures/lab-*.png). Resumes where it stopped.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/build.sh
jobs=$(nproc 2>/dev/null || echo 2)
lab=results/lab
for d in original fixed token_bucket fee_floor work_floor credit; do
  ./build/runner/powrelay search scenarios/lab-search.yaml --defence "$d" -o "$lab/search-$d" -j "$jobs" -q
done
for s in 1 2; do  # the search's seeds
  [ -f "$lab/search-none/s$s/summary.json" ] ||
    ./build/runner/powrelay run scenarios/lab-search.yaml --set defence.policy=none --seed "$s" -o "$lab/search-none/s$s" -q
done
# The defences that read a fee, searched again with spam paying the honest fee (their bests join lab-eval-fee).
for d in token_bucket fee_floor; do
  ./build/runner/powrelay search scenarios/lab-search-fee.yaml --defence "$d" -o "$lab/searchfee-$d" -j "$jobs" -q
done
for s in 1 2; do
  [ -f "$lab/searchfee-none/s$s/summary.json" ] ||
    ./build/runner/powrelay run scenarios/lab-search-fee.yaml --set defence.policy=none --seed "$s" -o "$lab/searchfee-none/s$s" -q
done
/usr/bin/python3 plots/lab choose "$lab"
/usr/bin/python3 plots/lab choose "$lab" --fee
/usr/bin/python3 plots/lab evaluate "$lab" -j "$jobs"
/usr/bin/python3 plots/lab confirm "$lab" -j "$jobs"
/usr/bin/python3 plots/lab report "$lab" docs
