#include "idqueue.h"

#include <stdlib.h>

#include "grow.h"

int pr_idqueue_grow(struct pr_idqueue *q)
{
    uint64_t *ids = pr_grow(q->ids, &q->cap, sizeof *ids, 8);
    if (!ids)
        return PR_ERR_NOMEM;
    q->ids = ids;
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
