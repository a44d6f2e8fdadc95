#include "txtable.h"

#include <stdlib.h>
#include <string.h>

#include "powrelay/error.h"

void pr_txtable_init(struct pr_txtable *t)
{
    memset(t, 0, sizeof *t);
    t->free_head = PR_NO_SLOT;
    t->seen_gc_at = 64;
}

void pr_txtable_free(struct pr_txtable *t)
{
    free(t->ents);
    pr_u64map_free(&t->index);
    pr_u64map_free(&t->seen);
    pr_txtable_init(t);
}

uint32_t pr_txtable_find(const struct pr_txtable *t, uint64_t id)
{
    uint64_t slot;
    return pr_u64map_get(&t->index, id, &slot) ? (uint32_t)slot : PR_NO_SLOT;
}

int pr_txtable_add(struct pr_txtable *t, uint64_t id, uint32_t *slot)
{
    uint32_t s;
    if (t->free_head != PR_NO_SLOT) {
        s = t->free_head;
        t->free_head = t->ents[s].heap_pos;
    } else {
        if (t->n_ents == t->cap_ents) {
            uint32_t cap = t->cap_ents ? t->cap_ents * 2 : 16;
            struct pr_txent *e = realloc(t->ents, sizeof *e * cap);
            if (!e)
                return PR_ERR_NOMEM;
            t->ents = e;
            t->cap_ents = cap;
        }
        s = t->n_ents++;
    }
    int err = pr_u64map_put(&t->index, id, s);
    if (err) {
        /* Give the slot back. */
        t->ents[s].state = PR_TXS_FREE;
        t->ents[s].heap_pos = t->free_head;
        t->free_head = s;
        return err;
    }
    memset(&t->ents[s], 0, sizeof t->ents[s]);
    t->ents[s].id = id;
    t->ents[s].heap_pos = PR_NO_SLOT;
    t->live++;
    if (t->seen.len)
        pr_u64map_del(&t->seen, id);
    *slot = s;
    return PR_OK;
}

static bool expired(uint64_t key, uint64_t val, void *arg)
{
    (void)key;
    return (int64_t)val <= *(const int64_t *)arg;
}

void pr_txtable_remember(struct pr_txtable *t, uint64_t id, int64_t expire_ns, int64_t now_ns)
{
    /* Purge expired memories whenever the set has doubled since the last purge: amortised O(1),
     * and the set stays proportional to what was forgotten within the TTL. */
    if (t->seen.len >= t->seen_gc_at) {
        pr_u64map_filter(&t->seen, expired, &now_ns);
        t->seen_gc_at = t->seen.len * 2 > 64 ? t->seen.len * 2 : 64;
    }
    /* Out of memory here only means a late copy could be taken for new: not worth failing for. */
    (void)pr_u64map_put(&t->seen, id, (uint64_t)expire_ns);
}

void pr_txtable_forget(struct pr_txtable *t, uint32_t slot, int64_t expire_ns, int64_t now_ns)
{
    struct pr_txent *e = &t->ents[slot];
    uint64_t id = e->id;
    pr_u64map_del(&t->index, id);
    e->state = PR_TXS_FREE;
    e->heap_pos = t->free_head;
    t->free_head = slot;
    t->live--;
    pr_txtable_remember(t, id, expire_ns, now_ns);
}

bool pr_txtable_seen(const struct pr_txtable *t, uint64_t id, int64_t now_ns)
{
    uint64_t exp;
    return pr_u64map_get(&t->seen, id, &exp) && (int64_t)exp > now_ns;
}
