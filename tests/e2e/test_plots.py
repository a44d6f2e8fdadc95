"""plots/render: figures from a run, from runs side by side, and from a sweep; a clear error (exit 2)
for a directory without outputs."""
import os
import subprocess
import sys
import unittest

from prtest import Case

RENDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "plots", "render")
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


if __name__ == "__main__":
    unittest.main()
