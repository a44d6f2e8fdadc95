/* A node's table of transactions: the live ones (own ones being solved, the stem pool, the mempool)
 * and the ids it no longer holds but still remembers ("seen"), so that late copies of confirmed or
 * evicted transactions are recognised as old. The memory is two generations of an id set, the older
 * dropped every TTL: an id is remembered between one and two TTLs, at 8 bytes a slot and no scans.
 *
 * The table is generic over what the protocol keeps per transaction (as khash is over its types): its
 * entry type comes from txstate.h, of which the table reads and writes only `id` and `cold`; every
 * other field is the protocol's. Layout for speed on large networks, where every lookup is a cache
 * miss: the entry is one 64-byte line in an open-addressing table (one line per lookup); the rest of a
 * transaction sits in a "cold" record in a slab whose indices never change (the mempool's heap refers to
 * those). Hot slots stay put until an insertion grows the table: hold a slot only across calls that
 * cannot insert. */
#ifndef POWRELAY_TXTABLE_H
#define POWRELAY_TXTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "powrelay/u64map.h"
#include "prefetch.h"
#include "txstate.h"

#define PR_NO_SLOT UINT32_MAX

struct pr_txcold {     /* 24 bytes: what the mempool orders by, and what only sending needs (the size is
                          in the hot entry: a large run holds millions of these) */
    uint64_t id;
    int64_t arrival_ns; /* when this node got it (its age in the mempool) */
    float fee;
    uint32_t heap_pos;  /* position in the mempool's eviction heap; next free record when free */
};

#define PR_TX_TOMB UINT64_MAX

struct pr_txtable {
    struct pr_txent *hot; /* open addressing, linear probing, 64-byte aligned, at most 3/4 used */
    uint32_t slots;       /* a power of two less one (see txtable.c); 0 when unallocated */
    uint32_t live, used;  /* used = live + tombstones */
    struct pr_txcold *cold;
    uint32_t n_cold, cap_cold, free_cold;
    struct pr_u64set seen[2]; /* remembered ids: this generation and the one before */
    int64_t seen_ttl, seen_rotate_at;
    struct pr_u64map nonces; /* id -> hashcash nonce, pow.mode sha256 only (the others prove no hash) */
};

/* ttl_ns: how long a dropped transaction's id is remembered (at least). */
void pr_txtable_init(struct pr_txtable *t, int64_t ttl_ns);
void pr_txtable_free(struct pr_txtable *t);
/* Hot slot of a live transaction, or PR_NO_SLOT. */
uint32_t pr_txtable_find(const struct pr_txtable *t, uint64_t id);
/* pr_txtable_find() of n ids at once (slots[i] for ids[i]), fetching ahead the memory they will touch,
 * entries and cold records: the way to look up a batch on a large network. */
void pr_txtable_find_many(const struct pr_txtable *t, const uint64_t *ids, uint32_t n, uint32_t *slots);
/* Finding a batch of ids in order a chunk at a time: a chunk's memory is fetched ahead together
 * (pr_txtable_find_many), then used while still in cache (found all at once, a long batch's first
 * entries would be evicted again by the time they are used). For a loop that inserts nothing. */
#define PR_TXTABLE_CHUNK 32
struct pr_txtable_batch {
    const struct pr_txtable *t;
    const uint64_t *ids;
    uint32_t *slots; /* slots[i] for ids[i], once found */
    uint32_t n, found;
};
static inline struct pr_txtable_batch pr_txtable_batch(const struct pr_txtable *t, const uint64_t *ids, uint32_t n,
                                                       uint32_t *slots)
{
    return (struct pr_txtable_batch){.t = t, .ids = ids, .slots = slots, .n = n, .found = 0};
}
/* The slot of ids[i] (also left in slots[i]), for i = 0, 1, .. n-1 in turn. */
static inline uint32_t pr_txtable_batch_slot(struct pr_txtable_batch *b, uint32_t i)
{
    if (i >= b->found) {
        uint32_t cn = b->n - i < PR_TXTABLE_CHUNK ? b->n - i : PR_TXTABLE_CHUNK;
        pr_txtable_find_many(b->t, b->ids + i, cn, b->slots + i);
        b->found = i + cn;
    }
    return b->slots[i];
}
/* pr_txtable_find(), trying first the slot id had when last found (it stays put unless an insertion
 * grew the table; an entry is only ever at one slot, so a match there is the answer). */
static inline uint32_t pr_txtable_refind(const struct pr_txtable *t, uint64_t id, uint32_t hint)
{
    if (hint < t->slots && t->hot[hint].id == id && id != 0 && id != PR_TX_TOMB)
        return hint;
    return pr_txtable_find(t, id);
}
/* A zeroed live entry (and cold record) for id, which must not be live. May move every hot slot.
 * PR_ERR_NOMEM. */
int pr_txtable_add(struct pr_txtable *t, uint64_t id, uint32_t *slot);
/* Drop a live entry, remembering its id. */
void pr_txtable_forget(struct pr_txtable *t, uint32_t slot, int64_t now_ns);
/* Remember an id that never was live here (a confirmed tx we did not have). */
void pr_txtable_remember(struct pr_txtable *t, uint64_t id, int64_t now_ns);
/* True if the id is remembered. */
bool pr_txtable_seen(const struct pr_txtable *t, uint64_t id);
/* Ids remembered. */
static inline uint64_t pr_txtable_seen_count(const struct pr_txtable *t) { return t->seen[0].len + t->seen[1].len; }

static inline struct pr_txcold *pr_txcold_of(const struct pr_txtable *t, const struct pr_txent *e)
{
    return &t->cold[e->cold];
}

/* The slot where id's probe starts. */
static inline uint32_t pr_txtable_home(const struct pr_txtable *t, uint64_t id)
{
    return (uint32_t)pr_hash_slot(id, t->slots);
}

/* Prefetch the hot slot where id would be (always inlined: see prefetch.h). */
static inline __attribute__((always_inline)) void pr_txtable_prefetch(const struct pr_txtable *t, uint64_t id)
{
    if (t->hot)
        pr_prefetch(&t->hot[pr_txtable_home(t, id)]);
}

#endif
