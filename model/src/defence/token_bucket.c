/* A token bucket on what a node sends (docs/defences.md#token_bucket), after Bitcoin Core's relay rate
 * limit: no proof of work; each node lets at most `rate` transactions a second go to each neighbour
 * (rate_in to inbound neighbours, rate_out to outbound ones), up to `burst` at once. A transaction
 * without a token waits in the neighbour's backlog, which sends the highest fee rate first (then the
 * oldest, then the smaller id) as tokens come back, and drops its lowest fee rate (then the newest, the
 * larger id) beyond backlog_max. With
 * scope: node, one bucket (rate_out, burst) serves every neighbour. */
#include "backlog.h"
#include "defence.h"
#include "hostcall.h"
#include "node_internal.h"

enum { RATE_IN, RATE_OUT, BURST, SCOPE, BACKLOG_MAX };
enum { SCOPE_PEER, SCOPE_NODE };

static const char *const scopes[] = {"peer", "node", NULL};

static const struct pr_defence_param params[] = {
    [RATE_IN] = {.key = "rate_in", .def = 14, .lo = 0, .hi = 1e9, .flags = PR_PARAM_LO_OPEN,
                 .doc = "transactions per second to each inbound neighbour"},
    [RATE_OUT] = {.key = "rate_out", .def = 35, .lo = 0, .hi = 1e9, .flags = PR_PARAM_LO_OPEN,
                  .doc = "transactions per second to each outbound neighbour (scope node: to all)"},
    [BURST] = {.key = "burst", .def = 420, .lo = 1, .hi = 1e9, .doc = "tokens a bucket holds at most"},
    [SCOPE] = {.key = "scope", .def = SCOPE_PEER, .lo = 0, .hi = 1, .flags = PR_PARAM_WHOLE, .names = scopes,
               .doc = "peer: a bucket per neighbour; node: one bucket for all"},
    [BACKLOG_MAX] = {.key = "backlog_max", .def = 1000, .lo = 1, .hi = 1e7, .flags = PR_PARAM_WHOLE,
                     .doc = "transactions waiting per neighbour; beyond, the lowest fee rate is dropped"},
};

struct bucket {
    double tokens;
    int64_t at_ns; /* when tokens was last brought up to date */
};

struct link {
    struct bucket b; /* scope peer */
    struct pr_backlog q;
    bool timer_set;
};

_Static_assert(sizeof(struct link) <= PR_DEFENCE_LINK_BYTES, "the link state fits its room");
_Static_assert(sizeof(struct bucket) <= PR_DEFENCE_NODE_BYTES, "the node state fits its room");

static double param(const struct pr_node *n, int k) { return n->cfg->defence_params[k]; }

static bool node_scope(const struct pr_node *n) { return param(n, SCOPE) == SCOPE_NODE; }

static double rate_of(const struct pr_node *n, uint32_t pi)
{
    return node_scope(n) || n->peers[pi].outbound ? param(n, RATE_OUT) : param(n, RATE_IN);
}

/* The bucket a send to neighbour pi takes from, brought up to now. */
static struct bucket *bucket_of(struct pr_node *n, uint32_t pi, struct link *l)
{
    struct bucket *b = node_scope(n) ? pr_defence_node(n) : &l->b;
    int64_t now = pr_now(n);
    b->tokens += rate_of(n, pi) * (double)(now - b->at_ns) / 1e9;
    if (b->tokens > param(n, BURST))
        b->tokens = param(n, BURST);
    b->at_ns = now;
    return b;
}

static int init(struct pr_node *n, uint32_t pi, void *state)
{
    struct bucket *b = pi == PR_NO_PEER ? state : &((struct link *)state)->b;
    b->tokens = param(n, BURST); /* a bucket starts full */
    b->at_ns = 0;
    return PR_OK;
}

static void link_free(struct pr_node *n, uint32_t pi, void *state)
{
    if (pi != PR_NO_PEER)
        pr_backlog_free(&((struct link *)state)->q);
}

static enum pr_verdict judge(struct pr_node *n, uint32_t pi, void *link, const struct pr_tx *tx, double *req)
{
    return PR_VERDICT_ACCEPT;
}

static double asked(const struct pr_node *n, uint32_t pi, const void *link) { return n->cfg->pow_base; }

/* When the next token comes, for a timer. */
static void arm(struct pr_node *n, uint32_t pi, struct link *l, const struct bucket *b)
{
    double wait_s = (1.0 - b->tokens) / rate_of(n, pi);
    int64_t at = b->at_ns + (int64_t)(wait_s * 1e9) + 1;
    pr_defence_timer(n, pi, at);
    l->timer_set = true;
}

static enum pr_send_verdict send(struct pr_node *n, uint32_t pi, void *link, const struct pr_txent *e, bool stem)
{
    struct link *l = link;
    struct bucket *b = bucket_of(n, pi, l);
    if (l->q.len == 0 && b->tokens >= 1) {
        b->tokens -= 1;
        return PR_SEND_NOW;
    }
    const struct pr_txcold *c = pr_txcold_of(&n->txs, e);
    struct pr_held h = {.id = e->id, .fee = c->fee, .arrival_ns = c->arrival_ns};
    if (l->q.len >= (uint32_t)param(n, BACKLOG_MAX)) {
        /* full: the worst of the backlog and this one is dropped */
        if (!pr_held_before(&h, pr_backlog_worst(&l->q))) {
            pr_defence_dropped(n, pi, h.id);
            return PR_SEND_HELD;
        }
        pr_defence_dropped(n, pi, pr_backlog_pop_worst(&l->q).id);
    }
    if (!pr_backlog_push(&l->q, &h)) {
        pr_defence_dropped(n, pi, h.id);
        return PR_SEND_HELD;
    }
    if (!l->timer_set)
        arm(n, pi, l, b);
    return PR_SEND_HELD;
}

/* Tokens came back: release the best of the backlog, one token each. */
static void timer(struct pr_node *n, uint32_t pi, void *link)
{
    struct link *l = link;
    l->timer_set = false;
    struct bucket *b = bucket_of(n, pi, l);
    uint64_t ids[64];
    size_t k = 0;
    while (l->q.len && b->tokens >= 1 && k < 64) {
        ids[k++] = pr_backlog_pop_best(&l->q).id;
        b->tokens -= 1;
    }
    if (l->q.len)
        arm(n, pi, l, b);
    if (k)
        pr_defence_release(n, pi, ids, k);
}

static const struct pr_defence_info info = {
    .name = "token_bucket",
    .doc = "no PoW; a rate limit on the transactions a node sends to each neighbour, the rest waiting in a "
           "backlog by fee rate (Bitcoin Core's relay limiter)",
    .pow = false,
    .params = params,
    .n_params = sizeof params / sizeof params[0],
};

const struct pr_defence_ops pr_defence_token_bucket = {
    .info = &info,
    .init = init,
    .free = link_free,
    .judge = judge,
    .asked = asked,
    .timer = timer,
    .send = send,
};
