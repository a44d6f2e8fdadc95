/* The node's solver and its single-job devices (see work.h): queueing, starting, timing and finishing
 * PoW jobs of any kind, and counting what a solve cut off by the end of the run had spent. */
#include "work.h"

#include <stdlib.h>

#include "grow.h"
#include "hostcall.h"
#include "node_internal.h"
#include "powrelay/error.h"
#include "ring.h"

void pr_solver_free(struct pr_solver *s)
{
    free(s->ring);
    s->ring = NULL;
    s->head = s->len = s->cap = 0;
}

int pr_solver_push(struct pr_solver *s, const struct pr_job *job, uint32_t limit)
{
    if (s->len >= limit)
        return PR_ERR_QUEUE_FULL;
    if (s->len == s->cap) {
        uint32_t cap = pr_grown_cap(s->cap, 8);
        if (cap == 0 || pr_ring_regrow((void **)&s->ring, &s->head, s->len, &s->cap, sizeof *s->ring,
                                       cap > limit ? limit : cap))
            return PR_ERR_NOMEM;
    }
    s->ring[(s->head + s->len) % s->cap] = *job;
    s->len++;
    return PR_OK;
}

bool pr_solver_pop(struct pr_solver *s, struct pr_job *job)
{
    if (s->len == 0)
        return false;
    *job = s->ring[s->head];
    s->head = (s->head + 1) % s->cap;
    s->len--;
    return true;
}

void pr_devices_free(struct pr_devices *d)
{
    free(d->v);
    d->v = NULL;
    d->len = d->cap = 0;
}

/* How long `hashes` take at `hashrate`, clamped to "never" within any simulation. */
static int64_t solve_ns(double hashes, double hashrate)
{
    double ns = hashes / hashrate * 1e9;
    return ns >= 4e18 ? (int64_t)4e18 : (int64_t)ns;
}

/* Ask the job's kind what to solve and, if anything, draw the solve into *s. False when there is
 * nothing to time: the kind ended the job, or the device has no hash power (the kind is told). */
static bool begin(struct pr_node *n, struct pr_job *job, double hashrate, struct pr_solve *s)
{
    double target = 0;
    if (!job->kind->start(n, job, &target))
        return false;
    if (!(hashrate > 0)) {
        job->kind->done(n, job, NULL);
        return false;
    }
    s->job = *job;
    s->hashrate = hashrate;
    s->start_ns = pr_now(n);
    pr_pow_solve(n->cfg->pow_mode, &n->rng, job->tx, target, &s->r);
    return true;
}

void pr_work_kick(struct pr_node *n)
{
    struct pr_solver *sv = &n->solver;
    if (sv->busy || sv->kicking)
        return;
    sv->kicking = true;
    struct pr_job job;
    while (!sv->busy && pr_solver_pop(sv, &job)) {
        if (begin(n, &job, sv->hashrate, &sv->cur)) {
            sv->busy = true;
            pr_set_timer(n, solve_ns(sv->cur.r.hashes, sv->hashrate), PR_T_SOLVER, 0);
        }
    }
    sv->kicking = false;
}

int pr_work_queue(struct pr_node *n, const struct pr_job *job)
{
    int err = pr_solver_push(&n->solver, job, n->cfg->pow_queue_max);
    if (err == PR_OK)
        pr_work_kick(n);
    return err;
}

void pr_work_solver_timer(struct pr_node *n)
{
    struct pr_solver *sv = &n->solver;
    if (!sv->busy)
        return;
    sv->busy = false;
    struct pr_solve s = sv->cur;
    s.job.kind->done(n, &s.job, &s.r);
    pr_work_kick(n);
}

int pr_work_alone(struct pr_node *n, const struct pr_job *job, double hashrate)
{
    struct pr_devices *d = &n->devices;
    if (d->len == d->cap) {
        struct pr_solve *v = pr_grow(d->v, &d->cap, sizeof *v, 4);
        if (!v)
            return PR_ERR_NOMEM;
        d->v = v;
    }
    struct pr_job j = *job;
    struct pr_solve s;
    if (!begin(n, &j, hashrate, &s))
        return PR_OK;
    s.key = ++d->next_key;
    d->v[d->len++] = s;
    pr_set_timer(n, solve_ns(s.r.hashes, hashrate), PR_T_DEVICE, s.key);
    return PR_OK;
}

void pr_work_device_timer(struct pr_node *n, uint64_t key)
{
    struct pr_devices *d = &n->devices;
    uint32_t i = 0;
    while (i < d->len && d->v[i].key != key)
        i++;
    if (i == d->len)
        return;
    struct pr_solve s = d->v[i];
    d->v[i] = d->v[--d->len];
    s.job.kind->done(n, &s.job, &s.r);
}

static void cut(struct pr_node *n, const struct pr_solve *s, int64_t now)
{
    double spent = s->hashrate * (double)(now - s->start_ns) / 1e9;
    if (spent > s->r.hashes)
        spent = s->r.hashes;
    if (!(spent > 0))
        return;
    uint32_t cost = s->job.kind->cost < PR_SOLVE_KINDS ? s->job.kind->cost : 0;
    n->hashes_cut[cost] += spent;
    pr_emit(n, PR_EV_HASHES_CUT, cost, PR_NO_PEER, s->job.tx, spent, 0);
}

void pr_work_cut(struct pr_node *n)
{
    int64_t now = pr_now(n);
    if (n->solver.busy)
        cut(n, &n->solver.cur, now);
    for (uint32_t i = 0; i < n->devices.len; i++)
        cut(n, &n->devices.v[i], now);
}
