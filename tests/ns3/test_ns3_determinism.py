"""(e) The same scenario and seed give byte-identical outputs on ns3 (all but run.json), with jitter,
loss and an attacker in play; another seed differs."""
import filecmp
import os
import unittest

from ns3test import OUTPUTS, Ns3Case

SCENARIO = """
    name: det
    duration_s: 90
    nodes: {count: 100}
    network: {loss: 0.01, jitter: 0.2}
    honest: {rate: 1, hashrate: {dist: lognormal, median: 500, sigma: 1}}
    attackers:
      - {count: 1, connections: 6, hashrate: 1e5, rate: 5, start_s: 20, stop_s: 80}
    spies: {fraction: 0.1}
    pow: {mode: lucky}
"""


class Determinism(Ns3Case):
    def test_same_seed_identical_outputs(self):
        s = self.scenario(SCENARIO)
        a = self.run_scenario(s, os.path.join(self.tmp, "a"), "--network", "ns3")
        b = self.run_scenario(s, os.path.join(self.tmp, "b"), "--network", "ns3")
        for f in OUTPUTS:
            self.assertTrue(filecmp.cmp(os.path.join(a.dir, f), os.path.join(b.dir, f), shallow=False), f)
        self.assertGreater(a.summary["spam"]["created"], 0)
        self.assertGreater(a.summary["honest"]["created"], 0)
        c = self.run_scenario(s, os.path.join(self.tmp, "c"), "--network", "ns3", "--seed", "2")
        self.assertFalse(filecmp.cmp(os.path.join(a.dir, "txs.csv"), os.path.join(c.dir, "txs.csv"), shallow=False))


if __name__ == "__main__":
    unittest.main()
