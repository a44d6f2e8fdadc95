/* The inside of a pr_node, shared by the model's modules. Nothing here is part of the ABI. Each module
 * declares its functions in its own header; this one holds only the node's data. */
#ifndef POWRELAY_NODE_INTERNAL_H
#define POWRELAY_NODE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "powrelay/node.h"
#include "powrelay/rng.h"
#include "powrelay/wire.h"

#include "dandelion.h"
#include "defence.h"
#include "difficulty.h"
#include "fetch.h"
#include "idqueue.h"
#include "mempool.h"
#include "pow.h"
#include "repackage.h"
#include "txstate.h"
#include "txtable.h"
#include "work.h"

/* Timer kinds (opaque to the host, which only passes them back). */
enum pr_timer {
    PR_T_EPOCH = 1,
    PR_T_ADVERTISE,
    PR_T_DEFENCE, /* arg = peer index: the defence's timer for that neighbour */
    PR_T_FLUSH,   /* arg = peer index: flush its fluff queue */
    PR_T_EMBARGO, /* arg = tx id */
    PR_T_SOLVER,  /* the running solver job is done */
    PR_T_DEVICE,  /* arg = solve key: a job on a device of its own (a wallet) is done */
    PR_T_VERIFY,  /* the CPU finished verifying the oldest queued message */
    PR_T_ATTACK,  /* the next spam attempt */
    PR_T_FETCH,   /* arg = tx id: a request for it timed out */
    PR_T_COUNT
};

/* What a timer kind does when it fires, and what it touches first (for the host's prefetch hint): one
 * table (node.c), so a kind is added in one place. */
struct pr_node;
struct pr_timer_kind {
    void (*fire)(struct pr_node *n, uint64_t arg);
    const void *(*touches)(const struct pr_node *n, uint64_t arg); /* optional; NULL: nothing known */
};
extern const struct pr_timer_kind pr_timer_kinds[PR_T_COUNT];

struct pr_peer {
    uint32_t id;
    bool outbound;
    double their_req;       /* what the peer requires of us (MINDIFF, NACK) */
    double asked_max;       /* the most this node ever asked of the peer */
    uint64_t def_timer;     /* the defence's timer for this neighbour */
    /* The defence's state for this neighbour (defence.h), where receiving already looks. */
    _Alignas(8) unsigned char def[PR_DEFENCE_LINK_BYTES];
    struct pr_rp_counter rp;/* repackaging need of transactions that came from this peer */
    uint64_t txs_rejected;
    struct pr_idqueue fq;   /* fluff queue: tx ids waiting for the flush */
    uint64_t flush_timer;
    int64_t next_spam_ns;   /* attacker (under_limit): earliest next send on this connection */
    uint32_t asked, failed; /* relay.mode announce: our requests to this peer, and those that timed out */
};

/* The sender's device hash rate of an own transaction, for re-solves. */
struct pr_own_rate {
    uint64_t tx;
    double rate;
};

struct pr_pending_msg {
    uint16_t peer;
    uint32_t len, pad;
    uint8_t *bytes;
};

struct pr_node {
    /* Hot: what every received message touches, packed at the front (pr_node_prefetch() fetches it
     * before the host delivers, hiding the cache misses of a large network). */
    uint32_t id;
    uint32_t npeers;
    bool attacker, started, finished;
    const struct pr_config *cfg;
    const struct pr_defence_ops *def; /* the relay defence */
    bool pow;                         /* transactions carry a PoW (a PoW defence, pow.enabled) */
    uint64_t def_timer;               /* the defence's node-wide timer */
    struct pr_peer *peers;
    struct pr_txtable txs;
    struct pr_host host;
    uint64_t messages_in, tx_deliveries, txs_duplicate; /* counters of pr_node_stats kept hot */
    uint32_t peer_ids[PR_MAX_PEERS]; /* peers[i].id, packed: receive() looks the sender up here */

    /* Cold. */
    struct pr_rng rng;
    uint16_t outbound[PR_MAX_PEERS];
    uint32_t n_out;

    struct pr_dandelion dl;
    struct pr_mempool pool;
    struct pr_fetch fetch; /* relay.mode announce: requests in flight */
    uint64_t closed;       /* peers whose connection was closed (announce: failed requests), by index */
    uint64_t stem_bytes, stem_txs;
    uint32_t seq; /* last own transaction number */

    struct pr_solver solver;
    struct pr_devices devices;  /* the wallets solving own transactions */
    double hashes_cut[PR_SOLVE_KINDS]; /* spent on solves the end of the run cut off, by PR_SOLVE_* */
    struct pr_own_rate *own;    /* own transactions still live here: a node has only a few */
    uint32_t n_own, cap_own;

    /* pow.verify_us: messages waiting for the CPU, FIFO */
    struct pr_pending_msg *vq;
    uint32_t vq_head, vq_len, vq_cap;
    int64_t cpu_free_ns;

    uint64_t recent_blocks[32]; /* block ids seen lately: relay each once */
    uint32_t recent_next;

    bool attack_set;
    struct pr_attack attack;
    uint32_t rr; /* round robin position over peers */

    struct pr_node_stats st;
    _Alignas(8) unsigned char defnode[PR_DEFENCE_NODE_BYTES]; /* the defence's node-wide state */
};

static inline uint32_t pr_peer_id(const struct pr_node *n, uint32_t idx)
{
    return idx < n->npeers ? n->peer_ids[idx] : PR_NO_PEER;
}

static inline bool pr_peer_closed(const struct pr_node *n, uint32_t idx) { return (n->closed >> idx) & 1; }

static inline struct pr_tx pr_tx_of(const struct pr_node *n, const struct pr_txent *e)
{
    const struct pr_txcold *c = pr_txcold_of(&n->txs, e);
    uint64_t nonce = 0;
    if (n->txs.nonces.len)
        pr_u64map_get(&n->txs.nonces, e->id, &nonce);
    return (struct pr_tx){.id = e->id, .size = e->size, .fee = c->fee, .work = e->work, .nonce = nonce};
}
/* Keep a transaction's nonce (sha256 mode: the proof; the other modes have none). */
static inline void pr_set_nonce(struct pr_node *n, uint64_t id, uint64_t nonce)
{
    if (nonce)
        (void)pr_u64map_put(&n->txs.nonces, id, nonce);
}

#endif
