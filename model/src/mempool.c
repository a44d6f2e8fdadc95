#include "mempool.h"

#include <stdlib.h>

#include "grow.h"
#include "powrelay/error.h"

/* a is worse than b: evicted first. */
static bool worse(const struct pr_txcold *a, const struct pr_txcold *b)
{
    if (a->fee != b->fee)
        return a->fee < b->fee;
    if (a->arrival_ns != b->arrival_ns)
        return a->arrival_ns > b->arrival_ns;
    return a->id > b->id;
}

static void place(struct pr_mempool *m, struct pr_txcold *cold, uint32_t pos, uint32_t c)
{
    m->heap[pos] = c;
    cold[c].heap_pos = pos;
}

static void sift_up(struct pr_mempool *m, struct pr_txcold *cold, uint32_t pos)
{
    uint32_t c = m->heap[pos];
    while (pos > 0) {
        uint32_t parent = (pos - 1) / 2;
        if (!worse(&cold[c], &cold[m->heap[parent]]))
            break;
        place(m, cold, pos, m->heap[parent]);
        pos = parent;
    }
    place(m, cold, pos, c);
}

static void sift_down(struct pr_mempool *m, struct pr_txcold *cold, uint32_t pos)
{
    uint32_t c = m->heap[pos];
    for (;;) {
        uint32_t k = 2 * pos + 1;
        if (k >= m->len)
            break;
        if (k + 1 < m->len && worse(&cold[m->heap[k + 1]], &cold[m->heap[k]]))
            k++;
        if (!worse(&cold[m->heap[k]], &cold[c]))
            break;
        place(m, cold, pos, m->heap[k]);
        pos = k;
    }
    place(m, cold, pos, c);
}

void pr_mempool_free(struct pr_mempool *m)
{
    free(m->heap);
    m->heap = NULL;
    m->len = m->cap = 0;
    m->bytes = 0;
}

int pr_mempool_insert(struct pr_mempool *m, struct pr_txcold *cold, uint32_t c, uint32_t size)
{
    if (m->len == m->cap) {
        uint32_t *h = pr_grow(m->heap, &m->cap, sizeof *h, 16);
        if (!h)
            return PR_ERR_NOMEM;
        m->heap = h;
    }
    m->heap[m->len] = c;
    cold[c].heap_pos = m->len;
    m->len++;
    sift_up(m, cold, m->len - 1);
    m->bytes += size; /* the caller trims, then notes the peak */
    return PR_OK;
}

void pr_mempool_remove(struct pr_mempool *m, struct pr_txcold *cold, uint32_t c, uint32_t size)
{
    uint32_t pos = cold[c].heap_pos;
    if (pos >= m->len || m->heap[pos] != c)
        return;
    m->bytes -= size;
    cold[c].heap_pos = PR_NO_SLOT;
    m->len--;
    if (pos == m->len)
        return;
    uint32_t moved = m->heap[m->len];
    place(m, cold, pos, moved);
    sift_down(m, cold, pos);
    sift_up(m, cold, cold[moved].heap_pos);
}

uint32_t pr_mempool_worst(const struct pr_mempool *m) { return m->len ? m->heap[0] : PR_NO_SLOT; }

void pr_mempool_note_peak(struct pr_mempool *m)
{
    if (m->bytes > m->peak_bytes)
        m->peak_bytes = m->bytes;
}

/* Sort keys copied out of the entries, so that qsort needs no context pointer. */
struct rank {
    float fee;
    int64_t arrival_ns;
    uint64_t id;
    uint32_t c, size;
};

static int better_first(const void *pa, const void *pb)
{
    const struct rank *a = pa, *b = pb;
    if (a->fee != b->fee)
        return a->fee > b->fee ? -1 : 1;
    if (a->arrival_ns != b->arrival_ns)
        return a->arrival_ns < b->arrival_ns ? -1 : 1;
    return a->id < b->id ? -1 : a->id > b->id;
}

double pr_block_reward(double base, uint64_t zone, uint64_t weight)
{
    if (weight <= zone)
        return base;
    if (weight > 2 * zone)
        return 0;
    /* base (2 zone - weight) weight / zone^2, as monerod computes it (there in 128-bit integers) */
    double z = (double)zone, w = (double)weight;
    return base * ((2 * z - w) * w / z / z);
}

size_t pr_mempool_select(const struct pr_mempool *m, const struct pr_txtable *t,
                         const struct pr_block_rules *rules, uint32_t *out, size_t cap,
                         struct pr_block_made *made)
{
    bool monero = rules->policy == PR_BLOCKS_MONERO;
    uint64_t zone = rules->max_bytes;
    if (monero && rules->median_weight > zone)
        zone = rules->median_weight;
    /* monero: up to twice the zone, less the miner transaction's room */
    uint64_t limit = monero ? (2 * zone > rules->reserved ? 2 * zone - rules->reserved : 0) : zone;
    *made = (struct pr_block_made){.zone = zone, .reward = rules->reward};
    if (m->len == 0)
        return 0;
    struct rank *order = malloc(sizeof *order * m->len);
    if (!order)
        return 0;
    for (uint32_t i = 0; i < m->len; i++) {
        const struct pr_txcold *e = &t->cold[m->heap[i]];
        uint32_t size = t->hot[pr_txtable_find(t, e->id)].size; /* a pool's records are all live */
        order[i] = (struct rank){e->fee, e->arrival_ns, e->id, m->heap[i], size};
    }
    qsort(order, m->len, sizeof *order, better_first);
    size_t n = 0;
    uint64_t bytes = 0;
    double fees = 0, income = rules->reward;
    for (uint32_t i = 0; i < m->len && n < cap; i++) {
        if (bytes + order[i].size > limit)
            continue; /* greedy: a smaller one further down may still fit */
        double fee = (double)order[i].fee * order[i].size;
        if (monero) {
            /* monerod's fill_block_template: skip a transaction that would lower the coinbase */
            double with = pr_block_reward(rules->reward, zone, bytes + order[i].size) + fees + fee;
            if (with < income)
                continue;
            income = with;
        }
        bytes += order[i].size;
        fees += fee;
        out[n++] = order[i].c;
    }
    free(order);
    *made = (struct pr_block_made){.weight = bytes, .zone = zone, .txs = (uint32_t)n, .fees = fees,
                                   .reward = monero ? pr_block_reward(rules->reward, zone, bytes) : rules->reward};
    return n;
}
