"""Bounded resources under attack: a no-PoW spam flood at 10x the honest rate keeps every node's
mempool within its bound, and the process's memory does not grow with the length of the run (a run four
times longer peaks within 25% + 16 MB of the shorter one)."""
import json
import os
import subprocess
import unittest

from prtest import POWRELAY, Case

FLOOD = """
    name: flood
    duration_s: 1200
    nodes: {count: 40}
    pow: {enabled: false}
    mempool: {max_bytes: 150000}
    honest: {rate: 1}
    attackers:
      - {count: 1, connections: 6, rate: 10}
"""


class Bounded(Case):
    def test_memory_does_not_grow_with_time(self):
        s = self.scenario(FLOOD)
        short = self.run_scenario(s, os.path.join(self.tmp, "short"))
        long = self.run_scenario(s, os.path.join(self.tmp, "long"), "--set", "duration_s=4800")
        for r in (short, long):
            for n in r.rows("nodes.csv"):
                self.assertLessEqual(int(n["mempool_peak_bytes"]), 150000, n)
            self.assertGreater(r.summary["spam"]["created"], 9 * r.summary["honest"]["created"])
        version = subprocess.run([POWRELAY, "--version"], capture_output=True, text=True).stdout
        if "ASan" in version:
            self.skipTest("AddressSanitizer keeps freed memory in quarantine: RSS says nothing here")
        with open(os.path.join(short.dir, "run.json")) as f:
            rss_short = json.load(f)["peak_rss_mb"]
        with open(os.path.join(long.dir, "run.json")) as f:
            rss_long = json.load(f)["peak_rss_mb"]
        self.assertLessEqual(rss_long, rss_short * 1.25 + 16, (rss_short, rss_long))


if __name__ == "__main__":
    unittest.main()
