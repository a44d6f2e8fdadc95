/* The flow model's event queue: events come out in exact (time, key) order. The key is the caller's
 * (flow.c: the node the event is for, then that node's own count of events scheduled), so events at
 * the same instant leave in an order set by the simulation alone, whichever queue or thread they were
 * scheduled from (docs/protocol.md#flow-order). Keys must be unique.
 *
 * A calendar queue: a ring of buckets of 2^BUCKET_SHIFT ns (262 us) covering the next ~2 s (where almost every
 * event of a network simulation falls: latencies, serialisation, short timers), and a 4-ary heap for
 * events beyond the ring (long timers), moved into the ring as time reaches them. Pushing into a future
 * bucket is an append. When time reaches a bucket its events are sorted at once (a radix sort on their
 * offset in the bucket) and then taken in order; the few scheduled into the current bucket after that
 * wait in a small binary heap beside it. A bitmap of non-empty buckets skips idle stretches. */
#ifndef POWRELAY_FLOW_EVQ_H
#define POWRELAY_FLOW_EVQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct prf_ev {
    int64_t t;
    uint64_t seq;  /* the key (62 bits) and type (2 bits): compared as one */
    uint32_t idx;
    uint32_t node; /* the node it concerns, so the loop can prefetch its state */
};

static inline uint32_t prf_ev_type(const struct prf_ev *e) { return (uint32_t)(e->seq & 3u); }

/* A bucket is a chain of chunks from a shared pool, so the queue's memory follows what it holds now,
 * not the largest burst each bucket ever saw. */
#define PRF_CHUNK_EVENTS 31
struct prf_chunk {
    struct prf_ev ev[PRF_CHUNK_EVENTS]; /* full, except the tail chunk of a bucket */
    uint32_t next;
};

struct prf_bucket {
    uint32_t head, tail; /* chunk indices, PRF_NIL when empty */
    uint32_t tail_len;   /* events in the tail chunk: kept here, so appending reads no cold chunk */
};

#define PRF_NIL UINT32_MAX

struct prf_heap {
    struct prf_ev *h;
    size_t len, cap;
};

struct prf_evq {
    int64_t base;         /* start of the current bucket */
    uint32_t cur;         /* its index in the ring */
    struct prf_bucket *ring;
    uint64_t *nonempty;   /* one bit per ring bucket */
    struct prf_chunk *chunks;
    uint32_t n_chunks, cap_chunks, free_chunk;
    struct prf_ev *sorted; /* the current bucket's events in order; sorted[pos..sorted_len) still to come */
    struct prf_ev *scratch; /* the sort's second buffer */
    size_t pos, sorted_len, sorted_cap;
    struct prf_heap late; /* events for the current bucket scheduled after it was sorted, and put-backs */
    struct prf_heap far;  /* beyond the ring (4-ary heap) */
    size_t len;
};

/* Every allocation of the queue goes through this (realloc by default): tests make it fail. */
extern void *(*prf_evq_realloc)(void *, size_t);

/* What peek and pop return. Reaching the next event may have to load a bucket, which allocates: an
 * empty queue and a queue that could not go on are different answers (the run ends, or fails). After
 * PRF_EVQ_NOMEM the queue may only be freed. */
enum { PRF_EVQ_OK = 0, PRF_EVQ_EMPTY = 1, PRF_EVQ_NOMEM = -1 };

int prf_evq_init(struct prf_evq *q);
void prf_evq_free(struct prf_evq *q);
#define PRF_KEY_MAX ((UINT64_C(1) << 62) - 1)
/* t must not be earlier than the last event popped; key <= PRF_KEY_MAX, unique among the queue's events.
 * 0, or -1 when out of memory. */
int prf_evq_push(struct prf_evq *q, int64_t t, uint64_t key, uint32_t type, uint32_t idx, uint32_t node);
/* The next event without removing it (*out, valid until the next call on the queue). */
int prf_evq_peek(struct prf_evq *q, const struct prf_ev **out);
int prf_evq_pop(struct prf_evq *q, struct prf_ev *out);
/* Put back an event popped ahead of time, with its original sequence number (so the order stays
 * exact): the loop's lookahead does this when a newly scheduled event must come first. */
int prf_evq_reinsert(struct prf_evq *q, const struct prf_ev *ev);
/* True when a comes before b. */
static inline bool prf_ev_before(const struct prf_ev *a, const struct prf_ev *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

/* A window of events popped ahead of handling, so that the state each needs can be fetched from
 * memory while earlier ones are handled. Order stays exact: after an event is handled, settle() sends
 * back to the queue every window event that a newly scheduled one must precede. */
#define PRF_LOOKAHEAD 3
struct prf_lookahead {
    struct prf_ev ev[PRF_LOOKAHEAD];
    int n;
};
/* Pop events that come before `bound` (compared as prf_ev_before) into the window until it is full,
 * calling hint (if any) on each as it enters. PRF_EVQ_OK or PRF_EVQ_NOMEM. */
int prf_lookahead_fill(struct prf_lookahead *la, struct prf_evq *q, const struct prf_ev *bound,
                       void (*hint)(void *ctx, const struct prf_ev *ev), void *ctx);
/* The window's first event, taken out; false when the window is empty. */
bool prf_lookahead_take(struct prf_lookahead *la, struct prf_ev *out);
/* After handling an event: put back the window's events that something now queued must precede.
 * PRF_EVQ_OK or PRF_EVQ_NOMEM. */
int prf_lookahead_settle(struct prf_lookahead *la, struct prf_evq *q);

#endif
