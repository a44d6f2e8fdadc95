"""(c) With thin uplinks, a spam flood with PoW off measurably slows honest transactions on ns3: the spam
fills the uplinks' queues, and honest transactions wait behind it."""
import unittest

from ns3test import Ns3Case, honest, median_t90

SCENARIO = """
    name: flood
    duration_s: 100
    nodes: {count: 100}
    network:
      regions:
        - {name: A, share: 0.5, up_mbps: 0.5, down_mbps: 4}
        - {name: B, share: 0.5, up_mbps: 0.5, down_mbps: 4}
      latency_ms: [[20, 80], [80, 20]]
    honest: {rate: 1, hashrate: 1e7}
    pow: {enabled: false}
    dandelion: {enabled: false, flush_in_s: 0, flush_out_s: 0}
    blocks: {enabled: false}
    attackers:
      - {count: 1, connections: 8, hashrate: 1e5, rate: 10, start_s: 20, stop_s: 100, strategy: flood}
"""


class Flood(Ns3Case):
    def test_flood_slows_honest(self):
        s = self.scenario(SCENARIO)
        quiet = self.run_scenario(s, self.tmp + "/quiet", "--network", "ns3", "--set", "attackers.0.start_s=99")
        flood = self.run_scenario(s, self.tmp + "/flood", "--network", "ns3")
        self.assertLess(quiet.summary["spam"]["created"], 20)  # the same network, the attack left to the end
        self.assertGreater(flood.summary["spam"]["created"], 500)
        self.assertGreater(flood.summary["spam"]["reached50"], 100)  # no PoW: spam spreads

        def during(run):
            return [t for t in honest(run) if 30 <= float(t["created_s"]) < 80]

        a, b = median_t90(during(quiet)), median_t90(during(flood))
        print(f"honest median t90 during the attack window: no flood {a:.3f} s, flood {b:.3f} s")
        self.assertGreater(len(during(quiet)), 30)
        self.assertGreater(b, 2 * a)


if __name__ == "__main__":
    unittest.main()
