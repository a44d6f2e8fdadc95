/* work.c: the solver's bounded FIFO queue; every hash counted when spent: a solve cut off by the end of
 * the run reports hash rate x time run, for a sender's wallet, a relay's repackaging and an attacker
 * (docs/protocol.md#cost). */
#include "test.h"

#include <stdlib.h>

#include "node_internal.h"
#include "powrelay/error.h"
#include "testhost.h"
#include "work.h"

#define S PR_S
enum { NODE = 0 };

TEST(solver_queue_is_bounded_fifo)
{
    struct pr_solver s = {0};
    for (uint32_t i = 0; i < 5; i++) {
        struct pr_job j = {.tx = i + 1};
        ASSERT_OK(pr_solver_push(&s, &j, 5));
    }
    struct pr_job extra = {.tx = 99};
    ASSERT_EQ(pr_solver_push(&s, &extra, 5), PR_ERR_QUEUE_FULL);
    struct pr_job out;
    for (uint32_t i = 0; i < 5; i++) {
        ASSERT_TRUE(pr_solver_pop(&s, &out));
        ASSERT_U64(out.tx, i + 1);
    }
    ASSERT_TRUE(!pr_solver_pop(&s, &out));
    /* wrap around the ring */
    for (uint32_t round = 0; round < 3; round++) {
        for (uint32_t i = 0; i < 4; i++) {
            struct pr_job j = {.tx = 100 * round + i};
            ASSERT_OK(pr_solver_push(&s, &j, 5));
        }
        for (uint32_t i = 0; i < 4; i++) {
            ASSERT_TRUE(pr_solver_pop(&s, &out));
            ASSERT_U64(out.tx, 100 * round + i);
        }
    }
    pr_solver_free(&s);
}

TEST(solver_queue_grows_in_order_when_wrapped)
{
    /* The ring wraps (head moved by pops), then grows: the copy keeps FIFO order. */
    struct pr_solver s = {0};
    uint64_t next_in = 1, next_out = 1;
    struct pr_job j, out;
    for (int round = 0; round < 6; round++) {
        for (int i = 0; i < 7; i++) {
            j = (struct pr_job){.tx = next_in++};
            ASSERT_OK(pr_solver_push(&s, &j, 1000));
        }
        for (int i = 0; i < 4; i++) {
            ASSERT_TRUE(pr_solver_pop(&s, &out));
            ASSERT_U64(out.tx, next_out++);
        }
    }
    while (pr_solver_pop(&s, &out))
        ASSERT_U64(out.tx, next_out++);
    ASSERT_U64(next_out, next_in);
    ASSERT_TRUE(s.cap >= 16);
    pr_solver_free(&s);
}

static struct pr_config cfg(void)
{
    struct pr_config c;
    pr_config_default(&c);
    c.fluff_probability = 0; /* stem everything */
    c.flush_in_ns = c.flush_out_ns = 0;
    return c;
}

/* Node 0 real (its solver at relay_rate), outbound external peers 1 and 2 asking `req`, inbound 3. */
static struct th *hub(const struct pr_config *c, double relay_rate, double req)
{
    struct th *h = th_new(4, c);
    th_node(h, NODE, relay_rate, false);
    th_link(h, NODE, 1);
    th_link(h, NODE, 2);
    th_link(h, 3, NODE);
    th_start(h);
    th_inject_mindiff(h, 1, NODE, req);
    th_inject_mindiff(h, 2, NODE, req);
    th_run_until(h, S(0.1));
    return h;
}

/* The cut events of one node: their total, and how many. */
static double cut_hashes(const struct th *h, uint32_t node, uint32_t whose, uint64_t tx, size_t *count)
{
    const struct pr_event *evs;
    size_t n = th_events(h, &evs), k = 0;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if (evs[i].type == PR_EV_HASHES_CUT && evs[i].node == node && evs[i].flags == whose &&
            (tx == 0 || evs[i].tx == tx)) {
            sum += evs[i].a;
            k++;
        }
    if (count)
        *count = k;
    return sum;
}

TEST(wallet_cut_mid_solve_counts_rate_times_time)
{
    struct pr_config c = cfg();
    struct th *h = hub(&c, 2000, 1e9); /* 1e9 at 100 H/s: four months */
    struct pr_tx_request rq = {.size = 1535, .fee = 80, .wallet_hashrate = 100, .work = -1};
    uint64_t id;
    ASSERT_OK(pr_node_submit_tx(th_get(h, NODE), &rq, &id));
    th_run_until(h, S(50.1));
    ASSERT_EQ(th_count(h, PR_EV_TX_SOLVED, NODE, id), 0);
    pr_node_finish(th_get(h, NODE));
    pr_node_finish(th_get(h, NODE)); /* once only */
    size_t k;
    double spent = cut_hashes(h, NODE, PR_SOLVE_WALLET, id, &k);
    ASSERT_EQ(k, 1);
    ASSERT_DBL(spent, 100 * 50.0);
    ASSERT_DBL(spent, 100 * th_timer_seconds(h, NODE, PR_T_DEVICE, th_now(h)));
    struct pr_node_stats st;
    pr_node_stats(th_get(h, NODE), &st);
    ASSERT_DBL(st.hashes_cut, spent);
    ASSERT_DBL(st.repackage_hashes, 0);
    th_free(h);
}

TEST(relay_repackaging_cut_mid_solve_counts_rate_times_time)
{
    struct pr_config c = cfg();
    c.repackage_policy = PR_REPACKAGE_ALWAYS;
    struct th *h = hub(&c, 10, 1e9);
    /* a stem transaction from inbound 3 at base work: its stem asks 1e9, so the relay repackages */
    struct pr_tx t = th_tx(((uint64_t)4) << 32 | 1, 2500);
    th_inject_txs(h, 3, NODE, PR_MSG_STEM, &t, 1);
    th_run_until(h, S(100.1));
    ASSERT_EQ(th_count(h, PR_EV_TX_SOLVED, NODE, t.id), 0);
    pr_node_finish(th_get(h, NODE));
    double busy = th_timer_seconds(h, NODE, PR_T_SOLVER, th_now(h));
    ASSERT_TRUE(busy > 99 && busy < 100.1); /* started when the transaction arrived */
    size_t k;
    double spent = cut_hashes(h, NODE, PR_SOLVE_REPACKAGE, t.id, &k);
    ASSERT_EQ(k, 1);
    ASSERT_NEAR(spent, 10 * busy, 1e-6);
    struct pr_node_stats st;
    pr_node_stats(th_get(h, NODE), &st);
    ASSERT_U64(st.repackagings, 0);        /* none finished */
    ASSERT_DBL(st.repackage_hashes, spent); /* but the hashes are counted */
    th_free(h);
}

TEST(attacker_cut_mid_solve_counts_rate_times_time)
{
    struct pr_config c = cfg();
    struct th *h = th_new(2, &c);
    th_node(h, NODE, 1e4, true);
    th_link(h, NODE, 1);
    struct pr_attack a = {.strategy = PR_ATTACK_FLOOD, .rate = 1, .fee = 20, .size = 1535, .start_ns = S(1),
                          .stop_ns = S(1000)}; /* no horizon: it starts the hopeless solve */
    ASSERT_OK(pr_node_set_attack(th_get(h, NODE), &a));
    th_start(h);
    th_inject_mindiff(h, 1, NODE, 1e12);
    th_run_until(h, S(60));
    pr_node_finish(th_get(h, NODE));
    double busy = th_timer_seconds(h, NODE, PR_T_SOLVER, th_now(h));
    size_t k;
    double cut = cut_hashes(h, NODE, PR_SOLVE_SPAM, 0, &k);
    ASSERT_EQ(k, 1);
    double done = 0;
    const struct pr_event *evs;
    size_t n = th_events(h, &evs);
    for (size_t i = 0; i < n; i++)
        if (evs[i].type == PR_EV_TX_SOLVED && evs[i].node == NODE)
            done += evs[i].a;
    /* one solve at base before the MINDIFF arrived (or none), then the 1e12 one, cut */
    ASSERT_TRUE(busy > 55);
    ASSERT_NEAR(done + cut, 1e4 * busy, 1e-3 * busy + 1);
    th_free(h);
}

TESTS(solver_queue_is_bounded_fifo, solver_queue_grows_in_order_when_wrapped, wallet_cut_mid_solve_counts_rate_times_time,
      relay_repackaging_cut_mid_solve_counts_rate_times_time, attacker_cut_mid_solve_counts_rate_times_time)
