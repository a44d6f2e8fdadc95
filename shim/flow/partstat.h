/* Partition statistics for planning a parallel flow model (docs/scaling.md): the run's nodes are cut into
 * P partitions (regions kept together, balanced by degree) for several P at once, and every event is
 * counted where a conservative parallel run would handle it. A window is the smallest latency of any
 * connection between two partitions: messages sent in one cannot arrive in it, so the partitions may
 * run each window independently and exchange what crossed at its end. Counted per P: the windows, the
 * events in each partition per window (their most loaded partition bounds the window's time), and the
 * messages and bytes that cross partitions. Diagnostics only: it changes nothing the model does. */
#ifndef POWRELAY_PARTSTAT_H
#define POWRELAY_PARTSTAT_H

#include <stdint.h>
#include <stdio.h>

struct prf_partstat;

/* n nodes with their regions and degrees; the connections as (from, to, latency) triples. NULL when out
 * of memory. */
struct prf_partstat *prf_partstat_new(uint32_t n, const uint8_t *region, const uint32_t *degree,
                                      const uint32_t *conn_from, const uint32_t *conn_to,
                                      const int64_t *conn_latency_ns, uint32_t n_conns);
/* An event handled at node at time t (ns). */
void prf_partstat_event(struct prf_partstat *s, int64_t t, uint32_t node);
/* A message of bytes sent from one node to another. */
void prf_partstat_message(struct prf_partstat *s, uint32_t from, uint32_t to, uint64_t bytes);
/* A CSV row per P, after a run that lasted sim_ns. -1 on a write error. */
int prf_partstat_write(struct prf_partstat *s, FILE *f, int64_t sim_ns);
void prf_partstat_free(struct prf_partstat *s);

#endif
