/* attacker.c: flood pays each peer's current requirement in round robin; under_limit keeps every
 * connection at 90% of the rate limit; lowball only targets peers still asking base; cheapest sends to
 * the peer asking least; without PoW the flood goes at its rate; attackers relay nothing; the solver
 * queue bounds what they can attempt; a solve expected to outlast the horizon is skipped and counted,
 * and a peer that relaxed is used again; every hash spent is reported. */
#include "test.h"

#include "defence.h"
#include "node_internal.h"
#include "powrelay/error.h"
#include "testhost.h"

#define S PR_S
enum { ATK = 0 };

static struct th *attacker_h(uint32_t npeers, const struct pr_config *c, double hashrate, enum pr_attack_strategy s,
                             double rate, double horizon_s)
{
    struct th *h = th_new(1 + npeers, c);
    th_node(h, ATK, hashrate, true);
    for (uint32_t p = 1; p <= npeers; p++)
        th_link(h, ATK, p);
    struct pr_attack a = {.strategy = s, .rate = rate, .fee = 20, .size = 1535, .start_ns = S(1), .stop_ns = S(101),
                          .max_solve_s = horizon_s};
    if (pr_node_set_attack(th_get(h, ATK), &a) != PR_OK)
        abort();
    th_start(h);
    return h;
}

/* No horizon. */
static struct th *attacker(uint32_t npeers, const struct pr_config *c, double hashrate, enum pr_attack_strategy s,
                           double rate)
{
    return attacker_h(npeers, c, hashrate, s, rate, 0);
}

/* Spam records sent to peer p: count, and the work of each in order. */
static size_t spam_to(struct th *h, uint32_t p, double *works, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < th_sent_count(h); i++) {
        const struct th_sent *m = th_sent_at(h, i);
        struct pr_msg msg;
        if (m->to != p || pr_wire_decode(m->bytes, m->len, m->pad, &msg) != PR_OK || msg.type != PR_MSG_FLUFF)
            continue;
        for (size_t j = 0; j < msg.count; j++) {
            struct pr_tx t;
            pr_wire_tx_at(&msg, j, &t);
            if (k < cap && works)
                works[k] = t.work;
            k++;
        }
    }
    return k;
}

static struct pr_config cfg(void)
{
    struct pr_config c;
    pr_config_default(&c);
    return c;
}

TEST(flood_pays_each_peers_current_requirement)
{
    struct pr_config c = cfg();
    struct th *h = attacker(2, &c, 1e8, PR_ATTACK_FLOOD, 10);
    th_inject_mindiff(h, 1, ATK, 1e4);
    th_run_until(h, S(200));
    double w1[2000], w2[2000];
    size_t n1 = spam_to(h, 1, w1, 2000), n2 = spam_to(h, 2, w2, 2000);
    /* 10 attempts/s for 100 s, alternating peers */
    ASSERT_NEAR(n1, 500, 2);
    ASSERT_NEAR(n2, 500, 2);
    for (size_t i = 0; i < n1; i++)
        ASSERT_DBL(w1[i], 1e4);
    for (size_t i = 0; i < n2; i++)
        ASSERT_DBL(w2[i], 2500);
    ASSERT_EQ(th_count(h, PR_EV_TX_CREATED, ATK, 0), n1 + n2);
    th_free(h);
}

TEST(under_limit_keeps_each_connection_at_ninety_percent)
{
    struct pr_config c = cfg();
    struct th *h = attacker(3, &c, 1e8, PR_ATTACK_UNDER_LIMIT, 100);
    th_run_until(h, S(200));
    double w[1000];
    for (uint32_t p = 1; p <= 3; p++) {
        size_t n = spam_to(h, p, w, 1000);
        ASSERT_NEAR(n, 0.9 * 2 * 100, 2); /* 1.8 tx/s for 100 s */
        for (size_t i = 0; i < n; i++)
            ASSERT_DBL(w[i], 2500);
    }
    th_free(h);
}

TEST(lowball_only_to_peers_asking_base)
{
    struct pr_config c = cfg();
    struct th *h = attacker(3, &c, 1e8, PR_ATTACK_LOWBALL, 10);
    th_inject_mindiff(h, 1, ATK, 1e4);
    th_run_until(h, S(200));
    ASSERT_EQ(spam_to(h, 1, NULL, 0), 0);
    size_t n2 = spam_to(h, 2, NULL, 0), n3 = spam_to(h, 3, NULL, 0);
    ASSERT_NEAR(n2 + n3, 1000, 3);
    ASSERT_NEAR(n2, n3, 2);
    th_free(h);
}

TEST(lowball_stops_when_all_escalate)
{
    struct pr_config c = cfg();
    struct th *h = attacker(2, &c, 1e8, PR_ATTACK_LOWBALL, 10);
    th_run_until(h, S(50));
    size_t mid = spam_to(h, 1, NULL, 0) + spam_to(h, 2, NULL, 0);
    th_inject_mindiff(h, 1, ATK, 1e4);
    th_inject_mindiff(h, 2, ATK, 1e4);
    th_run_until(h, S(200));
    size_t end = spam_to(h, 1, NULL, 0) + spam_to(h, 2, NULL, 0);
    ASSERT_TRUE(end - mid <= 2); /* at most what was in flight */
    ASSERT_TRUE(th_count(h, PR_EV_TX_DROPPED, ATK, 0) > 400);
    th_free(h);
}

TEST(no_pow_flood_at_rate)
{
    struct pr_config c = cfg();
    c.pow_enabled = false;
    struct th *h = attacker(4, &c, 0, PR_ATTACK_FLOOD, 40);
    th_run_until(h, S(200));
    size_t total = 0;
    for (uint32_t p = 1; p <= 4; p++)
        total += spam_to(h, p, NULL, 0);
    ASSERT_NEAR(total, 4000, 2);
    ASSERT_EQ(th_count(h, PR_EV_TX_SOLVED, ATK, 0), 0);
    th_free(h);
}

TEST(attacker_relays_nothing)
{
    struct pr_config c = cfg();
    struct th *h = attacker(2, &c, 1e8, PR_ATTACK_FLOOD, 1);
    struct pr_tx t = th_tx(((uint64_t)10) << 32 | 1, 2500);
    th_inject_txs(h, 1, ATK, PR_MSG_FLUFF, &t, 1);
    th_run_until(h, S(0.5));
    ASSERT_EQ(th_answer(h, 1, t.id, NULL), PR_ANS_RELAYED);
    ASSERT_EQ(th_sent_tx(h, 2, t.id, 0, NULL, NULL), 0);
    ASSERT_EQ(th_sent_of_type(h, UINT32_MAX, PR_MSG_MINDIFF), 0);
    th_free(h);
}

TEST(attacker_limited_by_hashrate_and_queue)
{
    struct pr_config c = cfg();
    c.pow_queue_max = 4;
    /* 2500 hashes per tx at 2500 H/s: about 1 tx/s can be solved, 100/s are attempted */
    struct th *h = attacker(2, &c, 2500, PR_ATTACK_FLOOD, 100);
    th_run_until(h, S(101));
    size_t sent = spam_to(h, 1, NULL, 0) + spam_to(h, 2, NULL, 0);
    ASSERT_NEAR(sent, 100, 35);
    struct pr_node_stats st;
    pr_node_stats(th_get(h, ATK), &st);
    ASSERT_TRUE(st.solver_dropped > 9000);
    /* every spam transaction's hashes are reported */
    const struct pr_event *evs;
    size_t n = th_events(h, &evs);
    double hashes = 0;
    for (size_t i = 0; i < n; i++)
        if (evs[i].type == PR_EV_TX_SOLVED && evs[i].flags == PR_SOLVE_SPAM)
            hashes += evs[i].a;
    ASSERT_NEAR(hashes / (double)sent, 2500, 600);
    th_free(h);
}

/* The spam sent to peer p in (from, to]. */
static size_t spam_to_between(struct th *h, uint32_t p, int64_t from, int64_t to)
{
    size_t k = 0;
    for (size_t i = 0; i < th_sent_count(h); i++) {
        const struct th_sent *m = th_sent_at(h, i);
        struct pr_msg msg;
        if (m->to == p && m->t_ns > from && m->t_ns <= to &&
            pr_wire_decode(m->bytes, m->len, m->pad, &msg) == PR_OK && msg.type == PR_MSG_FLUFF)
            k += msg.count;
    }
    return k;
}

static double spam_hashes(const struct th *h)
{
    const struct pr_event *evs;
    size_t n = th_events(h, &evs);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        if ((evs[i].type == PR_EV_TX_SOLVED || evs[i].type == PR_EV_HASHES_CUT) && evs[i].node == ATK)
            sum += evs[i].a;
    return sum;
}

TEST(flood_skips_solves_beyond_its_horizon_and_comes_back_when_relaxed)
{
    struct pr_config c = cfg();
    /* 1e5 H/s, horizon 60 s: 6e6 hashes at most. Peer 1 asks 1e12 from the start, relaxes at 50 s. */
    struct th *h = attacker_h(2, &c, 1e5, PR_ATTACK_FLOOD, 10, 60);
    th_inject_mindiff(h, 1, ATK, 1e12);
    th_run_until(h, S(50));
    ASSERT_EQ(spam_to_between(h, 1, S(1), S(50)), 0);
    size_t to2 = spam_to_between(h, 2, S(1), S(50));
    ASSERT_NEAR(to2, 5 * 49, 3); /* every other attempt, at 10 a second */
    struct pr_node_stats st;
    pr_node_stats(th_get(h, ATK), &st);
    ASSERT_NEAR(st.spam_skipped, 5 * 49, 3);
    ASSERT_U64(th_count(h, PR_EV_TX_DROPPED, ATK, 0), st.spam_skipped);
    /* the requirement is read again when a job starts: once relaxed, peer 1 gets spam again */
    th_inject_mindiff(h, 1, ATK, 2500);
    th_run_until(h, S(100));
    ASSERT_NEAR(spam_to_between(h, 1, S(51), S(100)), 5 * 49, 3);
    /* a solve within the horizon is paid: 1e6 (10 s) goes through */
    th_inject_mindiff(h, 2, ATK, 1e6);
    th_run_until(h, S(150));
    double w[4000];
    size_t n2 = spam_to(h, 2, w, 4000);
    ASSERT_DBL(w[n2 - 1], 1e6);
    th_free(h);
}

TEST(horizon_applies_to_every_strategy)
{
    /* A 10 H/s attacker cannot pay even base work (250 s) within 60 s: nothing is solved or sent. */
    for (int s = PR_ATTACK_FLOOD; s <= PR_ATTACK_CHEAPEST; s++) {
        struct pr_config c = cfg();
        struct th *h = attacker_h(2, &c, 10, (enum pr_attack_strategy)s, 5, 60);
        th_run_until(h, S(200));
        ASSERT_EQ(spam_to(h, 1, NULL, 0) + spam_to(h, 2, NULL, 0), 0);
        ASSERT_EQ(th_count(h, PR_EV_TX_SOLVED, ATK, 0), 0);
        struct pr_node_stats st;
        pr_node_stats(th_get(h, ATK), &st);
        ASSERT_TRUE(st.spam_skipped > 100);
        th_free(h);
    }
}

TEST(cheapest_sends_to_the_peer_asking_least)
{
    struct pr_config c = cfg();
    struct th *h = attacker(4, &c, 1e8, PR_ATTACK_CHEAPEST, 10);
    th_inject_mindiff(h, 1, ATK, 1e4);
    th_inject_mindiff(h, 2, ATK, 5000);
    th_run_until(h, S(50));
    /* peers 3 and 4 tie at base: round robin between them, each paid 2500 */
    ASSERT_EQ(spam_to(h, 1, NULL, 0) + spam_to(h, 2, NULL, 0), 0);
    double w3[1000], w4[1000];
    size_t n3 = spam_to(h, 3, w3, 1000), n4 = spam_to(h, 4, w4, 1000);
    ASSERT_NEAR(n3 + n4, 490, 3);
    ASSERT_NEAR(n3, n4, 1);
    ASSERT_DBL(w3[0], 2500);
    ASSERT_DBL(w4[n4 - 1], 2500);
    /* peer 3 and 4 escalate: the cheapest is now peer 2, paid its 5000 */
    th_inject_mindiff(h, 3, ATK, 6.25e6);
    th_inject_mindiff(h, 4, ATK, 6.25e6);
    th_run_until(h, S(100));
    double w2[1000];
    size_t n2 = spam_to(h, 2, w2, 1000);
    ASSERT_NEAR(n2, 500, 5); /* 10 a second from 50 s to 100 s */
    ASSERT_DBL(w2[n2 - 1], 5000);
    ASSERT_EQ(spam_to(h, 1, NULL, 0), 0);
    th_free(h);
}

TEST(attacker_hashes_are_rate_times_busy_time)
{
    /* Solves finished and the one cut off by the end: hash rate x the time the solver was busy. */
    struct pr_config c = cfg();
    struct th *h = attacker_h(3, &c, 5000, PR_ATTACK_FLOOD, 10, 60);
    th_inject_mindiff(h, 2, ATK, 1e5);
    th_run_until(h, S(70.3));
    pr_node_finish(th_get(h, ATK));
    double busy = th_timer_seconds(h, ATK, PR_T_SOLVER, th_now(h));
    ASSERT_TRUE(busy > 65); /* 10 attempts/s cannot be paid at 5000 H/s: always busy */
    double spent = spam_hashes(h);
    ASSERT_NEAR(spent / (5000 * busy), 1, 1e-6);
    th_free(h);
}

/* An attacker linked to nodes 1 and 2, no PoW (every attempt is sent), not started. */
static struct th *no_pow_pair(void)
{
    struct pr_config c = cfg();
    c.pow_enabled = false;
    struct th *h = th_new(3, &c);
    th_node(h, ATK, 0, true);
    th_link(h, ATK, 1);
    th_link(h, ATK, 2);
    return h;
}

/* An attack from 60 s to 100 s (stop before twice the start) runs at its rate over its window only: the
 * first attempt's delay counts from now, not from the start again. */
TEST(late_short_attack_runs_its_window)
{
    struct th *h = no_pow_pair();
    struct pr_attack a = {.strategy = PR_ATTACK_FLOOD, .rate = 10, .fee = 20, .size = 1535, .start_ns = S(60),
                          .stop_ns = S(100)};
    ASSERT_OK(pr_node_set_attack(th_get(h, ATK), &a));
    th_start(h);
    th_run_until(h, S(150));
    size_t total = spam_to(h, 1, NULL, 0) + spam_to(h, 2, NULL, 0);
    ASSERT_NEAR(total, 400, 1);
    ASSERT_EQ(spam_to_between(h, 1, 0, S(60)) + spam_to_between(h, 2, 0, S(60)), 0);
    th_free(h);
}

TEST(attack_rate_follows_its_schedule)
{
    /* 2 a second until 40 s, none until 60 s, then 8 a second; no PoW: every attempt is sent. An interval
     * that crosses a step goes on at the new rate. */
    struct th *h = no_pow_pair();
    static const struct pr_rate_step steps[] = {{PR_S(40), 0}, {PR_S(60), 8}};
    struct pr_attack a = {.strategy = PR_ATTACK_FLOOD, .rate = 2, .fee = 20, .size = 1535, .start_ns = S(0),
                          .stop_ns = S(100), .schedule = steps, .n_schedule = 2};
    ASSERT_OK(pr_node_set_attack(th_get(h, ATK), &a));
    th_start(h);
    th_run_until(h, S(120));
    size_t before = spam_to_between(h, 1, 0, S(40)) + spam_to_between(h, 2, 0, S(40));
    size_t pause = spam_to_between(h, 1, S(40.3), S(60)) + spam_to_between(h, 2, S(40.3), S(60));
    size_t after = spam_to_between(h, 1, S(60), S(100.5)) + spam_to_between(h, 2, S(60), S(100.5));
    ASSERT_NEAR(before, 80, 1);
    ASSERT_EQ(pause, 0);
    ASSERT_NEAR(after, 320, 2);
    th_free(h);
    /* a schedule whose times do not increase is refused */
    static const struct pr_rate_step bad[] = {{PR_S(40), 1}, {PR_S(40), 2}};
    h = no_pow_pair();
    a.schedule = bad;
    ASSERT_EQ(pr_node_set_attack(th_get(h, ATK), &a), PR_ERR_INVALID);
    th_free(h);
}

/* Under a defence whose least requirement is above pow.base (fixed), "the base" the strategies pay is
 * that floor: under_limit pays it on every connection, lowball sends only to peers asking just it. */
TEST(base_paying_strategies_pay_the_defences_floor)
{
    struct pr_config c = cfg();
    c.defence = pr_defence_find("fixed");
    c.defence_params[0] = 3e4;
    struct th *h = attacker(3, &c, 1e8, PR_ATTACK_UNDER_LIMIT, 100);
    for (uint32_t p = 1; p <= 3; p++)
        th_inject_mindiff(h, p, ATK, 3e4);
    th_run_until(h, S(200));
    double w[1000];
    for (uint32_t p = 1; p <= 3; p++) {
        size_t n = spam_to(h, p, w, 1000);
        ASSERT_NEAR(n, 0.9 * 2 * 100, 2);
        for (size_t i = 0; i < n; i++)
            ASSERT_DBL(w[i], 3e4);
    }
    th_free(h);
    h = attacker(3, &c, 1e8, PR_ATTACK_LOWBALL, 10);
    th_inject_mindiff(h, 1, ATK, 3e4);
    th_inject_mindiff(h, 2, ATK, 3e4);
    th_inject_mindiff(h, 3, ATK, 6e4); /* asks more than the floor: never used */
    th_run_until(h, S(200));
    ASSERT_EQ(spam_to(h, 3, NULL, 0), 0);
    size_t n1 = spam_to(h, 1, w, 1000), n2 = spam_to(h, 2, NULL, 0);
    ASSERT_NEAR(n1 + n2, 1000, 3);
    ASSERT_DBL(w[0], 3e4);
    th_free(h);
}

TESTS(base_paying_strategies_pay_the_defences_floor, attack_rate_follows_its_schedule, late_short_attack_runs_its_window, flood_pays_each_peers_current_requirement, under_limit_keeps_each_connection_at_ninety_percent,
      lowball_only_to_peers_asking_base, lowball_stops_when_all_escalate, no_pow_flood_at_rate,
      attacker_relays_nothing, attacker_limited_by_hashrate_and_queue,
      flood_skips_solves_beyond_its_horizon_and_comes_back_when_relaxed, horizon_applies_to_every_strategy,
      cheapest_sends_to_the_peer_asking_least, attacker_hashes_are_rate_times_busy_time)
