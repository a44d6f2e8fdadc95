/* TCP's loss recovery as the flow model approximates it (docs/protocol.md#flow-loss): a connection's
 * sender keeps a congestion window shared by its messages and a retransmission timer estimate, as Linux
 * and ns-3 do, so a loss costs what it costs real TCP. The connection is a byte stream: a message's
 * segments leave as the window has room, after the connection's earlier bytes (a backlog goes out in full
 * segments); a lost segment with three later ones behind
 * it (in its message or in the next ones) is fast-retransmitted after one round trip, and the window falls
 * once for all the losses of a window, when the duplicate ACKs come back, and does not grow until that
 * recovery ends; otherwise the retransmission timer fires (with backoff), the window falls to one segment,
 * the lost segments go again in slow start (1, 2, 4 a round) and nothing else leaves until the last one's
 * ACK. The window grows back by slow start (which HyStart ends early when a round's ACKs come back
 * slower than the least round trip by as much again, or as a train longer than it), then on CUBIC's
 * curve, never slower than Reno. A lost final
 * ACK times out too, unless the next message's ACK comes first. Pure arithmetic: the random draws are the
 * caller's; a sender's uplink behind the window may be the caller's too (prf_tcp_send). */
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
#define PRF_TCP_RENO_ACKS 1.875         /* ns-3's and Linux's 15/8: acked segments per cwnd for a Reno segment (beta 0.7) */
#define PRF_TCP_CUBIC_CLAMP 20.0        /* ns-3's CntClamp: the slowest growth before the first loss */
/* HyStart (ns-3's TcpCubic and Linux's, on by default): slow start ends early once a round's ACKs show the
 * queue growing. Watched from a window of this many segments on ... */
#define PRF_TCP_HYSTART_LOW 16u
#define PRF_TCP_HYSTART_SAMPLES 8u              /* ... by the least of a round's first 8 round trips */
#define PRF_TCP_HYSTART_ACK_DELTA_NS 2000000LL  /* ACKs at most 2 ms apart are a train */
#define PRF_TCP_HYSTART_DELAY_MIN_NS 4000000LL  /* the delay threshold: the least round trip, at least */
#define PRF_TCP_HYSTART_DELAY_MAX_NS 1000000000LL /* 4 ms and at most 1 s (ns-3's bounds) */
#define PRF_TCP_HYSTART_NONE UINT16_MAX         /* a flight whose ACKs do not end slow start */

#define PRF_TCP_FLIGHTS 16 /* groups of segments in flight a connection tracks; beyond, the closest two join */

/* Segments released together, whose ACKs come back from first_at (the first segment's) to acked_at (the
 * last's), evenly spread between: the uplink spaced the segments so, and ACKs come back as they left
 * (ACK clocking). Without a link, first_at is acked_at. */
struct prf_tcp_flight {
    int64_t first_at, acked_at;
    uint32_t segments;
    uint16_t hystart_exit; /* HyStart ends slow start after this many of its segments are ACKed (or NONE) */
    bool in_recovery; /* released before a recovery began, or ACKed before it ends: their ACKs do not grow the window */
};

#define PRF_TCP_HOLDS 4 /* lost segments' places a connection tracks; beyond, the two closest join */

/* Lost segments' places in the window (dropped by a queue or lost on the path): held until their
 * retransmission is ACKed (until), as TCP's pipe counts a retransmission in flight, so the window does not
 * send one more segment for each loss. gen: the lost last segments' timer they wait on (0: none), whose
 * fast retransmission, if later segments bring one, moves until earlier. */
struct prf_tcp_hold {
    int64_t until;
    uint32_t segments, gen;
};

/* A retransmission booked on the sender's link for a lost last segment's timer: released at `at`, gone at
 * `left`, of `bytes`. */
struct prf_tcp_resend {
    int64_t at, left;
    uint32_t bytes;
};

/* One connection's sender. Zeroed means new: prf_tcp_init sets the starting values. */
struct prf_tcp {
    /* Laid out by use (one record per connection, touched cold by most messages): first what every
     * message reads, then its first flights, then HyStart's round, CUBIC's curve and what losses alone
     * touch. */
    int64_t tail_at;    /* the stream's last segment leaves then (it waits for room until then) */
    int64_t tail_leave; /* ... and has left the sender's uplink then (tail_at without a link) */
    int64_t next_sample_ns, next_sample_at; /* with a link: a round-trip sample the next message settles */
    int64_t timeout_at; /* a lost final ACK's timer fires then, unless a later message is sent first; 0: none */
    int64_t stall_ns;   /* nothing leaves before this: a timeout's retransmission is out until then */
    /* A retransmission timer running: it first fires at timer_first (0: none), and the attempt at
     * timer_last gets through. Not firm: a lost last segment's, which three later segments (pend_later
     * counts them) cancel with a fast retransmit; pend_at: when its loss was sent. */
    int64_t timer_first;
    int64_t srtt_ns, rttvar_ns; /* srtt 0: no sample yet */
    double cwnd, ssthresh;      /* whole segments (docs/protocol.md#flow-loss), kept as doubles */
    int64_t decrease_at; /* a loss's duplicate ACKs arrive then: the window falls; 0: none pending */
    int64_t recover_ns;  /* losses among segments sent before this share a decrease already taken */
    int64_t recover_end_ns; /* ... whose recovery lasts until this: the last of their retransmissions' ACKs */
    /* HyStart, since the start or the last timeout: the least round trip sampled (0: none); whether it has
     * ended slow start (it acts once); its round (below): when the round's first ACK is back (< 0: none),
     * the last ACK of its train, the least of its first samples and how many it has heard. */
    int64_t delay_min_ns;
    uint32_t tail_room; /* bytes the stream's last segment can still take */
    uint32_t in_flight, n_flights; /* segments in the window, and their flights, oldest first */
    bool next_sample_odd;          /* the next sample's: the receiver's delayed ACK may lengthen it */
    bool pair_open;                /* the stream's last segment is the first of a pair the receiver ACKs */
    bool timer_firm;
    bool hystart_found;
    struct prf_tcp_flight flight[PRF_TCP_FLIGHTS + 1]; /* one more: a new flight's room before two merge */
    int64_t pair_left; /* when the segment pair_open names left the sender */
    int64_t hy_start, hy_last, hy_least;
    uint32_t hy_heard;
    /* CUBIC's curve: the window at the last loss (0: none since the start or a timeout) and, once
     * congestion avoidance has begun after it, when (epoch_ns), from where (origin) and the seconds k it
     * takes to climb back to w_max. */
    double w_max, origin, k_s;
    double cwnd_cnt; /* segments acknowledged towards the window's next whole one (Linux's snd_cwnd_cnt) */
    double reno; /* the window Reno would have reached since the epoch began (CUBIC's TCP-friendly region) */
    int64_t epoch_ns; /* < 0: no epoch yet */
    int64_t timer_last, pend_at;
    uint32_t pend_later;
    uint32_t pend_relost; /* of a lost last segment's timer: its retransmissions lost as well (the most of one) */
    uint32_t timer_lost; /* segments the running timer will retransmit */
    /* Each timer armed while none runs gets a new number (timer_gen); when later segments cancel a lost
     * last segment's timer, its number and when the fast retransmission leaves are kept (resolved_gen,
     * resolved_at) for the caller, who may hold that segment's message until then (prf_tcp_deadline). */
    uint32_t timer_gen, resolved_gen;
    int64_t resolved_at;
    /* Through a link: the running timer's retransmissions booked there while its fate is open (every one:
     * a burst the queue cut may leave dozens), moved to the fast retransmission's time if later segments
     * bring one; on the heap, grown as needed (prf_tcp_free) */
    struct prf_tcp_resend *pend_rs;
    uint32_t n_pend_rs, cap_pend_rs;
    uint32_t recoveries, timeouts; /* decreases by duplicate ACKs and timeouts so far (the queues' tally) */
    struct prf_tcp_hold hold[PRF_TCP_HOLDS + 1]; /* one more: a new hold's room before two join */
    uint32_t n_holds;
};

/* A diagnosis's hook (POWRELAY_FLOW_CWND, README's outputs): called at the simulated time of each change
 * of a connection's window (PRF_TCP_WINDOW, the window as it now is) and as a fast recovery or a timeout
 * begins (the window as the decrease finds it; a WINDOW call follows). Flow works out a message's window
 * ahead of the clock: the calls come in the order it computes them, not in time order. One hook per
 * process, set before the connections send and cleared after (NULL: none, the default). */
enum prf_tcp_change { PRF_TCP_WINDOW, PRF_TCP_RECOVERY, PRF_TCP_TIMEOUT };
typedef void (*prf_tcp_trace_fn)(void *ctx, const struct prf_tcp *t, int64_t at, enum prf_tcp_change what);
void prf_tcp_set_trace(prf_tcp_trace_fn fn, void *ctx);

void prf_tcp_init(struct prf_tcp *t);

/* What a connection's sender holds on the heap (a copy of it shares that: free one). */
void prf_tcp_free(struct prf_tcp *t);

/* The retransmission timeout now, as Linux sets it: srtt + max(4 rttvar, 200 ms); 1 s before any sample. */
int64_t prf_tcp_rto(const struct prf_tcp *t);

/* The unit tests' way to the rules alone, the uplink left to the caller (flow.c sends every message TCP
 * carries through prf_tcp_send, below, behind its uplink's queue). A message of `bytes` bytes is ready at
 * `now` (nanoseconds) on a connection with round trip
 * rtt_ns, after queued_ns waiting for and crossing the sender's uplink (TCP's round-trip samples count
 * that time: a busy uplink lifts the timer). It takes up to ceil(bytes / PRNET_MSS) segments, fewer when
 * its first bytes join the stream's last segment still waiting for the window. fails[i] is how many
 * times the message's segment i was lost before getting through (the caller draws them for each
 * segment it could take); ack_lost says whether the message's final ACK was lost. Returns the
 * delay TCP adds to the message's arrival beyond one-way latency and serialisation, and updates the
 * connection's state. */
int64_t prf_tcp_message(struct prf_tcp *t, int64_t now, uint64_t bytes, const uint8_t *fails, bool ack_lost,
                        int64_t rtt_ns, int64_t queued_ns, int64_t *fast_floor);

/* The sender's device queue and uplink, when the caller puts them behind TCP's window
 * (docs/protocol.md#flow-queue): the window releases a segment of `bytes` bytes on the link at `at`, and
 * enqueue returns when it has left the uplink, or -1 when the queue was full and dropped it; extend makes
 * the stream's last segment longer (a later message's bytes joined it) and returns when that has left
 * (this connection's segment, not whichever the uplink took last: another connection's or a
 * retransmission booked for its timer); resend puts a dropped segment's
 * retransmission on the link (never dropped: the model draws one drop a segment) and returns when it has
 * left, which the message waits for (a busy uplink delays it as it delays first attempts); a lost last
 * segment's retransmission, booked for its timer, is taken back (unbook) and booked again when later
 * segments bring a fast retransmission instead, which the message then waits for. dropped: the
 * caller's room for a flag per segment of a message (as many as for fails). */
struct prf_tcp_link {
    int64_t (*enqueue)(void *ctx, int64_t at, uint32_t bytes);
    int64_t (*extend)(void *ctx, int64_t left, uint32_t bytes); /* the segment gone at `left` takes `bytes` more */
    int64_t (*resend)(void *ctx, int64_t at, uint32_t bytes); /* a dropped segment sent again at `at`: when it left */
    /* a retransmission resend booked (released at `at`, gone at `left`) taken back, unless it has started
     * (false); NULL: never */
    bool (*unbook)(void *ctx, int64_t at, int64_t left, uint32_t bytes);
    /* when the uplink, busy at `at`, first goes idle: no segment released at `at` or after leaves before,
     * so the duplicate ACKs of a segment the queue dropped then come a round trip after it (NULL: at) */
    int64_t (*free_at)(void *ctx, int64_t at);
    void *ctx;
    uint8_t *dropped;
    bool *oom; /* set when memory ran out (a retransmission that can no longer move stays at its timer) */
};

/* prf_tcp_message with the message's segments put through `link` as the window releases them, rather than
 * after the caller's uplink: queued_ns is then measured, a dropped segment is lost once more than fails
 * says, and the delay returned counts the wait for and on the uplink. */
int64_t prf_tcp_send(struct prf_tcp *t, int64_t now, uint64_t bytes, const uint8_t *fails, bool ack_lost,
                     int64_t rtt_ns, const struct prf_tcp_link *link, int64_t *fast_floor);

/* When the window would first have room for a segment (at the window as it is now, from `now` on): the
 * caller may wait until close to then to hand it the next message (docs/protocol.md#flow-queue). */
int64_t prf_tcp_ready_at(const struct prf_tcp *t, int64_t now);

/* A lost last segment's fate is open until its deadline: if three later segments leave before it, the
 * duplicate ACKs bring a fast retransmission and the returned delay was the timer's, too long. So
 * prf_tcp_message sets *fast_floor (unless NULL) to -1 when the delay it returns is final, and otherwise to the delay
 * the message has without that loss: the message then arrives after max(*fast_floor, resolved_at - now)
 * if timer number timer_gen is resolved (resolved_gen), or after the returned delay if it fires instead.
 * This returns when later segments come too late (a later message sent then finds the timer fired), or 0
 * when no lost last segment's timer runs (none, or one that fires whatever follows). */
int64_t prf_tcp_deadline(const struct prf_tcp *t, int64_t rtt_ns);

/* Whether a lost last segment's timer runs whose fate later segments may still change (prf_tcp_deadline
 * has a deadline to give). */
bool prf_tcp_fate_open(const struct prf_tcp *t);

#endif
