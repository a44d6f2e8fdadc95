/* Growing an array whose capacity is a uint32_t count of elements: doubled each time, from a first size
 * that suits the array (a peer's queue starts small, a mempool's larger). One rule for every such array
 * in the model, so no copy of it can get the overflow or the failure path wrong. */
#ifndef POWRELAY_GROW_H
#define POWRELAY_GROW_H

#include <stdint.h>
#include <stdlib.h>

/* The capacity after cap: first when empty, else twice cap; 0 when twice would not fit a uint32_t. */
static inline uint32_t pr_grown_cap(uint32_t cap, uint32_t first)
{
    if (cap == 0)
        return first;
    return cap <= UINT32_MAX / 2 ? cap * 2 : 0;
}

/* The array p (elem bytes an element, *cap of them) reallocated to pr_grown_cap(*cap, first) elements,
 * *cap updated; NULL, with p and *cap as they were, when memory or the capacity runs out. */
static inline void *pr_grow(void *p, uint32_t *cap, size_t elem, uint32_t first)
{
    uint32_t grown = pr_grown_cap(*cap, first);
    void *q = grown ? realloc(p, elem * grown) : NULL;
    if (q)
        *cap = grown;
    return q;
}

#endif
