"""Blocks: blocks.csv, and Monero's block template (docs/protocol.md#block-template) as the runner drives
it: the chain's median, the penalty-free zone, the reward penalty, and confirmation by fee rate."""
import os
import unittest

from prtest import BLOCKS_HEADER, Case, num

TX = 1535


def epee_median(v):
    s = sorted(v)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) // 2


def reward(base, zone, weight):
    if weight <= zone:
        return base
    if weight > 2 * zone:
        return 0
    return base * (2 * zone - weight) * weight / zone / zone


def check_monero_blocks(tc, blocks, min_zone, base, window, reserved=600, initial=0):
    """Each block of blocks.csv as monerod would fill it: the median of the chain before it, the zone, the
    size limit, the reward after the penalty; returns the blocks filled against a deep pool of spam at
    the smallest zone."""
    chain = [initial] * window
    for b in blocks:
        w, zone, med = int(b["weight"]), int(b["penalty_free_zone"]), int(b["median_weight"])
        tc.assertEqual(med, epee_median(chain[-window:]))
        tc.assertEqual(zone, max(min_zone, med))
        tc.assertLessEqual(w, 2 * zone - reserved)
        tc.assertEqual(int(b["txs"]), int(b["honest"]) + int(b["spam"]))
        tc.assertAlmostEqual(float(b["reward"]), reward(base, zone, w), delta=1e-3)
        chain.append(w)


class Blocks(Case):
    FLOOD = """
        name: mon
        duration_s: 600
        nodes: {count: 50}
        pow: {enabled: false}
        blocks: {policy: monero, interval_s: 20, max_bytes: 30000, reward: 5e7, median_window: 3}
        honest: {rate: 0.5, hashrate: 500, fee: {dist: choice, values: [20, 80], weights: [1, 1]}}
        attackers:
          - {count: 1, connections: 6, rate: 5, start_s: 0, stop_s: 600, strategy: flood, fee: 20}
    """

    def test_monero_template_under_a_flood(self):
        out = os.path.join(self.tmp, "o")
        r = self.run_scenario(self.scenario(self.FLOOD), out)
        with open(os.path.join(out, "blocks.csv")) as f:
            self.assertEqual(f.readline().strip(), BLOCKS_HEADER)
        blocks = r.rows("blocks.csv")
        self.assertGreater(len(blocks), 20)  # 30 expected
        self.assertEqual(r.summary["blocks"], len(blocks))
        check_monero_blocks(self, blocks, 30000, 5e7, 3)
        full = 0
        for b in blocks:
            self.assertEqual(int(b["weight"]), TX * int(b["txs"]))
            if int(b["penalty_free_zone"]) == 30000 and int(b["spam"]) > 0:
                # a deep pool at fee 20: the 20th transaction (700 bytes over the zone) costs
                # 5e7 x 700^2 / 30000^2 = 27,222 < its fee 30,700, the 21st 250,290 more: 20 go in
                self.assertEqual(int(b["weight"]), 20 * TX)
                full += 1
        self.assertGreater(full, 0)
        # the median followed the blocks: the zone grew to a full block's weight
        self.assertEqual(int(blocks[-1]["penalty_free_zone"]), 20 * TX)
        # every confirmation in txs.csv is in one block, and each fee class is reported
        txs = r.rows("txs.csv")
        self.assertEqual(sum(int(b["txs"]) for b in blocks), sum(1 for t in txs if t["confirmed_s"] != ""))
        by = {(c["kind"], c["fee"]): c for c in r.summary["confirmation_by_fee"]}
        self.assertEqual(set(by), {("honest", 20), ("honest", 80), ("spam", 20)})
        for (kind, fee), c in by.items():
            mine = [t for t in txs if t["kind"] == kind and float(t["fee"]) == fee]
            self.assertEqual(c["txs"], len(mine))
            self.assertEqual(c["confirmed"], sum(1 for t in mine if t["confirmed_s"] != ""))
        # the higher fee tier goes first: honest 80 confirm far sooner than honest 20 behind the spam
        self.assertLess(by[("honest", 80)]["confirm_p50_s"], by[("honest", 20)]["confirm_p50_s"] / 2)
        self.assertGreater(by[("honest", 80)]["confirmed"], 0.9 * by[("honest", 80)]["txs"])

    def test_simple_policy_keeps_its_outputs(self):
        out = os.path.join(self.tmp, "o")
        s = self.scenario("""
            name: simple
            duration_s: 300
            nodes: {count: 40}
            pow: {enabled: false}
            blocks: {interval_s: 30, max_bytes: 10000}
            attackers:
              - {count: 1, connections: 4, rate: 3, start_s: 0, stop_s: 300, strategy: flood}
        """)
        r = self.run_scenario(s, out)
        with open(os.path.join(out, "txs.csv")) as f:
            self.assertFalse(f.readline().strip().endswith(",fee"))
        self.assertNotIn("confirmation_by_fee", r.summary)
        blocks = r.rows("blocks.csv")
        self.assertGreater(len(blocks), 3)
        for b in blocks:
            self.assertLessEqual(int(b["weight"]), 10000)
            self.assertEqual(int(b["penalty_free_zone"]), 10000)
        self.assertTrue(any(int(b["weight"]) == 6 * TX for b in blocks))  # six fit in 10,000

    def test_bad_block_keys(self):
        cases = [
            ("blocks: {policy: bitcoin}", "blocks.policy"),
            ("blocks: {policy: monero, max_bytes: 2000, reserved: 3000}", "blocks.reserved"),
            ("blocks: {median_window: 0}", "blocks.median_window"),
            ("honest: {fee: {dist: choice, values: [20, -1]}}", "honest.fee.values.1"),
            ("honest: {fee: -5}", "honest.fee"),
        ]
        for i, (text, where) in enumerate(cases):
            s = self.scenario("name: bad\n" + text + "\n", f"bad{i}.yaml")
            p = self.powrelay("check", s, check=False)
            self.assertEqual(p.returncode, 2, text)
            self.assertIn(where, p.stderr, text)


if __name__ == "__main__":
    unittest.main()
