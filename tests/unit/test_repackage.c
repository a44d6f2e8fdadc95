/* repackage.c: p = 100% at rp = 1, max(0, 100 - rp^2)% after; rp reset after a gap over the window;
 * the always and never policies; the draw follows the percentage. */
#include "test.h"

#include "repackage.h"

TEST(quadratic_sequence)
{
    const uint32_t want[] = {100, 96, 91, 84, 75, 64, 51, 36, 19, 0, 0, 0};
    for (uint32_t rp = 1; rp <= 12; rp++)
        ASSERT_EQ(pr_repackage_percent(PR_REPACKAGE_QUADRATIC, rp), want[rp - 1]);
    ASSERT_EQ(pr_repackage_percent(PR_REPACKAGE_QUADRATIC, 1000000), 0);
}

TEST(always_and_never)
{
    for (uint32_t rp = 1; rp < 50; rp++) {
        ASSERT_EQ(pr_repackage_percent(PR_REPACKAGE_ALWAYS, rp), 100);
        ASSERT_EQ(pr_repackage_percent(PR_REPACKAGE_NEVER, rp), 0);
    }
}

TEST(rp_counts_within_window_and_resets_after_gap)
{
    struct pr_rp_counter c = {0};
    int64_t w = PR_S(240);
    /* ten needs 100 s apart: each within the window of the previous one */
    for (uint32_t i = 1; i <= 10; i++)
        ASSERT_EQ(pr_rp_note(&c, PR_S(100) * i, w), i);
    ASSERT_EQ(pr_repackage_percent(PR_REPACKAGE_QUADRATIC, c.rp), 0);
    /* exactly the window later still counts */
    ASSERT_EQ(pr_rp_note(&c, PR_S(1000) + w, w), 11);
    /* a gap longer than the window starts again at 1 (p = 100%) */
    ASSERT_EQ(pr_rp_note(&c, PR_S(1000) + 2 * w + 1, w), 1);
    ASSERT_EQ(pr_repackage_percent(PR_REPACKAGE_QUADRATIC, c.rp), 100);
}

TEST(draw_follows_percentage)
{
    struct pr_rng r;
    pr_rng_seed(&r, 7, 0);
    int yes = 0, n = 100000;
    for (int i = 0; i < n; i++)
        yes += pr_repackage_draw(84, &r);
    /* binomial sd = sqrt(n p q) ~ 116: 5 sd */
    ASSERT_NEAR(yes, 0.84 * n, 600);
    /* 0 and 100 take no draw */
    struct pr_rng before = r;
    ASSERT_TRUE(pr_repackage_draw(100, &r));
    ASSERT_TRUE(!pr_repackage_draw(0, &r));
    ASSERT_U64(before.s[0], r.s[0]);
}

TESTS(quadratic_sequence, always_and_never, rp_counts_within_window_and_resets_after_gap, draw_follows_percentage)
