/* A node's life cycle, its timers, the helpers the other modules share, and the getters. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "node_internal.h"

int64_t pr_now(struct pr_node *n) { return n->host.now_ns(n->host.ctx); }

void pr_emit(struct pr_node *n, uint32_t type, uint32_t flags, uint32_t peer_idx, uint64_t tx, double a,
             double b)
{
    if (!n->host.event)
        return;
    struct pr_event ev = {
        .type = type,
        .flags = flags,
        .node = n->id,
        .peer = pr_peer_id(n, peer_idx),
        .tx = tx,
        .t_ns = pr_now(n),
        .a = a,
        .b = b,
    };
    n->host.event(n->host.ctx, &ev);
}

void pr_send(struct pr_node *n, uint32_t peer_idx, const uint8_t *msg, size_t len, uint32_t pad)
{
    n->host.send(n->host.ctx, n->id, n->peer_ids[peer_idx], msg, len, pad);
}

uint64_t pr_set_timer(struct pr_node *n, int64_t delay_ns, uint32_t kind, uint64_t arg)
{
    return n->host.set_timer(n->host.ctx, n->id, delay_ns < 0 ? 0 : delay_ns, kind, arg);
}

void pr_cancel_timer(struct pr_node *n, uint64_t *handle)
{
    if (*handle) {
        n->host.cancel_timer(n->host.ctx, n->id, *handle);
        *handle = 0;
    }
}

void pr_send_mindiff(struct pr_node *n, uint32_t peer_idx)
{
    uint8_t buf[PR_WIRE_HEADER_BYTES + 8];
    size_t len = pr_wire_encode_mindiff(buf, sizeof buf, n->peers[peer_idx].in.req);
    if (len)
        pr_send(n, peer_idx, buf, len, 0);
}

void pr_send_txs(struct pr_node *n, uint32_t peer_idx, uint8_t type, const struct pr_tx *txs, size_t count)
{
    uint8_t stack[PR_WIRE_HEADER_BYTES + 64 * PR_TX_RECORD_BYTES];
    while (count > 0) {
        size_t k = count > PR_WIRE_MAX_BATCH ? PR_WIRE_MAX_BATCH : count;
        size_t need = PR_WIRE_HEADER_BYTES + k * PR_TX_RECORD_BYTES;
        uint8_t *buf = need <= sizeof stack ? stack : malloc(need);
        uint32_t pad = 0;
        size_t len = buf ? pr_wire_encode_txs(buf, need, type, txs, k, &pad) : 0;
        if (len) {
            pr_send(n, peer_idx, buf, len, pad);
            for (size_t i = 0; i < k; i++)
                pr_emit(n, PR_EV_TX_SENT, 0, peer_idx, txs[i].id, txs[i].size, txs[i].work);
        }
        if (buf != stack)
            free(buf);
        txs += k;
        count -= k;
    }
}

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
    for (uint32_t i = 0; i < n->vq_len; i++)
        free(n->vq[(n->vq_head + i) % n->vq_cap].bytes);
    free(n->vq);
    pr_txtable_free(&n->txs);
    pr_mempool_free(&n->pool);
    pr_solver_free(&n->solver);
    free(n->wallets);
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

static void hold_check(struct pr_node *n, uint32_t pi)
{
    struct pr_peer *p = &n->peers[pi];
    p->hold_timer = 0;
    bool changed;
    double old = p->in.req;
    int64_t now = pr_now(n);
    int64_t next = pr_difficulty_on_check(&p->in, n->cfg, now, &changed);
    if (changed) {
        pr_emit(n, PR_EV_REQ_CHANGED, 0, pi, 0, old, p->in.req);
        pr_send_mindiff(n, pi);
    }
    if (next >= 0)
        p->hold_timer = pr_set_timer(n, next - now, PR_T_HOLD, pi);
}

static void verify_done(struct pr_node *n)
{
    if (n->vq_len == 0)
        return;
    struct pr_pending_msg m = n->vq[n->vq_head];
    n->vq_head = (n->vq_head + 1) % n->vq_cap;
    n->vq_len--;
    pr_relay_process(n, m.peer, m.bytes, m.len, m.pad);
    free(m.bytes);
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
            hold_check(n, (uint32_t)arg);
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
        pr_work_solver_done(n);
        break;
    case PR_T_WALLET:
        pr_work_wallet_done(n, arg);
        break;
    case PR_T_VERIFY:
        verify_done(n);
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

/* pow.verify_us: a message carrying transactions waits for the node's CPU to check each of them. */
static int queue_for_cpu(struct pr_node *n, uint32_t pi, const uint8_t *msg, size_t len, uint32_t pad,
                         uint32_t ntx)
{
    if (n->vq_len == n->vq_cap) {
        uint32_t cap = n->vq_cap ? n->vq_cap * 2 : 8;
        struct pr_pending_msg *q = malloc(sizeof *q * cap);
        if (!q)
            return PR_ERR_NOMEM;
        for (uint32_t i = 0; i < n->vq_len; i++)
            q[i] = n->vq[(n->vq_head + i) % n->vq_cap];
        free(n->vq);
        n->vq = q;
        n->vq_cap = cap;
        n->vq_head = 0;
    }
    uint8_t *copy = malloc(len);
    if (!copy)
        return PR_ERR_NOMEM;
    memcpy(copy, msg, len);
    n->vq[(n->vq_head + n->vq_len) % n->vq_cap] =
        (struct pr_pending_msg){.peer = (uint16_t)pi, .len = (uint32_t)len, .pad = pad, .bytes = copy};
    n->vq_len++;
    int64_t now = pr_now(n);
    int64_t start = n->cpu_free_ns > now ? n->cpu_free_ns : now;
    n->cpu_free_ns = start + (int64_t)ntx * n->cfg->verify_ns;
    pr_set_timer(n, n->cpu_free_ns - now, PR_T_VERIFY, 0);
    return PR_OK;
}

int pr_node_receive(struct pr_node *n, uint32_t from, const uint8_t *msg, size_t len, uint32_t pad)
{
    if (!n || (!msg && len))
        return PR_ERR_INVALID;
    n->messages_in++;
    int pi = find_peer(n, from);
    if (pi < 0) {
        n->st.messages_invalid++;
        if (n->host.event) {
            struct pr_event ev = {.type = PR_EV_MSG_INVALID, .flags = PR_ERR_NOT_PEER, .node = n->id,
                                  .peer = from, .t_ns = pr_now(n)};
            n->host.event(n->host.ctx, &ev);
        }
        return PR_ERR_NOT_PEER;
    }
    if (n->cfg->verify_ns > 0 && !n->attacker && len >= PR_WIRE_HEADER_BYTES &&
        (msg[1] == PR_MSG_STEM || msg[1] == PR_MSG_FLUFF)) {
        struct pr_msg m;
        int err = pr_wire_decode(msg, len, pad, &m);
        if (err == PR_OK)
            return queue_for_cpu(n, (uint32_t)pi, msg, len, pad, m.count);
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
    if (a->strategy > PR_ATTACK_LOWBALL || !(a->rate > 0) || !isfinite(a->rate) || a->size < PR_TX_MIN_BYTES ||
        a->size > PR_TX_MAX_BYTES || !(a->fee >= 0) || a->stop_ns < a->start_ns || a->start_ns < 0)
        return PR_ERR_INVALID;
    n->attack = *a;
    n->attack_set = true;
    return PR_OK;
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
    uint64_t txid = ((uint64_t)n->id + 1) << 32 | ++n->seq;
    uint32_t slot;
    int err = pr_txtable_add(&n->txs, txid, &slot);
    if (err)
        return err;
    struct pr_txent *e = &n->txs.hot[slot];
    struct pr_txcold *c = pr_txcold_of(&n->txs, e);
    e->state = PR_TXS_WALLET;
    e->flags = PR_TXF_OWN;
    e->src = PR_SRC_SELF;
    e->size = rq->size;
    c->fee = rq->fee;
    c->arrival_ns = pr_now(n);
    if (n->n_own == n->cap_own) {
        uint32_t cap = n->cap_own ? n->cap_own * 2 : 4;
        struct pr_own_rate *o = realloc(n->own, sizeof *o * cap);
        if (!o) {
            pr_txtable_forget(&n->txs, slot, pr_now(n));
            return PR_ERR_NOMEM;
        }
        n->own = o;
        n->cap_own = cap;
    }
    n->own[n->n_own++] = (struct pr_own_rate){.tx = txid, .rate = rq->wallet_hashrate};
    if (id)
        *id = txid;
    pr_emit(n, PR_EV_TX_CREATED, 0, PR_NO_PEER, txid, rq->size, rq->fee);

    if (rq->work >= 0 || !n->cfg->pow_enabled) {
        e->work = rq->work >= 0 ? rq->work : 0;
        if (rq->work >= 0)
            e->flags |= PR_TXF_EXACT;
        pr_relay_start_own(n, slot);
        return PR_OK;
    }
    /* The wallet solves to what the first hop will ask: the stem's requirement (or, when the
     * transaction fluffs at once, the median of the peers'), never below base. */
    double target = n->cfg->pow_base;
    int stem = n->cfg->dandelion_enabled ? pr_dandelion_stem_for(&n->dl, &n->rng, PR_SRC_SELF) : -1;
    double first_hop = stem >= 0 ? n->peers[stem].their_req : pr_median_req(n, pr_fluff_targets(n, e));
    if (first_hop > target)
        target = first_hop;
    pr_work_wallet_start(n, slot, target);
    return PR_OK;
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
    case PR_T_WALLET:
        pr_txtable_prefetch(&n->txs, arg);
        break;
    default:
        break;
    }
}

double pr_own_rate(const struct pr_node *n, uint64_t tx)
{
    for (uint32_t i = 0; i < n->n_own; i++)
        if (n->own[i].tx == tx)
            return n->own[i].rate;
    return 0;
}

void pr_forget_own(struct pr_node *n, uint64_t tx)
{
    for (uint32_t i = 0; i < n->n_own; i++)
        if (n->own[i].tx == tx) {
            n->own[i] = n->own[--n->n_own];
            return;
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
