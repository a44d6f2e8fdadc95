#include "powrelay/u64map.h"

#include <stdlib.h>

#include "powrelay/error.h"

void pr_u64map_free(struct pr_u64map *m)
{
    free(m->keys);
    free(m->vals);
    *m = (struct pr_u64map){0};
}

bool pr_u64map_get(const struct pr_u64map *m, uint64_t key, uint64_t *val)
{
    if (!m->keys || key == 0)
        return false;
    for (size_t i = pr_hash64(key) & m->mask;; i = (i + 1) & m->mask) {
        if (m->keys[i] == key) {
            if (val)
                *val = m->vals[i];
            return true;
        }
        if (m->keys[i] == 0)
            return false;
    }
}

static void insert_fresh(uint64_t *keys, uint64_t *vals, size_t mask, uint64_t key, uint64_t val)
{
    size_t i = pr_hash64(key) & mask;
    while (keys[i] != 0)
        i = (i + 1) & mask;
    keys[i] = key;
    vals[i] = val;
}

static int resize(struct pr_u64map *m, size_t buckets)
{
    uint64_t *keys = calloc(buckets, sizeof *keys);
    uint64_t *vals = malloc(buckets * sizeof *vals);
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return PR_ERR_NOMEM;
    }
    if (m->keys) {
        for (size_t i = 0; i <= m->mask; i++)
            if (m->keys[i])
                insert_fresh(keys, vals, buckets - 1, m->keys[i], m->vals[i]);
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->mask = buckets - 1;
    return PR_OK;
}

int pr_u64map_put(struct pr_u64map *m, uint64_t key, uint64_t val)
{
    if (key == 0)
        return PR_ERR_INVALID;
    if (!m->keys || (m->len + 1) * 4 > (m->mask + 1) * 3) { /* keep load under 3/4 */
        int err = resize(m, m->keys ? (m->mask + 1) * 2 : 16);
        if (err)
            return err;
    }
    for (size_t i = pr_hash64(key) & m->mask;; i = (i + 1) & m->mask) {
        if (m->keys[i] == key) {
            m->vals[i] = val;
            return PR_OK;
        }
        if (m->keys[i] == 0) {
            m->keys[i] = key;
            m->vals[i] = val;
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
        if (m->keys[i] == 0)
            break;
        size_t home = pr_hash64(m->keys[i]) & m->mask;
        /* Move i into the hole if its home is not in (hole, i] cyclically. */
        if (((i - home) & m->mask) >= ((i - hole) & m->mask)) {
            m->keys[hole] = m->keys[i];
            m->vals[hole] = m->vals[i];
            hole = i;
        }
    }
    m->keys[hole] = 0;
    m->len--;
}

bool pr_u64map_del(struct pr_u64map *m, uint64_t key)
{
    if (!m->keys || key == 0)
        return false;
    for (size_t i = pr_hash64(key) & m->mask;; i = (i + 1) & m->mask) {
        if (m->keys[i] == key) {
            delete_at(m, i);
            return true;
        }
        if (m->keys[i] == 0)
            return false;
    }
}

void pr_u64map_filter(struct pr_u64map *m, bool (*drop)(uint64_t key, uint64_t val, void *arg), void *arg)
{
    if (!m->keys)
        return;
    /* Rebuild in place through a second table: simplest correct way with linear probing. */
    size_t buckets = m->mask + 1;
    uint64_t *keys = calloc(buckets, sizeof *keys);
    uint64_t *vals = malloc(buckets * sizeof *vals);
    if (!keys || !vals) {
        /* Out of memory: fall back to deleting one by one (slower, allocation-free). */
        free(keys);
        free(vals);
        for (size_t i = 0; i < buckets;) {
            if (m->keys[i] && drop(m->keys[i], m->vals[i], arg))
                delete_at(m, i); /* re-examine i: something may have shifted into it */
            else
                i++;
        }
        return;
    }
    size_t len = 0;
    for (size_t i = 0; i < buckets; i++) {
        if (m->keys[i] && !drop(m->keys[i], m->vals[i], arg)) {
            insert_fresh(keys, vals, m->mask, m->keys[i], m->vals[i]);
            len++;
        }
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->len = len;
}
