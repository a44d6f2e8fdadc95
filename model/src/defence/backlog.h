/* A backlog of held transactions (token_bucket's, docs/defences.md#token_bucket): the best to send
 * first and the worst to drop first are both found in O(log n), so a backlog of thousands costs no
 * more per transaction than a short one. A min-max heap (Atkinson, Sack, Santoro and Strothotte,
 * "Min-max heaps and generalized priority queues", CACM 1986). */
#ifndef POWRELAY_BACKLOG_H
#define POWRELAY_BACKLOG_H

#include <stdbool.h>
#include <stdint.h>

struct pr_held {
    uint64_t id;
    float fee; /* fee rate */
    int64_t arrival_ns;
};

/* a goes before b: a higher fee rate, then older, then the smaller id (ids are unique: a total order) */
bool pr_held_before(const struct pr_held *a, const struct pr_held *b);

struct pr_backlog {
    struct pr_held *h;
    uint32_t len, cap;
};

/* Adds one; false when memory ran out (the backlog is unchanged). */
bool pr_backlog_push(struct pr_backlog *q, const struct pr_held *x);
/* The one to send first / to drop first; the backlog must not be empty. */
const struct pr_held *pr_backlog_best(const struct pr_backlog *q);
const struct pr_held *pr_backlog_worst(const struct pr_backlog *q);
/* Removes and returns it; the backlog must not be empty. */
struct pr_held pr_backlog_pop_best(struct pr_backlog *q);
struct pr_held pr_backlog_pop_worst(struct pr_backlog *q);
void pr_backlog_free(struct pr_backlog *q);

#endif
