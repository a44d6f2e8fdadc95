/* shim/flow/partstat: partitions keep regions together and balance degree; a window is the smallest
 * latency between partitions; events land in their window and partition; the imbalance and speed-up
 * bound follow from the per-window maxima, worked out by hand on a four-node line. */
#include "test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "partstat.h"

TEST(four_nodes_two_regions_by_hand)
{
    /* a line 0 - 1 - 2 - 3; nodes 0, 1 in region 0 and 2, 3 in region 1; every degree counts */
    uint8_t region[4] = {0, 0, 1, 1};
    uint32_t degree[4] = {1, 2, 2, 1};
    uint32_t from[6] = {0, 1, 1, 2, 2, 3}, to[6] = {1, 0, 2, 1, 3, 2};
    int64_t lat[6] = {5000000, 5000000, 30000000, 30000000, 7000000, 7000000}; /* 5, 30, 7 ms */
    struct prf_partstat *s = prf_partstat_new(4, region, degree, from, to, lat, 6);
    ASSERT_TRUE(s != NULL);
    /* P = 2 cuts between the regions: the only crossing connection (1-2) has latency 30. Events at
     * t = 0 (node 0), 10 ms (node 3), 20 ms (node 1): window 0 holds 2 in partition 0 and 1 in partition 1;
     * t = 40 ms (node 2): window 1 holds one. */
    prf_partstat_event(s, 0, 0);
    prf_partstat_event(s, 10000000, 3);
    prf_partstat_event(s, 20000000, 1);
    prf_partstat_event(s, 40000000, 2);
    prf_partstat_message(s, 1, 2, 1000); /* crosses */
    prf_partstat_message(s, 0, 1, 500);  /* stays */
    char buf[2048] = "";
    FILE *f = fmemopen(buf, sizeof buf, "w");
    ASSERT_OK(prf_partstat_write(s, f, 60000000));
    fclose(f);
    char *row = strstr(buf, "\n2,");
    ASSERT_TRUE(row != NULL);
    unsigned p;
    double window_ms, total, per, imbalance, bound, share, cross_s, mbit;
    unsigned long long busy, events;
    ASSERT_EQ(sscanf(row + 1, "%u,%lf,%llu,%lf,%llu,%lf,%lf,%lf,%lf,%lf,%lf", &p, &window_ms, &busy, &total, &events, &per,
                     &imbalance, &bound, &share, &cross_s, &mbit),
              11);
    ASSERT_EQ(p, 2);
    ASSERT_NEAR(window_ms, 30, 1e-9);
    ASSERT_EQ(busy, 2);
    ASSERT_NEAR(total, 2, 1e-9); /* 60 ms of run in 30 ms windows */
    ASSERT_EQ(events, 4);
    ASSERT_NEAR(per, 2, 1e-9);
    /* the maxima: 2 then 1, so 3 steps for 4 events; the mean partition load 4 / 2 windows / 2 = 1 */
    ASSERT_NEAR(bound, 1.33, 0.006);
    ASSERT_NEAR(imbalance, 1.5, 1e-3);
    ASSERT_NEAR(share, 0.5, 1e-4);
    ASSERT_NEAR(cross_s, 1 / 0.06, 0.1);          /* one crossing message in 60 ms */
    ASSERT_NEAR(mbit, 8000 / 1e6 / 0.06, 1e-3);
    prf_partstat_free(s);
}

TESTS(four_nodes_two_regions_by_hand)
