#include "hostcall.h"

#include "node_internal.h"

int64_t pr_now(struct pr_node *n) { return n->host.now_ns(n->host.ctx); }

void pr_emit(struct pr_node *n, uint32_t type, uint32_t flags, uint32_t peer_idx, uint64_t tx, double a,
             double b)
{
    if (!n->host.event)
        return;
    struct pr_event ev = {
        .type = type,
        .flags = flags,
        .node = n->id,
        .peer = pr_peer_id(n, peer_idx),
        .tx = tx,
        .t_ns = pr_now(n),
        .a = a,
        .b = b,
    };
    n->host.event(n->host.ctx, &ev);
}

void pr_emit_event(struct pr_node *n, struct pr_event *ev)
{
    if (!n->host.event)
        return;
    ev->node = n->id;
    ev->t_ns = pr_now(n);
    n->host.event(n->host.ctx, ev);
}

void pr_send(struct pr_node *n, uint32_t peer_idx, const uint8_t *msg, size_t len, uint32_t pad)
{
    if (pr_peer_closed(n, peer_idx))
        return; /* the connection is closed */
    n->host.send(n->host.ctx, n->id, n->peer_ids[peer_idx], msg, len, pad);
}

uint64_t pr_set_timer(struct pr_node *n, int64_t delay_ns, uint32_t kind, uint64_t arg)
{
    return n->host.set_timer(n->host.ctx, n->id, delay_ns < 0 ? 0 : delay_ns, kind, arg);
}

void pr_cancel_timer(struct pr_node *n, uint64_t *handle)
{
    if (*handle) {
        n->host.cancel_timer(n->host.ctx, n->id, *handle);
        *handle = 0;
    }
}
