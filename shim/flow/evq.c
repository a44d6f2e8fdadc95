#include "evq.h"

#include <stdlib.h>
#include <string.h>

/* 262 us buckets, 8192 of them: 2.15 s ahead, where almost every event falls. Fewer, fuller buckets
 * keep the tails being appended to in cache, while the current bucket's heap stays small. */
#ifndef BUCKET_SHIFT
#define BUCKET_SHIFT 18
#endif
#ifndef RING_BITS
#define RING_BITS 13
#endif
#define RING (1u << RING_BITS)
#define HORIZON ((int64_t)RING << BUCKET_SHIFT)

void *(*prf_evq_realloc)(void *, size_t) = realloc;

static inline bool before(const struct prf_ev *a, const struct prf_ev *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

/* ---- heaps: binary for late arrivals in the current bucket (few), 4-ary for the far future ---- */

static int heap_reserve(struct prf_heap *h)
{
    if (h->len < h->cap)
        return 0;
    size_t cap = h->cap ? h->cap * 2 : 256;
    struct prf_ev *n = prf_evq_realloc(h->h, sizeof *n * cap);
    if (!n)
        return -1;
    h->h = n;
    h->cap = cap;
    return 0;
}

static int heap_push(struct prf_heap *h, const struct prf_ev *ev, size_t arity)
{
    if (heap_reserve(h))
        return -1;
    size_t i = h->len++;
    while (i > 0) {
        size_t parent = (i - 1) / arity;
        if (!before(ev, &h->h[parent]))
            break;
        h->h[i] = h->h[parent];
        i = parent;
    }
    h->h[i] = *ev;
    return 0;
}

static void heap_pop(struct prf_heap *h, size_t arity)
{
    struct prf_ev last = h->h[--h->len];
    size_t n = h->len, i = 0;
    if (n == 0)
        return;
    for (;;) {
        size_t c = arity * i + 1;
        if (c >= n)
            break;
        size_t best = c, end = c + arity < n ? c + arity : n;
        for (size_t k = c + 1; k < end; k++)
            if (before(&h->h[k], &h->h[best]))
                best = k;
        if (!before(&h->h[best], &last))
            break;
        h->h[i] = h->h[best];
        i = best;
    }
    h->h[i] = last;
}

/* ---- the ring ---- */

int prf_evq_init(struct prf_evq *q)
{
    memset(q, 0, sizeof *q);
    q->free_chunk = PRF_NIL;
    q->ring = prf_evq_realloc(NULL, RING * sizeof *q->ring);
    q->nonempty = prf_evq_realloc(NULL, RING / 64 * sizeof *q->nonempty);
    if (q->nonempty)
        memset(q->nonempty, 0, RING / 64 * sizeof *q->nonempty);
    if (!q->ring || !q->nonempty)
        return -1;
    for (uint32_t i = 0; i < RING; i++)
        q->ring[i] = (struct prf_bucket){PRF_NIL, PRF_NIL, 0};
    return 0;
}

void prf_evq_free(struct prf_evq *q)
{
    free(q->chunks);
    free(q->ring);
    free(q->nonempty);
    free(q->sorted);
    free(q->scratch);
    free(q->late.h);
    free(q->far.h);
    memset(q, 0, sizeof *q);
}

static uint32_t chunk_alloc(struct prf_evq *q)
{
    uint32_t c;
    if (q->free_chunk != PRF_NIL) {
        c = q->free_chunk;
        q->free_chunk = q->chunks[c].next;
    } else {
        if (q->n_chunks == q->cap_chunks) {
            uint32_t cap = q->cap_chunks ? q->cap_chunks * 2 : 1024;
            struct prf_chunk *n = prf_evq_realloc(q->chunks, sizeof *n * cap);
            if (!n)
                return PRF_NIL;
            q->chunks = n;
            q->cap_chunks = cap;
        }
        c = q->n_chunks++;
    }
    q->chunks[c].next = PRF_NIL;
    return c;
}

static int bucket_append(struct prf_evq *q, uint32_t b, const struct prf_ev *ev)
{
    struct prf_bucket *k = &q->ring[b];
    if (k->tail == PRF_NIL || k->tail_len == PRF_CHUNK_EVENTS) {
        uint32_t c = chunk_alloc(q);
        if (c == PRF_NIL)
            return -1;
        if (k->tail == PRF_NIL)
            k->head = c;
        else
            q->chunks[k->tail].next = c;
        k->tail = c;
        k->tail_len = 0;
    }
    q->chunks[k->tail].ev[k->tail_len++] = *ev;
    q->nonempty[b >> 6] |= 1ull << (b & 63);
    return 0;
}

/* Place an event relative to the current bucket. */
static int place(struct prf_evq *q, const struct prf_ev *ev)
{
    int64_t off = ev->t - q->base;
    if (off < ((int64_t)1 << BUCKET_SHIFT))
        return heap_push(&q->late, ev, 2);
    if (off < HORIZON)
        return bucket_append(q, (q->cur + (uint32_t)(off >> BUCKET_SHIFT)) & (RING - 1), ev);
    return heap_push(&q->far, ev, 4);
}

int prf_evq_push(struct prf_evq *q, int64_t t, uint64_t key, uint32_t type, uint32_t idx, uint32_t node)
{
    struct prf_ev ev = {.t = t, .seq = key << 2 | (type & 3u), .idx = idx, .node = node};
    if (place(q, &ev))
        return -1;
    q->len++;
    return 0;
}

/* Distance (in buckets, 1..RING-1) from the current bucket to the next non-empty one, or 0 if none. */
static uint32_t next_nonempty(const struct prf_evq *q)
{
    for (uint32_t d = 1; d < RING;) {
        uint32_t b = (q->cur + d) & (RING - 1);
        uint64_t word = q->nonempty[b >> 6] >> (b & 63);
        if (word)
            return d + (uint32_t)__builtin_ctzll(word) < RING ? d + (uint32_t)__builtin_ctzll(word) : 0;
        d += 64 - (b & 63);
    }
    return 0;
}

/* ---- sorting a bucket ---- */

/* Two passes of a least-significant-digit radix sort on the event's offset in its bucket, without the
 * unpredictable branches that make a heap's pops slow; then events at the same instant (rare: a run of
 * one nearly always) are put in key order by an insertion sort, which on nearly sorted input is one
 * comparison per event. Small buckets take the insertion sort alone instead of clearing the counters. */
#define RADIX_BITS ((BUCKET_SHIFT + 1) / 2)
#define RADIX (1u << RADIX_BITS)
_Static_assert(2 * RADIX_BITS >= BUCKET_SHIFT, "two radix passes cover a bucket's offsets");

static void insertion_sort(struct prf_ev *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        struct prf_ev e = a[i];
        size_t j = i;
        while (j > 0 && before(&e, &a[j - 1])) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = e;
    }
}

static void sort_bucket(struct prf_ev *a, struct prf_ev *tmp, size_t n, int64_t base)
{
    if (n <= 32) {
        insertion_sort(a, n);
        return;
    }
    uint32_t lo[RADIX] = {0}, hi[RADIX] = {0};
    for (size_t i = 0; i < n; i++) {
        uint32_t k = (uint32_t)(a[i].t - base);
        lo[k & (RADIX - 1)]++;
        hi[k >> RADIX_BITS]++;
    }
    uint32_t sum_lo = 0, sum_hi = 0;
    for (uint32_t d = 0; d < RADIX; d++) {
        uint32_t c = lo[d];
        lo[d] = sum_lo;
        sum_lo += c;
        c = hi[d];
        hi[d] = sum_hi;
        sum_hi += c;
    }
    for (size_t i = 0; i < n; i++)
        tmp[lo[(uint32_t)(a[i].t - base) & (RADIX - 1)]++] = a[i];
    for (size_t i = 0; i < n; i++)
        a[hi[(uint32_t)(tmp[i].t - base) >> RADIX_BITS]++] = tmp[i];
    insertion_sort(a, n); /* ties by key */
}

/* Room for n events in the sorted array (and the sort's second buffer). */
static int reserve_sorted(struct prf_evq *q, size_t n)
{
    if (n <= q->sorted_cap)
        return 0;
    size_t cap = q->sorted_cap ? q->sorted_cap : 256;
    while (cap < n)
        cap *= 2;
    struct prf_ev *a = prf_evq_realloc(q->sorted, cap * sizeof *a);
    if (!a)
        return -1;
    q->sorted = a;
    struct prf_ev *t = prf_evq_realloc(q->scratch, cap * sizeof *t);
    if (!t)
        return -1;
    q->scratch = t;
    q->sorted_cap = cap;
    return 0;
}

/* Take the current bucket's chain of chunks into the sorted array, in one walk. */
static int load_bucket(struct prf_evq *q)
{
    struct prf_bucket *k = &q->ring[q->cur];
    size_t n = 0;
    for (uint32_t c = k->head; c != PRF_NIL;) {
        struct prf_chunk *ch = &q->chunks[c];
        uint32_t len = c == k->tail ? k->tail_len : PRF_CHUNK_EVENTS;
        if (reserve_sorted(q, n + len))
            return -1;
        memcpy(q->sorted + n, ch->ev, len * sizeof *ch->ev);
        n += len;
        uint32_t next = ch->next;
        ch->next = q->free_chunk;
        q->free_chunk = c;
        c = next;
    }
    k->head = k->tail = PRF_NIL;
    k->tail_len = 0;
    q->nonempty[q->cur >> 6] &= ~(1ull << (q->cur & 63));
    sort_bucket(q->sorted, q->scratch, n, q->base);
    q->pos = 0;
    q->sorted_len = n;
    return 0;
}

/* Make the current bucket hold the earliest events. */
static int advance(struct prf_evq *q)
{
    while (q->pos == q->sorted_len && q->late.len == 0 && q->len > 0) {
        uint32_t d = next_nonempty(q);
        if (d == 0) {
            /* Nothing in the ring: jump to the far heap's first event. */
            int64_t t = q->far.h[0].t;
            int64_t steps = (t - q->base) >> BUCKET_SHIFT;
            q->base += steps << BUCKET_SHIFT;
            q->cur = (q->cur + (uint32_t)(steps & (RING - 1))) & (RING - 1);
        } else {
            q->base += (int64_t)d << BUCKET_SHIFT;
            q->cur = (q->cur + d) & (RING - 1);
        }
        /* The ring's far end moved: bring in what it now covers (the current bucket included). */
        while (q->far.len && q->far.h[0].t - q->base < HORIZON) {
            struct prf_ev ev = q->far.h[0];
            heap_pop(&q->far, 4);
            if (place(q, &ev))
                return -1;
        }
        if (load_bucket(q))
            return -1;
    }
    return 0;
}

/* The earliest event: the sorted bucket's next, or the late heap's top. */
static const struct prf_ev *front(const struct prf_evq *q, bool *from_late)
{
    bool late = q->late.len && (q->pos == q->sorted_len || before(&q->late.h[0], &q->sorted[q->pos]));
    *from_late = late;
    return late ? &q->late.h[0] : &q->sorted[q->pos];
}

int prf_evq_reinsert(struct prf_evq *q, const struct prf_ev *ev)
{
    if (ev->t < q->base) {
        /* Before the current bucket (it was popped from there): it goes to the late heap. */
        if (heap_push(&q->late, ev, 2))
            return -1;
    } else if (place(q, ev)) {
        return -1;
    }
    q->len++;
    return 0;
}

int prf_evq_peek(struct prf_evq *q, const struct prf_ev **out)
{
    if (q->len == 0)
        return PRF_EVQ_EMPTY;
    if (advance(q))
        return PRF_EVQ_NOMEM;
    bool late;
    *out = front(q, &late);
    return PRF_EVQ_OK;
}

int prf_evq_pop(struct prf_evq *q, struct prf_ev *out)
{
    if (q->len == 0)
        return PRF_EVQ_EMPTY;
    if (advance(q))
        return PRF_EVQ_NOMEM;
    bool late;
    *out = *front(q, &late);
    if (late)
        heap_pop(&q->late, 2);
    else
        q->pos++;
    q->len--;
    return PRF_EVQ_OK;
}

/* ---- the lookahead window ---- */

int prf_lookahead_fill(struct prf_lookahead *la, struct prf_evq *q, const struct prf_ev *bound,
                       void (*hint)(void *ctx, const struct prf_ev *ev), void *ctx)
{
    while (la->n < PRF_LOOKAHEAD) {
        const struct prf_ev *top;
        int rc = prf_evq_peek(q, &top);
        if (rc == PRF_EVQ_EMPTY || (rc == PRF_EVQ_OK && !before(top, bound)))
            return PRF_EVQ_OK;
        if (rc != PRF_EVQ_OK)
            return rc;
        prf_evq_pop(q, &la->ev[la->n]); /* cannot fail: peek just made the event the front */
        if (hint)
            hint(ctx, &la->ev[la->n]);
        la->n++;
    }
    return PRF_EVQ_OK;
}

bool prf_lookahead_take(struct prf_lookahead *la, struct prf_ev *out)
{
    if (la->n == 0)
        return false;
    *out = la->ev[0];
    la->n--;
    for (int k = 0; k < la->n; k++)
        la->ev[k] = la->ev[k + 1];
    return true;
}

int prf_lookahead_settle(struct prf_lookahead *la, struct prf_evq *q)
{
    while (la->n) {
        const struct prf_ev *top;
        int rc = prf_evq_peek(q, &top);
        if (rc == PRF_EVQ_EMPTY)
            return PRF_EVQ_OK;
        if (rc != PRF_EVQ_OK)
            return rc;
        if (!prf_ev_before(top, &la->ev[la->n - 1]))
            return PRF_EVQ_OK;
        if (prf_evq_reinsert(q, &la->ev[la->n - 1]))
            return PRF_EVQ_NOMEM;
        la->n--;
    }
    return PRF_EVQ_OK;
}
