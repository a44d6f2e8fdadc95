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

TESTS(fixed_asks_one_work_of_everyone_and_never_repackages, registry_finds_every_defence_by_name, none_accepts_everything_and_is_pow_off,
      original_is_the_default_and_asks_what_its_rules_say)
