"""Sweeps: the cross product times replications, one directory per run named by its values and seed,
sweep.csv with parameters then answers; -j 2 gives the same sweep.csv as -j 1; finished runs are skipped
(resume) only when their record is the point's: growing the replications or appending a value gives the
rows of a fresh sweep of the larger design, and a directory holding another run stops the sweep (exit 2,
naming it and the first differing key) unless --force-rerun."""
import csv
import filecmp
import json
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
    def text(self, path):
        with open(path) as f:
            return f.read()

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
        stamp = os.path.getmtime(os.path.join(b, "run-0-0-s1", "summary.json"))
        os.remove(os.path.join(b, "run-0-1-s1", "summary.json"))
        p = self.powrelay("sweep", s, "-o", b, "-j", "2")
        self.assertIn("run-0-1-s1 finished", p.stderr)
        self.assertNotIn("run-0-0-s1 finished", p.stderr)
        self.assertEqual(os.path.getmtime(os.path.join(b, "run-0-0-s1", "summary.json")), stamp)
        self.assertTrue(filecmp.cmp(os.path.join(a, "sweep.csv"), os.path.join(b, "sweep.csv"), shallow=False))

    def test_growing_a_sweep_gives_the_rows_of_a_fresh_one(self):
        small = self.scenario(SWEEP, "small.yaml")
        grown = self.scenario(SWEEP.replace("replications: 2", "replications: 3")
                              .replace("[1e4, 1e5]", "[1e4, 1e5, 1e3]"), "grown.yaml")
        out, fresh = os.path.join(self.tmp, "out"), os.path.join(self.tmp, "fresh")
        self.powrelay("sweep", small, "-o", out, "-j", "2", "-q")
        stamp = os.path.getmtime(os.path.join(out, "run-1-1-s2", "summary.json"))
        p = self.powrelay("sweep", grown, "-o", out, "-j", "2")
        self.assertIn("(18 of 18 done, 8 resumed, 0 failed;", p.stderr)
        self.assertEqual(os.path.getmtime(os.path.join(out, "run-1-1-s2", "summary.json")), stamp)
        self.powrelay("sweep", grown, "-o", fresh, "-j", "2", "-q")
        self.assertTrue(filecmp.cmp(os.path.join(out, "sweep.csv"), os.path.join(fresh, "sweep.csv"), shallow=False))
        self.assertEqual(len(self.rows(out)), 2 * 3 * 3)
        # the same with --set on the command line, growing the replications only
        p = self.powrelay("sweep", small, "-o", os.path.join(self.tmp, "fresh2"), "--set", "sweep.replications=3", "-q")
        self.assertEqual(len(self.rows(os.path.join(self.tmp, "fresh2"))), 2 * 2 * 3)

    def test_a_directory_holding_other_runs_is_an_error_or_rerun_on_demand(self):
        s = self.scenario(SWEEP)
        out = os.path.join(self.tmp, "out")
        self.powrelay("sweep", s, "-o", out, "-j", "2", "-q")
        before = self.text(os.path.join(out, "sweep.csv"))
        # the values of a list given in another order: the directories now name other runs
        swapped = self.scenario(SWEEP.replace("[1e4, 1e5]", "[1e5, 1e4]"), "swapped.yaml")
        p = self.powrelay("sweep", swapped, "-o", out, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertRegex(p.stderr, r"run-0-0-s1 holds a different run: attackers\.0\.hashrate is 10000 there, "
                                   r"100000 in this sweep")
        self.assertIn("nothing was run", p.stderr)
        self.assertEqual(self.text(os.path.join(out, "sweep.csv")), before)
        # a changed base value, too
        p = self.powrelay("sweep", s, "-o", out, "--set", "honest.rate=2", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("honest.rate is 1 there, 2 in this sweep", p.stderr)
        # a finished run without a record (an older powrelay's) is never taken as this sweep's
        os.remove(os.path.join(out, "run-1-1-s2", "scenario.yaml"))
        p = self.powrelay("sweep", s, "-o", out, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("run-1-1-s2 holds a finished run but no readable record", p.stderr)
        # --force-rerun runs the others again: the result is the swapped sweep's, fresh
        self.powrelay("sweep", swapped, "-o", out, "--force-rerun", "-j", "2", "-q")
        fresh = os.path.join(self.tmp, "fresh")
        self.powrelay("sweep", swapped, "-o", fresh, "-j", "2", "-q")
        self.assertTrue(filecmp.cmp(os.path.join(out, "sweep.csv"), os.path.join(fresh, "sweep.csv"), shallow=False))

    def test_points_csv_means_and_intervals(self):
        # points.csv: a row per point; each answer's mean over the seeds and the half-width of its 95%
        # Student-t interval, checked against a computation from sweep.csv (t for 1 degree of freedom:
        # 12.706); with one replication the interval is empty
        s = self.scenario(SWEEP)
        out = os.path.join(self.tmp, "p")
        self.powrelay("sweep", s, "-o", out, "-j", "2", "-q")
        runs = self.rows(out)
        with open(os.path.join(out, "points.csv")) as f:
            points = list(csv.DictReader(f))
        self.assertEqual(len(points), 4)
        self.assertEqual(list(points[0])[:3], ["pow.enabled", "attackers.0.hashrate", "n"])
        for p in points:
            self.assertEqual(p["n"], "2")
            sel = [r for r in runs if r["pow.enabled"] == p["pow.enabled"]
                   and r["attackers.0.hashrate"] == p["attackers.0.hashrate"]]
            for key in ["honest.reached90", "spam.reached50", "cost.attacker_hashes"]:
                v = [float(r[key]) for r in sel]
                mean = sum(v) / 2
                half = 12.706 * abs(v[0] - v[1]) / 2  # t * sd / sqrt(2), sd = |a - b| / sqrt(2)
                self.assertAlmostEqual(float(p[key + "_mean"]), mean, delta=1e-6 * max(1, abs(mean)))
                self.assertAlmostEqual(float(p[key + "_ci95"]), half, delta=1e-3 * max(1, half))
        one = os.path.join(self.tmp, "one")
        self.powrelay("sweep", s, "-o", one, "--set", "sweep.replications=1", "-q")
        with open(os.path.join(one, "points.csv")) as f:
            p1 = list(csv.DictReader(f))
        self.assertEqual({p["n"] for p in p1}, {"1"})
        self.assertEqual({p["honest.reached90_ci95"] for p in p1}, {""})

    def test_set_a_sweep_list_errors_naming_the_point_and_a_warning(self):
        s = self.scenario(SWEEP)
        # a dotted key under sweep: is one key
        p = self.powrelay("check", s, "--set", "sweep.peers.outbound=[4, 8]")
        self.assertIn("sweep points checked", p.stdout)
        # an error inside one point names the point and its values
        p = self.powrelay("check", s, "--set", "sweep.attackers.0.connections=[4, 30]", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertRegex(p.stderr, r"sweep point 2 of 8 \(pow\.enabled = false, attackers\.0\.hashrate = 1e4, "
                                   r"attackers\.0\.connections = 30\): .*connections")
        p = self.powrelay("check", s, "--set", "sweep.peers.outbund=[4, 8]", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("sweep: 'peers.outbund' is not a scenario key that can be swept", p.stderr)
        # a policy swept without its exponent: valid, with a warning
        p = self.powrelay("check", s, "--set", "sweep.difficulty.policy=[power, multiply]")
        self.assertIn("warning: the sweep varies difficulty.policy but not difficulty.exponent", p.stderr)

    def test_zip_and_extra_points(self):
        # zip: lists varied together (one dimension); extra: single points outside the cross product
        s = self.scenario(SWEEP.replace("""      pow.enabled: [false, true]
""", """      zip:
        difficulty.policy: [power, multiply]
        difficulty.exponent: [2, 8]
      extra:
        - {pow.enabled: false}
""").replace("replications: 2", "replications: 1"))
        out = os.path.join(self.tmp, "z")
        self.powrelay("sweep", s, "-o", out, "-j", "2", "-q")
        rows = self.rows(out)
        self.assertEqual(list(rows[0])[:6], ["run", "difficulty.policy", "difficulty.exponent",
                                             "attackers.0.hashrate", "pow.enabled", "seed"])
        got = [(r["run"], r["difficulty.policy"], r["difficulty.exponent"], r["attackers.0.hashrate"],
                r["pow.enabled"]) for r in rows]
        self.assertEqual(got, [("run-0-0-s1", "power", "2", "1e4", "default"),
                               ("run-0-1-s1", "power", "2", "1e5", "default"),
                               ("run-1-0-s1", "multiply", "8", "1e4", "default"),
                               ("run-1-1-s1", "multiply", "8", "1e5", "default"),
                               ("run-x0-s1", "default", "default", "1e5", "false")])
        with open(os.path.join(out, "run-1-0-s1", "scenario.yaml")) as f:
            rec = f.read()
        self.assertIn("  policy: multiply\n", rec)
        self.assertIn("  exponent: 8\n", rec)
        with open(os.path.join(out, "run-x0-s1", "summary.json")) as f:
            self.assertEqual(json.load(f)["cost"]["attacker_hashes"], 0)  # the PoW-off baseline
        with open(os.path.join(out, "points.csv")) as f:
            self.assertEqual(len(list(csv.DictReader(f))), 5)
        bad = self.scenario(SWEEP.replace("""      pow.enabled: [false, true]
""", """      zip:
        difficulty.policy: [power, multiply]
        difficulty.exponent: [2, 8, 16]
"""), "bad.yaml")
        p = self.powrelay("check", bad, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("sweep.zip.difficulty.exponent: 3 values, but sweep.zip.difficulty.policy has 2", p.stderr)
        bad = self.scenario(SWEEP.replace("""      pow.enabled: [false, true]
""", """      extra:
        - {pow.enabeld: false}
"""), "bad2.yaml")
        p = self.powrelay("check", bad, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("sweep.extra.0: 'pow.enabeld' is not a scenario key that can be swept", p.stderr)
        bad = self.scenario(SWEEP.replace("""      pow.enabled: [false, true]
""", """      extra:
        - {attackers.0.connections: 30}
"""), "bad3.yaml")
        p = self.powrelay("check", bad, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("sweep extra point 1 (attackers.0.connections = 30):", p.stderr)

    def test_a_runs_record_runs_it_again(self):
        s = self.scenario(SWEEP)
        out = os.path.join(self.tmp, "out")
        self.powrelay("sweep", s, "-o", out, "-j", "2", "-q")
        rec = os.path.join(out, "run-1-0-s2", "scenario.yaml")
        again = os.path.join(self.tmp, "again")
        self.powrelay("run", rec, "-o", again, "-q")
        for f in ["summary.json", "txs.csv", "nodes.csv", "timeseries.csv", "scenario.yaml"]:
            self.assertTrue(filecmp.cmp(os.path.join(out, "run-1-0-s2", f), os.path.join(again, f), shallow=False), f)

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
