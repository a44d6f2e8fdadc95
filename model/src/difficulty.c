#include "difficulty.h"

#include <math.h>
#include <stdlib.h>

#include "grow.h"
#include "powrelay/error.h"

void pr_rate_window_free(struct pr_rate_window *w)
{
    free(w->ts);
    w->ts = NULL;
    w->head = w->len = w->cap = 0;
}

int pr_rate_add(struct pr_rate_window *w, int64_t now_ns, uint32_t keep)
{
    if (keep == 0)
        keep = 1;
    if (w->len >= keep) {
        w->head = (w->head + 1) % w->cap;
        w->len--;
    }
    if (w->len == w->cap) {
        uint32_t cap = pr_grown_cap(w->cap, 8);
        if (cap == 0 || cap > keep)
            cap = keep;
        int64_t *ts = malloc(sizeof *ts * cap);
        if (!ts)
            return PR_ERR_NOMEM;
        for (uint32_t i = 0; i < w->len; i++)
            ts[i] = w->ts[(w->head + i) % w->cap];
        free(w->ts);
        w->ts = ts;
        w->cap = cap;
        w->head = 0;
    }
    w->ts[(w->head + w->len) % w->cap] = now_ns;
    w->len++;
    return PR_OK;
}

uint32_t pr_rate_count(struct pr_rate_window *w, int64_t now_ns, int64_t window_ns)
{
    while (w->len > 0 && w->ts[w->head] <= now_ns - window_ns) {
        w->head = (w->head + 1) % w->cap;
        w->len--;
    }
    return w->len;
}

uint32_t pr_rate_limit_count(const struct pr_config *c)
{
    /* The epsilon keeps e.g. 0.29 tx/s over 100 s at 29, not 28.999... */
    double n = floor(c->rate_limit * ((double)c->window_ns / 1e9) + 1e-9);
    return n >= (double)UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

void pr_link_req_init(struct pr_link_req *l, const struct pr_config *c)
{
    l->req = c->pow_base;
    l->req_max = c->pow_base;
    l->last_escalation_ns = INT64_MIN;
    l->hold_until_ns = INT64_MIN;
    l->rate = (struct pr_rate_window){0};
}

void pr_link_req_free(struct pr_link_req *l) { pr_rate_window_free(&l->rate); }

double pr_difficulty_raise(const struct pr_config *c, double req)
{
    double r;
    if (c->difficulty_policy == PR_DIFFICULTY_MULTIPLY)
        r = req * c->exponent;
    else if (c->exponent == 2.0)
        r = req * req; /* exact where pow() need not be */
    else
        r = pow(req, c->exponent);
    return r > c->difficulty_max ? c->difficulty_max : r;
}

double pr_difficulty_relax(const struct pr_config *c, double req)
{
    double r;
    if (c->difficulty_policy == PR_DIFFICULTY_MULTIPLY)
        r = req / c->exponent;
    else if (c->exponent == 2.0)
        r = sqrt(req); /* correctly rounded: base^2 walks back to base exactly */
    else
        r = pow(req, 1.0 / c->exponent);
    /* A root that lands a rounding error above base is base: no extra step of nothing. */
    if (r < c->pow_base * (1 + 1e-9))
        r = c->pow_base;
    return r;
}

bool pr_difficulty_on_tx(struct pr_link_req *l, const struct pr_config *c, int64_t now_ns, int *err)
{
    uint32_t limit = pr_rate_limit_count(c);
    *err = pr_rate_add(&l->rate, now_ns, limit < UINT32_MAX ? limit + 1 : UINT32_MAX);
    uint32_t count = pr_rate_count(&l->rate, now_ns, c->window_ns);
    if (count <= limit)
        return false;
    if (l->last_escalation_ns != INT64_MIN && now_ns - l->last_escalation_ns < c->window_ns)
        return false; /* at most one escalation per window */
    double next = pr_difficulty_raise(c, l->req);
    if (next <= l->req)
        return false; /* at the cap already */
    l->req = next;
    if (next > l->req_max)
        l->req_max = next;
    l->last_escalation_ns = now_ns;
    l->hold_until_ns = now_ns + c->hold_ns;
    return true;
}

int64_t pr_difficulty_on_check(struct pr_link_req *l, const struct pr_config *c, int64_t now_ns,
                               bool *changed)
{
    *changed = false;
    if (l->req <= c->pow_base)
        return -1;
    if (now_ns < l->hold_until_ns)
        return l->hold_until_ns;
    uint32_t count = pr_rate_count(&l->rate, now_ns, c->window_ns);
    uint32_t limit = pr_rate_limit_count(c);
    if (count > limit) {
        /* Still too fast: look again when enough old transactions have left the window. */
        uint32_t leave = count - limit; /* the oldest `leave` must go */
        int64_t t = l->rate.ts[(l->rate.head + leave - 1) % l->rate.cap] + c->window_ns;
        return t > now_ns ? t : now_ns + 1;
    }
    l->req = pr_difficulty_relax(c, l->req);
    l->hold_until_ns = now_ns + c->hold_ns;
    *changed = true;
    return l->req > c->pow_base ? l->hold_until_ns : -1;
}
