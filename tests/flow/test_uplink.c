/* shim/flow/uplink: a node's uplink with a finite device queue (docs/protocol.md#flow-queue), each value
 * worked by hand: segments leave one after another (FIFO at one release time), a segment that finds
 * `limit` others waiting is dropped, one released later than an
 * already booked one takes an idle span before it when there is room (and waits after it when not), the
 * queue counts only segments released by then and not yet on the wire, a segment grows when bytes join
 * it, and what is gone is forgotten. Times in nanoseconds, 10 per segment. */
#include "test.h"

#include "uplink.h"

#include "powrelay/rng.h"

#include <stdint.h>
#include <stdlib.h>

TEST(segments_leave_in_turn)
{
    struct prf_uplink u = {0};
    bool oom = false;
    ASSERT_EQ(prf_uplink_idle_at(&u, 5), 5);
    ASSERT_EQ(prf_uplink_free_at(&u, 5), 5);
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
 * waiting and is dropped (the link does not carry it: its retransmission is enqueued when TCP sends it,
 * with no limit), so the fifth, at 15 (one waiting: the first has left, the second is on the wire),
 * leaves at 40, and a sixth at 15 finds two waiting. The link, busy at 15, goes idle at 40; busy at 505
 * (a retransmission booked for 500), at 510. */
TEST(a_full_queue_drops)
{
    struct prf_uplink u = {0};
    bool oom = false;
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 2, &oom), 10);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 2, &oom), 20);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 2, &oom), 30);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 2, &oom), -1);
    ASSERT_EQ(prf_uplink_idle_at(&u, 0), 30);
    ASSERT_EQ(prf_uplink_enqueue(&u, 15, 15, 10, 2, &oom), 40);
    ASSERT_EQ(prf_uplink_enqueue(&u, 15, 15, 10, 2, &oom), -1);
    ASSERT_EQ(prf_uplink_free_at(&u, 15), 40);
    /* the retransmission at 500 (no limit): the link is idle until then */
    ASSERT_EQ(prf_uplink_enqueue(&u, 15, 500, 10, UINT32_MAX, &oom), 510);
    ASSERT_EQ(prf_uplink_free_at(&u, 45), 45);
    ASSERT_EQ(prf_uplink_idle_at(&u, 45), 510);
    /* asked of a later time: the span busy then (a dropped segment there is heard after it, tcp.h), past
     * the spans before it */
    ASSERT_EQ(prf_uplink_free_at(&u, 505), 510);
    ASSERT_EQ(prf_uplink_free_at(&u, 300), 300);
    ASSERT_EQ(prf_uplink_free_at(&u, 15), 40);
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
     * 100. With a limit of 2 the next is dropped, with 3 it goes after 215 (the drop took no link time) */
    ASSERT_EQ(prf_uplink_enqueue(&u, 50, 50, 10, 2, &oom), -1);
    ASSERT_EQ(prf_uplink_enqueue(&u, 50, 50, 10, 3, &oom), 225);
    ASSERT_TRUE(!oom);
    prf_uplink_free(&u);
}

TEST(a_segment_grows_and_what_is_gone_is_forgotten)
{
    struct prf_uplink u = {0};
    bool oom = false;
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 100, &oom), 10);
    ASSERT_EQ(prf_uplink_extend(&u, 0, 10, 5, &oom), 15);
    ASSERT_EQ(prf_uplink_idle_at(&u, 0), 15);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 100, &oom), 25);
    /* the segment named grows, not the one booked last (a retransmission booked for its timer at 50) */
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 50, 10, UINT32_MAX, &oom), 60);
    ASSERT_EQ(prf_uplink_extend(&u, 0, 25, 5, &oom), 30);
    ASSERT_EQ(prf_uplink_idle_at(&u, 0), 60);
    /* ... after what the link carries right behind it: [30, 40) is another's, so it takes [40, 45) */
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 100, &oom), 40);
    ASSERT_EQ(prf_uplink_extend(&u, 0, 30, 5, &oom), 45);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 5, 100, &oom), 50);
    /* many segments, each gone before the next: nothing piles up */
    for (int64_t t = 100; t < 100000; t += 20)
        ASSERT_EQ(prf_uplink_enqueue(&u, t, t, 10, 1, &oom), t + 10);
    ASSERT_TRUE(u.n_pkt <= 1 && u.n_busy <= 1);
    /* a segment gone by now cannot grow */
    ASSERT_EQ(prf_uplink_extend(&u, 200000, 99990, 5, &oom), 99990);
    ASSERT_EQ(prf_uplink_idle_at(&u, 200000), 200000);
    ASSERT_TRUE(!oom);
    prf_uplink_free(&u);
}

/* Long random runs (releases now and later, sizes and limits drawn) against the plain reading: a segment
 * is dropped exactly when the segments kept, counted one by one, hold `limit` released by then and not
 * yet on the wire; and no two segments are ever on the wire at once, none before its release. */
TEST(agrees_with_counting_every_segment)
{
    struct prf_uplink u = {0};
    bool oom = false;
    struct pr_rng rng;
    pr_rng_seed(&rng, 1, 0x75706c6b);
    struct kept {
        int64_t released, start, left;
    } *k = malloc(sizeof *k * 4096);
    ASSERT_TRUE(k != NULL);
    uint32_t n = 0, drops = 0;
    int64_t now = 0;
    for (int i = 0; i < 200000; i++) {
        if (pr_rng_uniform(&rng) < 0.3)
            now += (int64_t)(pr_rng_uniform(&rng) * 50);
        int64_t at = now + (pr_rng_uniform(&rng) < 0.1 ? (int64_t)(pr_rng_uniform(&rng) * 500) : 0);
        int64_t tx = 5 + (int64_t)(pr_rng_uniform(&rng) * 20);
        uint32_t limit = 1 + (uint32_t)(pr_rng_uniform(&rng) * 8), waiting = 0, live = 0;
        for (uint32_t j = 0; j < n; j++)
            if (k[j].left > now) {
                waiting += k[j].released <= at && k[j].start > at;
                k[live++] = k[j];
            }
        n = live;
        int64_t left = prf_uplink_enqueue(&u, now, at, tx, limit, &oom);
        ASSERT_EQ(left < 0, waiting >= limit);
        if (left < 0) {
            drops++;
            continue;
        }
        ASSERT_TRUE(left - tx >= at);
        for (uint32_t j = 0; j < n; j++)
            ASSERT_TRUE(left <= k[j].start || left - tx >= k[j].left);
        ASSERT_TRUE(n < 4096);
        k[n++] = (struct kept){at, left - tx, left};
    }
    ASSERT_TRUE(drops > 10000 && drops < 190000); /* both outcomes exercised */
    ASSERT_TRUE(!oom);
    free(k);
    prf_uplink_free(&u);
}

/* The tally counts what was released by then: with limit 1, at 0 two are taken and a third dropped; a
 * window's future flight at 100, booked at 0, takes two and drops a third (one waiting, on the wire
 * from 110). At 50 the tally holds the first three; from 100 on, all six, three of them first attempts
 * booked ahead, one dropped. A retransmission booked ahead (no limit) is not a first attempt. */
TEST(the_tally_counts_what_was_released)
{
    struct prf_uplink u = {.tallied = true};
    bool oom = false;
    uint64_t taken, dropped;
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 1, &oom), 10);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 1, &oom), 20);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 1, &oom), -1);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 100, 10, 1, &oom), 110);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 100, 10, 1, &oom), 120);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 100, 10, 1, &oom), -1);
    prf_uplink_tally(&u, 50, &taken, &dropped);
    ASSERT_EQ(taken, 2);
    ASSERT_EQ(dropped, 1);
    prf_uplink_ahead(&u, 50, &taken, &dropped);
    ASSERT_EQ(taken, 0);
    ASSERT_EQ(dropped, 0);
    prf_uplink_tally(&u, 100, &taken, &dropped);
    ASSERT_EQ(taken, 4);
    ASSERT_EQ(dropped, 2);
    prf_uplink_ahead(&u, 100, &taken, &dropped);
    ASSERT_EQ(taken, 3);
    ASSERT_EQ(dropped, 1);
    /* what is forgotten as time passes stays counted */
    ASSERT_EQ(prf_uplink_enqueue(&u, 200, 200, 10, 1, &oom), 210);
    prf_uplink_tally(&u, 200, &taken, &dropped);
    ASSERT_EQ(taken, 5);
    ASSERT_EQ(dropped, 2);
    ASSERT_EQ(prf_uplink_enqueue(&u, 200, 300, 10, UINT32_MAX, &oom), 310);
    prf_uplink_ahead(&u, 300, &taken, &dropped);
    ASSERT_EQ(taken, 3);
    ASSERT_EQ(dropped, 1);
    ASSERT_TRUE(!oom);
    prf_uplink_free(&u);
}

/* A retransmission booked for a timer is taken back when a fast retransmission goes instead: segments
 * on the wire 0-10 and 10-20, retransmissions released at 495 (495-505) and 500 (505-515), one busy span
 * 495-515. Asked for one on the wire 500-510, which none is, nothing changes; taken back at 100, the one
 * at 505-515 leaves the span 495-505 and no longer counts as taken, nor as waiting (one released at 496
 * with a limit of 1 finds none and goes 505-515). Taken back from the middle of a span (505-515 of
 * 495-525), it leaves a gap a later retransmission fills (released at 501: 505-515); once it has
 * started (at 600) it stays. */
TEST(a_booked_retransmission_is_taken_back)
{
    struct prf_uplink u = {0};
    bool oom = false;
    uint64_t taken, dropped;
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 100, &oom), 10);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 0, 10, 100, &oom), 20);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 495, 10, UINT32_MAX, &oom), 505);
    ASSERT_EQ(prf_uplink_enqueue(&u, 0, 500, 10, UINT32_MAX, &oom), 515);
    ASSERT_EQ(prf_uplink_idle_at(&u, 0), 515);
    ASSERT_TRUE(!prf_uplink_unbook(&u, 100, 500, 500, 10, &oom)); /* not booked 500-510 */
    ASSERT_TRUE(prf_uplink_unbook(&u, 100, 500, 505, 10, &oom));
    ASSERT_EQ(prf_uplink_idle_at(&u, 100), 505);
    prf_uplink_tally(&u, 1000, &taken, &dropped);
    ASSERT_EQ(taken, 3);
    /* limit 1 at 496: the one on the wire from 495 does not wait, nothing else does */
    ASSERT_EQ(prf_uplink_enqueue(&u, 100, 496, 10, 1, &oom), 515);
    /* the middle of a span: 505-515 of 495-525 (a third booked at 515) */
    ASSERT_EQ(prf_uplink_enqueue(&u, 100, 497, 10, UINT32_MAX, &oom), 525);
    ASSERT_TRUE(prf_uplink_unbook(&u, 100, 496, 505, 10, &oom));
    ASSERT_EQ(prf_uplink_enqueue(&u, 100, 501, 10, UINT32_MAX, &oom), 515); /* the gap 505-515 */
    ASSERT_TRUE(!prf_uplink_unbook(&u, 600, 501, 505, 10, &oom)); /* started by then */
    ASSERT_TRUE(!oom);
    prf_uplink_free(&u);
}

TESTS(segments_leave_in_turn, a_full_queue_drops, the_tally_counts_what_was_released, a_booked_retransmission_is_taken_back, a_later_release_booked_first_leaves_room_before_it,
      a_segment_grows_and_what_is_gone_is_forgotten, agrees_with_counting_every_segment)
