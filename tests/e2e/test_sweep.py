"""Sweeps: the cross product times replications, one directory per run, sweep.csv with parameters then
answers; -j 2 gives the same sweep.csv as -j 1; finished runs are skipped (resume)."""
import csv
import filecmp
import os
import unittest

from prtest import Case

SWEEP = """
    name: sw
    duration_s: 60
    nodes: {count: 60}
    honest: {rate: 1}
    attackers:
      - {count: 1, connections: 4, hashrate: 1e5, rate: 5, start_s: 10}
    sweep:
      pow.enabled: [false, true]
      attackers.0.hashrate: [1e4, 1e5]
      replications: 2
"""


class Sweep(Case):
    def rows(self, d):
        with open(os.path.join(d, "sweep.csv")) as f:
            return list(csv.DictReader(f))

    def test_cross_product_and_columns(self):
        s = self.scenario(SWEEP)
        out = os.path.join(self.tmp, "a")
        self.powrelay("sweep", s, "-o", out, "-j", "2", "-q")
        rows = self.rows(out)
        self.assertEqual(len(rows), 2 * 2 * 2)
        self.assertEqual(list(rows[0].keys())[:4], ["run", "pow.enabled", "attackers.0.hashrate", "seed"])
        points = {(r["pow.enabled"], r["attackers.0.hashrate"], r["seed"]) for r in rows}
        self.assertEqual(len(points), 8)
        self.assertEqual({r["seed"] for r in rows}, {"1", "2"})
        for r in rows:
            self.assert_outputs(os.path.join(out, r["run"]))
            self.assertNotEqual(r["honest.created"], "")
            if r["pow.enabled"] == "false":
                self.assertEqual(float(r["cost.attacker_hashes"]), 0)

    def test_parallel_equals_serial_and_resume(self):
        s = self.scenario(SWEEP)
        a, b = os.path.join(self.tmp, "a"), os.path.join(self.tmp, "b")
        self.powrelay("sweep", s, "-o", a, "-j", "1", "-q")
        self.powrelay("sweep", s, "-o", b, "-j", "3", "-q")
        self.assertTrue(filecmp.cmp(os.path.join(a, "sweep.csv"), os.path.join(b, "sweep.csv"), shallow=False))
        # resume: a finished run is not run again; a removed one is
        stamp = os.path.getmtime(os.path.join(b, "run-0001", "summary.json"))
        os.remove(os.path.join(b, "run-0003", "summary.json"))
        p = self.powrelay("sweep", s, "-o", b, "-j", "2")
        self.assertIn("run-0003 finished", p.stderr)
        self.assertNotIn("run-0001 finished", p.stderr)
        self.assertEqual(os.path.getmtime(os.path.join(b, "run-0001", "summary.json")), stamp)
        self.assertTrue(filecmp.cmp(os.path.join(a, "sweep.csv"), os.path.join(b, "sweep.csv"), shallow=False))

    def test_bad_sweep_value_points_at_it(self):
        s = self.scenario(SWEEP.replace("[1e4, 1e5]", "[1e4, fast]"))
        p = self.powrelay("sweep", s, "-o", os.path.join(self.tmp, "x"), check=False)
        self.assertEqual(p.returncode, 2)
        self.assertRegex(p.stderr, r"s\.yaml:\d+:\d+: attackers\.0\.hashrate: expected a number, got 'fast'")
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "x")))
        s = self.scenario(SWEEP.replace("pow.enabled:", "pow.nonsense:"))
        p = self.powrelay("check", s, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("pow.nonsense", p.stderr)


if __name__ == "__main__":
    unittest.main()
