#include "txtable.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "powrelay/error.h"

_Static_assert(sizeof(struct pr_txent) == 64, "an entry is one cache line");
_Static_assert(offsetof(struct pr_txent, id) == 0, "the key comes first");
_Static_assert(sizeof(struct pr_txcold) == 24, "a cold record is 24 bytes");

void pr_txtable_init(struct pr_txtable *t, int64_t ttl_ns)
{
    memset(t, 0, sizeof *t);
    t->free_cold = PR_NO_SLOT;
    t->seen_ttl = ttl_ns;
    t->seen_rotate_at = ttl_ns;
}

void pr_txtable_free(struct pr_txtable *t)
{
    int64_t ttl = t->seen_ttl;
    free(t->hot);
    free(t->cold);
    pr_u64set_free(&t->seen[0]);
    pr_u64set_free(&t->seen[1]);
    pr_u64map_free(&t->nonces);
    pr_txtable_init(t, ttl);
}

uint32_t pr_txtable_find(const struct pr_txtable *t, uint64_t id)
{
    if (!t->hot || id == 0 || id == PR_TX_TOMB)
        return PR_NO_SLOT;
    for (uint32_t i = pr_txtable_home(t, id);;) {
        uint64_t k = t->hot[i].id;
        if (k == id)
            return i;
        if (k == 0)
            return PR_NO_SLOT;
        if (++i == t->slots)
            i = 0;
    }
}

void pr_txtable_find_many(const struct pr_txtable *t, const uint64_t *ids, uint32_t n, uint32_t *slots)
{
    /* On a large network each id's entry and cold record are cache misses: fetch entries a few ids
     * ahead of the one being found, and each found entry's cold record for the caller. */
    enum { AHEAD = 8 };
    for (uint32_t i = 0; i < n && i < AHEAD; i++)
        pr_txtable_prefetch(t, ids[i]);
    for (uint32_t i = 0; i < n; i++) {
        if (i + AHEAD < n)
            pr_txtable_prefetch(t, ids[i + AHEAD]);
        slots[i] = pr_txtable_find(t, ids[i]);
        if (slots[i] != PR_NO_SLOT)
            pr_prefetch(pr_txcold_of(t, &t->hot[slots[i]]));
    }
}

/* Clean the table of tombstones, growing it only if the live entries would fill more than 11/16 of it.
 * Growing on every rehash (to at most half full) would double most tables of a long run for good: a
 * full mempool churns (evicted out, new in) through tombstones at a steady size. Keeping the size leaves room for 1/16 of the slots in tombstones
 * before the next cleaning, O(slots) work per 1/16*slots deletions; pure growth still doubles (the
 * insert that finds the table 3/4 full leaves it 3/8 full).
 *
 * A table has a power of two less one slots: a large block is mapped in whole pages, and the
 * allocator's header with the 64-byte alignment would make 2^k slots (2^k * 64 bytes) take a page more
 * than their size. One slot fewer leaves 64 bytes for them. */
static int rehash(struct pr_txtable *t)
{
    uint32_t slots = 15;
    while ((uint64_t)slots * 11 < 16ull * (t->live + 1))
        slots = 2 * slots + 1;
    struct pr_txent *hot = aligned_alloc(64, (size_t)slots * sizeof *hot);
    if (!hot)
        return PR_ERR_NOMEM;
    memset(hot, 0, (size_t)slots * sizeof *hot);
    struct pr_txent *old = t->hot;
    uint32_t old_slots = t->slots;
    t->hot = hot;
    t->slots = slots;
    for (uint32_t i = 0; old && i < old_slots; i++) {
        const struct pr_txent *e = &old[i];
        if (e->id == 0 || e->id == PR_TX_TOMB)
            continue;
        uint32_t j = pr_txtable_home(t, e->id);
        while (hot[j].id != 0)
            if (++j == slots)
                j = 0;
        hot[j] = *e;
    }
    free(old);
    t->used = t->live;
    return PR_OK;
}

int pr_txtable_add(struct pr_txtable *t, uint64_t id, uint32_t *slot)
{
    if (id == 0 || id == PR_TX_TOMB)
        return PR_ERR_INVALID;
    if (!t->hot || (uint64_t)(t->used + 1) * 4 > (uint64_t)t->slots * 3) {
        int err = rehash(t);
        if (err)
            return err;
    }
    uint32_t c;
    if (t->free_cold != PR_NO_SLOT) {
        c = t->free_cold;
        t->free_cold = t->cold[c].heap_pos;
    } else {
        if (t->n_cold == t->cap_cold) {
            /* By a quarter, not double: the slab only grows to the most transactions ever held at once
             * (a full mempool's ~650), and doubling left a third of it unused for the rest of the run. */
            uint32_t cap = t->cap_cold ? t->cap_cold + t->cap_cold / 4 : 16;
            struct pr_txcold *cold = realloc(t->cold, sizeof *cold * cap);
            if (!cold)
                return PR_ERR_NOMEM;
            t->cold = cold;
            t->cap_cold = cap;
        }
        c = t->n_cold++;
    }
    /* Reuse the first tombstone on the probe path, else the empty slot that ends it. */
    uint32_t i = pr_txtable_home(t, id), tomb = PR_NO_SLOT;
    for (; t->hot[i].id != 0; i = i + 1 == t->slots ? 0 : i + 1)
        if (t->hot[i].id == PR_TX_TOMB && tomb == PR_NO_SLOT)
            tomb = i;
    if (tomb != PR_NO_SLOT)
        i = tomb;
    else
        t->used++;
    t->hot[i] = (struct pr_txent){.id = id, .cold = c};
    t->cold[c] = (struct pr_txcold){.id = id, .heap_pos = PR_NO_SLOT};
    t->live++;
    *slot = i;
    return PR_OK;
}

void pr_txtable_remember(struct pr_txtable *t, uint64_t id, int64_t now_ns)
{
    if (now_ns >= t->seen_rotate_at) {
        /* A new generation: the older one (ids more than a TTL old) goes. Its slots, emptied, hold the
         * new generation, unless they are over twice what the generation just ended needed (a burst's
         * memory is not kept): reuse spares a run the regrowth, and its heap the holes, of two sets per
         * node every TTL. */
        struct pr_u64set old = t->seen[1];
        if (now_ns >= t->seen_rotate_at + t->seen_ttl) {
            pr_u64set_free(&t->seen[0]); /* after a long quiet spell both are old */
            t->seen[1] = (struct pr_u64set){0};
        } else {
            t->seen[1] = t->seen[0];
        }
        if (old.keys && old.slots > 2 * t->seen[1].slots)
            pr_u64set_free(&old);
        pr_u64set_clear(&old);
        t->seen[0] = old;
        t->seen_rotate_at = now_ns + t->seen_ttl;
    }
    /* Out of memory here only means a late copy could be taken for new: not worth failing for. */
    (void)pr_u64set_add(&t->seen[0], id);
}

void pr_txtable_forget(struct pr_txtable *t, uint32_t slot, int64_t now_ns)
{
    struct pr_txent *e = &t->hot[slot];
    uint64_t id = e->id;
    uint32_t c = e->cold;
    t->cold[c].id = 0;
    t->cold[c].heap_pos = t->free_cold;
    t->free_cold = c;
    /* A tombstone, unless the next slot is empty: then the probe chain ends here anyway. */
    e->id = t->hot[slot + 1 == t->slots ? 0 : slot + 1].id == 0 ? 0 : PR_TX_TOMB;
    if (e->id == 0)
        t->used--;
    memset((char *)e + sizeof e->id, 0, sizeof *e - sizeof e->id); /* the protocol's fields too */
    t->live--;
    if (t->nonces.len)
        pr_u64map_del(&t->nonces, id);
    pr_txtable_remember(t, id, now_ns);
}

bool pr_txtable_seen(const struct pr_txtable *t, uint64_t id)
{
    return pr_u64set_has(&t->seen[0], id) || pr_u64set_has(&t->seen[1], id);
}
