/* shim/flow/evq: the flow model's event queue hands out events in exact (time, key) order,
 * whatever the mix: ties at one instant, events in the bucket being drained, in later buckets, beyond
 * the ring (the far heap), after idle stretches, and events popped ahead into the lookahead window
 * (the one flow_run uses) and put back. Keys are drawn unrelated to the push order, so ties are decided
 * by key alone. Checked against a plain reference (the smallest pending (time, key) by linear search)
 * over long random runs. A queue that cannot allocate says so: it is never
 * taken for an empty one. */
#include "test.h"

#include <stdlib.h>

#include "evq.h"
#include "powrelay/rng.h"

#define NS_PER_BUCKET (1LL << 18)

struct pending {
    int64_t t;
    uint64_t order; /* the event's key */
    uint32_t idx;
};

struct ref {
    struct pending *p;
    size_t n;
};

static void ref_add(struct ref *r, int64_t t, uint64_t order, uint32_t idx)
{
    r->p[r->n++] = (struct pending){t, order, idx};
}

/* Remove and return the earliest pending event. */
static struct pending ref_take(struct ref *r)
{
    size_t best = 0;
    for (size_t i = 1; i < r->n; i++)
        if (r->p[i].t < r->p[best].t || (r->p[i].t == r->p[best].t && r->p[i].order < r->p[best].order))
            best = i;
    struct pending e = r->p[best];
    r->p[best] = r->p[--r->n];
    return e;
}

/* A delay drawn from a mix that reaches every part of the queue. */
static int64_t draw_delay(struct pr_rng *g)
{
    switch (pr_rng_below(g, 8)) {
    case 0:
        return 0;                                            /* the same instant: ties */
    case 1:
        return (int64_t)pr_rng_below(g, NS_PER_BUCKET);      /* inside the current bucket, often */
    case 2:
        return (int64_t)pr_rng_below(g, 4) * NS_PER_BUCKET;  /* bucket boundaries exactly */
    case 3:
        return (int64_t)pr_rng_below(g, 3000000000ull);      /* the ring, and just past its end */
    case 4:
        return (int64_t)pr_rng_below(g, 60000000000ull);     /* far beyond the ring */
    default:
        return (int64_t)pr_rng_below(g, 400000000ull);       /* latencies: the common case */
    }
}

/* Drive the queue as flow_run does, through its lookahead window (or plain pops): handle the first event,
 * let it schedule new events, settle the window. Every handled event must be the reference's earliest. */
static const struct prf_ev END = {.t = INT64_MAX, .seq = UINT64_MAX};

/* n distinct keys in a random order (a shuffled 0..n-1, spread over the key's range). */
static uint64_t *shuffled_keys(struct pr_rng *g, size_t n)
{
    uint64_t *k = malloc(sizeof *k * n);
    for (size_t i = 0; k && i < n; i++)
        k[i] = (uint64_t)i << 20;
    for (size_t i = n; k && i > 1; i--) {
        size_t j = (size_t)pr_rng_below(g, i);
        uint64_t x = k[i - 1];
        k[i - 1] = k[j];
        k[j] = x;
    }
    return k;
}

static void run_mix(uint64_t seed, bool lookahead, int steps, int64_t idle_gap)
{
    struct pr_rng g;
    pr_rng_seed(&g, seed, 7);
    uint64_t *keys = shuffled_keys(&g, (size_t)steps * 4 + 64);
    ASSERT_TRUE(keys != NULL);
    struct prf_evq q;
    ASSERT_OK(prf_evq_init(&q));
    struct ref r = {calloc((size_t)steps * 4 + 64, sizeof(struct pending)), 0};
    ASSERT_TRUE(r.p != NULL);
    uint64_t order = 0;
    uint32_t next_idx = 0;
    int64_t now = 0;
    for (int i = 0; i < 32; i++) {
        int64_t t = draw_delay(&g);
        ASSERT_OK(prf_evq_push(&q, t, keys[order], 1, next_idx, 0));
        ref_add(&r, t, keys[order++], next_idx++);
    }
    struct prf_lookahead la = {.n = 0};
    int handled = 0;
    while (handled < steps) {
        struct prf_ev ev;
        if (lookahead) {
            ASSERT_EQ(prf_lookahead_fill(&la, &q, &END, NULL, NULL), PRF_EVQ_OK);
            if (!prf_lookahead_take(&la, &ev))
                break;
        } else if (prf_evq_pop(&q, &ev) != PRF_EVQ_OK) {
            break;
        }
        struct pending want = ref_take(&r);
        if (ev.t != want.t || ev.idx != want.idx)
            FAIL_AT("event %d: got (t %" PRId64 ", idx %u), expected (t %" PRId64 ", idx %u)", handled, ev.t,
                    ev.idx, want.t, want.idx);
        ASSERT_TRUE(ev.t >= now);
        now = ev.t;
        handled++;
        /* Schedule 0-3 new events, sometimes after an idle stretch. */
        int fanout = (int)pr_rng_below(&g, r.n < 64 ? 4 : 3);
        for (int k = 0; k < fanout; k++) {
            int64_t t = now + draw_delay(&g) + (pr_rng_below(&g, 50) == 0 ? idle_gap : 0);
            ASSERT_OK(prf_evq_push(&q, t, keys[order], 1 + (uint32_t)pr_rng_below(&g, 3), next_idx, 0));
            ref_add(&r, t, keys[order++], next_idx++);
        }
        if (lookahead)
            ASSERT_EQ(prf_lookahead_settle(&la, &q), PRF_EVQ_OK);
    }
    ASSERT_EQ(handled, steps);
    free(keys);
    free(r.p);
    prf_evq_free(&q);
}

TEST(pops_in_time_then_key_order)
{
    for (uint64_t seed = 1; seed <= 4 && !test_failed; seed++)
        run_mix(seed, false, 20000, 0);
}

TEST(lookahead_reinsert_keeps_exact_order)
{
    for (uint64_t seed = 11; seed <= 14 && !test_failed; seed++)
        run_mix(seed, true, 20000, 0);
}

TEST(idle_stretches_and_far_events)
{
    for (uint64_t seed = 21; seed <= 24 && !test_failed; seed++)
        run_mix(seed, true, 20000, 5000000000LL); /* jumps of 5 s: past the ring's 2.15 s */
}

TEST(many_events_in_one_bucket)
{
    /* A burst of thousands of events inside one bucket, in an order unrelated to their times, with ties:
     * the bucket's own ordering (not the ring's) decides. */
    struct prf_evq q;
    ASSERT_OK(prf_evq_init(&q));
    struct pr_rng g;
    pr_rng_seed(&g, 99, 7);
    enum { N = 5000 };
    static int64_t t_of[N];
    int64_t base = 10 * NS_PER_BUCKET;
    for (uint32_t i = 0; i < N; i++) {
        t_of[i] = base + (int64_t)pr_rng_below(&g, 300); /* many ties */
        ASSERT_OK(prf_evq_push(&q, t_of[i], i, 1, i, 0));
    }
    struct prf_ev ev, prev = {0};
    for (uint32_t k = 0; k < N; k++) {
        ASSERT_EQ(prf_evq_pop(&q, &ev), PRF_EVQ_OK);
        ASSERT_EQ(ev.t, t_of[ev.idx]);
        if (k > 0)
            ASSERT_TRUE(ev.t > prev.t || (ev.t == prev.t && ev.idx > prev.idx));
        prev = ev;
    }
    const struct prf_ev *top;
    ASSERT_EQ(prf_evq_pop(&q, &ev), PRF_EVQ_EMPTY);
    ASSERT_EQ(prf_evq_peek(&q, &top), PRF_EVQ_EMPTY);
    prf_evq_free(&q);
}

TEST(ties_leave_in_key_order_not_push_order)
{
    /* Thousands of events at a few instants of one bucket (the radix path) and a handful in another
     * (the insertion path), pushed with keys in reverse: each instant's events leave by key. */
    struct prf_evq q;
    ASSERT_OK(prf_evq_init(&q));
    enum { N = 3000, SMALL = 5 };
    int64_t base = 7 * NS_PER_BUCKET;
    for (uint32_t i = 0; i < N; i++)
        ASSERT_OK(prf_evq_push(&q, base + (int64_t)(i % 3), N - i, 1, i, 0));
    for (uint32_t i = 0; i < SMALL; i++)
        ASSERT_OK(prf_evq_push(&q, base + 3 * NS_PER_BUCKET, 100 - i, 2, N + i, 0));
    struct prf_ev ev, prev = {0};
    for (uint32_t k = 0; k < N + SMALL; k++) {
        ASSERT_EQ(prf_evq_pop(&q, &ev), PRF_EVQ_OK);
        if (k > 0)
            ASSERT_TRUE(ev.t > prev.t || (ev.t == prev.t && (ev.seq >> 2) > (prev.seq >> 2)));
        prev = ev;
    }
    ASSERT_EQ(ev.idx, N); /* the small bucket's largest key was pushed first */
    prf_evq_free(&q);
}

TEST(far_event_keeps_its_place_among_ties)
{
    /* An event scheduled beyond the ring waits in the far heap, and others are scheduled later for the
     * same instant, enough to fill its bucket past the insertion-sort size: it still comes first. */
    struct prf_evq q;
    ASSERT_OK(prf_evq_init(&q));
    const int64_t T = 3000000000LL; /* 3 s: beyond the ring's 2.15 s */
    ASSERT_OK(prf_evq_push(&q, T, 0, 1, 0, 0));
    ASSERT_OK(prf_evq_push(&q, 0, 1, 1, 1, 0));
    ASSERT_OK(prf_evq_push(&q, 1000000000LL, 2, 1, 2, 0));
    struct prf_ev ev;
    ASSERT_EQ(prf_evq_pop(&q, &ev), PRF_EVQ_OK);
    ASSERT_EQ(ev.idx, 1);
    ASSERT_EQ(prf_evq_pop(&q, &ev), PRF_EVQ_OK); /* now 1 s: T is within the ring */
    ASSERT_EQ(ev.idx, 2);
    for (uint32_t i = 3; i < 103; i++)
        ASSERT_OK(prf_evq_push(&q, T + (i % 2 ? 0 : (int64_t)i), i, 1, i, 0));
    ASSERT_EQ(prf_evq_pop(&q, &ev), PRF_EVQ_OK);
    ASSERT_EQ(ev.idx, 0);
    ASSERT_EQ(ev.t, T);
    uint32_t prev = 0;
    for (int k = 0; k < 50; k++) { /* then the odd ones, at T, in the order scheduled */
        ASSERT_EQ(prf_evq_pop(&q, &ev), PRF_EVQ_OK);
        ASSERT_EQ(ev.t, T);
        ASSERT_TRUE(ev.idx > prev);
        prev = ev.idx;
    }
    prf_evq_free(&q);
}

/* An allocator that fails from the n-th call on. */
static int alloc_budget = -1;
static void *failing_realloc(void *p, size_t n)
{
    if (alloc_budget == 0)
        return NULL;
    if (alloc_budget > 0)
        alloc_budget--;
    return realloc(p, n);
}

TEST(out_of_memory_is_not_an_empty_queue)
{
    /* Events in a later bucket: reaching them loads that bucket into the sorted array, which allocates.
     * With the allocator failing there, peek, pop and the lookahead each say NOMEM, not EMPTY (each on
     * a queue of its own: after NOMEM a queue may only be freed). */
    void *(*saved)(void *, size_t) = prf_evq_realloc;
    for (int which = 0; which < 3; which++) {
        struct prf_evq q;
        ASSERT_OK(prf_evq_init(&q));
        for (uint32_t i = 0; i < 50; i++)
            ASSERT_OK(prf_evq_push(&q, 5 * NS_PER_BUCKET + i, i, 1, i, 0));
        alloc_budget = 0;
        prf_evq_realloc = failing_realloc;
        const struct prf_ev *top;
        struct prf_ev ev;
        struct prf_lookahead la = {.n = 0};
        int rc = which == 0 ? prf_evq_peek(&q, &top)
                 : which == 1 ? prf_evq_pop(&q, &ev)
                              : prf_lookahead_fill(&la, &q, &END, NULL, NULL);
        prf_evq_realloc = saved;
        alloc_budget = -1;
        ASSERT_EQ(rc, PRF_EVQ_NOMEM);
        prf_evq_free(&q);
    }
}

TESTS(out_of_memory_is_not_an_empty_queue, pops_in_time_then_key_order, ties_leave_in_key_order_not_push_order, far_event_keeps_its_place_among_ties, lookahead_reinsert_keeps_exact_order, idle_stretches_and_far_events,
      many_events_in_one_bucket)
