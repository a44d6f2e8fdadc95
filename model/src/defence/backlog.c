/* The min-max heap behind a backlog: even levels (the root's included) hold an element no better than
 * anything below it, odd levels one no worse, so the worst is the root and the best one of its two
 * children. */
#include "backlog.h"

#include <stdlib.h>

bool pr_held_before(const struct pr_held *a, const struct pr_held *b)
{
    if (a->fee != b->fee)
        return a->fee > b->fee;
    if (a->arrival_ns != b->arrival_ns)
        return a->arrival_ns < b->arrival_ns;
    return a->id < b->id;
}

/* "less" in heap terms: a is worse than b */
static bool worse(const struct pr_held *h, uint32_t a, uint32_t b) { return pr_held_before(&h[b], &h[a]); }

static bool min_level(uint32_t i)
{
    unsigned level = 0;
    for (uint32_t k = i + 1; k > 1; k >>= 1)
        level++;
    return (level & 1) == 0;
}

static void swap(struct pr_held *h, uint32_t a, uint32_t b)
{
    struct pr_held t = h[a];
    h[a] = h[b];
    h[b] = t;
}

/* Compare in the sense of the level: on a min level "ahead" means worse, on a max level better. */
static bool ahead(const struct pr_held *h, bool min, uint32_t a, uint32_t b)
{
    return min ? worse(h, a, b) : worse(h, b, a);
}

static void bubble_up_among(struct pr_held *h, bool min, uint32_t i)
{
    while (i >= 3) {
        uint32_t g = ((i - 1) / 2 - 1) / 2;
        if (!ahead(h, min, i, g))
            break;
        swap(h, i, g);
        i = g;
    }
}

static void bubble_up(struct pr_held *h, uint32_t i)
{
    if (i == 0)
        return;
    bool min = min_level(i);
    uint32_t p = (i - 1) / 2;
    if (ahead(h, !min, i, p)) { /* belongs on the parent's kind of level */
        swap(h, i, p);
        bubble_up_among(h, !min, p);
    } else {
        bubble_up_among(h, min, i);
    }
}

static void trickle_down(struct pr_held *h, uint32_t n, uint32_t i)
{
    bool min = min_level(i);
    for (;;) {
        uint32_t first = 2 * i + 1;
        if (first >= n)
            return;
        /* the most "ahead" of the children and grandchildren */
        uint32_t m = first;
        uint32_t cands[5] = {first + 1, 4 * i + 3, 4 * i + 4, 4 * i + 5, 4 * i + 6};
        for (int k = 0; k < 5; k++)
            if (cands[k] < n && ahead(h, min, cands[k], m))
                m = cands[k];
        if (!ahead(h, min, m, i))
            return;
        swap(h, m, i);
        if (m <= first + 1) /* a child: it is on the other kind of level, and heads its own subtree */
            return;
        uint32_t p = (m - 1) / 2;
        if (ahead(h, !min, m, p))
            swap(h, m, p);
        i = m;
    }
}

bool pr_backlog_push(struct pr_backlog *q, const struct pr_held *x)
{
    if (q->len == q->cap) {
        uint32_t cap = q->cap ? q->cap * 2 : 16;
        struct pr_held *h = realloc(q->h, sizeof *h * cap);
        if (!h)
            return false;
        q->h = h;
        q->cap = cap;
    }
    q->h[q->len] = *x;
    bubble_up(q->h, q->len++);
    return true;
}

static uint32_t best_index(const struct pr_backlog *q)
{
    if (q->len <= 2)
        return q->len - 1;
    return worse(q->h, 1, 2) ? 2 : 1;
}

const struct pr_held *pr_backlog_best(const struct pr_backlog *q) { return &q->h[best_index(q)]; }

const struct pr_held *pr_backlog_worst(const struct pr_backlog *q) { return &q->h[0]; }

static struct pr_held take(struct pr_backlog *q, uint32_t i)
{
    struct pr_held x = q->h[i];
    q->h[i] = q->h[--q->len];
    if (i < q->len)
        trickle_down(q->h, q->len, i);
    return x;
}

struct pr_held pr_backlog_pop_best(struct pr_backlog *q) { return take(q, best_index(q)); }

struct pr_held pr_backlog_pop_worst(struct pr_backlog *q) { return take(q, 0); }

void pr_backlog_free(struct pr_backlog *q)
{
    free(q->h);
    *q = (struct pr_backlog){0};
}
