"""plots/lab confirm, the policy lab's packet-level check, on a lab made small: no defence, the original
rules at their defaults and one searched point run lab-confirm.yaml on both network models with the same
seeds, and the report pairs them per configuration and answer."""
import csv
import json
import os
import subprocess
import unittest

from ns3test import Ns3Case

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
LAB = os.path.join(ROOT, "plots", "lab")
SMALL = ["nodes.count=40", "duration_s=60", "attackers.0.start_s=10", "attackers.0.stop_s=40",
         "attackers.0.rate=10", "sweep.replications=2"]


class Lab(Ns3Case):
    def lab(self, *args, timeout=1200):
        p = subprocess.run(["/usr/bin/python3", LAB, *args], capture_output=True, text=True, timeout=timeout)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p

    def test_confirm(self):
        lab, docs = os.path.join(self.tmp, "lab"), os.path.join(self.tmp, "docs")
        sets = [a for s in SMALL[:-1] for a in ("--set", s)]
        self.run_scenario(os.path.join(ROOT, "scenarios", "lab-search.yaml"), os.path.join(lab, "search-none", "s1"),
                          "--set", "defence.policy=none", "--set", "attackers.1.count=0", *sets)
        with open(os.path.join(lab, "search-none", "s1", "summary.json")) as f:
            x = json.load(f)["spam"]["reached50"]
        os.makedirs(os.path.join(lab, "search-original"))
        with open(os.path.join(lab, "search-original", "trials.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["trial", "defence", "baseline", "original:difficulty.rate_limit", "spam.reached50_mean",
                        "honest.during_attack.reached90_share_mean"])
            w.writerow([0, "original", 0, 0.5, 0.05 * x, 0.9])
        extra = [a for s in SMALL for a in ("--set", s)]
        self.lab("evaluate", lab, "-j", "2", *extra)
        self.lab("confirm", lab, "-j", "2", *extra)
        for label in ("none", "original-defaults", "original-searched"):
            for model in ("flow", "ns3"):
                with open(os.path.join(lab, "confirm-" + label, model, "sweep.csv")) as f:
                    self.assertEqual(len(list(csv.DictReader(f))), 2)
        self.lab("report", lab, docs, timeout=300)
        with open(os.path.join(docs, "lab-table.md")) as f:
            text = f.read()
        part = text[text.index("### Packet level"):]
        rows = [r for r in part.splitlines() if r.startswith("| ") and "---" not in r][1:]
        self.assertEqual(len(rows), 3 * 3)  # three configurations x three answers
        for r in rows:
            cells = [c.strip() for c in r.strip("| ").split(" | ")]
            self.assertIn(cells[0], ("none", "original, defaults", "original, searched"))
            self.assertIn(cells[-1], ("yes", "**no**", "-"), r)
        # without PoW, honest transactions cross both models alike at this load
        none_honest = [r for r in rows if r.startswith("| none | honest reaching 90% during")][0]
        self.assertRegex(none_honest, r"\| (9\d|100)% \| (9\d|100)% \|")


if __name__ == "__main__":
    unittest.main()
