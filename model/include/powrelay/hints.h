/* powrelay model: optional hints for a host that runs thousands of nodes. A hint changes nothing a node
 * does; it only asks the CPU to fetch, ahead of time, the memory the node will touch when the host
 * delivers an event to it, so that on a large network the event does not wait on cache misses. A host
 * that never calls them (ns-3, the unit tests) gets the same results. */
#ifndef POWRELAY_HINTS_H
#define POWRELAY_HINTS_H

#include <stddef.h>
#include <stdint.h>

#include "powrelay/node.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The host will soon deliver to this node: fetch the node's own state. Call it an event or two ahead. */
void pr_node_prefetch(const struct pr_node *n);
/* Once the node's state and the message's bytes are in cache: fetch what handling this message will
 * look up first (the transaction it is about). */
void pr_node_prefetch_msg(const struct pr_node *n, const uint8_t *msg, size_t len);
/* The same for a timer about to fire (kind and arg as the node set them). */
void pr_node_prefetch_timer(const struct pr_node *n, uint32_t kind, uint64_t arg);

#ifdef __cplusplus
}
#endif
#endif
