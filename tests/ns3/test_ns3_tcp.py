"""One lossy TCP connection on both network models (tests/ns3/tcp_probe.c, from $TCP_PROBE): flow's TCP
(docs/protocol.md#flow-loss) carries what ns-3's does with Linux's slow start, and ns-3's own TcpCubic,
which grows its window past the slow-start threshold, carries more (docs/validation.md#diagnosis)."""
import os
import statistics
import subprocess
import sys
import unittest

PROBE = os.environ.get("TCP_PROBE", "tcp_probe")
LINUX_SLOW_START = "ns3::TcpL4Protocol::SocketType=ns3::PowrelayLinuxCubic"


def probe(model, loss, seed, latency=0.1, attrs="", trickle=None, queue=0):
    """(transactions delivered in the 120 s, their mean delay in s, the 95th percentile of that delay);
    trickle: (transactions a second, seconds between batches); queue: network.queue_packets (with a
    trickle)."""
    env = {k: v for k, v in os.environ.items() if k != "NS_ATTRIBUTE_DEFAULT"}
    if attrs:
        env["NS_ATTRIBUTE_DEFAULT"] = attrs
    args = [PROBE, model, str(loss), str(seed), str(latency)] + [str(x) for x in trickle or ()]
    if queue:
        args.append(str(queue))
    p = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300, check=True)
    words = p.stdout.split()
    return int(words[1]), float(words[3]), float(words[5])


def mean_delivered(model, loss, seeds, latency=0.1, attrs=""):
    return statistics.mean(probe(model, loss, s, latency, attrs)[0] for s in seeds)


class OneConnection(unittest.TestCase):
    def test_lossless_both_carry_everything(self):
        """40 transactions a second on 10 Mbit/s: all 4,800 arrive within the 120 s, about a latency late."""
        for model in ("flow", "ns3"):
            n, delay, _ = probe(model, 0, 1)
            self.assertEqual(n, 4800, model)
            self.assertTrue(0.1 <= delay < 0.15, (model, delay))

    def test_flow_carries_what_linux_tcp_carries(self):
        """At 1%, 2%, 3% and 5% loss a link (about twice that of segments end to end) TCP carries what its
        window allows of the 40 transactions a second offered (at 3% about half); at each, over 10 seeds,
        flow's mean is within the matrix's agreement band (0.85-1.18) of ns-3's with Linux's slow start.
        Before flow's connection was a byte stream, each transaction took two segments of its own and flow
        carried about half of ns-3's. One run's count spreads widely (at 3%, flow 1,580-2,406 over these
        seeds, ns-3 1,925-2,446), so 5 seeds' mean moves by about 7%: ten. When written, ns-3's over flow's
        was 0.97, 0.87, 1.01 and 0.90 (flow the faster at 2% and 5%); with flow's window continuous rather
        than whole segments (docs/protocol.md#flow-loss), 1.03, 0.96, 1.14 and 1.01."""
        seeds = range(1, 11)
        for loss in (0.01, 0.02, 0.03, 0.05):
            flow = mean_delivered("flow", loss, seeds)
            ns3 = mean_delivered("ns3", loss, seeds, attrs=LINUX_SLOW_START)
            print(f"{loss:.0%} loss, 200 ms round trip: flow {flow:.0f}, ns-3 with Linux's slow start {ns3:.0f} "
                  f"transactions in 120 s (10 seeds; ns-3's {ns3 / flow:.2f} times flow's)", file=sys.stderr)
            if loss >= 0.03:
                self.assertLess(flow, 0.7 * 4800)  # lossy TCP is the bottleneck, not the offered load
            self.assertTrue(0.85 <= ns3 / flow <= 1.18, (loss, flow, ns3))

    def test_a_lone_lost_transaction_is_fast_retransmitted(self):
        """A trickle (16 transactions a second in batches 2.5 s apart, 300 ms one way) at 0.1% loss: a
        lost segment of a lone transaction (two segments) has later transactions' segments behind it in
        its batch, whose duplicate ACKs bring a fast retransmission a round trip later, not the timer.
        Over 10 seeds the median of each run's 95th-percentile delay is within the matrix's agreement band
        (0.85-1.18) of ns-3's with Linux's slow start (0.94 s against 0.92 s when written). Before flow held
        such a message until its timer's fate was known, it charged the timer (1.76 s)."""
        seeds = range(1, 11)
        flow = statistics.median(probe("flow", 0.001, s, 0.3, trickle=(16, 2.5))[2] for s in seeds)
        ns3 = statistics.median(probe("ns3", 0.001, s, 0.3, LINUX_SLOW_START, (16, 2.5))[2] for s in seeds)
        print(f"0.1% loss, a trickle, 600 ms round trip: 95th-percentile delay flow {flow:.2f} s, ns-3 with "
              f"Linux's slow start {ns3:.2f} s (median over 10 seeds)", file=sys.stderr)
        self.assertTrue(0.85 <= ns3 / flow <= 1.18, (flow, ns3))

    def test_ns3_timestamps_go_stale_after_a_quiet_spell(self):
        """ns-3 (3.37) takes a segment's timestamp to echo only when its sequence number is at most the highest
        ACK sent in a pure ACK; here the receiver's replies carry its ACKs, so after each 2.5 s gap between
        batches its first ACKs echo a timestamp from before the gap, the sender samples a 2.7 s round trip
        and its timer grows to 2-4 s. Linux counts every ACK it sends. At 3% loss on a light trickle (4
        transactions a second, 200 ms round trip) that makes ns-3's tail heavier: over 10 seeds the median of
        each run's 95th-percentile delay is over 1.5 times the same with timestamps off (2.21 s against 1.24 s
        when written), and with them off it is within the matrix's band of flow's (1.31 s); so is ns-3 with
        timestamps on and Linux's rule for the echo (shim/ns3/echo-socket.h: 1.35 s). The median is coarse:
        a run's 95th percentile falls near 1.1 s or 1.4-1.5 s (a batch's tail after one timeout or two), so
        seeds 1-20 give flow 1.11 s against 1.33 s with Linux's echo (1.20 times), and ns-3 times out more
        often here than flow does (18 timeouts and 15 fast recoveries a run against flow's 13 and 23, seeds
        1-10, counted in the window traces)."""
        seeds = range(1, 11)
        trickle = (4, 2.5)

        def p95(model, attrs=""):
            return statistics.median(probe(model, 0.03, s, 0.1, attrs, trickle)[2] for s in seeds)
        flow = p95("flow")
        with_ts = p95("ns3", LINUX_SLOW_START)
        without = p95("ns3", LINUX_SLOW_START + ";ns3::TcpSocketBase::Timestamp=false")
        echo = p95("ns3", LINUX_SLOW_START + ";ns3::PowrelayEchoSocket::EchoEveryAck=true")
        print(f"3% loss, a light trickle: 95th-percentile delay flow {flow:.2f} s, ns-3 with Linux's slow start "
              f"{with_ts:.2f} s, with no timestamps {without:.2f} s, with Linux's echo {echo:.2f} s (median over "
              "10 seeds)", file=sys.stderr)
        self.assertGreater(with_ts, 1.5 * without)
        self.assertTrue(0.85 <= without / flow <= 1.18, (flow, without))
        self.assertTrue(0.85 <= echo / flow <= 1.18, (flow, echo))

    def test_a_burst_longer_than_the_queue_loses_its_tail(self):
        """No loss drawn: 100 transactions (107 segments) every 2.5 s on 10 Mbit/s, 200 ms round trip. Once
        the window has grown past the burst, ns-3's 100-packet device queue drops the burst's tail, and with
        nothing behind it the timer recovers it (the window back to one segment): each run's 95th-percentile
        delay is 0.92 s, against 0.23 s with 1,000-packet queues. By default flow's uplinks never drop: its
        delays are those of deep queues (0.23 s). This is the lossless floods' difference
        (docs/validation.md#diagnosis); a burst of 50 fits the queue, and all three agree.

        With network.queue_packets: 100, flow's uplink drops as ns-3's does (docs/protocol.md#flow-queue):
        the same bursts lose their tails (17 of the 48 on both when written), and its mean delay is within
        the matrix's agreement band of ns-3's (0.34 s against 0.36 s when last measured); so is it with twice
        the burst. With twice the latency (400 ms round trips, bursts 2.5 s apart) ns-3's is the longer by
        up to a quarter (0.64 s against 0.59 s, 1.10 times, when last measured; 1.18 with flow's continuous
        window, docs/protocol.md#flow-loss): after a recovery the
        connection idles until the next burst, and ns-3.37's TcpCubic starts CUBIC's curve at the
        recovery's end and keeps its clock running through the idle spell, so the next burst's ACKs grow
        the window fast (107 to 129 segments in a burst); Linux moves the curve's start on by the idle
        time (bictcp_cwnd_event, CA_EVENT_TX_START) and flow starts it with the first ACK after the idle
        spell (docs/protocol.md#flow-loss): the window grows as after a recovery just ended (109 to 116),
        and flow's bursts lose their tails sooner. Its 95th percentile (0.77 s)
        sits below ns-3's (0.92 s) as the bursts after a timeout go out in slow start, each round a
        different share of the burst on either model (flow's window after the timeout's retransmissions
        is 7 segments, ns-3's 6)."""
        burst = (40, 2.5)  # 40 a second in batches 2.5 s apart: 100 a batch
        flow = probe("flow", 0, 1, 0.1, trickle=burst)[2]
        shallow = probe("ns3", 0, 1, 0.1, trickle=burst)
        deep = probe("ns3", 0, 1, 0.1, "ns3::DropTailQueue<Packet>::MaxSize=1000p", burst)[2]
        dropping = probe("flow", 0, 1, 0.1, trickle=burst, queue=100)
        print(f"bursts of 107 segments, no loss: 95th-percentile delay flow {flow:.2f} s, ns-3 {shallow[2]:.2f} s, "
              f"with 1,000-packet queues {deep:.2f} s; flow with 100-packet queues {dropping[2]:.2f} s, its mean "
              f"{dropping[1]:.2f} s against ns-3's {shallow[1]:.2f} s", file=sys.stderr)
        self.assertGreater(shallow[2], 2 * deep)
        self.assertTrue(0.85 <= deep / flow <= 1.18, (flow, deep))
        self.assertGreater(dropping[2], 2 * flow)
        for latency, trickle in ((0.1, burst), (0.1, (80, 2.5))):
            f = probe("flow", 0, 1, latency, trickle=trickle, queue=100)[1]
            n = probe("ns3", 0, 1, latency, trickle=trickle)[1]
            self.assertTrue(0.85 <= n / f <= 1.18, (latency, trickle, f, n))
        f = probe("flow", 0, 1, 0.2, trickle=burst, queue=100)[1]  # ns-3's curve runs on through idle spells
        n = probe("ns3", 0, 1, 0.2, trickle=burst)[1]
        print(f"the same at 400 ms round trips: mean delay flow {f:.3f} s, ns-3 {n:.3f} s", file=sys.stderr)
        self.assertTrue(1.0 <= n / f <= 1.25, (f, n))
        half = [probe(m, 0, 1, 0.1, trickle=(20, 2.5))[2] for m in ("flow", "ns3")]
        self.assertTrue(0.85 <= half[1] / half[0] <= 1.18, half)
        fits = probe("flow", 0, 1, 0.1, trickle=(20, 2.5), queue=100)[2]  # nothing dropped
        self.assertTrue(0.85 <= half[1] / fits <= 1.18, (fits, half[1]))

    def test_ns3_cubic_grows_past_the_threshold(self):
        """On a 480 ms round trip, where a timeout's retransmission fills a hole with many SACKed segments
        behind it, ns-3's own TcpCubic carries more than the same with Linux's slow start."""
        seeds = range(1, 4)
        own = mean_delivered("ns3", 0.03, seeds, latency=0.24)
        linux = mean_delivered("ns3", 0.03, seeds, latency=0.24, attrs=LINUX_SLOW_START)
        print(f"3% loss, 480 ms round trip: ns-3's TcpCubic {own:.0f}, with Linux's slow start {linux:.0f} "
              "transactions in 120 s (3 seeds)", file=sys.stderr)
        self.assertGreater(own, 1.1 * linux)


if __name__ == "__main__":
    unittest.main()
