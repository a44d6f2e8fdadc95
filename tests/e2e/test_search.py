"""powrelay search: a small multi-objective search (12 trials, 2 paired seeds each) writes trials.csv,
pareto.csv, figures/pareto.png and a runnable scenario per Pareto trial; the same search gives the same
trials.csv; killed with SIGKILL and run again it resumes to the same trials.csv; two workers sharing one
SQLite storage finish the search between them, and workers claiming trials at the same moment never claim
one twice (nor enqueue the baseline twice); a bad search section is an error naming the place.
Skipped where python3-optuna is not installed."""
import csv
import filecmp
import json
import os
import signal
import subprocess
import time
import unittest

from prtest import POWRELAY, Case

SEARCH = """
    name: srch
    duration_s: 90
    nodes: {count: 80}
    honest: {rate: 2}
    attackers:
      - {count: 1, connections: 6, hashrate: 1e5, rate: 20, start_s: 20, stop_s: 70}
    search:
      defences:
        original:
          difficulty.rate_limit: {low: 0.5, high: 8, log: true}
        token_bucket:
          defence.token_bucket.rate_out: {low: 1, high: 40, log: true}
          defence.token_bucket.scope: [peer, node]
          defence.token_bucket.backlog_max: {low: 10, high: 2000, log: true}
      objectives:
        spam.reached50: minimize
        honest.during_attack.reached90_share: maximize
      replications: 2
      trials: 12
      seed: 5
"""


# Run by Debian's python3 (the one with Optuna, that `powrelay search` runs): four workers open one fresh
# SQLite study and claim a trial at the same moment, in each of several rounds; prints, per round, the
# trial numbers claimed, how many trials the study holds and which are the baseline.
RACE = r"""
import importlib.util, json, multiprocessing, sys
import optuna
optuna.logging.set_verbosity(optuna.logging.ERROR)
spec = importlib.util.spec_from_file_location("search", sys.argv[1])
mod = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)

def worker(search, barrier, out):
    study = search.open_study()
    barrier.wait()
    out.put(search.claim(study)[0])

ctx, workers, rounds = multiprocessing.get_context("fork"), 4, []
for r in range(6):
    url = f"sqlite:///{sys.argv[2]}/race{r}.db"
    search = mod.Search({"outdir": sys.argv[2], "defences": {"original": {}, "token_bucket": {}}, "base_seed": 1,
                         "replications": 1, "seed": 5, "storage": url, "scenario_text": "x", "sets": [],
                         "objectives": [["spam.reached50", "minimize"]]})
    barrier, out = ctx.Barrier(workers), ctx.Queue()
    ps = [ctx.Process(target=worker, args=(search, barrier, out)) for _ in range(workers)]
    for p in ps:
        p.start()
    for p in ps:
        p.join()
    claimed = sorted(out.get() for p in ps if p.exitcode == 0)
    trials = optuna.load_study(study_name=mod.STUDY, storage=url).get_trials()
    rounds.append({"claimed": claimed, "trials": len(trials),
                   "baseline": [t.number for t in trials if t.user_attrs.get("baseline")]})
print(json.dumps(rounds))
"""
SEARCH_PY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "runner", "search.py")


def have_optuna():
    return subprocess.run(["/usr/bin/python3", "-c", "import optuna"], capture_output=True).returncode == 0


@unittest.skipUnless(have_optuna(), "python3-optuna is not installed")
class Search(Case):
    def rows(self, d, name="trials.csv"):
        with open(os.path.join(d, name)) as f:
            return list(csv.DictReader(f))

    def test_outputs_and_reproducible(self):
        s = self.scenario(SEARCH)
        a, b = os.path.join(self.tmp, "a"), os.path.join(self.tmp, "b")
        self.powrelay("search", s, "-o", a, "-j", "2", "-q")
        rows = self.rows(a)
        self.assertEqual([int(r["trial"]) for r in rows], list(range(12)))
        self.assertEqual(rows[0]["defence"], "original")  # the original rules at their defaults come first
        self.assertEqual(rows[0]["baseline"], "1")
        self.assertEqual(rows[0]["original:difficulty.rate_limit"], "")
        self.assertEqual({r["seeds"] for r in rows}, {"1 2"})
        for r in rows:
            self.assertNotEqual(r["spam.reached50_mean"], "")
            backlog = r["token_bucket:defence.token_bucket.backlog_max"]
            if backlog:  # a whole-number key is searched over whole numbers
                self.assertEqual(backlog, str(int(backlog)))
        pareto = self.rows(a, "pareto.csv")
        self.assertGreater(len(pareto), 0)
        self.assertTrue(os.path.getsize(os.path.join(a, "figures", "pareto.png")) > 10000)
        best = sorted(os.listdir(os.path.join(a, "best")))
        self.assertEqual(len(best), len(pareto))
        for f in best:
            self.powrelay("check", os.path.join(a, "best", f))
        # no trial of the front is dominated by another trial
        def objs(r):
            return float(r["spam.reached50_mean"]), -float(r["honest.during_attack.reached90_share_mean"])
        for p in pareto:
            for r in rows:
                ro, po = objs(r), objs(p)
                self.assertFalse(ro[0] <= po[0] and ro[1] <= po[1] and ro != po, (p["trial"], r["trial"]))
        self.powrelay("search", s, "-o", b, "-j", "2", "-q")
        self.assertTrue(filecmp.cmp(os.path.join(a, "trials.csv"), os.path.join(b, "trials.csv"), shallow=False))

    def test_kill_then_resume(self):
        s = self.scenario(SEARCH)
        clean, killed = os.path.join(self.tmp, "clean"), os.path.join(self.tmp, "killed")
        self.powrelay("search", s, "-o", clean, "-j", "2", "-q")
        p = subprocess.Popen([POWRELAY, "search", s, "-o", killed, "-j", "2", "-q"], start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        runs = os.path.join(killed, "runs")
        deadline = time.time() + 120
        while time.time() < deadline:
            done = [d for d in os.listdir(runs) if os.path.isfile(os.path.join(runs, d, "summary.json"))] \
                if os.path.isdir(runs) else []
            if len(done) >= 7:
                break
            time.sleep(0.05)
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        self.assertLess(len(os.listdir(runs)), 24, "the search finished before it was killed")
        self.powrelay("search", s, "-o", killed, "-j", "2", "-q")
        self.assertTrue(filecmp.cmp(os.path.join(clean, "trials.csv"), os.path.join(killed, "trials.csv"),
                                    shallow=False))

    def test_one_defence_of_the_section(self):
        s = self.scenario(SEARCH.replace("trials: 12", "trials: 4"))
        out = os.path.join(self.tmp, "tb")
        self.powrelay("search", s, "--defence", "token_bucket", "-o", out, "-j", "2", "-q")
        rows = self.rows(out)
        self.assertEqual({r["defence"] for r in rows}, {"token_bucket"})
        self.assertEqual(len(rows), 4)

    def test_two_workers_share_one_storage(self):
        s = self.scenario(SEARCH)
        url = "sqlite:///" + os.path.join(self.tmp, "shared.db")
        outs = [os.path.join(self.tmp, f"w{k}") for k in range(2)]
        ps = [subprocess.Popen([POWRELAY, "search", s, "-o", o, "--storage", url, "-q"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True) for o in outs]
        for p in ps:
            _, err = p.communicate(timeout=600)
            self.assertEqual(p.returncode, 0, err)
        # between them, the 12 trials, each run by one worker
        ran = [set(d.split("-")[0] for d in os.listdir(os.path.join(o, "runs"))) for o in outs]
        self.assertEqual(len(ran[0] | ran[1]), 12)
        self.assertEqual(len(ran[0] & ran[1]), 0)
        rows = [self.rows(o) for o in outs]
        self.assertEqual(max(len(r) for r in rows), 12)

    def test_an_overlong_storage_is_refused(self):
        """A --storage longer than a path can be is refused (exit 2, nothing written), never cut short."""
        s = self.scenario(SEARCH)
        out = os.path.join(self.tmp, "long")
        p = subprocess.run([POWRELAY, "search", s, "-o", out, "--storage", "sqlite:///" + "x" * 5000, "-q"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("--storage: longer than", p.stderr)
        self.assertFalse(os.path.exists(out))

    def test_workers_claim_each_trial_once(self):
        # Optuna claims a waiting trial (the enqueued baseline) with SELECT ... FOR UPDATE, which SQLite
        # ignores: unlocked, four workers claiming at once took the same trial in 8 rounds of 20.
        p = subprocess.run(["/usr/bin/python3", "-c", RACE, SEARCH_PY, self.tmp], capture_output=True, text=True,
                           timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr)
        for r, got in enumerate(json.loads(p.stdout)):
            self.assertEqual(got["claimed"], [0, 1, 2, 3], f"round {r}: a trial claimed twice, or a worker failed")
            self.assertEqual(got["trials"], 4, f"round {r}: the baseline enqueued twice")
            self.assertEqual(got["baseline"], [0])

    def test_bad_search_section(self):
        s = self.scenario(SEARCH.replace("difficulty.rate_limit", "difficulty.rate_lmit"))
        p = self.powrelay("check", s, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertRegex(p.stderr, r"s\.yaml:\d+:\d+: search\.defences\.original\.difficulty\.rate_lmit: "
                                   r"'difficulty\.rate_lmit' is not a scenario key that can be searched")
        s = self.scenario(SEARCH.replace("spam.reached50: minimize", "spam.reached50: lower"))
        p = self.powrelay("search", s, "-o", os.path.join(self.tmp, "x"), check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("search.objectives.spam.reached50: expected minimize or maximize", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "x")))
        p = self.powrelay("search", self.scenario(SEARCH), "--defence", "credit", "-o", os.path.join(self.tmp, "y"),
                          check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--defence credit: the search section", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "y")))
        s = self.scenario(SEARCH.replace("{low: 1, high: 40, log: true}", "{low: 40, high: 1}"))
        p = self.powrelay("check", s, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("low (40) must be below high (1)", p.stderr)


if __name__ == "__main__":
    unittest.main()
