"""Bad input: each kind of bad scenario or command line exits 2 with a clear message (file:line:col for
scenario errors) and writes nothing."""
import os
import re
import unittest

from prtest import Case

GOOD = """\
name: ok
duration_s: 10
nodes: {count: 50}
"""


class BadInput(Case):
    def expect_bad(self, text, pattern, *extra, line=None, col=None):
        path = self.scenario(text)
        out = os.path.join(self.tmp, "out")
        p = self.powrelay("run", path, "-o", out, *extra, check=False)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertRegex(p.stderr, pattern)
        self.assertFalse(os.path.exists(out), "a bad scenario must write nothing")
        if line is not None:
            m = re.search(re.escape(path) + r":(\d+):(\d+): ", p.stderr)
            self.assertIsNotNone(m, p.stderr)
            self.assertEqual(int(m.group(1)), line, p.stderr)
            if col is not None:
                self.assertEqual(int(m.group(2)), col, p.stderr)
        # check says the same
        p = self.powrelay("check", path, *extra, check=False)
        self.assertEqual(p.returncode, 2)
        return p.stderr

    def test_yaml_syntax_error(self):
        self.expect_bad("name: x\nnodes: {count: 50\n", r"YAML syntax error", line=3)

    def test_unknown_key_with_hint(self):
        err = self.expect_bad(GOOD + "pow:\n  bse: 5\n", r"unknown key 'pow.bse' \(did you mean 'pow.base'\?\)",
                              line=5, col=3)
        self.assertIn("s.yaml:5:3:", err)

    def test_unknown_section(self):
        self.expect_bad(GOOD + "powr: {base: 5}\n", r"unknown key 'powr'", line=4, col=1)

    def test_wrong_type(self):
        self.expect_bad(GOOD + "pow: {base: lots}\n", r"pow.base: expected a number, got 'lots'", line=4, col=13)
        self.expect_bad(GOOD + "pow: {enabled: 3}\n", r"pow.enabled: expected true or false", line=4)
        self.expect_bad(GOOD + "attackers: {count: 3}\n", r"attackers: expected a list", line=4)

    def test_out_of_range(self):
        self.expect_bad(GOOD + "network: {loss: 1.5}\n", r"network.loss: must be less than 1", line=4)
        self.expect_bad(GOOD + "pow: {base: 0}\n", r"pow.base: must be at least 1", line=4)
        self.expect_bad(GOOD + "dandelion: {fluff_probability: -0.1}\n", r"fluff_probability", line=4)
        self.expect_bad(GOOD + "attackers:\n  - {strategy: nuke}\n", r"attackers.0.strategy: expected one of flood",
                        line=5)
        self.expect_bad(GOOD + "relay: {mode: gossip}\n", r"relay.mode: expected one of flood, announce", line=4)
        self.expect_bad(GOOD + "relay: {request_timeout_s: 0}\n", r"relay.request_timeout_s: must be greater than 0",
                        line=4)
        self.expect_bad(GOOD + "relay: {drop_failed_share: 1.5}\n", r"relay.drop_failed_share: must be at most 1",
                        line=4)
        self.expect_bad(GOOD + "blocks: {policy: bitcoin}\n", r"blocks.policy: expected one of simple, monero", line=4)

    def test_cross_field(self):
        self.expect_bad("nodes: {count: 50}\npeers: {min: 30, max: 20}\n", r"peers.min \(30\) is larger than peers.max",
                        line=2)
        self.expect_bad("nodes: {count: 12}\n", r"nodes.count \(12\) must be larger than peers.min", line=1)
        self.expect_bad(GOOD + "blocks: {miners: [1, 99]}\n", r"node 99 does not exist", line=4)
        self.expect_bad(GOOD + "network:\n  regions: [{name: A, share: 1, up_mbps: 1, down_mbps: 1}]\n",
                        r"latency_ms", line=5)

    def test_bad_set(self):
        err = self.expect_bad(GOOD, r"pow.base: expected a number", "--set", "pow.base=abc")
        self.assertIn("--set pow.base=abc", err)
        self.expect_bad(GOOD, r"unknown key 'pow.nope'", "--set", "pow.nope=1")
        self.expect_bad(GOOD, r"expected path=value", "--set", "nothing")
        self.expect_bad(GOOD, r"network.model: expected flow or ns3", "--network", "carrier-pigeon")

    def test_empty_and_not_a_map(self):
        self.expect_bad("", r"empty")
        self.expect_bad("# only a comment\n", r"empty")
        self.expect_bad("- 1\n- 2\n", r"a scenario is a map")

    def test_aliases_and_depth(self):
        self.expect_bad("a: &x 1\nb: *x\n", r"anchors are not supported")
        self.expect_bad("name: " + "[" * 200 + "]" * 200 + "\n", r"nesting too deep")

    def test_command_line(self):
        path = self.scenario(GOOD)
        for args in (["fly", path], ["run"], ["run", path, path], ["run", path, "--bogus"], ["sweep", path, "-j", "0"],
                     ["run", os.path.join(self.tmp, "missing.yaml")], ["run", self.tmp]):
            p = self.powrelay(*args, check=False)
            self.assertEqual(p.returncode, 2, f"{args}: {p.stderr}")
            self.assertTrue(p.stderr.strip(), args)

    def test_missing_file_names_it(self):
        p = self.powrelay("check", os.path.join(self.tmp, "nope.yaml"), check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("nope.yaml: cannot open", p.stderr)

    def test_unwritable_output(self):
        path = self.scenario(GOOD)
        blocker = os.path.join(self.tmp, "file")
        open(blocker, "w").close()
        p = self.powrelay("run", path, "-o", os.path.join(blocker, "sub"), check=False)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("output directory", p.stderr)

    def test_huge_numbers(self):
        self.expect_bad(GOOD + "pow: {base: 1e400}\n", r"pow.base: expected a finite number|pow.base: expected a number",
                        line=4)
        self.expect_bad("nodes: {count: 1e30}\n", r"nodes.count: must be between", line=1)
        self.expect_bad(GOOD + "seed: 99999999999999999999999\n", r"seed: must be between", line=4)
        self.expect_bad(GOOD + "attackers:\n  - {rate: 1e300, hashrate: -1}\n", r"attackers.0.rate: must be at most",
                        line=5)

    def test_output_is_a_file(self):
        path = self.scenario(GOOD)
        blocker = os.path.join(self.tmp, "taken")
        with open(blocker, "w") as f:
            f.write("x")
        p = self.powrelay("run", path, "-o", blocker, check=False)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("not a directory", p.stderr)
        with open(blocker) as f:
            self.assertEqual(f.read(), "x")

    def test_good_scenario_checks(self):
        path = self.scenario(GOOD)
        p = self.powrelay("check", path)
        self.assertIn("ok", p.stdout)


if __name__ == "__main__":
    unittest.main()
