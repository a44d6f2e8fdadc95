"""Helpers for the ns3 model's end-to-end tests: tests/e2e/prtest.py (the binary from $POWRELAY, scenarios
written on the fly, outputs read back), plus what these tests compare."""
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))

from prtest import Case, Run, num  # noqa: E402,F401

OUTPUTS = ["summary.json", "txs.csv", "nodes.csv", "timeseries.csv"]


def honest(run):
    return [t for t in run.rows("txs.csv") if t["kind"] == "honest"]


def median_t90(rows, missing=float("inf")):
    """Median time from creation to 90% reach; a transaction that never got there counts as `missing`."""
    return statistics.median(num(t["t90_s"]) if t["t90_s"] != "" else missing for t in rows)


class Ns3Case(Case):
    def run_both(self, path, name, *extra):
        """The scenario on ns3 and on flow."""
        a = self.run_scenario(path, os.path.join(self.tmp, name + "-ns3"), "--network", "ns3", *extra)
        b = self.run_scenario(path, os.path.join(self.tmp, name + "-flow"), "--network", "flow", *extra)
        self.assertEqual(a.summary["network"], "ns3")
        self.assertEqual(b.summary["network"], "flow")
        return a, b
