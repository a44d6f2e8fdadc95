/* A node's downlink behind its router's finite queue, as the flow model estimates what that queue drops
 * (docs/protocol.md#flow-downlink). Flow decides a segment's fate when its sender sends it, but only the
 * receiver sees what all its peers send it: so the receiver books, message by message, the segments
 * reaching its router on a calendar of the router's port towards it (an uplink's calendar, uplink.h),
 * at the times they reached the router (a message delivered late, behind an earlier one of its
 * connection or after its own recovery, reached it earlier), and DropTail drops one that finds `limit`
 * packets waiting there. A connection's sender learns from the ACKs how many of its segments were
 * dropped, and loses as many of the next ones it sends. Pure arithmetic on times in nanoseconds. */
#ifndef POWRELAY_FLOW_DOWNLINK_H
#define POWRELAY_FLOW_DOWNLINK_H

#include <stdbool.h>
#include <stdint.h>

#include "uplink.h"

/* How far back the calendar reaches: a segment that reached the router longer ago than this before the
 * receiver learns of it is not booked (the flow model sends a notice ahead for a message it would learn
 * of later than that, so that this is rare: flow.c's NOTICE_NS). */
#define PRF_DOWNLINK_HISTORY_NS 500000000LL

/* Zeroed means nothing arrived yet. */
struct prf_downlink {
    struct prf_uplink port; /* the router's port towards the node, booked by arrival at the router */
    uint64_t segments;      /* every segment that arrived (each once), for the queue tally */
    uint64_t unbooked;      /* ... of which known too late to book (before the history) */
};


/* At `now` (the receiver's clock), a message of `segments` segments is known to have reached the
 * router, its last at last_at (<= now) and the others before it, spacing_ns apart; the port takes pkt_ns
 * to carry each, the last last_ns (it may be shorter). Returns how many of them found `limit` packets
 * waiting (the one on the wire aside), which the port does not carry. *oom is set when memory ran out. */
uint32_t prf_downlink_arrive(struct prf_downlink *d, int64_t now, int64_t last_at, uint32_t segments,
                             int64_t spacing_ns, int64_t pkt_ns, int64_t last_ns, uint32_t limit, bool *oom);


void prf_downlink_free(struct prf_downlink *d);

#endif
