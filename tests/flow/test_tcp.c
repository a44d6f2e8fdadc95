/* shim/flow/tcp: the flow model's TCP, case by case, each value worked by hand: the timer's estimate
 * (Linux's), the window shared by a connection's messages (a byte stream: waiting messages share
 * segments), a lost segment's timeout and its backoff, a fast retransmit when three later segments
 * arrive (later messages' too), the timer restarted by each ACK, one decrease a window taken when the
 * duplicate ACKs come back (a window: what was released before, however long the queue held it) and no
 * growth during the recovery, the window falling to one segment after a
 * timeout with its retransmissions in slow start, slow start back to beta of the old window, CUBIC's growth
 * by the clock and its TCP-friendly floor, a lost final ACK that times out only when no later ACK
 * overtakes it, a timeout's retransmissions in slow start, a sender's uplink behind the window that
 * delays and may drop segments (a lost last segment's retransmission moved to its fast retransmission),
 * HyStart ending slow start (on delay, over a round of many messages' ACKs, and on an ACK train), and the
 * flights a connection follows: the closest two of 17 merge, and the window opens as the oldest are ACKed,
 * two segments an ACK as the uplink spaced them. */
#include "test.h"

#include "tcp.h"

#include "powrelay/netmodel.h"
#include "powrelay/rng.h"

#include <math.h>

#define MS 1000000LL
#define SEG(n) ((uint64_t)(n) * PRNET_MSS) /* n full segments */
static const uint8_t none[64];

/* A connection with a 300 ms timer (srtt 100 ms, rttvar 50 ms) and the initial window of 10. */
static struct prf_tcp warm(void)
{
    struct prf_tcp t;
    prf_tcp_init(&t);
    t.srtt_ns = 100 * MS;
    t.rttvar_ns = 50 * MS;
    return t;
}

TEST(timer_estimate_follows_linux)
{
    struct prf_tcp t;
    prf_tcp_init(&t);
    ASSERT_EQ(prf_tcp_rto(&t), 1000 * MS); /* no sample yet */
    ASSERT_DBL(t.cwnd, 10.0);
    /* a 2-segment message on a 100 ms round trip: no delayed ACK (the second segment triggers it) */
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(2), none, false, 100 * MS, 0, NULL), 0);
    ASSERT_EQ(t.srtt_ns, 100 * MS);
    ASSERT_EQ(t.rttvar_ns, 50 * MS);
    ASSERT_EQ(prf_tcp_rto(&t), 300 * MS); /* 100 + 4 x 50 */
    /* a 1-segment message waits for the delayed ACK: a 300 ms sample */
    ASSERT_EQ(prf_tcp_message(&t, 1000 * MS, SEG(1), none, false, 100 * MS, 0, NULL), 0);
    ASSERT_EQ(t.rttvar_ns, 50 * MS + (200 * MS - 50 * MS) / 4); /* |100 - 300| = 200 */
    ASSERT_EQ(t.srtt_ns, 100 * MS + 200 * MS / 8);
    ASSERT_EQ(prf_tcp_rto(&t), 125 * MS + 4 * 87500000LL);
    /* many equal samples: rttvar shrinks, and the timer is srtt + 200 ms (Linux's floor is on the variance
     * term; RFC 6298's max(200 ms, srtt + 4 rttvar) would give 200 ms) */
    for (int i = 0; i < 200; i++)
        prf_tcp_message(&t, (2 + i) * 1000 * MS, SEG(2), none, false, 20 * MS, 0, NULL);
    ASSERT_TRUE(t.srtt_ns >= 20 * MS && t.srtt_ns < 20 * MS + 8); /* integer smoothing stops within 8 ns */
    ASSERT_TRUE(4 * t.rttvar_ns < 200 * MS);
    ASSERT_EQ(prf_tcp_rto(&t), t.srtt_ns + 200 * MS);
    /* a message that waited 400 ms for the sender's uplink: TCP measures that wait as part of the round
     * trip (a 2-segment message: no delayed ACK), so the sample is 420 ms */
    int64_t srtt = t.srtt_ns, rttvar = t.rttvar_ns;
    prf_tcp_message(&t, 300000 * MS, SEG(2), none, false, 20 * MS, 400 * MS, NULL);
    ASSERT_EQ(t.rttvar_ns, rttvar + ((420 * MS - srtt) - rttvar) / 4);
    ASSERT_EQ(t.srtt_ns, srtt + (420 * MS - srtt) / 8);
    /* a high variance term takes over from the floor: 100 + 4 x 60 */
    t.srtt_ns = 100 * MS;
    t.rttvar_ns = 60 * MS;
    ASSERT_EQ(prf_tcp_rto(&t), 340 * MS);
}

/* 8 segments at 0 leave at once (window 10); 4 more at 10 ms: 2 fit, the other 2 wait for the first
 * flight's ACKs at 100 ms, which also open the window to 18 (slow start). */
TEST(messages_share_the_window)
{
    struct prf_tcp t = warm();
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(8), none, false, 100 * MS, 0, NULL), 0);
    ASSERT_EQ(t.in_flight, 8u);
    ASSERT_EQ(prf_tcp_message(&t, 10 * MS, SEG(4), none, false, 100 * MS, 0, NULL), 90 * MS);
    ASSERT_DBL(t.cwnd, 18.0);
    ASSERT_EQ(t.in_flight, 4u); /* 2 sent at 10 ms, 2 at 100 ms */
}

/* A byte stream: messages that wait for the window share segments. 10 segments at 0 fill it; three
 * 500-byte messages at 10, 20 and 30 ms wait for its ACKs at 100 ms. The first takes a segment (948
 * bytes to spare), the second fits in it, the third fills it with 448 bytes and takes a second segment
 * for its last 52 (from 100 ms: nothing leaves before the stream's earlier bytes): two segments, not
 * three. Once that segment has left (100 ms), a message starts its
 * own; so does one behind an open window (nothing waits to be filled). */
TEST(waiting_messages_fill_segments)
{
    struct prf_tcp t = warm();
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(10), none, false, 100 * MS, 0, NULL), 0);
    ASSERT_EQ(prf_tcp_message(&t, 10 * MS, 500, none, false, 100 * MS, 0, NULL), 90 * MS);
    ASSERT_EQ(t.tail_room, PRNET_MSS - 500);
    ASSERT_EQ(prf_tcp_message(&t, 20 * MS, 500, none, false, 100 * MS, 0, NULL), 80 * MS);
    ASSERT_EQ(t.in_flight, 1u);
    ASSERT_EQ(prf_tcp_message(&t, 30 * MS, 500, none, false, 100 * MS, 0, NULL), 70 * MS);
    ASSERT_EQ(t.in_flight, 2u);
    ASSERT_EQ(t.tail_room, PRNET_MSS - 52);
    ASSERT_EQ(prf_tcp_message(&t, 150 * MS, 500, none, false, 100 * MS, 0, NULL), 0);
    ASSERT_EQ(t.in_flight, 3u);

    struct prf_tcp u = warm();
    ASSERT_EQ(prf_tcp_message(&u, 0, 500, none, false, 100 * MS, 0, NULL), 0);
    ASSERT_EQ(prf_tcp_message(&u, 1 * MS, 500, none, false, 100 * MS, 0, NULL), 0);
    ASSERT_EQ(u.in_flight, 2u);
}

TEST(a_lost_last_segment_times_out_with_backoff)
{
    struct prf_tcp t = warm();
    uint8_t f[2] = {0, 1};
    /* the timer (300 ms) restarts when the first segment's ACK comes back, delayed (it is alone): at
     * 100 + 200 ms, so it fires at 600 ms. Nothing later comes before 500 ms (600 less a round trip) */
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(2), f, false, 100 * MS, 0, NULL), 600 * MS);
    /* a message at 550 ms: the timer fires at 600 ms, the window falls to 1 (ssthresh 0.7 x 10; the
     * lossy flight grew nothing), the retransmission goes alone and its ACK is back at 700 ms, no
     * delayed ACK (it fills a hole); slow start makes the window 2, and the message leaves then */
    ASSERT_EQ(prf_tcp_message(&t, 550 * MS, SEG(2), none, false, 100 * MS, 0, NULL), 150 * MS);
    ASSERT_DBL(t.cwnd, 2.0);
    ASSERT_DBL(t.ssthresh, 7.0);
    /* lost three times: 300 + 300 + 600 + 1200 (the estimate did not move: no sample from a
     * retransmission) */
    t = warm();
    f[1] = 3;
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(2), f, false, 100 * MS, 0, NULL), 2400 * MS);
    ASSERT_EQ(t.timer_first, 600 * MS);
    /* until the timer first fires, the connection sends on: a message at 400 ms leaves at once */
    ASSERT_EQ(prf_tcp_message(&t, 400 * MS, SEG(2), none, false, 100 * MS, 0, NULL), 0);
    /* one at 1 s waits for the attempt that gets through (2.4 s) and its ACK (2.5 s) */
    ASSERT_EQ(prf_tcp_message(&t, 1000 * MS, SEG(2), none, false, 100 * MS, 0, NULL), 1500 * MS);
    ASSERT_DBL(t.cwnd, 2.0);
    /* a segment lost 16 times: each attempt's timer stops doubling at 60 s */
    t = warm();
    f[1] = 16;
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(2), f, false, 100 * MS, 0, NULL),
              (300 + 300 + 600 + 1200 + 2400 + 4800 + 9600 + 19200 + 38400) * MS + 8 * 60000 * MS);
}

TEST(three_later_segments_mean_a_fast_retransmit)
{
    struct prf_tcp t = warm();
    uint8_t f[5] = {0, 1, 0, 0, 0}; /* segments 2, 3, 4 arrive after the lost segment 1 */
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(5), f, false, 100 * MS, 0, NULL), 100 * MS);
    ASSERT_DBL(t.cwnd, 10.0); /* the duplicate ACKs are not back yet */
    /* 2 segments at 50 ms, sent before the recovery began: their ACKs grow nothing */
    ASSERT_EQ(prf_tcp_message(&t, 50 * MS, SEG(2), none, false, 100 * MS, 0, NULL), 0);
    /* at 1 s: the decrease at 100 ms (CUBIC's, to 0.7, not collapsed), then no growth */
    ASSERT_EQ(prf_tcp_message(&t, 1000 * MS, SEG(5), f, false, 100 * MS, 0, NULL), 100 * MS);
    ASSERT_DBL(t.cwnd, 7.0);
    ASSERT_DBL(t.ssthresh, 7.0);
    ASSERT_DBL(t.w_max, 10.0);
    /* that message's loss, a new window's: a second decrease at 1.1 s, from below w_max, so w_max falls
     * too (fast convergence: 7 x 1.7 / 2 = 5.95); both in whole segments, rounded down (4.9 and 5.95) */
    ASSERT_EQ(prf_tcp_message(&t, 2000 * MS, SEG(2), none, false, 100 * MS, 0, NULL), 0);
    ASSERT_DBL(t.cwnd, 4.0);
    ASSERT_DBL(t.w_max, 5.0);
    /* the fast retransmission lost as well: the decrease all the same, then the timer from the
     * retransmission (100 ms), firm (nothing cancels it): it fires at 400 ms and that attempt gets through */
    uint8_t f2[5] = {0, 2, 0, 0, 0};
    t = warm();
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(5), f2, false, 100 * MS, 0, NULL), 400 * MS);
    ASSERT_EQ(t.decrease_at, 100 * MS);
    ASSERT_EQ(t.timer_first, 400 * MS);
    ASSERT_TRUE(t.timer_firm);
    /* only two behind the lost segment, and nothing after: the timer, from the ACK of the two ahead of
     * it (an even number: not delayed) */
    uint8_t g[5] = {0, 0, 1, 0, 0};
    t = warm();
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(5), g, false, 100 * MS, 0, NULL), 400 * MS);
    /* a lost first segment of a flight sent while an earlier one is in flight: from that one's ACK */
    uint8_t h[1] = {1};
    t = warm();
    prf_tcp_message(&t, 0, SEG(2), none, false, 100 * MS, 0, NULL);
    ASSERT_EQ(prf_tcp_message(&t, 10 * MS, SEG(1), h, false, 100 * MS, 0, NULL), 100 * MS + 300 * MS - 10 * MS);
}

/* Two losses in one window: one decrease. */
TEST(one_decrease_a_window)
{
    struct prf_tcp t = warm();
    uint8_t f[10] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0};
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(10), f, false, 100 * MS, 0, NULL), 100 * MS);
    ASSERT_EQ(prf_tcp_message(&t, 1000 * MS, SEG(1), none, false, 100 * MS, 0, NULL), 0);
    ASSERT_DBL(t.cwnd, 7.0);
}

/* A lost last segment is saved from its timer when later messages' segments bring three duplicate ACKs
 * before it would fire: a fast retransmit's decrease, not a collapse to one segment. Its message's delay
 * is open until then: the timer's (600 ms) if nothing follows, else the fast retransmission's, which
 * leaves when the duplicate ACKs are back (the caller holds the message meanwhile). */
TEST(a_tail_loss_is_saved_by_later_segments)
{
    struct prf_tcp t = warm();
    uint8_t f[2] = {0, 1};
    int64_t floor = 0;
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(2), f, false, 100 * MS, 0, &floor), 600 * MS);
    ASSERT_EQ(floor, 0);                                 /* its first segment is through at once */
    ASSERT_EQ(prf_tcp_deadline(&t, 100 * MS), 500 * MS); /* the timer at 600 ms, less a round trip */
    uint32_t gen = t.timer_gen;
    /* 3 later segments at 50 ms, before 500 ms: their duplicate ACKs are back at 150 ms, and the lost
     * segment leaves again then (it arrives at 150 ms + one way, not 600 ms + one way) */
    ASSERT_EQ(prf_tcp_message(&t, 50 * MS, SEG(3), none, false, 100 * MS, 0, &floor), 0);
    ASSERT_EQ(floor, -1);
    ASSERT_EQ(t.resolved_gen, gen);
    ASSERT_EQ(t.resolved_at, 150 * MS);
    ASSERT_EQ(prf_tcp_deadline(&t, 100 * MS), 0);
    ASSERT_EQ(prf_tcp_message(&t, 1000 * MS, SEG(1), none, false, 100 * MS, 0, NULL), 0);
    ASSERT_DBL(t.cwnd, 7.0); /* decreased at 150 ms; the 3 were sent during the recovery: no growth */
    /* two later segments are not enough */
    t = warm();
    prf_tcp_message(&t, 0, SEG(2), f, false, 100 * MS, 0, NULL);
    prf_tcp_message(&t, 50 * MS, SEG(2), none, false, 100 * MS, 0, &floor);
    ASSERT_EQ(floor, -1); /* this message's own delay is final */
    ASSERT_EQ(prf_tcp_deadline(&t, 100 * MS), 500 * MS);
    gen = t.timer_gen;
    ASSERT_EQ(prf_tcp_message(&t, 1000 * MS, SEG(1), none, false, 100 * MS, 0, NULL), 0);
    ASSERT_DBL(t.cwnd, 1.0 + 1.0); /* the timer fired at 600 ms; the retransmission's ACK made it 2 */
    ASSERT_TRUE(t.resolved_gen != gen);
    ASSERT_EQ(prf_tcp_deadline(&t, 100 * MS), 0);
    /* its retransmission lost too: with nothing after it, the timer's, 600 ms and again 600 ms later
     * (doubled), so 1,200 ms; but 3 later segments still bring the fast retransmission at 150 ms, and as
     * that is lost, the timer runs from it (300 ms): the attempt at 450 ms gets through, the window having
     * fallen at 150 ms and collapsed at 450 ms (a retransmission lost again is TCP's timeout, but from the
     * fast retransmission, not from the segment). */
    t = warm();
    f[1] = 2;
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(2), f, false, 100 * MS, 0, &floor), 1200 * MS);
    ASSERT_EQ(floor, 0);
    ASSERT_EQ(prf_tcp_deadline(&t, 100 * MS), 500 * MS);
    gen = t.timer_gen;
    prf_tcp_message(&t, 50 * MS, SEG(3), none, false, 100 * MS, 0, &floor);
    ASSERT_EQ(t.resolved_gen, gen);
    ASSERT_EQ(t.resolved_at, 450 * MS);
    ASSERT_EQ(t.decrease_at, 150 * MS);
    ASSERT_TRUE(t.timer_firm);
    ASSERT_EQ(t.timer_first, 450 * MS);
    ASSERT_EQ(prf_tcp_deadline(&t, 100 * MS), 0);
    prf_tcp_message(&t, 1000 * MS, SEG(1), none, false, 100 * MS, 0, NULL);
    ASSERT_EQ(t.timeouts, 1u);
    ASSERT_DBL(t.cwnd, 1.0 + 1.0); /* the retransmission's ACK at 550 ms made it 2 */
}

TEST(after_a_timeout_the_window_grows_back)
{
    struct prf_tcp t = warm();
    uint8_t f[2] = {0, 3};
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(2), f, false, 100 * MS, 0, NULL), 2400 * MS);
    /* sent at 1 s: nothing leaves before the timer's last firing at 2.4 s, then the retransmission's
     * ACK at 2.5 s opens room (window 2) */
    ASSERT_EQ(prf_tcp_message(&t, 1000 * MS, SEG(2), none, false, 100 * MS, 0, NULL), 1500 * MS);
    ASSERT_DBL(t.w_max, 0.0); /* CUBIC's curve forgotten */
    /* 6 segments at 3 s: the window is 4 (slow start); 4 go, then 2 when their ACKs are back */
    ASSERT_EQ(prf_tcp_message(&t, 3000 * MS, SEG(6), none, false, 100 * MS, 0, NULL), 100 * MS);
    ASSERT_DBL(t.cwnd, 7.0); /* 4 + 4 stops at ssthresh 7 */
    /* congestion avoidance with no loss to climb back to (w_max 0): CUBIC's curve starts at the window
     * when the 2's ACKs come back at 3.2 s, a segment per 20 acknowledged (ns-3's CntClamp). The window is
     * whole segments: the 2 are counted towards the next one */
    ASSERT_EQ(prf_tcp_message(&t, 4000 * MS, SEG(7), none, false, 100 * MS, 0, NULL), 0);
    ASSERT_DBL(t.cwnd, 7.0);
    ASSERT_DBL(t.cwnd_cnt, 2.0);
    /* the 7's ACKs at 4.1 s: Reno's window has climbed faster (a segment per 1.875 windows acknowledged,
     * to 7 + 9 / 13.125) than CUBIC's clamp allows, so the count is Reno's, 7 / (reno - 7) rounded down:
     * 10, and 9 are counted */
    ASSERT_EQ(prf_tcp_message(&t, 5000 * MS, SEG(7), none, false, 100 * MS, 0, NULL), 0);
    ASSERT_DBL(t.reno, 7.0 + 9.0 / (1.875 * 7.0));
    ASSERT_DBL(t.cwnd, 7.0);
    ASSERT_DBL(t.cwnd_cnt, 9.0);
    /* 7 more, back at 6.1 s: 3 s on CUBIC's curve, 7 + 0.4 x 27 = 17.8, whole: 17, so a segment per two
     * acknowledged (CUBIC's fastest). As Linux's count: the 9 counted at the slower pace give one segment
     * and the count starts afresh, then the 7 give three more, one left over */
    ASSERT_EQ(prf_tcp_message(&t, 6000 * MS, SEG(7), none, false, 100 * MS, 0, NULL), 0);
    ASSERT_DBL(t.cwnd, 7.0 + 1 + 3);
    ASSERT_DBL(t.cwnd_cnt, 1.0);
}

/* After a fast retransmit at a window of 10 (the decrease at 100 ms), CUBIC's curve starts with the first
 * ACK that grows the window after the recovery, as ns-3's and Linux's do: that of the segments sent at
 * 200 ms, at 300 ms. It climbs back to 10 in k = cbrt((10 - 7) / 0.4) s from there; its target is whole
 * segments, the curve's distance below 10 rounded down (ns-3 reads it a round trip ahead): 10 - 2 = 8 at
 * first, so the window grows at once, a segment per 7 acknowledged. 30 segments at 200 ms go 7, 8, then
 * (the target still 8, Reno's count slower) 8, and the last 7 a round trip apart (at 500 ms), the 8's
 * ACKs (the target 9 by then, 1.66 s from 10) having made the window 10. A connection idle after its
 * recovery finds the curve where it began: the same loss, then 30 segments five seconds later, go the
 * same, the curve starting at 5.1 s. Once the curve has begun, time on it passes between messages too:
 * ten seconds later it is far above, and each round grows the window by half (x1.5). */
TEST(cubic_regrows_by_the_clock)
{
    uint8_t f[5] = {0, 1, 0, 0, 0};
    double k = cbrt(3.0 / 0.4);
    ASSERT_DBL(floor(0.4 * pow(k - 0.1, 3)), 2.0);       /* the first flight's ACKs: target 8 */
    ASSERT_DBL(floor(0.4 * pow(k - 0.2, 3)), 2.0);       /* the second's: 8 */
    ASSERT_DBL(floor(0.4 * pow(k - 0.3, 3)), 1.0);       /* the third's: 9 */
    struct prf_tcp t = warm();
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(5), f, false, 100 * MS, 0, NULL), 100 * MS);
    ASSERT_EQ(t.epoch_ns, -1);
    ASSERT_EQ(prf_tcp_message(&t, 200 * MS, SEG(30), none, false, 100 * MS, 0, NULL), 300 * MS);
    ASSERT_EQ(t.epoch_ns, 300 * MS);
    ASSERT_DBL(t.cwnd, 10.0);
    t = warm();
    prf_tcp_message(&t, 0, SEG(5), f, false, 100 * MS, 0, NULL);
    ASSERT_EQ(prf_tcp_message(&t, 5000 * MS, SEG(30), none, false, 100 * MS, 0, NULL), 300 * MS);
    ASSERT_EQ(t.epoch_ns, 5100 * MS);
    ASSERT_DBL(t.cwnd, 10.0);
    /* 30 more at 15 s: the last 7's ACKs (at 5.4 s, the target 9) are counted, then 10 go (the window),
     * whose ACKs find the curve far above: the 7 counted give a segment, the 10 five: 16 go, then the last
     * 4, at 15.2 s */
    ASSERT_EQ(prf_tcp_message(&t, 15000 * MS, SEG(30), none, false, 100 * MS, 0, NULL), 200 * MS);
    ASSERT_DBL(t.cwnd, 16.0 + 8);
}

TEST(a_lost_final_ack_times_out_unless_overtaken)
{
    struct prf_tcp t = warm();
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(2), none, true, 100 * MS, 0, NULL), 0); /* delivered: only the ACK was lost */
    ASSERT_EQ(t.timeout_at, 300 * MS);
    /* the next message at 150 ms: its ACK is back at 250 ms, before the timer's 300 ms: no timeout */
    ASSERT_EQ(prf_tcp_message(&t, 150 * MS, SEG(2), none, false, 100 * MS, 0, NULL), 0);
    ASSERT_DBL(t.cwnd, 12.0);
    ASSERT_EQ(t.timeout_at, 0);
    /* lost again at 1 s (timer 300 ms: fires at 1.3 s); a message whose ACK would be back just as the
     * timer fires comes too late: the window (16 by then) falls to one segment, so its 2 segments take
     * a round trip and the receiver's delayed ACK, then a second round */
    ASSERT_EQ(prf_tcp_message(&t, 1000 * MS, SEG(2), none, true, 100 * MS, 0, NULL), 0);
    ASSERT_EQ(t.timeout_at, 1300 * MS);
    ASSERT_EQ(prf_tcp_message(&t, 1200 * MS, SEG(2), none, false, 100 * MS, 0, NULL), 100 * MS + 200 * MS);
    ASSERT_DBL(t.ssthresh, 11.0); /* 0.7 x 16 = 11.2, in whole segments */
}

/* A timeout retransmits its losses in slow start, 1, 2, 4, ... a round (ns-3's and Linux's, with SACK
 * marking the rest lost). Four segments at 0, the last three lost: none has three later ones behind it,
 * so the timer recovers all three. The second's timer runs from the ACK of the first, delayed (alone):
 * 300 + 300 = 600 ms; the third's from the ACK of the first two: 100 + 300 = 400 ms, and it goes in the
 * second round (+100 ms): 500; the fourth's from 300 ms: 600, second round: 700 ms. */
TEST(a_timeout_retransmits_in_slow_start)
{
    struct prf_tcp t = warm();
    uint8_t f[4] = {0, 1, 1, 1};
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(4), f, false, 100 * MS, 0, NULL), 700 * MS);
    /* the timer fires at 400 ms; the first round leaves at the last attempt's time (600 ms), the second
     * (two segments) at 700 ms, and nothing else before that: a message at 650 ms waits for the second
     * round's ACKs at 800 ms (the window 1 + 1 + 2 = 4 then) */
    ASSERT_EQ(prf_tcp_message(&t, 650 * MS, SEG(2), none, false, 100 * MS, 0, NULL), 150 * MS);
    ASSERT_DBL(t.cwnd, 4.0);
    /* one loss: one round, and the window is 2 when its ACK is back at 700 ms */
    t = warm();
    uint8_t g[4] = {0, 0, 0, 1};
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(4), g, false, 100 * MS, 0, NULL), 600 * MS);
    ASSERT_EQ(prf_tcp_message(&t, 650 * MS, SEG(2), none, false, 100 * MS, 0, NULL), 50 * MS);
    ASSERT_DBL(t.cwnd, 2.0);
}

/* A link that carries a segment in 10 ms (or `per`), and drops the segments (by their order, from 1) that
 * drop_calls names. */
struct test_link {
    int64_t free, per;
    int calls;
    bool drop[64]; /* drop[c]: the c-th segment enqueued is dropped */
    int64_t extended, extended_left, resent_at;
    int64_t busy_later; /* retransmissions find the link busy until then (other connections' segments) */
    bool resend_apart;  /* retransmissions take idle time of their own (the link's calendar has some) */
    int64_t unbooked_at, unbooked_left;
    int unbooks;
    int64_t busy_until; /* free_at: the link, busy at a release before this, goes idle then */
    int resends;
    int64_t first_resent_at;
};

/* The segments enqueued from the `from`-th to the `to`-th (from 1) are dropped. */
static void drop_calls(struct test_link *l, int from, int to)
{
    for (int c = from; c <= to && c < 64; c++)
        l->drop[c] = true;
}

static int64_t test_enqueue(void *ctx, int64_t at, uint32_t bytes)
{
    struct test_link *l = ctx;
    (void)bytes;
    ++l->calls;
    if (l->calls < 64 && l->drop[l->calls])
        return -1;
    l->free = (l->free > at ? l->free : at) + (l->per ? l->per : 10 * MS);
    return l->free;
}

static int64_t test_extend(void *ctx, int64_t left, uint32_t bytes)
{
    ((struct test_link *)ctx)->extended += bytes;
    ((struct test_link *)ctx)->extended_left = left;
    return left; /* the test link's segments take 10 ms whatever their bytes */
}

static int64_t test_resend(void *ctx, int64_t at, uint32_t bytes)
{
    struct test_link *l = ctx;
    (void)bytes;
    l->resent_at = at;
    if (!l->resends++)
        l->first_resent_at = at;
    if (l->resend_apart)
        return (at > l->busy_later ? at : l->busy_later) + (l->per ? l->per : 10 * MS);
    int64_t from = l->free > at ? l->free : at;
    l->free = (from > l->busy_later ? from : l->busy_later) + (l->per ? l->per : 10 * MS);
    return l->free;
}

/* A test link's callbacks (extras, such as unbook or free_at, set by the test that needs them). */
static struct prf_tcp_link link_of(struct test_link *l, uint8_t *dropped)
{
    return (struct prf_tcp_link){.enqueue = test_enqueue, .extend = test_extend, .resend = test_resend, .ctx = l,
                                 .dropped = dropped};
}

/* Through a link (docs/protocol.md#flow-queue), the delay counts the uplink: four segments at 10 ms each
 * leave by 40 ms. A message written at the same instant continues the stream: 500 bytes take a segment
 * of their own after four full ones (to 50 ms); 500 more join that segment (the link hears of it) and
 * leave with it. The round-trip samples wait for the next message: one written at the same instant means
 * the receiver's ACK is not delayed, so srtt takes 140 and 150 ms (the queue's wait, 40 and 50 ms, and
 * the 100 ms round trip), not 350. */
TEST(a_link_carries_the_segments)
{
    struct prf_tcp t = warm();
    struct test_link l = {0};
    uint8_t dropped[8];
    struct prf_tcp_link link = link_of(&l, dropped);
    int64_t floor;
    ASSERT_EQ(prf_tcp_send(&t, 0, SEG(4), none, false, 100 * MS, &link, &floor), 40 * MS);
    ASSERT_EQ(floor, -1);
    ASSERT_EQ(prf_tcp_send(&t, 0, 500, none, false, 100 * MS, &link, &floor), 50 * MS);
    ASSERT_EQ(prf_tcp_send(&t, 0, 500, none, false, 100 * MS, &link, &floor), 50 * MS);
    ASSERT_EQ(l.calls, 5);
    ASSERT_EQ(l.extended, 500);
    ASSERT_EQ(l.extended_left, 50 * MS); /* the stream's last segment, gone at 50 ms */
    int64_t srtt = 100 * MS + (140 * MS - 100 * MS) / 8;
    ASSERT_EQ(t.srtt_ns, srtt + (150 * MS - srtt) / 8);
    /* a message a second later is not the same instant: it leaves at once (the link is idle) */
    ASSERT_EQ(prf_tcp_send(&t, 1000 * MS, SEG(2), none, false, 100 * MS, &link, &floor), 20 * MS);
}

/* A segment the link drops is lost: the fourth of four, with nothing behind it, waits for the timer,
 * which runs from the ACK of the three before it (the last left at 30 ms; an odd number: delayed), 30 +
 * 100 + 200 + 300 = 630 ms, and has left when the link carried its retransmission, 640 ms, unless three
 * later segments bring a fast retransmit (the floor: 30 ms). Behind a link busy until 2 s, the
 * retransmission sent at 630 ms leaves at 2,010 ms, and the message waits for it. */
TEST(a_dropped_segment_is_lost)
{
    struct prf_tcp t = warm();
    struct test_link l = {0};
    drop_calls(&l, 4, 4);
    uint8_t dropped[8];
    struct prf_tcp_link link = link_of(&l, dropped);
    int64_t floor;
    ASSERT_EQ(prf_tcp_send(&t, 0, SEG(4), none, false, 100 * MS, &link, &floor), 640 * MS);
    ASSERT_EQ(floor, 30 * MS);
    ASSERT_TRUE(!dropped[2] && dropped[3]);
    ASSERT_EQ(l.resent_at, 630 * MS); /* the link carries its retransmission when the timer sends it */
    l = (struct test_link){.busy_later = 2000 * MS};
    drop_calls(&l, 4, 4);
    t = warm();
    ASSERT_EQ(prf_tcp_send(&t, 0, SEG(4), none, false, 100 * MS, &link, &floor), 2010 * MS);
}

/* A loss's recovery covers what the window had released when it began, however long the device queue
 * then held it (docs/protocol.md#flow-loss). Window 40, a link of 100 ms a segment: ten segments at 0
 * leave at 100-900 ms, the second dropped (a fast retransmit: the window falls when its duplicate ACKs
 * are back, at 900 + 100 ms). Ten more released at 50 ms wait behind them and the first's retransmission
 * and leave at 1,200-2,000 ms, the fifth dropped: released before that recovery began, they belong to its
 * window, so the decrease stays at 1,000 ms (not put off to 2,100) and is the only one: at 1,050 ms the
 * window is 0.7 x 40. */
TEST(losses_released_before_a_recovery_share_its_decrease)
{
    struct prf_tcp t = warm();
    t.cwnd = 40;
    struct test_link l = {.per = 100 * MS};
    drop_calls(&l, 2, 2);
    drop_calls(&l, 15, 15);
    uint8_t dropped[16];
    struct prf_tcp_link link = link_of(&l, dropped);
    int64_t floor;
    prf_tcp_send(&t, 0, SEG(10), none, false, 100 * MS, &link, &floor);
    ASSERT_TRUE(dropped[1]);
    ASSERT_EQ(t.decrease_at, 1000 * MS);
    prf_tcp_send(&t, 50 * MS, SEG(10), none, false, 100 * MS, &link, &floor);
    ASSERT_TRUE(dropped[4]);
    ASSERT_EQ(t.decrease_at, 1000 * MS);
    ASSERT_EQ(t.recover_ns, 1000 * MS);
    prf_tcp_send(&t, 1050 * MS, SEG(1), none, false, 100 * MS, &link, &floor);
    ASSERT_EQ(t.recoveries, 1u);
    ASSERT_DBL(t.cwnd, 28.0);
    prf_tcp_send(&t, 3000 * MS, SEG(1), none, false, 100 * MS, &link, &floor);
    ASSERT_EQ(t.recoveries, 1u);
    ASSERT_EQ(t.timeouts, 0u);
}

/* Nor do its ACKs grow the window: segments the window released before a recovery began are the old
 * window's, however long the device queue held them (ns-3's and Linux's recovery point counts what was
 * sent). Window 40, a link of 100 ms a segment: ten segments at 0, the second dropped (the decrease at
 * 1,000 ms); five more released at 50 ms, none lost, leave at 1,200-1,600 ms, after the recovery began,
 * and are ACKed at 1,700 ms: the window is still 0.7 x 40 at 3 s, and CUBIC's curve has not begun. */
TEST(a_window_released_before_a_recovery_does_not_grow_it)
{
    struct prf_tcp t = warm();
    t.cwnd = 40;
    struct test_link l = {.per = 100 * MS};
    drop_calls(&l, 2, 2);
    uint8_t dropped[16];
    struct prf_tcp_link link = link_of(&l, dropped);
    int64_t floor;
    prf_tcp_send(&t, 0, SEG(10), none, false, 100 * MS, &link, &floor);
    ASSERT_EQ(t.decrease_at, 1000 * MS);
    ASSERT_EQ(prf_tcp_send(&t, 50 * MS, SEG(5), none, false, 100 * MS, &link, &floor), 1550 * MS);
    prf_tcp_send(&t, 3000 * MS, SEG(1), none, false, 100 * MS, &link, &floor);
    ASSERT_EQ(t.recoveries, 1u);
    ASSERT_DBL(t.cwnd, 28.0);
    ASSERT_EQ(t.epoch_ns, -1);
}

static bool test_unbook(void *ctx, int64_t at, int64_t left, uint32_t bytes)
{
    struct test_link *l = ctx;
    (void)bytes;
    l->unbooked_at = at;
    l->unbooked_left = left;
    l->unbooks++;
    return true;
}

/* A lost last segment's retransmission is booked for its timer and moved when later segments bring a fast
 * retransmission instead. Four segments at 0 leave at 10-40 ms, the fourth dropped: its retransmission is
 * booked for the timer, 630 ms (gone 640). Three segments at 35 ms leave at 45, 55 and 65 ms: their
 * duplicate ACKs are back at 165 ms, so the booking at 630 is taken back and the retransmission goes at
 * 165 ms (gone 175): the held message goes then (resolved_at). */
TEST(a_fast_retransmission_moves_the_timers_booking)
{
    struct prf_tcp t = warm();
    struct test_link l = {.resend_apart = true};
    drop_calls(&l, 4, 4);
    uint8_t dropped[8];
    struct prf_tcp_link link = link_of(&l, dropped);
    link.unbook = test_unbook;
    int64_t floor;
    ASSERT_EQ(prf_tcp_send(&t, 0, SEG(4), none, false, 100 * MS, &link, &floor), 640 * MS);
    ASSERT_EQ(l.resent_at, 630 * MS);
    ASSERT_EQ(t.n_pend_rs, 1u);
    ASSERT_EQ(prf_tcp_send(&t, 35 * MS, SEG(3), none, false, 100 * MS, &link, &floor), 30 * MS);
    ASSERT_EQ(l.unbooked_at, 630 * MS);
    ASSERT_EQ(l.unbooked_left, 640 * MS);
    ASSERT_EQ(l.resent_at, 165 * MS);
    ASSERT_EQ(t.resolved_gen, t.timer_gen);
    ASSERT_EQ(t.resolved_at, 175 * MS);
    ASSERT_EQ(t.n_pend_rs, 0u);
    prf_tcp_free(&t);
}

/* However many lost last segments wait on one timer, each retransmission booked for it moves when the
 * fast retransmission comes (a burst the queue cut leaves dozens; a message must never arrive before the
 * link has carried its retransmission). Four segments at 0, the fourth dropped, then five one-segment
 * messages at 35 ms, each dropped: six retransmissions booked for the timer. Three segments at 40 ms (the
 * window, 20, has room)
 * leave at 50, 60 and 70 ms: their duplicate ACKs are back at 170 ms, when all six go again (the last
 * gone by 230 ms, each 10 ms on the link), and the held messages with them. */
TEST(every_retransmission_on_a_timer_moves)
{
    struct prf_tcp t = warm();
    t.cwnd = 20;
    struct test_link l = {.resend_apart = true};
    drop_calls(&l, 4, 9);
    uint8_t dropped[8];
    struct prf_tcp_link link = link_of(&l, dropped);
    link.unbook = test_unbook;
    int64_t floor;
    prf_tcp_send(&t, 0, SEG(4), none, false, 100 * MS, &link, &floor);
    for (int i = 0; i < 5; i++)
        prf_tcp_send(&t, 35 * MS, SEG(1), none, false, 100 * MS, &link, &floor);
    ASSERT_EQ(t.n_pend_rs, 6u);
    ASSERT_TRUE(prf_tcp_fate_open(&t));
    ASSERT_EQ(prf_tcp_send(&t, 40 * MS, SEG(3), none, false, 100 * MS, &link, &floor), 30 * MS);
    ASSERT_EQ(l.unbooks, 6);
    ASSERT_EQ(l.resent_at, 170 * MS);
    ASSERT_EQ(t.resolved_gen, t.timer_gen);
    ASSERT_EQ(t.n_pend_rs, 0u);
    /* the six lost segments' places come back with the fast retransmissions' ACK, not the timer's */
    uint32_t held = 0;
    for (uint32_t h = 0; h < t.n_holds; h++) {
        held += t.hold[h].segments;
        ASSERT_TRUE(t.hold[h].until <= t.resolved_at + 100 * MS);
    }
    ASSERT_EQ(held, 6u);
    prf_tcp_free(&t);
}

/* HyStart ends slow start on delay: a first message of two segments samples the least round trip, 100 ms.
 * At 1 s, 60 segments that waited 250 ms for the uplink: every sample is 350 ms, above 100 + 100. The 12
 * of the first round (window 12) go unheard until the window reaches 16 (their 4th ACK): 3 heard, no
 * verdict. The 24 of the second round are heard from their 2nd ACK; the 10th, after 8 samples, ends slow
 * start with 18 segments acknowledged: ssthresh = 24 + 18 = 42, and the last 6 count towards growing the
 * window on CUBIC's curve, a segment per 20 (no loss yet). The same with a 50 ms wait (150 ms < 200): slow start goes on. */
TEST(hystart_ends_slow_start_on_delay)
{
    struct prf_tcp t;
    prf_tcp_init(&t);
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(2), none, false, 100 * MS, 0, NULL), 0);
    ASSERT_EQ(t.delay_min_ns, 100 * MS);
    uint8_t clean[60] = {0};
    ASSERT_EQ(prf_tcp_message(&t, 1000 * MS, SEG(60), clean, false, 100 * MS, 250 * MS, NULL), 200 * MS);
    ASSERT_TRUE(t.hystart_found);
    ASSERT_DBL(t.ssthresh, 42.0);
    ASSERT_DBL(t.cwnd, 42.0);
    ASSERT_DBL(t.cwnd_cnt, 6.0); /* whole segments: 6 of the 20 for the next */
    prf_tcp_init(&t);
    prf_tcp_message(&t, 0, SEG(2), none, false, 100 * MS, 0, NULL);
    ASSERT_EQ(prf_tcp_message(&t, 1000 * MS, SEG(60), clean, false, 100 * MS, 50 * MS, NULL), 200 * MS);
    ASSERT_TRUE(!t.hystart_found);
    ASSERT_DBL(t.cwnd, 12.0 + 12 + 24);
    /* a timeout forgets the least round trip: the next samples start it afresh (130 ms, above 100) */
    uint8_t f[2] = {0, 1};
    prf_tcp_message(&t, 5000 * MS, SEG(2), f, false, 100 * MS, 0, NULL);
    prf_tcp_message(&t, 9000 * MS, SEG(2), none, false, 100 * MS, 30 * MS, NULL);
    ASSERT_DBL(t.cwnd, 2.0); /* the retransmission's ACK is back */
    ASSERT_EQ(t.delay_min_ns, 130 * MS);
}

/* HyStart hears the ACKs of segment pairs only: a lone last segment's ACK may wait for the receiver's
 * delayed-ACK timer or ride on its next message, which flow does not follow. A one-segment message
 * samples nothing; three segments sample once (their first two), 100 ms. */
TEST(hystart_hears_pairs_only)
{
    struct prf_tcp t;
    prf_tcp_init(&t);
    prf_tcp_message(&t, 0, 500, none, false, 100 * MS, 0, NULL);
    ASSERT_EQ(t.delay_min_ns, 0);
    prf_tcp_message(&t, 1000 * MS, SEG(3), none, false, 100 * MS, 0, NULL);
    ASSERT_EQ(t.delay_min_ns, 100 * MS);
}

/* The receiver ACKs the stream's segments in pairs, across messages: a one-segment message opens a pair
 * (nothing heard), the next one, 5 ms later, closes it and is heard (100 ms, and 40 ms more it waited for
 * the uplink). A third one after the receiver's delayed-ACK time (200 ms) opens a pair again: the
 * receiver has ACKed the second alone by then. */
TEST(hystart_hears_pairs_across_messages)
{
    struct prf_tcp t;
    prf_tcp_init(&t);
    prf_tcp_message(&t, 0, 500, none, false, 100 * MS, 0, NULL);
    ASSERT_EQ(t.delay_min_ns, 0);
    prf_tcp_message(&t, 5 * MS, 500, none, false, 100 * MS, 40 * MS, NULL);
    ASSERT_EQ(t.delay_min_ns, 140 * MS);
    prf_tcp_message(&t, 1000 * MS, 500, none, false, 100 * MS, 0, NULL);
    ASSERT_EQ(t.delay_min_ns, 140 * MS);
    prf_tcp_message(&t, 1300 * MS, 500, none, false, 100 * MS, 0, NULL);
    ASSERT_EQ(t.delay_min_ns, 140 * MS); /* 300 ms after the pair's first: ACKed alone, a new pair */
    prf_tcp_message(&t, 1310 * MS, 500, none, false, 100 * MS, 0, NULL);
    ASSERT_EQ(t.delay_min_ns, 100 * MS);
}

/* A HyStart round spans messages: it is about a round trip of the connection's ACKs, whatever they
 * acknowledge. A first message of 20 segments at 0 samples the least round trip, 100 ms, and leaves the
 * window at 30. Then two segments every 5 ms from 300 ms, each having waited 250 ms for the uplink
 * (samples of 350 ms): the message at 300 ms begins a round (its ACK at 400 ms); those sent before 400 ms
 * are in it, and the window, 30 and more, is past 16: the 9th heard (345 ms) ends slow start. The window
 * when its ACK is back, 30 + 9 x 2 = 48, is the threshold, and its two segments count towards CUBIC's
 * growth, a segment per 20. No message waits for the window. */
TEST(a_hystart_round_spans_messages)
{
    struct prf_tcp t;
    prf_tcp_init(&t);
    uint8_t clean[20] = {0};
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(20), clean, false, 100 * MS, 0, NULL), 100 * MS);
    ASSERT_EQ(t.delay_min_ns, 100 * MS);
    ASSERT_TRUE(!t.hystart_found);
    for (int64_t at = 300 * MS; at <= 345 * MS; at += 5 * MS)
        ASSERT_EQ(prf_tcp_message(&t, at, SEG(2), none, false, 100 * MS, 250 * MS, NULL), 0);
    ASSERT_TRUE(t.hystart_found);
    prf_tcp_message(&t, 1000 * MS, SEG(2), none, false, 100 * MS, 0, NULL);
    ASSERT_DBL(t.ssthresh, 48.0);
    ASSERT_DBL(t.cwnd, 48.0);
    ASSERT_DBL(t.cwnd_cnt, 2.0);
}

/* HyStart ends slow start on an ACK train: through a link that carries a segment a millisecond, a
 * round's ACKs come back 2 ms apart (one per two segments), a train. Round trip 10 ms; the least round
 * trip 12 ms (the first message's second segment left at 2 ms). At 1 s, 100 segments: the first round's
 * 12 are heard from their 4th ACK, 6 ms after the 1st: no train. The second round's 24 leave from 1,022
 * ms, ACKs from 1,034 ms on, all heard: the 8th, 14 ms after the 1st (> 12), ends slow start with 14
 * segments acknowledged: ssthresh 24 + 14 = 38. The link, not the window, sets when the last segment
 * leaves: 100 ms, as without HyStart (the ACKs come back as the link spaced the segments, and reopen the
 * window as fast as it carries them). */
TEST(hystart_ends_slow_start_on_an_ack_train)
{
    struct prf_tcp t;
    prf_tcp_init(&t);
    struct test_link l = {.per = 1 * MS};
    uint8_t dropped[128];
    uint8_t clean[100] = {0};
    struct prf_tcp_link link = link_of(&l, dropped);
    ASSERT_EQ(prf_tcp_send(&t, 0, SEG(2), none, false, 10 * MS, &link, NULL), 2 * MS);
    ASSERT_EQ(t.delay_min_ns, 12 * MS);
    ASSERT_EQ(prf_tcp_send(&t, 1000 * MS, SEG(100), clean, false, 10 * MS, &link, NULL), 100 * MS);
    ASSERT_TRUE(t.hystart_found);
    ASSERT_DBL(t.ssthresh, 38.0);
    /* the round's other 10, then 26 more ACKed before the last segment is released (62 of the 100, two an
     * ACK, the other 38 in flight: the window) grow it on CUBIC's curve, a segment per 20 acknowledged */
    ASSERT_DBL(t.cwnd, 39.0); /* 36 acknowledged: one whole segment, 16 towards the next */
    ASSERT_DBL(t.cwnd_cnt, 16.0);
}

static int64_t test_free_at(void *ctx, int64_t at)
{
    struct test_link *l = ctx;
    return at < l->busy_until ? l->busy_until : at;
}

/* A segment the full queue dropped is heard missing only once the segments behind it have crossed the
 * uplink: they enter at the queue's tail (docs/protocol.md#flow-queue). Five segments at 0 on a link of 10
 * ms a segment whose queue is full until 700 ms: the first leaves at 10 ms, the other four are dropped,
 * the second with three behind it (a fast retransmit). Its duplicate ACKs come a round trip after the
 * queue drains, at 800 ms, not after the first segment left (110 ms): the decrease and the fast
 * retransmission then. Without free_at (a link that says nothing), 110 ms. */
TEST(a_dropped_segment_is_heard_after_the_queue_drains)
{
    struct prf_tcp t = warm();
    struct test_link l = {.busy_until = 700 * MS};
    drop_calls(&l, 2, 5);
    uint8_t dropped[8];
    struct prf_tcp_link link = link_of(&l, dropped);
    link.free_at = test_free_at;
    int64_t floor;
    prf_tcp_send(&t, 0, SEG(5), none, false, 100 * MS, &link, &floor);
    ASSERT_TRUE(!dropped[0] && dropped[1] && dropped[4]);
    ASSERT_EQ(t.decrease_at, 800 * MS);
    ASSERT_EQ(l.first_resent_at, 800 * MS); /* the fast retransmission (the later losses wait for the timer) */
    t = warm();
    l = (struct test_link){.busy_until = 700 * MS};
    drop_calls(&l, 2, 5);
    link.free_at = NULL;
    prf_tcp_send(&t, 0, SEG(5), none, false, 100 * MS, &link, &floor);
    ASSERT_EQ(t.decrease_at, 110 * MS);
}

/* Flights join only their own kind: the old window's (released before a recovery began, or lossy) with
 * each other, the rest with each other, else a flight released before the recovery would grow the window
 * inside it by both. A round trip of 1 s, window 50 (ssthresh 40: CUBIC's growth, clamped at a segment per
 * 20 before any loss): one-segment flights at 0, 20, ..., 140 and 159 ms, then five segments at 160 ms,
 * the second lost (its duplicate ACKs at 1,160 ms: the decrease), then eight one-segment flights at 200,
 * 220, ..., 340 ms (released before 1,160 ms: the old window's). Eighteen flights: two merges. The closest
 * pair is 159 ms's with the lossy one (1 ms apart), of two kinds; joined, their ACK would grow the window
 * after the decrease by six segments and start CUBIC's curve. As the rule has it, the nine segments before
 * the loss count 9 of the 20 a segment of growth takes, the window falls from 50 to 0.7 of it (35), the
 * count starts afresh, and nothing after counts. */
TEST(flights_merge_within_their_kind)
{
    struct prf_tcp t = warm();
    t.cwnd = 50;
    t.ssthresh = 40;
    for (int64_t at = 0; at <= 140; at += 20)
        prf_tcp_message(&t, at * MS, SEG(1), none, false, 1000 * MS, 0, NULL);
    prf_tcp_message(&t, 159 * MS, SEG(1), none, false, 1000 * MS, 0, NULL);
    uint8_t f[5] = {0, 1, 0, 0, 0};
    prf_tcp_message(&t, 160 * MS, SEG(5), f, false, 1000 * MS, 0, NULL);
    for (int64_t at = 200; at <= 340; at += 20)
        prf_tcp_message(&t, at * MS, SEG(1), none, false, 1000 * MS, 0, NULL);
    ASSERT_EQ(t.n_flights, 16u);
    ASSERT_EQ(t.decrease_at, 1160 * MS);
    prf_tcp_message(&t, 3000 * MS, SEG(1), none, false, 1000 * MS, 0, NULL);
    ASSERT_EQ(t.recoveries, 1u);
    ASSERT_DBL(t.w_max, 50.0);
    ASSERT_DBL(t.cwnd, 35.0);
    ASSERT_DBL(t.cwnd_cnt, 0.0);
    ASSERT_EQ(t.epoch_ns, -1);
}

/* A recovery lasts until its last retransmission is ACKed (ns-3's and Linux's recovery point: the
 * cumulative ACK passes it only once every hole is filled), and no ACK grows the window before. A round
 * trip of 1 s: five segments at 0, the second lost (the decrease at 1 s, its retransmission then, ACKed
 * at 2 s); five more at 500 ms, released before the recovery began, the second lost too (one decrease;
 * its retransmission at 1.5 s, ACKed at 2.5 s: the recovery ends then). A segment released at 1.2 s is
 * ACKed at 2.2 s, inside the recovery: the window is still 0.7 x 10 at 2.55 s, nothing counted, and
 * CUBIC's curve has not begun. One released at 1.6 s, ACKed at 2.6 s, after it: that ACK starts the curve
 * and counts towards its growth (a segment per two acknowledged: the target, 10 - 0.4 x 0.96^3 rounded
 * up, is 10). */
TEST(a_recovery_lasts_until_its_last_retransmission_is_acked)
{
    struct prf_tcp t = warm();
    uint8_t f[5] = {0, 1, 0, 0, 0};
    prf_tcp_message(&t, 0, SEG(5), f, false, 1000 * MS, 0, NULL);
    prf_tcp_message(&t, 500 * MS, SEG(5), f, false, 1000 * MS, 0, NULL);
    ASSERT_EQ(t.recover_ns, 1000 * MS);
    ASSERT_EQ(t.recover_end_ns, 2500 * MS);
    prf_tcp_message(&t, 1200 * MS, SEG(1), none, false, 1000 * MS, 0, NULL);
    prf_tcp_message(&t, 1600 * MS, SEG(1), none, false, 1000 * MS, 0, NULL);
    prf_tcp_message(&t, 2550 * MS, SEG(1), none, false, 1000 * MS, 0, NULL);
    ASSERT_EQ(t.recoveries, 1u);
    ASSERT_DBL(t.cwnd, 7.0);
    ASSERT_DBL(t.cwnd_cnt, 0.0);
    ASSERT_EQ(t.epoch_ns, -1);
    prf_tcp_message(&t, 3000 * MS, SEG(1), none, false, 1000 * MS, 0, NULL);
    ASSERT_DBL(t.cwnd_cnt, 1.0);
    ASSERT_EQ(t.epoch_ns, 2600 * MS);
}

/* The diagnosis's hook (POWRELAY_FLOW_CWND) hears each change of the window at its simulated time: a fast
 * recovery with the window it found, then the window after it; a timeout likewise. */
static int64_t heard_at[8];
static double heard_cwnd[8];
static enum prf_tcp_change heard_what[8];
static int heard;

static void hear(void *ctx, const struct prf_tcp *t, int64_t at, enum prf_tcp_change what)
{
    (void)ctx;
    if (heard < 8) {
        heard_at[heard] = at;
        heard_cwnd[heard] = t->cwnd;
        heard_what[heard] = what;
    }
    heard++;
}

TEST(the_trace_hears_each_change_of_the_window)
{
    struct prf_tcp t = warm();
    uint8_t f[5] = {0, 1, 0, 0, 0};
    prf_tcp_set_trace(hear, NULL);
    heard = 0;
    prf_tcp_message(&t, 0, SEG(5), f, false, 100 * MS, 0, NULL);
    ASSERT_EQ(heard, 0); /* nothing changed yet: the duplicate ACKs are back at 100 ms */
    prf_tcp_message(&t, 1000 * MS, SEG(1), none, false, 100 * MS, 0, NULL);
    ASSERT_EQ(heard, 2);
    ASSERT_TRUE(heard_what[0] == PRF_TCP_RECOVERY && heard_at[0] == 100 * MS);
    ASSERT_DBL(heard_cwnd[0], 10.0);
    ASSERT_TRUE(heard_what[1] == PRF_TCP_WINDOW && heard_at[1] == 100 * MS);
    ASSERT_DBL(heard_cwnd[1], 7.0);
    uint8_t g[1] = {1}; /* a lone lost segment: its timer fires at 1,000 + 300 ms */
    prf_tcp_message(&t, 5000 * MS, SEG(1), g, false, 100 * MS, 0, NULL);
    prf_tcp_message(&t, 9000 * MS, SEG(1), none, false, 100 * MS, 0, NULL);
    prf_tcp_set_trace(NULL, NULL);
    ASSERT_TRUE(heard >= 5);
    ASSERT_TRUE(heard_what[3] == PRF_TCP_TIMEOUT);
    ASSERT_TRUE(heard_what[4] == PRF_TCP_WINDOW);
    ASSERT_DBL(heard_cwnd[4], 1.0);
}

/* A connection tracks 16 flights; a 17th makes the two whose ACKs are due closest together one, so a
 * window's ACKs stay spread as they come. One-segment messages at 0 and 2 ms, then every 20 ms from 20 to
 * 300 ms (round trip 1 s, window 50): the first two flights' ACKs are 2 ms apart, the closest, and join
 * (2 segments, ACKed at 1,002 ms); the newest keeps its own (1,300 ms). The window has room at once; with
 * room for 17 it opens when the first flight's ACKs come (1,002 ms), for 14 when the third's do (1,040 ms:
 * 17 - 2 - 1 = 14 is not yet below 14); never before the stream's last segment has left. */
TEST(the_closest_flights_merge_and_the_window_opens_as_they_are_acked)
{
    struct prf_tcp t = warm();
    t.cwnd = 50;
    t.ssthresh = 60;
    ASSERT_EQ(prf_tcp_message(&t, 0, SEG(1), none, false, 1000 * MS, 0, NULL), 0);
    ASSERT_EQ(prf_tcp_message(&t, 2 * MS, SEG(1), none, false, 1000 * MS, 0, NULL), 0);
    for (int64_t at = 20; at <= 300; at += 20)
        ASSERT_EQ(prf_tcp_message(&t, at * MS, SEG(1), none, false, 1000 * MS, 0, NULL), 0);
    ASSERT_EQ(t.in_flight, 17u);
    ASSERT_EQ(t.n_flights, 16u);
    ASSERT_EQ(t.flight[0].segments, 2u);
    ASSERT_EQ(t.flight[0].acked_at, 1002 * MS);
    ASSERT_EQ(t.flight[1].acked_at, 1020 * MS);
    ASSERT_EQ(t.flight[15].segments, 1u);
    ASSERT_EQ(t.flight[15].acked_at, 1300 * MS);
    ASSERT_EQ(prf_tcp_ready_at(&t, 310 * MS), 310 * MS);
    t.cwnd = 17;
    ASSERT_EQ(prf_tcp_ready_at(&t, 310 * MS), 1002 * MS);
    t.cwnd = 14;
    ASSERT_EQ(prf_tcp_ready_at(&t, 310 * MS), 1040 * MS);
    t.tail_at = 1100 * MS;
    ASSERT_EQ(prf_tcp_ready_at(&t, 310 * MS), 1100 * MS);
}

/* The window reopens as its ACKs come back, two segments an ACK (the receiver's pairs), not a flight at
 * once: ten segments released at 0 on a link of 10 ms a segment leave at 10, 20, ..., 100 ms and are ACKed
 * a round trip (1 s) after, the pairs at 1,020, 1,040, ..., 1,100 ms. Four more written at 0 wait for room
 * in the window of 10 (congestion avoidance, counting far fewer ACKs than a segment's growth): two leave at
 * 1,020 ms on the first pair's ACK (gone at 1,030 and 1,040 ms), two at 1,040 ms (gone by 1,060 ms), not all
 * four at 1,100 ms (gone by 1,140 ms). The window has room at the first pair's ACK (1,020 ms); three
 * segments fewer, at the second's (1,040 ms). */
TEST(the_window_reopens_as_its_acks_come)
{
    struct prf_tcp t = warm();
    t.ssthresh = t.cwnd = t.w_max = 10;
    struct test_link l = {0};
    uint8_t dropped[16];
    struct prf_tcp_link link = link_of(&l, dropped);
    ASSERT_EQ(prf_tcp_send(&t, 0, SEG(10), none, false, 1000 * MS, &link, NULL), 100 * MS);
    ASSERT_EQ(t.flight[0].first_at, 1010 * MS);
    ASSERT_EQ(t.flight[0].acked_at, 1100 * MS);
    ASSERT_EQ(prf_tcp_ready_at(&t, 0), 1020 * MS);
    t.cwnd = 7.5;
    ASSERT_EQ(prf_tcp_ready_at(&t, 0), 1040 * MS);
    t.cwnd = 10;
    ASSERT_EQ(prf_tcp_send(&t, 0, SEG(4), none, false, 1000 * MS, &link, NULL), 1060 * MS);
    ASSERT_DBL(t.cwnd, 10.0); /* whole segments: the ACKs counted towards the next */
    ASSERT_TRUE(t.cwnd_cnt > 0);
    ASSERT_EQ(t.in_flight, 10u); /* six of the first flight (ACKed from 1,050 ms) and the four */
    ASSERT_EQ(t.flight[0].segments, 6u);
    ASSERT_EQ(t.flight[0].first_at, 1050 * MS);
}

/* A lost last segment's duplicate ACKs come from every segment that arrives after it, whatever else is
 * lost among them: four segments at 0, the fourth lost (the timer), then one-segment messages at 35 ms
 * that arrive, are lost, arrive, are lost (each joins the timer) and arrive: the third arrival brings the
 * fast retransmission, its duplicate ACKs back a round trip after it left (135 ms), and the decrease
 * then. */
TEST(later_losses_do_not_hold_back_a_fast_retransmit)
{
    struct prf_tcp t = warm();
    t.cwnd = 20;
    uint8_t last[4] = {0, 0, 0, 1}, lost[1] = {1};
    prf_tcp_message(&t, 0, SEG(4), last, false, 100 * MS, 0, NULL);
    const uint8_t *fate[5] = {none, lost, none, lost, none};
    for (int i = 0; i < 4; i++)
        prf_tcp_message(&t, 35 * MS, SEG(1), fate[i], false, 100 * MS, 0, NULL);
    ASSERT_TRUE(prf_tcp_fate_open(&t));
    ASSERT_EQ(t.timer_lost, 3u);
    prf_tcp_message(&t, 35 * MS, SEG(1), fate[4], false, 100 * MS, 0, NULL);
    ASSERT_TRUE(!prf_tcp_fate_open(&t));
    ASSERT_EQ(t.resolved_gen, t.timer_gen);
    ASSERT_EQ(t.resolved_at, 135 * MS);
    ASSERT_EQ(t.decrease_at, 135 * MS);
}

/* A lost segment keeps its place in the window until its retransmission is ACKed, as TCP's pipe counts
 * the retransmission in flight (else the window would send one more segment for each it lost, into the
 * same full queue). Five segments at 0 on a link of 10 ms a segment, round trip 100 ms, the second
 * dropped: the others leave at 10-40 ms and are ACKed at 110-140 ms; the duplicate ACKs are back at
 * 140 ms, the retransmission goes then and has left at 150 ms, so its place comes back at 250 ms. With a
 * window of one, the room opens then, not at 140 ms; by 300 ms it is back. */
TEST(a_lost_segment_holds_its_place_until_its_retransmission_is_acked)
{
    struct prf_tcp t = warm();
    struct test_link l = {0};
    drop_calls(&l, 2, 2);
    uint8_t dropped[8];
    struct prf_tcp_link link = link_of(&l, dropped);
    prf_tcp_send(&t, 0, SEG(5), none, false, 100 * MS, &link, NULL);
    ASSERT_EQ(l.first_resent_at, 140 * MS);
    ASSERT_EQ(t.in_flight, 5u);
    ASSERT_EQ(t.n_holds, 1u);
    ASSERT_EQ(t.hold[0].until, 250 * MS);
    ASSERT_EQ(t.flight[0].acked_at, 140 * MS);
    t.cwnd = 1;
    ASSERT_EQ(prf_tcp_ready_at(&t, 0), 250 * MS);
    prf_tcp_send(&t, 300 * MS, SEG(1), none, false, 100 * MS, &link, NULL);
    ASSERT_EQ(t.n_holds, 0u); /* given back by then */
    ASSERT_EQ(t.in_flight, 1u);
}

/* So does a segment lost on the path, without a device queue: five segments at 0, round trip 100 ms, the
 * second lost. The other four are ACKed at 100 ms, when the duplicate ACKs bring its retransmission,
 * ACKed at 200 ms: with a window of one, the room opens then (at 100 ms if the lost segment's place
 * left with its flight's ACKs). */
TEST(a_segment_lost_on_the_path_holds_its_place_too)
{
    struct prf_tcp t = warm();
    uint8_t second[5] = {0, 1, 0, 0, 0};
    prf_tcp_message(&t, 0, SEG(5), second, false, 100 * MS, 0, NULL);
    ASSERT_EQ(t.in_flight, 5u);
    ASSERT_EQ(t.n_holds, 1u);
    ASSERT_EQ(t.hold[0].until, 200 * MS);
    ASSERT_EQ(t.flight[0].segments, 4u);
    t.cwnd = 1;
    ASSERT_EQ(prf_tcp_ready_at(&t, 0), 200 * MS);
}

/* The window is whole segments whatever happens (docs/protocol.md#flow-loss): 3,000 messages of 1-40
 * segments, a few of them lost once or twice, 0-500 ms apart, on a 100 ms round trip. After each, the
 * window, its threshold and CUBIC's w_max are whole, the window at least one segment and the threshold
 * at least two, and the count towards the next segment below the slowest pace (100 a segment of a
 * window: CUBIC's flat count near w_max). The walk meets fast recoveries, timeouts and congestion
 * avoidance's counting. */
TEST(the_window_is_whole_segments_whatever_happens)
{
    struct prf_tcp t = warm();
    struct pr_rng rng;
    pr_rng_seed(&rng, 12345, 0);
    uint8_t f[40];
    int64_t at = 0;
    bool counted = false;
    for (int i = 0; i < 3000; i++) {
        uint32_t n = 1 + (uint32_t)pr_rng_below(&rng, 40);
        for (uint32_t k = 0; k < n; k++) {
            uint64_t r = pr_rng_below(&rng, 100);
            f[k] = r < 3 ? 1 : r < 4 ? 2 : 0;
        }
        prf_tcp_message(&t, at, SEG(n), f, false, 100 * MS, 0, NULL);
        ASSERT_TRUE(t.cwnd == floor(t.cwnd) && t.cwnd >= 1);
        ASSERT_TRUE(t.ssthresh == floor(t.ssthresh) && t.ssthresh >= 2);
        ASSERT_TRUE(t.w_max == floor(t.w_max));
        ASSERT_TRUE(t.cwnd_cnt >= 0 && t.cwnd_cnt < 100 * t.cwnd + 40);
        counted |= t.cwnd_cnt > 0;
        at += (int64_t)pr_rng_below(&rng, 500) * MS;
    }
    ASSERT_TRUE(t.recoveries > 10 && t.timeouts > 10 && counted);
    prf_tcp_free(&t);
}

TESTS(the_window_is_whole_segments_whatever_happens, a_lost_segment_holds_its_place_until_its_retransmission_is_acked, a_segment_lost_on_the_path_holds_its_place_too, later_losses_do_not_hold_back_a_fast_retransmit, the_window_reopens_as_its_acks_come, a_dropped_segment_is_heard_after_the_queue_drains, flights_merge_within_their_kind, a_recovery_lasts_until_its_last_retransmission_is_acked,
      the_trace_hears_each_change_of_the_window, a_window_released_before_a_recovery_does_not_grow_it, hystart_hears_pairs_across_messages, every_retransmission_on_a_timer_moves, losses_released_before_a_recovery_share_its_decrease, the_closest_flights_merge_and_the_window_opens_as_they_are_acked, a_fast_retransmission_moves_the_timers_booking, timer_estimate_follows_linux, messages_share_the_window, waiting_messages_fill_segments,
      a_lost_last_segment_times_out_with_backoff,
      three_later_segments_mean_a_fast_retransmit, one_decrease_a_window, a_tail_loss_is_saved_by_later_segments,
      after_a_timeout_the_window_grows_back, cubic_regrows_by_the_clock, a_lost_final_ack_times_out_unless_overtaken,
      a_timeout_retransmits_in_slow_start, a_link_carries_the_segments, a_dropped_segment_is_lost,
      hystart_ends_slow_start_on_delay, hystart_hears_pairs_only, a_hystart_round_spans_messages,
      hystart_ends_slow_start_on_an_ack_train)
