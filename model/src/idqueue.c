#include "idqueue.h"

#include <stdlib.h>

int pr_idqueue_grow(struct pr_idqueue *q)
{
    uint32_t cap = q->cap ? q->cap * 2 : 8;
    uint64_t *ids = realloc(q->ids, sizeof *ids * cap);
    if (!ids)
        return PR_ERR_NOMEM;
    q->ids = ids;
    q->cap = cap;
    return PR_OK;
}

struct pr_idqueue pr_idqueue_take(struct pr_idqueue *q)
{
    struct pr_idqueue taken = *q;
    *q = (struct pr_idqueue){0};
    return taken;
}

void pr_idqueue_give_back(struct pr_idqueue *q, struct pr_idqueue taken)
{
    if (q->ids) {
        free(taken.ids);
        return;
    }
    uint32_t want = taken.len < 8 ? 16 : 2 * taken.len;
    if (taken.cap > 2 * want) {
        uint64_t *ids = realloc(taken.ids, sizeof *ids * want); /* shrinking: in place */
        if (ids) {
            taken.ids = ids;
            taken.cap = want;
        }
    }
    *q = (struct pr_idqueue){.ids = taken.ids, .len = 0, .cap = taken.cap};
}

void pr_idqueue_free(struct pr_idqueue *q)
{
    free(q->ids);
    *q = (struct pr_idqueue){0};
}
