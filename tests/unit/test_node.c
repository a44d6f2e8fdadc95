/* node.c with relay.c at the node level: acceptance and NACK, the order count -> escalate -> judge,
 * which transactions count in the rate, MINDIFF on change and periodically, hold and relaxation through
 * timers, pow.enabled false, CPU verification delay, hostile input, sha256 verification, determinism. */
#include "test.h"

#include "powrelay/error.h"
#include "pow.h"
#include "testhost.h"

#define S PR_S
enum { NODE = 0, PEER = 1 };

static struct pr_config cfg_plain(void)
{
    struct pr_config c;
    pr_config_default(&c);
    c.flush_in_ns = c.flush_out_ns = 0; /* send at once: easier to read */
    return c;
}

/* Node 0 real; 1..n-1 external peers; `1` dialled node 0 (inbound to it), the rest are outbound. */
static struct th *star(uint32_t n, const struct pr_config *c)
{
    struct th *h = th_new(n, c);
    th_node(h, NODE, 1e6, false);
    th_link(h, PEER, NODE);
    for (uint32_t i = 2; i < n; i++)
        th_link(h, NODE, i);
    th_start(h);
    return h;
}

static uint64_t txid(uint32_t origin, uint32_t seq) { return ((uint64_t)origin + 1) << 32 | seq; }

TEST(accept_at_requirement_reject_below_with_nack)
{
    struct pr_config c = cfg_plain();
    struct th *h = star(3, &c);
    struct pr_tx low = th_tx(txid(9, 1), 2499.999), ok = th_tx(txid(9, 2), 2500);
    th_inject_txs(h, PEER, NODE, PR_MSG_FLUFF, &low, 1);
    th_inject_txs(h, PEER, NODE, PR_MSG_FLUFF, &ok, 1);
    th_run_until(h, S(1));
    double req = 0;
    ASSERT_EQ(th_answer(h, PEER, low.id, &req), PR_ANS_NACK);
    ASSERT_DBL(req, 2500);
    ASSERT_EQ(th_answer(h, PEER, ok.id, NULL), PR_ANS_RELAYED);
    ASSERT_TRUE(!pr_node_has_tx(th_get(h, NODE), low.id, NULL));
    ASSERT_TRUE(pr_node_has_tx(th_get(h, NODE), ok.id, NULL));
    ASSERT_EQ(th_count(h, PR_EV_TX_REJECTED, NODE, low.id), 1);
    /* the accepted one is relayed to the other peer, not back */
    ASSERT_EQ(th_sent_tx(h, 2, ok.id, PR_MSG_FLUFF, NULL, NULL), 1);
    ASSERT_EQ(th_sent_tx(h, PEER, ok.id, 0, NULL, NULL), 0);
    struct pr_node_stats st;
    pr_node_stats(th_get(h, NODE), &st);
    ASSERT_U64(st.txs_rejected, 1);
    ASSERT_U64(st.txs_accepted, 1);
    ASSERT_U64(st.tx_deliveries, 2);
    th_free(h);
}

TEST(duplicate_answered_have)
{
    struct pr_config c = cfg_plain();
    struct th *h = star(3, &c);
    struct pr_tx t = th_tx(txid(9, 1), 2500);
    th_inject_txs(h, PEER, NODE, PR_MSG_FLUFF, &t, 1);
    th_run_until(h, S(1));
    th_sent_clear(h);
    th_inject_txs(h, PEER, NODE, PR_MSG_FLUFF, &t, 1);
    th_inject_txs(h, 2, NODE, PR_MSG_FLUFF, &t, 1);
    th_run_until(h, S(2));
    ASSERT_EQ(th_answer(h, PEER, t.id, NULL), PR_ANS_HAVE);
    ASSERT_EQ(th_answer(h, 2, t.id, NULL), PR_ANS_HAVE);
    ASSERT_EQ(th_sent_tx(h, UINT32_MAX, t.id, 0, NULL, NULL), 0); /* not relayed again */
    th_free(h);
}

TEST(count_then_escalate_then_judge)
{
    struct pr_config c = cfg_plain();
    struct th *h = star(3, &c);
    /* 21 new transactions in 1 s at base work: the 21st tips the rate over 2 tx/s (20 per 10 s) and is
     * judged against the new requirement. */
    for (uint32_t i = 1; i <= 21; i++) {
        struct pr_tx t = th_tx(txid(9, i), 2500);
        th_inject_txs(h, PEER, NODE, PR_MSG_FLUFF, &t, 1);
        th_run_until(h, S(0.05) * i);
    }
    th_run_until(h, S(2));
    for (uint32_t i = 1; i <= 20; i++)
        ASSERT_EQ(th_answer(h, PEER, txid(9, i), NULL), PR_ANS_RELAYED);
    double req = 0;
    ASSERT_EQ(th_answer(h, PEER, txid(9, 21), &req), PR_ANS_NACK);
    ASSERT_DBL(req, 6250000);
    /* the peer was told at once */
    ASSERT_DBL(th_last_mindiff(h, PEER), 6250000);
    ASSERT_EQ(th_count(h, PR_EV_REQ_CHANGED, NODE, 0), 1);
    struct pr_peer_info pi;
    for (size_t i = 0; i < pr_node_peer_count(th_get(h, NODE)); i++) {
        pr_node_peer_info(th_get(h, NODE), i, &pi);
        ASSERT_DBL(pi.req, pi.peer == PEER ? 6250000 : 2500);
    }
    th_free(h);
}

static size_t escalations_for(enum pr_rate_count count)
{
    struct pr_config c = cfg_plain();
    c.count = count;
    struct th *h = star(3, &c);
    /* 10 new transactions, then each of them 5 more times: 60 deliveries in 6 s */
    for (uint32_t round = 0; round < 6; round++)
        for (uint32_t i = 1; i <= 10; i++) {
            struct pr_tx t = th_tx(txid(9, i), 2500);
            th_inject_txs(h, PEER, NODE, PR_MSG_FLUFF, &t, 1);
            th_run_until(h, S(round) + S(0.1) * i);
        }
    th_run_until(h, S(10));
    size_t n = th_count(h, PR_EV_REQ_CHANGED, NODE, 0);
    th_free(h);
    return n;
}

TEST(rate_counts_new_transactions_or_all)
{
    ASSERT_EQ(escalations_for(PR_COUNT_NEW), 0);
    ASSERT_EQ(escalations_for(PR_COUNT_ALL), 1);
}

TEST(mindiff_periodic_and_on_change)
{
    struct pr_config c = cfg_plain();
    struct th *h = star(3, &c);
    th_run_until(h, S(100));
    /* every 30 s from a random phase in the first 30 s: 3 or 4 in 100 s, each to every peer */
    size_t k = th_sent_of_type(h, PEER, PR_MSG_MINDIFF);
    ASSERT_TRUE(k == 3 || k == 4);
    ASSERT_EQ(th_sent_of_type(h, 2, PR_MSG_MINDIFF), k);
    ASSERT_DBL(th_last_mindiff(h, PEER), 2500);
    th_free(h);
}

TEST(hold_then_relax_through_timers)
{
    struct pr_config c = cfg_plain();
    struct th *h = star(3, &c);
    for (uint32_t i = 1; i <= 21; i++) {
        struct pr_tx t = th_tx(txid(9, i), 2500);
        th_inject_txs(h, PEER, NODE, PR_MSG_FLUFF, &t, 1);
    }
    th_run_until(h, S(1));
    struct pr_peer_info pi;
    pr_node_peer_info(th_get(h, NODE), 0, &pi);
    ASSERT_DBL(pi.req, 6250000);
    th_run_until(h, S(60)); /* hold lasts T = 60 s from the escalation at 0.05 s */
    pr_node_peer_info(th_get(h, NODE), 0, &pi);
    ASSERT_DBL(pi.req, 6250000);
    th_run_until(h, S(60.1));
    pr_node_peer_info(th_get(h, NODE), 0, &pi);
    ASSERT_DBL(pi.req, 2500);
    ASSERT_DBL(pi.req_max, 6250000);
    ASSERT_EQ(th_count(h, PR_EV_REQ_CHANGED, NODE, 0), 2);
    ASSERT_DBL(th_last_mindiff(h, PEER), 2500);
    th_run_until(h, S(400));
    ASSERT_EQ(th_count(h, PR_EV_REQ_CHANGED, NODE, 0), 2); /* never below base */
    th_free(h);
}

TEST(their_requirement_from_mindiff_capped)
{
    struct pr_config c = cfg_plain();
    struct th *h = star(3, &c);
    th_inject_mindiff(h, PEER, NODE, 1e4);
    th_run_until(h, S(1));
    struct pr_peer_info pi;
    pr_node_peer_info(th_get(h, NODE), 0, &pi);
    ASSERT_DBL(pi.their_req, 1e4);
    th_inject_mindiff(h, PEER, NODE, 1e13); /* above difficulty.max: refused */
    th_run_until(h, S(2));
    pr_node_peer_info(th_get(h, NODE), 0, &pi);
    ASSERT_DBL(pi.their_req, 1e4);
    struct pr_node_stats st;
    pr_node_stats(th_get(h, NODE), &st);
    ASSERT_U64(st.messages_invalid, 1);
    th_free(h);
}

TEST(pow_disabled_switches_every_rule_off)
{
    struct pr_config c = cfg_plain();
    c.pow_enabled = false;
    struct th *h = star(3, &c);
    for (uint32_t i = 1; i <= 200; i++) {
        struct pr_tx t = th_tx(txid(9, i), 0);
        th_inject_txs(h, PEER, NODE, PR_MSG_FLUFF, &t, 1);
    }
    th_run_until(h, S(100));
    for (uint32_t i = 1; i <= 200; i++)
        ASSERT_EQ(th_answer(h, PEER, txid(9, i), NULL), PR_ANS_RELAYED);
    ASSERT_EQ(th_count(h, PR_EV_REQ_CHANGED, NODE, 0), 0);
    ASSERT_EQ(th_sent_of_type(h, UINT32_MAX, PR_MSG_MINDIFF), 0);
    th_free(h);
}

TEST(hostile_bytes_dropped_and_node_keeps_working)
{
    struct pr_config c = cfg_plain();
    struct th *h = star(3, &c);
    const uint8_t junk[] = {1, 2, 0xff, 0xff, 9, 9, 9};
    th_inject(h, PEER, NODE, junk, sizeof junk, 0);
    th_inject(h, PEER, NODE, junk, 0, 0);
    uint8_t trunc[64];
    struct pr_tx t = th_tx(txid(9, 1), 2500);
    uint32_t pad;
    size_t len = pr_wire_encode_txs(trunc, sizeof trunc, PR_MSG_FLUFF, &t, 1, &pad);
    th_inject(h, PEER, NODE, trunc, len - 1, pad);
    th_inject(h, PEER, NODE, trunc, len, pad - 1);
    th_run_until(h, S(1));
    struct pr_node_stats st;
    pr_node_stats(th_get(h, NODE), &st);
    ASSERT_U64(st.messages_invalid, 4);
    ASSERT_EQ(th_count(h, PR_EV_MSG_INVALID, NODE, 0), 4);
    th_inject(h, PEER, NODE, trunc, len, pad);
    th_run_until(h, S(2));
    ASSERT_EQ(th_answer(h, PEER, t.id, NULL), PR_ANS_RELAYED);
    ASSERT_EQ(pr_node_receive(th_get(h, NODE), 77, trunc, len, pad), PR_ERR_NOT_PEER);
    th_free(h);
}

TEST(verification_delays_processing)
{
    struct pr_config c = cfg_plain();
    c.verify_ns = 1000 * 1000; /* 1 ms per transaction */
    struct th *h = star(3, &c);
    struct pr_tx b[5];
    for (uint32_t i = 0; i < 5; i++)
        b[i] = th_tx(txid(9, i + 1), 2500);
    th_inject_txs(h, PEER, NODE, PR_MSG_FLUFF, b, 5);
    th_run_until(h, S(1));
    /* arrives at 50 ms, verified by 55 ms, relayed then */
    int64_t t = 0;
    ASSERT_EQ(th_sent_tx(h, 2, b[4].id, PR_MSG_FLUFF, NULL, &t), 1);
    ASSERT_EQ(t, S(0.055));
    th_free(h);
}

TEST(sha256_forged_proof_rejected)
{
    struct pr_config c = cfg_plain();
    c.pow_mode = PR_POW_SHA256;
    c.pow_base = 16;
    struct th *h = star(3, &c);
    /* find a real proof for base 16 */
    uint64_t id = txid(9, 1), nonce = 0;
    double w = 0;
    while ((w = pr_pow_sha256_work(id, ++nonce)) <= 16)
        ;
    struct pr_tx good = {.id = id, .size = 1535, .fee = 80, .work = w, .nonce = nonce};
    struct pr_tx forged = {.id = txid(9, 2), .size = 1535, .fee = 80, .work = 1e6, .nonce = 1};
    th_inject_txs(h, PEER, NODE, PR_MSG_FLUFF, &good, 1);
    th_inject_txs(h, PEER, NODE, PR_MSG_FLUFF, &forged, 1);
    th_run_until(h, S(1));
    ASSERT_EQ(th_answer(h, PEER, good.id, NULL), PR_ANS_RELAYED);
    ASSERT_EQ(th_answer(h, PEER, forged.id, NULL), PR_ANS_NACK);
    ASSERT_EQ(th_count(h, PR_EV_MSG_INVALID, NODE, 0), 1);
    th_free(h);
}

/* A small network of real nodes with honest traffic: the event sequence is a function of the seed. */
static uint64_t run_network(uint64_t seed)
{
    struct pr_config c;
    pr_config_default(&c);
    c.seed = seed;
    c.embargo_ns = S(5);
    struct th *h = th_new(8, &c);
    for (uint32_t i = 0; i < 8; i++)
        th_node(h, i, 2000, false);
    for (uint32_t i = 0; i < 8; i++) /* a ring plus chords, every node dials two */
        for (uint32_t d = 1; d <= 2; d++)
            th_link(h, i, (i + d * 3) % 8);
    th_start(h);
    for (uint32_t k = 0; k < 20; k++) {
        th_run_until(h, S(3) * k);
        struct pr_tx_request rq = {.size = 1535, .fee = 80, .wallet_hashrate = 500, .work = -1};
        pr_node_submit_tx(th_get(h, k % 8), &rq, NULL);
    }
    th_run_until(h, S(300));
    uint64_t d = th_digest(h);
    /* every honest transaction reached every node */
    const struct pr_event *evs;
    size_t n = th_events(h, &evs);
    size_t accepted = 0;
    for (size_t i = 0; i < n; i++)
        accepted += evs[i].type == PR_EV_TX_ACCEPTED;
    th_free(h);
    return accepted == 20 * 8 ? d : 0;
}

TEST(same_seed_same_event_sequence)
{
    uint64_t a = run_network(1), b = run_network(1), c = run_network(2);
    ASSERT_TRUE(a != 0);
    ASSERT_U64(a, b);
    ASSERT_TRUE(c != 0 && c != a);
}

TESTS(accept_at_requirement_reject_below_with_nack, duplicate_answered_have, count_then_escalate_then_judge,
      rate_counts_new_transactions_or_all, mindiff_periodic_and_on_change, hold_then_relax_through_timers,
      their_requirement_from_mindiff_capped, pow_disabled_switches_every_rule_off,
      hostile_bytes_dropped_and_node_keeps_working, verification_delays_processing, sha256_forged_proof_rejected,
      same_seed_same_event_sequence)
