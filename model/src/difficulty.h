/* The per-neighbour requirement (docs/protocol.md#requirement): rate measurement, escalation, hold, relaxation, cap. */
#ifndef POWRELAY_DIFFICULTY_H
#define POWRELAY_DIFFICULTY_H

#include <stdbool.h>
#include <stdint.h>

#include "powrelay/config.h"

/* Times of the latest transactions counted from one neighbour: an exact sliding window, except that it
 * holds at most `keep` times (the limit count + 1). Every rule only compares the count with the limit,
 * and "more than the limit in the window" is exactly "the limit + 1 latest are all in it"; when the
 * rate falls back is when the oldest of those leaves. So a flooded link holds 21 times, not the
 * hundreds that arrive in a window. */
struct pr_rate_window {
    int64_t *ts;
    uint32_t head, len, cap;
};

void pr_rate_window_free(struct pr_rate_window *w);
/* Count a transaction at now, forgetting the oldest time if `keep` are held already (keep >= 1). */
int pr_rate_add(struct pr_rate_window *w, int64_t now_ns, uint32_t keep);
/* Transactions counted in (now - window, now], up to `keep`; forgets older ones. */
uint32_t pr_rate_count(struct pr_rate_window *w, int64_t now_ns, int64_t window_ns);

/* The largest count per window that is still "at or below" the rate limit: floor(y * window). */
uint32_t pr_rate_limit_count(const struct pr_config *c);

/* What node A requires of one neighbour N, and the state that moves it. */
struct pr_link_req {
    double req;
    double req_max;            /* highest value ever required */
    int64_t last_escalation_ns;/* INT64_MIN before the first */
    int64_t hold_until_ns;
    struct pr_rate_window rate;
};

void pr_link_req_init(struct pr_link_req *l, const struct pr_config *c);
void pr_link_req_free(struct pr_link_req *l);

/* The policy functions (power or multiply), capped at difficulty.max and floored at pow.base. */
double pr_difficulty_raise(const struct pr_config *c, double req);
double pr_difficulty_relax(const struct pr_config *c, double req);

/* A transaction from N counted at now: escalate if the rate now exceeds the limit and no escalation
 * happened in the last window. Returns true when req changed (then a hold runs until hold_until_ns).
 * *err receives PR_ERR_NOMEM if the window could not grow (the transaction is then not counted). */
bool pr_difficulty_on_tx(struct pr_link_req *l, const struct pr_config *c, int64_t now_ns, int *err);

/* The hold ended, or a deferred check is due: relax one step if the rate is at or below the limit.
 * *changed tells whether req changed. Returns when to check next, or -1 when req is back at base. */
int64_t pr_difficulty_on_check(struct pr_link_req *l, const struct pr_config *c, int64_t now_ns,
                               bool *changed);

#endif
