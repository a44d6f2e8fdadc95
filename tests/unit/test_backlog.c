/* backlog.c: the best and the worst of a backlog are what a full scan would pick, through any mix of
 * pushes and both pops (checked against a plain array over many random operations, with repeated fee
 * rates and arrival times so that the later tie-breaks decide); ties are broken by id. */
#include "test.h"

#include "defence/backlog.h"

static uint64_t rnd_state = 88172645463325252ull;
static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

/* the reference: index of the best / the worst in a plain array by a full scan */
static size_t scan(const struct pr_held *a, size_t n, bool best)
{
    size_t k = 0;
    for (size_t i = 1; i < n; i++)
        if (best ? pr_held_before(&a[i], &a[k]) : pr_held_before(&a[k], &a[i]))
            k = i;
    return k;
}

TEST(matches_a_full_scan)
{
    enum { MAXN = 3000 };
    static struct pr_held ref[MAXN];
    size_t n = 0;
    struct pr_backlog q = {0};
    uint64_t next_id = 1;
    for (int op = 0; op < 200000; op++) {
        uint64_t r = rnd() % 10;
        bool grow = n < 5 || (n < MAXN && r < (uint64_t)(5 + (op / 20000) % 2)); /* sizes wander from 0 to thousands */
        if (grow) {
            struct pr_held x = {.id = (next_id++ * 2654435761u) % 1000003, .fee = (float)(rnd() % 4),
                                .arrival_ns = (int64_t)(rnd() % 8)};
            ASSERT_TRUE(pr_backlog_push(&q, &x));
            ref[n++] = x;
        } else {
            bool best = rnd() % 2;
            size_t k = scan(ref, n, best);
            const struct pr_held *peek = best ? pr_backlog_best(&q) : pr_backlog_worst(&q);
            ASSERT_U64(peek->id, ref[k].id);
            struct pr_held got = best ? pr_backlog_pop_best(&q) : pr_backlog_pop_worst(&q);
            ASSERT_U64(got.id, ref[k].id);
            ref[k] = ref[--n];
        }
        ASSERT_EQ(q.len, n);
    }
    while (n) { /* drain from the best: non-increasing order */
        size_t k = scan(ref, n, true);
        ASSERT_U64(pr_backlog_pop_best(&q).id, ref[k].id);
        ref[k] = ref[--n];
    }
    pr_backlog_free(&q);
}

TEST(order_is_fee_then_age_then_id)
{
    struct pr_held a = {.id = 5, .fee = 2, .arrival_ns = 10}, b = {.id = 1, .fee = 1, .arrival_ns = 0};
    ASSERT_TRUE(pr_held_before(&a, &b)); /* a higher fee rate first, however new */
    b.fee = 2;
    ASSERT_TRUE(pr_held_before(&b, &a)); /* then the older */
    b.arrival_ns = 10;
    ASSERT_TRUE(pr_held_before(&b, &a)); /* then the smaller id */
    ASSERT_TRUE(!pr_held_before(&a, &a));
    struct pr_backlog q = {0};
    ASSERT_TRUE(pr_backlog_push(&q, &a));
    ASSERT_U64(pr_backlog_best(&q)->id, 5); /* one: best and worst are the same */
    ASSERT_U64(pr_backlog_worst(&q)->id, 5);
    ASSERT_TRUE(pr_backlog_push(&q, &b));
    ASSERT_U64(pr_backlog_best(&q)->id, 1);
    ASSERT_U64(pr_backlog_worst(&q)->id, 5);
    ASSERT_U64(pr_backlog_pop_worst(&q).id, 5);
    ASSERT_U64(pr_backlog_pop_best(&q).id, 1);
    ASSERT_EQ(q.len, 0);
    pr_backlog_free(&q);
}

TESTS(matches_a_full_scan, order_is_fee_then_age_then_id)
