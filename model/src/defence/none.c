/* No defence (docs/defences.md#none): every valid transaction is accepted and nothing carries a PoW; what
 * a node "asks" stays at pow.base, never checked. The baseline; pow.enabled: false selects it. */
#include "defence.h"
#include "node_internal.h"

static enum pr_verdict judge(struct pr_node *n, uint32_t pi, void *link, const struct pr_tx *tx, double *req)
{
    return PR_VERDICT_ACCEPT;
}

static double asked(const struct pr_node *n, uint32_t pi, const void *link) { return n->cfg->pow_base; }

static const struct pr_defence_info info = {
    .name = "none",
    .doc = "no defence: every valid transaction is relayed, none carries a proof of work",
    .pow = false,
};

const struct pr_defence_ops pr_defence_none = {
    .info = &info,
    .judge = judge,
    .asked = asked,
};
