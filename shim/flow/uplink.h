/* A node's uplink with a finite device queue, as the flow model keeps it when network.queue_packets is
 * set (docs/protocol.md#flow-queue): TCP's windows release segments onto it, each waits for the link, and
 * one that finds the queue full is dropped (DropTail).
 *
 * Segments are booked when they are released, and a window may release one later than a segment
 * another connection sends after it is computed: the link is a calendar of busy spans, and a segment
 * takes the first idle span after its release long enough to carry it (so the link is never idle while a
 * segment waits, and never carries two at once). Its queue, when it is released, is the segments
 * released before it and not yet on the wire. Pure arithmetic on times in nanoseconds. */
#ifndef POWRELAY_FLOW_UPLINK_H
#define POWRELAY_FLOW_UPLINK_H

#include <stdbool.h>
#include <stdint.h>

struct prf_busy {
    int64_t from, to; /* the link carries something throughout [from, to) */
};

struct prf_booked {
    int64_t start, left; /* on the wire from start until left */
};

/* Zeroed means idle. */
struct prf_uplink {
    struct prf_busy *busy; /* disjoint, in order, from busy[head] */
    uint32_t head, n_busy, cap_busy;
    struct prf_booked *pkt; /* the segments not yet gone, by start, from pkt[pkt_head] */
    uint32_t pkt_head, n_pkt, cap_pkt;
    int64_t *later; /* when those of them released after the clock then were, ascending, from later_head */
    uint32_t later_head, n_later, cap_later;
    int64_t *later_drops; /* the release times after the clock then of segments it dropped, ascending */
    uint32_t ld_head, n_ld, cap_ld;
    int64_t *ahead_at; /* those of `later` that are first attempts (not retransmissions), ascending */
    uint32_t ah_head, n_ah, cap_ah;
    uint64_t taken, dropped; /* segments the queue took (retransmissions too) and dropped, as booked */
    uint64_t ahead, ahead_dropped; /* first attempts booked for a release after the clock then, and dropped */
    bool tallied; /* set by the caller for the tally (prf_uplink_tally, prf_uplink_ahead): only then are the
                   * lists only it reads (later_drops, ahead_at) kept, and their memory taken */
};

/* A segment released at `at` (>= now) that takes tx_ns on the link: -1 when `limit` segments released by
 * then wait for the link (dropped: its retransmission is enqueued again, with no limit, UINT32_MAX, when
 * TCP sends it), else when it has left. Nothing before now matters any more. *oom is set when memory ran out (the
 * segment is then carried but not remembered). */
int64_t prf_uplink_enqueue(struct prf_uplink *u, int64_t now, int64_t at, int64_t tx_ns, uint32_t limit, bool *oom);

/* A segment booked for release at `at`, on the wire from `start` for tx_ns, is taken back (its
 * retransmission goes at another time: prf_tcp's fast retransmission of a lost last segment whose timer
 * it had been booked for). Whether it was: not when it has started by now (or was not booked so). */
bool prf_uplink_unbook(struct prf_uplink *u, int64_t now, int64_t at, int64_t start, int64_t tx_ns, bool *oom);

/* The segment that leaves at `left` takes tx_ns more (bytes joined it): the link is busy that much more,
 * from then on as it is free. Returns when the segment has left now; one gone by now cannot grow. */
int64_t prf_uplink_extend(struct prf_uplink *u, int64_t now, int64_t left, int64_t tx_ns, bool *oom);

/* The segments the queue took and dropped of those released by now (prf_uplink's counts less a window's
 * future flights, booked ahead of their release): a tally that stops at a run's end, while tallied is set. */
void prf_uplink_tally(const struct prf_uplink *u, int64_t now, uint64_t *taken, uint64_t *dropped);

/* Of the first attempts (limit below UINT32_MAX) released by now, those booked ahead of their release (at >
 * the clock when booked: a window's later flights) and, of them, those dropped: the tally's, counted only
 * while tallied is set. */
void prf_uplink_ahead(const struct prf_uplink *u, int64_t now, uint64_t *ahead, uint64_t *dropped);

/* When the link, busy at `at` (>= now), first goes idle afterwards (`at`, if it is idle then): at now,
 * what a packet queued now waits for. Whatever spans came before, however the link was booked. */
int64_t prf_uplink_free_at(const struct prf_uplink *u, int64_t at);

/* When the link has carried everything booked so far (now, if nothing is booked). */
int64_t prf_uplink_idle_at(const struct prf_uplink *u, int64_t now);

void prf_uplink_free(struct prf_uplink *u);

#endif
