#include "evq.h"

#include <stdlib.h>

static inline bool before(const struct prf_ev *a, const struct prf_ev *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

void prf_evq_free(struct prf_evq *q)
{
    free(q->h);
    q->h = NULL;
    q->len = q->cap = 0;
}

int prf_evq_push(struct prf_evq *q, int64_t t, uint32_t type, uint32_t idx)
{
    if (q->len == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 1024;
        struct prf_ev *h = realloc(q->h, sizeof *h * cap);
        if (!h)
            return -1;
        q->h = h;
        q->cap = cap;
    }
    struct prf_ev ev = {.t = t, .seq = q->seq++, .type = type, .idx = idx};
    size_t i = q->len++;
    while (i > 0) {
        size_t parent = (i - 1) / 4;
        if (!before(&ev, &q->h[parent]))
            break;
        q->h[i] = q->h[parent];
        i = parent;
    }
    q->h[i] = ev;
    return 0;
}

bool prf_evq_pop(struct prf_evq *q, struct prf_ev *out)
{
    if (q->len == 0)
        return false;
    *out = q->h[0];
    struct prf_ev last = q->h[--q->len];
    size_t n = q->len, i = 0;
    if (n == 0)
        return true;
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n)
            break;
        size_t best = c, end = c + 4 < n ? c + 4 : n;
        for (size_t k = c + 1; k < end; k++)
            if (before(&q->h[k], &q->h[best]))
                best = k;
        if (!before(&q->h[best], &last))
            break;
        q->h[i] = q->h[best];
        i = best;
    }
    q->h[i] = last;
    return true;
}
