#!/usr/bin/python3
"""A straightforward Python reference of the benchmark's flood, for comparison (issue 6): the same
graph rules (8 outbound, 12..24 peers), regions, latencies, uplink and downlink serialisation and
per-delivery answers as powrelay's flow model with Dandelion++ off and flush delays 0; a heapq event
loop and a set of seen transactions per node. Prints tx deliveries per second of wall time.

usage: pyflood.py NODES TXS [SEED]"""
import heapq
import random
import sys
import time

SHARES = [0.3316, 0.4998, 0.0090, 0.1177, 0.0224, 0.0195]
UP = [6.74e6, 6.72e6, 2.2e6, 6.53e6, 1.7e6, 6.1e6]
DOWN = [41.68e6, 21.29e6, 9.89e6, 14.56e6, 6.9e6, 16e6]
LAT = [
    [35.5, 119.49, 254.79, 310.11, 154.36, 207.91],
    [119.49, 11.61, 221.08, 241.9, 266.45, 350.07],
    [254.79, 221.08, 137.09, 346.65, 255.95, 268.91],
    [310.11, 241.9, 346.65, 99.46, 172.24, 277.8],
    [154.36, 266.45, 255.95, 172.24, 8.76, 162.59],
    [207.91, 350.07, 268.91, 277.8, 162.59, 21.72],
]
TX_BYTES = 1535 + 8 + 2 * 40
ANSWER_BYTES = 21 + 8 + 40


def graph(n, rng):
    peers = [set() for _ in range(n)]
    for v in rng.sample(range(n), n):
        tries = 0
        out = 0
        while out < 8 and len(peers[v]) < 24 and tries < 512:
            u = rng.randrange(n)
            tries += 1
            if u != v and u not in peers[v] and len(peers[u]) < 24:
                peers[v].add(u)
                peers[u].add(v)
                out += 1
    for v in range(n):
        while len(peers[v]) < 12:
            u = rng.randrange(n)
            if u != v and u not in peers[v] and len(peers[u]) < 24:
                peers[v].add(u)
                peers[u].add(v)
    return [sorted(p) for p in peers]


def main():
    n, txs = int(sys.argv[1]), int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    region = rng.choices(range(6), weights=SHARES, k=n)
    peers = graph(n, rng)
    lat = {}
    for v in range(n):
        for u in peers[v]:
            if (u, v) not in lat:
                lat[(v, u)] = lat[(u, v)] = LAT[region[v]][region[u]] / 1e3 * rng.uniform(0.9, 1.1)
    seen = [set() for _ in range(n)]
    up_free = [0.0] * n
    down_free = [0.0] * n
    events = []  # (time, seq, kind, node, from, tx)
    seq = 0
    deliveries = 0

    def send(now, src, dst, tx, size, kind):
        nonlocal seq
        start = max(now, up_free[src])
        up_free[src] = start + size * 8 / UP[region[src]]
        arrive = up_free[src] + lat[(src, dst)] + size * 8 / DOWN[region[dst]]
        heapq.heappush(events, (arrive, seq, kind, dst, src, tx))
        seq += 1

    for t in range(txs):
        origin = rng.randrange(n)
        heapq.heappush(events, (t * 0.5, seq, "new", origin, -1, t))
        seq += 1
    start = time.perf_counter()
    while events:
        now, _, kind, node, src, tx = heapq.heappop(events)
        if kind == "answer":
            continue
        # downlink FIFO
        if down_free[node] > now:
            heapq.heappush(events, (down_free[node], seq, kind, node, src, tx))
            seq += 1
            continue
        down_free[node] = now
        if kind == "tx":
            deliveries += 1
            send(now, node, src, tx, ANSWER_BYTES, "answer")
        if tx in seen[node]:
            continue
        seen[node].add(tx)
        for p in peers[node]:
            if p != src:
                send(now, node, p, tx, TX_BYTES, "tx")
    wall = time.perf_counter() - start
    print(f"{deliveries} {wall:.3f} {deliveries / wall:.0f}")


if __name__ == "__main__":
    main()
