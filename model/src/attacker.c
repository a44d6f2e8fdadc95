/* Attackers (docs/protocol.md#attackers): spam sent as single-transaction fluff messages, one peer at a
 * time, by strategy: flood (round robin, pays each peer's current requirement), under_limit (every
 * connection at 90% of the rate limit, base work), lowball (base work, only to peers still asking
 * base) and cheapest (the peer asking least, paid). Each spam is a job on the attacker's solver
 * (work.h); a rational attacker never starts a solve it expects to take longer than its horizon. */
#include "attacker.h"

#include <math.h>

#include "defence.h"
#include "hostcall.h"
#include "node_internal.h"
#include "relay.h"
#include "work.h"

/* The attempted rate at t (the schedule's step, or the plain rate before it), capped as the strategy says. */
static double attempts_at(const struct pr_node *n, int64_t t)
{
    const struct pr_attack *a = &n->attack;
    double r = a->rate;
    for (size_t i = 0; i < a->n_schedule && a->schedule[i].t_ns <= t; i++)
        r = a->schedule[i].rate;
    if (a->strategy == PR_ATTACK_UNDER_LIMIT) {
        double all = 0.9 * n->cfg->rate_limit * n->npeers;
        return r < all ? r : all;
    }
    return r;
}

static double attempts_per_s(struct pr_node *n) { return attempts_at(n, pr_now(n)); }

static int64_t interval_ns(struct pr_node *n)
{
    double r = attempts_per_s(n);
    return r > 0 ? (int64_t)(1e9 / r) : INT64_MAX / 4;
}

/* With a schedule: when the next attempt falls after `now`, `left` of an interval away (1 after an
 * attempt). An interval that crosses a step goes on at the new rate for the part of it still to come; a
 * rate of 0 waits for the next step. */
static int64_t next_attempt(const struct pr_node *n, int64_t now, double left)
{
    const struct pr_attack *a = &n->attack;
    int64_t t = now;
    for (;;) {
        size_t i = 0;
        while (i < a->n_schedule && a->schedule[i].t_ns <= t)
            i++;
        int64_t bound = i < a->n_schedule ? a->schedule[i].t_ns : INT64_MAX;
        double r = attempts_at(n, t);
        if (r > 0) {
            double end = (double)t + left * 1e9 / r;
            if (end <= (double)bound)
                return (int64_t)end;
            left -= ((double)bound - (double)t) * r / 1e9;
        }
        if (bound == INT64_MAX)
            return INT64_MAX;
        t = bound;
    }
}

/* The next peer in round robin that a lowball attacker may use (still asking base), or -1. */
static int lowball_peer(struct pr_node *n)
{
    double base = pr_defence_floor(n);
    for (uint32_t k = 0; k < n->npeers; k++) {
        uint32_t pi = (n->rr + k) % n->npeers;
        if (n->peers[pi].their_req <= base) {
            n->rr = pi + 1;
            return (int)pi;
        }
    }
    return -1;
}

/* The peer asking least right now, ties in round robin. */
static uint32_t cheapest_peer(struct pr_node *n)
{
    uint32_t best = n->rr % n->npeers;
    for (uint32_t k = 1; k < n->npeers; k++) {
        uint32_t pi = (n->rr + k) % n->npeers;
        if (n->peers[pi].their_req < n->peers[best].their_req)
            best = pi;
    }
    n->rr = best + 1;
    return best;
}

static uint64_t next_id(struct pr_node *n) { return ((uint64_t)n->id + 1) << 32 | ++n->seq; }

/* id: reserved when its PoW started (sha256 proofs commit to it), or 0 to take the next one. */
static void send_spam(struct pr_node *n, uint32_t pi, uint64_t id, double hashes, double work, uint64_t nonce)
{
    if (!id)
        id = next_id(n);
    struct pr_tx tx = {.id = id, .size = n->attack.size, .fee = n->attack.fee, .work = work, .nonce = nonce};
    pr_emit(n, PR_EV_TX_CREATED, PR_EVF_SPAM, pi, id, tx.size, tx.fee);
    if (hashes > 0)
        pr_emit(n, PR_EV_TX_SOLVED, PR_SOLVE_SPAM, pi, id, hashes, work);
    pr_send_txs(n, pi, PR_MSG_FLUFF, &tx, 1);
}

static void no_target(struct pr_node *n, double hashes)
{
    /* Hashes already spent still count as the attacker's cost. */
    if (hashes > 0)
        pr_emit(n, PR_EV_TX_SOLVED, PR_SOLVE_SPAM, PR_NO_PEER, 0, hashes, 0);
    pr_emit(n, PR_EV_TX_DROPPED, PR_DROP_NO_TARGET, PR_NO_PEER, 0, 0, 0);
}

static bool spam_start(struct pr_node *n, struct pr_job *job, double *target);
static void spam_done(struct pr_node *n, const struct pr_job *job, const struct pr_pow_result *r);
static const struct pr_job_kind spam_kind = {.cost = PR_SOLVE_SPAM, .start = spam_start, .done = spam_done};

static void attempt(struct pr_node *n)
{
    if (n->npeers == 0 || n->seq == UINT32_MAX)
        return;
    int pi;
    if (n->attack.strategy == PR_ATTACK_LOWBALL && n->pow) {
        pi = lowball_peer(n);
        if (pi < 0) {
            no_target(n, 0);
            return;
        }
    } else if (n->attack.strategy == PR_ATTACK_CHEAPEST) {
        /* with PoW the peer is chosen when the solve starts: what is cheapest then */
        pi = n->pow ? (int)PR_NO_PEER : (int)cheapest_peer(n);
    } else {
        pi = (int)(n->rr++ % n->npeers);
    }
    if (!n->pow) {
        send_spam(n, (uint32_t)pi, 0, 0, 0, 0);
        return;
    }
    struct pr_job job = {.kind = &spam_kind, .tx = 0, .peer = (uint32_t)pi};
    if (pr_work_queue(n, &job) != PR_OK) {
        n->st.solver_dropped++;
        pr_emit(n, PR_EV_TX_DROPPED, PR_DROP_SOLVER_QUEUE, (uint32_t)pi, 0, 0, 0);
    }
}

void pr_attack_start(struct pr_node *n)
{
    if (n->attack.n_schedule) { /* the first attempt at a random phase of the first interval */
        int64_t first = next_attempt(n, n->attack.start_ns, pr_rng_uniform(&n->rng));
        if (first < n->attack.stop_ns)
            pr_set_timer(n, first - pr_now(n), PR_T_ATTACK, 0);
        return;
    }
    int64_t iv = interval_ns(n);
    /* the delay of the first attempt from now: the start, then a random phase of one interval */
    int64_t first = n->attack.start_ns - pr_now(n) + (int64_t)(pr_rng_uniform(&n->rng) * (double)iv);
    if (pr_now(n) + (first > 0 ? first : 0) < n->attack.stop_ns)
        pr_set_timer(n, first, PR_T_ATTACK, 0);
}

void pr_attack_tick(struct pr_node *n)
{
    int64_t now = pr_now(n);
    if (now >= n->attack.stop_ns)
        return;
    if (n->attack.n_schedule == 0) {
        attempt(n);
        pr_set_timer(n, interval_ns(n), PR_T_ATTACK, 0);
        return;
    }
    if (attempts_at(n, now) > 0)
        attempt(n);
    int64_t next = next_attempt(n, now, 1);
    if (next < n->attack.stop_ns)
        pr_set_timer(n, next - now, PR_T_ATTACK, 0);
}

/* A spam job starts: choose what to pay (the strategy's rule) and reserve the transaction's id (sha256
 * proofs commit to it). */
static bool spam_start(struct pr_node *n, struct pr_job *job, double *target)
{
    *target = pr_defence_floor(n); /* "the base": what the defence asks when nothing escalated */
    switch (n->attack.strategy) {
    case PR_ATTACK_FLOOD:
        *target = n->peers[job->peer].their_req; /* escalations are paid */
        break;
    case PR_ATTACK_CHEAPEST:
        job->peer = cheapest_peer(n);
        *target = n->peers[job->peer].their_req;
        break;
    case PR_ATTACK_LOWBALL:
        if (n->peers[job->peer].their_req > pr_defence_floor(n)) {
            int pi = lowball_peer(n);
            if (pi < 0) {
                no_target(n, 0);
                return false;
            }
            job->peer = (uint32_t)pi;
        }
        break;
    default:
        break;
    }
    /* Rational about cost: a solve expected to outlast the horizon is not started. */
    double horizon = n->attack.max_solve_s;
    if (horizon > 0 && !(*target <= n->solver.hashrate * horizon)) {
        n->st.spam_skipped++;
        pr_emit(n, PR_EV_TX_DROPPED, PR_DROP_TOO_COSTLY, job->peer, 0, *target,
                n->solver.hashrate > 0 ? *target / n->solver.hashrate : HUGE_VAL);
        return false;
    }
    if (n->seq == UINT32_MAX) {
        no_target(n, 0);
        return false;
    }
    job->tx = next_id(n);
    return true;
}

static void spam_done(struct pr_node *n, const struct pr_job *job, const struct pr_pow_result *r)
{
    if (!r) {
        no_target(n, 0);
        return;
    }
    uint32_t pi = job->peer;
    if (n->attack.strategy == PR_ATTACK_LOWBALL && n->peers[pi].their_req > pr_defence_floor(n)) {
        int other = lowball_peer(n);
        if (other < 0) {
            no_target(n, r->hashes);
            return;
        }
        pi = (uint32_t)other;
    }
    send_spam(n, pi, job->tx, r->hashes, r->work, r->nonce);
}
