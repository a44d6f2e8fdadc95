/* shim/flow/tcp: the flow model's TCP loss recovery, case by case, each value worked by hand:
 * the timer's estimate (Linux's), a lost segment's timeout and its backoff, a fast retransmit when
 * three later segments arrive, the window falling to one segment after a timeout and the round trips
 * (with a delayed ACK on a window of one) that the next message then takes, slow start back to beta of
 * the old window, CUBIC's growth back by the clock, and a lost final ACK that times out only when no
 * later ACK overtakes it. */
#include "test.h"

#include "tcp.h"

#include <math.h>

#define MS 1000000LL
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
    ASSERT_EQ(prf_tcp_message(&t, 0, 2, none, false, 100 * MS, 0), 0);
    ASSERT_EQ(t.srtt_ns, 100 * MS);
    ASSERT_EQ(t.rttvar_ns, 50 * MS);
    ASSERT_EQ(prf_tcp_rto(&t), 300 * MS); /* 100 + 4 x 50 */
    /* a 1-segment message waits for the delayed ACK: a 300 ms sample */
    ASSERT_EQ(prf_tcp_message(&t, 0, 1, none, false, 100 * MS, 0), 0);
    ASSERT_EQ(t.rttvar_ns, 50 * MS + (200 * MS - 50 * MS) / 4); /* |100 - 300| = 200 */
    ASSERT_EQ(t.srtt_ns, 100 * MS + 200 * MS / 8);
    ASSERT_EQ(prf_tcp_rto(&t), 125 * MS + 4 * 87500000LL);
    /* many equal samples: rttvar shrinks, and the timer is srtt + 200 ms (Linux's floor is on the variance
     * term; RFC 6298's max(200 ms, srtt + 4 rttvar) would give 200 ms) */
    for (int i = 0; i < 200; i++)
        prf_tcp_message(&t, 0, 2, none, false, 20 * MS, 0);
    ASSERT_TRUE(t.srtt_ns >= 20 * MS && t.srtt_ns < 20 * MS + 8); /* integer smoothing stops within 8 ns */
    ASSERT_TRUE(4 * t.rttvar_ns < 200 * MS);
    ASSERT_EQ(prf_tcp_rto(&t), t.srtt_ns + 200 * MS);
    /* a message that waited 400 ms for the sender's uplink: TCP measures that wait as part of the round
     * trip (a 2-segment message: no delayed ACK), so the sample is 420 ms */
    int64_t srtt = t.srtt_ns, rttvar = t.rttvar_ns;
    prf_tcp_message(&t, 0, 2, none, false, 20 * MS, 400 * MS);
    ASSERT_EQ(t.rttvar_ns, rttvar + ((420 * MS - srtt) - rttvar) / 4);
    ASSERT_EQ(t.srtt_ns, srtt + (420 * MS - srtt) / 8);
    /* a high variance term takes over from the floor: 100 + 4 x 60 */
    t.srtt_ns = 100 * MS;
    t.rttvar_ns = 60 * MS;
    ASSERT_EQ(prf_tcp_rto(&t), 340 * MS);
}

TEST(a_lost_last_segment_times_out_with_backoff)
{
    struct prf_tcp t = warm();
    uint8_t f[2] = {0, 1};
    ASSERT_EQ(prf_tcp_message(&t, 0, 2, f, false, 100 * MS, 0), 300 * MS);
    ASSERT_DBL(t.cwnd, 1.0);
    ASSERT_DBL(t.ssthresh, 7.0); /* 0.7 x 10 */
    /* lost three times: 300 + 600 + 1200 (the estimate did not move: no sample from a retransmission) */
    t = warm();
    f[1] = 3;
    ASSERT_EQ(prf_tcp_message(&t, 0, 2, f, false, 100 * MS, 0), 2100 * MS);
    /* a segment lost 16 times: each attempt's timer stops doubling at 60 s */
    t = warm();
    f[1] = 16;
    ASSERT_EQ(prf_tcp_message(&t, 0, 2, f, false, 100 * MS, 0),
              (300 + 600 + 1200 + 2400 + 4800 + 9600 + 19200 + 38400) * MS + 8 * 60000 * MS);
}

TEST(three_later_segments_mean_a_fast_retransmit)
{
    struct prf_tcp t = warm();
    uint8_t f[5] = {0, 1, 0, 0, 0}; /* segments 2, 3, 4 arrive after the lost segment 1 */
    ASSERT_EQ(prf_tcp_message(&t, 0, 5, f, false, 100 * MS, 0), 100 * MS);
    ASSERT_DBL(t.cwnd, 7.0); /* halved CUBIC's way, not collapsed */
    ASSERT_DBL(t.ssthresh, 7.0);
    uint8_t g[5] = {0, 0, 1, 0, 0}; /* only two behind it: the timer */
    ASSERT_EQ(prf_tcp_message(&t, 0, 5, g, false, 100 * MS, 0), 300 * MS);
    ASSERT_DBL(t.cwnd, 1.0);
}

TEST(after_a_timeout_the_next_messages_take_round_trips)
{
    struct prf_tcp t = warm();
    uint8_t f[2] = {1, 0};
    prf_tcp_message(&t, 0, 2, f, false, 100 * MS, 0); /* window 1, ssthresh 7, CUBIC's curve forgotten */
    ASSERT_DBL(t.w_max, 0.0);
    /* 2 segments with a window of 1: the first alone, its ACK delayed (nothing to pair with): 100 + 200 ms */
    ASSERT_EQ(prf_tcp_message(&t, 0, 2, none, false, 100 * MS, 0), 300 * MS);
    ASSERT_DBL(t.cwnd, 3.0); /* slow start: 1 + 1 + 1 */
    /* 6 segments: 3, then 3. The third's ACK is delayed, but the first two's ACK opens the window: 100 ms */
    ASSERT_EQ(prf_tcp_message(&t, 0, 6, none, false, 100 * MS, 0), 100 * MS);
    ASSERT_DBL(t.cwnd, 7.0); /* 3 + 3 = 6, + 3 stops at ssthresh 7 */
    /* congestion avoidance with no loss to climb back to: CUBIC's curve starts at the window, so it grows
     * at ns-3's slowest, a segment per CntClamp (20) acknowledged */
    ASSERT_EQ(prf_tcp_message(&t, 0, 7, none, false, 100 * MS, 0), 0);
    ASSERT_DBL(t.cwnd, 7.0 + 7.0 / 20);
    /* a 10-segment message on a window of 7: 7, then 3 */
    ASSERT_EQ(prf_tcp_message(&t, 0, 10, none, false, 100 * MS, 0), 100 * MS);
    ASSERT_DBL(t.cwnd, 7.0 + 17.0 / 20);
}

/* After a fast retransmit at a window of 10 (recovered at 100 ms), CUBIC's curve climbs back to 10 in
 * k = cbrt((10 - 7) / 0.4) s: soon after the loss a round grows the window to the curve's value, below
 * 10; five seconds later the curve is far above, and each round grows the window by half (x1.5). */
TEST(cubic_regrows_by_the_clock)
{
    uint8_t f[5] = {0, 1, 0, 0, 0};
    double k = cbrt(3.0 / 0.4);
    struct prf_tcp t = warm();
    ASSERT_EQ(prf_tcp_message(&t, 0, 5, f, false, 100 * MS, 0), 100 * MS);
    ASSERT_DBL(t.cwnd, 7.0);
    ASSERT_DBL(t.w_max, 10.0);
    ASSERT_EQ(t.epoch_ns, 100 * MS);
    /* at 200 ms, 30 segments: 7 (their ACKs at 300 ms), 8, 8, then the last 7: three round trips */
    ASSERT_EQ(prf_tcp_message(&t, 200 * MS, 30, none, false, 100 * MS, 0), 300 * MS);
    double target = 10 + 0.4 * pow(0.3 + 0.1 - 0.1 - k, 3); /* ns-3 reads the curve one round trip ahead */
    ASSERT_TRUE(target > 8.0 && target < 9.0);
    ASSERT_TRUE(t.cwnd > target && t.cwnd < 10.0); /* three more rounds' growth, still below w_max */
    /* the same loss, then 30 segments five seconds later: 7, then 10 (7 + 3.5), then 13 of 15 (10.5 + 5) */
    t = warm();
    prf_tcp_message(&t, 0, 5, f, false, 100 * MS, 0);
    ASSERT_EQ(prf_tcp_message(&t, 5000 * MS, 30, none, false, 100 * MS, 0), 200 * MS);
    ASSERT_DBL(t.cwnd, 22.0); /* 15.5 + 13 / 2 */
}

TEST(a_lost_final_ack_times_out_unless_overtaken)
{
    struct prf_tcp t = warm();
    ASSERT_EQ(prf_tcp_message(&t, 0, 2, none, true, 100 * MS, 0), 0); /* delivered: only the ACK was lost */
    ASSERT_DBL(t.cwnd, 12.0);
    ASSERT_EQ(t.timeout_at, 300 * MS);
    /* the next message at 150 ms: its ACK is back at 250 ms, before the timer's 300 ms: no timeout */
    ASSERT_EQ(prf_tcp_message(&t, 150 * MS, 2, none, false, 100 * MS, 0), 0);
    ASSERT_DBL(t.cwnd, 14.0);
    ASSERT_EQ(t.timeout_at, 0);
    /* lost again; a message whose ACK would be back just as the timer fires comes too late */
    int64_t rto = prf_tcp_rto(&t);
    prf_tcp_message(&t, 0, 2, none, true, 100 * MS, 0);
    ASSERT_DBL(t.cwnd, 16.0);
    ASSERT_EQ(prf_tcp_message(&t, rto - 100 * MS, 2, none, false, 100 * MS, 0), 100 * MS + 200 * MS);
    ASSERT_DBL(t.ssthresh, 0.7 * 16.0);
}

TESTS(timer_estimate_follows_linux, a_lost_last_segment_times_out_with_backoff,
      three_later_segments_mean_a_fast_retransmit, after_a_timeout_the_next_messages_take_round_trips,
      cubic_regrows_by_the_clock, a_lost_final_ack_times_out_unless_overtaken)
