/* The node's public API (powrelay/node.h): its life cycle, the dispatch of its timers and messages to
 * the modules, and the getters. The protocol itself lives in the modules. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "attacker.h"
#include "block.h"
#include "cpu.h"
#include "fetch.h"
#include "hostcall.h"
#include "node_internal.h"
#include "relay.h"
#include "wirepeek.h"
#include "work.h"

int pr_node_create(const struct pr_node_params *p, struct pr_node **out)
{
    if (!p || !out || !p->config || !p->host)
        return PR_ERR_INVALID;
    const struct pr_host *h = p->host;
    if (h->version < 1 || h->version > PR_HOST_VERSION)
        return PR_ERR_VERSION;
    if (!h->now_ns || !h->send || !h->set_timer || !h->cancel_timer)
        return PR_ERR_INVALID;
    if (pr_config_check(p->config, NULL) != PR_OK || !(p->hashrate >= 0) || !isfinite(p->hashrate))
        return PR_ERR_INVALID;
    struct pr_node *n = calloc(1, sizeof *n);
    if (!n)
        return PR_ERR_NOMEM;
    n->id = p->id;
    n->cfg = p->config;
    /* pow.enabled: false is the baseline with no PoW rule: the `none` defence, unless the chosen defence
     * asks no PoW anyway. */
    const struct pr_defence_info *d = p->config->defence ? p->config->defence : pr_defence_find("original");
    n->def = pr_defence_ops_of(p->config->pow_enabled || !d->pow ? d : pr_defence_find("none"));
    n->pow = p->config->pow_enabled && d->pow;
    n->host = *h;
    n->attacker = p->attacker;
    pr_rng_seed(&n->rng, p->config->seed, p->id);
    pr_txtable_init(&n->txs, p->config->seen_ttl_ns);
    n->pool.max_bytes = p->config->mempool_max_bytes;
    n->solver.hashrate = p->hashrate;
    n->st.req_max = p->config->pow_base;
    if (n->def->init && n->def->init(n, PR_NO_PEER, n->defnode) != PR_OK) {
        pr_node_destroy(n);
        return PR_ERR_NOMEM;
    }
    *out = n;
    return PR_OK;
}

void pr_node_destroy(struct pr_node *n)
{
    if (!n)
        return;
    for (uint32_t i = 0; i < n->npeers; i++) {
        if (n->def->free)
            n->def->free(n, i, n->peers[i].def);
        pr_idqueue_free(&n->peers[i].fq);
    }
    if (n->def->free)
        n->def->free(n, PR_NO_PEER, n->defnode);
    free(n->peers);
    pr_cpu_free(n);
    pr_txtable_free(&n->txs);
    pr_mempool_free(&n->pool);
    pr_fetch_free(&n->fetch);
    pr_solver_free(&n->solver);
    pr_devices_free(&n->devices);
    free(n->own);
    free(n);
}

int pr_node_add_peer(struct pr_node *n, uint32_t peer, bool outbound)
{
    if (!n || n->started || peer == n->id || peer == PR_NO_PEER)
        return n && n->started ? PR_ERR_STATE : PR_ERR_INVALID;
    for (uint32_t i = 0; i < n->npeers; i++)
        if (n->peer_ids[i] == peer)
            return PR_ERR_INVALID;
    if (n->npeers >= PR_MAX_PEERS)
        return PR_ERR_LIMIT;
    struct pr_peer *ps = realloc(n->peers, sizeof *ps * (n->npeers + 1));
    if (!ps)
        return PR_ERR_NOMEM;
    n->peers = ps;
    struct pr_peer *pe = &ps[n->npeers];
    memset(pe, 0, sizeof *pe);
    pe->id = peer;
    pe->outbound = outbound;
    pe->their_req = n->cfg->pow_base;
    pe->asked_max = n->cfg->pow_base;
    if (n->def->init && n->def->init(n, n->npeers, pe->def) != PR_OK)
        return PR_ERR_NOMEM;
    if (outbound)
        n->outbound[n->n_out++] = (uint16_t)n->npeers;
    n->peer_ids[n->npeers] = peer;
    n->npeers++;
    return PR_OK;
}

static void new_epoch(struct pr_node *n)
{
    pr_dandelion_new_epoch(&n->dl, &n->rng, n->outbound, n->n_out, n->cfg->stems, n->cfg->fluff_probability);
    pr_set_timer(n, pr_dandelion_epoch_length(n->cfg, &n->rng), PR_T_EPOCH, 0);
}

int pr_node_start(struct pr_node *n)
{
    if (!n)
        return PR_ERR_INVALID;
    if (n->started)
        return PR_ERR_STATE;
    n->started = true;
    if (n->attacker) {
        if (n->attack_set)
            pr_attack_start(n);
        return PR_OK;
    }
    if (n->cfg->dandelion_enabled)
        new_epoch(n);
    if (n->pow) {
        /* A random phase, so that the network's MINDIFF messages do not all go out at once. */
        int64_t phase = (int64_t)(pr_rng_uniform(&n->rng) * (double)n->cfg->advertise_ns);
        pr_set_timer(n, phase, PR_T_ADVERTISE, 0);
    }
    return PR_OK;
}

/* ---- timers ---- */

static void fire_epoch(struct pr_node *n, uint64_t arg) { (void)arg, new_epoch(n); }

static void fire_advertise(struct pr_node *n, uint64_t arg)
{
    (void)arg;
    for (uint32_t i = 0; i < n->npeers; i++)
        pr_send_mindiff(n, i);
    pr_set_timer(n, n->cfg->advertise_ns, PR_T_ADVERTISE, 0);
}

static void fire_defence(struct pr_node *n, uint64_t arg)
{
    if (!n->def->timer)
        return;
    if (arg == PR_NO_PEER) {
        n->def_timer = 0;
        n->def->timer(n, PR_NO_PEER, n->defnode);
    } else if (arg < n->npeers) {
        n->peers[arg].def_timer = 0;
        n->def->timer(n, (uint32_t)arg, n->peers[arg].def);
    }
}

static const void *defence_touches(const struct pr_node *n, uint64_t arg)
{
    return arg < n->npeers ? n->peers[arg].def : NULL;
}

static void fire_flush(struct pr_node *n, uint64_t arg)
{
    if (arg < n->npeers) {
        n->peers[arg].flush_timer = 0;
        pr_relay_flush(n, (uint32_t)arg);
    }
}

static const void *flush_touches(const struct pr_node *n, uint64_t arg)
{
    return arg < n->npeers ? &n->peers[arg].fq : NULL; /* the queue's fields, not the record's start */
}

static void fire_embargo(struct pr_node *n, uint64_t arg) { pr_relay_embargo(n, arg); }

static const void *embargo_touches(const struct pr_node *n, uint64_t arg)
{
    return n->txs.hot ? &n->txs.hot[pr_txtable_home(&n->txs, arg)] : NULL;
}

static void fire_solver(struct pr_node *n, uint64_t arg) { (void)arg, pr_work_solver_timer(n); }
static void fire_device(struct pr_node *n, uint64_t arg) { pr_work_device_timer(n, arg); }
static int process(struct pr_node *n, uint32_t pi, const uint8_t *msg, size_t len, uint32_t pad);

static void fire_verify(struct pr_node *n, uint64_t arg)
{
    (void)arg;
    struct pr_pending_msg m;
    if (pr_cpu_take(n, &m)) {
        process(n, m.peer, m.bytes, m.len, m.pad);
        free(m.bytes);
    }
}
static void fire_attack(struct pr_node *n, uint64_t arg) { (void)arg, pr_attack_tick(n); }
static void fire_fetch(struct pr_node *n, uint64_t arg) { pr_fetch_timeout(n, arg); }

const struct pr_timer_kind pr_timer_kinds[PR_T_COUNT] = {
    [PR_T_EPOCH] = {fire_epoch, NULL},
    [PR_T_ADVERTISE] = {fire_advertise, NULL},
    [PR_T_DEFENCE] = {fire_defence, defence_touches},
    [PR_T_FLUSH] = {fire_flush, flush_touches},
    [PR_T_EMBARGO] = {fire_embargo, embargo_touches},
    [PR_T_SOLVER] = {fire_solver, NULL},
    [PR_T_DEVICE] = {fire_device, NULL},
    [PR_T_VERIFY] = {fire_verify, NULL},
    [PR_T_ATTACK] = {fire_attack, NULL},
    [PR_T_FETCH] = {fire_fetch, NULL},
};

void pr_node_timer(struct pr_node *n, uint32_t kind, uint64_t arg)
{
    if (n && kind < PR_T_COUNT && pr_timer_kinds[kind].fire)
        pr_timer_kinds[kind].fire(n, arg);
}

static int find_peer(const struct pr_node *n, uint32_t id)
{
    for (uint32_t i = 0; i < n->npeers; i++)
        if (n->peer_ids[i] == id)
            return (int)i;
    return -1;
}

/* Decode a message from the peer at index pi (every byte untrusted) and hand it to its module. */
static int process(struct pr_node *n, uint32_t pi, const uint8_t *msg, size_t len, uint32_t pad)
{
    struct pr_msg m;
    int err = pr_wire_decode(msg, len, pad, &m);
    if (err != PR_OK) {
        pr_relay_invalid(n, pi, err);
        return err;
    }
    if (m.type == PR_MSG_BLOCK) {
        pr_block_receive(n, pi, &m, msg, len, pad);
        return PR_OK;
    }
    if (m.type == PR_MSG_ANNOUNCE)
        return pr_fetch_announce(n, pi, &m);
    if (m.type == PR_MSG_REQUEST)
        return pr_fetch_request(n, pi, &m);
    err = pr_relay_message(n, pi, &m);
    if (n->fetch.len && (m.type == PR_MSG_STEM || m.type == PR_MSG_FLUFF)) {
        /* What was asked for has come (from whoever): taken if the node holds or remembers it now. */
        for (uint32_t i = 0; i < m.count; i++) {
            uint64_t id = pr_wire_tx_id_at(&m, i);
            bool taken = pr_txtable_find(&n->txs, id) != PR_NO_SLOT || pr_txtable_seen(&n->txs, id);
            pr_fetch_arrived(n, pi, id, taken);
        }
    }
    return err;
}

int pr_node_receive(struct pr_node *n, uint32_t from, const uint8_t *msg, size_t len, uint32_t pad)
{
    if (!n || (!msg && len))
        return PR_ERR_INVALID;
    n->messages_in++;
    int pi = find_peer(n, from);
    if (pi < 0) {
        n->st.messages_invalid++;
        struct pr_event ev = {.type = PR_EV_MSG_INVALID, .flags = PR_ERR_NOT_PEER, .peer = from};
        pr_emit_event(n, &ev);
        return PR_ERR_NOT_PEER;
    }
    if (pr_peer_closed(n, (uint32_t)pi))
        return PR_OK; /* the connection is closed: what was already on its way is not read */
    if (n->cfg->verify_ns > 0 && !n->attacker && len >= PR_WIRE_HEADER_BYTES &&
        (msg[1] == PR_MSG_STEM || msg[1] == PR_MSG_FLUFF)) {
        struct pr_msg m;
        int err = pr_wire_decode(msg, len, pad, &m);
        if (err == PR_OK)
            return pr_cpu_queue(n, (uint32_t)pi, msg, len, pad, m.count);
        /* An undecodable message costs no verification; process() reports it. */
    }
    return process(n, (uint32_t)pi, msg, len, pad);
}

void pr_node_set_hashrate(struct pr_node *n, double hashrate)
{
    if (n && hashrate >= 0 && isfinite(hashrate))
        n->solver.hashrate = hashrate;
}

int pr_node_set_attack(struct pr_node *n, const struct pr_attack *a)
{
    if (!n || !a || !n->attacker || n->started)
        return n && !n->attacker ? PR_ERR_STATE : PR_ERR_INVALID;
    if (a->strategy > PR_ATTACK_CHEAPEST || !(a->rate > 0) || !isfinite(a->rate) || a->size < PR_TX_MIN_BYTES ||
        a->size > PR_TX_MAX_BYTES || !(a->fee >= 0) || a->stop_ns < a->start_ns || a->start_ns < 0 ||
        !(a->max_solve_s >= 0) || (a->n_schedule && !a->schedule))
        return PR_ERR_INVALID;
    for (size_t i = 0; i < a->n_schedule; i++)
        if (!(a->schedule[i].rate >= 0) || !isfinite(a->schedule[i].rate) ||
            (i && a->schedule[i].t_ns <= a->schedule[i - 1].t_ns))
            return PR_ERR_INVALID;
    n->attack = *a;
    n->attack_set = true;
    return PR_OK;
}

void pr_node_finish(struct pr_node *n)
{
    if (!n || !n->started || n->finished)
        return;
    n->finished = true;
    pr_work_cut(n);
}

int pr_node_submit_tx(struct pr_node *n, const struct pr_tx_request *rq, uint64_t *id)
{
    if (!n || !rq || !n->started)
        return n && !n->started ? PR_ERR_STATE : PR_ERR_INVALID;
    if (rq->size < PR_TX_MIN_BYTES || rq->size > PR_TX_MAX_BYTES || !(rq->fee >= 0) || !isfinite(rq->fee) ||
        isnan(rq->work) || isinf(rq->work) || (rq->work < 0 && !(rq->wallet_hashrate > 0)))
        return PR_ERR_INVALID;
    if (n->seq == UINT32_MAX)
        return PR_ERR_LIMIT;
    return pr_relay_submit(n, rq, id);
}

uint32_t pr_node_id(const struct pr_node *n) { return n->id; }
double pr_node_hashrate(const struct pr_node *n) { return n->solver.hashrate; }
size_t pr_node_peer_count(const struct pr_node *n) { return n->npeers; }

int pr_node_peer_info(const struct pr_node *n, size_t i, struct pr_peer_info *out)
{
    if (!n || !out || i >= n->npeers)
        return PR_ERR_INVALID;
    const struct pr_peer *p = &n->peers[i];
    *out = (struct pr_peer_info){
        .peer = p->id,
        .outbound = p->outbound,
        .req = n->def->asked ? n->def->asked(n, (uint32_t)i, p->def) : n->cfg->pow_base,
        .their_req = p->their_req,
        .req_max = p->asked_max,
        .txs_rejected = p->txs_rejected,
    };
    return PR_OK;
}

void pr_node_stats(const struct pr_node *n, struct pr_node_stats *out)
{
    *out = n->st;
    out->messages_in = n->messages_in;
    out->tx_deliveries = n->tx_deliveries;
    out->txs_duplicate = n->txs_duplicate;
    out->mempool_bytes = n->pool.bytes;
    out->mempool_peak_bytes = n->pool.peak_bytes;
    out->mempool_txs = n->pool.len;
    out->stempool_bytes = n->stem_bytes;
    out->stempool_txs = n->stem_txs;
    out->known_txs = n->txs.live + pr_txtable_seen_count(&n->txs);
    out->solver_queue = n->solver.len;
    out->repackage_hashes += n->hashes_cut[PR_SOLVE_REPACKAGE];
    for (uint32_t k = 0; k < PR_SOLVE_KINDS; k++)
        out->hashes_cut += n->hashes_cut[k];
    double m = n->cfg->pow_base;
    for (uint32_t i = 0; i < n->npeers; i++)
        if (n->peers[i].asked_max > m)
            m = n->peers[i].asked_max;
    out->req_max = m;
}

bool pr_node_has_tx(const struct pr_node *n, uint64_t id, bool *in_stem_pool)
{
    uint32_t s = pr_txtable_find(&n->txs, id);
    if (s == PR_NO_SLOT || n->txs.hot[s].state < PR_TXS_STEM)
        return false;
    if (in_stem_pool)
        *in_stem_pool = n->txs.hot[s].state == PR_TXS_STEM;
    return true;
}

size_t pr_node_stems(const struct pr_node *n, uint32_t *peers, size_t cap, bool *fluff_epoch)
{
    if (fluff_epoch)
        *fluff_epoch = n->dl.fluff_epoch;
    size_t k = 0;
    for (uint32_t i = 0; i < n->dl.nstems && k < cap; i++)
        peers[k++] = n->peer_ids[n->dl.stems[i]];
    return n->dl.nstems;
}
