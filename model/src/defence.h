/* The interface a relay defence implements (docs/defences.md): a table of functions the relay calls at
 * its decision points, and the services the relay offers back. A defence keeps its state per neighbour
 * (PR_DEFENCE_LINK_BYTES, inside the neighbour's record, so the hot path touches no other line) and per
 * node (PR_DEFENCE_NODE_BYTES). The relay knows no defence by name; the registry (defences.c) maps names
 * to tables. */
#ifndef POWRELAY_DEFENCE_INTERNAL_H
#define POWRELAY_DEFENCE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "powrelay/defence.h"
#include "powrelay/tx.h"

#define PR_DEFENCE_LINK_BYTES 80
#define PR_DEFENCE_NODE_BYTES 64

struct pr_node;

/* What send() says of a transaction about to go to a neighbour. */
enum pr_send_verdict {
    PR_SEND_NOW = 0,
    PR_SEND_HELD, /* the defence keeps it, to send later through pr_defence_release() (or to drop) */
    PR_SEND_SKIP  /* not sent to this neighbour */
};

struct pr_txent;

/* What judge() says of a transaction. */
enum pr_verdict {
    PR_VERDICT_ACCEPT = 0,
    PR_VERDICT_REJECT, /* answered NACK with the requirement judge() sets */
    PR_VERDICT_DROP    /* answered "dropped", no requirement */
};

struct pr_defence_ops {
    const struct pr_defence_info *info;
    /* Set up the state of neighbour pi (link) and of the node (node_state, once, pi = PR_NO_PEER);
     * both start zeroed. Called when the node starts. PR_OK or an error. Optional. */
    int (*init)(struct pr_node *n, uint32_t pi, void *state);
    /* Free what init() allocated. Optional. */
    void (*free)(struct pr_node *n, uint32_t pi, void *state);
    /* A transaction arrived from neighbour pi (before anything else is decided); fresh: new to this
     * node. For rate accounting. Optional. */
    void (*count)(struct pr_node *n, uint32_t pi, void *link, bool fresh);
    /* A transaction new to this node from neighbour pi, its proof checked: accept, reject (*req = what
     * the NACK says is asked) or drop. Required. */
    enum pr_verdict (*judge)(struct pr_node *n, uint32_t pi, void *link, const struct pr_tx *tx, double *req);
    /* The work this node asks of neighbour pi now (MINDIFF). Required when info->pow. */
    double (*asked)(const struct pr_node *n, uint32_t pi, const void *link);
    /* The defence's timer for neighbour pi fired (armed through pr_defence_timer); pi = PR_NO_PEER and
     * state = the node's for the node-wide one. Optional. */
    void (*timer)(struct pr_node *n, uint32_t pi, void *state);
    /* Transaction e is about to go to neighbour pi (stem: in the stem phase). Optional: NULL sends now. */
    enum pr_send_verdict (*send)(struct pr_node *n, uint32_t pi, void *link, const struct pr_txent *e, bool stem);
    /* Percent chance to repackage a transaction from neighbour src, the rp-th that needed it within
     * repackage.window_s. Required when info->pow. */
    uint32_t (*repackage_percent)(const struct pr_node *n, uint32_t src, uint32_t rp);
    /* A transaction that came from neighbour src was confirmed in a block. Optional. */
    void (*confirmed)(struct pr_node *n, uint32_t src, void *link);
    /* A full mempool evicted a transaction of this fee rate (or refused one). Optional. */
    void (*evicted)(struct pr_node *n, float fee);
    /* The least this defence asks of any neighbour when nothing has escalated: what the attackers that
     * "pay the base" pay (docs/protocol.md#attackers). Optional: NULL is pow.base. */
    double (*floor)(const struct pr_node *n);
};

/* The defence a node runs (from its config). */
const struct pr_defence_ops *pr_defence_ops_of(const struct pr_defence_info *info);

/* The defence's floor (the floor op, else pow.base). */
double pr_defence_floor(const struct pr_node *n);

/* ---- services of the relay to defences ---- */

/* The state of neighbour pi and of the node. */
void *pr_defence_link(struct pr_node *n, uint32_t pi);
const void *pr_defence_link_const(const struct pr_node *n, uint32_t pi);
void *pr_defence_node(struct pr_node *n);
/* What is asked of neighbour pi changed from old to now: reported (REQ_CHANGED), tracked (req_max) and
 * told to the neighbour (MINDIFF). */
void pr_defence_asked_changed(struct pr_node *n, uint32_t pi, double old, double now);
/* Fire the defence's timer for neighbour pi (PR_NO_PEER: the node-wide one) at at_ns, replacing one
 * pending, or cancel it (at_ns < 0). */
void pr_defence_timer(struct pr_node *n, uint32_t pi, int64_t at_ns);
/* Send now to neighbour pi what the defence held for it: each id still held here and not known to the
 * peer goes (a stem transaction on its stem, the others in one FLUFF message). */
void pr_defence_release(struct pr_node *n, uint32_t pi, const uint64_t *ids, size_t count);
/* The defence dropped a held transaction (reported as PR_DROP_BACKLOG). */
void pr_defence_dropped(struct pr_node *n, uint32_t pi, uint64_t id);

#endif
