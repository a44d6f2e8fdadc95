/* shim/flow/uplink: a node's uplink with a finite device queue (docs/protocol.md#flow-queue), each value
 * worked by hand: segments leave one after another (FIFO at one release time), a segment that finds
 * `limit` others waiting is dropped and its retransmission's time booked, one released later than an
 * already booked one takes an idle span before it when there is room (and waits after it when not), the
 * queue counts only segments released by then and not yet on the wire, a segment grows when bytes join
 * it, and what is gone is forgotten. Times in nanoseconds, 10 per segment. */
#include "test.h"

#include "uplink.h"

TEST(segments_leave_in_turn)
{
    struct prf_uplink u = {0};
    bool oom = false;
    ASSERT_EQ(prf_uplink_idle_at(&u, 5), 5);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 100, &oom), 10);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 100, &oom), 20);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 5, 10, 100, &oom), 30);
    ASSERT_EQ(prf_uplink_idle_at(&u, 0), 30);
    /* released after the link went idle: at once */
    ASSERT_EQ(prf_uplink_enqueue(&u, 40, 40, 10, 100, &oom), 50);
    ASSERT_TRUE(!oom);
    prf_uplink_free(&u);
}

/* limit 2: at 0 the first goes on the wire (not waiting), the next two wait, the fourth finds two
 * waiting and is dropped, and the link still carries its retransmission (30-40), so the fifth, at 15
 * (one waiting: the first has left, the second is on the wire), leaves at 50. */
TEST(a_full_queue_drops)
{
    struct prf_uplink u = {0};
    bool oom = false;
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 2, &oom), 10);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 2, &oom), 20);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 2, &oom), 30);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 2, &oom), -1);
    ASSERT_EQ(prf_uplink_idle_at(&u, 0), 40);
    ASSERT_EQ(prf_uplink_enqueue(&u, 15, 15, 10, 2, &oom), 50);
    /* at 15 again: the third and the fifth wait: dropped */
    ASSERT_EQ(prf_uplink_enqueue(&u, 15, 15, 10, 2, &oom), -1);
    ASSERT_TRUE(!oom);
    prf_uplink_free(&u);
}

/* A window releases a segment at 100 (booked 100-110) before another connection's segment released at 0
 * is computed: that one takes the idle span 0-10; one of 95 released at 10 does not fit before 100 and
 * goes after 110; one of 10 released at 20 takes 20-30. */
TEST(a_later_release_booked_first_leaves_room_before_it)
{
    struct prf_uplink u = {0};
    bool oom = false;
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 100, 10, 100, &oom), 110);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 100, &oom), 10);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 10, 95, 100, &oom), 205);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 20, 10, 100, &oom), 30);
    /* 70 released at 30 exactly fills 30-100; 10 released at 0 exactly fills 10-20: the link is then
     * busy from 0 to 205 without a break, and the next released at 0 goes after it all */
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 30, 70, 100, &oom), 100);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 100, &oom), 20);
    ASSERT_EQ(u.n_busy, 1u);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 100, &oom), 215);
    /* the queue at 50 counts what was released by 50 and is not yet on the wire: the 95 (released at 10,
     * on the wire from 110) and the last (from 205); not the 70 (on the wire), nor the one released at
     * 100. With a limit of 2 the next is dropped, with 3 it goes after 215 */
    ASSERT_EQ(prf_uplink_enqueue(&u, 50, 50, 10, 2, &oom), -1);
    ASSERT_EQ(prf_uplink_enqueue(&u, 50, 50, 10, 3, &oom), 235);
    ASSERT_TRUE(!oom);
    prf_uplink_free(&u);
}

TEST(a_segment_grows_and_what_is_gone_is_forgotten)
{
    struct prf_uplink u = {0};
    bool oom = false;
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 100, &oom), 10);
    prf_uplink_extend(&u, 0, 5, &oom);
    ASSERT_EQ(prf_uplink_idle_at(&u, 0), 15);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 100, &oom), 25);
    /* many segments, each gone before the next: nothing piles up */
    for (int64_t t = 100; t < 100000; t += 20)
        ASSERT_EQ(prf_uplink_enqueue(&u, t, t, 10, 1, &oom), t + 10);
    ASSERT_TRUE(u.n_pkt <= 1 && u.n_busy <= 1);
    /* a segment gone by now cannot grow */
    prf_uplink_extend(&u, 200000, 5, &oom);
    ASSERT_EQ(prf_uplink_idle_at(&u, 200000), 200000);
    ASSERT_TRUE(!oom);
    prf_uplink_free(&u);
}

TESTS(segments_leave_in_turn, a_full_queue_drops, a_later_release_booked_first_leaves_room_before_it,
      a_segment_grows_and_what_is_gone_is_forgotten)
