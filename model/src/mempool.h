/* The mempool (docs/protocol.md#mempool): byte accounting against a capacity, eviction of the lowest fee rate when full,
 * and block assembly by fee rate then age. Entries live in the node's txtable; the pool keeps a heap of
 * their cold records (whose indices never move) ordered worst-first (lowest fee rate, then newest), so
 * eviction is O(log n). */
#ifndef POWRELAY_MEMPOOL_H
#define POWRELAY_MEMPOOL_H

#include <stddef.h>
#include <stdint.h>

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
/* Block template: the pool's transactions (of table t) by fee rate (highest first), then age (oldest
 * first), then id, greedily up to max_bytes. Writes at most `cap` cold records to out, returns how many. */
size_t pr_mempool_select(const struct pr_mempool *m, const struct pr_txtable *t, uint64_t max_bytes,
                         uint32_t *out, size_t cap);

#endif
