/* A rolling fee floor (docs/defences.md#fee_floor), as Bitcoin Core's mempool minimum fee and Monero's
 * fee tiers act: no proof of work; a node accepts, and relays, only transactions whose fee rate is at or
 * above its floor. When its full mempool evicts (or refuses) a transaction, the floor rises to that fee
 * rate plus `increment`; it decays by half every `halflife_s`. */
#include <math.h>

#include "defence.h"
#include "hostcall.h"
#include "node_internal.h"

enum { INCREMENT, HALFLIFE, START };

static const struct pr_defence_param params[] = {
    [INCREMENT] = {.key = "increment", .def = 1, .lo = 0, .hi = 1e30,
                   .doc = "added to an evicted fee rate to make the new floor"},
    [HALFLIFE] = {.key = "halflife_s", .def = 43200, .lo = 0, .hi = 1e12, .flags = PR_PARAM_LO_OPEN,
                  .doc = "the floor halves every this many seconds (12 h by default; scale it to the run)"},
    [START] = {.key = "start", .def = 0, .lo = 0, .hi = 1e30, .doc = "the floor when a node starts"},
};

struct floor {
    double fee;    /* the floor as of at_ns */
    int64_t at_ns;
};

_Static_assert(sizeof(struct floor) <= PR_DEFENCE_NODE_BYTES, "the node state fits its room");

static double param(const struct pr_node *n, int k) { return n->cfg->defence_params[k]; }

/* The floor now, decayed. */
static double floor_now(const struct pr_node *n, const struct floor *f)
{
    double dt = (double)(pr_now((struct pr_node *)n) - f->at_ns) / 1e9;
    return f->fee * exp2(-dt / param(n, HALFLIFE));
}

static int init(struct pr_node *n, uint32_t pi, void *state)
{
    if (pi == PR_NO_PEER)
        ((struct floor *)state)->fee = param(n, START);
    return PR_OK;
}

static enum pr_verdict judge(struct pr_node *n, uint32_t pi, void *link, const struct pr_tx *tx, double *req)
{
    return tx->fee >= floor_now(n, pr_defence_node(n)) ? PR_VERDICT_ACCEPT : PR_VERDICT_DROP;
}

static double asked(const struct pr_node *n, uint32_t pi, const void *link) { return n->cfg->pow_base; }

static enum pr_send_verdict send(struct pr_node *n, uint32_t pi, void *link, const struct pr_txent *e, bool stem)
{
    float fee = pr_txcold_of(&n->txs, e)->fee;
    return fee >= floor_now(n, pr_defence_node(n)) ? PR_SEND_NOW : PR_SEND_SKIP;
}

static void evicted(struct pr_node *n, float fee)
{
    struct floor *f = pr_defence_node(n);
    double now_floor = floor_now(n, f), raised = (double)fee + param(n, INCREMENT);
    f->fee = raised > now_floor ? raised : now_floor;
    f->at_ns = pr_now(n);
}

static const struct pr_defence_info info = {
    .name = "fee_floor",
    .doc = "no PoW; a rolling minimum fee rate that rises when a full mempool evicts and halves every halflife",
    .pow = false,
    .params = params,
    .n_params = sizeof params / sizeof params[0],
};

const struct pr_defence_ops pr_defence_fee_floor = {
    .info = &info, .init = init, .judge = judge, .asked = asked, .send = send, .evicted = evicted};
