#!/usr/bin/env bash
# Where the device queues drop, on both network models (docs/validation-queues.md): the lossless floods
# without PoW at the diagnosis's size (60 nodes, 120 s; nopow-lat2 has the matrix's widest gap with
# 100-packet queues) run on ns-3 as the
# matrix runs it, on ns-3 with queues that never fill (ns3-unbounded) and with a 1 s floor on TCP's
# retransmission timer (ns3-timer1s) and with uplinks that never drop a retransmission (ns3-keepretx, as
# flow's), and on flow with 100-packet queues (flow-q100), traced (POWRELAY_STEM_TRACE=1: stems.csv)
# and tallied (POWRELAY_NS3_QUEUES / POWRELAY_FLOW_QUEUES: each run's queues.csv), then plots/queues writes
# the tables. Resumable: a finished run is not run again. About 15 minutes (ns-3: under a minute a run).
#
# usage: bash scripts/queues.sh [OUT]   (default results/queues; SEEDS=3, CELLS=nopow-base,nopow-lat0.5,nopow-lat2)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${1:-results/queues}
seeds=${SEEDS:-3}
cells=${CELLS:-nopow-base,nopow-lat0.5,nopow-lat2}
[ -n "${POWRELAY:-}" ] || bash scripts/build.sh
powrelay=${POWRELAY:-build/runner/powrelay}
mkdir -p "$out/cells"
export POWRELAY_STEM_TRACE=1
for cell in ${cells//,/ }; do
  /usr/bin/python3 - "$cell" "$out/cells/$cell.yaml" <<'PY'
import importlib.machinery, importlib.util, sys
sys.path.insert(0, "plots")
loader = importlib.machinery.SourceFileLoader("validate", "plots/validate")
v = importlib.util.module_from_spec(importlib.util.spec_from_loader("validate", loader))
loader.exec_module(v)
with open(sys.argv[2], "w") as f:
    f.write(v.cell_text(sys.argv[1], 60, 120))  # the diagnosis's size
PY
  pids=()
  for seed in $(seq 1 "$seeds"); do
    for net in flow-q100 ns3 ns3-unbounded ns3-timer1s ns3-keepretx; do
      d="$out/$cell/$net/run-s$seed"
      [ -f "$d/summary.json" ] && [ -f "$d/queues.csv" ] && continue
      rm -rf "$d"
      mkdir -p "$(dirname "$d")"
      if [ "$net" != flow-q100 ]; then
        # ns3: as the matrix runs it; ns3-unbounded: queues that never fill (a timeout there is spurious:
        # nothing was lost); ns3-timer1s: the timer's floor 1 s rather than 200 ms, above a full queue's
        # wait; ns3-keepretx: uplinks that never drop a retransmission, as flow's
        attr=; extra=(); keep=0
        [ "$net" = ns3-unbounded ] && extra=(--set network.queue_packets=1000000)
        [ "$net" = ns3-timer1s ] && attr=ns3::TcpSocketBase::ClockGranularity=1s
        [ "$net" = ns3-keepretx ] && keep=1
        env -u NS_ATTRIBUTE_DEFAULT ${attr:+NS_ATTRIBUTE_DEFAULT=$attr} POWRELAY_NS3_KEEP_RETX=$keep \
          POWRELAY_NS3_QUEUES="$d.queues" \
          "$powrelay" run "$out/cells/$cell.yaml" --seed "$seed" -o "$d" -q --set network.model=ns3 "${extra[@]}" &&
          mv "$d.queues" "$d/queues.csv" &
        pids+=($!)
      else
        POWRELAY_FLOW_QUEUES="$d.queues" "$powrelay" run "$out/cells/$cell.yaml" --seed "$seed" -o "$d" -q \
          --set network.model=flow --set network.queue_packets=100
        mv "$d.queues" "$d/queues.csv"
      fi
      if [ ${#pids[@]} -ge 2 ]; then wait "${pids[@]}"; pids=(); fi
    done
  done
  [ ${#pids[@]} -eq 0 ] || wait "${pids[@]}"
done
/usr/bin/python3 plots/queues "$out" docs
