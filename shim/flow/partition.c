/* Partitions of the nodes (partition.h). */
#include "partition.h"

#include <stdlib.h>

struct order {
    uint8_t region;
    uint32_t node;
};

static int by_region(const void *a, const void *b)
{
    const struct order *x = a, *y = b;
    if (x->region != y->region)
        return x->region < y->region ? -1 : 1;
    return x->node < y->node ? -1 : x->node > y->node;
}

int prf_partition(uint32_t n, const uint8_t *region, const uint32_t *degree, uint32_t p, uint8_t *part)
{
    struct order *o = malloc(sizeof *o * (n ? n : 1));
    if (!o)
        return -1;
    for (uint32_t i = 0; i < n; i++)
        o[i] = (struct order){region[i], i};
    qsort(o, n, sizeof *o, by_region);
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++)
        total += degree[i] + 1;
    uint64_t acc = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t k = acc * p / (total ? total : 1);
        part[o[i].node] = (uint8_t)(k < p ? k : p - 1);
        acc += degree[o[i].node] + 1;
    }
    free(o);
    return 0;
}
