/* dandelion.c: stems come from outbound peers only, sources map to the least-used stem with random
 * ties, fluff epochs with probability q, epoch lengths, embargo and flush delays. */
#include "test.h"

#include "dandelion.h"

TEST(stems_only_from_outbound_peers)
{
    struct pr_rng r;
    pr_rng_seed(&r, 1, 0);
    struct pr_dandelion d;
    const uint16_t outbound[] = {3, 5, 8, 13};
    int chosen[16] = {0};
    for (int e = 0; e < 1000; e++) {
        pr_dandelion_new_epoch(&d, &r, outbound, 4, 2, 0.2);
        ASSERT_EQ(d.nstems, 2);
        ASSERT_TRUE(d.stems[0] != d.stems[1]);
        for (int i = 0; i < 2; i++) {
            ASSERT_TRUE(d.stems[i] == 3 || d.stems[i] == 5 || d.stems[i] == 8 || d.stems[i] == 13);
            chosen[d.stems[i]]++;
        }
    }
    /* every outbound peer is picked about half the time */
    for (int i = 0; i < 4; i++)
        ASSERT_NEAR(chosen[outbound[i]], 500, 80);
}

TEST(fewer_outbound_than_stems)
{
    struct pr_rng r;
    pr_rng_seed(&r, 1, 0);
    struct pr_dandelion d;
    const uint16_t one[] = {7};
    pr_dandelion_new_epoch(&d, &r, one, 1, 2, 0);
    ASSERT_EQ(d.nstems, 1);
    ASSERT_EQ(pr_dandelion_stem_for(&d, &r, 0), 7);
    pr_dandelion_new_epoch(&d, &r, one, 0, 2, 0);
    ASSERT_EQ(d.nstems, 0);
    ASSERT_EQ(pr_dandelion_stem_for(&d, &r, 0), -1);
}

TEST(least_used_mapping)
{
    struct pr_rng r;
    pr_rng_seed(&r, 3, 0);
    struct pr_dandelion d;
    const uint16_t outbound[] = {0, 1, 2, 3, 4, 5, 6, 7};
    pr_dandelion_new_epoch(&d, &r, outbound, 8, 2, 0);
    /* six sources: the stems are used 3 and 3 */
    int use[8] = {0};
    for (uint32_t src = 10; src < 16; src++)
        use[pr_dandelion_stem_for(&d, &r, src)]++;
    ASSERT_EQ(use[d.stems[0]], 3);
    ASSERT_EQ(use[d.stems[1]], 3);
    /* a mapping is stable within the epoch */
    int first = pr_dandelion_stem_for(&d, &r, 10);
    for (int i = 0; i < 10; i++)
        ASSERT_EQ(pr_dandelion_stem_for(&d, &r, 10), first);
    /* own transactions (PR_SRC_SELF) are a source like any other */
    ASSERT_TRUE(pr_dandelion_stem_for(&d, &r, PR_SRC_SELF) >= 0);
}

TEST(least_used_ties_are_random)
{
    struct pr_rng r;
    pr_rng_seed(&r, 5, 0);
    struct pr_dandelion d;
    const uint16_t outbound[] = {0, 1};
    int first_to_0 = 0;
    for (int e = 0; e < 2000; e++) {
        pr_dandelion_new_epoch(&d, &r, outbound, 2, 2, 0);
        first_to_0 += pr_dandelion_stem_for(&d, &r, 20) == 0;
    }
    ASSERT_NEAR(first_to_0, 1000, 150);
}

TEST(fluff_epoch_probability)
{
    struct pr_rng r;
    pr_rng_seed(&r, 9, 0);
    struct pr_dandelion d;
    const uint16_t outbound[] = {0, 1, 2};
    int fluff = 0, n = 20000;
    for (int e = 0; e < n; e++) {
        pr_dandelion_new_epoch(&d, &r, outbound, 3, 2, 0.2);
        fluff += d.fluff_epoch;
    }
    ASSERT_NEAR(fluff, 0.2 * n, 300); /* sd ~ 57 */
    pr_dandelion_new_epoch(&d, &r, outbound, 3, 2, 0);
    ASSERT_TRUE(!d.fluff_epoch);
    pr_dandelion_new_epoch(&d, &r, outbound, 3, 2, 1);
    ASSERT_TRUE(d.fluff_epoch);
}

TEST(delays)
{
    struct pr_config c;
    pr_config_default(&c);
    struct pr_rng r;
    pr_rng_seed(&r, 11, 0);
    double emb = 0, fin = 0, fout = 0;
    int n = 50000;
    for (int i = 0; i < n; i++) {
        int64_t e = pr_dandelion_epoch_length(&c, &r);
        ASSERT_TRUE(e >= PR_S(600) && e < PR_S(630));
        emb += (double)pr_dandelion_embargo(&c, &r);
        fin += (double)pr_dandelion_flush_delay(&c, &r, false);
        fout += (double)pr_dandelion_flush_delay(&c, &r, true);
    }
    ASSERT_NEAR(emb / n / 1e9, 39, 39 * 0.03);
    ASSERT_NEAR(fin / n / 1e9, 5, 5 * 0.03);
    ASSERT_NEAR(fout / n / 1e9, 2.5, 2.5 * 0.03);
    c.flush_in_ns = 0;
    ASSERT_EQ(pr_dandelion_flush_delay(&c, &r, false), 0);
}

TESTS(stems_only_from_outbound_peers, fewer_outbound_than_stems, least_used_mapping, least_used_ties_are_random,
      fluff_epoch_probability, delays)
