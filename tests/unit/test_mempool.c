/* mempool.c: byte accounting, lowest-fee-first eviction (newest first among equals), block assembly by
 * fee rate then age under a size limit. */
#include "test.h"

#include "mempool.h"
#include "powrelay/config.h"
#include "powrelay/rng.h"
#include "powrelay/error.h"

static uint32_t add(struct pr_txtable *t, struct pr_mempool *m, uint64_t id, float fee, int64_t arrival,
                    uint32_t size)
{
    uint32_t s;
    if (pr_txtable_add(t, id, &s) != PR_OK)
        abort();
    t->hot[s].state = PR_TXS_POOL;
    t->hot[s].size = size;
    uint32_t c = t->hot[s].cold;
    struct pr_txcold *e = &t->cold[c];
    e->fee = fee;
    e->arrival_ns = arrival;
    pr_mempool_insert(m, t->cold, c, size);
    pr_mempool_note_peak(m);
    return c;
}

/* Take cold record c out of the pool, with its transaction's size (kept in its hot entry). */
static void take(struct pr_txtable *t, struct pr_mempool *m, uint32_t c)
{
    pr_mempool_remove(m, t->cold, c, t->hot[pr_txtable_find(t, t->cold[c].id)].size);
}

TEST(eviction_order_lowest_fee_then_newest)
{
    struct pr_txtable t;
    pr_txtable_init(&t, PR_S(600));
    struct pr_mempool m = {0};
    add(&t, &m, 1, 80, 10, 100);
    add(&t, &m, 2, 20, 11, 100);
    add(&t, &m, 3, 20, 12, 100);
    add(&t, &m, 4, 50, 13, 100);
    ASSERT_U64(m.bytes, 400);
    uint64_t order[4];
    for (int i = 0; i < 4; i++) {
        uint32_t w = pr_mempool_worst(&m);
        order[i] = t.cold[w].id;
        take(&t, &m, w);
    }
    ASSERT_U64(order[0], 3); /* fee 20, newest */
    ASSERT_U64(order[1], 2);
    ASSERT_U64(order[2], 4);
    ASSERT_U64(order[3], 1);
    ASSERT_U64(m.bytes, 0);
    ASSERT_U64(m.peak_bytes, 400);
    ASSERT_EQ(pr_mempool_worst(&m), PR_NO_SLOT);
    pr_mempool_free(&m);
    pr_txtable_free(&t);
}

TEST(remove_from_middle_keeps_heap)
{
    struct pr_txtable t;
    pr_txtable_init(&t, PR_S(600));
    struct pr_mempool m = {0};
    struct pr_rng r;
    pr_rng_seed(&r, 1, 0);
    uint32_t slots[200];
    for (int i = 0; i < 200; i++)
        slots[i] = add(&t, &m, (uint64_t)i + 1, (float)pr_rng_below(&r, 50), (int64_t)i, 10);
    for (int i = 0; i < 200; i += 3)
        take(&t, &m, slots[i]);
    float last = -1;
    int64_t last_arrival = INT64_MAX;
    while (m.len) {
        uint32_t w = pr_mempool_worst(&m);
        ASSERT_TRUE(t.cold[w].fee >= last);
        if (t.cold[w].fee == last)
            ASSERT_TRUE(t.cold[w].arrival_ns < last_arrival);
        last = t.cold[w].fee;
        last_arrival = t.cold[w].arrival_ns;
        take(&t, &m, w);
    }
    pr_mempool_free(&m);
    pr_txtable_free(&t);
}

TEST(block_template_fee_then_age_within_limit)
{
    struct pr_txtable t;
    pr_txtable_init(&t, PR_S(600));
    struct pr_mempool m = {0};
    add(&t, &m, 1, 20, 1, 1000); /* low fee, oldest */
    add(&t, &m, 2, 80, 5, 1000);
    add(&t, &m, 3, 80, 2, 1000); /* same fee, older: first */
    add(&t, &m, 4, 50, 3, 2500); /* does not fit after 2 and 3 ... */
    add(&t, &m, 5, 40, 4, 500);  /* ... but this one does */
    uint32_t out[8];
    size_t k = pr_mempool_select(&m, &t, 3000, out, 8);
    ASSERT_EQ(k, 3);
    ASSERT_U64(t.cold[out[0]].id, 3);
    ASSERT_U64(t.cold[out[1]].id, 2);
    ASSERT_U64(t.cold[out[2]].id, 5);
    k = pr_mempool_select(&m, &t, 100000, out, 8);
    ASSERT_EQ(k, 5);
    ASSERT_U64(t.cold[out[2]].id, 4);
    ASSERT_U64(t.cold[out[4]].id, 1);
    pr_mempool_free(&m);
    pr_txtable_free(&t);
}

TESTS(eviction_order_lowest_fee_then_newest, remove_from_middle_keeps_heap, block_template_fee_then_age_within_limit)
