"""The flow model on any number of threads gives the same bytes (docs/protocol.md#flow-threads): every
output but run.json is identical for --threads 1, 2, 3 and 8 (more threads than this machine's cores
included), on the quickstart, the spam attack, and a scenario with every mechanism on (blocks, spies,
repackaging, loss, a fee market, an under-the-limit attacker and a flood), also with finite device queues.
run.json says how many ran.
POWRELAY_TEST_QUICK=1 (the ThreadSanitizer build, ten times slower) runs 1 and 3 threads on shorter
quickstart and every-mechanism runs only."""
import filecmp
import json
import os
import unittest

from prtest import Case

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
QUICK = os.environ.get("POWRELAY_TEST_QUICK") == "1"
THREADS = [1, 3] if QUICK else [1, 2, 3, 8]
EVERYTHING = """
    name: every-mechanism
    duration_s: %d
    nodes: {count: %d}
    network: {loss: 0.01}
    honest: {rate: 2, hashrate: {dist: lognormal, median: 500, sigma: 1},
             fee: {dist: choice, values: [20, 80, 320], weights: [3, 2, 1]}}
    blocks: {policy: monero, interval_s: 30, max_bytes: 20000, reward: 1e7}
    repackage: {policy: always}
    attackers:
      - {count: 1, connections: 8, hashrate: 1e5, rate: 20, start_s: 20, stop_s: 120, strategy: flood}
      - {count: 1, connections: 8, hashrate: 1e5, rate: 20, start_s: 20, stop_s: 120, strategy: under_limit}
    spies: {fraction: 0.1}
""" % ((90, 200) if QUICK else (150, 400))


class Threads(Case):
    def same_for_every_thread_count(self, path, *extra):
        runs = {}
        for t in THREADS:
            out = os.path.join(self.tmp, f"t{t}")
            runs[t] = self.run_scenario(path, out, "--threads", str(t), *extra)
            with open(os.path.join(out, "run.json")) as f:
                self.assertEqual(json.load(f)["threads"], t)
        base = runs[1].dir
        files = sorted(f for f in os.listdir(base) if f != "run.json")
        for t in THREADS[1:]:
            self.assertEqual(files, sorted(f for f in os.listdir(runs[t].dir) if f != "run.json"))
            for f in files:
                self.assertTrue(filecmp.cmp(os.path.join(base, f), os.path.join(runs[t].dir, f), shallow=False),
                                f"{f} differs between 1 and {t} threads")
        return runs[1]

    def test_quickstart(self):
        r = self.same_for_every_thread_count(os.path.join(ROOT, "scenarios", "quickstart.yaml"),
                                             "--set", f"duration_s={80 if QUICK else 200}")
        self.assertGreater(r.summary["spam"]["created"], 0)

    @unittest.skipIf(QUICK, "the quick run leaves the 1,000-node spam attack out")
    def test_spam_attack(self):
        r = self.same_for_every_thread_count(os.path.join(ROOT, "scenarios", "spam-attack.yaml"),
                                             "--set", "duration_s=150", "--set", "attackers.0.stop_s=140")
        self.assertGreater(r.summary["spam"]["created"], 0)
        self.assertGreater(r.summary["honest"]["reached90"], 0)

    def test_every_mechanism(self):
        r = self.same_for_every_thread_count(self.scenario(EVERYTHING))
        s = r.summary
        self.assertGreater(s["blocks"], 0)
        self.assertGreater(s["cost"]["repackagings"], 0)
        self.assertIn("privacy", s)
        self.assertGreater(s["spam"]["created"], 0)

    def test_finite_queues(self):
        """With network.queue_packets (docs/protocol.md#flow-queue) every connection runs TCP and a node's
        uplink is a calendar its connections book: still the same bytes on any number of threads. The key
        is written to the resolved scenario when set, and changes the run."""
        r = self.same_for_every_thread_count(self.scenario(EVERYTHING), "--set", "network.queue_packets=20")
        with open(os.path.join(r.dir, "scenario.yaml")) as f:
            self.assertIn("  queue_packets: 20\n", f.read())
        plain = self.run_scenario(self.scenario(EVERYTHING), os.path.join(self.tmp, "plain"), "--threads", "1")
        with open(os.path.join(plain.dir, "scenario.yaml")) as f:
            self.assertNotIn("queue_packets", f.read())
        self.assertNotEqual(r.summary["honest"], plain.summary["honest"])

    def test_threads_option_checked(self):
        path = self.scenario(EVERYTHING)
        for bad in ("0", "65", "two"):
            p = self.powrelay("run", path, "-o", os.path.join(self.tmp, "bad"), "--threads", bad, check=False)
            self.assertEqual(p.returncode, 2, bad)
            self.assertIn("--threads", p.stderr)
            self.assertFalse(os.path.exists(os.path.join(self.tmp, "bad")))


if __name__ == "__main__":
    unittest.main()
