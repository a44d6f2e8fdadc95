/* powrelay model: the C ABI a network simulator implements to host model nodes.
 *
 * The model does no I/O and owns no clock (as picoquic): time, message transport and timers come from
 * the host through this table, which is what lets the same nodes run on the built-in flow model, on
 * ns-3, and in the unit tests' tiny event loop.
 *
 * Conventions (after SQLite's sqlite3_vfs and c-ares' ares_socket_functions_ex):
 *  - `version` is the first field and must be PR_HOST_VERSION or later; slots are only ever appended.
 *  - pr_node_create() copies the table, so the caller's copy may go away; `ctx` is passed back to
 *    every slot untouched and is owned by the host.
 *  - Slots marked REQUIRED must be non-NULL; pr_node_create() fails with PR_ERR_INVALID otherwise.
 *  - Re-entrancy: a slot must never call back into any pr_node synchronously. Messages are delivered
 *    and timers fired later, from the host's own event loop, through pr_node_receive() and
 *    pr_node_timer(). The model calls slots from inside its entry points only.
 *  - Time is int64 nanoseconds since the start of the simulation and never goes backwards.
 */
#ifndef POWRELAY_HOST_H
#define POWRELAY_HOST_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PR_HOST_VERSION 1u
#define PR_NO_PEER UINT32_MAX

/* What a node reports to the host's event sink (the runner's metrics). */
enum pr_event_type {
    PR_EV_TX_CREATED = 1, /* node created a tx: submitted (own, scripted) or spam. a = size, b = fee;
                             flags: PR_EVF_SPAM for an attacker's transaction */
    PR_EV_TX_SOLVED,      /* a PoW was computed for tx. a = hashes spent, b = resulting work;
                             flags: PR_SOLVE_WALLET | PR_SOLVE_REPACKAGE | PR_SOLVE_SPAM */
    PR_EV_TX_ACCEPTED,    /* node accepted a tx new to it from peer. a = work; flags: PR_EVF_STEM */
    PR_EV_TX_REJECTED,    /* tx from peer below req[peer]: NACKed. a = work, b = requirement */
    PR_EV_TX_FLUFFED,     /* node began the fluff phase of a tx it held in stem (or its own).
                             flags: PR_FLUFF_EPOCH | _EMBARGO | _LOOP | _NO_STEM | _DIRECT */
    PR_EV_TX_SENT,        /* a tx record went to peer. a = bytes of the transaction */
    PR_EV_TX_DROPPED,     /* flags: PR_DROP_* reason */
    PR_EV_REPACKAGE,      /* a repackaging decision for tx (from peer = its source, or none for own).
                             a = target difficulty, b = rp; flags: PR_REPACK_DONE or PR_REPACK_DECLINED */
    PR_EV_REQ_CHANGED,    /* req[peer] changed. a = old value, b = new value */
    PR_EV_BLOCK_MINED,    /* node mined block tx (the block id); ids/n_ids = the included tx ids;
                             a = its weight (bytes), b = its fees (fee rate x size) */
    PR_EV_MSG_INVALID,    /* a message from peer was dropped; flags = the enum pr_err */
    PR_EV_HASHES_CUT,     /* the run ended during a solve: a = the hashes computed so far (hash rate x
                             time run); tx = its transaction, if any; flags: PR_SOLVE_* (whose) */
    PR_EV_PEER_DROPPED    /* relay.mode announce: node closed its connection to peer for failing its
                             requests. a = failed, b = asked */
};

#define PR_EVF_SPAM 1u
#define PR_EVF_STEM 1u

#define PR_SOLVE_WALLET 1u    /* the sender's own device (honest own transactions) */
#define PR_SOLVE_REPACKAGE 2u /* a relaying node's solver */
#define PR_SOLVE_SPAM 3u      /* an attacker's solver */
#define PR_SOLVE_KINDS 4u     /* one more than the largest PR_SOLVE_ value */

#define PR_FLUFF_EPOCH 1u   /* stem tx received in a fluff epoch */
#define PR_FLUFF_EMBARGO 2u /* embargo timer fired */
#define PR_FLUFF_LOOP 3u    /* stem tx seen again */
#define PR_FLUFF_NO_STEM 4u /* no stem peer to send to */
#define PR_FLUFF_DIRECT 5u  /* Dandelion++ off: every tx fluffs at its origin */

#define PR_DROP_SOLVER_QUEUE 1u /* the solver queue was full */
#define PR_DROP_MEMPOOL_FULL 2u /* lowest fee rate: not admitted to a full pool */
#define PR_DROP_EVICTED 3u      /* evicted from a full pool by a better fee rate */
#define PR_DROP_NO_TARGET 4u    /* attacker: no peer the strategy may send to */
#define PR_DROP_TOO_COSTLY 5u   /* attacker: the solve would outlast its horizon (a = target, b = expected s) */
#define PR_DROP_BACKLOG 6u      /* a defence dropped a transaction it held for the peer (its backlog full) */

#define PR_REPACK_DONE 1u
#define PR_REPACK_DECLINED 2u

struct pr_event {
    uint32_t type;  /* enum pr_event_type */
    uint32_t flags;
    uint32_t node;  /* the reporting node */
    uint32_t peer;  /* the other node, or PR_NO_PEER */
    uint64_t tx;    /* tx id, or block id for PR_EV_BLOCK_MINED */
    int64_t t_ns;
    double a, b;
    const uint64_t *ids; /* borrowed for the duration of the call */
    size_t n_ids;
};

struct pr_host {
    unsigned version; /* PR_HOST_VERSION */
    void *ctx;        /* the host's; passed to every slot */

    /* REQUIRED. Current simulated time. */
    int64_t (*now_ns)(void *ctx);

    /* REQUIRED. Send a message from node `from` to its peer `to`, in order on that connection. The
     * bytes are copied before the call returns. `pad` zero bytes follow the message on the wire: the
     * opaque transaction bodies, which the model never reads. The network must carry (and account)
     * len + pad bytes and hand both numbers back to pr_node_receive(). */
    void (*send)(void *ctx, uint32_t from, uint32_t to, const uint8_t *msg, size_t len, uint32_t pad);

    /* REQUIRED. Call pr_node_timer(node, kind, arg) after delay_ns (>= 0). Returns a non-zero handle.
     * Timers set for the same instant fire in the order they were set. */
    uint64_t (*set_timer)(void *ctx, uint32_t node, int64_t delay_ns, uint32_t kind, uint64_t arg);

    /* REQUIRED. Cancel a pending timer; a handle that already fired or was cancelled is ignored. */
    void (*cancel_timer)(void *ctx, uint32_t node, uint64_t handle);

    /* Optional. Metrics sink; the event and its ids are borrowed for the call only. */
    void (*event)(void *ctx, const struct pr_event *ev);
};

#ifdef __cplusplus
}
#endif
#endif
