/* A node's downlink behind its router's finite queue: see downlink.h. */
#include "downlink.h"

uint32_t prf_downlink_arrive(struct prf_downlink *d, int64_t now, int64_t last_at, uint32_t segments,
                             int64_t spacing_ns, int64_t pkt_ns, int64_t last_ns, uint32_t limit, bool *oom)
{
    int64_t horizon = now - PRF_DOWNLINK_HISTORY_NS, t = last_at - (int64_t)segments * spacing_ns;
    uint32_t dropped = 0;
    for (uint32_t i = 0; i < segments; i++) {
        t += spacing_ns;
        if (t < horizon) {
            d->unbooked++; /* beyond what the calendar remembers: not booked (and not dropped) */
            continue;
        }
        int64_t tx = i + 1 < segments ? pkt_ns : last_ns;
        dropped += prf_uplink_enqueue(&d->port, horizon, t, tx, limit, oom) < 0;
    }
    d->segments += segments;
    return dropped;
}

void prf_downlink_free(struct prf_downlink *d)
{
    prf_uplink_free(&d->port);
}
