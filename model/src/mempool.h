/* The mempool (docs/protocol.md#mempool): byte accounting against a capacity, eviction of the lowest fee rate when full,
 * and block assembly by fee rate then age. Entries live in the node's txtable; the pool keeps a heap of
 * their cold records (whose indices never move) ordered worst-first (lowest fee rate, then newest), so
 * eviction is O(log n). */
#ifndef POWRELAY_MEMPOOL_H
#define POWRELAY_MEMPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "powrelay/node.h"
#include "txtable.h"

struct pr_mempool {
    uint32_t *heap;
    uint32_t len, cap;
    uint64_t bytes, peak_bytes, max_bytes;
};

void pr_mempool_free(struct pr_mempool *m);
/* Add a cold record (sets its heap_pos) of a transaction of `size` bytes; PR_ERR_NOMEM. The caller then
 * trims and notes the peak. */
int pr_mempool_insert(struct pr_mempool *m, struct pr_txcold *cold, uint32_t c, uint32_t size);
/* Take it out again (the same size). */
void pr_mempool_remove(struct pr_mempool *m, struct pr_txcold *cold, uint32_t c, uint32_t size);
/* The cold record to evict next (lowest fee rate; the newest among equals), or PR_NO_SLOT. */
uint32_t pr_mempool_worst(const struct pr_mempool *m);
/* Record the occupancy as the peak if it is one (after trimming: the peak never exceeds the bound). */
void pr_mempool_note_peak(struct pr_mempool *m);
/* Block template (docs/protocol.md#block-template): the pool's transactions (of table t) by fee rate
 * (highest first), then age (oldest first), then id, each taken when it fits and, under the monero
 * policy, when it does not lower the miner's income (reward after penalty plus fees). Writes at most
 * `cap` cold records to out and what the block holds to *made; returns how many. */
size_t pr_mempool_select(const struct pr_mempool *m, const struct pr_txtable *t,
                         const struct pr_block_rules *rules, uint32_t *out, size_t cap,
                         struct pr_block_made *made);

/* Monero's block reward (its get_block_reward, in floating point): the base reward `base` while the
 * block's weight stays within the penalty-free zone, base x (1 - ((weight - zone) / zone)^2) above it,
 * and 0 (not allowed) beyond twice the zone. */
double pr_block_reward(double base, uint64_t zone, uint64_t weight);

#endif
