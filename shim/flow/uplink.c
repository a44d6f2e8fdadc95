/* A node's uplink with a finite device queue: see uplink.h.
 *
 * The queue when a segment is released at `at` (>= now) is the segments released by then whose time on the
 * wire starts after it. The segments kept are ordered by that start, so those starting after `at` are a
 * suffix found by bisection; of them, those released later than the clock when they were booked (a
 * window's future flights, whose release times are kept apart in `later`, in order) are taken off when
 * released after `at`, found by bisection too. */
#include "uplink.h"

#include <stdlib.h>
#include <string.h>

/* An array read from *head, of n items of elem bytes, whose first `gone` are dropped: it moves back to
 * its start once what was dropped outnumbers what is left. */
static void drop_front(void *arr, uint32_t *head, uint32_t *n, uint32_t gone, size_t elem)
{
    *head += gone;
    *n -= gone;
    if (*head && *head >= *n) {
        memmove(arr, (char *)arr + (size_t)*head * elem, (size_t)*n * elem);
        *head = 0;
    }
}

/* Release times (ascending, n from *head) now past are forgotten. */
static void forget_times(int64_t *t, uint32_t *head, uint32_t *n, int64_t now)
{
    uint32_t k = 0;
    while (k < *n && t[*head + k] <= now)
        k++;
    drop_front(t, head, n, k, sizeof *t);
}

/* Spans that ended by now, segments gone by now and releases now past are forgotten. A segment kept
 * may have left (its start is in the past): it never counts as waiting, and goes once those before it
 * have. */
static void forget(struct prf_uplink *u, int64_t now)
{
    uint32_t k = 0;
    while (k < u->n_busy && u->busy[u->head + k].to <= now)
        k++;
    drop_front(u->busy, &u->head, &u->n_busy, k, sizeof *u->busy);
    k = 0;
    while (k < u->n_pkt && u->pkt[u->pkt_head + k].left <= now)
        k++;
    drop_front(u->pkt, &u->pkt_head, &u->n_pkt, k, sizeof *u->pkt);
    forget_times(u->later, &u->later_head, &u->n_later, now);
    forget_times(u->later_drops, &u->ld_head, &u->n_ld, now);
    forget_times(u->ahead_at, &u->ah_head, &u->n_ah, now);
}

/* How many of the n times from t are after `at` (t ascending). */
static uint32_t after(const int64_t *t, uint32_t n, int64_t at)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (t[mid] > at)
            hi = mid;
        else
            lo = mid + 1;
    }
    return n - lo;
}

static bool room(void **arr, uint32_t *cap, uint32_t need, size_t elem, uint32_t first)
{
    if (need <= *cap)
        return true;
    uint32_t c = *cap ? *cap : first;
    while (c < need)
        c *= 2;
    void *p = realloc(*arr, elem * c);
    if (!p)
        return false;
    *arr = p;
    *cap = c;
    return true;
}

/* t (n from *head, ascending) with `at` added in order; false when out of memory. */
static bool remember(int64_t **t, uint32_t *head, uint32_t *n, uint32_t *cap, int64_t at)
{
    if (!room((void **)t, cap, *head + *n + 1, sizeof **t, 16))
        return false;
    int64_t *l = *t + *head;
    uint32_t j = (*n)++;
    for (; j > 0 && l[j - 1] > at; j--)
        l[j] = l[j - 1];
    l[j] = at;
    return true;
}

/* The first busy span not over by `t` (spans are disjoint, in order), by bisection; n_busy if none. */
static uint32_t first_span_after(const struct prf_uplink *u, int64_t t)
{
    const struct prf_busy *b = u->busy + u->head;
    uint32_t i = 0, hi = u->n_busy;
    while (i < hi) {
        uint32_t mid = i + (hi - i) / 2;
        if (b[mid].to <= t)
            i = mid + 1;
        else
            hi = mid;
    }
    return i;
}

/* The link busy during [from, from + tx_ns), in the first idle span from `from` on that is long enough:
 * returns when that span starts. */
static int64_t book(struct prf_uplink *u, int64_t from, int64_t tx_ns, bool *oom)
{
    struct prf_busy *b = u->busy + u->head;
    uint32_t i = first_span_after(u, from);
    for (; i < u->n_busy; i++) {
        if (from + tx_ns <= b[i].from)
            break; /* fits in the idle span before b[i] */
        if (b[i].to > from)
            from = b[i].to;
    }
    int64_t to = from + tx_ns;
    bool joins_prev = i > 0 && b[i - 1].to == from, joins_next = i < u->n_busy && b[i].from == to;
    if (joins_prev && joins_next) {
        b[i - 1].to = b[i].to;
        memmove(b + i, b + i + 1, sizeof *b * (u->n_busy - i - 1));
        u->n_busy--;
    } else if (joins_prev) {
        b[i - 1].to = to;
    } else if (joins_next) {
        b[i].from = from;
    } else {
        if (!room((void **)&u->busy, &u->cap_busy, u->head + u->n_busy + 1, sizeof *u->busy, 16)) {
            *oom = true;
            return from;
        }
        b = u->busy + u->head;
        memmove(b + i + 1, b + i, sizeof *b * (u->n_busy - i));
        b[i] = (struct prf_busy){from, to};
        u->n_busy++;
    }
    return from;
}

int64_t prf_uplink_enqueue(struct prf_uplink *u, int64_t now, int64_t at, int64_t tx_ns, uint32_t limit, bool *oom)
{
    forget(u, now);
    const struct prf_booked *p = u->pkt + u->pkt_head;
    uint32_t lo = 0, hi = u->n_pkt; /* the first segment that starts after `at` */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (p[mid].start > at)
            hi = mid;
        else
            lo = mid + 1;
    }
    /* those released after `at` start after it too: all of them are in that suffix */
    uint32_t waiting = u->n_pkt - lo - after(u->later + u->later_head, u->n_later, at);
    if (waiting >= limit) {
        u->dropped++;
        if (at > now && u->tallied) { /* the tally's only: without memory, it counts as released */
            u->ahead_dropped++;
            remember(&u->later_drops, &u->ld_head, &u->n_ld, &u->cap_ld, at);
        }
        return -1;
    }
    if (u->tallied && at > now && limit != UINT32_MAX) { /* a first attempt booked ahead: the tally's */
        u->ahead++;
        if (!remember(&u->ahead_at, &u->ah_head, &u->n_ah, &u->cap_ah, at))
            *oom = true;
    }
    u->taken++;
    int64_t start = book(u, at, tx_ns, oom);
    if (!room((void **)&u->pkt, &u->cap_pkt, u->pkt_head + u->n_pkt + 1, sizeof *u->pkt, 128) ||
        (at > now && !room((void **)&u->later, &u->cap_later, u->later_head + u->n_later + 1, sizeof *u->later, 16))) {
        *oom = true;
        return start + tx_ns;
    }
    struct prf_booked *q = u->pkt + u->pkt_head;
    uint32_t k = u->n_pkt++;
    for (; k > 0 && q[k - 1].start > start; k--) /* nearly always at the end */
        q[k] = q[k - 1];
    q[k] = (struct prf_booked){.start = start, .left = start + tx_ns};
    if (at > now) {
        int64_t *l = u->later + u->later_head;
        uint32_t j = u->n_later++;
        for (; j > 0 && l[j - 1] > at; j--)
            l[j] = l[j - 1];
        l[j] = at;
    }
    return start + tx_ns;
}

bool prf_uplink_unbook(struct prf_uplink *u, int64_t now, int64_t at, int64_t start, int64_t tx_ns, bool *oom)
{
    int64_t end = start + tx_ns;
    if (start <= now)
        return false;
    /* its record among the segments kept (by start) */
    struct prf_booked *q = u->pkt + u->pkt_head;
    uint32_t k = 0, top = u->n_pkt;
    while (k < top) {
        uint32_t mid = k + (top - k) / 2;
        if (q[mid].start < start)
            k = mid + 1;
        else
            top = mid;
    }
    if (k == u->n_pkt || q[k].start != start || q[k].left != end)
        return false; /* not booked as said: leave the calendar as it is */
    /* the busy span holding [start, end): cut it out */
    struct prf_busy *b = u->busy + u->head;
    uint32_t i = first_span_after(u, start);
    if (i == u->n_busy || b[i].from > start || b[i].to < end)
        return false;
    if (b[i].from == start && b[i].to == end) {
        memmove(b + i, b + i + 1, sizeof *b * (u->n_busy - i - 1));
        u->n_busy--;
    } else if (b[i].from == start) {
        b[i].from = end;
    } else if (b[i].to == end) {
        b[i].to = start;
    } else {
        if (!room((void **)&u->busy, &u->cap_busy, u->head + u->n_busy + 1, sizeof *u->busy, 16)) {
            *oom = true;
            return false;
        }
        b = u->busy + u->head;
        memmove(b + i + 2, b + i + 1, sizeof *b * (u->n_busy - i - 1));
        b[i + 1] = (struct prf_busy){end, b[i].to};
        b[i].to = start;
        u->n_busy++;
    }
    memmove(q + k, q + k + 1, sizeof *q * (u->n_pkt - k - 1));
    u->n_pkt--;
    /* its release among the later ones (one equal time is as good as another) */
    int64_t *l = u->later + u->later_head;
    uint32_t j = u->n_later - after(l, u->n_later, at - 1); /* the first at `at` or after */
    if (j < u->n_later && l[j] == at) {
        memmove(l + j, l + j + 1, sizeof *l * (u->n_later - j - 1));
        u->n_later--;
    }
    u->taken--;
    return true;
}

int64_t prf_uplink_extend(struct prf_uplink *u, int64_t now, int64_t left, int64_t tx_ns, bool *oom)
{
    if (left <= now)
        return left; /* gone already: nothing to lengthen */
    return book(u, left, tx_ns, oom) + tx_ns;
}

void prf_uplink_tally(const struct prf_uplink *u, int64_t now, uint64_t *taken, uint64_t *dropped)
{
    *taken = u->taken - after(u->later + u->later_head, u->n_later, now);
    *dropped = u->dropped - after(u->later_drops + u->ld_head, u->n_ld, now);
}

void prf_uplink_ahead(const struct prf_uplink *u, int64_t now, uint64_t *ahead, uint64_t *dropped)
{
    /* only first attempts are ever dropped: every drop booked ahead is one */
    *dropped = u->ahead_dropped - after(u->later_drops + u->ld_head, u->n_ld, now);
    *ahead = u->ahead - after(u->ahead_at + u->ah_head, u->n_ah, now) + *dropped;
}

int64_t prf_uplink_free_at(const struct prf_uplink *u, int64_t at)
{
    uint32_t i = first_span_after(u, at); /* contiguous bookings are one span (book joins them) */
    return i < u->n_busy && u->busy[u->head + i].from <= at ? u->busy[u->head + i].to : at;
}

int64_t prf_uplink_idle_at(const struct prf_uplink *u, int64_t now)
{
    if (!u->n_busy)
        return now;
    int64_t to = u->busy[u->head + u->n_busy - 1].to;
    return to > now ? to : now;
}

void prf_uplink_free(struct prf_uplink *u)
{
    free(u->busy);
    free(u->pkt);
    free(u->later);
    free(u->later_drops);
    free(u->ahead_at);
    *u = (struct prf_uplink){0};
}
