/* block.c and the mempool at the node: mining by fee rate then age, block relay by flooding (once per
 * node), included transactions dropped, unknown ones remembered, capacity with lowest-fee eviction. */
#include "test.h"

#include "powrelay/error.h"
#include "testhost.h"

#define S PR_S

static uint64_t txid(uint32_t origin, uint32_t seq) { return ((uint64_t)origin + 1) << 32 | seq; }

static struct pr_config cfg(void)
{
    struct pr_config c;
    pr_config_default(&c);
    c.flush_in_ns = c.flush_out_ns = 0;
    return c;
}

static struct pr_tx txf(uint64_t id, float fee)
{
    struct pr_tx t = th_tx(id, 2500);
    t.fee = fee;
    return t;
}

TEST(block_relay_floods_every_node_once)
{
    struct pr_config c = cfg();
    struct th *h = th_new(5, &c);
    for (uint32_t i = 0; i < 5; i++)
        th_node(h, i, 1e6, false);
    /* a ring 0-1-2-3-4-0 plus a chord 0-2 */
    for (uint32_t i = 0; i < 5; i++)
        th_link(h, i, (i + 1) % 5);
    th_link(h, 0, 2);
    th_start(h);
    struct pr_tx_request rq = {.size = 1535, .fee = 80, .wallet_hashrate = 1e9, .work = 2500};
    uint64_t id;
    ASSERT_OK(pr_node_submit_tx(th_get(h, 3), &rq, &id));
    th_run_until(h, S(120)); /* stem, embargo, fluff: everyone has it */
    for (uint32_t i = 0; i < 5; i++)
        ASSERT_TRUE(pr_node_has_tx(th_get(h, i), id, NULL));
    uint64_t before = th_messages_of_type(h, PR_MSG_BLOCK);
    ASSERT_OK(pr_node_mine_block(th_get(h, 1), 7, 300000));
    th_run_until(h, S(130));
    for (uint32_t i = 0; i < 5; i++)
        ASSERT_TRUE(!pr_node_has_tx(th_get(h, i), id, NULL));
    /* each node sends the block to every peer but the one it came from (the miner to all): 2 * 6 edges
     * minus 4 receivers' sources = 8 messages; a node never relays it twice */
    ASSERT_U64(th_messages_of_type(h, PR_MSG_BLOCK) - before, 2 * 6 - 4);
    const struct pr_event *evs;
    size_t n = th_events(h, &evs);
    size_t mined = 0;
    for (size_t i = 0; i < n; i++)
        if (evs[i].type == PR_EV_BLOCK_MINED) {
            mined++;
            ASSERT_EQ(evs[i].node, 1);
            ASSERT_U64(evs[i].n_ids, 1);
        }
    ASSERT_EQ(mined, 1);
    th_free(h);
}

TEST(received_block_drops_known_and_remembers_unknown)
{
    struct pr_config c = cfg();
    struct th *h = th_new(3, &c);
    th_node(h, 0, 1e6, false);
    th_link(h, 1, 0);
    th_link(h, 0, 2);
    th_start(h);
    struct pr_tx a = txf(txid(9, 1), 80);
    th_inject_txs(h, 1, 0, PR_MSG_FLUFF, &a, 1);
    th_run_until(h, S(1));
    ASSERT_TRUE(pr_node_has_tx(th_get(h, 0), a.id, NULL));
    uint64_t ids[2] = {a.id, txid(9, 2)};
    uint8_t buf[64];
    uint32_t pad;
    size_t len = pr_wire_encode_block(buf, sizeof buf, 99, ids, 2, &pad);
    th_inject(h, 1, 0, buf, len, pad);
    th_run_until(h, S(2));
    ASSERT_TRUE(!pr_node_has_tx(th_get(h, 0), a.id, NULL));
    ASSERT_EQ(th_sent_of_type(h, 2, PR_MSG_BLOCK), 1);
    ASSERT_EQ(th_sent_of_type(h, 1, PR_MSG_BLOCK), 0);
    /* late copies of both are old news */
    struct pr_tx late[2] = {a, txf(txid(9, 2), 80)};
    th_inject_txs(h, 1, 0, PR_MSG_FLUFF, late, 2);
    th_inject(h, 1, 0, buf, len, pad); /* the same block again: not relayed twice */
    th_run_until(h, S(3));
    ASSERT_EQ(th_answer(h, 1, a.id, NULL), PR_ANS_HAVE);
    ASSERT_EQ(th_answer(h, 1, txid(9, 2), NULL), PR_ANS_HAVE);
    ASSERT_EQ(th_sent_of_type(h, 2, PR_MSG_BLOCK), 1);
    th_free(h);
}

TEST(miner_takes_fee_then_age_up_to_size)
{
    struct pr_config c = cfg();
    struct th *h = th_new(2, &c);
    th_node(h, 0, 1e6, false);
    th_link(h, 1, 0);
    th_start(h);
    const float fees[5] = {20, 80, 80, 50, 20};
    for (uint32_t i = 0; i < 5; i++) {
        struct pr_tx t = txf(txid(9, i + 1), fees[i]);
        th_inject_txs(h, 1, 0, PR_MSG_FLUFF, &t, 1);
        th_run_until(h, S(1) * (i + 1));
    }
    th_sent_clear(h);
    ASSERT_OK(pr_node_mine_block(th_get(h, 0), 5, 3 * 1535));
    const struct th_sent *m = th_sent_at(h, 0);
    struct pr_msg msg;
    ASSERT_OK(pr_wire_decode(m->bytes, m->len, m->pad, &msg));
    ASSERT_EQ(msg.count, 3);
    ASSERT_U64(pr_wire_block_tx_at(&msg, 0), txid(9, 2));
    ASSERT_U64(pr_wire_block_tx_at(&msg, 1), txid(9, 3));
    ASSERT_U64(pr_wire_block_tx_at(&msg, 2), txid(9, 4));
    struct pr_node_stats st;
    pr_node_stats(th_get(h, 0), &st);
    ASSERT_U64(st.mempool_txs, 2);
    ASSERT_U64(st.mempool_peak_bytes, 5 * 1535);
    th_free(h);
}

TEST(full_mempool_evicts_lowest_fee)
{
    struct pr_config c = cfg();
    c.mempool_max_bytes = 3 * 1535;
    struct th *h = th_new(3, &c);
    th_node(h, 0, 1e6, false);
    th_link(h, 1, 0);
    th_link(h, 0, 2);
    th_start(h);
    for (uint32_t i = 1; i <= 3; i++) {
        struct pr_tx t = txf(txid(9, i), 20);
        th_inject_txs(h, 1, 0, PR_MSG_FLUFF, &t, 1);
    }
    struct pr_tx rich = txf(txid(9, 4), 80), poor = txf(txid(9, 5), 10);
    th_inject_txs(h, 1, 0, PR_MSG_FLUFF, &rich, 1);
    th_inject_txs(h, 1, 0, PR_MSG_FLUFF, &poor, 1);
    th_run_until(h, S(1));
    struct pr_node *n = th_get(h, 0);
    ASSERT_TRUE(pr_node_has_tx(n, rich.id, NULL));
    ASSERT_TRUE(!pr_node_has_tx(n, txid(9, 3), NULL)); /* the newest of the lowest fee */
    ASSERT_TRUE(pr_node_has_tx(n, txid(9, 1), NULL) && pr_node_has_tx(n, txid(9, 2), NULL));
    ASSERT_EQ(th_answer(h, 1, poor.id, NULL), PR_ANS_DROPPED);
    ASSERT_EQ(th_sent_tx(h, 2, poor.id, 0, NULL, NULL), 0);
    struct pr_node_stats st;
    pr_node_stats(n, &st);
    ASSERT_U64(st.mempool_bytes, 3 * 1535);
    ASSERT_U64(st.pool_dropped, 2);
    th_free(h);
}

/* A miner holding three 2,500-byte transactions at fee rate 20 (fee 50,000 each). */
static struct th *miner_with_three(void)
{
    struct pr_config c = cfg();
    struct th *h = th_new(2, &c);
    th_node(h, 0, 1e6, false);
    th_link(h, 1, 0);
    th_start(h);
    for (uint32_t i = 1; i <= 3; i++) {
        struct pr_tx t = txf(txid(9, i), 20);
        t.size = 2500;
        th_inject_txs(h, 1, 0, PR_MSG_FLUFF, &t, 1);
    }
    th_run_until(h, S(1));
    return h;
}

TEST(monero_rules_at_the_node_report_the_block)
{
    /* zone 5,000: two fit; the third (7,500 bytes) costs 6e5 x (2500/5000)^2 = 150,000 > its fee */
    struct th *h = miner_with_three();
    struct pr_block_rules r = {.policy = PR_BLOCKS_MONERO, .max_bytes = 5000, .reward = 6e5};
    struct pr_block_made made;
    ASSERT_OK(pr_node_mine_block_by(th_get(h, 0), 7, &r, &made));
    ASSERT_EQ(made.txs, 2);
    ASSERT_U64(made.weight, 5000);
    ASSERT_NEAR(made.fees, 2 * 20 * 2500, 1e-6);
    const struct pr_event *ev;
    size_t n = th_events(h, &ev), found = 0;
    for (size_t i = 0; i < n; i++)
        if (ev[i].type == PR_EV_BLOCK_MINED && ev[i].tx == 7) {
            found++;
            ASSERT_NEAR(ev[i].a, 5000, 0);
            ASSERT_NEAR(ev[i].b, 100000, 1e-6);
            ASSERT_EQ(ev[i].n_ids, 2);
        }
    ASSERT_EQ(found, 1);
    r.policy = 9;
    ASSERT_EQ(pr_node_mine_block_by(th_get(h, 0), 9, &r, &made), PR_ERR_INVALID);
    ASSERT_EQ(pr_node_mine_block_by(th_get(h, 0), 9, NULL, &made), PR_ERR_INVALID);
    th_free(h);

    /* a smaller reward: the penalty 1e5 x 1/4 = 25,000 < 50,000, so the third goes in over the zone */
    h = miner_with_three();
    r = (struct pr_block_rules){.policy = PR_BLOCKS_MONERO, .max_bytes = 5000, .reward = 1e5};
    ASSERT_OK(pr_node_mine_block_by(th_get(h, 0), 7, &r, &made));
    ASSERT_EQ(made.txs, 3);
    ASSERT_U64(made.weight, 7500);
    ASSERT_NEAR(made.reward, 75000, 1e-6);
    th_free(h);
}

TEST(mine_rejects_bad_calls)
{
    struct pr_config c = cfg();
    struct th *h = th_new(2, &c);
    th_node(h, 0, 1e6, false);
    th_node(h, 1, 1e6, true);
    th_link(h, 1, 0);
    ASSERT_EQ(pr_node_mine_block(th_get(h, 0), 1, 1000), PR_ERR_STATE); /* not started */
    th_start(h);
    ASSERT_EQ(pr_node_mine_block(th_get(h, 0), 0, 1000), PR_ERR_INVALID);
    ASSERT_EQ(pr_node_mine_block(th_get(h, 1), 1, 1000), PR_ERR_STATE); /* attackers do not mine */
    ASSERT_OK(pr_node_mine_block(th_get(h, 0), 1, 1000));                /* an empty block is fine */
    th_free(h);
}

TESTS(block_relay_floods_every_node_once, received_block_drops_known_and_remembers_unknown,
      miner_takes_fee_then_age_up_to_size, full_mempool_evicts_lowest_fee, monero_rules_at_the_node_report_the_block,
      mine_rejects_bad_calls)
