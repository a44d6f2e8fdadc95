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
    struct pr_block_made made;
    size_t k = pr_mempool_select(&m, &t, &(struct pr_block_rules){.max_bytes = 3000, .reward = 7}, out, 8, &made);
    ASSERT_EQ(k, 3);
    ASSERT_U64(t.cold[out[0]].id, 3);
    ASSERT_U64(t.cold[out[1]].id, 2);
    ASSERT_U64(t.cold[out[2]].id, 5);
    ASSERT_U64(made.weight, 2500);
    ASSERT_U64(made.zone, 3000);
    ASSERT_EQ(made.txs, 3);
    ASSERT_NEAR(made.fees, 80 * 1000 + 80 * 1000 + 40 * 500, 1e-9);
    ASSERT_NEAR(made.reward, 7, 0); /* simple: no penalty */
    k = pr_mempool_select(&m, &t, &(struct pr_block_rules){.max_bytes = 100000}, out, 8, &made);
    ASSERT_EQ(k, 5);
    ASSERT_U64(t.cold[out[2]].id, 4);
    ASSERT_U64(t.cold[out[4]].id, 1);
    pr_mempool_free(&m);
    pr_txtable_free(&t);
}

TEST(monero_reward_penalty_by_hand)
{
    /* base 1000, zone 3000: full reward up to the zone, 1000 (6000 - w) w / 9e6 above, none past 2 zones */
    ASSERT_NEAR(pr_block_reward(1000, 3000, 0), 1000, 0);
    ASSERT_NEAR(pr_block_reward(1000, 3000, 3000), 1000, 0);
    ASSERT_NEAR(pr_block_reward(1000, 3000, 3001), 1000 * (2999.0 * 3001 / 9e6), 1e-9);
    ASSERT_NEAR(pr_block_reward(1000, 3000, 4500), 750, 1e-9);
    ASSERT_NEAR(pr_block_reward(1000, 3000, 6000), 0, 1e-9);
    ASSERT_NEAR(pr_block_reward(1000, 3000, 6001), 0, 0);
}

/* Five 1000-byte transactions: A fee rate 1.0, E 0.5 (newest), C 0.3 (older than B), B 0.3, D 0.01. */
static void fill_five(struct pr_txtable *t, struct pr_mempool *m, bool with_e)
{
    add(t, m, 'A', 1.0f, 1, 1000);
    add(t, m, 'C', 0.3f, 2, 1000);
    add(t, m, 'B', 0.3f, 3, 1000);
    add(t, m, 'D', 0.01f, 4, 1000);
    if (with_e)
        add(t, m, 'E', 0.5f, 5, 1000);
}

TEST(monero_template_takes_a_transaction_only_when_its_fee_pays_the_penalty)
{
    struct pr_block_rules r = {.policy = PR_BLOCKS_MONERO, .max_bytes = 3000, .reward = 1000};
    uint32_t out[8];
    struct pr_block_made made;
    struct pr_txtable t;
    pr_txtable_init(&t, PR_S(600));
    struct pr_mempool m = {0};
    fill_five(&t, &m, false);
    /* A, C, B fill the zone (income 1000 + 1600); D would make it 888.9 + 1610 < 2600: left out */
    size_t k = pr_mempool_select(&m, &t, &r, out, 8, &made);
    ASSERT_EQ(k, 3);
    ASSERT_U64(t.cold[out[0]].id, 'A');
    ASSERT_U64(t.cold[out[1]].id, 'C');
    ASSERT_U64(t.cold[out[2]].id, 'B');
    ASSERT_U64(made.weight, 3000);
    ASSERT_NEAR(made.fees, 1600, 1e-3);
    ASSERT_NEAR(made.reward, 1000, 0);
    pr_mempool_free(&m);
    pr_txtable_free(&t);

    /* with E: A, E, C fill the zone (2800); B at 4000 bytes gives 888.9 + 2100 = 2988.9: taken, over the
     * zone; D at 5000 gives 555.6 + 2110 < 2988.9: left out */
    pr_txtable_init(&t, PR_S(600));
    m = (struct pr_mempool){0};
    fill_five(&t, &m, true);
    k = pr_mempool_select(&m, &t, &r, out, 8, &made);
    ASSERT_EQ(k, 4);
    ASSERT_U64(t.cold[out[1]].id, 'E');
    ASSERT_U64(t.cold[out[3]].id, 'B');
    ASSERT_U64(made.weight, 4000);
    ASSERT_U64(made.zone, 3000);
    ASSERT_NEAR(made.reward, 1000.0 * 8 / 9, 1e-6);
    ASSERT_NEAR(made.fees, 2100, 1e-3);

    /* a median above the minimum widens the zone: all five, no penalty */
    r.median_weight = 5000;
    k = pr_mempool_select(&m, &t, &r, out, 8, &made);
    ASSERT_EQ(k, 5);
    ASSERT_U64(made.zone, 5000);
    ASSERT_NEAR(made.reward, 1000, 0);
    /* a median below the minimum does not shrink it */
    r.median_weight = 1000;
    pr_mempool_select(&m, &t, &r, out, 8, &made);
    ASSERT_U64(made.zone, 3000);
    pr_mempool_free(&m);
    pr_txtable_free(&t);
}

TEST(monero_template_limit_is_twice_the_zone_less_the_reserve)
{
    struct pr_block_rules r = {.policy = PR_BLOCKS_MONERO, .max_bytes = 3000, .reward = 1000, .reserved = 600};
    uint32_t out[4];
    struct pr_block_made made;
    struct pr_txtable t;
    pr_txtable_init(&t, PR_S(600));
    struct pr_mempool m = {0};
    add(&t, &m, 1, 1e6f, 1, 5401); /* one byte past 2 x 3000 - 600: never, whatever its fee */
    add(&t, &m, 2, 1e5f, 2, 5400); /* exactly at the limit: its fee pays the penalty */
    size_t k = pr_mempool_select(&m, &t, &r, out, 4, &made);
    ASSERT_EQ(k, 1);
    ASSERT_U64(t.cold[out[0]].id, 2);
    ASSERT_NEAR(made.reward, 1000 * (600.0 * 5400 / 9e6), 1e-6);
    r.reserved = 0; /* now the bigger one fits */
    k = pr_mempool_select(&m, &t, &r, out, 4, &made);
    ASSERT_EQ(k, 1);
    ASSERT_U64(t.cold[out[0]].id, 1);
    pr_mempool_free(&m);
    pr_txtable_free(&t);
}

TESTS(eviction_order_lowest_fee_then_newest, remove_from_middle_keeps_heap, block_template_fee_then_age_within_limit,
      monero_reward_penalty_by_hand, monero_template_takes_a_transaction_only_when_its_fee_pays_the_penalty,
      monero_template_limit_is_twice_the_zone_less_the_reserve)
