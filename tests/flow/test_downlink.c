/* shim/flow/downlink: the router's queue towards a node as the flow model books it
 * (docs/protocol.md#flow-downlink), each value worked by hand: a message's segments reach the router
 * spaced as given, the last at its time; one that finds `limit` segments waiting (the one on the wire
 * aside) is dropped and takes no link time; a message known late is booked when it came, not now; and
 * what came before the calendar's history is not booked. Times in nanoseconds, 10 per segment. */
#include "test.h"

#include "downlink.h"

/* limit 2, five segments at once: the first goes on the wire, two wait, the last two are dropped. */
TEST(a_burst_beyond_the_queue_drops)
{
    struct prf_downlink d = {0};
    bool oom = false;
    ASSERT_EQ(prf_downlink_arrive(&d, 1000, 1000, 5, 0, 10, 10, 2, &oom), 2);
    ASSERT_EQ(prf_uplink_idle_at(&d.port, 1000), 1030);
    ASSERT_EQ(d.segments, 5u);
    ASSERT_TRUE(!oom);
    prf_downlink_free(&d);
}

/* Segments every 5 ns on a link that takes 10 each, the last at 45: they come at 0, 5, ... 45. The one
 * at 5 waits (the first is on the wire), at 10 none waits (the one at 5 is on the wire then), at 15 one,
 * at 20 one; at 25 two wait (booked from 30 and 40): dropped; at 30 one; at 35 two (40, 50): dropped; at
 * 40 one; at 45 two (50, 60): dropped. Paced at the link's rate, none would ever wait. */
TEST(arrivals_faster_than_the_link_fill_the_queue)
{
    struct prf_downlink d = {0};
    bool oom = false;
    ASSERT_EQ(prf_downlink_arrive(&d, 45, 45, 10, 5, 10, 10, 2, &oom), 3);
    ASSERT_EQ(prf_uplink_idle_at(&d.port, 45), 70);
    struct prf_downlink paced = {0};
    ASSERT_EQ(prf_downlink_arrive(&paced, 1000, 1000, 50, 10, 10, 10, 1, &oom), 0);
    ASSERT_TRUE(!oom);
    prf_downlink_free(&d);
    prf_downlink_free(&paced);
}

/* A message's last segment may be short: it takes its own time on the link. */
TEST(the_last_segment_takes_its_own_time)
{
    struct prf_downlink d = {0};
    bool oom = false;
    ASSERT_EQ(prf_downlink_arrive(&d, 100, 100, 2, 0, 10, 3, 100, &oom), 0);
    ASSERT_EQ(prf_uplink_idle_at(&d.port, 100), 113);
    ASSERT_TRUE(!oom);
    prf_downlink_free(&d);
}

/* At 1000 three segments come (on the wire until 1030). A message known only now that came at 500
 * (kept behind an earlier one of its connection) found the link idle then: nothing dropped, and it is
 * not in the queue at 1000, where one more segment finds the two of 1000 waiting and is dropped. */
TEST(a_message_known_late_is_booked_when_it_came)
{
    struct prf_downlink d = {0};
    bool oom = false;
    ASSERT_EQ(prf_downlink_arrive(&d, 1000, 1000, 3, 0, 10, 10, 2, &oom), 0);
    ASSERT_EQ(prf_downlink_arrive(&d, 1000, 500, 3, 0, 10, 10, 2, &oom), 0);
    ASSERT_EQ(prf_downlink_arrive(&d, 1000, 1000, 1, 0, 10, 10, 2, &oom), 1);
    ASSERT_EQ(prf_uplink_idle_at(&d.port, 1000), 1030);
    ASSERT_EQ(d.segments, 7u);
    ASSERT_TRUE(!oom);
    prf_downlink_free(&d);
}

/* What reached the router longer ago than the calendar's history is counted, not booked: a burst that
 * would have overflowed the queue drops nothing, and the link is idle now. */
TEST(what_came_before_the_history_is_not_booked)
{
    struct prf_downlink d = {0};
    bool oom = false;
    int64_t now = 10 * PRF_DOWNLINK_HISTORY_NS, long_ago = now - PRF_DOWNLINK_HISTORY_NS - 1;
    ASSERT_EQ(prf_downlink_arrive(&d, now, long_ago, 50, 0, 10, 10, 2, &oom), 0);
    ASSERT_EQ(d.segments, 50u);
    ASSERT_EQ(d.unbooked, 50u);
    ASSERT_EQ(prf_uplink_idle_at(&d.port, now), now);
    ASSERT_EQ(prf_downlink_arrive(&d, now, now - PRF_DOWNLINK_HISTORY_NS, 5, 0, 10, 10, 2, &oom), 2);
    ASSERT_EQ(d.unbooked, 50u); /* at the history's edge: booked */
    ASSERT_TRUE(!oom);
    prf_downlink_free(&d);
}

TESTS(a_burst_beyond_the_queue_drops, arrivals_faster_than_the_link_fill_the_queue, the_last_segment_takes_its_own_time,
      a_message_known_late_is_booked_when_it_came, what_came_before_the_history_is_not_booked)
