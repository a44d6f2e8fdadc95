/* PoW as a node-wide price (docs/defences.md#work_floor): one requirement for all of a node's
 * neighbours, raised by a factor k when the node's intake of new transactions over window_s exceeds
 * `capacity` a second, and lowered by k per hold_s once it is back under; advertised with MINDIFF.
 * Never below pow.base nor above difficulty.max; repackaging by repackage.policy. */
#include "defence.h"
#include "difficulty.h"
#include "hostcall.h"
#include "node_internal.h"
#include "repackage.h"

enum { FACTOR, WINDOW, CAPACITY, HOLD };

static const struct pr_defence_param params[] = {
    [FACTOR] = {.key = "k", .def = 4, .lo = 1, .hi = 1e6, .flags = PR_PARAM_LO_OPEN,
                .doc = "the requirement is multiplied (divided) by this per step"},
    [WINDOW] = {.key = "window_s", .def = 10, .lo = 0, .hi = 1e6, .flags = PR_PARAM_LO_OPEN,
                .doc = "the intake is measured over this window"},
    [CAPACITY] = {.key = "capacity", .def = 10, .lo = 0, .hi = 1e9, .flags = PR_PARAM_LO_OPEN,
                  .doc = "new transactions a second the node takes in before it raises the price"},
    [HOLD] = {.key = "hold_s", .def = 60, .lo = 0, .hi = 1e8, .doc = "how long a new price is held"},
};

struct price {
    double req;
    int64_t hold_until, last_raise;
    struct pr_rate_window intake;
};

_Static_assert(sizeof(struct price) <= PR_DEFENCE_NODE_BYTES, "the node state fits its room");

static double param(const struct pr_node *n, int k) { return n->cfg->defence_params[k]; }
static int64_t ns(double s) { return (int64_t)(s * 1e9); }

static uint32_t limit(const struct pr_node *n)
{
    double c = param(n, CAPACITY) * param(n, WINDOW) + 1e-9;
    return c >= 4e9 ? UINT32_MAX - 1 : (uint32_t)c;
}

static int init(struct pr_node *n, uint32_t pi, void *state)
{
    if (pi == PR_NO_PEER) {
        struct price *p = state;
        p->req = n->cfg->pow_base;
        p->last_raise = INT64_MIN;
    }
    return PR_OK;
}

static void price_free(struct pr_node *n, uint32_t pi, void *state)
{
    if (pi == PR_NO_PEER)
        pr_rate_window_free(&((struct price *)state)->intake);
}

/* The price moved: every neighbour is told. */
static void moved(struct pr_node *n, double old, double now)
{
    for (uint32_t pi = 0; pi < n->npeers; pi++)
        pr_defence_asked_changed(n, pi, old, now);
}

static void count(struct pr_node *n, uint32_t pi, void *link, bool fresh)
{
    if (!fresh)
        return;
    struct price *p = pr_defence_node(n);
    int64_t now = pr_now(n);
    uint32_t lim = limit(n);
    (void)pr_rate_add(&p->intake, now, lim + 1);
    if (pr_rate_count(&p->intake, now, ns(param(n, WINDOW))) <= lim)
        return;
    if (p->last_raise != INT64_MIN && now - p->last_raise < ns(param(n, WINDOW)))
        return; /* at most one step up per window */
    double next = p->req * param(n, FACTOR);
    if (next > n->cfg->difficulty_max)
        next = n->cfg->difficulty_max;
    if (next <= p->req)
        return;
    double old = p->req;
    p->req = next;
    p->last_raise = now;
    p->hold_until = now + ns(param(n, HOLD));
    moved(n, old, next);
    pr_defence_timer(n, PR_NO_PEER, p->hold_until);
}

static void timer(struct pr_node *n, uint32_t pi, void *state)
{
    struct price *p = state;
    int64_t now = pr_now(n);
    if (p->req <= n->cfg->pow_base)
        return;
    if (now < p->hold_until) {
        pr_defence_timer(n, PR_NO_PEER, p->hold_until);
        return;
    }
    uint32_t c = pr_rate_count(&p->intake, now, ns(param(n, WINDOW))), lim = limit(n);
    if (c > lim) { /* still too much: look again when the oldest of the excess leaves the window */
        int64_t t = p->intake.ts[(p->intake.head + (c - lim) - 1) % p->intake.cap] + ns(param(n, WINDOW));
        pr_defence_timer(n, PR_NO_PEER, t > now ? t : now + 1);
        return;
    }
    double old = p->req, next = p->req / param(n, FACTOR);
    if (next < n->cfg->pow_base * (1 + 1e-9))
        next = n->cfg->pow_base;
    p->req = next;
    p->hold_until = now + ns(param(n, HOLD));
    moved(n, old, next);
    if (next > n->cfg->pow_base)
        pr_defence_timer(n, PR_NO_PEER, p->hold_until);
}

static enum pr_verdict judge(struct pr_node *n, uint32_t pi, void *link, const struct pr_tx *tx, double *req)
{
    const struct price *p = pr_defence_node(n);
    if (tx->work >= p->req)
        return PR_VERDICT_ACCEPT;
    *req = p->req;
    return PR_VERDICT_REJECT;
}

static double asked(const struct pr_node *n, uint32_t pi, const void *link)
{
    return ((const struct price *)((const struct pr_node *)n)->defnode)->req;
}

static uint32_t repackage_percent(const struct pr_node *n, uint32_t src, uint32_t rp)
{
    return pr_repackage_percent(n->cfg->repackage_policy, rp);
}

static const struct pr_defence_info info = {
    .name = "work_floor",
    .doc = "PoW as a node-wide price: one requirement for all neighbours, multiplied by k while the node's "
           "intake of new transactions exceeds its capacity",
    .pow = true,
    .params = params,
    .n_params = sizeof params / sizeof params[0],
};

const struct pr_defence_ops pr_defence_work_floor = {
    .info = &info,
    .init = init,
    .free = price_free,
    .count = count,
    .judge = judge,
    .asked = asked,
    .timer = timer,
    .repackage_percent = repackage_percent,
};
