/* TCP's loss recovery as the flow model approximates it, one message at a time (docs/protocol.md#flow-loss):
 * a connection's sender keeps a congestion window and a retransmission timer estimate, as Linux and
 * ns-3 do, so a loss costs what it costs real TCP: a retransmission timeout (with backoff) or, when
 * enough later segments arrive, a fast retransmit after one round trip; a timeout shrinks the window
 * to one segment, and the next messages then take more round trips (a window of one segment waits on
 * the receiver's delayed ACK too) while the window grows back, on CUBIC's curve above the slow-start
 * threshold. A lost final ACK times out too, unless the next message's ACK comes first. Pure
 * arithmetic: the random draws are the caller's. */
#ifndef POWRELAY_FLOW_TCP_H
#define POWRELAY_FLOW_TCP_H

#include <stdbool.h>
#include <stdint.h>

#define PRF_TCP_MIN_RTO_NS 200000000LL  /* Linux's tcp_rto_min: the floor of the timer's variance term */
#define PRF_TCP_INIT_RTO_NS 1000000000LL /* before the first round-trip sample (RFC 6298) */
#define PRF_TCP_MAX_RTO_NS 60000000000LL /* one attempt's timeout never exceeds this */
#define PRF_TCP_DELACK_NS 200000000LL   /* the receiver ACKs every second segment, or after this */
#define PRF_TCP_INIT_CWND 10.0          /* segments (RFC 6928, Linux, ns-3) */
#define PRF_TCP_BETA 0.7                /* CUBIC's multiplicative decrease (Linux's and ns-3's default) */
#define PRF_TCP_DUPTHRESH 3u            /* later segments that must arrive before a fast retransmit */
#define PRF_TCP_CUBIC_C 0.4             /* CUBIC's scaling constant, segments per second cubed */
#define PRF_TCP_CUBIC_CLAMP 20.0        /* ns-3's CntClamp: the slowest growth before the first loss */

/* One connection's sender. Zeroed means new: prf_tcp_init sets the starting values. */
struct prf_tcp {
    double cwnd, ssthresh;    /* segments */
    int64_t srtt_ns, rttvar_ns; /* srtt 0: no sample yet */
    int64_t timeout_at;       /* a lost final ACK's timer fires then, unless a later message is sent first; 0: none */
    /* CUBIC's curve: the window at the last loss (0: none since the start or a timeout) and, once
     * congestion avoidance has begun after it, when (epoch_ns), from where (origin) and the seconds k it
     * takes to climb back to w_max. */
    double w_max, origin, k_s;
    int64_t epoch_ns; /* < 0: no epoch yet */
};

void prf_tcp_init(struct prf_tcp *t);

/* The retransmission timeout now, as Linux sets it: srtt + max(4 rttvar, 200 ms); 1 s before any sample. */
int64_t prf_tcp_rto(const struct prf_tcp *t);

/* A message of `segments` segments leaves at `now` (nanoseconds) on a connection with round trip
 * rtt_ns, after queued_ns waiting for and crossing the sender's uplink (TCP's round-trip samples count
 * that time: a busy uplink lifts the timer). fails[i] is how many times segment i was lost before getting
 * through (the caller draws them); ack_lost says whether the message's final ACK was lost. Returns the
 * delay TCP adds to the message's arrival beyond one-way latency and serialisation, and updates the
 * connection's state. */
int64_t prf_tcp_message(struct prf_tcp *t, int64_t now, uint32_t segments, const uint8_t *fails, bool ack_lost,
                        int64_t rtt_ns, int64_t queued_ns);

#endif
