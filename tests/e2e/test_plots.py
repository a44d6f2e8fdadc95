"""plots/render: figures from a run, from runs side by side, and from a sweep; a clear error (exit 2)
for a directory without outputs. plots/study: the README's Results figures and table from small
versions of the study sweeps."""
import csv
import os
import subprocess
import sys
import unittest

from prtest import Case

PLOTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "plots")
RENDER = os.path.join(PLOTS, "render")
PNG = b"\x89PNG\r\n\x1a\n"


class Plots(Case):
    def render(self, d, check=True):
        p = subprocess.run(["/usr/bin/python3", RENDER, d], capture_output=True, text=True, timeout=300)
        if check:
            self.assertEqual(p.returncode, 0, p.stderr)
        return p

    def assert_pngs(self, d, names):
        for n in names:
            path = os.path.join(d, "figures", n)
            self.assertTrue(os.path.isfile(path), path)
            with open(path, "rb") as f:
                self.assertEqual(f.read(8), PNG)
            self.assertGreater(os.path.getsize(path), 5000)

    def test_run_and_comparison(self):
        s = self.scenario("""
            name: p
            duration_s: 120
            nodes: {count: 60}
            attackers:
              - {count: 1, connections: 4, hashrate: 1e5, rate: 5, start_s: 20}
        """)
        base = os.path.join(self.tmp, "cmp")
        self.run_scenario(s, os.path.join(base, "attack"))
        self.run_scenario(s, os.path.join(base, "no-pow"), "--set", "pow.enabled=false")
        figs = ["honest_latency_cdf.png", "spam_reach.png", "requirement.png", "who_pays.png"]
        self.render(os.path.join(base, "attack"))
        self.assert_pngs(os.path.join(base, "attack"), figs)
        self.render(base)
        self.assert_pngs(base, figs)

    def test_sweep(self):
        s = self.scenario("""
            name: ps
            duration_s: 40
            nodes: {count: 40}
            attackers:
              - {count: 1, connections: 4, hashrate: 1e4, rate: 5, start_s: 5}
            sweep:
              pow.enabled: [false, true]
              attackers.0.hashrate: [1e3, 1e4, 1e5]
              replications: 2
        """)
        out = os.path.join(self.tmp, "sw")
        self.powrelay("sweep", s, "-o", out, "-j", "2", "-q")
        self.render(out)
        self.assert_pngs(out, ["sweep.png"])

    def test_no_outputs_is_a_clear_error(self):
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(empty)
        p = self.render(empty, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("holds no powrelay outputs", p.stderr)
        p = self.render(os.path.join(self.tmp, "missing"), check=False)
        self.assertEqual(p.returncode, 2)
        self.assertFalse(os.path.exists(os.path.join(empty, "figures")))

    def test_study(self):
        """The six study sweeps, at 30 nodes and with shorter lists, then plots/study on them."""
        common = ("seed: 1\nduration_s: 320\nnodes: {count: 30}\nhonest: {rate: 0.5, hashrate: 500}\n"
                  "spies: {fraction: 0.2}\n")
        attack = ("attackers:\n  - {count: 1, connections: 4, hashrate: 1e5, rate: 5, start_s: 60, stop_s: 300, "
                  "strategy: %s}\n")
        grid = ("sweep:\n  attackers.0.hashrate: [1e3, 1e5]\n  repackage.policy: [never, quadratic]\n"
                "  honest.hashrate: [50, 500, 5000]\n  replications: 1\n")
        sweeps = {
            "no-attack": common + "attackers:\n  - {count: 0, start_s: 60, stop_s: 300}\n"
                                  "sweep:\n  pow.enabled: [true, false]\n  honest.hashrate: [50, 500, 5000]\n"
                                  "  replications: 2\n",
            "no-pow": common + "pow: {enabled: false}\n" + attack % "flood"
                      + "sweep:\n  attackers.0.strategy: [flood, under_limit, lowball]\n  replications: 2\n",
            "flood": common + attack % "flood" + grid,
            "under-limit": common + attack % "under_limit" + grid,
            "lowball": common + attack % "lowball" + grid,
            "cheapest": common + attack % "cheapest" + grid,
            "scale": common + attack % "flood" + "sweep:\n  attackers.0.strategy: [flood, under_limit]\n"
                                                 "  replications: 1\n",
        }
        study = os.path.join(self.tmp, "study")
        docs = os.path.join(self.tmp, "docs")

        def plot():
            return subprocess.run(["/usr/bin/python3", os.path.join(PLOTS, "study"), study, docs],
                                  capture_output=True, text=True, timeout=300)

        for name, text in sweeps.items():
            if name == "cheapest":
                # Before the last sweep exists, plots/study says which is missing and writes nothing.
                p = plot()
                self.assertEqual(p.returncode, 2)
                self.assertIn("cheapest", p.stderr)
                self.assertFalse(os.path.exists(docs))
            path = self.scenario(f"name: {name}\n" + text, name + ".yaml")
            self.powrelay("sweep", path, "-o", os.path.join(study, name), "-j", "2", "-q")
        p = plot()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assert_pngs(docs, ["study-spam.png", "study-honest.png", "study-latency.png", "study-cost.png"])
        with open(os.path.join(docs, "study-table.md")) as f:
            lines = f.read().splitlines()
        # Per strategy: the no-PoW row and two policies x two attacker hash rates; then the three classes.
        scale_rows = [l for l in lines if l.startswith(("| flood | 31 |", "| under_limit | 31 |"))]
        main_rows = [l for l in lines if l.startswith(("| flood ", "| under_limit ", "| lowball ", "| cheapest "))
                     and l not in scale_rows]
        self.assertEqual(len(main_rows), 20)
        # every row has every column, and the attack-window answers are filled in
        header = next(l for l in lines if l.startswith("| strategy | attacker H/s"))
        for l in main_rows:
            self.assertEqual(l.count("|"), header.count("|"), l)
        self.assertFalse(any("| - / - / - |" in l for l in main_rows))
        for cls in ["phone, 50 H/s", "laptop, 500 H/s", "desktop, 5,000 H/s"]:
            self.assertTrue(any(l.startswith("| " + cls + " |") for l in lines), cls)
        # The optional scale sweep: its strategies beside the main sweeps' same point (here both have 30
        # honest nodes and the attacker).
        self.assertEqual(len(scale_rows), 4)

class Compare(Case):
    def test_paired_differences_by_hand(self):
        """plots/compare on a sweep.csv written by hand: differences paired by seed, their mean and 95%
        interval as computed here with a pencil."""
        d = os.path.join(self.tmp, "sw")
        os.makedirs(d)
        lines = ["run,policy,rate,seed,spam.reached50,honest.created"]
        # x(q) - x(p) at rate 1: seeds 1..3 give 2, 4, 6 (mean 4, sd 2); at rate 2: 10, 10, 10 (sd 0)
        vals = {("p", 1): [10, 20, 30], ("q", 1): [12, 24, 36], ("p", 2): [5, 5, 5], ("q", 2): [15, 15, 15]}
        for (pol, rate), xs in vals.items():
            for seed, x in zip([1, 2, 3], xs):
                lines.append(f"r,{pol},{rate},{seed},{x},7")
        with open(os.path.join(d, "sweep.csv"), "w") as f:
            f.write("\n".join(lines) + "\n")
        p = subprocess.run(["/usr/bin/python3", os.path.join(PLOTS, "compare"), d, "--by", "policy"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(d, "compare-policy.csv")) as f:
            rows = {r["rate"]: r for r in csv.DictReader(f)}
        self.assertEqual(set(rows), {"1", "2"})
        self.assertEqual(rows["1"]["policy"], "q")
        self.assertEqual(rows["1"]["baseline"], "p")
        self.assertEqual(rows["1"]["n"], "3")
        self.assertAlmostEqual(float(rows["1"]["spam.reached50_diff"]), 4)
        self.assertAlmostEqual(float(rows["1"]["spam.reached50_ci95"]), 4.3027 * 2 / 3 ** 0.5, places=3)
        self.assertAlmostEqual(float(rows["2"]["spam.reached50_diff"]), 10)
        self.assertAlmostEqual(float(rows["2"]["spam.reached50_ci95"]), 0)
        self.assertAlmostEqual(float(rows["1"]["honest.created_diff"]), 0)
        self.assertIn("spam.reached50", p.stdout)
        p = subprocess.run(["/usr/bin/python3", os.path.join(PLOTS, "compare"), d, "--by", "spam.reached50"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("is not a swept key", p.stderr)


if __name__ == "__main__":
    unittest.main()
