"""Same scenario + seed + build gives byte-identical outputs (all but run.json); another seed differs."""
import filecmp
import os
import unittest

from prtest import Case

SCENARIO = """
    name: det
    duration_s: 240
    nodes: {count: 150}
    honest: {rate: 1, hashrate: {dist: lognormal, median: 500, sigma: 1},
             fee: {dist: choice, values: [20, 80, 320], weights: [3, 2, 1]}}
    blocks: {policy: monero, interval_s: 30, max_bytes: 20000, reward: 1e7}
    attackers:
      - {count: 1, connections: 6, hashrate: 1e5, rate: 10, start_s: 30, stop_s: 200}
    spies: {fraction: 0.1}
    pow: {mode: lucky}
"""


class Determinism(Case):
    def test_same_seed_identical_outputs(self):
        s = self.scenario(SCENARIO)
        a = self.run_scenario(s, os.path.join(self.tmp, "a"))
        b = self.run_scenario(s, os.path.join(self.tmp, "b"))
        files = sorted(f for f in os.listdir(a.dir) if f != "run.json")
        self.assertEqual(files, sorted(f for f in os.listdir(b.dir) if f != "run.json"))
        self.assertIn("blocks.csv", files)
        for f in files:
            self.assertTrue(filecmp.cmp(os.path.join(a.dir, f), os.path.join(b.dir, f), shallow=False), f)
        self.assertGreater(a.summary["spam"]["created"], 0)
        self.assertGreater(a.summary["honest"]["created"], 0)

    def test_other_seed_differs(self):
        s = self.scenario(SCENARIO)
        a = self.run_scenario(s, os.path.join(self.tmp, "a"))
        c = self.run_scenario(s, os.path.join(self.tmp, "c"), "--seed", "2")
        self.assertEqual(c.summary["seed"], 2)
        self.assertFalse(filecmp.cmp(os.path.join(a.dir, "txs.csv"), os.path.join(c.dir, "txs.csv"), shallow=False))


if __name__ == "__main__":
    unittest.main()
