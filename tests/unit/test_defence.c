/* The relay defences behind one interface (defence.h): the registry finds each by name and gives its
 * parameters; `none` accepts every valid transaction and is what pow.enabled: false selects (the same
 * event sequence); the original rules behave through the interface as the relay tests say; a defence's
 * state per neighbour fits the room the neighbour's record has for it. */
#include "test.h"

#include <string.h>

#include "defence.h"
#include "node_internal.h"
#include "powrelay/error.h"
#include "testhost.h"

#define S PR_S

TEST(registry_finds_every_defence_by_name)
{
    ASSERT_TRUE(pr_defence_count() >= 2);
    for (size_t i = 0; i < pr_defence_count(); i++) {
        const struct pr_defence_info *d = pr_defence_at(i);
        ASSERT_TRUE(d != NULL && d->name && d->doc);
        ASSERT_TRUE(pr_defence_find(d->name) == d);
        ASSERT_TRUE(pr_defence_ops_of(d)->info == d);
        ASSERT_TRUE(d->n_params <= PR_DEFENCE_MAX_PARAMS);
        const struct pr_defence_ops *ops = pr_defence_ops_of(d);
        ASSERT_TRUE(ops->judge != NULL && ops->asked != NULL);
        if (d->pow)
            ASSERT_TRUE(ops->repackage_percent != NULL);
        for (size_t k = 0; k < d->n_params; k++) {
            const struct pr_defence_param *p = &d->params[k];
            ASSERT_TRUE(p->key && p->doc && p->lo <= p->def && p->def <= p->hi);
        }
    }
    ASSERT_TRUE(pr_defence_find("original") == pr_defence_at(0)); /* the default comes first */
    ASSERT_TRUE(pr_defence_find("no such defence") == NULL);
    ASSERT_TRUE(pr_defence_at(pr_defence_count()) == NULL);
}

/* A node between external peers: outbound 1 and 2, inbound 3; a burst from 3, then quiet. */
static uint64_t burst_digest(const struct pr_config *c, size_t *rejected)
{
    struct th *h = th_new(4, c);
    th_node(h, 0, 2000, false);
    th_link(h, 0, 1);
    th_link(h, 0, 2);
    th_link(h, 3, 0);
    th_start(h);
    for (uint32_t k = 1; k <= 40; k++) {
        struct pr_tx t = th_tx(((uint64_t)4) << 32 | k, k % 3 ? 2500 : 1);
        th_inject_txs(h, 3, 0, PR_MSG_FLUFF, &t, 1);
        th_run_until(h, th_now(h) + S(0.05));
    }
    th_run_until(h, S(300));
    *rejected = th_count(h, PR_EV_TX_REJECTED, 0, 0);
    uint64_t d = th_digest(h);
    th_free(h);
    return d;
}

TEST(none_accepts_everything_and_is_pow_off)
{
    struct pr_config c;
    pr_config_default(&c);
    c.defence = pr_defence_find("none");
    size_t rej_none, rej_off, rej_orig;
    uint64_t none = burst_digest(&c, &rej_none);
    ASSERT_EQ(rej_none, 0);
    pr_config_default(&c);
    c.pow_enabled = false;
    uint64_t off = burst_digest(&c, &rej_off);
    ASSERT_U64(none, off); /* the very same events */
    pr_config_default(&c);
    uint64_t orig = burst_digest(&c, &rej_orig);
    ASSERT_TRUE(orig != none);
    ASSERT_TRUE(rej_orig > 10); /* work 1 is below base, and the burst escalates the link */
}

TEST(original_is_the_default_and_asks_what_its_rules_say)
{
    struct pr_config c;
    pr_config_default(&c);
    size_t r1, r2;
    uint64_t implicit = burst_digest(&c, &r1);
    c.defence = pr_defence_find("original");
    uint64_t explicit_ = burst_digest(&c, &r2);
    ASSERT_U64(implicit, explicit_);
    /* through the interface: 21 fresh transactions within the window escalate the link to base^2 */
    struct th *h = th_new(2, &c);
    th_node(h, 0, 2000, false);
    th_link(h, 1, 0);
    th_start(h);
    for (uint32_t k = 1; k <= 21; k++) {
        struct pr_tx t = th_tx(((uint64_t)2) << 32 | k, 1e7);
        th_inject_txs(h, 1, 0, PR_MSG_FLUFF, &t, 1);
    }
    th_run_until(h, S(1));
    struct pr_peer_info pi;
    ASSERT_OK(pr_node_peer_info(th_get(h, 0), 0, &pi));
    ASSERT_DBL(pi.req, 2500.0 * 2500.0);
    ASSERT_DBL(pi.req_max, 2500.0 * 2500.0);
    ASSERT_DBL(th_last_mindiff(h, 1), 2500.0 * 2500.0);
    th_run_until(h, S(100)); /* the hold ends, the rate is back under the limit: relaxed */
    ASSERT_OK(pr_node_peer_info(th_get(h, 0), 0, &pi));
    ASSERT_DBL(pi.req, 2500);
    ASSERT_DBL(pi.req_max, 2500.0 * 2500.0);
    th_free(h);
}

TEST(fixed_asks_one_work_of_everyone_and_never_repackages)
{
    struct pr_config c;
    pr_config_default(&c);
    c.defence = pr_defence_find("fixed");
    c.defence_params[0] = 3e4;
    c.fluff_probability = 0;
    c.flush_in_ns = c.flush_out_ns = 0;
    struct th *h = th_new(4, &c);
    th_node(h, 0, 1e9, false);
    th_link(h, 0, 1);
    th_link(h, 0, 2);
    th_link(h, 3, 0);
    th_start(h);
    th_run_until(h, S(31)); /* the first MINDIFFs have gone out */
    for (uint32_t p = 1; p <= 3; p++)
        ASSERT_DBL(th_last_mindiff(h, p), 3e4);
    /* below the price: NACKed with it; at the price: accepted; a burst does not raise it */
    struct pr_tx low = th_tx(((uint64_t)9) << 32 | 1, 2.9e4);
    th_inject_txs(h, 3, 0, PR_MSG_STEM, &low, 1);
    th_run_until(h, S(32));
    double req = 0;
    ASSERT_EQ(th_answer(h, 3, low.id, &req), PR_ANS_NACK);
    ASSERT_DBL(req, 3e4);
    for (uint32_t k = 2; k < 60; k++) {
        struct pr_tx t = th_tx(((uint64_t)9) << 32 | k, 3e4);
        th_inject_txs(h, 3, 0, PR_MSG_FLUFF, &t, 1);
    }
    th_run_until(h, S(40));
    ASSERT_EQ(th_count(h, PR_EV_TX_REJECTED, 0, 0), 1);
    ASSERT_EQ(th_count(h, PR_EV_REQ_CHANGED, 0, 0), 0);
    /* a neighbour asking more than the work: the relay never repackages (probability 0) */
    th_inject_mindiff(h, 1, 0, 1e6);
    th_inject_mindiff(h, 2, 0, 1e6);
    th_run_until(h, S(41));
    struct pr_tx stem = th_tx(((uint64_t)9) << 32 | 99, 3e4);
    th_inject_txs(h, 3, 0, PR_MSG_STEM, &stem, 1);
    th_run_until(h, S(60));
    struct pr_node_stats st;
    pr_node_stats(th_get(h, 0), &st);
    ASSERT_U64(st.repackagings, 0);
    ASSERT_TRUE(st.repackage_declined >= 1);
    th_free(h);
}

/* token_bucket: node 0 (no PoW, flooding) with outbound peer 1 and inbound peers 2 and 3; 10
 * transactions arrive from 3 in one message, fee rates 1..10 in a scrambled order. */
static struct th *bucket_node(double rate_in, double rate_out, double burst, double scope, double backlog_max,
                              uint64_t *ids, float *fees)
{
    struct pr_config c;
    pr_config_default(&c);
    c.defence = pr_defence_find("token_bucket");
    c.defence_params[0] = rate_in;
    c.defence_params[1] = rate_out;
    c.defence_params[2] = burst;
    c.defence_params[3] = scope;
    c.defence_params[4] = backlog_max;
    c.dandelion_enabled = false;
    c.flush_in_ns = c.flush_out_ns = 0;
    struct th *h = th_new(4, &c);
    th_node(h, 0, 0, false);
    th_link(h, 0, 1);
    th_link(h, 2, 0);
    th_link(h, 3, 0);
    th_start(h);
    th_run_until(h, S(10)); /* buckets full */
    struct pr_tx txs[10];
    for (uint32_t k = 0; k < 10; k++) {
        txs[k] = th_tx(((uint64_t)9) << 32 | (k + 1), 0);
        txs[k].fee = (float)(1 + (k * 7) % 10); /* 1, 8, 5, 2, 9, 6, 3, 10, 7, 4 */
        ids[k] = txs[k].id;
        fees[k] = txs[k].fee;
    }
    th_inject_txs(h, 3, 0, PR_MSG_FLUFF, txs, 10);
    th_run_until(h, S(60));
    return h;
}

TEST(token_bucket_limits_what_goes_to_each_neighbour_best_fee_first)
{
    uint64_t ids[10];
    float fees[10];
    struct th *h = bucket_node(1, 2, 3, 0, 4, ids, fees);
    /* Each neighbour gets the burst (3) at once, the first three in arrival order; then the backlog of
     * 7 is cut to 4 (the 3 lowest fee rates of it dropped) and released best fee first, 2 a second to
     * the outbound peer and 1 a second to the inbound one. */
    for (uint32_t p = 1; p <= 2; p++) {
        double rate = p == 1 ? 2 : 1;
        int64_t t_first = -1;
        size_t sent = 0;
        float last_fee = 1e9f;
        for (uint32_t k = 0; k < 10; k++) {
            int64_t t;
            size_t n = th_sent_tx(h, p, ids[k], PR_MSG_FLUFF, NULL, &t);
            if (!n)
                continue;
            sent++;
            if (k < 3) {
                if (t_first < 0)
                    t_first = t;
                ASSERT_EQ(t, t_first); /* the burst, at once */
            }
        }
        ASSERT_EQ(sent, 7);
        /* the backlog's four: fee rates 10, 9, 7, 6 (2 and 3 and 4 dropped: the lowest of the seven),
         * each a token's time after the one before, best first */
        const float want[4] = {10, 9, 7, 6};
        int64_t prev = t_first;
        for (int w = 0; w < 4; w++) {
            uint32_t k = 0;
            while (fees[k] != want[w])
                k++;
            int64_t t;
            ASSERT_EQ(th_sent_tx(h, p, ids[k], PR_MSG_FLUFF, NULL, &t), 1);
            ASSERT_NEAR((double)(t - prev) / 1e9, 1.0 / rate, 1e-3);
            ASSERT_TRUE(fees[k] <= last_fee);
            last_fee = fees[k];
            prev = t;
        }
    }
    struct pr_node_stats st;
    pr_node_stats(th_get(h, 0), &st);
    ASSERT_U64(st.defence_dropped, 6); /* three per neighbour */
    ASSERT_EQ(th_count(h, PR_EV_TX_REJECTED, 0, 0), 0); /* it judges nothing */
    th_free(h);
}

TEST(token_bucket_node_scope_shares_one_bucket)
{
    uint64_t ids[10];
    float fees[10];
    /* one bucket (rate_out 2, burst 3) for both neighbours: 3 sends at once in all, then 2 a second */
    struct th *h = bucket_node(100, 2, 3, 1, 100, ids, fees);
    int64_t times[20];
    size_t n = 0;
    for (uint32_t p = 1; p <= 2; p++)
        for (uint32_t k = 0; k < 10; k++) {
            int64_t t;
            if (th_sent_tx(h, p, ids[k], PR_MSG_FLUFF, NULL, &t))
                times[n++] = t;
        }
    ASSERT_EQ(n, 20);
    int64_t t0 = INT64_MAX, t1 = 0;
    for (size_t i = 0; i < n; i++) {
        t0 = times[i] < t0 ? times[i] : t0;
        t1 = times[i] > t1 ? times[i] : t1;
    }
    /* 20 sends, 3 from the burst, 17 at 2 a second: 8.5 s (a token at a time, a timer per link) */
    ASSERT_NEAR((double)(t1 - t0) / 1e9, 17 / 2.0, 0.6);
    th_free(h);
}

/* A node with outbound peers 1 and 2 and inbound 3, 4 and 5 (external), no Dandelion++, flush at once. */
static struct th *hub5(struct pr_config *c)
{
    c->dandelion_enabled = false;
    c->flush_in_ns = c->flush_out_ns = 0;
    struct th *h = th_new(6, c);
    th_node(h, 0, 1e9, false);
    th_link(h, 0, 1);
    th_link(h, 0, 2);
    for (uint32_t p = 3; p <= 5; p++)
        th_link(h, p, 0);
    th_start(h);
    return h;
}

static struct pr_tx fee_tx(uint32_t k, float fee)
{
    struct pr_tx t = th_tx(((uint64_t)9) << 32 | k, 0);
    t.fee = fee;
    return t;
}

TEST(fee_floor_rises_past_what_a_full_pool_evicts_and_halves)
{
    struct pr_config c;
    pr_config_default(&c);
    c.defence = pr_defence_find("fee_floor");
    c.defence_params[0] = 1;   /* increment */
    c.defence_params[1] = 100; /* halflife_s */
    c.defence_params[2] = 0;   /* start */
    c.mempool_max_bytes = 5 * 1535;
    struct th *h = hub5(&c);
    for (uint32_t k = 1; k <= 6; k++) {
        struct pr_tx t = fee_tx(k, 10.0f * (float)k); /* 10 .. 60: the sixth evicts 10 */
        th_inject_txs(h, 3, 0, PR_MSG_FLUFF, &t, 1);
    }
    th_run_until(h, S(1));
    ASSERT_EQ(th_count(h, PR_EV_TX_REJECTED, 0, 0), 0);
    /* the floor is now 11: a fee rate of 10.5 is refused (answered dropped, counted as rejected) and not
     * relayed */
    struct pr_tx low = fee_tx(7, 10.5f);
    th_inject_txs(h, 4, 0, PR_MSG_FLUFF, &low, 1);
    th_run_until(h, S(2));
    ASSERT_EQ(th_answer(h, 4, low.id, NULL), PR_ANS_DROPPED);
    ASSERT_EQ(th_count(h, PR_EV_TX_REJECTED, 0, low.id), 1);
    ASSERT_EQ(th_sent_tx(h, 1, low.id, 0, NULL, NULL), 0);
    struct pr_tx ok = fee_tx(8, 11.5f); /* above the floor: taken (and, the pool full, itself evicted) */
    th_inject_txs(h, 4, 0, PR_MSG_FLUFF, &ok, 1);
    th_run_until(h, S(3));
    ASSERT_EQ(th_count(h, PR_EV_TX_REJECTED, 0, ok.id), 0);
    /* 11.5 was refused by the pool: the floor is 12.5; two half-lives later it is 3.125 */
    th_run_until(h, S(203));
    struct pr_tx late = fee_tx(9, 3.2f), later = fee_tx(10, 3.0f);
    th_inject_txs(h, 5, 0, PR_MSG_FLUFF, &late, 1);
    th_inject_txs(h, 5, 0, PR_MSG_FLUFF, &later, 1);
    th_run_until(h, S(204));
    ASSERT_EQ(th_count(h, PR_EV_TX_REJECTED, 0, late.id), 0);
    ASSERT_EQ(th_count(h, PR_EV_TX_REJECTED, 0, later.id), 1);
    th_free(h);
}

TEST(work_floor_prices_the_node_intake_for_every_neighbour)
{
    struct pr_config c;
    pr_config_default(&c);
    c.defence = pr_defence_find("work_floor");
    c.defence_params[0] = 4;  /* k */
    c.defence_params[1] = 10; /* window_s */
    c.defence_params[2] = 1;  /* capacity: 10 new transactions per 10 s */
    c.defence_params[3] = 60; /* hold_s */
    struct th *h = hub5(&c);
    /* 11 new transactions within the window, from three different neighbours: the node's intake is too
     * much, whoever sends it; every neighbour is asked 4 x base */
    for (uint32_t k = 1; k <= 11; k++) {
        struct pr_tx t = th_tx(((uint64_t)9) << 32 | k, 1e4);
        th_inject_txs(h, 3 + k % 3, 0, PR_MSG_FLUFF, &t, 1);
    }
    th_run_until(h, S(1));
    for (uint32_t p = 1; p <= 5; p++)
        ASSERT_DBL(th_last_mindiff(h, p), 1e4);
    struct pr_tx low = th_tx(((uint64_t)9) << 32 | 50, 5000);
    th_inject_txs(h, 5, 0, PR_MSG_FLUFF, &low, 1);
    th_run_until(h, S(2));
    double req = 0;
    ASSERT_EQ(th_answer(h, 5, low.id, &req), PR_ANS_NACK);
    ASSERT_DBL(req, 1e4);
    /* quiet: after the hold it is back at base, for everyone */
    th_run_until(h, S(70));
    for (uint32_t p = 1; p <= 5; p++)
        ASSERT_DBL(th_last_mindiff(h, p), 2500);
    struct pr_peer_info pi;
    ASSERT_OK(pr_node_peer_info(th_get(h, 0), 0, &pi));
    ASSERT_DBL(pi.req, 2500);
    ASSERT_DBL(pi.req_max, 1e4);
    th_free(h);
}

TEST(credit_discounts_a_neighbour_by_its_confirmed_transactions)
{
    struct pr_config c;
    pr_config_default(&c);
    c.defence = pr_defence_find("credit");
    c.defence_params[0] = 1;    /* c */
    c.defence_params[1] = 1e6;  /* halflife_s: no decay within the test */
    struct th *h = hub5(&c);
    /* neighbour 3 sends 21 in the window: escalated to base^2 */
    uint64_t ids[21];
    for (uint32_t k = 1; k <= 21; k++) {
        struct pr_tx t = th_tx(((uint64_t)9) << 32 | k, 6.25e6);
        ids[k - 1] = t.id;
        th_inject_txs(h, 3, 0, PR_MSG_FLUFF, &t, 1);
    }
    th_run_until(h, S(1));
    ASSERT_DBL(th_last_mindiff(h, 3), 6.25e6);
    /* a block confirms 9 of neighbour 3's transactions: it is asked 6.25e6 / (1 + 9) */
    uint8_t buf[PR_WIRE_HEADER_BYTES + 16 + 8 * 9];
    uint32_t pad = 0;
    size_t len = pr_wire_encode_block(buf, sizeof buf, 77, ids, 9, &pad);
    ASSERT_TRUE(len > 0);
    th_inject(h, 4, 0, buf, len, pad);
    th_run_until(h, S(2));
    struct pr_peer_info pi;
    ASSERT_OK(pr_node_peer_info(th_get(h, 0), 2, &pi)); /* neighbour 3 is index 2 */
    ASSERT_NEAR(pi.req, 6.25e5, 1); /* a second of decay at a 1e6 s half-life */
    struct pr_tx above = th_tx(((uint64_t)9) << 32 | 100, 7e5), below = th_tx(((uint64_t)9) << 32 | 101, 6e5);
    th_inject_txs(h, 3, 0, PR_MSG_FLUFF, &above, 1);
    th_inject_txs(h, 3, 0, PR_MSG_FLUFF, &below, 1);
    th_run_until(h, S(3));
    double req = 0;
    ASSERT_EQ(th_answer(h, 3, above.id, NULL), PR_ANS_RELAYED);
    ASSERT_EQ(th_answer(h, 3, below.id, &req), PR_ANS_NACK);
    ASSERT_NEAR(req, 6.25e5, 1);
    /* a neighbour without a record gets no discount, and nobody is asked less than base */
    ASSERT_OK(pr_node_peer_info(th_get(h, 0), 3, &pi));
    ASSERT_DBL(pi.req, 2500);
    th_free(h);
}

TESTS(fee_floor_rises_past_what_a_full_pool_evicts_and_halves, work_floor_prices_the_node_intake_for_every_neighbour,
      credit_discounts_a_neighbour_by_its_confirmed_transactions,
      token_bucket_limits_what_goes_to_each_neighbour_best_fee_first,
      token_bucket_node_scope_shares_one_bucket, fixed_asks_one_work_of_everyone_and_never_repackages, registry_finds_every_defence_by_name, none_accepts_everything_and_is_pow_off,
      original_is_the_default_and_asks_what_its_rules_say)
