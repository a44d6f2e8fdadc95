"""Relay defences chosen by name: --list-policies names each with its parameters; defence.policy: none
is the PoW-off baseline, file for file; the original rules are the default; bad names and keys are
errors naming the place; defence.policy can be swept and is recorded in scenario.yaml."""
import csv
import filecmp
import os
import textwrap
import unittest

from prtest import Case

BASE = textwrap.dedent("""
    name: d
    duration_s: 120
    nodes: {count: 80}
    honest: {rate: 2}
    attackers:
      - {count: 1, connections: 6, hashrate: 1e5, rate: 20, start_s: 20, stop_s: 100}
""")
FILES = ["summary.json", "txs.csv", "nodes.csv", "timeseries.csv"]


class Defence(Case):
    def test_list_policies(self):
        p = self.powrelay("--list-policies")
        self.assertIn("original (default):", p.stdout)
        self.assertIn("none:", p.stdout)
        self.assertIn("defence.fixed.work = 10000  ([1 .. 1e+15])", p.stdout)

    def test_none_is_the_pow_off_baseline_and_original_the_default(self):
        s = self.scenario(BASE)
        none, off = os.path.join(self.tmp, "none"), os.path.join(self.tmp, "off")
        self.run_scenario(s, none, "--set", "defence.policy=none")
        self.run_scenario(s, off, "--set", "pow.enabled=false")
        for f in FILES:
            self.assertTrue(filecmp.cmp(os.path.join(none, f), os.path.join(off, f), shallow=False), f)
        implicit, explicit = os.path.join(self.tmp, "implicit"), os.path.join(self.tmp, "explicit")
        self.run_scenario(s, implicit)
        self.run_scenario(s, explicit, "--set", "defence.policy=original")
        for f in FILES + ["scenario.yaml"]:
            self.assertTrue(filecmp.cmp(os.path.join(implicit, f), os.path.join(explicit, f), shallow=False), f)
        with open(os.path.join(none, "scenario.yaml")) as f:
            self.assertIn("defence:\n  policy: none\n", f.read())

    def test_bad_names_and_keys_point_at_them(self):
        s = self.scenario(BASE + "defence: {policy: tokens}\n")
        p = self.powrelay("check", s, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertRegex(p.stderr, r"s\.yaml:\d+:\d+: defence\.policy: expected one of original, none")
        s = self.scenario(BASE + "defence: {policy: none, orginal: {}}\n")
        p = self.powrelay("check", s, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown key 'defence.orginal' (did you mean 'defence.original'?)", p.stderr)
        p = self.powrelay("check", self.scenario(BASE + "defence: {policy: fixed, fixed: {work: 0}}\n"),
                          check=False)
        self.assertEqual(p.returncode, 2)
        self.assertRegex(p.stderr, r"s\.yaml:\d+:\d+: defence\.fixed\.work: must be at least 1, got 0")
        p = self.powrelay("run", self.scenario(BASE), "-o", os.path.join(self.tmp, "x"), "--set",
                          "defence.none.rate=3", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown key 'defence.none.rate'", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "x")))

    def test_token_bucket_holds_spam_back_and_lets_honest_fees_first(self):
        s = self.scenario(BASE)
        none, tb = os.path.join(self.tmp, "none"), os.path.join(self.tmp, "tb")
        a = self.run_scenario(s, none, "--set", "defence.policy=none")
        # honest load is 2 tx/s in all: buckets of 3 and 4 a second let it through, not the flood
        b = self.run_scenario(s, tb, "--set", "defence={policy: token_bucket, token_bucket: {rate_in: 3, "
                                          "rate_out: 4, burst: 5, scope: peer}}")
        self.assertLess(b.summary["spam"]["reached50"], a.summary["spam"]["reached50"] / 2)
        self.assertGreater(b.summary["honest"]["reached90"], 0.9 * a.summary["honest"]["reached90"])
        self.assertEqual(b.summary["cost"]["honest_sender_hashes"], 0)  # no PoW anywhere
        with open(os.path.join(tb, "scenario.yaml")) as f:
            self.assertIn("    scope: peer\n", f.read())
        p = self.powrelay("check", s, "--set", "defence.token_bucket.scope=cluster", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("defence.token_bucket.scope: expected one of peer, node, got 'cluster'", p.stderr)

    def test_every_defence_runs_end_to_end_deterministically(self):
        s = self.scenario(BASE + "mempool: {max_bytes: 300000}\n")
        names = [l.split(" ")[0].rstrip(":") for l in self.powrelay("--list-policies").stdout.splitlines()
                 if l and not l.startswith((" ", "relay defences"))]
        self.assertEqual(set(names), {"original", "none", "fixed", "token_bucket", "fee_floor", "work_floor",
                                      "credit"})
        pow_defences = {"original", "fixed", "work_floor", "credit"}
        for name in names:
            a, b = os.path.join(self.tmp, name + "-a"), os.path.join(self.tmp, name + "-b")
            r = self.run_scenario(s, a, "--set", f"defence.policy={name}")
            self.run_scenario(s, b, "--set", f"defence.policy={name}")
            for f in FILES:
                self.assertTrue(filecmp.cmp(os.path.join(a, f), os.path.join(b, f), shallow=False), (name, f))
            self.assertGreater(r.summary["honest"]["reached90"], 0, name)
            self.assertEqual(r.summary["cost"]["attacker_hashes"] > 0, name in pow_defences, name)

    def test_policy_can_be_swept(self):
        s = self.scenario(BASE + "sweep:\n  defence.policy: [original, none]\n  defence.fixed.work: [1e4]\n"
                             "  replications: 1\n")
        out = os.path.join(self.tmp, "sw")
        self.powrelay("sweep", s, "-o", out, "-j", "2", "-q")
        with open(os.path.join(out, "sweep.csv")) as f:
            rows = list(csv.DictReader(f))
        self.assertEqual([r["defence.policy"] for r in rows], ["original", "none"])
        self.assertGreater(float(rows[0]["cost.attacker_hashes"]), 0)
        self.assertEqual(float(rows[1]["cost.attacker_hashes"]), 0)


if __name__ == "__main__":
    unittest.main()
