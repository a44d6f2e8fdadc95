/* difficulty.c: rate window, escalation (once per window, exact square), hold, relaxation by square
 * roots back to base and never below, cap, the multiply policy. */
#include "test.h"

#include "difficulty.h"
#include "powrelay/error.h"
#include "powrelay/rng.h"

#define S PR_S

static struct pr_config defaults(void)
{
    struct pr_config c;
    pr_config_default(&c);
    return c;
}

/* Feed n transactions evenly over [t0, t0 + span); returns the number of escalations. */
static int feed(struct pr_link_req *l, const struct pr_config *c, int n, int64_t t0, int64_t span)
{
    int esc = 0, err;
    for (int i = 0; i < n; i++)
        esc += pr_difficulty_on_tx(l, c, t0 + span * i / n, &err);
    return esc;
}

TEST(rate_window_counts_last_window_only)
{
    struct pr_rate_window w = {0};
    for (int i = 0; i < 30; i++)
        pr_rate_add(&w, S(i), UINT32_MAX);
    /* (29 - 10, 29]: transactions at 20..29 */
    ASSERT_EQ(pr_rate_count(&w, S(29), S(10)), 10);
    /* at t = 30 the one at 20 leaves */
    ASSERT_EQ(pr_rate_count(&w, S(30), S(10)), 9);
    ASSERT_EQ(pr_rate_count(&w, S(100), S(10)), 0);
    pr_rate_window_free(&w);
}

/* The time the oldest of the window's first `k` times leaves it. */
static int64_t leaves_at(const struct pr_rate_window *w, uint32_t k, int64_t window_ns)
{
    return w->ts[(w->head + k - 1) % w->cap] + window_ns;
}

/* A window holding only limit + 1 times answers every question the rules ask exactly as one holding
 * all: whether the count is over the limit, and (when it is) when it falls back to the limit. */
TEST(rate_window_bounded_to_limit_plus_one_decides_as_unbounded)
{
    const uint32_t limit = 20;
    const int64_t window = S(10);
    struct pr_rate_window all = {0}, kept = {0};
    struct pr_rng rng;
    pr_rng_seed(&rng, 7, 0);
    int64_t t = 0;
    for (int i = 0; i < 20000; i++) {
        /* bursts (up to 50 tx/s), quiet spells and everything between */
        double mean_gap = (i / 500) % 3 == 0 ? 0.02 : (i / 500) % 3 == 1 ? 0.4 : 2.0;
        t += (int64_t)(pr_rng_uniform(&rng) * 2 * mean_gap * 1e9) + 1;
        ASSERT_EQ(pr_rate_add(&all, t, UINT32_MAX), PR_OK);
        ASSERT_EQ(pr_rate_add(&kept, t, limit + 1), PR_OK);
        int64_t q = t + (int64_t)(pr_rng_uniform(&rng) * 3e9); /* a check some time later */
        uint32_t n_all = pr_rate_count(&all, q, window), n_kept = pr_rate_count(&kept, q, window);
        ASSERT_EQ(n_kept, n_all < limit + 1 ? n_all : limit + 1);
        if (n_all > limit)
            ASSERT_EQ(leaves_at(&kept, n_kept - limit, window), leaves_at(&all, n_all - limit, window));
    }
    ASSERT_TRUE(kept.cap <= limit + 1);
    ASSERT_TRUE(all.cap > 4 * (limit + 1)); /* the bursts did hold many more in the window */
    pr_rate_window_free(&all);
    pr_rate_window_free(&kept);
}

TEST(limit_count_is_floor_of_y_times_window)
{
    struct pr_config c = defaults();
    ASSERT_EQ(pr_rate_limit_count(&c), 20);
    c.rate_limit = 0.29;
    c.window_ns = S(100);
    ASSERT_EQ(pr_rate_limit_count(&c), 29);
    c.rate_limit = 2.5;
    c.window_ns = S(1);
    ASSERT_EQ(pr_rate_limit_count(&c), 2);
}

TEST(no_escalation_at_the_limit)
{
    struct pr_config c = defaults();
    struct pr_link_req l;
    pr_link_req_init(&l, &c);
    /* 20 in 10 s is exactly 2 tx/s: at, not above, the limit */
    ASSERT_EQ(feed(&l, &c, 20, 0, S(5)), 0);
    ASSERT_DBL(l.req, 2500);
    pr_link_req_free(&l);
}

TEST(escalation_squares_exactly)
{
    struct pr_config c = defaults();
    struct pr_link_req l;
    pr_link_req_init(&l, &c);
    ASSERT_EQ(feed(&l, &c, 21, 0, S(5)), 1);
    ASSERT_DBL(l.req, 6250000.0);
    ASSERT_DBL(l.req_max, 6250000.0);
    ASSERT_EQ(l.hold_until_ns, S(5) * 20 / 21 + c.hold_ns);
    pr_link_req_free(&l);
}

TEST(escalation_at_most_once_per_window)
{
    struct pr_config c = defaults();
    struct pr_link_req l;
    pr_link_req_init(&l, &c);
    /* 100 tx/s for 9.9 s: one escalation only */
    ASSERT_EQ(feed(&l, &c, 990, 0, S(9.9)), 1);
    ASSERT_DBL(l.req, 2500.0 * 2500.0);
    int64_t first = l.last_escalation_ns;
    /* still flooding a window later: the second escalation (capped at difficulty.max) */
    ASSERT_EQ(feed(&l, &c, 100, S(9.9), S(1)), 1);
    ASSERT_TRUE(l.last_escalation_ns - first >= c.window_ns);
    ASSERT_DBL(l.req, 1e12); /* 2500^4 = 3.9e13 > cap */
    /* at the cap nothing more happens */
    ASSERT_EQ(feed(&l, &c, 2000, S(11), S(20)), 0);
    ASSERT_DBL(l.req, 1e12);
    pr_link_req_free(&l);
}

TEST(hold_keeps_the_requirement)
{
    struct pr_config c = defaults();
    struct pr_link_req l;
    pr_link_req_init(&l, &c);
    feed(&l, &c, 21, 0, S(1));
    int64_t hold = l.hold_until_ns;
    bool changed;
    /* before the hold ends: no change, check again at the end of the hold */
    ASSERT_EQ(pr_difficulty_on_check(&l, &c, hold - 1, &changed), hold);
    ASSERT_TRUE(!changed);
    ASSERT_DBL(l.req, 6250000.0);
    /* at the end (rate long back to 0): one step down, a new hold */
    ASSERT_EQ(pr_difficulty_on_check(&l, &c, hold, &changed), -1);
    ASSERT_TRUE(changed);
    ASSERT_DBL(l.req, 2500.0);
    pr_link_req_free(&l);
}

TEST(relaxation_walks_back_by_square_roots_to_base_never_below)
{
    struct pr_config c = defaults();
    struct pr_link_req l;
    pr_link_req_init(&l, &c);
    feed(&l, &c, 21, 0, S(1));
    feed(&l, &c, 21, S(11), S(1)); /* second escalation: cap */
    ASSERT_DBL(l.req, 1e12);
    bool changed;
    int64_t t = l.hold_until_ns;
    double expect[] = {1e6, 2500}; /* sqrt(1e12) = 1e6, sqrt(1e6) = 1000 < base -> base */
    for (int i = 0; i < 2; i++) {
        int64_t next = pr_difficulty_on_check(&l, &c, t, &changed);
        ASSERT_TRUE(changed);
        ASSERT_DBL(l.req, expect[i]);
        if (i == 0)
            ASSERT_EQ(next, t + c.hold_ns); /* one step per T */
        else
            ASSERT_EQ(next, -1);
        t = t + c.hold_ns;
    }
    /* at base: nothing to relax */
    ASSERT_EQ(pr_difficulty_on_check(&l, &c, t + S(1000), &changed), -1);
    ASSERT_TRUE(!changed);
    ASSERT_DBL(l.req, 2500);
    pr_link_req_free(&l);
}

TEST(relaxation_waits_while_rate_is_high)
{
    struct pr_config c = defaults();
    c.difficulty_max = 6250000; /* the first escalation reaches the cap, so the flood cannot escalate again */
    struct pr_link_req l;
    pr_link_req_init(&l, &c);
    feed(&l, &c, 21, 0, S(1));
    int64_t hold = l.hold_until_ns; /* ~61 s */
    /* 3 tx/s from 52 s to 61 s: 27 in the window when the hold ends */
    feed(&l, &c, 27, S(52), S(9));
    ASSERT_DBL(l.req, 6250000.0);
    bool changed;
    int64_t next = pr_difficulty_on_check(&l, &c, hold, &changed);
    ASSERT_TRUE(!changed);
    ASSERT_TRUE(next > hold);
    /* at `next` exactly enough have left: 20 remain, the relaxation happens */
    ASSERT_EQ(pr_rate_count(&l.rate, next - 1, c.window_ns), 21);
    pr_difficulty_on_check(&l, &c, next, &changed);
    ASSERT_TRUE(changed);
    ASSERT_DBL(l.req, 2500);
    pr_link_req_free(&l);
}

TEST(multiply_policy)
{
    struct pr_config c = defaults();
    c.difficulty_policy = PR_DIFFICULTY_MULTIPLY;
    c.exponent = 4;
    ASSERT_DBL(pr_difficulty_raise(&c, 2500), 10000);
    ASSERT_DBL(pr_difficulty_relax(&c, 10000), 2500);
    ASSERT_DBL(pr_difficulty_relax(&c, 5000), 2500); /* floored at base */
    c.difficulty_max = 20000;
    ASSERT_DBL(pr_difficulty_raise(&c, 10000), 20000); /* capped */
}

TEST(other_exponent_relaxes_back_to_base_exactly)
{
    struct pr_config c = defaults();
    c.exponent = 3;
    double up = pr_difficulty_raise(&c, 2500);
    ASSERT_NEAR(up, 1.5625e10, 1);
    ASSERT_DBL(pr_difficulty_relax(&c, up), 2500);
}

TESTS(rate_window_counts_last_window_only, rate_window_bounded_to_limit_plus_one_decides_as_unbounded,
      limit_count_is_floor_of_y_times_window, no_escalation_at_the_limit,
      escalation_squares_exactly, escalation_at_most_once_per_window, hold_keeps_the_requirement,
      relaxation_walks_back_by_square_roots_to_base_never_below, relaxation_waits_while_rate_is_high,
      multiply_policy, other_exponent_relaxes_back_to_base_exactly)
