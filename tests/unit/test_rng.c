/* rng.c: streams are reproducible and independent; ranges; unbiased below(); distribution means. */
#include "test.h"

#include "powrelay/rng.h"

TEST(same_seed_same_stream)
{
    struct pr_rng a, b, c;
    pr_rng_seed(&a, 42, 7);
    pr_rng_seed(&b, 42, 7);
    pr_rng_seed(&c, 42, 8);
    int same_c = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = pr_rng_next(&a);
        ASSERT_U64(x, pr_rng_next(&b));
        same_c += x == pr_rng_next(&c);
    }
    ASSERT_EQ(same_c, 0);
}

TEST(ranges_and_means)
{
    struct pr_rng r;
    pr_rng_seed(&r, 1, 0);
    int n = 200000;
    double su = 0, se = 0, sn = 0, sn2 = 0;
    int hist[10] = {0};
    for (int i = 0; i < n; i++) {
        double u = pr_rng_uniform(&r), p = pr_rng_uniform_pos(&r);
        ASSERT_TRUE(u >= 0 && u < 1);
        ASSERT_TRUE(p > 0 && p <= 1);
        su += u;
        se += pr_rng_exponential(&r, 3);
        double z = pr_rng_normal(&r);
        sn += z;
        sn2 += z * z;
        uint64_t k = pr_rng_below(&r, 10);
        ASSERT_TRUE(k < 10);
        hist[k]++;
    }
    ASSERT_NEAR(su / n, 0.5, 0.005);
    ASSERT_NEAR(se / n, 3, 0.05);
    ASSERT_NEAR(sn / n, 0, 0.01);
    ASSERT_NEAR(sn2 / n, 1, 0.02);
    for (int k = 0; k < 10; k++)
        ASSERT_NEAR(hist[k], n / 10, 700);
}

TESTS(same_seed_same_stream, ranges_and_means)
