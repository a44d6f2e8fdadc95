/* A growing array of transaction ids that is emptied all at once: a peer's fluff queue (ids waiting for
 * the flush). Taking the queue hands its array to the caller, so that what handling the ids sets off can
 * queue anew meanwhile; giving it back keeps the array for reuse. */
#ifndef POWRELAY_IDQUEUE_H
#define POWRELAY_IDQUEUE_H

#include <stdint.h>

#include "powrelay/error.h"

struct pr_idqueue {
    uint64_t *ids;
    uint32_t len, cap;
};

/* Room for one more id: PR_OK, or PR_ERR_NOMEM with the queue as it was. */
int pr_idqueue_grow(struct pr_idqueue *q);

/* Append id. PR_OK, or PR_ERR_NOMEM with the queue as it was. Inline: it runs once per transaction
 * queued for a peer, the relay's hottest path; only growing is out of line. */
static inline int pr_idqueue_push(struct pr_idqueue *q, uint64_t id)
{
    if (q->len == q->cap && pr_idqueue_grow(q) != PR_OK)
        return PR_ERR_NOMEM;
    q->ids[q->len++] = id;
    return PR_OK;
}
/* The queue's ids (and array); the queue is left empty, with no array. */
struct pr_idqueue pr_idqueue_take(struct pr_idqueue *q);
/* Return an array taken from q for reuse, emptied; freed instead if q got an array of its own meanwhile.
 * It keeps its capacity (regrowing it at every flush cost a copy each time) unless that is far beyond
 * what it held: a burst's queue does not hold its memory for the rest of the run. */
void pr_idqueue_give_back(struct pr_idqueue *q, struct pr_idqueue taken);
void pr_idqueue_free(struct pr_idqueue *q);

#endif
