/* Receiving and relaying transactions (docs/protocol.md#acceptance, docs/protocol.md#dandelion):
 * acceptance against the per-neighbour requirement, the stem phase with RELAYED/NACK and one resend, the
 * fluff phase with the median rule, per-connection batching and the half-relayed resend rule, loops and
 * embargoes; the PoW jobs relaying needs (repackaging, and the wallet's for own transactions). */
#include "relay.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "batchread.h"
#include "grow.h"
#include "hostcall.h"
#include "node_internal.h"
#include "work.h"

#define LOCAL_BATCH 32 /* transactions of a batch handled in arrays on the stack; more are allocated */

static inline uint64_t bit(uint32_t pi) { return 1ull << pi; }

static bool request_work(struct pr_node *n, uint32_t slot, double target);
static double work_target(struct pr_node *n, uint32_t slot);
static double median_req(const struct pr_node *n, uint64_t mask);
static void diffuse_send(struct pr_node *n, uint32_t slot);
static void resend(struct pr_node *n, uint32_t slot);
static void start_own(struct pr_node *n, uint32_t slot);
static void forget_own(struct pr_node *n, uint64_t tx);

void pr_send_mindiff(struct pr_node *n, uint32_t peer_idx)
{
    uint8_t buf[PR_WIRE_HEADER_BYTES + 8];
    size_t len = pr_wire_encode_mindiff(buf, sizeof buf, n->def->asked(n, peer_idx, n->peers[peer_idx].def));
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

void pr_send_ids(struct pr_node *n, uint32_t peer_idx, uint8_t type, const uint64_t *ids, size_t count)
{
    uint8_t stack[PR_WIRE_HEADER_BYTES + 8 * 64]; /* the usual message: on the stack */
    while (count > 0) {
        size_t k = count > PR_WIRE_MAX_BATCH ? PR_WIRE_MAX_BATCH : count;
        size_t need = PR_WIRE_HEADER_BYTES + 8 * k;
        uint8_t *buf = need <= sizeof stack ? stack : malloc(need);
        uint32_t pad;
        size_t len = buf ? pr_wire_encode_ids(buf, need, type, ids, k, &pad) : 0;
        if (len)
            pr_send(n, peer_idx, buf, len, pad);
        if (buf != stack)
            free(buf);
        ids += k;
        count -= k;
    }
}

int pr_send_answers(struct pr_node *n, uint32_t peer_idx, const struct pr_answer *a, size_t count)
{
    /* one message for them all (up to a batch): the usual one built on the stack */
    uint8_t stack[PR_WIRE_HEADER_BYTES + 64 * PR_ANSWER_BYTES];
    size_t need = PR_WIRE_HEADER_BYTES + count * PR_ANSWER_BYTES;
    uint8_t *buf = need <= sizeof stack ? stack : malloc(need);
    size_t len = buf ? pr_wire_encode_answers(buf, need, a, count) : 0;
    if (len)
        pr_send(n, peer_idx, buf, len, 0);
    if (buf != stack)
        free(buf);
    return buf ? PR_OK : PR_ERR_NOMEM;
}

/* A fluff batch to one peer: the transactions themselves, or (relay.mode announce) their ids, which the
 * peer fetches if it lacks them (docs/protocol.md#announce). */
static void send_fluff(struct pr_node *n, uint32_t pi, const struct pr_tx *txs, size_t count)
{
    if (n->cfg->relay_mode != PR_RELAY_ANNOUNCE) {
        pr_send_txs(n, pi, PR_MSG_FLUFF, txs, count);
        return;
    }
    /* the ids of a usual batch on the stack; pr_send_ids cuts the wire's batches */
    uint64_t local[64];
    uint64_t *ids = count <= 64 ? local : malloc(sizeof *ids * count);
    if (!ids)
        return; /* out of memory: as a lost message */
    for (size_t i = 0; i < count; i++)
        ids[i] = txs[i].id;
    pr_send_ids(n, pi, PR_MSG_ANNOUNCE, ids, count);
    if (ids != local)
        free(ids);
}

void pr_relay_invalid(struct pr_node *n, uint32_t pi, int err)
{
    n->st.messages_invalid++;
    pr_emit(n, PR_EV_MSG_INVALID, (uint32_t)err, pi, 0, 0, 0);
}

void pr_relay_drop(struct pr_node *n, uint32_t slot)
{
    struct pr_txent *e = &n->txs.hot[slot];
    if (e->state == PR_TXS_POOL) {
        pr_mempool_remove(&n->pool, n->txs.cold, e->cold, e->size);
    } else if (e->state == PR_TXS_STEM) {
        n->stem_bytes -= e->size;
        n->stem_txs--;
    }
    if (e->flags & PR_TXF_OWN)
        forget_own(n, e->id);
    int64_t now = pr_now(n);
    pr_txtable_forget(&n->txs, slot, now);
}

/* Into the mempool, evicting the lowest fee rates while over capacity (which may be this one). */
static bool admit_pool(struct pr_node *n, uint32_t slot)
{
    struct pr_txent *e = &n->txs.hot[slot];
    if (e->state == PR_TXS_STEM) {
        n->stem_bytes -= e->size;
        n->stem_txs--;
    }
    e->state = PR_TXS_POOL;
    uint32_t mine = e->cold;
    if (pr_mempool_insert(&n->pool, n->txs.cold, mine, e->size) != PR_OK) {
        n->st.pool_dropped++;
        e->state = PR_TXS_WALLET; /* not in any pool: drop() must not touch one */
        pr_relay_drop(n, slot);
        return false;
    }
    while (n->pool.bytes > n->pool.max_bytes) {
        uint32_t w = pr_mempool_worst(&n->pool);
        uint64_t wid = n->txs.cold[w].id;
        uint32_t ws = pr_txtable_find(&n->txs, wid);
        n->st.pool_dropped++;
        pr_emit(n, PR_EV_TX_DROPPED, w == mine ? PR_DROP_MEMPOOL_FULL : PR_DROP_EVICTED, PR_NO_PEER, wid,
                n->txs.hot[ws].size, 0);
        if (n->def->evicted)
            n->def->evicted(n, n->txs.cold[w].fee);
        pr_relay_drop(n, ws);
        if (w == mine)
            return false;
    }
    pr_mempool_note_peak(&n->pool);
    return true;
}

static uint64_t fluff_targets(const struct pr_node *n, const struct pr_txent *e)
{
    uint64_t all = n->npeers >= 64 ? ~0ull : bit(n->npeers) - 1;
    if (e->src < n->npeers)
        all &= ~bit(e->src);
    return all & ~e->known & ~n->closed;
}

static void flush_alone(struct pr_node *n, uint32_t pi, uint32_t slot);

/* Inline: once per peer a transaction is fluffed to (GCC stops inlining it unasked, at a call per peer). */
static inline void enqueue(struct pr_node *n, uint32_t pi, uint32_t slot)
{
    struct pr_txent *e = &n->txs.hot[slot];
    if (e->queued & bit(pi))
        return;
    struct pr_peer *p = &n->peers[pi];
    int64_t mean = p->outbound ? n->cfg->flush_out_ns : n->cfg->flush_in_ns;
    if (mean <= 0 && p->fq.len == 0) {
        /* It would be flushed at once, alone: the same steps without the queue. */
        e->queued |= bit(pi);
        flush_alone(n, pi, slot);
        return;
    }
    if (pr_idqueue_push(&p->fq, e->id) != PR_OK)
        return; /* out of memory: this peer misses the transaction */
    e->queued |= bit(pi);
    if (mean <= 0)
        pr_relay_flush(n, pi);
    else if (!p->flush_timer)
        p->flush_timer = pr_set_timer(n, pr_dandelion_flush_delay(n->cfg, &n->rng, p->outbound), PR_T_FLUSH, pi);
}

static void diffuse_send(struct pr_node *n, uint32_t slot)
{
    struct pr_txent *e = &n->txs.hot[slot];
    if (e->state != PR_TXS_POOL)
        return;
    uint64_t targets = fluff_targets(n, e);
    if (n->pow && targets) {
        e->round_n = (uint8_t)__builtin_popcountll(targets);
        e->round_relayed = e->round_notrelayed = 0;
        e->nonrelay = 0;
        e->flags = (uint8_t)((e->flags | PR_TXF_ROUND_OPEN) & ~PR_TXF_ROUND_DONE);
    }
    for (uint32_t pi = 0; targets; pi++, targets >>= 1)
        if (targets & 1)
            enqueue(n, pi, slot);
}

/* Start the fluff phase's diffusion from this node: the median rule, then the queues. */
static void diffuse(struct pr_node *n, uint32_t slot)
{
    if (n->attacker)
        return;
    struct pr_txent *e = &n->txs.hot[slot];
    uint64_t targets = fluff_targets(n, e);
    if (!targets)
        return;
    if (n->pow) {
        double median = median_req(n, targets);
        if (median > e->work) {
            e->after = PR_AFTER_DIFFUSE;
            if (request_work(n, slot, median))
                return; /* the job's completion opens the round */
        }
    }
    diffuse_send(n, slot);
}

static void fluff(struct pr_node *n, uint32_t slot, uint32_t reason)
{
    struct pr_txent *e = &n->txs.hot[slot];
    e->after = PR_AFTER_NONE; /* a pending stem repackaging is no longer wanted */
    uint64_t id = e->id;
    if (!admit_pool(n, slot))
        return;
    if (reason)
        pr_emit(n, PR_EV_TX_FLUFFED, reason, PR_NO_PEER, id, 0, 0);
    diffuse(n, slot);
}

static void stem_send(struct pr_node *n, uint32_t slot)
{
    struct pr_txent *e = &n->txs.hot[slot];
    if (e->state != PR_TXS_STEM)
        return;
    struct pr_peer *p = &n->peers[e->stem_peer];
    if (n->pow && e->work < p->their_req) {
        e->after = PR_AFTER_STEM;
        request_work(n, slot, p->their_req); /* declined: it waits for its embargo */
        return;
    }
    if (n->def->send && n->def->send(n, e->stem_peer, p->def, e, true) != PR_SEND_NOW)
        return; /* sent later, or it waits for its embargo */
    struct pr_tx t = pr_tx_of(n, e);
    pr_send_txs(n, e->stem_peer, PR_MSG_STEM, &t, 1);
}

/* A stem transaction now held here goes on along this epoch's stem for its source. */
static void stem_forward(struct pr_node *n, uint32_t slot)
{
    struct pr_txent *e = &n->txs.hot[slot];
    int stem = pr_dandelion_stem_for(&n->dl, &n->rng, e->src);
    if (stem < 0) {
        fluff(n, slot, PR_FLUFF_NO_STEM);
        return;
    }
    e->stem_peer = (uint8_t)stem;
    if (!(e->flags & PR_TXF_EMBARGO)) {
        e->flags |= PR_TXF_EMBARGO;
        pr_set_timer(n, pr_dandelion_embargo(n->cfg, &n->rng), PR_T_EMBARGO, e->id);
    }
    stem_send(n, slot);
}

static void start_own(struct pr_node *n, uint32_t slot)
{
    struct pr_txent *e = &n->txs.hot[slot];
    pr_emit(n, PR_EV_TX_ACCEPTED, 0, PR_NO_PEER, e->id, e->work, 0);
    if (!n->cfg->dandelion_enabled) {
        fluff(n, slot, PR_FLUFF_DIRECT);
        return;
    }
    /* Own transactions always start in the stem phase, even in a fluff epoch. */
    e->state = PR_TXS_STEM;
    n->stem_bytes += e->size;
    n->stem_txs++;
    stem_forward(n, slot);
}

void pr_relay_embargo(struct pr_node *n, uint64_t tx)
{
    uint32_t slot = pr_txtable_find(&n->txs, tx);
    if (slot == PR_NO_SLOT || n->txs.hot[slot].state != PR_TXS_STEM)
        return;
    fluff(n, slot, PR_FLUFF_EMBARGO);
}

static void resend(struct pr_node *n, uint32_t slot)
{
    struct pr_txent *e = &n->txs.hot[slot];
    if (e->state != PR_TXS_POOL)
        return;
    uint64_t to = e->nonrelay & ~e->known;
    for (uint32_t pi = 0; to; pi++, to >>= 1)
        if (to & 1)
            enqueue(n, pi, slot);
}

/* Every peer of the round has answered or been skipped: if fewer than half relayed, the node may
 * repackage to the highest requirement among those that did not, and resend to them (once). */
static void round_check(struct pr_node *n, uint32_t slot)
{
    struct pr_txent *e = &n->txs.hot[slot];
    if (!(e->flags & PR_TXF_ROUND_OPEN) || (e->flags & PR_TXF_ROUND_DONE))
        return;
    if (e->round_relayed + e->round_notrelayed < e->round_n)
        return;
    e->flags |= PR_TXF_ROUND_DONE;
    if (2u * e->round_relayed >= e->round_n)
        return;
    e->after = PR_AFTER_RESEND;
    double target = work_target(n, slot);
    if (target <= e->work) {
        e->after = PR_AFTER_NONE;
        resend(n, slot);
        return;
    }
    request_work(n, slot, target);
}

static void round_tally(struct pr_txent *e, uint32_t pi, bool relayed)
{
    if (!(e->flags & PR_TXF_ROUND_OPEN) || (e->flags & PR_TXF_ROUND_DONE))
        return;
    if (relayed) {
        e->round_relayed++;
    } else {
        e->round_notrelayed++;
        e->nonrelay |= bit(pi);
    }
}

/* A queued transaction at its flush to peer pi: true, with its batch record, if it goes now. The peer
 * may have got it meanwhile, or asked for more: those are tallied for the fluff round instead. Inline:
 * it runs once per queued transaction, in the flush's loop. */
static inline bool flush_take(struct pr_node *n, uint32_t pi, uint32_t slot, struct pr_tx *out)
{
    if (slot == PR_NO_SLOT || n->txs.hot[slot].state != PR_TXS_POOL)
        return false; /* confirmed or evicted meanwhile */
    struct pr_txent *e = &n->txs.hot[slot];
    e->queued &= ~bit(pi);
    if (e->known & bit(pi)) {
        round_tally(e, pi, true);
        return false;
    }
    if (n->pow && n->peers[pi].their_req > e->work) {
        round_tally(e, pi, false);
        return false;
    }
    enum pr_send_verdict sv = n->def->send ? n->def->send(n, pi, n->peers[pi].def, e, false) : PR_SEND_NOW;
    if (sv == PR_SEND_SKIP)
        round_tally(e, pi, false);
    if (sv != PR_SEND_NOW)
        return false; /* skipped, or the defence sends it later (or drops it) */
    e->inflight |= bit(pi);
    *out = pr_tx_of(n, e);
    return true;
}

/* pr_relay_flush() of a queue holding only this transaction (flush delay 0). */
static void flush_alone(struct pr_node *n, uint32_t pi, uint32_t slot)
{
    pr_cancel_timer(n, &n->peers[pi].flush_timer);
    struct pr_tx t;
    if (flush_take(n, pi, slot, &t))
        send_fluff(n, pi, &t, 1);
    round_check(n, slot); /* sending inserts nothing: the slot still holds */
}

void pr_relay_flush(struct pr_node *n, uint32_t pi)
{
    struct pr_peer *p = &n->peers[pi];
    if (p->fq.len == 0)
        return;
    /* Take the queue: what this flush sets off (a resend) queues anew rather than under our feet. */
    struct pr_idqueue q = pr_idqueue_take(&p->fq);
    pr_cancel_timer(n, &p->flush_timer);

    /* A usual batch is built on the stack; a bigger one in memory of its own, freed after (a buffer
     * kept per node would grow to the largest batch it ever sent). */
    struct pr_tx local[LOCAL_BATCH];
    uint32_t local_slots[LOCAL_BATCH];
    struct pr_tx *batch = local;
    uint32_t *slots = local_slots;
    if (q.len > LOCAL_BATCH) {
        batch = malloc(sizeof *batch * q.len);
        slots = malloc(sizeof *slots * q.len);
    }
    if (batch && slots) { /* out of memory: the queue is dropped, as a lost message would be */
        uint32_t k = 0;
        struct pr_txtable_batch queued = pr_txtable_batch(&n->txs, q.ids, q.len, slots);
        for (uint32_t i = 0; i < q.len; i++)
            if (flush_take(n, pi, pr_txtable_batch_slot(&queued, i), &batch[k]))
                k++;
        if (k)
            send_fluff(n, pi, batch, k);
        /* A round check may act (resend, queue a PoW job) but the slots found above normally still
         * hold: checked by id rather than looked up again. */
        for (uint32_t i = 0; i < q.len; i++) {
            uint32_t slot = pr_txtable_refind(&n->txs, q.ids[i], slots[i]);
            if (slot != PR_NO_SLOT)
                round_check(n, slot);
        }
    }
    if (batch != local) {
        free(batch);
        free(slots);
    }
    pr_idqueue_give_back(&n->peers[pi].fq, q);
}

/* ---- services to the defence (defence.h) ---- */

void *pr_defence_link(struct pr_node *n, uint32_t pi) { return n->peers[pi].def; }
const void *pr_defence_link_const(const struct pr_node *n, uint32_t pi) { return n->peers[pi].def; }
void *pr_defence_node(struct pr_node *n) { return n->defnode; }

double pr_defence_floor(const struct pr_node *n) { return n->def->floor ? n->def->floor(n) : n->cfg->pow_base; }

void pr_defence_asked_changed(struct pr_node *n, uint32_t pi, double old, double now)
{
    struct pr_peer *p = &n->peers[pi];
    if (now > p->asked_max)
        p->asked_max = now;
    if (now > n->st.req_max)
        n->st.req_max = now;
    pr_emit(n, PR_EV_REQ_CHANGED, 0, pi, 0, old, now);
    pr_send_mindiff(n, pi);
}

void pr_defence_release(struct pr_node *n, uint32_t pi, const uint64_t *ids, size_t count)
{
    struct pr_tx local[LOCAL_BATCH];
    struct pr_tx *batch = count <= LOCAL_BATCH ? local : malloc(sizeof *batch * count);
    if (!batch)
        return; /* out of memory: as a lost message */
    size_t k = 0;
    for (size_t i = 0; i < count; i++) {
        uint32_t slot = pr_txtable_find(&n->txs, ids[i]);
        if (slot == PR_NO_SLOT)
            continue; /* confirmed or evicted meanwhile */
        struct pr_txent *e = &n->txs.hot[slot];
        if (e->state == PR_TXS_STEM && e->stem_peer == pi) {
            struct pr_tx t = pr_tx_of(n, e);
            pr_send_txs(n, pi, PR_MSG_STEM, &t, 1);
        } else if (e->state == PR_TXS_POOL && !(e->known & bit(pi))) {
            e->inflight |= bit(pi);
            batch[k++] = pr_tx_of(n, e);
        }
    }
    if (k)
        pr_send_txs(n, pi, PR_MSG_FLUFF, batch, k);
    if (batch != local)
        free(batch);
}

void pr_defence_dropped(struct pr_node *n, uint32_t pi, uint64_t id)
{
    n->st.defence_dropped++;
    pr_emit(n, PR_EV_TX_DROPPED, PR_DROP_BACKLOG, pi, id, 0, 0);
}

void pr_defence_timer(struct pr_node *n, uint32_t pi, int64_t at_ns)
{
    uint64_t *handle = pi == PR_NO_PEER ? &n->def_timer : &n->peers[pi].def_timer;
    pr_cancel_timer(n, handle);
    if (at_ns >= 0)
        *handle = pr_set_timer(n, at_ns - pr_now(n), PR_T_DEFENCE, pi);
}

static void on_duplicate(struct pr_node *n, uint32_t pi, uint32_t slot, const struct pr_tx *tx, bool stem_msg)
{
    struct pr_txent *e = &n->txs.hot[slot];
    e->known |= bit(pi);
    /* Keep the strongest proof seen: it may spare a repackaging at the next hop. */
    if (tx->work > e->work &&
        (n->cfg->pow_mode != PR_POW_SHA256 || pr_pow_sha256_verify(tx->id, tx->nonce, tx->work))) {
        e->work = tx->work;
        pr_set_nonce(n, tx->id, tx->nonce);
    }
    if (e->state == PR_TXS_STEM)
        fluff(n, slot, stem_msg ? PR_FLUFF_LOOP : 0); /* a loop, or seen fluffed elsewhere */
}

static uint8_t receive_tx(struct pr_node *n, uint32_t pi, const struct pr_tx *tx, bool stem_msg, double *req)
{
    const struct pr_config *c = n->cfg;
    struct pr_peer *p = &n->peers[pi];
    int64_t now = pr_now(n);
    uint32_t slot = pr_txtable_find(&n->txs, tx->id);
    bool known = slot != PR_NO_SLOT || pr_txtable_seen(&n->txs, tx->id);

    /* Counted before it is judged: count, escalate, then judge (docs/protocol.md#receipt). */
    if (n->def->count)
        n->def->count(n, pi, p->def, !known);
    if (known) {
        n->txs_duplicate++;
        if (slot != PR_NO_SLOT)
            on_duplicate(n, pi, slot, tx, stem_msg);
        return PR_ANS_HAVE;
    }
    /* A forged proof is refused whatever the defence asks; then the defence judges. */
    bool forged = n->pow && c->pow_mode == PR_POW_SHA256 && !pr_pow_sha256_verify(tx->id, tx->nonce, tx->work);
    if (forged)
        pr_relay_invalid(n, pi, PR_ERR_BAD_POW);
    double asked = 0;
    enum pr_verdict v = PR_VERDICT_REJECT;
    if (forged)
        asked = n->def->asked(n, pi, p->def);
    else
        v = n->def->judge(n, pi, p->def, tx, &asked);
    if (v != PR_VERDICT_ACCEPT) {
        n->st.txs_rejected++;
        p->txs_rejected++;
        pr_emit(n, PR_EV_TX_REJECTED, 0, pi, tx->id, tx->work, asked);
        if (v == PR_VERDICT_DROP)
            return PR_ANS_DROPPED; /* refused for something no work can mend (a fee floor) */
        *req = asked;
        return PR_ANS_NACK;
    }
    if (stem_msg && n->stem_bytes + tx->size > c->mempool_max_bytes) {
        n->st.pool_dropped++;
        pr_emit(n, PR_EV_TX_DROPPED, PR_DROP_MEMPOOL_FULL, pi, tx->id, tx->size, 0);
        return PR_ANS_DROPPED;
    }
    if (pr_txtable_add(&n->txs, tx->id, &slot) != PR_OK)
        return PR_ANS_DROPPED;
    struct pr_txent *e = &n->txs.hot[slot];
    struct pr_txcold *cold = pr_txcold_of(&n->txs, e);
    e->work = tx->work;
    e->size = tx->size;
    pr_set_nonce(n, tx->id, tx->nonce);
    cold->fee = tx->fee;
    cold->arrival_ns = now;
    e->src = (uint8_t)pi;
    e->known = bit(pi);
    if (stem_msg) {
        e->state = PR_TXS_STEM;
        n->stem_bytes += e->size;
        n->stem_txs++;
        n->st.txs_accepted++;
        pr_emit(n, PR_EV_TX_ACCEPTED, PR_EVF_STEM, pi, tx->id, tx->work, 0);
        if (n->dl.fluff_epoch)
            fluff(n, slot, PR_FLUFF_EPOCH);
        else
            stem_forward(n, slot);
        return PR_ANS_RELAYED;
    }
    if (!admit_pool(n, slot))
        return PR_ANS_DROPPED;
    n->st.txs_accepted++;
    pr_emit(n, PR_EV_TX_ACCEPTED, 0, pi, tx->id, tx->work, 0);
    diffuse(n, slot);
    return PR_ANS_RELAYED;
}

static int handle_txs(struct pr_node *n, uint32_t pi, const struct pr_msg *m)
{
    /* The answers to a usual batch are gathered on the stack, a big batch's in memory of its own (see
     * pr_relay_flush). */
    struct pr_answer local[LOCAL_BATCH];
    struct pr_answer *ans = m->count <= LOCAL_BATCH ? local : malloc(sizeof *ans * m->count);
    if (!ans)
        return PR_ERR_NOMEM;
    /* Stem messages on a network without Dandelion++ are taken as fluff. */
    bool stem_msg = m->type == PR_MSG_STEM && n->cfg->dandelion_enabled;
    struct pr_batch_reader txs = pr_batch_txs(m, n->attacker ? NULL : &n->txs); /* an attacker looks none up */
    struct pr_tx tx;
    for (uint32_t i = 0; pr_batch_next_tx(&txs, &tx); i++) {
        n->tx_deliveries++;
        double req = 0;
        uint8_t status = n->attacker ? PR_ANS_RELAYED : receive_tx(n, pi, &tx, stem_msg, &req);
        ans[i] = (struct pr_answer){.id = tx.id, .status = status, .req = req};
    }
    int err = pr_send_answers(n, pi, ans, m->count);
    if (ans != local)
        free(ans);
    return err;
}

static int handle_answers(struct pr_node *n, uint32_t pi, const struct pr_msg *m)
{
    const struct pr_config *c = n->cfg;
    /* A peer may not demand more than the protocol's cap: the whole message is refused. */
    for (uint32_t i = 0; i < m->count; i++) {
        struct pr_answer a;
        pr_wire_answer_at(m, i, &a);
        if (a.status == PR_ANS_NACK && a.req > c->difficulty_max) {
            pr_relay_invalid(n, pi, PR_ERR_MALFORMED);
            return PR_ERR_MALFORMED;
        }
    }
    struct pr_peer *p = &n->peers[pi];
    struct pr_batch_reader answers = pr_batch_answers(m, n->attacker ? NULL : &n->txs); /* an attacker looks none up */
    struct pr_answer a;
    while (pr_batch_next_answer(&answers, &a)) {
        if (a.status == PR_ANS_NACK && n->pow)
            p->their_req = a.req;
        if (n->attacker)
            continue;
        uint32_t slot = pr_txtable_find(&n->txs, a.id);
        if (slot == PR_NO_SLOT)
            continue;
        struct pr_txent *e = &n->txs.hot[slot];
        bool relayed = a.status == PR_ANS_RELAYED || a.status == PR_ANS_HAVE;
        if (relayed)
            e->known |= bit(pi);
        if (e->inflight & bit(pi)) {
            /* The answer to a fluff send. */
            e->inflight &= ~bit(pi);
            round_tally(e, pi, relayed);
            round_check(n, slot);
        } else if (e->state == PR_TXS_STEM && e->stem_peer == pi && a.status == PR_ANS_NACK &&
                   !(e->flags & PR_TXF_STEM_RESENT)) {
            /* The stem peer wants more: repackage to what the NACK says and resend, once. */
            e->flags |= PR_TXF_STEM_RESENT;
            stem_send(n, slot);
        }
    }
    return PR_OK;
}

int pr_relay_message(struct pr_node *n, uint32_t pi, const struct pr_msg *m)
{
    switch (m->type) {
    case PR_MSG_STEM:
    case PR_MSG_FLUFF:
        return handle_txs(n, pi, m);
    case PR_MSG_ANSWER:
        return handle_answers(n, pi, m);
    case PR_MSG_MINDIFF:
        if (m->req > n->cfg->difficulty_max) {
            pr_relay_invalid(n, pi, PR_ERR_MALFORMED);
            return PR_ERR_MALFORMED;
        }
        n->peers[pi].their_req = m->req;
        return PR_OK;
    default:
        return PR_ERR_UNKNOWN_TYPE;
    }
}

/* ---- PoW for relaying: repackaging and the sender's wallet (docs/protocol.md#repackaging) ---- */

static double median_req(const struct pr_node *n, uint64_t mask)
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

/* What e->after needs now, recomputed (requirements may have moved since the job was queued). */
static double work_target(struct pr_node *n, uint32_t slot)
{
    const struct pr_txent *e = &n->txs.hot[slot];
    switch (e->after) {
    case PR_AFTER_STEM:
        return e->state == PR_TXS_STEM ? n->peers[e->stem_peer].their_req : 0;
    case PR_AFTER_DIFFUSE:
        return median_req(n, fluff_targets(n, e));
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

/* Go on with what the transaction waited for (e->after), its PoW done or found unnecessary. */
static void work_continue(struct pr_node *n, uint32_t slot)
{
    struct pr_txent *e = &n->txs.hot[slot];
    uint8_t after = e->after;
    e->after = PR_AFTER_NONE;
    switch (after) {
    case PR_AFTER_STEM:
        stem_send(n, slot);
        break;
    case PR_AFTER_DIFFUSE:
        diffuse_send(n, slot);
        break;
    case PR_AFTER_RESEND:
        resend(n, slot);
        break;
    default:
        break;
    }
}

/* A finished solve for the live transaction at slot: keep the stronger proof. */
static void apply_work(struct pr_node *n, uint32_t slot, const struct pr_pow_result *r)
{
    struct pr_txent *e = &n->txs.hot[slot];
    e->flags &= ~PR_TXF_JOB;
    if (r->work > e->work) {
        e->work = r->work;
        pr_set_nonce(n, e->id, r->nonce);
    }
}

static void dropped_job(struct pr_node *n, uint64_t tx, uint32_t size)
{
    n->st.solver_dropped++;
    pr_emit(n, PR_EV_TX_DROPPED, PR_DROP_SOLVER_QUEUE, PR_NO_PEER, tx, size, 0);
}

/* Repackaging on the node's solver. When the job starts, it checks again that it is still needed. */
static bool repackage_start(struct pr_node *n, struct pr_job *job, double *target)
{
    uint32_t slot = pr_txtable_find(&n->txs, job->tx);
    if (slot == PR_NO_SLOT || !(n->txs.hot[slot].flags & PR_TXF_JOB))
        return false;
    struct pr_txent *e = &n->txs.hot[slot];
    *target = work_target(n, slot);
    if (!(*target > e->work)) {
        e->flags &= ~PR_TXF_JOB;
        work_continue(n, slot);
        return false;
    }
    return true;
}

static void repackage_done(struct pr_node *n, const struct pr_job *job, const struct pr_pow_result *r)
{
    uint32_t slot = pr_txtable_find(&n->txs, job->tx);
    if (!r) {
        if (slot != PR_NO_SLOT) {
            n->txs.hot[slot].flags &= ~PR_TXF_JOB;
            dropped_job(n, job->tx, n->txs.hot[slot].size);
        }
        return;
    }
    n->st.repackagings++;
    n->st.repackage_hashes += r->hashes;
    pr_emit(n, PR_EV_TX_SOLVED, PR_SOLVE_REPACKAGE, PR_NO_PEER, job->tx, r->hashes, r->work);
    if (slot != PR_NO_SLOT) {
        apply_work(n, slot, r);
        work_continue(n, slot);
    }
}

static const struct pr_job_kind repackage_kind = {
    .cost = PR_SOLVE_REPACKAGE, .start = repackage_start, .done = repackage_done};

/* The sender's wallet, for an own transaction: solves the target fixed when it was asked, at once. */
static bool wallet_start(struct pr_node *n, struct pr_job *job, double *target)
{
    *target = job->target;
    return true;
}

static void wallet_done(struct pr_node *n, const struct pr_job *job, const struct pr_pow_result *r)
{
    uint32_t slot = pr_txtable_find(&n->txs, job->tx);
    if (!r) { /* no hash power: the transaction waits for its embargo, if any */
        if (slot != PR_NO_SLOT)
            n->txs.hot[slot].flags &= ~PR_TXF_JOB;
        return;
    }
    pr_emit(n, PR_EV_TX_SOLVED, PR_SOLVE_WALLET, PR_NO_PEER, job->tx, r->hashes, r->work);
    if (slot == PR_NO_SLOT)
        return;
    apply_work(n, slot, r);
    if (n->txs.hot[slot].state == PR_TXS_WALLET)
        start_own(n, slot);
    else
        work_continue(n, slot);
}

static const struct pr_job_kind wallet_kind = {.cost = PR_SOLVE_WALLET, .start = wallet_start, .done = wallet_done};

/* The sender's device hash rate of a live own transaction, 0 if unknown. */
static double own_rate(const struct pr_node *n, uint64_t tx)
{
    for (uint32_t i = 0; i < n->n_own; i++)
        if (n->own[i].tx == tx)
            return n->own[i].rate;
    return 0;
}

static void forget_own(struct pr_node *n, uint64_t tx)
{
    for (uint32_t i = 0; i < n->n_own; i++)
        if (n->own[i].tx == tx) {
            n->own[i] = n->own[--n->n_own];
            return;
        }
}

static void wallet_solve(struct pr_node *n, uint32_t slot, double target)
{
    struct pr_txent *e = &n->txs.hot[slot];
    if (target < n->cfg->pow_base)
        target = n->cfg->pow_base;
    e->flags |= PR_TXF_JOB;
    struct pr_job job = {.kind = &wallet_kind, .tx = e->id, .peer = PR_NO_PEER, .target = target};
    if (pr_work_alone(n, &job, own_rate(n, e->id)) != PR_OK)
        e->flags &= ~PR_TXF_JOB; /* out of memory: the transaction waits for its embargo, if any */
}

/* A transaction needs more work than it has to go where `e->after` says: decide (own: always, by the
 * wallet; exact: never; others: the repackaging rule for its source) and queue the PoW. True when a job
 * is pending. */
static bool request_work(struct pr_node *n, uint32_t slot, double target)
{
    struct pr_txent *e = &n->txs.hot[slot];
    if (!n->pow || (e->flags & PR_TXF_EXACT))
        return false;
    if (e->flags & PR_TXF_JOB)
        return true; /* the pending job serves e->after, recomputed when it starts */
    if (e->flags & PR_TXF_OWN) {
        wallet_solve(n, slot, target);
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
    bool yes = pr_repackage_draw(n->def->repackage_percent(n, e->src, rp), &n->rng);
    pr_emit(n, PR_EV_REPACKAGE, yes ? PR_REPACK_DONE : PR_REPACK_DECLINED, e->src, e->id, target, rp);
    if (!yes) {
        n->st.repackage_declined++;
        return false;
    }
    struct pr_job job = {.kind = &repackage_kind, .tx = e->id, .peer = PR_NO_PEER};
    e->flags |= PR_TXF_JOB;
    if (pr_work_queue(n, &job) != PR_OK) {
        e = &n->txs.hot[slot];
        e->flags &= ~PR_TXF_JOB;
        dropped_job(n, e->id, e->size);
        return false;
    }
    return true;
}

/* ---- own transactions ---- */

int pr_relay_submit(struct pr_node *n, const struct pr_tx_request *rq, uint64_t *id)
{
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
        struct pr_own_rate *o = pr_grow(n->own, &n->cap_own, sizeof *o, 4);
        if (!o) {
            pr_txtable_forget(&n->txs, slot, pr_now(n));
            return PR_ERR_NOMEM;
        }
        n->own = o;
    }
    n->own[n->n_own++] = (struct pr_own_rate){.tx = txid, .rate = rq->wallet_hashrate};
    if (id)
        *id = txid;
    pr_emit(n, PR_EV_TX_CREATED, 0, PR_NO_PEER, txid, rq->size, rq->fee);

    if (rq->work >= 0 || !n->pow) {
        e->work = rq->work >= 0 ? rq->work : 0;
        if (rq->work >= 0)
            e->flags |= PR_TXF_EXACT;
        start_own(n, slot);
        return PR_OK;
    }
    /* The wallet solves to what the first hop will ask: the stem's requirement (or, when the
     * transaction fluffs at once, the median of the peers'), never below base. */
    double target = n->cfg->pow_base;
    int stem = n->cfg->dandelion_enabled ? pr_dandelion_stem_for(&n->dl, &n->rng, PR_SRC_SELF) : -1;
    double first_hop = stem >= 0 ? n->peers[stem].their_req : median_req(n, fluff_targets(n, e));
    if (first_hop > target)
        target = first_hop;
    wallet_solve(n, slot, target);
    return PR_OK;
}
