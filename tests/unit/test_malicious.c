/* A node under hostile peers (issue 7): malformed and truncated messages, oversized batches, MINDIFF
 * values of 0, negative, NaN and huge, NACK storms, duplicate floods, blocks of unknown transactions.
 * In every case the node keeps working, counts what it dropped, and honest traffic still flows through
 * it: node 2 sends, node 0 relays, node 3 must receive. */
#include "test.h"

#include "powrelay/error.h"
#include "powrelay/rng.h"
#include "testhost.h"

#define S PR_S
enum { NODE = 0, EVIL = 1, SENDER = 2, RECEIVER = 3 };

static struct th *world(void)
{
    struct pr_config c;
    pr_config_default(&c);
    c.dandelion_enabled = false; /* a plain relay: the path 2 -> 0 -> 3 is the only one */
    c.flush_in_ns = c.flush_out_ns = 0;
    struct th *h = th_new(4, &c);
    th_node(h, NODE, 1e6, false);
    th_node(h, SENDER, 1e6, false);
    th_node(h, RECEIVER, 1e6, false);
    th_link(h, EVIL, NODE);
    th_link(h, SENDER, NODE);
    th_link(h, NODE, RECEIVER);
    th_start(h);
    return h;
}

/* Honest traffic still flows: a transaction from node 2 reaches node 3 through node 0. */
static int honest_flows(struct th *h)
{
    struct pr_tx_request rq = {.size = 1535, .fee = 80, .wallet_hashrate = 1e9, .work = -1};
    uint64_t id;
    if (pr_node_submit_tx(th_get(h, SENDER), &rq, &id) != PR_OK)
        return 0;
    th_run_until(h, th_now(h) + S(5));
    return pr_node_has_tx(th_get(h, RECEIVER), id, NULL);
}

static struct pr_node_stats stats(struct th *h)
{
    struct pr_node_stats st;
    pr_node_stats(th_get(h, NODE), &st);
    return st;
}

TEST(malformed_and_truncated)
{
    struct th *h = world();
    struct pr_rng r;
    pr_rng_seed(&r, 3, 0);
    uint8_t buf[300];
    int sent = 0;
    for (int i = 0; i < 2000; i++) {
        size_t len = pr_rng_below(&r, sizeof buf);
        for (size_t k = 0; k < len; k++)
            buf[k] = (uint8_t)pr_rng_next(&r);
        if (len > 1)
            buf[0] = PR_WIRE_VERSION;
        th_inject(h, EVIL, NODE, buf, len, (uint32_t)pr_rng_below(&r, 3000));
        sent++;
    }
    /* valid messages cut short */
    struct pr_tx t = th_tx(((uint64_t)100 << 32) | 1, 2500);
    size_t len = pr_wire_encode_txs(buf, sizeof buf, PR_MSG_FLUFF, &t, 1, &(uint32_t){0});
    for (size_t cut = 0; cut < len; cut++, sent++)
        th_inject(h, EVIL, NODE, buf, cut, 1535 - 32);
    th_run_until(h, S(1));
    struct pr_node_stats st = stats(h);
    ASSERT_TRUE(st.messages_invalid >= (uint64_t)sent - 5); /* a random one may decode */
    ASSERT_EQ(st.messages_in, sent);
    ASSERT_TRUE(honest_flows(h));
    th_free(h);
}

TEST(oversized_batch)
{
    struct th *h = world();
    static uint8_t big[4 + 1100 * 32];
    memset(big, 0, sizeof big);
    big[0] = PR_WIRE_VERSION;
    big[1] = PR_MSG_FLUFF;
    big[2] = (uint8_t)(1100 & 0xff);
    big[3] = (uint8_t)(1100 >> 8);
    th_inject(h, EVIL, NODE, big, sizeof big, 0);
    th_run_until(h, S(1));
    ASSERT_EQ(stats(h).messages_invalid, 1);
    const struct pr_event *evs;
    size_t n = th_events(h, &evs);
    int too_large = 0;
    for (size_t i = 0; i < n; i++)
        too_large += evs[i].type == PR_EV_MSG_INVALID && evs[i].flags == PR_ERR_TOO_LARGE;
    ASSERT_EQ(too_large, 1);
    ASSERT_TRUE(honest_flows(h));
    th_free(h);
}

TEST(mindiff_zero_negative_nan_huge)
{
    struct th *h = world();
    const double bad[] = {0, -1, -2500, NAN, INFINITY, -INFINITY, 1e13, 1e300, 0.5};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t m[12] = {PR_WIRE_VERSION, PR_MSG_MINDIFF, 1, 0};
        memcpy(m + 4, &bad[i], 8);
        th_inject(h, EVIL, NODE, m, sizeof m, 0);
    }
    th_run_until(h, S(1));
    ASSERT_EQ(stats(h).messages_invalid, sizeof bad / sizeof bad[0]);
    struct pr_peer_info pi;
    pr_node_peer_info(th_get(h, NODE), 0, &pi);
    ASSERT_EQ(pi.peer, EVIL);
    ASSERT_DBL(pi.their_req, 2500); /* none of them was taken */
    ASSERT_TRUE(honest_flows(h));
    th_free(h);
}

TEST(nack_storm)
{
    struct th *h = world();
    /* node 0 relays an honest transaction to the evil peer too; the evil peer answers NACK to it and
     * to thousands of others, over and over */
    struct pr_tx_request rq = {.size = 1535, .fee = 80, .wallet_hashrate = 1e9, .work = -1};
    uint64_t real;
    ASSERT_OK(pr_node_submit_tx(th_get(h, SENDER), &rq, &real));
    th_run_until(h, S(0.5));
    struct pr_answer a[64];
    for (int round = 0; round < 200; round++) {
        for (int i = 0; i < 64; i++)
            a[i] = (struct pr_answer){.id = i == 0 ? real : ((uint64_t)50 << 32) | (uint64_t)(round * 64 + i),
                                      .status = PR_ANS_NACK, .req = 1e6 + round};
        uint8_t buf[4 + 64 * 17];
        size_t len = pr_wire_encode_answers(buf, sizeof buf, a, 64);
        th_inject(h, EVIL, NODE, buf, len, 0);
    }
    th_run_until(h, S(10));
    /* at most the one resend the half-relayed rule allows (the evil peer is 1 of 2 targets: half
     * relayed, so none) */
    ASSERT_TRUE(th_count(h, PR_EV_TX_SOLVED, NODE, real) <= 1);
    ASSERT_EQ(stats(h).messages_invalid, 0);
    ASSERT_TRUE(honest_flows(h));
    th_free(h);
}

TEST(duplicate_flood)
{
    struct th *h = world();
    struct pr_tx t = th_tx(((uint64_t)100 << 32) | 1, 2500);
    for (int i = 0; i < 3000; i++)
        th_inject_txs(h, EVIL, NODE, PR_MSG_FLUFF, &t, 1);
    th_run_until(h, S(2));
    struct pr_node_stats st = stats(h);
    ASSERT_U64(st.txs_accepted, 1);
    ASSERT_U64(st.txs_duplicate, 2999);
    /* duplicates do not count in the rate (difficulty.count: new): no escalation */
    ASSERT_EQ(th_count(h, PR_EV_REQ_CHANGED, NODE, 0), 0);
    /* and the transaction went on once to each other peer (the host counts the nodes' sends) */
    ASSERT_EQ(th_messages_of_type(h, PR_MSG_FLUFF), 2);
    ASSERT_TRUE(honest_flows(h));
    th_free(h);
}

TEST(blocks_of_unknown_transactions)
{
    struct th *h = world();
    uint64_t ids[500];
    uint8_t buf[4 + 8 + 8 * 500];
    for (int b = 0; b < 100; b++) {
        for (int i = 0; i < 500; i++)
            ids[i] = ((uint64_t)60 << 32) | (uint64_t)(b * 500 + i + 1);
        uint32_t pad;
        size_t len = pr_wire_encode_block(buf, sizeof buf, 1000 + b, ids, 500, &pad);
        th_inject(h, EVIL, NODE, buf, len, pad);
        th_inject(h, EVIL, NODE, buf, len, pad); /* and each twice */
    }
    th_run_until(h, S(5));
    /* each block relayed once to each of the two other peers (who have no one else to relay to) */
    ASSERT_EQ(th_messages_of_type(h, PR_MSG_BLOCK), 100 * 2);
    /* a confirmed-but-unknown transaction arriving later is old news, not relayed */
    struct pr_tx late = th_tx(((uint64_t)60 << 32) | 7, 2500);
    th_inject_txs(h, EVIL, NODE, PR_MSG_FLUFF, &late, 1);
    th_run_until(h, S(6));
    ASSERT_TRUE(!pr_node_has_tx(th_get(h, NODE), late.id, NULL));
    ASSERT_EQ(th_answer(h, EVIL, late.id, NULL), PR_ANS_HAVE);
    /* the memory of them is bounded: forgotten after one to two TTLs */
    struct pr_node_stats st = stats(h);
    ASSERT_TRUE(st.known_txs >= 50000);
    th_run_until(h, S(5000));
    for (int b = 0; b < 10; b++) {
        for (int i = 0; i < 500; i++)
            ids[i] = ((uint64_t)61 << 32) | (uint64_t)(b * 500 + i + 1);
        uint32_t pad;
        size_t len = pr_wire_encode_block(buf, sizeof buf, 5000 + b, ids, 500, &pad);
        th_inject(h, EVIL, NODE, buf, len, pad);
    }
    th_run_until(h, S(5010));
    st = stats(h);
    ASSERT_TRUE(st.known_txs < 20000);
    ASSERT_TRUE(honest_flows(h));
    th_free(h);
}

TEST(not_a_peer_and_empty)
{
    struct th *h = world();
    uint8_t m[12] = {PR_WIRE_VERSION, PR_MSG_MINDIFF, 1, 0};
    ASSERT_EQ(pr_node_receive(th_get(h, NODE), 99, m, sizeof m, 0), PR_ERR_NOT_PEER);
    ASSERT_EQ(pr_node_receive(th_get(h, NODE), EVIL, NULL, 0, 0), PR_ERR_TRUNCATED);
    ASSERT_EQ(pr_node_receive(th_get(h, NODE), EVIL, NULL, 5, 0), PR_ERR_INVALID);
    ASSERT_TRUE(honest_flows(h));
    th_free(h);
}

/* A no-PoW spam flood at 10x the honest rate for six simulated hours: what the node holds stays within
 * the mempool bound, plus the ids it remembers, at most (rate x TTL) twice over (they are purged as the
 * set doubles or every half TTL): a stated constant, not growing with time. */
TEST(bounded_state_under_long_flood)
{
    struct pr_config c;
    pr_config_default(&c);
    c.pow_enabled = false;
    c.dandelion_enabled = false;
    c.flush_in_ns = c.flush_out_ns = 0;
    c.mempool_max_bytes = 100 * 1535;
    struct th *h = th_new(3, &c);
    th_node(h, NODE, 1e6, false);
    th_link(h, EVIL, NODE);
    th_link(h, NODE, 2);
    th_start(h);
    const double rate = 10;  /* spam tx/s; honest is 1 tx/s */
    const uint64_t remembered_max = (uint64_t)(2 * rate * (double)c.seen_ttl_ns / 1e9) + 64;
    uint64_t known_at_1h = 0;
    uint32_t seq = 0;
    for (int64_t t = 0; t < S(6 * 3600); t += S(1)) {
        struct pr_tx batch[10];
        for (int k = 0; k < (int)rate; k++) {
            batch[k] = th_tx(((uint64_t)77 << 32) | ++seq, 0);
            batch[k].fee = (float)(seq % 50); /* some better, some worse than what the pool holds */
        }
        th_inject_txs(h, EVIL, NODE, PR_MSG_FLUFF, batch, 10);
        th_sent_clear(h);
        th_run_until(h, t + S(1));
        struct pr_node_stats st = stats(h);
        if (st.mempool_bytes > c.mempool_max_bytes)
            FAIL_AT("mempool %llu over its bound %llu", (unsigned long long)st.mempool_bytes,
                    (unsigned long long)c.mempool_max_bytes);
        if (st.known_txs > 100 + remembered_max)
            FAIL_AT("holds %llu transactions at %lld s", (unsigned long long)st.known_txs, (long long)(t / S(1)));
        if (t == S(3600))
            known_at_1h = st.known_txs;
    }
    struct pr_node_stats st = stats(h);
    ASSERT_U64(st.tx_deliveries, (uint64_t)rate * 6 * 3600);
    ASSERT_TRUE(st.pool_dropped > 200000);
    ASSERT_TRUE(st.known_txs <= known_at_1h * 2 + 64); /* no growth with time */
    th_free(h);
}

TESTS(malformed_and_truncated, oversized_batch, mindiff_zero_negative_nan_huge, nack_storm, duplicate_flood,
      blocks_of_unknown_transactions, not_a_peer_and_empty, bounded_state_under_long_flood)
