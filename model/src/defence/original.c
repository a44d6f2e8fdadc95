/* The original rules (docs/protocol.md#requirement): a requirement per neighbour, raised to a power
 * (or multiplied) when the neighbour's rate of new transactions exceeds the limit, held, then relaxed
 * a step per hold; transactions below it are rejected; repackaging by the quadratic probability rule.
 * Its parameters are the scenario's pow.*, difficulty.* and repackage.* keys. */
#include <string.h>

#include "defence.h"
#include "difficulty.h"
#include "hostcall.h"
#include "node_internal.h"
#include "repackage.h"

_Static_assert(sizeof(struct pr_link_req) <= PR_DEFENCE_LINK_BYTES, "the link state fits its room");

static int init(struct pr_node *n, uint32_t pi, void *state)
{
    if (pi != PR_NO_PEER)
        pr_link_req_init(state, n->cfg);
    return PR_OK;
}

static void link_free(struct pr_node *n, uint32_t pi, void *state)
{
    if (pi != PR_NO_PEER)
        pr_link_req_free(state);
}

/* Count, then escalate if the rate now exceeds the limit (docs/protocol.md#receipt). */
static void count(struct pr_node *n, uint32_t pi, void *link, bool fresh)
{
    struct pr_link_req *l = link;
    if (!fresh && n->cfg->count != PR_COUNT_ALL)
        return;
    double old = l->req;
    int err;
    int64_t now = pr_now(n);
    if (!pr_difficulty_on_tx(l, n->cfg, now, &err))
        return;
    pr_defence_asked_changed(n, pi, old, l->req);
    pr_defence_timer(n, pi, now + n->cfg->hold_ns);
}

static enum pr_verdict judge(struct pr_node *n, uint32_t pi, void *link, const struct pr_tx *tx, double *req)
{
    const struct pr_link_req *l = link;
    if (tx->work >= l->req)
        return PR_VERDICT_ACCEPT;
    *req = l->req;
    return PR_VERDICT_REJECT;
}

static double asked(const struct pr_node *n, uint32_t pi, const void *link)
{
    return ((const struct pr_link_req *)link)->req;
}

/* The hold ended or a relax check is due (docs/protocol.md#relax). */
static void timer(struct pr_node *n, uint32_t pi, void *link)
{
    struct pr_link_req *l = link;
    bool changed;
    double old = l->req;
    int64_t next = pr_difficulty_on_check(l, n->cfg, pr_now(n), &changed);
    if (changed)
        pr_defence_asked_changed(n, pi, old, l->req);
    if (next >= 0)
        pr_defence_timer(n, pi, next);
}

static uint32_t repackage_percent(const struct pr_node *n, uint32_t src, uint32_t rp)
{
    return pr_repackage_percent(n->cfg->repackage_policy, rp);
}

static const struct pr_defence_info info = {
    .name = "original",
    .doc = "the proposal's rules: a per-neighbour requirement squared when it sends too fast, relaxed by "
           "square roots, repackaging with a falling probability (keys pow.*, difficulty.*, repackage.*)",
    .pow = true,
};

const struct pr_defence_ops pr_defence_original = {
    .info = &info,
    .init = init,
    .free = link_free,
    .count = count,
    .judge = judge,
    .asked = asked,
    .timer = timer,
    .repackage_percent = repackage_percent,
};
