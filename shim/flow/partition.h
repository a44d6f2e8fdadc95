/* Cutting the network's nodes into partitions for the parallel flow model (docs/protocol.md#flow-threads)
 * and for the counts that planned it (partstat.c): the nodes sorted by region, then by id, cut into p
 * contiguous runs of about equal weight, a node weighing its degree + 1 (its messages and its own
 * timers). Which partition a node lands in never changes a run's results, only how fast it goes. */
#ifndef POWRELAY_FLOW_PARTITION_H
#define POWRELAY_FLOW_PARTITION_H

#include <stdint.h>

/* part[i] in 0..p-1 for each of the n nodes (p <= 255). 0, or -1 when out of memory. */
int prf_partition(uint32_t n, const uint8_t *region, const uint32_t *degree, uint32_t p, uint8_t *part);

#endif
