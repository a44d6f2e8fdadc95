/* Blocks (docs/protocol.md#blocks): relayed once to every peer; included transactions leave the pools. */
#ifndef POWRELAY_BLOCK_H
#define POWRELAY_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "powrelay/wire.h"

struct pr_node;

/* A BLOCK message (m, and its raw bytes to relay) from the peer at index peer_idx. */
void pr_block_receive(struct pr_node *n, uint32_t peer_idx, const struct pr_msg *m, const uint8_t *raw,
                      size_t len, uint32_t pad);

#endif
