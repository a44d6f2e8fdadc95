"""(b) Packet loss on the access links raises latency on ns3 but loses no transaction: TCP retransmits.
Plain flooding (Dandelion++ off, no flush delay) and fast wallets, so the latency is the network's."""
import unittest

import statistics

from ns3test import Ns3Case, honest, median_t90, num

SCENARIO = """
    name: loss
    duration_s: 60
    nodes: {count: 100}
    honest: {rate: 2, hashrate: 1e7}
    dandelion: {enabled: false, flush_in_s: 0, flush_out_s: 0}
    blocks: {enabled: false}
"""


def mean_t90(rows):
    return statistics.mean(num(t["t90_s"]) for t in rows if t["t90_s"] != "")


class Loss(Ns3Case):
    def test_loss_raises_latency_loses_nothing(self):
        s = self.scenario(SCENARIO)
        clean = self.run_scenario(s, self.tmp + "/clean", "--network", "ns3")
        lossy = self.run_scenario(s, self.tmp + "/lossy", "--network", "ns3", "--set", "network.loss=0.05")
        for run in (clean, lossy):
            txs = honest(run)
            early = [t for t in txs if float(t["created_s"]) < 45]
            self.assertGreater(len(early), 60, run.dir)
            for t in early:
                self.assertEqual(float(t["reach_frac"]), 1.0, (run.dir, t))
        # Flooding reaches 90% along many paths, so a loss on one of them often goes unnoticed: the median
        # moves little. The mean and the tail carry the retransmission timeouts (200 ms and up).
        a, b = mean_t90(honest(clean)), mean_t90(honest(lossy))
        pa, pb = clean.summary["honest"]["latency90_p95_s"], lossy.summary["honest"]["latency90_p95_s"]
        print(f"t90: clean mean {a:.3f} s (median {median_t90(honest(clean)):.3f}, p95 {pa:.3f}); "
              f"5% loss mean {b:.3f} s (median {median_t90(honest(lossy)):.3f}, p95 {pb:.3f})")
        self.assertGreater(b, a * 1.1)
        self.assertGreater(pb, pa * 1.15)


if __name__ == "__main__":
    unittest.main()
