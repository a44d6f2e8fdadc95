/* The node's public API (powrelay/node.h): its life cycle, the dispatch of its timers and messages to
 * the modules, and the getters. The protocol itself lives in the modules. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "attacker.h"
#include "block.h"
#include "cpu.h"
#include "hostcall.h"
#include "node_internal.h"
#include "relay.h"
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
    n->host = *h;
    n->attacker = p->attacker;
    pr_rng_seed(&n->rng, p->config->seed, p->id);
    pr_txtable_init(&n->txs, p->config->seen_ttl_ns);
    n->pool.max_bytes = p->config->mempool_max_bytes;
    n->solver.hashrate = p->hashrate;
    n->st.req_max = p->config->pow_base;
    *out = n;
    return PR_OK;
}

void pr_node_destroy(struct pr_node *n)
{
    if (!n)
        return;
    for (uint32_t i = 0; i < n->npeers; i++) {
        pr_link_req_free(&n->peers[i].in);
        free(n->peers[i].fq);
    }
    free(n->peers);
    pr_cpu_free(n);
    pr_txtable_free(&n->txs);
    pr_mempool_free(&n->pool);
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
    pr_link_req_init(&pe->in, n->cfg);
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
    if (n->cfg->pow_enabled) {
        /* A random phase, so that the network's MINDIFF messages do not all go out at once. */
        int64_t phase = (int64_t)(pr_rng_uniform(&n->rng) * (double)n->cfg->advertise_ns);
        pr_set_timer(n, phase, PR_T_ADVERTISE, 0);
    }
    return PR_OK;
}

void pr_node_timer(struct pr_node *n, uint32_t kind, uint64_t arg)
{
    if (!n)
        return;
    switch (kind) {
    case PR_T_EPOCH:
        new_epoch(n);
        break;
    case PR_T_ADVERTISE:
        for (uint32_t i = 0; i < n->npeers; i++)
            pr_send_mindiff(n, i);
        pr_set_timer(n, n->cfg->advertise_ns, PR_T_ADVERTISE, 0);
        break;
    case PR_T_HOLD:
        if (arg < n->npeers)
            pr_relay_hold_check(n, (uint32_t)arg);
        break;
    case PR_T_FLUSH:
        if (arg < n->npeers) {
            n->peers[arg].flush_timer = 0;
            pr_relay_flush(n, (uint32_t)arg);
        }
        break;
    case PR_T_EMBARGO:
        pr_relay_embargo(n, arg);
        break;
    case PR_T_SOLVER:
        pr_work_solver_timer(n);
        break;
    case PR_T_DEVICE:
        pr_work_device_timer(n, arg);
        break;
    case PR_T_VERIFY:
        pr_cpu_done(n);
        break;
    case PR_T_ATTACK:
        pr_attack_tick(n);
        break;
    default:
        break;
    }
}

static int find_peer(const struct pr_node *n, uint32_t id)
{
    for (uint32_t i = 0; i < n->npeers; i++)
        if (n->peer_ids[i] == id)
            return (int)i;
    return -1;
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
    if (n->cfg->verify_ns > 0 && !n->attacker && len >= PR_WIRE_HEADER_BYTES &&
        (msg[1] == PR_MSG_STEM || msg[1] == PR_MSG_FLUFF)) {
        struct pr_msg m;
        int err = pr_wire_decode(msg, len, pad, &m);
        if (err == PR_OK)
            return pr_cpu_queue(n, (uint32_t)pi, msg, len, pad, m.count);
        /* An undecodable message costs no verification; process() reports it. */
    }
    return pr_relay_process(n, (uint32_t)pi, msg, len, pad);
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
        !(a->max_solve_s >= 0))
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

void pr_node_prefetch(const struct pr_node *n)
{
    /* The hot part of the struct, from `id` to the first peer ids. */
    const char *p = (const char *)n;
    for (size_t off = 0; off < offsetof(struct pr_node, peer_ids) + 64; off += 64)
        pr_prefetch(p + off);
}

void pr_node_prefetch_msg(const struct pr_node *n, const uint8_t *msg, size_t len)
{
    uint64_t id;
    if (pr_wire_peek_tx_id(msg, len, &id))
        pr_txtable_prefetch(&n->txs, id);
}

void pr_node_prefetch_timer(const struct pr_node *n, uint32_t kind, uint64_t arg)
{
    switch (kind) {
    case PR_T_FLUSH: /* the queue's fields, not the start of the peer's record */
        if (arg < n->npeers)
            pr_prefetch(&n->peers[arg].fq);
        break;
    case PR_T_HOLD:
        if (arg < n->npeers)
            pr_prefetch(&n->peers[arg].in);
        break;
    case PR_T_EMBARGO:
        pr_txtable_prefetch(&n->txs, arg);
        break;
    default:
        break;
    }
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
        .req = p->in.req,
        .their_req = p->their_req,
        .req_max = p->in.req_max,
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
        if (n->peers[i].in.req_max > m)
            m = n->peers[i].in.req_max;
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
