/* Announce-and-fetch relay (docs/protocol.md#announce), after Monero's tx relay v2: a fluff batch goes
 * out as an ANNOUNCE of ids; the receiver answers HAVE for what it already knows and REQUESTs the rest;
 * the sender serves a REQUEST with a FLUFF of what it still holds in its mempool, and that FLUFF is
 * received like any other (the PoW rules and the defence apply to it). */
#include "fetch.h"

#include <stdlib.h>

#include "grow.h"
#include "hostcall.h"
#include "node_internal.h"
#include "relay.h"

void pr_fetch_free(struct pr_fetch *f)
{
    free(f->reqs);
    pr_u64map_free(&f->index);
    *f = (struct pr_fetch){0};
}

static struct pr_request *find(struct pr_node *n, uint64_t id)
{
    uint64_t pos;
    return pr_u64map_get(&n->fetch.index, id, &pos) ? &n->fetch.reqs[pos - 1] : NULL;
}

static void remove_request(struct pr_node *n, struct pr_request *r)
{
    struct pr_fetch *f = &n->fetch;
    pr_cancel_timer(n, &r->timer);
    pr_u64map_del(&f->index, r->id);
    uint32_t pos = (uint32_t)(r - f->reqs);
    if (pos != f->len - 1) { /* the last one fills the hole */
        f->reqs[pos] = f->reqs[f->len - 1];
        (void)pr_u64map_put(&f->index, f->reqs[pos].id, pos + 1); /* overwrites: no allocation */
    }
    f->len--;
}

static void ask(struct pr_node *n, struct pr_request *r)
{
    n->peers[r->peer].asked++;
    r->timer = pr_set_timer(n, n->cfg->request_timeout_ns, PR_T_FETCH, r->id);
}

int pr_fetch_announce(struct pr_node *n, uint32_t pi, const struct pr_msg *m)
{
    if (n->attacker)
        return PR_OK; /* attackers fetch nothing */
    uint64_t *want = malloc(sizeof *want * m->count);
    struct pr_answer *have = malloc(sizeof *have * m->count);
    if (!want || !have) {
        free(want);
        free(have);
        return PR_ERR_NOMEM;
    }
    size_t n_want = 0, n_have = 0;
    for (uint32_t i = 0; i < m->count; i++) {
        uint64_t id = pr_wire_id_at(m, i);
        if (pr_txtable_find(&n->txs, id) != PR_NO_SLOT || pr_txtable_seen(&n->txs, id)) {
            have[n_have++] = (struct pr_answer){.id = id, .status = PR_ANS_HAVE};
            continue;
        }
        struct pr_request *r = find(n, id);
        if (r) { /* asked of another peer already: this one is next if that fails */
            if (r->peer != pi && r->n_alt < PR_FETCH_ALTS)
                r->alt[r->n_alt++] = (uint8_t)pi;
            continue;
        }
        struct pr_fetch *f = &n->fetch;
        if (f->len == f->cap) {
            struct pr_request *q = pr_grow(f->reqs, &f->cap, sizeof *q, 64);
            if (!q)
                continue; /* out of memory: not fetched, as if the announcement were lost */
            f->reqs = q;
        }
        if (pr_u64map_put(&f->index, id, f->len + 1) != PR_OK)
            continue;
        r = &f->reqs[f->len++];
        *r = (struct pr_request){.id = id, .peer = (uint8_t)pi};
        ask(n, r);
        want[n_want++] = id;
    }
    if (n_have)
        pr_send_answers(n, pi, have, n_have);
    if (n_want)
        pr_send_ids(n, pi, PR_MSG_REQUEST, want, n_want);
    free(want);
    free(have);
    return PR_OK;
}

int pr_fetch_request(struct pr_node *n, uint32_t pi, const struct pr_msg *m)
{
    if (n->attacker)
        return PR_OK;
    struct pr_tx *txs = malloc(sizeof *txs * m->count);
    if (!txs)
        return PR_ERR_NOMEM;
    size_t k = 0;
    for (uint32_t i = 0; i < m->count; i++) {
        uint32_t slot = pr_txtable_find(&n->txs, pr_wire_id_at(m, i));
        /* Only what is in the mempool: a stem transaction is not served (Dandelion++'s privacy) */
        if (slot != PR_NO_SLOT && n->txs.hot[slot].state == PR_TXS_POOL)
            txs[k++] = pr_tx_of(n, &n->txs.hot[slot]);
    }
    if (k)
        pr_send_txs(n, pi, PR_MSG_FLUFF, txs, k);
    free(txs);
    return PR_OK;
}

/* Tell the other peers that announced it that we have it now: their fluff round counts the answer. */
static void answer_alternates(struct pr_node *n, const struct pr_request *r)
{
    struct pr_answer a = {.id = r->id, .status = PR_ANS_HAVE};
    for (uint32_t i = 0; i < r->n_alt; i++)
        pr_send_answers(n, r->alt[i], &a, 1);
}

/* The next peer that announced the request's id and is still connected: asked now. False if none. */
static bool ask_next(struct pr_node *n, struct pr_request *r)
{
    while (r->n_alt) {
        uint8_t next = r->alt[0];
        for (uint32_t i = 1; i < r->n_alt; i++)
            r->alt[i - 1] = r->alt[i];
        r->n_alt--;
        if (pr_peer_closed(n, next))
            continue;
        r->peer = next;
        ask(n, r);
        pr_send_ids(n, next, PR_MSG_REQUEST, &r->id, 1);
        return true;
    }
    return false;
}

void pr_fetch_arrived(struct pr_node *n, uint32_t pi, uint64_t id, bool taken)
{
    struct pr_request *r = n->fetch.len ? find(n, id) : NULL;
    if (!r)
        return;
    if (taken) {
        answer_alternates(n, r);
        remove_request(n, r);
        return;
    }
    /* Not taken (its work below our requirement, or no room): another announcer's copy may do. */
    if (r->peer == pi) {
        pr_cancel_timer(n, &r->timer);
        if (ask_next(n, r))
            return;
    } else {
        return; /* the peer we asked may still serve one that passes */
    }
    remove_request(n, r);
}

void pr_fetch_forget(struct pr_node *n, uint64_t id)
{
    struct pr_request *r = n->fetch.len ? find(n, id) : NULL;
    if (r) {
        n->peers[r->peer].asked--; /* not the peer's failure: the id went into a block meanwhile */
        remove_request(n, r);
    }
}

/* More than the share of at least the minimum requests failed: the connection is closed. */
static void check_drop(struct pr_node *n, uint32_t pi)
{
    struct pr_peer *p = &n->peers[pi];
    if (pr_peer_closed(n, pi) || p->asked < n->cfg->drop_min_requests)
        return;
    if ((double)p->failed > n->cfg->drop_failed_share * (double)p->asked) {
        n->closed |= 1ull << pi;
        n->st.peers_dropped++;
        pr_emit(n, PR_EV_PEER_DROPPED, 0, pi, 0, (double)p->failed, (double)p->asked);
    }
}

void pr_fetch_timeout(struct pr_node *n, uint64_t id)
{
    struct pr_request *r = find(n, id);
    if (!r)
        return;
    r->timer = 0;
    n->st.requests_failed++;
    n->peers[r->peer].failed++;
    check_drop(n, r->peer);
    if (!ask_next(n, r))
        remove_request(n, r);
}
