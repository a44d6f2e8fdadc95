/* Blocks (docs/protocol.md#blocks): a miner assembles one from its mempool; every node relays each block
 * once to all its peers (no PoW rules for blocks) and drops the included transactions. */
#include "block.h"

#include <stdlib.h>

#include "hostcall.h"
#include "node_internal.h"
#include "relay.h"

static bool block_seen(const struct pr_node *n, uint64_t id)
{
    for (size_t i = 0; i < sizeof n->recent_blocks / sizeof n->recent_blocks[0]; i++)
        if (n->recent_blocks[i] == id)
            return true;
    return false;
}

static void block_note(struct pr_node *n, uint64_t id)
{
    n->recent_blocks[n->recent_next] = id;
    n->recent_next = (n->recent_next + 1) % (sizeof n->recent_blocks / sizeof n->recent_blocks[0]);
}

/* The block confirms id: drop it if held, else remember it so a late copy is not taken for new. */
static void confirm(struct pr_node *n, uint64_t id, int64_t now)
{
    uint32_t slot = pr_txtable_find(&n->txs, id);
    if (slot == PR_NO_SLOT) {
        if (!pr_txtable_seen(&n->txs, id))
            pr_txtable_remember(&n->txs, id, now);
        pr_fetch_forget(n, id);
        return;
    }
    const struct pr_txent *e = &n->txs.hot[slot];
    if (e->state == PR_TXS_WALLET)
        return; /* our own, still being solved: nobody else can hold it */
    if (n->def->confirmed && e->src < n->npeers)
        n->def->confirmed(n, e->src, n->peers[e->src].def);
    pr_relay_drop(n, slot);
}

static void flood(struct pr_node *n, uint32_t except, const uint8_t *msg, size_t len, uint32_t pad)
{
    for (uint32_t pi = 0; pi < n->npeers; pi++)
        if (pi != except)
            pr_send(n, pi, msg, len, pad);
}

void pr_block_receive(struct pr_node *n, uint32_t pi, const struct pr_msg *m, const uint8_t *raw, size_t len,
                      uint32_t pad)
{
    if (n->attacker || m->block_id == 0 || block_seen(n, m->block_id))
        return;
    block_note(n, m->block_id);
    int64_t now = pr_now(n);
    for (uint32_t i = 0; i < m->count; i++)
        confirm(n, pr_wire_block_tx_at(m, i), now);
    flood(n, pi, raw, len, pad); /* validated already: relay the bytes as they came */
}

int pr_node_mine_block_by(struct pr_node *n, uint64_t block_id, const struct pr_block_rules *rules,
                          struct pr_block_made *made)
{
    if (!n || block_id == 0 || !rules || rules->policy > PR_BLOCKS_MONERO || !(rules->reward >= 0))
        return PR_ERR_INVALID;
    if (n->attacker || !n->started)
        return PR_ERR_STATE;
    if (block_seen(n, block_id))
        return PR_ERR_INVALID;
    size_t cap = n->pool.len < PR_WIRE_MAX_BLOCK_TXS ? n->pool.len : PR_WIRE_MAX_BLOCK_TXS;
    uint32_t *slots = malloc(sizeof *slots * (cap ? cap : 1));
    uint64_t *ids = malloc(sizeof *ids * (cap ? cap : 1));
    size_t bytes = PR_WIRE_HEADER_BYTES + 8 + 8 * cap;
    uint8_t *buf = malloc(bytes);
    int err = PR_ERR_NOMEM;
    struct pr_block_made got;
    if (!slots || !ids || !buf)
        goto out;
    size_t k = pr_mempool_select(&n->pool, &n->txs, rules, slots, cap, &got);
    for (size_t i = 0; i < k; i++)
        ids[i] = n->txs.cold[slots[i]].id;
    struct pr_event ev = {.type = PR_EV_BLOCK_MINED, .peer = PR_NO_PEER, .tx = block_id, .ids = ids, .n_ids = k,
                          .a = (double)got.weight, .b = got.fees};
    pr_emit_event(n, &ev);
    block_note(n, block_id);
    int64_t now = pr_now(n);
    for (size_t i = 0; i < k; i++)
        confirm(n, ids[i], now);
    uint32_t pad = 0;
    size_t len = pr_wire_encode_block(buf, bytes, block_id, ids, k, &pad);
    if (len)
        flood(n, PR_NO_PEER, buf, len, pad);
    if (made)
        *made = got;
    err = PR_OK;
out:
    free(slots);
    free(ids);
    free(buf);
    return err;
}

int pr_node_mine_block(struct pr_node *n, uint64_t block_id, uint64_t max_bytes)
{
    struct pr_block_rules r = {.policy = PR_BLOCKS_SIMPLE, .max_bytes = max_bytes};
    return pr_node_mine_block_by(n, block_id, &r, NULL);
}
