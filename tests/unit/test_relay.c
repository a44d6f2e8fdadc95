/* relay.c and work.c: Dandelion++ (stems from outbound peers only, least-used mapping, fluff epochs,
 * own transactions always stemmed, embargo, loops, stem pool vs mempool), batching, the stem NACK ->
 * repackage -> resend once, the fluff median rule and the half-relayed rule, the rp sequence. */
#include "test.h"

#include "powrelay/error.h"
#include "testhost.h"

#define S PR_S
enum { NODE = 0 };

static uint64_t txid(uint32_t origin, uint32_t seq) { return ((uint64_t)origin + 1) << 32 | seq; }

static struct pr_config cfg(double q)
{
    struct pr_config c;
    pr_config_default(&c);
    c.fluff_probability = q;
    c.flush_in_ns = c.flush_out_ns = 0;
    return c;
}

/* Node 0 real, with outbound external peers 1..n_out and inbound external peers after them. */
static struct th *hub(uint32_t n_out, uint32_t n_in, const struct pr_config *c, double hashrate)
{
    struct th *h = th_new(1 + n_out + n_in, c);
    th_node(h, NODE, hashrate, false);
    for (uint32_t i = 1; i <= n_out; i++)
        th_link(h, NODE, i);
    for (uint32_t i = n_out + 1; i <= n_out + n_in; i++)
        th_link(h, i, NODE);
    th_start(h);
    return h;
}

static uint64_t submit(struct th *h, double work)
{
    struct pr_tx_request rq = {.size = 1535, .fee = 80, .wallet_hashrate = 1e9, .work = work};
    uint64_t id = 0;
    if (pr_node_submit_tx(th_get(h, NODE), &rq, &id) != PR_OK)
        abort();
    return id;
}

TEST(own_transactions_stem_to_outbound_only_even_in_fluff_epoch)
{
    struct pr_config c = cfg(1.0); /* every epoch a fluff epoch */
    c.epoch_ns = S(20);
    c.epoch_range_ns = 0;
    struct th *h = hub(3, 3, &c, 1e6);
    for (int k = 0; k < 30; k++) {
        uint64_t id = submit(h, 2500);
        th_run_until(h, th_now(h) + S(7));
        size_t to_out = 0;
        for (uint32_t p = 1; p <= 3; p++)
            to_out += th_sent_tx(h, p, id, PR_MSG_STEM, NULL, NULL);
        ASSERT_EQ(to_out, 1);
        for (uint32_t p = 4; p <= 6; p++)
            ASSERT_EQ(th_sent_tx(h, p, id, PR_MSG_STEM, NULL, NULL), 0);
    }
    th_free(h);
}

TEST(fluff_epoch_fluffs_received_stem_transactions)
{
    struct pr_config c = cfg(1.0);
    struct th *h = hub(2, 2, &c, 1e6);
    struct pr_tx t = th_tx(txid(9, 1), 2500);
    th_inject_txs(h, 3, NODE, PR_MSG_STEM, &t, 1);
    th_run_until(h, S(1));
    ASSERT_EQ(th_answer(h, 3, t.id, NULL), PR_ANS_RELAYED);
    const struct pr_event *evs;
    size_t n = th_events(h, &evs);
    uint32_t reason = 0;
    for (size_t i = 0; i < n; i++)
        if (evs[i].type == PR_EV_TX_FLUFFED)
            reason = evs[i].flags;
    ASSERT_EQ(reason, PR_FLUFF_EPOCH);
    for (uint32_t p = 1; p <= 4; p++)
        ASSERT_EQ(th_sent_tx(h, p, t.id, PR_MSG_FLUFF, NULL, NULL), p == 3 ? 0 : 1);
    bool stem;
    ASSERT_TRUE(pr_node_has_tx(th_get(h, NODE), t.id, &stem) && !stem);
    th_free(h);
}

TEST(stem_node_forwards_along_least_used_mapping)
{
    struct pr_config c = cfg(0.0);
    struct th *h = hub(4, 2, &c, 1e6);
    uint32_t stems[8];
    ASSERT_EQ(pr_node_stems(th_get(h, NODE), stems, 8, NULL), 2);
    /* two inbound sources: one stem each, and each keeps its stem within the epoch */
    uint32_t first_of[2] = {0, 0};
    for (uint32_t k = 0; k < 6; k++) {
        uint32_t src = 5 + (k % 2);
        struct pr_tx t = th_tx(txid(9, k + 1), 2500);
        th_inject_txs(h, src, NODE, PR_MSG_STEM, &t, 1);
        th_run_until(h, th_now(h) + S(0.5));
        uint32_t to = 0;
        for (uint32_t p = 1; p <= 4; p++)
            if (th_sent_tx(h, p, t.id, PR_MSG_STEM, NULL, NULL))
                to = p;
        ASSERT_TRUE(to == stems[0] || to == stems[1]);
        if (k < 2)
            first_of[k] = to;
        else
            ASSERT_EQ(to, first_of[k % 2]);
        bool in_stem;
        ASSERT_TRUE(pr_node_has_tx(th_get(h, NODE), t.id, &in_stem) && in_stem);
    }
    ASSERT_TRUE(first_of[0] != first_of[1]);
    th_free(h);
}

TEST(embargo_fires_when_no_fluff_is_seen)
{
    struct pr_config c = cfg(0.0);
    c.embargo_ns = S(2);
    struct th *h = hub(2, 2, &c, 1e6);
    struct pr_tx a = th_tx(txid(9, 1), 2500), b = th_tx(txid(9, 2), 2500);
    th_inject_txs(h, 3, NODE, PR_MSG_STEM, &a, 1);
    th_inject_txs(h, 3, NODE, PR_MSG_STEM, &b, 1);
    th_run_until(h, S(0.2));
    /* b is seen fluffed (from another peer) before its embargo: that cancels it */
    th_inject_txs(h, 4, NODE, PR_MSG_FLUFF, &b, 1);
    th_run_until(h, S(60));
    ASSERT_EQ(th_count(h, PR_EV_TX_FLUFFED, NODE, a.id), 1);
    ASSERT_EQ(th_count(h, PR_EV_TX_FLUFFED, NODE, b.id), 0);
    const struct pr_event *evs;
    size_t n = th_events(h, &evs);
    for (size_t i = 0; i < n; i++)
        if (evs[i].type == PR_EV_TX_FLUFFED)
            ASSERT_EQ(evs[i].flags, PR_FLUFF_EMBARGO);
    bool stem;
    ASSERT_TRUE(pr_node_has_tx(th_get(h, NODE), a.id, &stem) && !stem);
    ASSERT_TRUE(pr_node_has_tx(th_get(h, NODE), b.id, &stem) && !stem);
    /* b went on in fluff to the peers that do not have it */
    ASSERT_EQ(th_sent_tx(h, 4, b.id, PR_MSG_FLUFF, NULL, NULL), 0);
    ASSERT_EQ(th_sent_tx(h, 1, b.id, PR_MSG_FLUFF, NULL, NULL) + th_sent_tx(h, 2, b.id, PR_MSG_FLUFF, NULL, NULL), 2);
    th_free(h);
}

TEST(stem_transaction_seen_again_is_fluffed)
{
    struct pr_config c = cfg(0.0);
    struct th *h = hub(2, 2, &c, 1e6);
    struct pr_tx t = th_tx(txid(9, 1), 2500);
    th_inject_txs(h, 3, NODE, PR_MSG_STEM, &t, 1);
    th_run_until(h, S(0.5));
    th_inject_txs(h, 4, NODE, PR_MSG_STEM, &t, 1);
    th_run_until(h, S(1));
    ASSERT_EQ(th_answer(h, 4, t.id, NULL), PR_ANS_HAVE);
    const struct pr_event *evs;
    size_t n = th_events(h, &evs);
    int loops = 0;
    for (size_t i = 0; i < n; i++)
        loops += evs[i].type == PR_EV_TX_FLUFFED && evs[i].flags == PR_FLUFF_LOOP;
    ASSERT_EQ(loops, 1);
    th_free(h);
}

TEST(stem_pool_is_not_mined)
{
    struct pr_config c = cfg(0.0);
    struct th *h = hub(2, 2, &c, 1e6);
    struct pr_tx s = th_tx(txid(9, 1), 2500), f = th_tx(txid(9, 2), 2500);
    th_inject_txs(h, 3, NODE, PR_MSG_STEM, &s, 1);
    th_inject_txs(h, 3, NODE, PR_MSG_FLUFF, &f, 1);
    th_run_until(h, S(0.5));
    struct pr_node_stats st;
    pr_node_stats(th_get(h, NODE), &st);
    ASSERT_U64(st.stempool_txs, 1);
    ASSERT_U64(st.mempool_txs, 1);
    th_sent_clear(h);
    ASSERT_OK(pr_node_mine_block(th_get(h, NODE), 1, 300000));
    /* the block holds f only; s is still in the stem pool */
    const struct th_sent *m = th_sent_at(h, 0);
    struct pr_msg msg;
    ASSERT_OK(pr_wire_decode(m->bytes, m->len, m->pad, &msg));
    ASSERT_EQ(msg.type, PR_MSG_BLOCK);
    ASSERT_EQ(msg.count, 1);
    ASSERT_U64(pr_wire_block_tx_at(&msg, 0), f.id);
    bool stem;
    ASSERT_TRUE(pr_node_has_tx(th_get(h, NODE), s.id, &stem) && stem);
    ASSERT_TRUE(!pr_node_has_tx(th_get(h, NODE), f.id, NULL));
    th_free(h);
}

TEST(fluff_batching_puts_several_in_one_message)
{
    struct pr_config c = cfg(0.0);
    c.flush_in_ns = S(5);
    c.flush_out_ns = S(2.5);
    struct th *h = hub(2, 2, &c, 1e6);
    for (uint32_t i = 1; i <= 5; i++) {
        struct pr_tx t = th_tx(txid(9, i), 2500);
        th_inject_txs(h, 3, NODE, PR_MSG_FLUFF, &t, 1);
        th_run_until(h, th_now(h) + S(0.001));
    }
    th_run_until(h, S(200));
    /* each other peer got all five, and (Poisson flush with mean 2.5-5 s vs 4 ms of arrivals) in one
     * message, unless the flush struck in between: allow at most two messages */
    for (uint32_t p = 1; p <= 4; p++) {
        if (p == 3)
            continue;
        size_t msgs = th_sent_of_type(h, p, PR_MSG_FLUFF), copies = 0;
        for (uint32_t i = 1; i <= 5; i++)
            copies += th_sent_tx(h, p, txid(9, i), PR_MSG_FLUFF, NULL, NULL);
        ASSERT_EQ(copies, 5);
        ASSERT_TRUE(msgs >= 1 && msgs <= 2);
    }
    /* overall, across peers, most messages carry several */
    size_t total = th_sent_of_type(h, UINT32_MAX, PR_MSG_FLUFF);
    ASSERT_TRUE(total <= 4);
    th_free(h);
}

/* A batch bigger than the ones built on the stack (32): answered in one message, relayed in one. */
TEST(big_batch_answered_and_flushed_whole)
{
    struct pr_config c = cfg(0.0);
    c.pow_enabled = false; /* no escalation on the burst */
    c.flush_in_ns = S(5);
    c.flush_out_ns = S(2.5);
    struct th *h = hub(2, 2, &c, 1e6);
    enum { N = 70 };
    struct pr_tx txs[N];
    for (uint32_t i = 0; i < N; i++)
        txs[i] = th_tx(txid(11, i + 1), 2500);
    th_inject_txs(h, 3, NODE, PR_MSG_FLUFF, txs, N);
    th_run_until(h, S(200));
    ASSERT_EQ(th_sent_of_type(h, 3, PR_MSG_ANSWER), 1);
    for (uint32_t i = 0; i < N; i++)
        ASSERT_EQ(th_answer(h, 3, txs[i].id, NULL), PR_ANS_RELAYED);
    for (uint32_t p = 1; p <= 4; p++) {
        if (p == 3)
            continue;
        ASSERT_EQ(th_sent_of_type(h, p, PR_MSG_FLUFF), 1); /* all queued at once: one flush */
        for (uint32_t i = 0; i < N; i++)
            ASSERT_EQ(th_sent_tx(h, p, txs[i].id, PR_MSG_FLUFF, NULL, NULL), 1);
    }
    th_free(h);
}

TEST(flush_zero_sends_at_once)
{
    struct pr_config c = cfg(0.0);
    struct th *h = hub(2, 2, &c, 1e6);
    struct pr_tx t = th_tx(txid(9, 1), 2500);
    th_inject_txs(h, 3, NODE, PR_MSG_FLUFF, &t, 1);
    th_run_until(h, S(0.05));
    int64_t when = -1;
    ASSERT_EQ(th_sent_tx(h, 1, t.id, PR_MSG_FLUFF, NULL, &when), 1);
    ASSERT_EQ(when, S(0.05));
    th_free(h);
}

TEST(stem_nack_repackage_and_resend_once)
{
    struct pr_config c = cfg(0.0);
    struct th *h = hub(2, 1, &c, 1e6);
    struct pr_tx t = th_tx(txid(9, 1), 2500);
    th_inject_txs(h, 3, NODE, PR_MSG_STEM, &t, 1);
    th_run_until(h, S(0.06));
    uint32_t stem = th_sent_tx(h, 1, t.id, PR_MSG_STEM, NULL, NULL) ? 1 : 2;
    /* the stem peer NACKs with a higher requirement */
    struct pr_answer nack = {.id = t.id, .status = PR_ANS_NACK, .req = 1e5};
    uint8_t buf[64];
    size_t len = pr_wire_encode_answers(buf, sizeof buf, &nack, 1);
    th_inject(h, stem, NODE, buf, len, 0);
    th_run_until(h, S(5)); /* 1e5 hashes at 1e6 H/s: 0.1 s on average */
    double work = 0;
    ASSERT_EQ(th_sent_tx(h, stem, t.id, PR_MSG_STEM, &work, NULL), 2);
    ASSERT_DBL(work, 1e5);
    ASSERT_EQ(th_count(h, PR_EV_REPACKAGE, NODE, t.id), 1);
    ASSERT_EQ(th_count(h, PR_EV_TX_SOLVED, NODE, t.id), 1);
    /* a second NACK gets no second resend */
    nack.req = 1e6;
    len = pr_wire_encode_answers(buf, sizeof buf, &nack, 1);
    th_inject(h, stem, NODE, buf, len, 0);
    th_run_until(h, S(10));
    ASSERT_EQ(th_sent_tx(h, stem, t.id, PR_MSG_STEM, NULL, NULL), 2);
    struct pr_node_stats st;
    pr_node_stats(th_get(h, NODE), &st);
    ASSERT_U64(st.repackagings, 1);
    ASSERT_TRUE(st.repackage_hashes >= 1);
    th_free(h);
}

static void set_their_req(struct th *h, uint32_t peer, double req)
{
    th_inject_mindiff(h, peer, NODE, req);
}

TEST(fluff_median_rule)
{
    struct pr_config c = cfg(0.0);
    /* peers 1..5 are targets (source is 6): their requirements 2500, 2500, 1e4, 1e4, 1e5 */
    struct th *h = hub(5, 1, &c, 1e7);
    const double reqs[5] = {2500, 2500, 1e4, 1e4, 1e5};
    for (uint32_t p = 1; p <= 5; p++)
        set_their_req(h, p, reqs[p - 1]);
    th_run_until(h, S(0.1));
    struct pr_tx t = th_tx(txid(9, 1), 2500);
    th_inject_txs(h, 6, NODE, PR_MSG_FLUFF, &t, 1);
    th_run_until(h, S(5));
    /* median 1e4 > 2500: repackaged to 1e4, then sent to every peer asking at most 1e4 */
    for (uint32_t p = 1; p <= 5; p++) {
        double w = 0;
        ASSERT_EQ(th_sent_tx(h, p, t.id, PR_MSG_FLUFF, &w, NULL), p <= 4 ? 1 : 0);
        if (p <= 4)
            ASSERT_DBL(w, 1e4);
    }
    th_free(h);
}

TEST(fluff_median_of_even_count_is_lower_middle)
{
    struct pr_config c = cfg(0.0);
    struct th *h = hub(4, 1, &c, 1e7);
    const double reqs[4] = {2500, 3000, 1e4, 1e5}; /* lower middle 3000, upper 1e4 */
    for (uint32_t p = 1; p <= 4; p++)
        set_their_req(h, p, reqs[p - 1]);
    th_run_until(h, S(0.1));
    struct pr_tx t = th_tx(txid(9, 1), 2500);
    th_inject_txs(h, 5, NODE, PR_MSG_FLUFF, &t, 1);
    th_run_until(h, S(5));
    double w = 0;
    ASSERT_EQ(th_sent_tx(h, 2, t.id, PR_MSG_FLUFF, &w, NULL), 1);
    ASSERT_DBL(w, 3000);
    ASSERT_EQ(th_sent_tx(h, 3, t.id, PR_MSG_FLUFF, NULL, NULL), 0);
    th_free(h);
}

/* Answers from external peers to a fluff send. */
static void answer(struct th *h, uint32_t peer, uint64_t id, uint8_t status, double req)
{
    struct pr_answer a = {.id = id, .status = status, .req = status == PR_ANS_NACK ? req : 0};
    uint8_t buf[64];
    size_t len = pr_wire_encode_answers(buf, sizeof buf, &a, 1);
    th_inject(h, peer, NODE, buf, len, 0);
}

TEST(fewer_than_half_relayed_repackage_and_resend)
{
    struct pr_config c = cfg(0.0);
    struct th *h = hub(4, 1, &c, 1e7);
    struct pr_tx t = th_tx(txid(9, 1), 2500);
    th_inject_txs(h, 5, NODE, PR_MSG_FLUFF, &t, 1);
    th_run_until(h, S(0.1));
    for (uint32_t p = 1; p <= 4; p++)
        ASSERT_EQ(th_sent_tx(h, p, t.id, PR_MSG_FLUFF, NULL, NULL), 1);
    /* one relays; three escalated meanwhile and NACK with 1e4, 2e4, 1.5e4 */
    answer(h, 1, t.id, PR_ANS_RELAYED, 0);
    answer(h, 2, t.id, PR_ANS_NACK, 1e4);
    answer(h, 3, t.id, PR_ANS_NACK, 2e4);
    answer(h, 4, t.id, PR_ANS_NACK, 1.5e4);
    th_run_until(h, S(5));
    /* 1 of 4 relayed: repackage to the highest requirement among the others (2e4), resend to them */
    ASSERT_EQ(th_sent_tx(h, 1, t.id, PR_MSG_FLUFF, NULL, NULL), 1);
    for (uint32_t p = 2; p <= 4; p++) {
        double w = 0;
        ASSERT_EQ(th_sent_tx(h, p, t.id, PR_MSG_FLUFF, &w, NULL), 2);
        ASSERT_DBL(w, 2e4);
    }
    /* only once: more NACKs change nothing */
    for (uint32_t p = 2; p <= 4; p++)
        answer(h, p, t.id, PR_ANS_NACK, 1e6);
    th_run_until(h, S(10));
    for (uint32_t p = 2; p <= 4; p++)
        ASSERT_EQ(th_sent_tx(h, p, t.id, PR_MSG_FLUFF, NULL, NULL), 2);
    th_free(h);
}

TEST(half_relayed_or_have_is_enough)
{
    struct pr_config c = cfg(0.0);
    struct th *h = hub(4, 1, &c, 1e7);
    struct pr_tx t = th_tx(txid(9, 1), 2500);
    th_inject_txs(h, 5, NODE, PR_MSG_FLUFF, &t, 1);
    th_run_until(h, S(0.1));
    answer(h, 1, t.id, PR_ANS_RELAYED, 0);
    answer(h, 2, t.id, PR_ANS_HAVE, 0); /* "have it" counts as relayed */
    answer(h, 3, t.id, PR_ANS_NACK, 1e4);
    answer(h, 4, t.id, PR_ANS_NACK, 1e4);
    th_run_until(h, S(5));
    for (uint32_t p = 1; p <= 4; p++)
        ASSERT_EQ(th_sent_tx(h, p, t.id, PR_MSG_FLUFF, NULL, NULL), 1);
    ASSERT_EQ(th_count(h, PR_EV_REPACKAGE, NODE, t.id), 0);
    th_free(h);
}

TEST(skipped_peers_count_as_not_relayed)
{
    struct pr_config c = cfg(0.0);
    c.repackage_policy = PR_REPACKAGE_NEVER;
    struct th *h = hub(3, 1, &c, 1e7);
    set_their_req(h, 1, 1e4);
    set_their_req(h, 2, 1e4);
    th_run_until(h, S(0.1));
    struct pr_tx t = th_tx(txid(9, 1), 2500);
    th_inject_txs(h, 4, NODE, PR_MSG_FLUFF, &t, 1);
    th_run_until(h, S(5));
    /* median 1e4 > work: declined (never); sent only to 3; the skipped two count as not relayed, so the
     * half rule asks again (declined again) */
    ASSERT_EQ(th_sent_tx(h, 3, t.id, PR_MSG_FLUFF, NULL, NULL), 1);
    ASSERT_EQ(th_sent_tx(h, 1, t.id, PR_MSG_FLUFF, NULL, NULL), 0);
    answer(h, 3, t.id, PR_ANS_RELAYED, 0);
    th_run_until(h, S(6));
    ASSERT_EQ(th_count(h, PR_EV_REPACKAGE, NODE, t.id), 2);
    th_free(h);
}

TEST(repackage_probability_sequence_at_node)
{
    struct pr_config c = cfg(0.0);
    c.embargo_ns = S(1000);
    struct th *h = hub(2, 1, &c, 1e9);
    set_their_req(h, 1, 1e4);
    set_their_req(h, 2, 1e4);
    th_run_until(h, S(0.1));
    /* 12 stem transactions from peer 3, 10 s apart, each needing repackaging for its stem */
    for (uint32_t k = 1; k <= 12; k++) {
        struct pr_tx t = th_tx(txid(9, k), 2500);
        th_inject_txs(h, 3, NODE, PR_MSG_STEM, &t, 1);
        th_run_until(h, th_now(h) + S(10));
    }
    const struct pr_event *evs;
    size_t n = th_events(h, &evs);
    uint32_t rp = 0, declined_late = 0;
    for (size_t i = 0; i < n; i++) {
        if (evs[i].type != PR_EV_REPACKAGE)
            continue;
        rp++;
        ASSERT_DBL(evs[i].b, rp);
        if (rp == 1)
            ASSERT_EQ(evs[i].flags, PR_REPACK_DONE);
        if (rp >= 10)
            declined_late += evs[i].flags == PR_REPACK_DECLINED;
    }
    ASSERT_EQ(rp, 12);
    ASSERT_EQ(declined_late, 3);
    /* after a gap longer than the window, rp starts again at 1 */
    th_run_until(h, th_now(h) + S(241));
    struct pr_tx t = th_tx(txid(9, 100), 2500);
    th_inject_txs(h, 3, NODE, PR_MSG_STEM, &t, 1);
    th_run_until(h, th_now(h) + S(1));
    n = th_events(h, &evs);
    for (size_t i = n; i-- > 0;)
        if (evs[i].type == PR_EV_REPACKAGE) {
            ASSERT_DBL(evs[i].b, 1);
            ASSERT_EQ(evs[i].flags, PR_REPACK_DONE);
            break;
        }
    th_free(h);
}

TEST(declined_stem_waits_for_embargo)
{
    struct pr_config c = cfg(0.0);
    c.repackage_policy = PR_REPACKAGE_NEVER;
    c.embargo_ns = S(3);
    struct th *h = hub(2, 1, &c, 1e9);
    set_their_req(h, 1, 1e4);
    set_their_req(h, 2, 1e4);
    th_run_until(h, S(0.1));
    struct pr_tx t = th_tx(txid(9, 1), 2500);
    th_inject_txs(h, 3, NODE, PR_MSG_STEM, &t, 1);
    th_run_until(h, S(200));
    ASSERT_EQ(th_sent_tx(h, UINT32_MAX, t.id, PR_MSG_STEM, NULL, NULL), 0);
    ASSERT_EQ(th_count(h, PR_EV_TX_FLUFFED, NODE, t.id), 1);
    th_free(h);
}

TEST(own_transaction_solved_by_wallet_to_stem_requirement)
{
    struct pr_config c = cfg(0.0);
    struct th *h = hub(2, 1, &c, 1e9);
    set_their_req(h, 1, 1e4);
    set_their_req(h, 2, 1e4);
    th_run_until(h, S(0.1));
    struct pr_tx_request rq = {.size = 1535, .fee = 80, .wallet_hashrate = 500, .work = -1};
    uint64_t id;
    ASSERT_OK(pr_node_submit_tx(th_get(h, NODE), &rq, &id));
    th_run_until(h, S(1000));
    double w = 0;
    int64_t when = 0;
    ASSERT_EQ(th_sent_tx(h, 1, id, PR_MSG_STEM, &w, &when) + th_sent_tx(h, 2, id, PR_MSG_STEM, &w, &when), 1);
    ASSERT_DBL(w, 1e4);
    /* the wallet's solve (1e4 expected hashes at 500 H/s) delays the first send */
    const struct pr_event *evs;
    size_t n = th_events(h, &evs);
    double hashes = 0;
    for (size_t i = 0; i < n; i++)
        if (evs[i].type == PR_EV_TX_SOLVED && evs[i].tx == id) {
            ASSERT_EQ(evs[i].flags, PR_SOLVE_WALLET);
            hashes = evs[i].a;
        }
    ASSERT_TRUE(hashes >= 1);
    ASSERT_NEAR((double)(when - S(0.1)), hashes / 500 * 1e9, 2);
    th_free(h);
}

TEST(dandelion_off_floods_own_transactions_at_once)
{
    struct pr_config c = cfg(0.0);
    c.dandelion_enabled = false;
    struct th *h = hub(2, 2, &c, 1e9);
    uint64_t id = submit(h, 2500);
    th_run_until(h, S(1));
    for (uint32_t p = 1; p <= 4; p++)
        ASSERT_EQ(th_sent_tx(h, p, id, PR_MSG_FLUFF, NULL, NULL), 1);
    ASSERT_EQ(th_sent_of_type(h, UINT32_MAX, PR_MSG_STEM), 0);
    th_free(h);
}

TEST(solver_queue_full_drops_and_counts)
{
    struct pr_config c = cfg(0.0);
    c.pow_queue_max = 2;
    c.repackage_policy = PR_REPACKAGE_ALWAYS;
    struct th *h = hub(2, 1, &c, 1); /* one hash per second: jobs take hours */
    set_their_req(h, 1, 1e4);
    set_their_req(h, 2, 1e4);
    th_run_until(h, S(0.1));
    for (uint32_t k = 1; k <= 6; k++) {
        struct pr_tx t = th_tx(txid(9, k), 2500);
        th_inject_txs(h, 3, NODE, PR_MSG_STEM, &t, 1);
    }
    th_run_until(h, S(1));
    struct pr_node_stats st;
    pr_node_stats(th_get(h, NODE), &st);
    /* one running, two waiting, three dropped */
    ASSERT_EQ(st.solver_queue, 2);
    ASSERT_U64(st.solver_dropped, 3);
    th_free(h);
}

TESTS(own_transactions_stem_to_outbound_only_even_in_fluff_epoch, fluff_epoch_fluffs_received_stem_transactions,
      stem_node_forwards_along_least_used_mapping, embargo_fires_when_no_fluff_is_seen,
      stem_transaction_seen_again_is_fluffed, stem_pool_is_not_mined, fluff_batching_puts_several_in_one_message,
      big_batch_answered_and_flushed_whole,
      flush_zero_sends_at_once, stem_nack_repackage_and_resend_once, fluff_median_rule,
      fluff_median_of_even_count_is_lower_middle, fewer_than_half_relayed_repackage_and_resend,
      half_relayed_or_have_is_enough, skipped_peers_count_as_not_relayed, repackage_probability_sequence_at_node,
      declined_stem_waits_for_embargo, own_transaction_solved_by_wallet_to_stem_requirement,
      dandelion_off_floods_own_transactions_at_once, solver_queue_full_drops_and_counts)
