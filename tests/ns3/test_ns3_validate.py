"""The agreement matrix's small subset (plots/validate run --cells ci): three cells (no attack, no attack
with 3% loss, a flood with PoW) x 2 seeds on 100 nodes, on both network models, then the report: every
cell paired by seed, and the honest answers of the lossless cell in agreement. Then the diagnosis, tiny
(20 nodes, 30 s, one seed): every network of it finishes, and ns-3's settings reach ns-3 (the run with
RFC 6298's timer differs from the matrix's ns-3, whose timer is Linux's). Then the ledger of finished runs
that lets the matrix be finished over several sessions without mixing builds."""
import json
import os
import shutil
import subprocess
import unittest

from ns3test import Ns3Case

PLOTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "plots")
VALIDATE = ["/usr/bin/python3", os.path.join(PLOTS, "validate")]


def load_validate():
    """plots/validate as a module (it has no .py suffix)."""
    import importlib.machinery
    import importlib.util
    import sys
    sys.path.insert(0, PLOTS)
    loader = importlib.machinery.SourceFileLoader("validate", os.path.join(PLOTS, "validate"))
    spec = importlib.util.spec_from_loader("validate", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


class Validate(Ns3Case):
    def test_outside_cells_are_diagnosed(self):
        """Every matrix cell outside agreement is run by the diagnosis (after the cells each cause was found
        in), and the report says which are diagnosed and, per cell, whether the cause's setting brings the
        models together; a cell no cause covers is said to be undiagnosed. Synthetic runs, worked by hand."""
        v = load_validate()

        def runs(t90, seeds=(1, 2, 3, 4, 5)):  # t90 median per seed; the other answers equal on both models
            return {str(s): dict({k: 1.0 + s / 100 for k in v.ROW_KEYS}, t90_p50=t90 + s / 100, size="60 nodes, 120 s")
                    for s in seeds}
        found = {}
        for cell, ns3 in (("none-base", 5.0), ("none-loss3", 8.0), ("pow-lat2", 8.0), ("pow-thin", 8.0),
                          ("nopow-lat2", 8.0)):
            found[("matrix", cell, "flow")] = runs(5.0)
            found[("matrix", cell, "ns3")] = runs(ns3)  # x1.6 (outside) but none-base
        results, _ = v.matrix_results(found)
        self.assertEqual(v.outside(results), ["none-loss3", "pow-lat2", "pow-thin", "nopow-lat2"])
        self.assertEqual(v.diagnosis_cells(results), ["nopow-base", "pow-thin", "nopow-loss3", "none-loss3",
                                                      "pow-lat2", "nopow-lat2"])
        for network, t90 in (("flow", 5.0), ("ns3", 8.0), ("ns3-rfc6298", 9.0), ("ns3-deepq", 7.0),
                             ("ns3-deepq-nohystart", 5.1), ("ns3-nohystart", 8.0), ("ns3-nots", 8.0),
                             ("ns3-echo", 5.1)):
            found[("diagnose", "nopow-lat2", network)] = runs(t90)
        lines = v.diagnosis_lines(found, results)
        text = "\n".join(lines)
        self.assertIn("**nopow-lat2** (seeds 1, 2, 3, 4, 5 on flow)", text)
        self.assertIn("- **nopow-base** (not diagnosed yet): a connection's trickle", text)
        self.assertIn("  - **nopow-lat2**, the same cause looked for: As the matrix runs it, they still differ on: "
                      "honest time to 90%, median (s); with RFC 6298's timer, they still differ on: honest time to "
                      "90%, median (s); with 1,000-packet queues too, they still differ on: honest time to 90%, "
                      "median (s); with no HyStart as well, ns-3 and flow agree on every answer; with no HyStart and the "
                      "matrix's 100-packet queues, they still differ on: honest time to 90%, median (s); with no TCP "
                      "timestamps (the matrix's settings otherwise), they still differ on: honest time to 90%, "
                      "median (s); and with Linux's timestamp echo (the matrix's settings otherwise), ns-3 and flow "
                      "agree on every answer.", text)
        self.assertIn("| ns-3, 1,000-packet queues, no HyStart | 5 | ", text)
        # the 95th percentile's coarseness, over the flood-without-PoW cells' runs: equal on both models here
        self.assertIn("over the diagnosis runs of nopow-lat2 it ranges from 1.01 to 1.05 s, and the 95% interval "
                      "of its paired difference is 0-0% of flow's value.", text)
        # HyStart is looked at for a flood's bursts only: saturated and undiagnosed cells do not run it
        self.assertEqual([n for n, *_ in v.variants_for("nopow-lat2")], ["ns3", "ns3-rfc6298", "ns3-deepq",
                                                                           "ns3-deepq-nohystart", "ns3-nohystart",
                                                                           "ns3-nots", "ns3-echo"])
        self.assertEqual([n for n, *_ in v.variants_for("pow-thin")], ["ns3", "ns3-rfc6298", "ns3-deepq",
                                                                         "ns3-nots", "ns3-echo"])
        # Linux's slow start is looked at under loss only (with timestamps on and off): a lossy flood's cell
        # runs both
        self.assertEqual([n for n, *_ in v.variants_for("none-loss3")], ["ns3", "ns3-rfc6298", "ns3-deepq",
                                                                           "ns3-linuxss", "ns3-nots",
                                                                           "ns3-linuxss-nots", "ns3-echo",
                                                                           "ns3-linuxss-echo"])
        self.assertEqual([n for n, *_ in v.variants_for("nopow-loss3")], ["ns3", "ns3-rfc6298", "ns3-deepq",
                                                                            "ns3-deepq-nohystart", "ns3-nohystart",
                                                                            "ns3-linuxss",
                                                                            "ns3-nots", "ns3-linuxss-nots",
                                                                            "ns3-echo", "ns3-linuxss-echo"])
        self.assertEqual(v.causes_of("nopow-thin"), ["saturation"])
        self.assertNotIn("pow-thin", text)  # no diagnosis run of it
        found[("diagnose", "none-loss3", "flow")] = runs(5.0)
        text = "\n".join(v.diagnosis_lines(found, results))
        self.assertIn("- **nopow-loss3** (not diagnosed yet): ns-3's TcpCubic grows its window", text)
        self.assertIn("  - **none-loss3**, the same cause looked for: As the matrix runs it, no run has "
                      "finished;", text)
        found[("diagnose", "none-loss3", "ns3")] = runs(5.0)  # the small network does not show the difference
        text = "\n".join(v.diagnosis_lines(found, results))
        self.assertIn("  - **none-loss3**, the same cause looked for: As the matrix runs it, ns-3 and flow "
                      "agree on every answer;", text)
        self.assertIn("with Linux's slow start (the matrix's settings otherwise), no run has finished;", text)
        self.assertIn("with Linux's slow start and no TCP timestamps, no run has finished;", text)
        self.assertIn("and with Linux's slow start and timestamp echo, no run has finished.", text)
        self.assertIn("The matrix's difference (honest time to 90%, median (s)) does not show on this smaller "
                      "network, so the diagnosis does not account for it.", text)
        self.assertEqual(text.count("does not show"), 1)  # nopow-lat2's small runs do show it
        self.assertNotIn("validation-spies.md", text)
        # a difference in first-spy precision the small runs do not show points to the spies' trace
        found[("matrix", "nopow-thin", "flow")] = runs(5.0)
        found[("matrix", "nopow-thin", "ns3")] = {s: dict(a, spy_precision=0.7 * a["spy_precision"])
                                                  for s, a in runs(5.0).items()}
        results, _ = v.matrix_results(found)
        for network in ("flow", "ns3"):
            found[("diagnose", "nopow-thin", network)] = runs(5.0)
        text = "\n".join(v.diagnosis_lines(found, results))
        self.assertIn("  - **nopow-thin**, the same cause looked for: As the matrix runs it, ns-3 and flow agree on "
                      "every answer.", text)
        self.assertIn("The matrix's difference (first-spy precision) does not show on this smaller network, so the "
                      "diagnosis does not account for it. [Whom the first spy names](validation-spies.md) follows",
                      text)
        self.assertEqual(text.count("validation-spies.md"), 1)
        # the lossy cells against ns-3 with Linux's slow start, as far as they have run
        self.assertEqual([n for n, _ in v.matrix_networks("none-loss3")], ["flow", "ns3", "ns3-linuxss", "flow-q100"])
        self.assertEqual([n for n, _ in v.matrix_networks("pow-lat2")], ["flow", "ns3", "flow-q100"])
        self.assertIn("Not run yet (`plots/validate run` runs them): none-loss1, none-loss3,",
                      "\n".join(v.linux_slow_start_lines(found)))
        found[("matrix", "none-loss3", "ns3-linuxss")] = runs(5.0)
        text = "\n".join(v.linux_slow_start_lines(found))
        self.assertIn("| none-loss3 | 5 | ", text)
        self.assertIn("Entries as above; **✗**: 0 of 6. Not run yet: none-loss1, pow-loss1,", text)
        # a cell no cause covers: latency alone, with PoW
        self.assertEqual(v.causes_of("pow-lat2"), [])
        self.assertEqual([n for n, *_ in v.variants_for("pow-lat2")], ["ns3", "ns3-rfc6298", "ns3-deepq",
                                                                         "ns3-nots", "ns3-echo"])
        for network in ("flow", "ns3"):
            found[("diagnose", "pow-lat2", network)] = runs(5.0)
        text = "\n".join(v.diagnosis_lines(found, results))
        self.assertIn("- **pow-lat2**: no cause diagnosed for its condition. As the matrix runs it, ns-3 and flow "
                      "agree on every answer;", text)

    def test_differences_at_the_matrix_size(self):
        """Each difference of the first table is set against the variant tables the cell ran on, at the
        matrix's size: which agree (and their ratios), which still differ; none when every cell agrees.
        Synthetic runs, worked by hand: ns-3's median 8 against flow's 5 (x1.6) in the first table."""
        v = load_validate()

        def runs(t90):
            return {str(s): dict({k: 1.0 + s / 100 for k in v.ROW_KEYS}, t90_p50=t90 + s / 100,
                                 size="300 nodes, 300 s") for s in (1, 2, 3, 4, 5)}
        found = {("matrix", "none-base", "flow"): runs(5.0), ("matrix", "none-base", "ns3"): runs(5.0)}
        results, _ = v.matrix_results(found)
        self.assertEqual(v.matrix_size_lines(found, results), [])
        for cell in ("none-loss3", "pow-lat2"):
            found[("matrix", cell, "flow")] = runs(5.0)
            found[("matrix", cell, "ns3")] = runs(8.0)
        found[("matrix", "none-loss3", "ns3-linuxss")] = runs(5.5)  # x1.1: agrees
        found[("matrix", "none-loss3", "flow-q100")] = runs(6.0)  # 8 against 6, x1.33: still differs
        results, _ = v.matrix_results(found)
        text = "\n".join(v.matrix_size_lines(found, results))
        self.assertIn("(1 of the 2 agree in at least one)", text)
        self.assertIn("- **none-loss3**, honest time to 90%, median (s) (×1.6): agrees with ns-3 with Linux's slow "
                      "start ([table](#linux-slow-start)) (×1.1); still differs with flow with 100-packet device "
                      "queues as ns-3's ([table](#flow-queues)) (×1.33).", text)
        self.assertIn("- **pow-lat2**, honest time to 90%, median (s) (×1.6): no variant has run.", text)
        self.assertEqual(text.count("- **"), 2)  # the other answers agree

    def test_flow_with_finite_queues(self):
        """Every cell runs on flow with 100-packet device queues too (flow-q100): a flow network, whose
        setting goes to the scenario (--set), not to ns-3's attributes; its table sets ns-3 as in the matrix
        against it, as far as run."""
        v = load_validate()
        self.assertEqual(v.model_of("flow-q100"), "flow")
        self.assertEqual(v.model_of("ns3-deepq"), "ns3")
        out = os.path.join(self.tmp, "q")
        tasks = v.cell_tasks(out, "matrix", "none-base", v.cell_text("none-base", 10, 20),
                             [("flow-q100", v.FLOW_QUEUES), ("ns3-deepq", v.DEEP_QUEUES)], 1, [],
                             {"flow": "f", "ns3": "n"})
        (_, flow_argv, flow_env, _), (_, ns3_argv, ns3_env, _) = tasks
        self.assertEqual(flow_argv[-4:], ["--set", "network.model=flow", "--set", "network.queue_packets=100"])
        self.assertNotIn("NS_ATTRIBUTE_DEFAULT", flow_env)
        self.assertEqual(ns3_argv[-2:], ["--set", "network.model=ns3"])
        self.assertEqual(ns3_env["NS_ATTRIBUTE_DEFAULT"], v.DEEP_QUEUES)
        self.assertEqual(ns3_env["POWRELAY_NS3_LINKS"], "p2p")  # the referee: ns-3's own devices
        self.assertNotIn("POWRELAY_NS3_LINKS", flow_env)

        def runs(t90):
            return {str(s): dict({k: 1.0 + s / 100 for k in v.ROW_KEYS}, t90_p50=t90 + s / 100, size="10 nodes, 20 s")
                    for s in (1, 2, 3)}
        found = {("matrix", "none-base", "flow"): runs(5.0), ("matrix", "none-base", "ns3"): runs(8.0),
                 ("matrix", "none-base", "flow-q100"): runs(7.5)}
        text = "\n".join(v.variant_lines(found, "flow-q100"))
        self.assertIn("## The matrix on flow with 100-packet device queues", text)
        self.assertIn("| none-base | 3 | ", text)
        self.assertIn("| 7.52 / 8.02 (×1.07; ", text)  # flow-q100 / ns-3 medians: agree
        self.assertIn("Entries as above; **✗**: 0 of ", text)
        self.assertIn("Not run yet: none-lat0.5,", text)
        self.assertIn("**✗**", "\n".join(v.matrix_table(v.matrix_results(found)[0])[0]))  # flow alone: x1.6

    def test_one_event_links(self):
        """ONELINK_CELLS run on ns-3 with the one-event links as well (ns3-onelink: POWRELAY_NS3_LINKS=one-event,
        its own fingerprint); the matrix's ns-3 runs keep ns-3's devices. Its table sets the two ns-3 networks
        against each other on the same seeds: medians 8.0 and 8.8 (x1.1) agree; as far as run."""
        v = load_validate()
        self.assertEqual([n for n, _ in v.matrix_networks("none-base")], ["flow", "ns3", "flow-q100", "ns3-onelink"])
        self.assertNotIn("ns3-onelink", [n for n, _ in v.matrix_networks("none-lat2")])
        self.assertEqual((v.model_of("ns3-onelink"), v.build_of("ns3-onelink"), v.build_of("ns3-linuxss")),
                         ("ns3", "ns3-onelink", "ns3"))
        tasks = v.cell_tasks(os.path.join(self.tmp, "o"), "matrix", "none-base", v.cell_text("none-base", 10, 20),
                             [("ns3", ""), ("ns3-onelink", "")], 1, [], {"ns3": "n", "ns3-onelink": "o"})
        self.assertEqual([t[2]["POWRELAY_NS3_LINKS"] for t in tasks], ["p2p", "one-event"])
        self.assertIn("Not run yet (`plots/validate run` runs them): none-base, pow-thin,",
                      "\n".join(v.onelink_lines({})))

        def runs(t90, seeds=(1, 2, 3)):
            return {str(s): dict({k: 1.0 + s / 100 for k in v.ROW_KEYS}, t90_p50=t90 + s / 100, size="10 nodes, 20 s")
                    for s in seeds}
        found = {("matrix", "none-base", "ns3"): runs(8.0), ("matrix", "none-base", "ns3-onelink"): runs(8.8, (1, 2)),
                 ("matrix", "pow-thin", "ns3"): runs(8.0)}
        text = "\n".join(v.onelink_lines(found))
        self.assertIn("| none-base | 2 | ", text)
        self.assertIn("| 8.02 / 8.82 (×1.1; ", text)
        self.assertIn("**✗**: outside agreement, as above: 0 of 6. Not run yet: pow-thin, nopow-base.",
                      text)

    def test_phases(self):
        """The time to 90% split at the fluff: a run's 95th percentiles (linear between ranks, as the runner's)
        over the honest transactions that reached 90%; the phase table lists the cells whose time to 90% is
        outside agreement, marking the phase that is. Worked by hand."""
        v = load_validate()
        self.assertEqual(v.p95([0.0, 10.0]), 9.5)
        self.assertEqual(v.p95([3.0]), 3.0)
        self.assertTrue(v.math.isnan(v.p95([])))
        with open(os.path.join(self.tmp, "txs.csv"), "w") as f:
            f.write("id,kind,origin,created_s,size,work_initial,stem_hops,fluff_s,reach_frac,t50_s,t90_s,"
                    "confirmed_s,repackagings,hashes\n"
                    "1,honest,0,0,1535,0,2,1,1,2,3,,0,0\n"    # stem 1, spread 2
                    "2,honest,0,0,1535,0,2,5,1,6,9,,0,0\n"    # stem 5, spread 4
                    "3,honest,0,0,1535,0,2,7,0.5,8,,,0,0\n"   # never reached 90%: left out
                    "4,spam,9,0,1535,0,0,0,1,1,50,,0,0\n")   # spam: left out
        self.assertEqual(v.phases(self.tmp), {"stem_p95": 1 + 0.95 * 4, "spread_p95": 2 + 0.95 * 2})

        def runs(stem, spread, seeds=(1, 2, 3, 4, 5)):
            return {str(s): dict({k: 1.0 + s / 100 for k in v.ROW_KEYS}, t90_p95=stem + spread + s,
                                 stem_p95=stem + s, spread_p95=spread, size="300 nodes, 300 s")
                    for s in seeds}
        found = {("matrix", "nopow-loss1", "flow"): runs(10.0, 8.0), ("matrix", "nopow-loss1", "ns3"): runs(16.0, 8.0),
                 ("matrix", "none-base", "flow"): runs(10.0, 8.0), ("matrix", "none-base", "ns3"): runs(10.0, 8.0)}
        results, _ = v.matrix_results(found)
        text = "\n".join(v.phase_lines(found, results))
        self.assertIn("| nopow-loss1 | ns-3 | 5 | 21 / 27 (×1.29; Δ 6 ± 0) **✗** | 13 / 19 (×1.46; Δ 6 ± 0) **✗** | "
                      "8 / 8 (×1; Δ 0 ± 0) |", text)
        self.assertNotIn("none-base", text)  # agrees: not listed
        self.assertEqual(v.phase_lines(found, {"none-base": results["none-base"]}), [])

    def check_refuses_empty(self, tool, words):
        """plots/TOOL on a directory with no runs: exit 2, saying `words`."""
        empty = os.path.join(self.tmp, "empty-" + tool)
        os.makedirs(empty)
        p = subprocess.run(["/usr/bin/python3", os.path.join(PLOTS, tool), empty], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertIn(words, p.stderr)

    def test_stems(self):
        """plots/stems on a hand-made trace: only transactions created during the attack; how each left the stem;
        the 95th percentile of creation to fluff and the share beyond it an embargo fluffed; each hop's delay
        beyond its connection's latency, by kind (EU-EU 11.61 ms, EU-AP 241.9 ms, EU-JP 266.45 ms one way).
        --networks refuses a network no cell has, or the part does not run (exit 2)."""
        run = os.path.join(self.tmp, "out", "nopow-loss1", "flow", "run-s1")
        os.makedirs(run)
        with open(os.path.join(run, "nodes.csv"), "w") as f:
            f.write("node,region\n0,EU\n1,EU\n2,AP\n3,JP\n")
        with open(os.path.join(run, "summary.json"), "w") as f:
            f.write('{"honest": {"latency90_p95_s": 30, "during_attack": {"from_s": 60, "to_s": 240}}}')
        with open(os.path.join(run, "scenario.yaml"), "w") as f:  # the default regions: JP's uplink 1.7 Mbit/s
            f.write(load_validate().cell_text("nopow-loss1", 4, 300))
        with open(os.path.join(run, "stems.csv"), "w") as f:
            f.write("tx,step,node,peer,t_s,fluff_why\n"
                    "9,created,0,,50,0\n9,fluffed,0,,51,1\n"  # before the attack: left out
                    "1,created,0,,100,0\n1,accepted,1,0,100.51161,0\n"  # EU-EU: 0.5 s beyond the latency
                    "1,accepted,2,1,103.75351,0\n1,fluffed,2,,103.8,1\n"  # EU-AP: 3 s beyond; the coin, at 3.8 s
                    "2,created,3,,150,0\n2,accepted,0,3,160.26645,0\n"  # out of JP: 10 s beyond
                    "2,fluffed,0,,160.5,2\n"  # an embargo, at 10.5 s
                    "3,created,0,,200,0\n3,accepted,3,0,201.26645,0\n3,fluffed,3,,201.5,3\n")  # into JP: 1 s; a loop
        ns3 = os.path.join(self.tmp, "out", "nopow-loss1", "ns3-linuxss", "run-s1")
        shutil.copytree(run, ns3)
        with open(os.path.join(run, "stems.csv")) as f:  # the hop out of JP 10 s slower on ns-3
            text = f.read().replace("2,accepted,0,3,160.26645", "2,accepted,0,3,170.26645").replace(
                "2,fluffed,0,,160.5", "2,fluffed,0,,170.5")
        with open(os.path.join(ns3, "stems.csv"), "w") as f:
            f.write(text)
        p = subprocess.run(["/usr/bin/python3", os.path.join(PLOTS, "stems"), os.path.join(self.tmp, "out"),
                            os.path.join(self.tmp, "docs")], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        # creation to fluff: 3.8, 10.5, 1.5 -> 95th pct 3.8 + 0.9 x 6.7 = 9.83; beyond it: the embargo's
        row = ("| nopow-loss1 | flow | 1 | 30.0 | 33% | 33% | 9.8 | 100% | 1.00 / 0% (n 1) | 10.00 / 100% (n 1) | "
               "0.50 / 0% (n 1) | 3.00 / 100% (n 1) |")
        self.assertIn(row, p.stdout)
        # ns-3: 3.8, 20.5, 1.5 -> 3.8 + 0.9 x 16.7 = 18.83; too few hops of each kind (< 10) to compare them
        self.assertIn("- **nopow-loss1**, ns3-linuxss against flow (seeds 1): time to 90%, 95th percentile ×1.00 "
                      "(30.0 s against 30.0 s); creation to fluff, 95th percentile ×1.92 (18.8 s against 9.8 s); fluffed by an embargo 33% against 33%; too few hops of each "
                      "kind (10) to compare them.", p.stdout)
        with open(os.path.join(self.tmp, "docs", "validation-stems.md")) as f:
            self.assertIn(row, f.read())
        self.check_refuses_empty("stems", "no run with stems.csv")
        self.validate("run", os.path.join(self.tmp, "v"), "--networks", "ns4", status=2, timeout=60)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "v")))
        # the diagnosis has its own networks: the matrix's third table's is not one of them
        self.validate("diagnose", os.path.join(self.tmp, "v"), "--networks", "flow,ns3-linuxss-nohystart", status=2,
                      timeout=60)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "v")))

    def test_queues(self):
        """plots/queues on hand-made tallies (the stems trace as test_stems's): per network, the share of the
        data each kind of queue dropped, pooled over the seeds, and ACK packets per data segment at the slow
        uplinks. Nodes 0-2 fast (EU, EU, AP), 3 slow (JP). ns-3: fast uplinks took 90 + 80 + 30 = 200 data
        segments and dropped 10 + 0 + 0 (10/210 = 4.8%); JP's took 30 and dropped 10 (25.0%), with 39 ACK
        packets (1.30 a data segment) and 1 dropped (1/40 = 2.5%); JP's downlink dropped 1 of 100 (1.0%), the fast ones none. Flow: no
        ACK columns; JP's downlink took 97 and dropped 3 (3.0%); a tally without downlink rows says so. With
        the senders' counts (ns3-unbounded: nothing dropped), JP's 4 timeouts and no fast recovery; ns3-timer1s:
        3 timeouts over 2 recoveries, 1.50. flow-ahead: JP's uplink took 40 (its first attempts) and dropped 10
        (20.0%); 30 were booked ahead (75%), 9 of them dropped (30.0%), 1 of the other 10 (10.0%)."""
        out = os.path.join(self.tmp, "out")
        for net, rows in (("ns3", "0,1,up,5,90,0,10\n0,1,down,7,50,0,0\n1,1,up,5,80,0,0\n1,1,down,7,50,0,0\n"
                                  "2,3,up,5,30,0,0\n2,3,down,7,50,0,0\n3,4,up,39,30,1,10\n3,4,down,7,99,0,1\n"),
                          ("flow-q100", "0,1,up,,100,,0\n1,1,up,,100,,0\n2,3,up,,100,,0\n3,4,up,,30,,30\n"
                                        "0,1,down,,100,,0\n1,1,down,,100,,0\n2,3,down,,100,,0\n3,4,down,,97,,3\n"),
                          ("flow", "0,1,up,,100,,0\n1,1,up,,100,,0\n2,3,up,,100,,0\n3,4,up,,30,,30\n"),
                          ("ns3-unbounded", "0,1,up,5,90,0,0,0,0\n3,4,up,39,30,0,0,0,4\n3,4,down,7,99,0,0,,\n"),
                          ("ns3-timer1s", "0,1,up,5,90,0,0,1,0\n3,4,up,39,30,0,0,2,3\n3,4,down,7,99,0,0,,\n"),
                          ("flow-ahead", "0,1,up,,90,,0,0,0,0,0\n3,4,up,,40,,10,5,1,30,9\n3,4,down,,99,,0,,,,\n")):
            run = os.path.join(out, "nopow-lat2", net, "run-s1")
            os.makedirs(run)
            with open(os.path.join(run, "nodes.csv"), "w") as f:
                f.write("node,region\n0,EU\n1,EU\n2,AP\n3,JP\n")
            with open(os.path.join(run, "summary.json"), "w") as f:
                f.write('{"honest": {"latency90_p95_s": 30, "during_attack": {"from_s": 60, "to_s": 240}}}')
            with open(os.path.join(run, "scenario.yaml"), "w") as f:
                f.write(load_validate().cell_text("nopow-lat2", 4, 300))
            with open(os.path.join(run, "stems.csv"), "w") as f:
                f.write("tx,step,node,peer,t_s,fluff_why\n1,created,0,,100,0\n1,accepted,1,0,100.51161,0\n"
                        "1,fluffed,1,,101,1\n")
            with open(os.path.join(run, "queues.csv"), "w") as f:
                fields = rows.split("\n")[0].count(",") + 1  # a tally's columns as its build wrote them
                f.write("node,region,link,acks_enqueued,data_enqueued,acks_dropped,data_dropped" +
                        (",recoveries,timeouts" if fields >= 9 else "") +
                        (",data_ahead,data_ahead_dropped" if fields >= 11 else "") + "\n" + rows)
        p = subprocess.run(["/usr/bin/python3", os.path.join(PLOTS, "queues"), out, os.path.join(self.tmp, "docs")],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("| nopow-lat2 | ns3 | 1 | 4.8% | 25.0% | 0.0% | 1.0% | 1.30 | 2.5% |", p.stdout)
        self.assertIn("| nopow-lat2 | flow-q100 | 1 | 0.0% | 50.0% | 0.0% | 3.0% | - (none) | - |", p.stdout)
        self.assertIn("| nopow-lat2 | flow | 1 | 0.0% | 50.0% | no rows | no rows | - (none) | - |", p.stdout)
        self.assertIn("| nopow-lat2 | ns3 | 1 | 4.8% | 25.0% | 0.0% | 1.0% | 1.30 | 2.5% | - |", p.stdout)
        self.assertIn("| nopow-lat2 | ns3-unbounded | 1 | 0.0% | 0.0% | no rows | 0.0% | 1.30 | 0.0% | - (4 / 0) |",
                      p.stdout)
        self.assertIn("| nopow-lat2 | ns3-timer1s | 1 | 0.0% | 0.0% | no rows | 0.0% | 1.30 | 0.0% | 1.50 (3 / 2) | - |",
                      p.stdout)
        self.assertIn("| nopow-lat2 | flow-ahead | 1 | 0.0% | 20.0% | no rows | 0.0% | - (none) | - | 0.20 (1 / 5) | "
                      "75%, 30.0%, 10.0% |", p.stdout)
        self.assertIn("| nopow-lat2 | ns3 | 1 | 30.0 | 100% | 0% | 1.0 |", p.stdout)  # plots/stems's table too
        with open(os.path.join(self.tmp, "docs", "validation-queues.md")) as f:
            self.assertIn("| nopow-lat2 | ns3 | 1 | 4.8% |", f.read())
        self.check_refuses_empty("queues", "no run with queues.csv")

    def test_spies(self):
        """plots/spies on a hand-made trace: the first spy's guesses (honest transactions 1-3; 4 was not seen),
        split by whether the origin fluffed first, checked against summary.json's precision. Flow: 1 fluffed
        first by its origin 0 and named (hit), 2 (origin 3) fluffed and named at 0 (miss), 3 fluffed at 1 but
        named 0 (hit): 2/3, the origin first for 1/3, precision 1 then and 1/2 otherwise. ns-3: 1 and 2
        missed, 3 hit, none fluffed first by its origin: 1/3; flow's precisions with ns-3's shares, 0 x 1 + 1 x
        1/2 = 1/2, account for (2/3 - 1/2) / (2/3 - 1/3) = 50% of the difference. Ten nodes, spies 7 and 8: the
        origin 0 (3 peers) has a spy among them with a chance of 1 - C(7, 3) / C(9, 3) = 1 - 35/84 = 0.583, and on
        flow two of its 3 peers took transaction 1 straight from it."""
        def trace(network, stems, precision):
            run = os.path.join(self.tmp, "out", "nopow-thin", network, "run-s1")
            os.makedirs(run)
            with open(os.path.join(run, "txs.csv"), "w") as f:
                f.write("id,kind,origin\n1,honest,0\n2,honest,3\n3,honest,0\n4,honest,5\n5,spam,9\n")
            with open(os.path.join(run, "stems.csv"), "w") as f:
                f.write("tx,step,node,peer,t_s,fluff_why\n" + stems)
            with open(os.path.join(run, "summary.json"), "w") as f:
                f.write('{"privacy": {"first_spy_precision": %.12f, "spies": 2}}' % precision)
            with open(os.path.join(run, "nodes.csv"), "w") as f:
                f.write("node,region,degree\n" + "".join(f"{i},EU,3\n" for i in range(10)))
            return run
        trace("flow", "1,created,0,,1,0\n1,fluffed,0,,40,2\n1,spied,7,0,41,0\n1,from_origin,7,0,41,0\n"
              "1,from_origin,4,0,41.5,0\n2,fluffed,0,,5,1\n2,spied,7,0,6,0\n2,from_origin,7,3,6,0\n"
              "3,fluffed,1,,5,1\n3,spied,8,0,9,0\n4,fluffed,5,,5,2\n", 2 / 3)
        ns3 = trace("ns3", "1,fluffed,1,,40,1\n1,spied,7,1,41,0\n2,fluffed,0,,5,1\n2,spied,7,0,6,0\n"
                    "3,fluffed,2,,5,1\n3,spied,8,0,9,0\n", 1 / 3)
        spies = ["/usr/bin/python3", os.path.join(PLOTS, "spies")]
        p = subprocess.run(spies + [os.path.join(self.tmp, "out"), os.path.join(self.tmp, "docs")],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        row = "| nopow-thin | flow | 1 | 3 | 0.667 (0.667) | 33% | 1.000 | 0.583 | 67% | 0.500 |"
        self.assertIn(row, p.stdout)
        self.assertIn("| nopow-thin | ns3 | 1 | 3 | 0.333 (0.333) | 0% | - | - | - | 0.333 |", p.stdout)
        self.assertIn("first-spy precision 0.333 against 0.667; the origin fluffed first 0% of the guessed "
                      "transactions against 33%; flow's precision in each group with ns-3's shares: 0.500 (the "
                      "shares alone account for 50% of the difference). Where the origin fluffed first, a spy was "
                      "among its peers with a chance of - against 0.583, and the spies named it - of the time "
                      "against 1.000; its peers that took it straight from it: - against 67%.", p.stdout)
        with open(os.path.join(self.tmp, "docs", "validation-spies.md")) as f:
            self.assertIn(row, f.read())
        with open(os.path.join(ns3, "summary.json"), "w") as f:  # a summary the trace does not match: refused
            f.write('{"privacy": {"first_spy_precision": 0.5}}')
        p = subprocess.run(spies + [os.path.join(self.tmp, "out")], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertIn("is not summary.json's 0.5", p.stderr)
        p = subprocess.run(spies + [os.path.join(self.tmp, "nothing")], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertIn("no run whose stems.csv has `spied` steps", p.stderr)

    def test_no_attack_has_no_attack_load(self):
        """A cell with no attack (none-loss3, when it is diagnosed) has no uplink load during an attack: NaN,
        not a crash on the summary's missing attack window."""
        v = load_validate()
        s = {"honest": {"reached90_share": 0.9}}
        self.assertTrue(v.math.isnan(v.uplink_load(self.tmp, s, [{"region": "EU"}], "loss3")))

    def test_cell_sizes(self):
        """An extra cell runs at its own size in the matrix and at the diagnosis's --nodes when diagnosed."""
        v = load_validate()
        self.assertEqual(v.matrix_nodes("none-loss2-n100", 300), 100)
        self.assertEqual(v.matrix_nodes("none-loss3", 300), 300)
        self.assertIn("nodes: {count: 60}", v.cell_text("none-loss2-n100", 60, 120))
        self.assertIn("loss: 0.02", v.cell_text("none-loss2-n100", 60, 120))

    def validate(self, *args, status=0, timeout=600, **kw):
        """plots/validate with args; asserts its exit status and returns the finished process."""
        p = subprocess.run(VALIDATE + list(args), capture_output=True, text=True, timeout=timeout, **kw)
        self.assertEqual(p.returncode, status, p.stderr)
        return p

    def test_command_line(self):
        """--help prints the usage; an option where OUT belongs, or a network the part does not run, is refused
        (exit 2) and no directory is made."""
        p = self.validate("run", "--help", timeout=60, cwd=self.tmp)
        self.assertIn("usage: plots/validate run OUT", p.stdout)
        for sub in ("run", "diagnose", "traffic"):
            self.validate(sub, "--nodes", status=2, timeout=60, cwd=self.tmp)
        for sub, bad in (("run", "ns3-deepq"), ("diagnose", "ns3-linuxss-nohystart")):  # not that part's network
            p = self.validate(sub, "out", "--networks", "flow," + bad, status=2, timeout=60, cwd=self.tmp)
            self.assertIn(f"--networks: flow,{bad} (networks: flow, ", p.stderr)
        self.assertEqual(os.listdir(self.tmp), [])

    def test_a_failed_run_is_not_run_again(self):
        """A run that exits with an error leaves run-s<seed>.failed and is not run again (a run is
        deterministic); the invocation still exits 1, naming it."""
        real = os.environ.get("POWRELAY", os.path.join(PLOTS, "..", "build", "runner", "powrelay"))
        fake = os.path.join(self.tmp, "powrelay")
        with open(fake, "w") as f:  # seed 2 fails as a run whose TCP gave up would
            f.write('#!/bin/sh\nif [ "$1" = run ] && [ "$3" = --seed ] && [ "$4" = 2 ]; then\n'
                    '  echo "powrelay: TCP gave up (a test)" >&2; exit 1\nfi\n'
                    f'exec "{os.path.abspath(real)}" "$@"\n')
        os.chmod(fake, 0o755)
        out, env = os.path.join(self.tmp, "val"), dict(os.environ, POWRELAY=fake)
        args = ["run", out, "--cells", "none-base", "--nodes", "20", "--seeds", "2", "--duration", "30",
                "--ledger", os.path.join(self.tmp, "ledger.csv")]
        p = self.validate(*args, status=1, env=env)
        self.assertIn("none-base on flow, seed 1: done", p.stderr)
        self.assertIn("none-base on ns3, seed 2: FAILED", p.stderr)
        with open(os.path.join(out, "none-base", "ns3", "run-s2.failed")) as f:
            self.assertEqual(f.read(), "exit status 1\npowrelay: TCP gave up (a test)\n")
        p = self.validate(*args, status=1, env=env)
        self.assertNotIn(": done", p.stderr)  # nothing ran again
        self.assertIn("none-base on ns3: nothing to run; seeds 2 failed before", p.stderr)
        self.assertIn("runs failed: none-base on flow, seed 2; none-base on ns3, seed 2", p.stderr)

    def test_ci_cells(self):
        out, docs = os.path.join(self.tmp, "val"), os.path.join(self.tmp, "docs")
        self.validate("run", out, "--cells", "ci", "--nodes", "100", "--seeds", "2", "--duration", "90", "-j", "2",
                      timeout=1200)
        p = self.validate("diagnose", out, "--nodes", "20", "--cells", "nopow-base,pow-thin", "--seeds", "1",
                          "--duration", "30", "-j", "2")
        self.assertNotIn("failed", p.stderr)
        # what a flood's nodes sent, paired by seed (here both models' runs are in OUT)
        p = self.validate("traffic", out, "pow-base", timeout=60)
        self.assertRegex(p.stdout, r"^pow-base, seeds 1, 2: flow's bytes in the attack's last two minutes are "
                                   r"\d\.\d\d-\d\.\d\d of ns-3's; in the minute after it, both send "
                                   r"\d+\.\d-\d+\.\d GB a 20-s bin\n$")
        p = self.validate("traffic", out, "none-base", status=2, timeout=60)
        self.assertIn("none-base has no attack", p.stderr)
        self.validate("report", out, docs, timeout=300)
        self.assertTrue(os.path.isfile(os.path.join(docs, "figures", "validation.png")))
        with open(os.path.join(docs, "validation.md")) as f:  # the matrix's own table (the first)
            first = f.read().split('<a id="linux-slow-start"></a>')[0]
        rows = {r.split(" | ")[0].strip("| "): r for r in first.splitlines() if r.startswith("| ")}
        for cell in ("none-base", "none-loss3", "pow-base"):
            self.assertIn(cell, rows)
            self.assertEqual(rows[cell].split(" | ")[1], "2")  # both seeds paired
        share = rows["none-base"].split(" | ")[2]
        self.assertNotIn("✗", share, share)
        with open(os.path.join(docs, "validation.md")) as f:
            diag = f.read().split('<a id="diagnosis"></a>')[1]
        rows = [r.split(" | ") for r in diag.splitlines()
                if r.startswith("| ") and not r.startswith("| network") and "---" not in r]
        names = ["flow", "ns-3 (as in the matrix)", "ns-3, RFC 6298's timer", "ns-3, 1,000-packet queues"]
        # nopow-base (a flood's bursts: HyStart looked at too), then pow-thin
        self.assertEqual([r[0].strip("| ") for r in rows],
                         names + ["ns-3, 1,000-packet queues, no HyStart", "ns-3, no HyStart",
                                  "ns-3, no TCP timestamps", "ns-3, Linux's timestamp echo"] + names
                         + ["ns-3, no TCP timestamps", "ns-3, Linux's timestamp echo"], diag)
        self.assertTrue(all(r[1] == "1" for r in rows), diag)
        self.assertNotEqual(rows[1][2:], rows[2][2:])  # nopow-base: the timer setting changed what ns-3 did
        with open(os.path.join(docs, "validation.md")) as f:  # none-base on ns-3's devices and one-event links
            onelink = f.read().split('<a id="one-event-links"></a>')[1].split("<a id=")[0]
        self.assertRegex(onelink, r"\n\| none-base \| 2 \| ")
        self.check_ledger(out, docs)

    def check_ledger(self, out, docs):
        """The ledger (docs/validation-runs.csv) alone regenerates the report; run skips what it holds for the
        same build and scenario; a ledger row of another build is left out; another build's OUT is refused."""
        ledger = os.path.join(docs, "validation-runs.csv")
        with open(os.path.join(docs, "validation.md")) as f:
            before = f.read()
        empty = os.path.join(self.tmp, "empty")
        self.validate("report", empty, docs, timeout=300)
        with open(os.path.join(docs, "validation.md")) as f:
            self.assertEqual(f.read(), before)

        def none_base(out, seeds):
            return self.validate("run", out, "--cells", "none-base", "--nodes", "100", "--seeds", str(seeds),
                                 "--duration", "90", "--ledger", ledger, timeout=900)

        out2 = os.path.join(self.tmp, "val2")
        p = none_base(out2, 2)
        for model in ("flow", "ns3"):
            self.assertIn(f"none-base on {model}: every seed done (2 in the ledger, made by this build)", p.stderr)
            self.assertEqual(os.listdir(os.path.join(out2, "none-base", model)), ["scenario.sha256"])  # no run

        # more seeds later: the same scenario (the seed count is not part of it), so only the new seed runs
        out3 = os.path.join(self.tmp, "val3")
        p = none_base(out3, 3)
        for model in ("flow", "ns3"):
            self.assertIn(f"none-base on {model}: seeds 3 to run (2 in the ledger, made by this build)", p.stderr)
            self.assertEqual(sorted(os.listdir(os.path.join(out3, "none-base", model))),
                             ["run-s3", "scenario.sha256"])

        # a row of another build: left out (none-base then pairs one seed)
        with open(ledger) as f:
            lines = f.read().splitlines(keepends=True)
        first = next(i for i, line in enumerate(lines) if line.startswith("matrix,none-base,flow,1,"))
        fields = lines[first].split(",")
        fields[5] = "0" * 64
        lines[first] = ",".join(fields)
        with open(ledger, "w") as f:
            f.writelines(lines)
        p = self.validate("report", out2, docs, timeout=300)
        self.assertIn("1 of the ledger's runs were made by another build", p.stderr)
        with open(os.path.join(docs, "validation.md")) as f:
            row = next(r for r in f.read().splitlines() if r.startswith("| none-base |"))
        self.assertEqual(row.split(" | ")[1], "1")

        with open(ledger) as f:  # rewritten by the report: the other build's row is gone
            n = len(f.read().splitlines())
        self.assertEqual(n, len(lines) - 1)
        with open(ledger, "a") as f:  # a row cut short
            f.write("matrix,none-base,flow,3\n")
        p = self.validate("report", out2, docs, status=2, timeout=300)
        self.assertIn(f"{ledger} line {n + 1}: not a ledger row", p.stderr)

        fp_path = os.path.join(out2, "fingerprint.json")
        with open(fp_path) as f:
            fp = json.load(f)
        with open(fp_path, "w") as f:  # flow's build changed: its runs must go, ns-3's may stay
            json.dump(dict(fp, flow="x"), f)
        p = self.validate("run", out2, "--cells", "none-base", "--ledger", ledger, status=2)
        self.assertIn(f"holds flow runs of another build (its canary differs): move them away", p.stderr)
        self.assertIn(os.path.join(out2, "none-base", "flow"), p.stderr)
        with open(fp_path, "w") as f:  # the one-event links changed: only ns3-onelink's runs must go
            json.dump(dict(fp, **{"ns3-onelink": "z"}), f)
        p = self.validate("run", out2, "--cells", "none-base", "--ledger", ledger, status=2)
        self.assertIn("holds ns3-onelink runs of another build", p.stderr)
        self.assertIn(os.path.join(out2, "none-base", "ns3-onelink"), p.stderr)
        with open(fp_path, "w") as f:
            f.write('{"flow": "x", "ns3": "y", "ns3-onelink": "z"}')
        p = self.validate("run", out2, "--cells", "none-base", "--ledger", ledger, status=2)
        self.assertIn("holds flow/ns3/ns3-onelink runs of another build", p.stderr)


if __name__ == "__main__":
    unittest.main()
