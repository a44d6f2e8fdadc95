"""Crash-safe outputs: kill -9 during a sweep leaves no half-written result file; rerunning resumes and
gives a sweep.csv identical to an uninterrupted sweep's, with no temporary files left."""
import csv
import filecmp
import json
import os
import signal
import subprocess
import time
import unittest

from prtest import POWRELAY, Case

SWEEP = """
    name: crash
    duration_s: 300
    nodes: {count: 150}
    honest: {rate: 2}
    attackers:
      - {count: 1, connections: 6, hashrate: 1e5, rate: 10, start_s: 20}
    sweep:
      pow.enabled: [false, true]
      replications: 3
"""
FINAL = ["scenario.yaml", "txs.csv", "nodes.csv", "timeseries.csv", "run.json", "summary.json"]


class Crash(Case):
    def check_complete(self, path):
        """A result file with its final name is complete: it parses to the end."""
        with open(path) as f:
            text = f.read()
        self.assertTrue(text.endswith("\n"), path)
        if path.endswith(".json"):
            json.loads(text)
        elif path.endswith(".yaml"):
            self.assertIn("\nscript:", text, path)  # the record's last section
        else:
            rows = list(csv.reader(text.splitlines()))
            self.assertTrue(all(len(r) == len(rows[0]) for r in rows), path)

    def test_kill_then_resume(self):
        s = self.scenario(SWEEP)
        clean, killed = os.path.join(self.tmp, "clean"), os.path.join(self.tmp, "killed")
        self.powrelay("sweep", s, "-o", clean, "-j", "2", "-q")

        p = subprocess.Popen([POWRELAY, "sweep", s, "-o", killed, "-j", "2", "-q"], start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline:
            done = [d for d in os.listdir(killed) if os.path.isfile(os.path.join(killed, d, "summary.json"))] \
                if os.path.isdir(killed) else []
            if done:
                break
            time.sleep(0.05)
        os.killpg(p.pid, signal.SIGKILL)  # the sweep and its running children, mid-write or not
        p.wait()
        runs = sorted(d for d in os.listdir(killed) if d.startswith("run-"))
        self.assertGreater(len(runs), 0)
        self.assertFalse(os.path.exists(os.path.join(killed, "sweep.csv")))
        finished = 0
        for r in runs:
            d = os.path.join(killed, r)
            for name in os.listdir(d):
                if name in FINAL:
                    self.check_complete(os.path.join(d, name))
            if os.path.exists(os.path.join(d, "summary.json")):
                finished += 1
                for name in FINAL:  # summary.json is written last: its presence means the run is whole
                    self.assertTrue(os.path.exists(os.path.join(d, name)), (r, name))
        self.assertLess(finished, 6, "the sweep finished before it was killed: make the runs longer")

        self.powrelay("sweep", s, "-o", killed, "-j", "2", "-q")
        self.assertTrue(filecmp.cmp(os.path.join(clean, "sweep.csv"), os.path.join(killed, "sweep.csv"),
                                    shallow=False))
        for r in runs:
            self.assert_outputs(os.path.join(killed, r))  # no temporary files left either


if __name__ == "__main__":
    unittest.main()
