/* Who computes which proof of work, when (SPEC 3, 4): the repackaging decision, the node's solver
 * with its bounded FIFO queue, and the sender's wallet for own transactions. */
#include <math.h>
#include <stdlib.h>

#include "node_internal.h"


static int64_t solve_ns(double hashes, double hashrate)
{
    double ns = hashes / hashrate * 1e9;
    return ns >= 4e18 ? (int64_t)4e18 : (int64_t)ns; /* "never" within any simulation */
}

double pr_median_req(const struct pr_node *n, uint64_t mask)
{
    double v[PR_MAX_PEERS];
    uint32_t k = 0;
    for (uint32_t pi = 0; mask; pi++, mask >>= 1) {
        if (!(mask & 1))
            continue;
        /* insertion sort: at most 64 values */
        double r = n->peers[pi].their_req;
        uint32_t j = k++;
        while (j > 0 && v[j - 1] > r) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = r;
    }
    return k ? v[(k - 1) / 2] : 0; /* the lower middle for an even count */
}

double pr_work_target(struct pr_node *n, uint32_t slot)
{
    const struct pr_txent *e = &n->txs.hot[slot];
    switch (e->after) {
    case PR_AFTER_STEM:
        return e->state == PR_TXS_STEM ? n->peers[e->stem_peer].their_req : 0;
    case PR_AFTER_DIFFUSE:
        return pr_median_req(n, pr_fluff_targets(n, e));
    case PR_AFTER_RESEND: {
        double m = 0;
        uint64_t to = e->nonrelay & ~e->known;
        for (uint32_t pi = 0; to; pi++, to >>= 1)
            if ((to & 1) && n->peers[pi].their_req > m)
                m = n->peers[pi].their_req;
        return m;
    }
    default:
        return 0;
    }
}

void pr_work_continue(struct pr_node *n, uint32_t slot)
{
    struct pr_txent *e = &n->txs.hot[slot];
    uint8_t after = e->after;
    e->after = PR_AFTER_NONE;
    switch (after) {
    case PR_AFTER_STEM:
        pr_relay_stem_send(n, slot);
        break;
    case PR_AFTER_DIFFUSE:
        pr_relay_diffuse_send(n, slot);
        break;
    case PR_AFTER_RESEND:
        pr_relay_resend(n, slot);
        break;
    default:
        break;
    }
}

bool pr_work_request(struct pr_node *n, uint32_t slot, double target)
{
    struct pr_txent *e = &n->txs.hot[slot];
    if (!n->cfg->pow_enabled || (e->flags & PR_TXF_EXACT))
        return false;
    if (e->flags & PR_TXF_JOB)
        return true; /* the pending job serves e->after, recomputed when it starts */
    if (e->flags & PR_TXF_OWN) {
        /* An honest node's own transaction is always solved to the target, by its wallet. */
        pr_work_wallet_start(n, slot, target);
        return true;
    }
    struct pr_rp_counter *rc = &n->peers[e->src].rp;
    uint32_t rp;
    if (!(e->flags & PR_TXF_RP_COUNTED)) {
        /* rp counts transactions, so a transaction needing it a second time is not counted twice. */
        rp = pr_rp_note(rc, pr_now(n), n->cfg->repackage_window_ns);
        e->flags |= PR_TXF_RP_COUNTED;
    } else {
        rp = rc->rp;
    }
    bool yes = pr_repackage_draw(pr_repackage_percent(n->cfg->repackage_policy, rp), &n->rng);
    pr_emit(n, PR_EV_REPACKAGE, yes ? PR_REPACK_DONE : PR_REPACK_DECLINED, e->src, e->id, target, rp);
    if (!yes) {
        n->st.repackage_declined++;
        return false;
    }
    struct pr_job job = {.tx = e->id, .purpose = PR_JOB_REPACKAGE};
    if (pr_solver_push(&n->solver, &job, n->cfg->pow_queue_max) != PR_OK) {
        n->st.solver_dropped++;
        pr_emit(n, PR_EV_TX_DROPPED, PR_DROP_SOLVER_QUEUE, PR_NO_PEER, e->id, e->size, 0);
        return false;
    }
    e->flags |= PR_TXF_JOB;
    pr_work_solver_kick(n);
    return true;
}

/* Start one job: what it needs is recomputed now, as SPEC 4 asks ("checks again that it is still
 * needed"); an unneeded job is finished at once. */
static void start_job(struct pr_node *n, const struct pr_job *job)
{
    if (job->purpose == PR_JOB_SPAM) {
        pr_attack_job_start(n, job);
        return;
    }
    uint32_t slot = pr_txtable_find(&n->txs, job->tx);
    if (slot == PR_NO_SLOT || !(n->txs.hot[slot].flags & PR_TXF_JOB))
        return;
    struct pr_txent *e = &n->txs.hot[slot];
    double target = pr_work_target(n, slot);
    if (!(target > e->work)) {
        e->flags &= ~PR_TXF_JOB;
        pr_work_continue(n, slot);
        return;
    }
    if (!(n->solver.hashrate > 0)) {
        e->flags &= ~PR_TXF_JOB;
        n->st.solver_dropped++;
        pr_emit(n, PR_EV_TX_DROPPED, PR_DROP_SOLVER_QUEUE, PR_NO_PEER, e->id, e->size, 0);
        return;
    }
    struct pr_pow_result r;
    pr_pow_solve(n->cfg->pow_mode, &n->rng, e->id, target, &r);
    n->solver.busy = true;
    n->solver.current = *job;
    n->solver.current_hashes = r.hashes;
    n->solver.current_target = target;
    n->solver_work = r.work;
    n->solver_nonce = r.nonce;
    pr_set_timer(n, solve_ns(r.hashes, n->solver.hashrate), PR_T_SOLVER, 0);
}

void pr_work_solver_kick(struct pr_node *n)
{
    if (n->solver.busy || n->kicking)
        return;
    n->kicking = true;
    struct pr_job job;
    while (!n->solver.busy && pr_solver_pop(&n->solver, &job))
        start_job(n, &job);
    n->kicking = false;
}

void pr_work_solver_done(struct pr_node *n)
{
    if (!n->solver.busy)
        return;
    n->solver.busy = false;
    struct pr_job job = n->solver.current;
    double hashes = n->solver.current_hashes;
    if (job.purpose == PR_JOB_SPAM) {
        pr_attack_job_done(n, &job, hashes, n->solver_work, n->solver_nonce);
    } else {
        n->st.repackagings++;
        n->st.repackage_hashes += hashes;
        pr_emit(n, PR_EV_TX_SOLVED, PR_SOLVE_REPACKAGE, PR_NO_PEER, job.tx, hashes, n->solver_work);
        uint32_t slot = pr_txtable_find(&n->txs, job.tx);
        if (slot != PR_NO_SLOT) {
            struct pr_txent *e = &n->txs.hot[slot];
            e->flags &= ~PR_TXF_JOB;
            if (n->solver_work > e->work) {
                e->work = n->solver_work;
                pr_set_nonce(n, e->id, n->solver_nonce);
            }
            pr_work_continue(n, slot);
        }
    }
    pr_work_solver_kick(n);
}

void pr_work_wallet_start(struct pr_node *n, uint32_t slot, double target)
{
    struct pr_txent *e = &n->txs.hot[slot];
    if (target < n->cfg->pow_base)
        target = n->cfg->pow_base;
    if (n->n_wallets == n->cap_wallets) {
        uint32_t cap = n->cap_wallets ? n->cap_wallets * 2 : 4;
        struct pr_wallet_job *w = realloc(n->wallets, sizeof *w * cap);
        if (!w)
            return; /* out of memory: the transaction waits for its embargo, if any */
        n->wallets = w;
        n->cap_wallets = cap;
    }
    struct pr_pow_result r;
    pr_pow_solve(n->cfg->pow_mode, &n->rng, e->id, target, &r);
    n->wallets[n->n_wallets++] = (struct pr_wallet_job){.tx = e->id, .hashes = r.hashes, .work = r.work, .nonce = r.nonce};
    e->flags |= PR_TXF_JOB;
    pr_set_timer(n, solve_ns(r.hashes, pr_own_rate(n, e->id)), PR_T_WALLET, e->id);
}

void pr_work_wallet_done(struct pr_node *n, uint64_t tx)
{
    uint32_t i = 0;
    while (i < n->n_wallets && n->wallets[i].tx != tx)
        i++;
    if (i == n->n_wallets)
        return;
    struct pr_wallet_job w = n->wallets[i];
    n->wallets[i] = n->wallets[--n->n_wallets];
    pr_emit(n, PR_EV_TX_SOLVED, PR_SOLVE_WALLET, PR_NO_PEER, tx, w.hashes, w.work);
    uint32_t slot = pr_txtable_find(&n->txs, tx);
    if (slot == PR_NO_SLOT)
        return;
    struct pr_txent *e = &n->txs.hot[slot];
    e->flags &= ~PR_TXF_JOB;
    if (w.work > e->work) {
        e->work = w.work;
        pr_set_nonce(n, tx, w.nonce);
    }
    if (e->state == PR_TXS_WALLET)
        pr_relay_start_own(n, slot);
    else
        pr_work_continue(n, slot);
}
