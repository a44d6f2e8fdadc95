"""What the simulator must show, end to end on the flow model: honest transactions reach every node
with no attack; stem length falls as q rises; a scripted burst escalates exactly one link, once, to
base^2, which then relaxes to base; spam reaches far more without PoW than with it; a flooding attacker
skips solves beyond its horizon and comes back once requirements relax, and every hash it spends is
counted; the attack-window answers match what txs.csv says; nodes.csv gives each node's wallet; the
stem trace a diagnosis asks for (stems.csv) follows each stem hop by hop and changes nothing else; so
does the device queues' tally (POWRELAY_FLOW_QUEUES), which counts what each uplink and each router's queue
towards a node took and dropped, and the window trace (POWRELAY_FLOW_CWND), which follows one node's TCP
senders' congestion windows."""
import csv
import math
import os
import statistics
import unittest

from prtest import Case, num


class Behaviour(Case):
    def test_no_attack_every_honest_tx_reaches_every_node(self):
        s = self.scenario("""
            name: reach
            duration_s: 300
            nodes: {count: 200}
            honest: {rate: 1}
        """)
        r = self.run_scenario(s, os.path.join(self.tmp, "o"))
        txs = r.rows("txs.csv")
        # everything created early enough to finish its stem and fluff within the run
        early = [t for t in txs if float(t["created_s"]) < 200]
        self.assertGreater(len(early), 150)
        for t in early:
            self.assertEqual(float(t["reach_frac"]), 1.0, t)
        self.assertEqual(r.summary["spam"]["created"], 0)
        # no escalation on honest traffic alone
        for row in r.rows("timeseries.csv"):
            self.assertEqual(float(row["max_req"]), 2500)

    def test_queue_tally_counts_what_each_uplink_took_and_dropped(self):
        """POWRELAY_FLOW_QUEUES=FILE (a diagnosis's switch) writes, per node, the segments its device queue
        took and dropped, and what its router's queue towards it took and dropped
        (docs/protocol.md#flow-downlink), and changes nothing else. A queue too deep to fill drops nothing,
        and takes segments from exactly the nodes that sent bytes (uplinks) and received them (downlinks);
        a shallow one, under a flood without PoW, drops, and drops a larger share at the thin uplinks (0.5
        against 6.7 Mbit/s) than at the fast ones, and at the slow downlinks than at the fast ones."""
        def flood(queue):
            return self.scenario(f"""
                name: tally
                duration_s: 60
                nodes: {{count: 60}}
                honest: {{rate: 1}}
                pow: {{enabled: false}}
                network:
                  queue_packets: {queue}
                  regions:
                    - {{name: FAST, share: 0.7, up_mbps: 6.7, down_mbps: 40}}
                    - {{name: THIN, share: 0.3, up_mbps: 0.5, down_mbps: 10}}
                  latency_ms: [[30, 100], [100, 30]]
                attackers:
                  - {{count: 1, connections: 8, hashrate: 1e5, rate: 20, start_s: 10, stop_s: 50}}
            """, f"q{queue}.yaml")

        def tally(path):
            with open(path) as f:
                return list(csv.DictReader(f))

        deep = os.path.join(self.tmp, "deep.csv")
        r = self.run_scenario(flood(1000000), os.path.join(self.tmp, "deep"), env={"POWRELAY_FLOW_QUEUES": deep})
        rows = tally(deep)
        nodes = r.rows("nodes.csv")
        moved = {"up": {n["node"]: int(n["bytes_out"]) for n in nodes},
                 "down": {n["node"]: int(n["bytes_in"]) for n in nodes}}
        for link in ("up", "down"):  # each node's uplink, then its downlink (its router's queue towards it)
            mine = [t for t in rows if t["link"] == link]
            self.assertEqual([t["node"] for t in mine], [n["node"] for n in nodes])  # the attacker's too
            for t in mine:
                self.assertEqual((t["acks_enqueued"], t["acks_dropped"]), ("", ""))  # no ACK packets
                self.assertEqual(int(t["data_dropped"]), 0, t)
                # nothing dropped, nothing to recover (an uplink counts its senders'; a downlink has none)
                self.assertEqual((t["recoveries"], t["timeouts"]), ("0", "0") if link == "up" else ("", ""), t)
                # an uplink counts the first attempts its windows booked ahead of their release (none dropped
                # here), at most its data; a downlink leaves them empty
                if link == "up":
                    self.assertEqual(int(t["data_ahead_dropped"]), 0, t)
                    self.assertLessEqual(int(t["data_ahead"]), int(t["data_enqueued"]), t)
                else:
                    self.assertEqual((t["data_ahead"], t["data_ahead_dropped"]), ("", ""), t)
                self.assertEqual(int(t["data_enqueued"]) > 0, moved[link][t["node"]] > 0, t)
        self.assertEqual(len(rows), 2 * len(nodes))

        shallow = os.path.join(self.tmp, "shallow.csv")
        path = flood(20)
        plain = self.run_scenario(path, os.path.join(self.tmp, "plain"))
        tallied = self.run_scenario(path, os.path.join(self.tmp, "tallied"), env={"POWRELAY_FLOW_QUEUES": shallow})
        for name in os.listdir(plain.dir):
            if name != "run.json":
                with open(os.path.join(plain.dir, name), "rb") as a, open(os.path.join(tallied.dir, name), "rb") as b:
                    self.assertEqual(a.read(), b.read(), name)
        share = {}
        for link in ("up", "down"):
            for region in ("0", "1"):
                mine = [t for t in tally(shallow) if t["region"] == region and t["link"] == link]
                dropped = sum(int(t["data_dropped"]) for t in mine)
                share[link, region] = dropped / (dropped + sum(int(t["data_enqueued"]) for t in mine))
        self.assertGreater(share["up", "0"], 0)
        self.assertGreater(share["up", "1"], share["up", "0"])
        # the drops' recoveries, counted at the senders' uplinks
        up = [t for t in tally(shallow) if t["link"] == "up"]
        self.assertGreater(sum(int(t["recoveries"]) for t in up), 0)
        # a backlogged window books its later flights ahead, and the queue drops some of them: never more
        # than it dropped in all, nor more than were booked so
        self.assertGreater(sum(int(t["data_ahead_dropped"]) for t in up), 0)
        for t in up:
            self.assertLessEqual(int(t["data_ahead_dropped"]), min(int(t["data_dropped"]), int(t["data_ahead"])), t)
        # the routers' queues drop too, more towards the slower downlinks (10 against 40 Mbit/s)
        self.assertGreater(share["down", "1"], share["down", "0"], share)
        self.assertGreater(share["down", "1"], 0, share)

    def test_stem_trace_follows_each_stem_and_changes_nothing_else(self):
        s = self.scenario("""
            name: trace
            duration_s: 120
            nodes: {count: 100}
            honest: {rate: 2}
            network: {loss: 0.01}
            spies: {fraction: 0.1}
        """)
        plain = self.run_scenario(s, os.path.join(self.tmp, "plain"))
        traced = self.run_scenario(s, os.path.join(self.tmp, "traced"), env={"POWRELAY_STEM_TRACE": "1"})
        self.assertFalse(os.path.exists(os.path.join(plain.dir, "stems.csv")))
        for name in os.listdir(plain.dir):
            if name != "run.json":
                with open(os.path.join(plain.dir, name), "rb") as a, open(os.path.join(traced.dir, name), "rb") as b:
                    self.assertEqual(a.read(), b.read(), name)
        steps = {}
        for row in traced.rows("stems.csv"):
            steps.setdefault(row["tx"], []).append(row)
        honest = [t for t in traced.rows("txs.csv") if t["kind"] == "honest"]
        self.assertGreater(len(honest), 150)
        self.assertEqual(set(steps), {t["id"] for t in honest})
        for t in honest:
            rows = steps[t["id"]]
            self.assertEqual([r["step"] for r in rows[:1]], ["created"])
            self.assertEqual(rows[0]["node"], t["origin"])
            self.assertAlmostEqual(float(rows[0]["t_s"]), float(t["created_s"]), places=6)
            accepted = [r for r in rows if r["step"] == "accepted"]
            self.assertEqual(len(accepted), int(t["stem_hops"]), t)
            holders = {t["origin"]}
            for r in accepted:  # a stem: each hop comes from a node that held the transaction already
                self.assertIn(r["peer"], holders, t)
                holders.add(r["node"])
            fluffed = [r for r in rows if r["step"] == "fluffed"]
            self.assertLessEqual(len(fluffed), 1)
            if t["fluff_s"] != "":
                self.assertEqual(len(fluffed), 1, t)
                self.assertIn(fluffed[0]["node"], holders)
                self.assertIn(int(fluffed[0]["fluff_why"]), range(1, 6))
                self.assertAlmostEqual(float(fluffed[0]["t_s"]), float(t["created_s"]) + float(t["fluff_s"]), places=6)
        # the first spy's copy: at most one a transaction, after its creation, naming a peer; scored as the
        # summary's first-spy precision scores it
        hits = guesses = 0
        for t in honest:
            spied = [r for r in steps[t["id"]] if r["step"] == "spied"]
            self.assertLessEqual(len(spied), 1)
            if spied:
                self.assertGreaterEqual(float(spied[0]["t_s"]), float(t["created_s"]))
                self.assertNotEqual(spied[0]["peer"], "")
                guesses += 1
                hits += spied[0]["peer"] == t["origin"]
        self.assertGreater(guesses, 100)
        # a copy accepted straight from the origin, not as a stem: after the fluff, by a node without it yet
        direct = 0
        for t in honest:
            got = [r for r in steps[t["id"]] if r["step"] == "from_origin"]
            for r in got:
                self.assertEqual(r["peer"], t["origin"])
                self.assertNotEqual(r["node"], t["origin"])
                self.assertGreaterEqual(float(r["t_s"]), float(t["created_s"]) + float(t["fluff_s"]) - 1e-9)
            self.assertEqual(len({r["node"] for r in got}), len(got))
            direct += len(got)
        self.assertGreater(direct, 0)  # mostly where an embargo at the origin fluffed first: the stems end elsewhere
        self.assertAlmostEqual(hits / guesses, traced.summary["privacy"]["first_spy_precision"], places=9)

    def test_stem_length_falls_as_q_rises(self):
        s = self.scenario("""
            name: stems
            duration_s: 400
            nodes: {count: 300}
            honest: {rate: 2}
            blocks: {enabled: false}
        """)
        means = []
        for q in (0.1, 0.3, 0.6):
            r = self.run_scenario(s, os.path.join(self.tmp, f"q{q}"), "--set", f"dandelion.fluff_probability={q}")
            hops = [int(t["stem_hops"]) for t in r.rows("txs.csv") if t["fluff_s"] != ""]
            self.assertGreater(len(hops), 300)
            m = statistics.mean(hops)
            # loop detection and embargoes cut stems short of 1/q on a finite graph, never below one hop
            self.assertGreaterEqual(m, 1.0, q)
            self.assertLessEqual(m, 1.0 / q + 1, q)
            means.append(m)
        self.assertGreater(means[0], means[1])
        self.assertGreater(means[1], means[2])

    def test_scripted_burst_one_escalation_then_relax(self):
        # 21 transactions from node 0 within 0.4 s, each with exactly base work (never re-solved): its stem
        # peer counts 21 in its 10 s window, escalates once, and NACKs the 21st. A long embargo keeps the
        # 21st at node 0, so only 20 transactions ever spread: no other link can see more than 20 new ones
        # in a window, so no other link escalates.
        burst = "\n".join(f"  - {{t: {10 + i * 0.02:.2f}, node: 0, work: 2500}}" for i in range(21))
        s = self.scenario(f"""
name: burst
duration_s: 200
nodes: {{count: 100}}
honest: {{rate: 0}}
blocks: {{enabled: false}}
dandelion: {{fluff_probability: 0, embargo_s: 5000}}
script:
{burst}
""")
        r = self.run_scenario(s, os.path.join(self.tmp, "o"))
        nodes = r.rows("nodes.csv")
        links = sum(int(n["degree"]) for n in nodes)
        escalated = [n for n in nodes if float(n["req_max"]) > 2500]
        self.assertEqual(len(escalated), 1, escalated)
        self.assertEqual(float(escalated[0]["req_max"]), 2500.0 ** 2)
        self.assertEqual(sum(int(n["txs_rejected"]) for n in nodes), 1)
        ts = r.rows("timeseries.csv")
        # exactly one link at base^2 during the hold: the mean over all links says so
        during = [row for row in ts if 20 <= float(row["t_s"]) <= 60]
        self.assertTrue(during)
        for row in during:
            self.assertAlmostEqual(float(row["mean_req"]) * links, 2500 * (links - 1) + 2500.0 ** 2,
                                   delta=1e-6 * 2500 * links)
            self.assertEqual(float(row["max_req"]), 2500.0 ** 2)
            # the quantiles and the share escalated say the same: one link in `links`
            self.assertEqual(float(row["median_req"]), 2500)
            self.assertEqual(float(row["p90_req"]), 2500)
            self.assertAlmostEqual(float(row["escalated_share"]), 1 / links, delta=1e-9)
        # back to base once the hold (60 s) is over, and never below
        for row in ts:
            if float(row["t_s"]) >= 80:
                self.assertEqual(float(row["max_req"]), 2500)
                self.assertEqual(float(row["mean_req"]), 2500)
        # the 20 that passed reach everyone (loop detection fluffs them)
        reached = [t for t in r.rows("txs.csv") if float(t["reach_frac"]) == 1.0]
        self.assertEqual(len(reached), 20)

    def test_spam_reaches_far_more_without_pow(self):
        s = self.scenario("""
            name: spam
            duration_s: 240
            nodes: {count: 150}
            honest: {rate: 1}
            attackers:
              - {count: 1, connections: 8, hashrate: 1e5, rate: 30, start_s: 20, stop_s: 220}
        """)
        on = self.run_scenario(s, os.path.join(self.tmp, "on"))
        off = self.run_scenario(s, os.path.join(self.tmp, "off"), "--set", "pow.enabled=false")
        self.assertGreater(off.summary["spam"]["reached50"], 5 * max(1, on.summary["spam"]["reached50"]))
        self.assertGreater(off.summary["spam"]["bytes_relayed"], 5 * max(1, on.summary["spam"]["bytes_relayed"]))
        self.assertEqual(off.summary["cost"]["attacker_hashes"], 0)
        self.assertGreater(on.summary["cost"]["attacker_hashes"], 0)
        # the honest workload is the same transactions in both runs
        self.assertEqual(on.summary["honest"]["created"], off.summary["honest"]["created"])

    def test_rational_flood_comes_back_after_relaxation_and_pays_every_hash(self):
        # The case that used to freeze: squaring to the 4th power caps an escalated link at 1e12 (1e7 s at
        # 1e5 H/s). A rational attacker skips those solves (60 s horizon) and uses each link again once it
        # relaxes back to base (hold 60 s): bursts of 20 per link per cycle, all through the attack.
        s = self.scenario("""
            name: rational
            duration_s: 300
            nodes: {count: 400}
            difficulty: {exponent: 4}
            attackers:
              - {count: 1, connections: 8, hashrate: 1e5, rate: 100, start_s: 60, stop_s: 240}
        """)
        r = self.run_scenario(s, os.path.join(self.tmp, "o"))
        ts = r.rows("timeseries.csv")
        late = sum(int(row["spam_created"]) for row in ts if 150 < float(row["t_s"]) <= 240)
        self.assertGreater(late, 50)
        self.assertGreater(r.summary["spam"]["skipped_too_costly"], 1000)
        # every spam it sent was solved to its target (model PoW: expected hashes = target), so the hashes
        # it spent are close to the sum of those targets (a geometric draw each; hundreds of them)
        spam = [t for t in r.rows("txs.csv") if t["kind"] == "spam"]
        self.assertGreater(len(spam), 300)
        targets = sum(float(t["work_initial"]) for t in spam)
        spent = r.summary["cost"]["attacker_hashes"]
        self.assertAlmostEqual(spent / targets, 1, delta=0.1)
        # (a spam's hashes in txs.csv also hold what relays spent repackaging it)
        self.assertGreaterEqual(sum(float(t["hashes"]) for t in spam), spent * (1 - 1e-9))
        # never a solve beyond the horizon: 6e6 hashes at 1e5 H/s
        self.assertLessEqual(max(float(t["work_initial"]) for t in spam), 6e6)

    def test_attack_window_answers_match_txs_csv(self):
        s = self.scenario("""
            name: window
            duration_s: 240
            nodes: {count: 150}
            honest: {rate: 2}
            repackage: {policy: never}
            attackers:
              - {count: 1, connections: 8, hashrate: 1e5, rate: 30, start_s: 40, stop_s: 150}
              - {count: 0, start_s: 30, stop_s: 160}
        """)
        r = self.run_scenario(s, os.path.join(self.tmp, "o"))
        da = r.summary["honest"]["during_attack"]
        self.assertEqual((da["from_s"], da["to_s"]), (30, 160))  # first start, last stop, count 0 included
        window = [t for t in r.rows("txs.csv") if t["kind"] == "honest" and 30 <= float(t["created_s"]) < 160]
        reached = sorted(float(t["t90_s"]) for t in window if t["t90_s"] != "")
        self.assertEqual(da["created"], len(window))
        self.assertEqual(da["reached90"], len(reached))
        self.assertAlmostEqual(da["reached90_share"], len(reached) / len(window))
        self.assertAlmostEqual(da["latency90_p50_s"], statistics.median(reached), places=6)
        # without repackaging a transaction's hashes are its wallet's
        per_tx = sum(float(t["hashes"]) for t in window) / len(window)
        self.assertAlmostEqual(r.summary["cost"]["honest_sender_hashes_per_tx"], per_tx, delta=1e-6 * per_tx)
        # a run with no attacker listed has no such block
        calm = self.scenario("""
            name: calm
            duration_s: 60
            nodes: {count: 50}
        """, "calm.yaml")
        c = self.run_scenario(calm, os.path.join(self.tmp, "c"))
        self.assertNotIn("during_attack", c.summary["honest"])
        self.assertNotIn("skipped_too_costly", c.summary["spam"])

    def test_nodes_csv_gives_wallet_and_relay_hash_rates(self):
        s = self.scenario("""
            name: rates
            duration_s: 60
            nodes: {count: 80}
            pow: {relay_hashrate: 3000}
            honest: {hashrate: {dist: choice, values: [50, 5000], weights: [1, 1]}}
            attackers:
              - {count: 1, connections: 4, hashrate: 2e5, rate: 5}
        """)
        r = self.run_scenario(s, os.path.join(self.tmp, "o"))
        attackers = set(r.summary["attacker_nodes"])
        rates = set()
        for n in r.rows("nodes.csv"):
            if int(n["node"]) in attackers:
                self.assertEqual((float(n["hashrate"]), float(n["relay_hashrate"])), (2e5, 0))
            else:
                self.assertEqual(float(n["relay_hashrate"]), 3000)
                rates.add(float(n["hashrate"]))
        self.assertEqual(rates, {50, 5000})  # one wallet per node, drawn from the distribution

    def test_rates_follow_their_schedules(self):
        # honest: nothing, then 4 tx/s from 100 s to 200 s, then nothing; the attacker (no PoW, so every
        # attempt is sent): nothing until 50 s, 10 a second to 100 s, a pause, 20 a second from 150 s
        s = self.scenario("""
            name: sched
            duration_s: 300
            nodes: {count: 60}
            pow: {enabled: false}
            honest: {rate: 1, schedule: [[0, 0], [100, 4], [200, 0]]}
            attackers:
              - {count: 1, connections: 6, rate: 5, start_s: 0, stop_s: 200,
                 schedule: [[0, 0], [50, 10], [100, 0], [150, 20]]}
        """)
        r = self.run_scenario(s, os.path.join(self.tmp, "o"))
        ts = r.rows("timeseries.csv")
        honest = {float(x["t_s"]): int(x["honest_created"]) for x in ts}
        spam = {float(x["t_s"]): int(x["spam_created"]) for x in ts}
        self.assertEqual(sum(v for t, v in honest.items() if t <= 100 or t > 200), 0)
        inside = sum(v for t, v in honest.items() if 100 < t <= 200)
        self.assertLess(abs(inside - 400), 4 * 20)  # Poisson: 400 expected, sd 20
        self.assertEqual(sum(v for t, v in spam.items() if t <= 50), 0)
        self.assertAlmostEqual(sum(v for t, v in spam.items() if 50 < t <= 100), 500, delta=2)
        self.assertEqual(sum(v for t, v in spam.items() if 100 < t <= 150), 0)
        self.assertAlmostEqual(sum(v for t, v in spam.items() if 150 < t <= 200), 1000, delta=2)
        with open(os.path.join(self.tmp, "o", "scenario.yaml")) as f:
            rec = f.read()
        self.assertIn("schedule: [[0, 0], [100, 4], [200, 0]]", rec)
        self.assertIn("schedule: [[0, 0], [50, 10], [100, 0], [150, 20]]", rec)
        bad = self.scenario("""
            name: bad
            honest: {schedule: [[10, 1], [5, 2]]}
        """, "bad.yaml")
        p = self.powrelay("check", bad, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("honest.schedule.1: times must start at 0 or later and increase", p.stderr)

    def test_announce_mode_reaches_everyone_with_each_body_sent_about_once(self):
        # relay.mode announce (docs/protocol.md#announce): the same transactions reach every node, but a
        # node receives each body about once (flood: from most of its peers), so the bytes fall
        s = self.scenario("""
            name: ann
            duration_s: 200
            nodes: {count: 120}
            honest: {rate: 2}
            blocks: {enabled: false}
        """)
        runs = {m: self.run_scenario(s, os.path.join(self.tmp, m), "--set", f"relay.mode={m}")
                for m in ("flood", "announce")}
        for m, r in runs.items():
            early = [t for t in r.rows("txs.csv") if float(t["created_s"]) < 140]
            self.assertGreater(len(early), 200, m)
            self.assertTrue(all(float(t["reach_frac"]) == 1.0 for t in early), m)
        f, a = runs["flood"].summary, runs["announce"].summary
        self.assertEqual(f["honest"]["created"], a["honest"]["created"])
        per_node = a["tx_deliveries"] / (a["honest"]["created"] * (a["nodes"] - 1))
        self.assertLess(per_node, 1.05)     # each body about once per node (stem hops add a few)
        self.assertGreater(f["tx_deliveries"], 4 * a["tx_deliveries"])
        self.assertEqual(a["relay"], {"requests_failed": 0, "peers_dropped": 0})
        self.assertNotIn("relay", f)
        out = {m: sum(int(x["bytes_out"]) for x in r.rows("nodes.csv")) for m, r in runs.items()}
        self.assertLess(out["announce"], out["flood"] / 3)

    def test_heterogeneous_degree_reachable_nodes_take_the_inbound(self):
        s = self.scenario("""
            name: het
            duration_s: 120
            nodes: {count: 300}
            peers: {min: 12, max: 64, outbound: 12, inbound_share: 0.3, max_inbound: 52}
            honest: {rate: 2}
            blocks: {enabled: false}
        """)
        r = self.run_scenario(s, os.path.join(self.tmp, "het"))
        nodes = r.rows("nodes.csv")
        inbound = [int(n["degree"]) - int(n["outbound"]) for n in nodes]
        self.assertEqual(max(inbound), max(inbound[:300]))
        self.assertLessEqual(max(inbound), 52)
        dialling_only = [n for n, i in zip(nodes, inbound) if i == 0]
        self.assertGreater(len(dialling_only), 150)  # about 70% accept no inbound
        self.assertTrue(all(int(n["degree"]) == 12 for n in dialling_only))
        self.assertEqual(sum(inbound), 300 * 12)
        early = [t for t in r.rows("txs.csv") if float(t["created_s"]) < 80]
        self.assertTrue(early and all(float(t["reach_frac"]) == 1.0 for t in early))
        with open(os.path.join(self.tmp, "het", "scenario.yaml")) as f:
            rec = f.read()
        self.assertIn("inbound_share: 0.3", rec)
        self.assertIn("max_inbound: 52", rec)

    def test_spies_report_privacy(self):
        s = self.scenario("""
            name: spies
            duration_s: 200
            nodes: {count: 150}
            spies: {fraction: 0.2}
        """)
        r = self.run_scenario(s, os.path.join(self.tmp, "o"))
        p = r.summary["privacy"]
        self.assertGreaterEqual(p["first_spy_precision"], 0)
        self.assertLessEqual(p["first_spy_precision"], 1)
        self.assertLessEqual(p["first_spy_recall"], p["first_spy_precision"] + 1e-9)

    def test_window_trace_follows_one_nodes_senders(self):
        """POWRELAY_FLOW_CWND=FILE with POWRELAY_CWND_NODE=N (a diagnosis's switch): node N's TCP senders'
        windows, a row per change at its simulated time, and nothing else changes. Under 3% loss the node's
        senders recover: each fast recovery's row (the window it found) comes with the window after it,
        0.7 of that (at least 2), and each timeout's with a window of one segment. A node the network lacks
        is refused with a warning, and no trace."""
        path = self.scenario("""
            name: cwnd
            duration_s: 60
            nodes: {count: 40}
            honest: {rate: 4}
            network: {loss: 0.03}
        """)
        trace = os.path.join(self.tmp, "cwnd.csv")
        plain = self.run_scenario(path, os.path.join(self.tmp, "plain"))
        traced = self.run_scenario(path, os.path.join(self.tmp, "traced"),
                                   env={"POWRELAY_FLOW_CWND": trace, "POWRELAY_CWND_NODE": "3"})
        for name in os.listdir(plain.dir):
            if name != "run.json":
                with open(os.path.join(plain.dir, name), "rb") as a, open(os.path.join(traced.dir, name), "rb") as b:
                    self.assertEqual(a.read(), b.read(), name)
        rows = self.window_trace(trace)
        self.assertTrue(rows)
        self.assertEqual({r["node"] for r in rows}, {"3"})
        # (flow works a window out ahead of the clock: a flight's ACK may come after the run's end)
        self.assertTrue(all(float(r["t_s"]) >= 0 and r["peer"] != "3" for r in rows))
        self.assertLessEqual({r["event"] for r in rows}, {"window", "recovery", "timeout"})
        decreases = [i for i, r in enumerate(rows) if r["event"] != "window"]
        self.assertTrue(decreases)
        for i in decreases:
            before, after = rows[i], rows[i + 1]
            self.assertEqual((after["event"], after["t_s"], after["peer"]), ("window", before["t_s"], before["peer"]))
            # whole segments (docs/protocol.md#flow-loss): a decrease rounds down
            want = max(2.0, math.floor(0.7 * float(before["cwnd"]))) if before["event"] == "recovery" else 1.0
            self.assertAlmostEqual(float(after["cwnd"]), want, delta=0.001)
        self.assertTrue(all(float(r["cwnd"]) == int(float(r["cwnd"])) for r in rows))

        missing = os.path.join(self.tmp, "none.csv")
        p = self.powrelay("run", path, "-o", os.path.join(self.tmp, "bad"), "-q",
                          env={"POWRELAY_FLOW_CWND": missing, "POWRELAY_CWND_NODE": "40"})
        self.assertIn("POWRELAY_CWND_NODE=40 is not a node", p.stderr)
        self.assertFalse(os.path.exists(missing))


if __name__ == "__main__":
    unittest.main()
