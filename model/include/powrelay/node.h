/* powrelay model: one node of the relay network (Dandelion++ and the PoW relay policy, docs/protocol.md).
 *
 * A host (see host.h) creates one pr_node per simulated node, tells it its peers, starts it, and from
 * then on drives it only through pr_node_receive() (bytes from a peer) and pr_node_timer() (a timer it
 * set). The runner adds work through pr_node_submit_tx(), pr_node_set_attack() and
 * pr_node_mine_block(), and reads results through the getters. A node never blocks, never reads a
 * clock, and draws randomness only from its own PRNG, seeded from (config seed, node id).
 *
 * Ownership: the node borrows `config` (it must outlive the node) and copies `host`. Bytes passed to
 * pr_node_receive() are borrowed for the call. None of these functions is thread-safe for one node;
 * different nodes share nothing but the read-only config. */
#ifndef POWRELAY_NODE_H
#define POWRELAY_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "powrelay/config.h"
#include "powrelay/error.h"
#include "powrelay/host.h"
#include "powrelay/tx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A node keeps at most this many peers: the known-to-have sets are 64-bit masks. */
#define PR_MAX_PEERS 64u
#define PR_MAX_STEMS 8u

struct pr_node;

struct pr_node_params {
    uint32_t id;
    const struct pr_config *config; /* borrowed, read-only, outlives the node */
    const struct pr_host *host;     /* copied */
    double hashrate;                /* the node's PoW solver, hashes per second */
    bool attacker;                  /* relays nothing, answers everything RELAYED (see pr_attack) */
};

int pr_node_create(const struct pr_node_params *p, struct pr_node **out);
void pr_node_destroy(struct pr_node *n);

/* Add a connection; outbound = this node dialled the peer. Only before pr_node_start(). */
int pr_node_add_peer(struct pr_node *n, uint32_t peer, bool outbound);

/* Begin: the first Dandelion++ epoch, the MINDIFF advertisement timer, a configured attack. */
int pr_node_start(struct pr_node *n);

/* Bytes of one message from peer `from` (len bytes, then pad opaque bytes, see wire.h). A message that
 * fails to decode is dropped and counted (PR_EV_MSG_INVALID); the node keeps working. */
int pr_node_receive(struct pr_node *n, uint32_t from, const uint8_t *msg, size_t len, uint32_t pad);

/* A timer this node set through pr_host.set_timer has fired. */
void pr_node_timer(struct pr_node *n, uint32_t kind, uint64_t arg);

/* A transaction created at this node (an honest user's, or a scripted one). */
struct pr_tx_request {
    uint32_t size;          /* bytes */
    float fee;              /* fee rate */
    double wallet_hashrate; /* the sender's device, H/s: the first PoW and any re-solve of it */
    double work;            /* >= 0: send with exactly this work, never re-solved; < 0: solve */
};
/* Creates the transaction and sends it on its way (after the wallet's solve). *id receives its id. */
int pr_node_submit_tx(struct pr_node *n, const struct pr_tx_request *rq, uint64_t *id);

/* Attack behaviour of an attacker node (docs/protocol.md#attackers). Spam goes out as
 * single-transaction FLUFF messages, one peer at a time, from start_ns until stop_ns. */
enum pr_attack_strategy {
    PR_ATTACK_FLOOD = 0,  /* up to rate tx/s in round robin, each solved to that peer's current requirement */
    PR_ATTACK_UNDER_LIMIT,/* every connection at 90% of the rate limit, solved to pow.base */
    PR_ATTACK_LOWBALL,    /* solved to pow.base, sent only to peers still asking pow.base, up to rate */
    PR_ATTACK_CHEAPEST    /* up to rate tx/s, each to the peer asking least when its solve starts */
};
/* A rate that changes over time: from t_ns on, rate (until the next step). */
struct pr_rate_step {
    int64_t t_ns;
    double rate;
};
struct pr_attack {
    enum pr_attack_strategy strategy;
    double rate; /* attempted tx/s (before the schedule's first step) */
    float fee;
    uint32_t size;
    int64_t start_ns, stop_ns;
    /* Horizon: a solve expected (target / hash rate) to take longer is skipped and counted
     * (PR_DROP_TOO_COSTLY); 0 = none. */
    double max_solve_s;
    /* Attempts a second over time (steps in increasing time, rates >= 0; borrowed: it must outlive the
     * node); none when n_schedule is 0. */
    const struct pr_rate_step *schedule;
    size_t n_schedule;
};
int pr_node_set_attack(struct pr_node *n, const struct pr_attack *a);

/* The run ends now: report the hashes spent so far on every solve still running (PR_EV_HASHES_CUT), so
 * that every hash is counted (docs/protocol.md#cost). Call once per node, after the last event. */
void pr_node_finish(struct pr_node *n);

/* How a block template is filled (docs/protocol.md#block-template). */
enum pr_block_policy {
    PR_BLOCKS_SIMPLE = 0, /* fee rate, then age, greedily up to max_bytes */
    PR_BLOCKS_MONERO,     /* the same order, with Monero's dynamic block weight and reward penalty */
};
struct pr_block_rules {
    uint32_t policy;        /* enum pr_block_policy */
    uint64_t max_bytes;     /* simple: the size limit. monero: the penalty-free minimum (full reward zone) */
    uint64_t median_weight; /* monero: the median weight of the chain's recent blocks */
    uint64_t reserved;      /* monero: bytes kept for the miner's own transaction */
    double reward;          /* monero: the base block reward, in fee units (a fee rate times bytes) */
};
/* What the miner put in the block. */
struct pr_block_made {
    uint64_t weight;     /* the transactions' bytes */
    uint64_t zone;       /* the penalty-free size (simple: max_bytes) */
    uint32_t txs;
    double fees;         /* sum of fee rate x size */
    double reward;       /* the base reward after the penalty (simple: rules.reward) */
};

/* Assemble a block from this node's mempool by the rules, apply it and flood it; `made` (may be NULL)
 * says what went in. PR_ERR_INVALID for bad rules or ids, PR_ERR_STATE for an attacker or a node not
 * started. */
int pr_node_mine_block_by(struct pr_node *n, uint64_t block_id, const struct pr_block_rules *rules,
                          struct pr_block_made *made);
/* The simple policy up to max_bytes. */
int pr_node_mine_block(struct pr_node *n, uint64_t block_id, uint64_t max_bytes);

void pr_node_set_hashrate(struct pr_node *n, double hashrate);

/* Optional prefetch hints for hosts running thousands of nodes: powrelay/hints.h. */

/* ---- getters for outputs and tests ---- */

uint32_t pr_node_id(const struct pr_node *n);
double pr_node_hashrate(const struct pr_node *n);
size_t pr_node_peer_count(const struct pr_node *n);

struct pr_peer_info {
    uint32_t peer;
    bool outbound;
    double req;       /* what this node requires of the peer */
    double their_req; /* what the peer last said it requires of this node */
    double req_max;   /* highest req ever required of the peer */
    uint64_t txs_rejected;
};
int pr_node_peer_info(const struct pr_node *n, size_t i, struct pr_peer_info *out);

struct pr_node_stats {
    uint64_t tx_deliveries;     /* tx records received, duplicates included */
    uint64_t messages_in;       /* messages received (valid or not) */
    uint64_t messages_invalid;  /* dropped as malformed / not from a peer / bad PoW */
    uint64_t txs_accepted;
    uint64_t txs_rejected;      /* below requirement */
    uint64_t txs_duplicate;
    uint64_t repackagings;      /* PoWs computed by this node's solver for others' transactions */
    double repackage_hashes;    /* finished, and cut off by the end of the run */
    uint64_t repackage_declined;
    uint64_t solver_dropped;    /* jobs dropped because the solver queue was full */
    uint64_t spam_skipped;      /* attacker: solves skipped as too costly for its horizon */
    double hashes_cut;          /* spent on solves still running when the run ended (pr_node_finish) */
    uint64_t pool_dropped;      /* not admitted to, or evicted from, a full pool */
    uint64_t defence_dropped;   /* held for a neighbour by the defence, then dropped (backlog full) */
    double req_max;             /* highest requirement asked of any peer */
    uint64_t mempool_bytes, mempool_peak_bytes, mempool_txs;
    uint64_t stempool_bytes, stempool_txs;
    uint64_t known_txs;         /* transactions this node holds state for (live and remembered) */
    uint32_t solver_queue;      /* jobs waiting */
    uint64_t requests_failed;   /* announce: requests that timed out */
    uint64_t peers_dropped;     /* announce: connections closed for failing requests */
};
void pr_node_stats(const struct pr_node *n, struct pr_node_stats *out);

/* True when the node holds tx in its mempool (fluffed) or stem pool; for tests. */
bool pr_node_has_tx(const struct pr_node *n, uint64_t id, bool *in_stem_pool);
/* This epoch's stems (peer ids) and whether it is a fluff epoch; for tests. */
size_t pr_node_stems(const struct pr_node *n, uint32_t *peers, size_t cap, bool *fluff_epoch);

#ifdef __cplusplus
}
#endif
#endif
