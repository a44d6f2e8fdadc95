#include "metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

int prr_metrics_init(struct prr_metrics *m, const uint8_t *role, uint32_t n_nodes, double duration_s,
                     double interval_s)
{
    memset(m, 0, sizeof *m);
    m->role = role;
    m->n_nodes = n_nodes;
    for (uint32_t i = 0; i < n_nodes; i++)
        m->n_honest += role[i] != PRR_ROLE_ATTACKER;
    /* "reaches 50% / 90% of nodes": of the honest nodes, the ones whose service we measure */
    m->need50 = (uint32_t)ceil(0.5 * m->n_honest);
    m->need90 = (uint32_t)ceil(0.9 * m->n_honest);
    m->interval_ns = (int64_t)llround(interval_s * 1e9);
    m->n_bins = (size_t)ceil(duration_s / interval_s - 1e-9);
    if (m->n_bins == 0)
        m->n_bins = 1;
    m->bins = calloc(m->n_bins, sizeof *m->bins);
    return m->bins ? 0 : -1;
}

void prr_metrics_free(struct prr_metrics *m)
{
    free(m->txs);
    free(m->bins);
    free(m->blocks);
    free(m->stems);
    pr_u64map_free(&m->index);
    memset(m, 0, sizeof *m);
}

struct prr_txrec *prr_metrics_tx(struct prr_metrics *m, uint64_t id)
{
    uint64_t i;
    return pr_u64map_get(&m->index, id, &i) ? &m->txs[i - 1] : NULL;
}

static struct prr_bin *bin_at(struct prr_metrics *m, int64_t t)
{
    size_t b = t <= 0 ? 0 : (size_t)(t / m->interval_ns);
    return &m->bins[b < m->n_bins ? b : m->n_bins - 1];
}

static bool honest_node(const struct prr_metrics *m, uint32_t node)
{
    return node < m->n_nodes && m->role[node] != PRR_ROLE_ATTACKER;
}

/* Room for one more record in *arr (n used of *cap, each elem bytes), doubling from first: false (and the
 * metrics marked out of memory) when there is none. The runner's records count in size_t; the model's
 * arrays have their own rule (model/src/grow.h). */
static bool room_for_one(struct prr_metrics *m, void **arr, size_t n, size_t *cap, size_t elem, size_t first)
{
    if (n < *cap)
        return true;
    size_t c = *cap ? *cap * 2 : first;
    void *p = c <= SIZE_MAX / elem ? realloc(*arr, elem * c) : NULL;
    if (!p) {
        m->oom = true;
        return false;
    }
    *arr = p;
    *cap = c;
    return true;
}

static void stem_step(struct prr_metrics *m, const struct pr_event *ev, enum prr_stem_step step)
{
    if (!room_for_one(m, (void **)&m->stems, m->n_stems, &m->cap_stems, sizeof *m->stems, 1024))
        return;
    m->stems[m->n_stems++] = (struct prr_stemrec){
        .tx = ev->tx, .t_ns = ev->t_ns, .node = ev->node,
        .peer = step == PRR_STEM_CREATED || step == PRR_STEM_FLUFFED ? PR_NO_PEER : ev->peer, .step = (uint8_t)step,
        .flags = step == PRR_STEM_FLUFFED ? (uint8_t)ev->flags : 0};
}

/* A spy's first copy of a transaction names its guess at the origin: the peer it came from (the first-spy
 * estimator). Traced (step "spied") for the honest transactions the precision scores, those whose origin is
 * not a spy, so a trace can tell which guesses hit. */
static void spy_learns(struct prr_metrics *m, struct prr_txrec *r, const struct pr_event *ev)
{
    if (r->spy_guess != UINT32_MAX || ev->peer == PR_NO_PEER)
        return;
    r->spy_guess = ev->peer;
    if (m->trace_stems && r->kind == PRR_HONEST && m->role[r->origin] != PRR_ROLE_SPY)
        stem_step(m, ev, PRR_STEM_SPIED);
}

static void on_created(struct prr_metrics *m, const struct pr_event *ev)
{
    if (!room_for_one(m, (void **)&m->txs, m->n_txs, &m->cap_txs, sizeof *m->txs, 4096))
        return;
    if (pr_u64map_put(&m->index, ev->tx, m->n_txs + 1)) {
        m->oom = true;
        return;
    }
    struct prr_txrec *r = &m->txs[m->n_txs++];
    *r = (struct prr_txrec){.id = ev->tx, .created_ns = ev->t_ns, .fluff_ns = PRR_NEVER, .t50_ns = PRR_NEVER,
                            .t90_ns = PRR_NEVER, .confirmed_ns = PRR_NEVER, .origin = ev->node,
                            .size = (uint32_t)ev->a, .spy_guess = UINT32_MAX, .fee = (float)ev->b,
                            .kind = (uint8_t)((ev->flags & PR_EVF_SPAM) ? PRR_SPAM : m->pending_kind)};
    struct prr_bin *b = bin_at(m, ev->t_ns);
    if (r->kind == PRR_SPAM && !(ev->flags & PR_EVF_SPAM))
        m->scripted_spam = true;
    if (m->trace_stems && r->kind == PRR_HONEST)
        stem_step(m, ev, PRR_STEM_CREATED);
    if (r->kind == PRR_SPAM)
        b->spam_created++;
    else
        b->honest_created++;
}

/* Hashes spent by whom: a PR_SOLVE_* class, and the transaction they were for (if known). */
static void count_hashes(struct prr_metrics *m, uint32_t whose, struct prr_txrec *r, double hashes)
{
    switch (whose) {
    case PR_SOLVE_SPAM:
        m->attacker_hashes += hashes;
        break;
    case PR_SOLVE_WALLET:
        /* a scripted spam transaction's wallet is the attacker's */
        if (r && r->kind == PRR_SPAM)
            m->attacker_hashes += hashes;
        else
            m->honest_sender_hashes += hashes;
        if (r)
            r->sender_hashes += hashes;
        break;
    case PR_SOLVE_REPACKAGE:
        m->relay_repackage_hashes += hashes;
        break;
    }
    if (r)
        r->hashes += hashes;
}

static void on_block(struct prr_metrics *m, const struct pr_event *ev)
{
    if (!room_for_one(m, (void **)&m->blocks, m->n_blocks, &m->cap_blocks, sizeof *m->blocks, 256))
        return;
    struct prr_blockrec *b = &m->blocks[m->n_blocks++];
    *b = (struct prr_blockrec){.t_ns = ev->t_ns, .id = ev->tx, .miner = ev->node, .txs = (uint32_t)ev->n_ids,
                               .weight = (uint64_t)ev->a, .fees = ev->b};
    for (size_t i = 0; i < ev->n_ids; i++) {
        struct prr_txrec *r = prr_metrics_tx(m, ev->ids[i]);
        if (!r)
            continue;
        if (r->kind == PRR_SPAM)
            b->spam++;
        else
            b->honest++;
        if (r->confirmed_ns == PRR_NEVER)
            r->confirmed_ns = ev->t_ns;
    }
}

static void on_solved(struct prr_metrics *m, const struct pr_event *ev)
{
    struct prr_txrec *r = ev->tx ? prr_metrics_tx(m, ev->tx) : NULL;
    count_hashes(m, ev->flags, r, ev->a);
    if (ev->flags == PR_SOLVE_REPACKAGE) {
        m->repackagings++;
        if (r)
            r->repackagings++;
    }
    if (r && !r->work_set && ev->flags != PR_SOLVE_REPACKAGE) {
        r->work_initial = ev->b;
        r->work_set = true;
    }
}

static void on_accepted(struct prr_metrics *m, const struct pr_event *ev)
{
    struct prr_txrec *r = prr_metrics_tx(m, ev->tx);
    if (!r || !honest_node(m, ev->node))
        return;
    if (ev->peer == PR_NO_PEER && !r->work_set) {
        /* the origin with an exact (scripted) work: its initial work */
        r->work_initial = ev->a;
        r->work_set = true;
    }
    if (ev->flags & PR_EVF_STEM) {
        r->stem_hops++;
        if (m->trace_stems && r->kind == PRR_HONEST)
            stem_step(m, ev, PRR_STEM_ACCEPTED);
    } else if (m->trace_stems && r->kind == PRR_HONEST && ev->peer == r->origin) {
        stem_step(m, ev, PRR_STEM_FROM_ORIGIN); /* the origin's own fluffed copy got there first */
    }
    if (r->kind == PRR_SPAM && !r->first_hop && ev->peer != PR_NO_PEER && ev->peer < m->n_nodes &&
        m->role[ev->peer] == PRR_ROLE_ATTACKER) {
        r->first_hop = true;
        bin_at(m, ev->t_ns)->spam_accepted++;
    }
    if (m->role[ev->node] == PRR_ROLE_SPY)
        spy_learns(m, r, ev);
    r->reach++;
    if (r->reach == m->need50)
        r->t50_ns = ev->t_ns;
    if (r->reach == m->need90) {
        r->t90_ns = ev->t_ns;
        if (r->kind == PRR_HONEST)
            bin_at(m, ev->t_ns)->honest_reached90++;
    }
}

void prr_metrics_event(void *ctx, const struct pr_event *ev)
{
    struct prr_metrics *m = ctx;
    switch (ev->type) {
    case PR_EV_TX_CREATED:
        on_created(m, ev);
        break;
    case PR_EV_TX_SOLVED:
        on_solved(m, ev);
        break;
    case PR_EV_TX_ACCEPTED:
        on_accepted(m, ev);
        break;
    case PR_EV_TX_REJECTED: {
        /* a spy learns the sender from a rejected copy just as well */
        if (ev->node < m->n_nodes && m->role[ev->node] == PRR_ROLE_SPY) {
            struct prr_txrec *r = prr_metrics_tx(m, ev->tx);
            if (r)
                spy_learns(m, r, ev);
        }
        break;
    }
    case PR_EV_TX_FLUFFED: {
        struct prr_txrec *r = prr_metrics_tx(m, ev->tx);
        if (r && r->fluff_ns == PRR_NEVER) {
            r->fluff_ns = ev->t_ns;
            if (m->trace_stems && r->kind == PRR_HONEST)
                stem_step(m, ev, PRR_STEM_FLUFFED);
        }
        break;
    }
    case PR_EV_TX_SENT:
        /* The hottest event: look the transaction up only if it can be spam (an attacker's, or any
         * once the script has made spam at an honest node). */
        if (honest_node(m, ev->node) &&
            (m->scripted_spam || (uint32_t)(ev->tx >> 32) - 1u >= m->n_nodes ||
             m->role[(uint32_t)(ev->tx >> 32) - 1u] == PRR_ROLE_ATTACKER)) {
            struct prr_txrec *r = prr_metrics_tx(m, ev->tx);
            if (r && r->kind == PRR_SPAM)
                m->spam_bytes_relayed += (uint64_t)ev->a;
        }
        break;
    case PR_EV_TX_DROPPED:
        m->dropped++;
        m->spam_skipped += ev->flags == PR_DROP_TOO_COSTLY;
        break;
    case PR_EV_HASHES_CUT:
        count_hashes(m, ev->flags, ev->tx ? prr_metrics_tx(m, ev->tx) : NULL, ev->a);
        break;
    case PR_EV_BLOCK_MINED:
        on_block(m, ev);
        break;
    case PR_EV_MSG_INVALID:
        m->invalid_messages++;
        break;
    default:
        break;
    }
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double prr_percentile(double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    qsort(v, n, sizeof *v, cmp_dbl);
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)floor(pos), hi = lo + 1 < n ? lo + 1 : lo;
    return v[lo] + (v[hi] - v[lo]) * (pos - (double)lo);
}
