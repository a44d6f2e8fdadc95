/* powrelay utility: a small open-addressing hash map from non-zero uint64 keys to uint64 values (linear probing,
 * backward-shift deletion, so no tombstones pile up). Key 0 is reserved for empty buckets. */
#ifndef POWRELAY_U64MAP_H
#define POWRELAY_U64MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pr_u64map_slot {
    uint64_t key, val; /* together: a lookup touches one cache line */
};

struct pr_u64map {
    struct pr_u64map_slot *slots;
    size_t mask; /* buckets - 1; 0 when unallocated */
    size_t len;
};

void pr_u64map_free(struct pr_u64map *m);
bool pr_u64map_get(const struct pr_u64map *m, uint64_t key, uint64_t *val);
/* Insert or overwrite. PR_ERR_NOMEM, PR_ERR_INVALID for key 0. */
int pr_u64map_put(struct pr_u64map *m, uint64_t key, uint64_t val);
bool pr_u64map_del(struct pr_u64map *m, uint64_t key);
/* Remove every entry for which drop(val, arg) is true. */
void pr_u64map_filter(struct pr_u64map *m, bool (*drop)(uint64_t key, uint64_t val, void *arg), void *arg);

/* A set of non-zero uint64 keys (8 bytes a slot, 60-75% full): insert, test, clear. */
struct pr_u64set {
    uint64_t *keys;
    size_t slots; /* 0 when unallocated */
    size_t len;
};

void pr_u64set_free(struct pr_u64set *s);
bool pr_u64set_has(const struct pr_u64set *s, uint64_t key);
/* PR_ERR_NOMEM, PR_ERR_INVALID for key 0. */
int pr_u64set_add(struct pr_u64set *s, uint64_t key);
/* Empty the set, keeping its slots for reuse. */
void pr_u64set_clear(struct pr_u64set *s);

static inline uint64_t pr_hash64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

/* A key's first slot in an open-addressing table of any slot count (below 2^32), not just powers of
 * two: the hash's high half scaled to the count. The id sets and the node's transaction table use it. */
static inline size_t pr_hash_slot(uint64_t key, size_t slots)
{
    return (size_t)(((pr_hash64(key) >> 32) * (uint64_t)slots) >> 32);
}

#endif
