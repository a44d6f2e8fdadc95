"""The agreement matrix's small subset (plots/validate run --cells ci): three cells (no attack, no attack
with 3% loss, a flood with PoW) x 2 seeds on 100 nodes, on both network models, then the report: every
cell paired by seed, and the honest answers of the lossless cell in agreement."""
import os
import subprocess
import unittest

from ns3test import Ns3Case

PLOTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "plots")


class Validate(Ns3Case):
    def test_ci_cells(self):
        out, docs = os.path.join(self.tmp, "val"), os.path.join(self.tmp, "docs")
        env = dict(os.environ)
        p = subprocess.run(["/usr/bin/python3", os.path.join(PLOTS, "validate"), "run", out, "--cells", "ci",
                            "--nodes", "100", "--seeds", "2", "--duration", "90", "-j", "2"],
                           capture_output=True, text=True, timeout=1200, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        p = subprocess.run(["/usr/bin/python3", os.path.join(PLOTS, "validate"), "report", out, docs],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.isfile(os.path.join(docs, "figures", "validation.png")))
        with open(os.path.join(docs, "validation.md")) as f:
            rows = {r.split(" | ")[0].strip("| "): r for r in f.read().splitlines() if r.startswith("| ")}
        for cell in ("none-base", "none-loss3", "pow-base"):
            self.assertIn(cell, rows)
            self.assertEqual(rows[cell].split(" | ")[1], "2")  # both seeds paired
        share = rows["none-base"].split(" | ")[2]
        self.assertNotIn("✗", share, share)


if __name__ == "__main__":
    unittest.main()
