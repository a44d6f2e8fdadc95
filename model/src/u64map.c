#include "powrelay/u64map.h"

#include <stdlib.h>
#include <string.h>

#include "powrelay/error.h"

void pr_u64map_free(struct pr_u64map *m)
{
    free(m->slots);
    *m = (struct pr_u64map){0};
}

bool pr_u64map_get(const struct pr_u64map *m, uint64_t key, uint64_t *val)
{
    if (!m->slots || key == 0)
        return false;
    for (size_t i = pr_hash64(key) & m->mask;; i = (i + 1) & m->mask) {
        const struct pr_u64map_slot *s = &m->slots[i];
        if (s->key == key) {
            if (val)
                *val = s->val;
            return true;
        }
        if (s->key == 0)
            return false;
    }
}

static void insert_fresh(struct pr_u64map_slot *slots, size_t mask, uint64_t key, uint64_t val)
{
    size_t i = pr_hash64(key) & mask;
    while (slots[i].key != 0)
        i = (i + 1) & mask;
    slots[i].key = key;
    slots[i].val = val;
}

static int resize(struct pr_u64map *m, size_t buckets)
{
    struct pr_u64map_slot *slots = calloc(buckets, sizeof *slots);
    if (!slots)
        return PR_ERR_NOMEM;
    if (m->slots)
        for (size_t i = 0; i <= m->mask; i++)
            if (m->slots[i].key)
                insert_fresh(slots, buckets - 1, m->slots[i].key, m->slots[i].val);
    free(m->slots);
    m->slots = slots;
    m->mask = buckets - 1;
    return PR_OK;
}

int pr_u64map_put(struct pr_u64map *m, uint64_t key, uint64_t val)
{
    if (key == 0)
        return PR_ERR_INVALID;
    if (!m->slots || (m->len + 1) * 4 > (m->mask + 1) * 3) { /* keep load under 3/4 */
        int err = resize(m, m->slots ? (m->mask + 1) * 2 : 16);
        if (err)
            return err;
    }
    for (size_t i = pr_hash64(key) & m->mask;; i = (i + 1) & m->mask) {
        struct pr_u64map_slot *s = &m->slots[i];
        if (s->key == key) {
            s->val = val;
            return PR_OK;
        }
        if (s->key == 0) {
            s->key = key;
            s->val = val;
            m->len++;
            return PR_OK;
        }
    }
}

/* Backward-shift deletion: pull later entries of the probe run into the hole. */
static void delete_at(struct pr_u64map *m, size_t hole)
{
    size_t i = hole;
    for (;;) {
        i = (i + 1) & m->mask;
        if (m->slots[i].key == 0)
            break;
        size_t home = pr_hash64(m->slots[i].key) & m->mask;
        /* Move i into the hole unless its home lies cyclically in (hole, i]. */
        if (((i - home) & m->mask) >= ((i - hole) & m->mask)) {
            m->slots[hole] = m->slots[i];
            hole = i;
        }
    }
    m->slots[hole].key = 0;
    m->len--;
}

bool pr_u64map_del(struct pr_u64map *m, uint64_t key)
{
    if (!m->slots || key == 0)
        return false;
    for (size_t i = pr_hash64(key) & m->mask;; i = (i + 1) & m->mask) {
        if (m->slots[i].key == key) {
            delete_at(m, i);
            return true;
        }
        if (m->slots[i].key == 0)
            return false;
    }
}

void pr_u64map_filter(struct pr_u64map *m, bool (*drop)(uint64_t key, uint64_t val, void *arg), void *arg)
{
    if (!m->slots)
        return;
    /* Rebuild through a second table: simplest correct way with linear probing. */
    size_t buckets = m->mask + 1;
    struct pr_u64map_slot *slots = calloc(buckets, sizeof *slots);
    if (!slots) {
        /* Out of memory: delete one by one instead (slower, allocation-free). */
        for (size_t i = 0; i < buckets;) {
            if (m->slots[i].key && drop(m->slots[i].key, m->slots[i].val, arg))
                delete_at(m, i); /* re-examine i: something may have shifted into it */
            else
                i++;
        }
        return;
    }
    size_t len = 0;
    for (size_t i = 0; i < buckets; i++) {
        if (m->slots[i].key && !drop(m->slots[i].key, m->slots[i].val, arg)) {
            insert_fresh(slots, m->mask, m->slots[i].key, m->slots[i].val);
            len++;
        }
    }
    free(m->slots);
    m->slots = slots;
    m->len = len;
}

void pr_u64set_free(struct pr_u64set *s)
{
    free(s->keys);
    *s = (struct pr_u64set){0};
}

void pr_u64set_clear(struct pr_u64set *s)
{
    if (s->keys)
        memset(s->keys, 0, s->slots * sizeof *s->keys);
    s->len = 0;
}

bool pr_u64set_has(const struct pr_u64set *s, uint64_t key)
{
    if (!s->keys || key == 0)
        return false;
    for (size_t i = pr_hash_slot(key, s->slots);;) {
        if (s->keys[i] == key)
            return true;
        if (s->keys[i] == 0)
            return false;
        if (++i == s->slots)
            i = 0;
    }
}

int pr_u64set_add(struct pr_u64set *s, uint64_t key)
{
    if (key == 0)
        return PR_ERR_INVALID;
    if (!s->keys || (s->len + 1) * 4 > s->slots * 3) {
        /* By a quarter (kept a multiple of 8), so a set sits 60-75% full rather than 37-75%: these
         * sets (remembered ids) are a large part of a large run's memory. */
        size_t slots = s->keys ? (s->slots + s->slots / 4 + 7) / 8 * 8 : 16;
        if (slots >= UINT32_MAX)
            return PR_ERR_NOMEM; /* pr_hash_slot() scales a 32-bit hash */
        uint64_t *keys = calloc(slots, sizeof *keys);
        if (!keys)
            return PR_ERR_NOMEM;
        for (size_t i = 0; s->keys && i < s->slots; i++) {
            if (!s->keys[i])
                continue;
            size_t j = pr_hash_slot(s->keys[i], slots);
            while (keys[j])
                if (++j == slots)
                    j = 0;
            keys[j] = s->keys[i];
        }
        free(s->keys);
        s->keys = keys;
        s->slots = slots;
    }
    for (size_t i = pr_hash_slot(key, s->slots);;) {
        if (s->keys[i] == key)
            return PR_OK;
        if (s->keys[i] == 0) {
            s->keys[i] = key;
            s->len++;
            return PR_OK;
        }
        if (++i == s->slots)
            i = 0;
    }
}
