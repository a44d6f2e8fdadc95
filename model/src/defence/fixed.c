/* A fixed price (docs/defences.md#fixed): the same work asked of every neighbour, always; no
 * escalation, no repackaging. PoW as a price alone, the baseline between none and the original rules. */
#include "defence.h"
#include "node_internal.h"

static const struct pr_defence_param params[] = {
    {.key = "work", .def = 1e4, .lo = 1, .hi = 1e15, .doc = "the work asked of every neighbour, expected hashes"},
};

static enum pr_verdict judge(struct pr_node *n, uint32_t pi, void *link, const struct pr_tx *tx, double *req)
{
    if (tx->work >= n->cfg->defence_params[0])
        return PR_VERDICT_ACCEPT;
    *req = n->cfg->defence_params[0];
    return PR_VERDICT_REJECT;
}

static double asked(const struct pr_node *n, uint32_t pi, const void *link) { return n->cfg->defence_params[0]; }

/* Every neighbour is always asked the fixed work: that is the floor an attacker paying "the base" pays. */
static double floor_work(const struct pr_node *n) { return n->cfg->defence_params[0]; }

static uint32_t never(const struct pr_node *n, uint32_t src, uint32_t rp) { return 0; }

static const struct pr_defence_info info = {
    .name = "fixed", .doc = "a fixed work on every transaction", .pow = true, .params = params, .n_params = 1};

const struct pr_defence_ops pr_defence_fixed = {
    .info = &info, .judge = judge, .asked = asked, .repackage_percent = never, .floor = floor_work};
