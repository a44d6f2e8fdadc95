/* The flow model's event queue: a 4-ary min-heap keyed by (time, sequence). The sequence number is
 * taken at push, so events at the same instant come out in the order they were scheduled: runs are
 * deterministic whatever the heap's internal order. */
#ifndef POWRELAY_FLOW_EVQ_H
#define POWRELAY_FLOW_EVQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct prf_ev {
    int64_t t;
    uint64_t seq;
    uint32_t type;
    uint32_t idx;
};

struct prf_evq {
    struct prf_ev *h;
    size_t len, cap;
    uint64_t seq;
};

void prf_evq_free(struct prf_evq *q);
/* 0, or -1 when out of memory. */
int prf_evq_push(struct prf_evq *q, int64_t t, uint32_t type, uint32_t idx);
bool prf_evq_pop(struct prf_evq *q, struct prf_ev *out);
static inline const struct prf_ev *prf_evq_top(const struct prf_evq *q) { return q->len ? &q->h[0] : NULL; }

#endif
