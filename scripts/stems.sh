#!/usr/bin/env bash
# Where honest stems wait under a flood without PoW, on both network models (docs/validation-stems.md),
# and whom the first spy names (docs/validation-spies.md): traced runs (POWRELAY_STEM_TRACE=1: each run
# also writes stems.csv) of the matrix's nopow-base and nopow-thin (flow, ns-3) and nopow-loss1 (flow, ns-3
# with Linux's slow start), and of nopow-base and nopow-loss1 with the JP and SA regions' uplinks as fast
# as the others' (6.5 Mbit/s: cells nopow-base-fastup, nopow-loss1-fastup), then plots/stems and
# plots/spies write the tables.
# Resumable: a finished run is not run again. Each ns-3 run takes 20-35 minutes on this machine (two at a
# time); SEEDS (default 2) seeds each.
#
# usage: bash scripts/stems.sh [OUT]   (default results/stems)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${1:-results/stems}
seeds=${SEEDS:-2}
[ -n "${POWRELAY:-}" ] || bash scripts/build.sh
export POWRELAY_STEM_TRACE=1
# --ledger /dev/null: run every seed here, traced, even those the matrix's ledger holds
/usr/bin/python3 plots/validate run "$out" --cells nopow-base,nopow-thin --seeds "$seeds" --networks flow,ns3 \
  --ledger /dev/null
/usr/bin/python3 plots/validate run "$out" --cells nopow-loss1 --seeds "$seeds" --networks flow,ns3-linuxss \
  --ledger /dev/null

powrelay=${POWRELAY:-build/runner/powrelay}
pids=()
for fast in "nopow-base ns3" "nopow-loss1 ns3-linuxss"; do
  read -r base ns3 <<< "$fast"
  cell=$base-fastup
  sed -e 's/up_mbps: 2.2,/up_mbps: 6.5,/' -e 's/up_mbps: 1.7,/up_mbps: 6.5,/' \
    -e "s/name: validate-$base/name: $cell/" "$out/cells/$base.yaml" > "$out/cells/$cell.yaml"
  for net in flow "$ns3"; do
    for seed in $(seq 1 "$seeds"); do
      d="$out/$cell/$net/run-s$seed"
      [ -f "$d/summary.json" ] && continue
      rm -rf "$d"
      mkdir -p "$(dirname "$d")"
      if [ "$net" = flow ]; then
        "$powrelay" run "$out/cells/$cell.yaml" --seed "$seed" -o "$d" -q --set network.model=flow
        continue
      fi
      settings=(-u NS_ATTRIBUTE_DEFAULT) # ns-3 as the matrix runs it
      [ "$net" = ns3-linuxss ] && settings=(NS_ATTRIBUTE_DEFAULT=ns3::TcpL4Protocol::SocketType=ns3::PowrelayLinuxCubic)
      env "${settings[@]}" "$powrelay" run "$out/cells/$cell.yaml" --seed "$seed" -o "$d" -q --set network.model=ns3 &
      pids+=($!)
      if [ ${#pids[@]} -ge 2 ]; then wait "${pids[@]}"; pids=(); fi
    done
  done
done
[ ${#pids[@]} -eq 0 ] || wait "${pids[@]}"
/usr/bin/python3 plots/stems "$out" docs
/usr/bin/python3 plots/spies "$out" docs
