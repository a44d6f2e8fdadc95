#!/usr/bin/env bash
# One thin uplink feeding several TCP connections, on both network models (tests/ns3/fanout_probe.c): a
# JP node's uplink in a flood reduced to its physics. Each case: PEERS connections, RATE transactions a
# second relayed to every peer in batches EVERY_S apart, 100-packet queues (and once a queue that never
# fills: ns-3's timeouts there are spurious, nothing is lost); printed as a table, the hub uplink's drops
# from the queues' tally, and its TCP senders' fast recoveries and timeouts. No loss and no jitter: a case's numbers do not depend on the seed.
# The one-connection cases (100- and 105-packet queues: ns-3's pure ACKs hold about 5 places of the hub's
# queue, flow's uplinks carry none) also trace the window (POWRELAY_FLOW_CWND, POWRELAY_NS3_CWND) and
# plots/sawtooth prints its cycle.
# About a minute.
#
# usage: bash scripts/fanout.sh   (FANOUT_PROBE: the probe, default build/tests/fanout_probe)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
probe=${FANOUT_PROBE:-$root/build/tests/fanout_probe}
[ -x "$probe" ] || { echo "fanout.sh: no $probe (build first: bash scripts/build.sh)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "| peers | offered (Mbit/s) | every (s) | queue (packets) | model | delivered | mean delay (s) | 95th pct (s) | hub uplink: data segments taken | dropped | hub's senders: fast recoveries | timeouts |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for c in "1 200 2.5 100" "1 200 2.5 105" "4 20 2.5 100" "4 20 2.5 1000000" "12 10 2.5 100" "12 20 2.5 100" "12 20 0.5 100"; do
  set -- $c
  offered=$(awk -v p="$1" -v r="$2" 'BEGIN { printf "%.2f", p * r * 1535 * 8 / 1e6 }')
  for net in flow ns3; do
    trace=()
    [ "$1" = 1 ] && trace=(POWRELAY_FLOW_CWND="$tmp/cwnd-$net-$4.csv" POWRELAY_NS3_CWND="$tmp/cwnd-$net-$4.csv") # plots/sawtooth below
    env -u NS_ATTRIBUTE_DEFAULT POWRELAY_FLOW_QUEUES="$tmp/q.csv" POWRELAY_NS3_QUEUES="$tmp/q.csv" "${trace[@]}" \
      "$probe" "$net" 1 "$1" "$2" "$3" "$4" > "$tmp/out"
    read -r _ _ _ delivered _ mean _ p95 < "$tmp/out"
    IFS=, read -r _ _ _ _ taken _ dropped recoveries timeouts _ < <(sed -n 2p "$tmp/q.csv")
    echo "| $1 | $offered | $3 | $4 | $net | $delivered | $mean | $p95 | $taken | $dropped | $recoveries | $timeouts |"
  done
done
echo
echo "One connection's sawtooth (the first two cases, their windows traced; from 20 s on):"
echo
/usr/bin/python3 "$root/plots/sawtooth" flow="$tmp/cwnd-flow-100.csv" ns3="$tmp/cwnd-ns3-100.csv" \
  "flow, 105-packet queue"="$tmp/cwnd-flow-105.csv" "ns3, 105-packet queue"="$tmp/cwnd-ns3-105.csv"
