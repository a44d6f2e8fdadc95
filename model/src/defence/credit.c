/* PoW discounted by a neighbour's record (docs/defences.md#credit), after Liu and Camp, "Proof of Work
 * can Work" (WEIS 2006): the original per-neighbour rules, but what a neighbour is asked is divided by
 * 1 + c * good, where `good` counts that neighbour's transactions later confirmed in a block, decaying by
 * half every halflife_s; never below pow.base. Honest relays that forward what gets mined keep a low
 * requirement; a spammer whose transactions are not mined does not. */
#include <math.h>

#include "defence.h"
#include "difficulty.h"
#include "hostcall.h"
#include "node_internal.h"
#include "repackage.h"

enum { DISCOUNT, HALFLIFE };

static const struct pr_defence_param params[] = {
    [DISCOUNT] = {.key = "c", .def = 1, .lo = 0, .hi = 1e9, .doc = "the discount per confirmed transaction"},
    [HALFLIFE] = {.key = "halflife_s", .def = 3600, .lo = 0, .hi = 1e12, .flags = PR_PARAM_LO_OPEN,
                  .doc = "a neighbour's record halves every this many seconds"},
};

struct link {
    struct pr_link_req in; /* the original rules' state */
    double good;           /* as of good_at */
    int64_t good_at;
};

_Static_assert(sizeof(struct link) <= PR_DEFENCE_LINK_BYTES, "the link state fits its room");

static double param(const struct pr_node *n, int k) { return n->cfg->defence_params[k]; }

static double good_now(const struct pr_node *n, const struct link *l)
{
    double dt = (double)(pr_now((struct pr_node *)n) - l->good_at) / 1e9;
    return l->good * exp2(-dt / param(n, HALFLIFE));
}

/* What the neighbour is asked now: the rules' requirement, discounted by its record. */
static double effective(const struct pr_node *n, const struct link *l)
{
    double r = l->in.req / (1 + param(n, DISCOUNT) * good_now(n, l));
    return r > n->cfg->pow_base ? r : n->cfg->pow_base;
}

static int init(struct pr_node *n, uint32_t pi, void *state)
{
    if (pi != PR_NO_PEER)
        pr_link_req_init(&((struct link *)state)->in, n->cfg);
    return PR_OK;
}

static void link_free(struct pr_node *n, uint32_t pi, void *state)
{
    if (pi != PR_NO_PEER)
        pr_link_req_free(&((struct link *)state)->in);
}

static void count(struct pr_node *n, uint32_t pi, void *link, bool fresh)
{
    struct link *l = link;
    if (!fresh && n->cfg->count != PR_COUNT_ALL)
        return;
    double old = effective(n, l);
    int err;
    int64_t now = pr_now(n);
    if (!pr_difficulty_on_tx(&l->in, n->cfg, now, &err))
        return;
    pr_defence_asked_changed(n, pi, old, effective(n, l));
    pr_defence_timer(n, pi, now + n->cfg->hold_ns);
}

static enum pr_verdict judge(struct pr_node *n, uint32_t pi, void *link, const struct pr_tx *tx, double *req)
{
    double r = effective(n, link);
    if (tx->work >= r)
        return PR_VERDICT_ACCEPT;
    *req = r;
    return PR_VERDICT_REJECT;
}

static double asked(const struct pr_node *n, uint32_t pi, const void *link) { return effective(n, link); }

static void timer(struct pr_node *n, uint32_t pi, void *link)
{
    struct link *l = link;
    bool changed;
    double old = effective(n, l);
    int64_t next = pr_difficulty_on_check(&l->in, n->cfg, pr_now(n), &changed);
    if (changed)
        pr_defence_asked_changed(n, pi, old, effective(n, l));
    if (next >= 0)
        pr_defence_timer(n, pi, next);
}

static uint32_t repackage_percent(const struct pr_node *n, uint32_t src, uint32_t rp)
{
    return pr_repackage_percent(n->cfg->repackage_policy, rp);
}

static void confirmed(struct pr_node *n, uint32_t src, void *link)
{
    struct link *l = link;
    l->good = good_now(n, l) + 1;
    l->good_at = pr_now(n);
}

static const struct pr_defence_info info = {
    .name = "credit",
    .doc = "the original rules, with what a neighbour is asked divided by 1 + c x its transactions later "
           "confirmed (decaying): PoW discounted by a record (Liu and Camp, WEIS 2006)",
    .pow = true,
    .params = params,
    .n_params = sizeof params / sizeof params[0],
};

const struct pr_defence_ops pr_defence_credit = {
    .info = &info,
    .init = init,
    .free = link_free,
    .count = count,
    .judge = judge,
    .asked = asked,
    .timer = timer,
    .repackage_percent = repackage_percent,
    .confirmed = confirmed,
};
