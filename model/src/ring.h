/* Regrowing a FIFO ring buffer (the solver's waiting jobs, messages waiting for the CPU): the elements
 * are copied in order into a new array of new_cap and the ring starts again at 0. */
#ifndef POWRELAY_RING_H
#define POWRELAY_RING_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "powrelay/error.h"

/* *buf holds len elements of `size` bytes from index *head, in a ring of *cap (len <= new_cap).
 * PR_OK, or PR_ERR_NOMEM with the ring as it was. */
static inline int pr_ring_regrow(void **buf, uint32_t *head, uint32_t len, uint32_t *cap, size_t size,
                                 uint32_t new_cap)
{
    char *nb = malloc(size * new_cap);
    if (!nb)
        return PR_ERR_NOMEM;
    for (uint32_t i = 0; i < len; i++)
        memcpy(nb + i * size, (char *)*buf + (size_t)((*head + i) % *cap) * size, size);
    free(*buf);
    *buf = nb;
    *cap = new_cap;
    *head = 0;
    return PR_OK;
}

#endif
