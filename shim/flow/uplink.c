/* A node's uplink with a finite device queue: see uplink.h. */
#include "uplink.h"

#include <stdlib.h>
#include <string.h>

/* Spans that ended by now are forgotten; the array is compacted once they are half of it. */
static void forget_busy(struct prf_uplink *u, int64_t now)
{
    while (u->n_busy && u->busy[u->head].to <= now) {
        u->head++;
        u->n_busy--;
    }
    if (u->head && u->head >= u->n_busy) {
        memmove(u->busy, u->busy + u->head, sizeof *u->busy * u->n_busy);
        u->head = 0;
    }
}

/* The link busy during [from, from + tx_ns), in the first idle span from `from` on that is long enough:
 * returns when that span starts. */
static int64_t book(struct prf_uplink *u, int64_t from, int64_t tx_ns, bool *oom)
{
    struct prf_busy *b = u->busy + u->head;
    uint32_t i = 0;
    while (i < u->n_busy && b[i].to <= from)
        i++;
    for (; i < u->n_busy; i++) {
        if (from + tx_ns <= b[i].from)
            break; /* fits in the idle span before b[i] */
        if (b[i].to > from)
            from = b[i].to;
    }
    int64_t to = from + tx_ns;
    bool joins_prev = i > 0 && b[i - 1].to == from, joins_next = i < u->n_busy && b[i].from == to;
    if (joins_prev && joins_next) {
        b[i - 1].to = b[i].to;
        memmove(b + i, b + i + 1, sizeof *b * (u->n_busy - i - 1));
        u->n_busy--;
    } else if (joins_prev) {
        b[i - 1].to = to;
    } else if (joins_next) {
        b[i].from = from;
    } else {
        if (u->head + u->n_busy == u->cap_busy) {
            uint32_t cap = u->cap_busy ? 2 * u->cap_busy : 16;
            struct prf_busy *nb = realloc(u->busy, sizeof *nb * cap);
            if (!nb) {
                *oom = true;
                return from;
            }
            u->busy = nb;
            u->cap_busy = cap;
            b = u->busy + u->head;
        }
        memmove(b + i + 1, b + i, sizeof *b * (u->n_busy - i));
        b[i] = (struct prf_busy){from, to};
        u->n_busy++;
    }
    return from;
}

int64_t prf_uplink_enqueue(struct prf_uplink *u, int64_t now, int64_t at, int64_t tx_ns, uint32_t limit, bool *oom)
{
    forget_busy(u, now);
    uint32_t waiting = 0;
    for (uint32_t k = 0; k < u->n_pkt;) {
        struct prf_booked *p = &u->pkt[k];
        if (p->left <= now) { /* gone: forget it */
            uint32_t moved = --u->n_pkt;
            u->last = u->last == k ? UINT32_MAX : u->last == moved ? k : u->last;
            *p = u->pkt[moved];
            continue;
        }
        waiting += p->released <= at && p->start > at;
        k++;
    }
    if (waiting >= limit) {
        book(u, at, tx_ns, oom); /* its retransmission: the link carries it once all the same */
        return -1;
    }
    int64_t start = book(u, at, tx_ns, oom);
    if (u->n_pkt == u->cap_pkt) {
        uint32_t cap = u->cap_pkt ? 2 * u->cap_pkt : 128;
        struct prf_booked *np = realloc(u->pkt, sizeof *np * cap);
        if (!np) {
            *oom = true;
            u->last = UINT32_MAX;
            return start + tx_ns;
        }
        u->pkt = np;
        u->cap_pkt = cap;
    }
    u->last = u->n_pkt;
    u->pkt[u->n_pkt++] = (struct prf_booked){.released = at, .start = start, .left = start + tx_ns};
    return start + tx_ns;
}

void prf_uplink_extend(struct prf_uplink *u, int64_t now, int64_t tx_ns, bool *oom)
{
    if (u->last >= u->n_pkt || u->pkt[u->last].left <= now)
        return; /* gone already: nothing to lengthen */
    struct prf_booked *p = &u->pkt[u->last];
    int64_t start = book(u, p->left, tx_ns, oom);
    u->pkt[u->last].left = start + tx_ns;
}

int64_t prf_uplink_idle_at(const struct prf_uplink *u, int64_t now)
{
    if (!u->n_busy)
        return now;
    int64_t to = u->busy[u->head + u->n_busy - 1].to;
    return to > now ? to : now;
}

void prf_uplink_free(struct prf_uplink *u)
{
    free(u->busy);
    free(u->pkt);
    *u = (struct prf_uplink){0};
}
