/* fetch.c, relay.mode announce (docs/protocol.md#announce): announced ids are requested once, from the
 * first announcer; the others get HAVE when it arrives; a request unserved for the timeout fails and
 * goes to the next announcer; a peer failing more than 70% of at least 5 requests is dropped; a node
 * serves what is in its mempool, never its stem pool; a block ends a request without blame. */
#include "test.h"

#include "node_internal.h"
#include "powrelay/error.h"
#include "testhost.h"

#define S PR_S

static struct pr_config cfg(void)
{
    struct pr_config c;
    pr_config_default(&c);
    c.flush_in_ns = c.flush_out_ns = 0;
    c.relay_mode = PR_RELAY_ANNOUNCE;
    c.pow_enabled = false;
    return c;
}

/* Node 0 real; 1 and 2 external (1 dialled 0, 0 dialled 2). */
static struct th *three(void)
{
    struct pr_config c = cfg();
    struct th *h = th_new(3, &c);
    th_node(h, 0, 1e6, false);
    th_link(h, 1, 0);
    th_link(h, 0, 2);
    th_start(h);
    return h;
}

static void announce(struct th *h, uint32_t from, uint8_t type, const uint64_t *ids, size_t n)
{
    uint8_t buf[4 + 8 * 16];
    uint32_t pad;
    size_t len = pr_wire_encode_ids(buf, sizeof buf, type, ids, n, &pad);
    th_inject(h, from, 0, buf, len, pad);
}

/* How many times id was requested of `to`. */
static size_t requested(const struct th *h, uint32_t to, uint64_t id)
{
    size_t k = 0;
    for (size_t i = 0; i < th_sent_count(h); i++) {
        const struct th_sent *s = th_sent_at(h, i);
        struct pr_msg m;
        if (s->to != to || pr_wire_decode(s->bytes, s->len, s->pad, &m) != PR_OK || m.type != PR_MSG_REQUEST)
            continue;
        for (size_t j = 0; j < m.count; j++)
            k += pr_wire_id_at(&m, j) == id;
    }
    return k;
}

static struct pr_node_stats stats(struct th *h)
{
    struct pr_node_stats st;
    pr_node_stats(th_get(h, 0), &st);
    return st;
}

TEST(fetched_once_from_the_first_announcer)
{
    struct th *h = three();
    uint64_t a = 0x100000001ull;
    announce(h, 1, PR_MSG_ANNOUNCE, &a, 1);
    th_run_until(h, S(1));
    ASSERT_EQ(requested(h, 1, a), 1);
    announce(h, 2, PR_MSG_ANNOUNCE, &a, 1); /* the second announcer is not asked while 1 may serve */
    th_run_until(h, S(2));
    ASSERT_EQ(requested(h, 2, a), 0);
    struct pr_tx t = th_tx(a, 2500);
    th_inject_txs(h, 1, 0, PR_MSG_FLUFF, &t, 1);
    th_run_until(h, S(3));
    ASSERT_TRUE(pr_node_has_tx(th_get(h, 0), a, NULL));
    ASSERT_EQ(th_answer(h, 1, a, NULL), PR_ANS_RELAYED);
    ASSERT_EQ(th_answer(h, 2, a, NULL), PR_ANS_HAVE); /* its announcement answered */
    /* the node announces what it took to the others, not the transaction itself */
    ASSERT_EQ(th_sent_tx(h, 2, a, PR_MSG_FLUFF, NULL, NULL), 0);
    ASSERT_TRUE(th_sent_of_type(h, 2, PR_MSG_ANNOUNCE) >= 1);
    ASSERT_EQ(th_sent_of_type(h, 1, PR_MSG_ANNOUNCE), 0); /* not back to where it came from */
    /* announced again later: HAVE at once, no request */
    th_sent_clear(h);
    announce(h, 2, PR_MSG_ANNOUNCE, &a, 1);
    th_run_until(h, S(4));
    ASSERT_EQ(requested(h, 2, a), 0);
    ASSERT_EQ(th_answer(h, 2, a, NULL), PR_ANS_HAVE);
    ASSERT_EQ(stats(h).requests_failed, 0);
    th_free(h);
}

TEST(unserved_request_fails_after_the_timeout_and_goes_to_the_next)
{
    struct th *h = three();
    uint64_t a = 0x100000002ull;
    announce(h, 1, PR_MSG_ANNOUNCE, &a, 1);
    announce(h, 2, PR_MSG_ANNOUNCE, &a, 1);
    th_run_until(h, S(30));
    ASSERT_EQ(requested(h, 2, a), 0); /* 30 s not yet over (sent at 10 ms, the latency) */
    th_run_until(h, S(31));
    ASSERT_EQ(requested(h, 2, a), 1);
    ASSERT_EQ(stats(h).requests_failed, 1);
    ASSERT_EQ(th_get(h, 0)->peers[0].failed, 1); /* peer index 0 is node 1 */
    th_run_until(h, S(70));                         /* 2 does not serve either: given up */
    ASSERT_EQ(stats(h).requests_failed, 2);
    ASSERT_EQ(th_get(h, 0)->fetch.len, 0);
    th_free(h);
}

/* Peer 1 announces five ids and serves the first `served` of them. */
static struct th *five_asked(uint32_t announced, uint32_t served)
{
    struct th *h = three();
    uint64_t ids[5];
    for (uint32_t i = 0; i < announced; i++)
        ids[i] = 0x200000000ull + i + 1;
    announce(h, 1, PR_MSG_ANNOUNCE, ids, announced);
    th_run_until(h, S(1));
    for (uint32_t i = 0; i < served; i++) {
        struct pr_tx t = th_tx(ids[i], 2500);
        th_inject_txs(h, 1, 0, PR_MSG_FLUFF, &t, 1);
    }
    th_run_until(h, S(40));
    return h;
}

TEST(peer_failing_over_70_percent_of_5_requests_is_dropped)
{
    /* 4 of 5 failed: 80% > 70%: dropped */
    struct th *h = five_asked(5, 1);
    ASSERT_EQ(stats(h).requests_failed, 4);
    ASSERT_EQ(stats(h).peers_dropped, 1);
    ASSERT_EQ(th_count(h, PR_EV_PEER_DROPPED, 0, 0), 1);
    /* closed: what it sends is not read, and nothing more goes to it */
    size_t before = th_sent_count(h);
    struct pr_tx t = th_tx(0x300000001ull, 2500);
    th_inject_txs(h, 1, 0, PR_MSG_FLUFF, &t, 1);
    struct pr_tx u = th_tx(0x300000002ull, 2500);
    th_inject_txs(h, 2, 0, PR_MSG_FLUFF, &u, 1);
    th_run_until(h, S(41));
    ASSERT_TRUE(!pr_node_has_tx(th_get(h, 0), t.id, NULL));
    ASSERT_TRUE(pr_node_has_tx(th_get(h, 0), u.id, NULL));
    for (size_t i = before; i < th_sent_count(h); i++)
        ASSERT_TRUE(th_sent_at(h, i)->to != 1);
    th_free(h);

    /* 3 of 5 failed: 60%, kept */
    h = five_asked(5, 2);
    ASSERT_EQ(stats(h).requests_failed, 3);
    ASSERT_EQ(stats(h).peers_dropped, 0);
    th_free(h);

    /* 4 of 4 failed: fewer than 5 asked, kept */
    h = five_asked(4, 0);
    ASSERT_EQ(stats(h).requests_failed, 4);
    ASSERT_EQ(stats(h).peers_dropped, 0);
    th_free(h);
}

TEST(serves_the_mempool_not_the_stem_pool)
{
    struct th *h = three();
    uint64_t a = 0x100000003ull, unknown = 0x100000004ull;
    struct pr_tx t = th_tx(a, 2500);
    th_inject_txs(h, 1, 0, PR_MSG_FLUFF, &t, 1);
    th_run_until(h, S(1));
    uint64_t ask[2] = {a, unknown};
    th_sent_clear(h);
    announce(h, 2, PR_MSG_REQUEST, ask, 2);
    th_run_until(h, S(2));
    ASSERT_EQ(th_sent_tx(h, 2, a, PR_MSG_FLUFF, NULL, NULL), 1);
    ASSERT_EQ(th_sent_of_type(h, 2, PR_MSG_FLUFF), 1); /* the unknown one is simply not served */
    /* an own transaction in its stem phase is not served to a request */
    struct pr_tx_request rq = {.size = 1535, .fee = 80, .wallet_hashrate = 1e9, .work = 2500};
    uint64_t own;
    ASSERT_OK(pr_node_submit_tx(th_get(h, 0), &rq, &own));
    th_run_until(h, S(3));
    bool stem = false;
    ASSERT_TRUE(pr_node_has_tx(th_get(h, 0), own, &stem) && stem);
    announce(h, 2, PR_MSG_REQUEST, &own, 1);
    announce(h, 1, PR_MSG_REQUEST, &own, 1);
    th_run_until(h, S(4));
    ASSERT_EQ(th_sent_tx(h, 1, own, PR_MSG_FLUFF, NULL, NULL) + th_sent_tx(h, 2, own, PR_MSG_FLUFF, NULL, NULL), 0);
    th_free(h);
}

TEST(a_block_ends_a_request_without_blame)
{
    struct th *h = three();
    uint64_t a = 0x100000005ull;
    announce(h, 1, PR_MSG_ANNOUNCE, &a, 1);
    th_run_until(h, S(5));
    uint8_t buf[64];
    uint32_t pad;
    size_t len = pr_wire_encode_block(buf, sizeof buf, 77, &a, 1, &pad);
    th_inject(h, 2, 0, buf, len, pad);
    th_run_until(h, S(60));
    ASSERT_EQ(stats(h).requests_failed, 0);
    ASSERT_EQ(th_get(h, 0)->peers[0].asked, 0);
    ASSERT_EQ(th_get(h, 0)->fetch.len, 0);
    th_free(h);
}

/* A flush announces everything it has for a peer in one message, up to the wire's batch (1,024 ids). */
TEST(a_flush_announces_its_whole_batch_in_one_message)
{
    struct pr_config c = cfg();
    pr_config_default(&c); /* with its flush delays: what arrives together leaves together */
    c.relay_mode = PR_RELAY_ANNOUNCE;
    c.pow_enabled = false;
    struct th *h = th_new(3, &c);
    th_node(h, 0, 1e6, false);
    th_link(h, 1, 0);
    th_link(h, 0, 2);
    th_start(h);
    enum { N = 100 };
    struct pr_tx t[N];
    for (size_t i = 0; i < N; i++)
        t[i] = th_tx(0x200000000ull + i, 2500);
    th_inject_txs(h, 1, 0, PR_MSG_FLUFF, t, N);
    th_run_until(h, S(60));
    size_t msgs = 0, ids = 0;
    for (size_t i = 0; i < th_sent_count(h); i++) {
        const struct th_sent *s = th_sent_at(h, i);
        struct pr_msg m;
        if (s->to == 2 && pr_wire_decode(s->bytes, s->len, s->pad, &m) == PR_OK && m.type == PR_MSG_ANNOUNCE) {
            msgs++;
            ids += m.count;
        }
    }
    ASSERT_EQ(ids, N);
    ASSERT_EQ(msgs, 1);
    th_free(h);
}

TESTS(fetched_once_from_the_first_announcer, unserved_request_fails_after_the_timeout_and_goes_to_the_next,
      peer_failing_over_70_percent_of_5_requests_is_dropped, serves_the_mempool_not_the_stem_pool,
      a_block_ends_a_request_without_blame, a_flush_announces_its_whole_batch_in_one_message)
