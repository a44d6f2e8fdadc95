"""Helpers for powrelay's end-to-end tests: run the binary on a scenario written on the fly and read
its outputs. The binary comes from $POWRELAY (CTest sets it)."""
import csv
import json
import os
import shutil
import subprocess
import tempfile
import textwrap
import unittest

POWRELAY = os.environ.get("POWRELAY", "powrelay")
FILES = ["summary.json", "txs.csv", "nodes.csv", "timeseries.csv", "run.json", "scenario.yaml"]
BLOCKS_HEADER = "time_s,block,miner,weight,txs,honest,spam,median_weight,penalty_free_zone,fees,reward"
HEADERS = {
    "txs.csv": "id,kind,origin,created_s,size,work_initial,stem_hops,fluff_s,reach_frac,t50_s,t90_s,confirmed_s,"
               "repackagings,hashes",
    "nodes.csv": "node,region,degree,outbound,hashrate,bytes_in,bytes_out,txs_rejected,repackagings,"
                 "repackage_hashes,req_max,mempool_peak_bytes,relay_hashrate",
    "timeseries.csv": "t_s,honest_created,honest_reached90,spam_created,spam_accepted,bytes,mean_req,max_req,"
                      "mempool_bytes,median_req,p90_req,escalated_share",
}


class Case(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="powrelay-e2e-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def scenario(self, text, name="s.yaml"):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def powrelay(self, *args, check=True, timeout=600, env=None):
        p = subprocess.run([POWRELAY, *args], capture_output=True, text=True, timeout=timeout,
                           env=None if env is None else {**os.environ, **env})
        if check and p.returncode != 0:
            self.fail(f"powrelay {' '.join(args)} exited {p.returncode}:\n{p.stderr}")
        return p

    def run_scenario(self, path, out, *extra, env=None):
        self.powrelay("run", path, "-o", out, "-q", *extra, env=env)
        self.assert_outputs(out)
        return Run(out)

    def window_trace(self, path):
        """A window trace's rows (POWRELAY_FLOW_CWND / POWRELAY_NS3_CWND: README's outputs), its header checked."""
        with open(path) as f:
            self.assertEqual(f.readline().strip(), "t_s,node,peer,event,cwnd,ssthresh")
            f.seek(0)
            return list(csv.DictReader(f))

    def assert_outputs(self, out):
        for f in FILES:
            self.assertTrue(os.path.isfile(os.path.join(out, f)), f"{f} missing in {out}")
        for name, header in HEADERS.items():
            with open(os.path.join(out, name)) as f:
                rows = list(csv.reader(f))
            got = ",".join(rows[0])
            if name == "txs.csv" and got.endswith(",fee"):  # fees reported: a last column
                got = got[: -len(",fee")]
            self.assertEqual(got, header)
            self.assertTrue(all(len(r) == len(rows[0]) for r in rows[1:]), f"{name}: ragged rows")
        leftovers = [f for f in os.listdir(out) if ".tmp" in f]
        self.assertEqual(leftovers, [])


class Run:
    def __init__(self, out):
        self.dir = out
        with open(os.path.join(out, "summary.json")) as f:
            self.summary = json.load(f)

    def rows(self, name):
        with open(os.path.join(self.dir, name)) as f:
            return list(csv.DictReader(f))


def num(s):
    return float(s) if s != "" else None
