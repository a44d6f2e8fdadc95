/* The inside of a pr_node, shared by the model's modules (node.c, relay.c, work.c, block.c,
 * attacker.c). Nothing here is part of the ABI. */
#ifndef POWRELAY_NODE_INTERNAL_H
#define POWRELAY_NODE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "powrelay/node.h"
#include "powrelay/rng.h"
#include "powrelay/wire.h"

#include "dandelion.h"
#include "difficulty.h"
#include "mempool.h"
#include "pow.h"
#include "repackage.h"
#include "txtable.h"

/* Timer kinds (opaque to the host, which only passes them back). */
enum pr_timer_kind {
    PR_T_EPOCH = 1,
    PR_T_ADVERTISE,
    PR_T_HOLD,    /* arg = peer index: the requirement's hold ended or a relax check is due */
    PR_T_FLUSH,   /* arg = peer index: flush its fluff queue */
    PR_T_EMBARGO, /* arg = tx id */
    PR_T_SOLVER,  /* the running solver job is done */
    PR_T_WALLET,  /* arg = tx id: the sender's wallet finished a PoW */
    PR_T_VERIFY,  /* the CPU finished verifying the oldest queued message */
    PR_T_ATTACK   /* the next spam attempt */
};

/* What to do with a transaction once its PoW job is done (or found unnecessary). */
enum pr_after {
    PR_AFTER_NONE = 0,
    PR_AFTER_STEM,    /* send to the stem peer */
    PR_AFTER_DIFFUSE, /* open the fluff round: queue to every target */
    PR_AFTER_RESEND   /* resend to the fluff peers that did not relay */
};

struct pr_peer {
    uint32_t id;
    bool outbound;
    double their_req;       /* what the peer requires of us (MINDIFF, NACK) */
    struct pr_link_req in;  /* what we require of the peer */
    uint64_t hold_timer;
    struct pr_rp_counter rp;/* repackaging need of transactions that came from this peer */
    uint64_t txs_rejected;
    uint64_t *fq;           /* fluff queue: tx ids waiting for the flush */
    uint32_t fq_len, fq_cap;
    uint64_t flush_timer;
    int64_t next_spam_ns;   /* attacker (under_limit): earliest next send on this connection */
};

struct pr_wallet_job {
    uint64_t tx;
    double hashes, work;
    uint64_t nonce;
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
    bool attacker, started, kicking; /* kicking: the solver loop is running, nested kicks return */
    const struct pr_config *cfg;
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
    uint64_t stem_bytes, stem_txs;
    uint32_t seq; /* last own transaction number */

    struct pr_solver solver;
    double solver_work; /* result of the running job, applied when its timer fires */
    uint64_t solver_nonce;
    struct pr_wallet_job *wallets;
    uint32_t n_wallets, cap_wallets;
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
};

/* node.c: helpers every module uses */
int64_t pr_now(struct pr_node *n);
void pr_emit(struct pr_node *n, uint32_t type, uint32_t flags, uint32_t peer_idx, uint64_t tx, double a,
             double b);
void pr_send(struct pr_node *n, uint32_t peer_idx, const uint8_t *msg, size_t len, uint32_t pad);
uint64_t pr_set_timer(struct pr_node *n, int64_t delay_ns, uint32_t kind, uint64_t arg);
void pr_cancel_timer(struct pr_node *n, uint64_t *handle);
void pr_send_mindiff(struct pr_node *n, uint32_t peer_idx);
double pr_own_rate(const struct pr_node *n, uint64_t tx); /* the wallet's H/s, 0 if unknown */
void pr_forget_own(struct pr_node *n, uint64_t tx);
static inline uint32_t pr_peer_id(const struct pr_node *n, uint32_t idx)
{
    return idx < n->npeers ? n->peer_ids[idx] : PR_NO_PEER;
}
/* Send a batch of txs (STEM or FLUFF) to one peer, emitting TX_SENT for each. */
void pr_send_txs(struct pr_node *n, uint32_t peer_idx, uint8_t type, const struct pr_tx *txs, size_t count);
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

/* relay.c */
int pr_relay_process(struct pr_node *n, uint32_t peer_idx, const uint8_t *msg, size_t len, uint32_t pad);
void pr_relay_flush(struct pr_node *n, uint32_t peer_idx);
void pr_relay_embargo(struct pr_node *n, uint64_t tx);
void pr_relay_stem_send(struct pr_node *n, uint32_t slot);
void pr_relay_start_own(struct pr_node *n, uint32_t slot);
void pr_relay_diffuse_send(struct pr_node *n, uint32_t slot);
void pr_relay_resend(struct pr_node *n, uint32_t slot);
/* Remove a live transaction (confirmed, evicted): out of its pool, timers cancelled, remembered. */
void pr_relay_drop(struct pr_node *n, uint32_t slot);

/* work.c */
/* A transaction needs more work than it has to go where `e->after` says: decide (own: always, exact:
 * never, others: the repackaging rule for its source) and queue the PoW. True when a job is pending. */
bool pr_work_request(struct pr_node *n, uint32_t slot, double target);
/* What e->after needs now, recomputed (requirements may have moved since the job was queued). */
double pr_work_target(struct pr_node *n, uint32_t slot);
void pr_work_continue(struct pr_node *n, uint32_t slot);
void pr_work_wallet_start(struct pr_node *n, uint32_t slot, double target);
void pr_work_wallet_done(struct pr_node *n, uint64_t tx);
void pr_work_solver_kick(struct pr_node *n);
void pr_work_solver_done(struct pr_node *n);
double pr_median_req(const struct pr_node *n, uint64_t mask);
uint64_t pr_fluff_targets(const struct pr_node *n, const struct pr_txent *e);

/* block.c */
void pr_block_receive(struct pr_node *n, uint32_t peer_idx, const struct pr_msg *m, const uint8_t *raw,
                      size_t len, uint32_t pad);

/* attacker.c */
void pr_attack_tick(struct pr_node *n);
void pr_attack_job_start(struct pr_node *n, const struct pr_job *job);
void pr_attack_job_done(struct pr_node *n, const struct pr_job *job, double hashes, double work, uint64_t nonce);
void pr_attack_start(struct pr_node *n);

#endif
