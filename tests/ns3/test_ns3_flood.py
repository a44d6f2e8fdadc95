"""(c) With thin uplinks, a spam flood with PoW off measurably slows honest transactions on ns3: the spam
fills the uplinks' queues, and honest transactions wait behind it. The queues' tally a diagnosis asks for
(POWRELAY_NS3_QUEUES) says what each access link's queue took and dropped, and changes nothing else; nor
does the window trace (POWRELAY_NS3_CWND), which follows one node's TCP senders' windows."""
import csv
import os
import unittest

from ns3test import Ns3Case, honest, median_t90

SCENARIO = """
    name: flood
    duration_s: 100
    nodes: {count: 100}
    network:
      regions:
        - {name: A, share: 0.5, up_mbps: 0.5, down_mbps: 4}
        - {name: B, share: 0.5, up_mbps: 0.5, down_mbps: 4}
      latency_ms: [[20, 80], [80, 20]]
    honest: {rate: 1, hashrate: 1e7}
    pow: {enabled: false}
    dandelion: {enabled: false, flush_in_s: 0, flush_out_s: 0}
    blocks: {enabled: false}
    attackers:
      - {count: 1, connections: 8, hashrate: 1e5, rate: 10, start_s: 20, stop_s: 100, strategy: flood}
"""


class Flood(Ns3Case):
    def test_flood_slows_honest(self):
        s = self.scenario(SCENARIO)
        quiet = self.run_scenario(s, self.tmp + "/quiet", "--network", "ns3", "--set", "attackers.0.start_s=99")
        flood = self.run_scenario(s, self.tmp + "/flood", "--network", "ns3")
        self.assertLess(quiet.summary["spam"]["created"], 20)  # the same network, the attack left to the end
        self.assertGreater(flood.summary["spam"]["created"], 500)
        self.assertGreater(flood.summary["spam"]["reached50"], 100)  # no PoW: spam spreads

        def during(run):
            return [t for t in honest(run) if 30 <= float(t["created_s"]) < 80]

        a, b = median_t90(during(quiet)), median_t90(during(flood))
        print(f"honest median t90 during the attack window: no flood {a:.3f} s, flood {b:.3f} s")
        self.assertGreater(len(during(quiet)), 30)
        self.assertGreater(b, 2 * a)

    def test_queue_tally_changes_nothing_else(self):
        """POWRELAY_NS3_QUEUES=FILE: per node, its uplink's queue and its router's queue towards it (its
        downlink), pure ACKs apart from segments with data, taken and dropped. Every node sends and receives,
        so each of its links took both; the flood fills the thin uplinks, which drop data and pure ACKs (a
        packet the traffic control layer drops while the device's queue is full is told apart by its TCP
        payload, its IP header found whether or not this ns-3 added it yet); the outputs are the plain
        run's on the same links, byte for byte (the tally hooks ns-3's own devices: POWRELAY_NS3_LINKS=p2p)."""
        s = self.scenario(SCENARIO)
        short = ("--network", "ns3", "--set", "nodes.count=30", "--set", "duration_s=40", "--set",
                 "attackers.0.start_s=10", "--set", "attackers.0.stop_s=40")
        plain = self.run_scenario(s, self.tmp + "/plain", *short, env={"POWRELAY_NS3_LINKS": "p2p"})
        path = os.path.join(self.tmp, "queues.csv")
        trace = os.path.join(self.tmp, "cwnd.csv")
        tallied = self.run_scenario(s, self.tmp + "/tallied", *short, env={
            "POWRELAY_NS3_QUEUES": path, "POWRELAY_NS3_CWND": trace, "POWRELAY_CWND_NODE": "5"})
        for name in os.listdir(plain.dir):
            if name != "run.json":
                with open(os.path.join(plain.dir, name), "rb") as a, open(os.path.join(tallied.dir, name), "rb") as b:
                    self.assertEqual(a.read(), b.read(), name)
        with open(path) as f:
            rows = list(csv.DictReader(f))
        nodes = [n["node"] for n in plain.rows("nodes.csv")]
        self.assertEqual([(t["node"], t["link"]) for t in rows], [(n, link) for n in nodes for link in ("up", "down")])
        for t in rows:
            self.assertGreater(int(t["acks_enqueued"]), 0, t)
            self.assertGreater(int(t["data_enqueued"]), 0, t)
        self.assertGreater(sum(int(t["data_dropped"]) for t in rows if t["link"] == "up"), 0)
        self.assertGreater(sum(int(t["acks_dropped"]) for t in rows if t["link"] == "up"), 0)
        # an uplink's row counts its node's senders' recoveries and timeouts (a downlink's leaves them empty);
        # the drops bring both somewhere
        self.assertEqual({(t["recoveries"], t["timeouts"]) for t in rows if t["link"] == "down"}, {("", "")})
        up = [t for t in rows if t["link"] == "up"]
        self.assertGreater(sum(int(t["recoveries"]) for t in up), 0)
        self.assertGreater(sum(int(t["timeouts"]) for t in up), 0)
        # the window trace (POWRELAY_NS3_CWND, node 5's senders): a row per change of a window, in time
        # order, and a row per entry into recovery or loss, as many as the tally counts for node 5
        cwnd = self.window_trace(trace)
        self.assertTrue(cwnd)
        self.assertEqual({r["node"] for r in cwnd}, {"5"})
        times = [float(r["t_s"]) for r in cwnd]
        self.assertEqual(times, sorted(times))
        self.assertTrue(all(float(r["cwnd"]) > 0 for r in cwnd))
        mine = next(t for t in up if t["node"] == "5")
        self.assertEqual(sum(r["event"] == "recovery" for r in cwnd), int(mine["recoveries"]))
        self.assertEqual(sum(r["event"] == "timeout" for r in cwnd), int(mine["timeouts"]))

    def test_keep_retx_diagnostic(self):
        """POWRELAY_NS3_KEEP_RETX=1 (a diagnosis's, keep-retx-queue.h): every uplink's queue drops at its limit
        as before but takes a retransmission beyond it. On the thin flood the uplinks still drop data, some
        retransmissions find their queue full and are taken (stderr counts them), and the outputs differ from
        the plain run's; without it nothing is said."""
        s = self.scenario(SCENARIO)
        short = ("--network", "ns3", "--set", "nodes.count=30", "--set", "duration_s=40", "--set",
                 "attackers.0.start_s=10", "--set", "attackers.0.stop_s=40")
        path = os.path.join(self.tmp, "queues.csv")
        plain = self.powrelay("run", s, "-o", self.tmp + "/plain", "-q", *short)
        self.assertNotIn("KEEP_RETX", plain.stderr)
        kept = self.powrelay("run", s, "-o", self.tmp + "/kept", "-q", *short,
                             env={"POWRELAY_NS3_KEEP_RETX": "1", "POWRELAY_NS3_QUEUES": path})
        said = [line for line in kept.stderr.splitlines() if "POWRELAY_NS3_KEEP_RETX" in line]
        self.assertEqual(len(said), 1, kept.stderr)
        self.assertGreater(int(said[0].split(" took ")[1].split()[0]), 0, said[0])
        with open(path) as f:
            up = [t for t in csv.DictReader(f) if t["link"] == "up"]
        self.assertGreater(sum(int(t["data_dropped"]) for t in up), 0)
        with open(self.tmp + "/plain/txs.csv", "rb") as a, open(self.tmp + "/kept/txs.csv", "rb") as b:
            self.assertNotEqual(a.read(), b.read())


if __name__ == "__main__":
    unittest.main()
