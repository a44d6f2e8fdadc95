/* The host's prefetch hints (powrelay/hints.h): the only code that prefetches on a host's behalf. */
#include "powrelay/hints.h"

#include <stddef.h>

#include "node_internal.h"
#include "prefetch.h"
#include "wirepeek.h"

void pr_node_prefetch(const struct pr_node *n)
{
    /* The hot part of the struct, from `id` to the first peer ids. */
    const char *p = (const char *)n;
    for (size_t off = 0; off < offsetof(struct pr_node, peer_ids) + 64; off += 64)
        pr_prefetch(p + off);
}

void pr_node_prefetch_msg(const struct pr_node *n, const uint8_t *msg, size_t len)
{
    uint64_t id;
    if (pr_wire_peek_tx_id(msg, len, &id))
        pr_txtable_prefetch(&n->txs, id);
}

void pr_node_prefetch_timer(const struct pr_node *n, uint32_t kind, uint64_t arg)
{
    if (kind >= PR_T_COUNT || !pr_timer_kinds[kind].touches)
        return;
    const void *p = pr_timer_kinds[kind].touches(n, arg);
    if (p)
        pr_prefetch(p);
}
