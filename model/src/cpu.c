#include "cpu.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "hostcall.h"
#include "node_internal.h"
#include "ring.h"

int pr_cpu_queue(struct pr_node *n, uint32_t pi, const uint8_t *msg, size_t len, uint32_t pad, uint32_t ntx)
{
    if (n->vq_len == n->vq_cap) {
        uint32_t cap = pr_grown_cap(n->vq_cap, 8);
        if (cap == 0 || pr_ring_regrow((void **)&n->vq, &n->vq_head, n->vq_len, &n->vq_cap, sizeof *n->vq, cap))
            return PR_ERR_NOMEM;
    }
    uint8_t *copy = malloc(len);
    if (!copy)
        return PR_ERR_NOMEM;
    memcpy(copy, msg, len);
    n->vq[(n->vq_head + n->vq_len) % n->vq_cap] =
        (struct pr_pending_msg){.peer = (uint16_t)pi, .len = (uint32_t)len, .pad = pad, .bytes = copy};
    n->vq_len++;
    int64_t now = pr_now(n);
    int64_t start = n->cpu_free_ns > now ? n->cpu_free_ns : now;
    n->cpu_free_ns = start + (int64_t)ntx * n->cfg->verify_ns;
    pr_set_timer(n, n->cpu_free_ns - now, PR_T_VERIFY, 0);
    return PR_OK;
}

bool pr_cpu_take(struct pr_node *n, struct pr_pending_msg *out)
{
    if (n->vq_len == 0)
        return false;
    *out = n->vq[n->vq_head];
    n->vq_head = (n->vq_head + 1) % n->vq_cap;
    n->vq_len--;
    return true;
}

void pr_cpu_free(struct pr_node *n)
{
    for (uint32_t i = 0; i < n->vq_len; i++)
        free(n->vq[(n->vq_head + i) % n->vq_cap].bytes);
    free(n->vq);
    n->vq = NULL;
    n->vq_len = n->vq_cap = 0;
}
