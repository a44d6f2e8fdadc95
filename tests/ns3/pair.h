/* Two nodes on one link, on any network model: what tests/ns3's connection-level checks share.
 *
 * The nodes relay at once (no Dandelion, no flush delay, no PoW: physics only, no rate limit on bursts;
 * no MINDIFF messages for the first 1,000 s). */
#ifndef POWRELAY_TEST_PAIR_H
#define POWRELAY_TEST_PAIR_H

#include "powrelay/netmodel.h"

#include <stddef.h>
#include <stdint.h>

/* The link's description, kept here because a network may read it for as long as it lives. */
struct pair_link {
    uint8_t region[2];
    uint32_t edges[2];
    double bps, latency_s;
};

/* A relay configuration with Dandelion, flush delays, PoW and MINDIFF out of the way. */
struct pr_config pair_config(void);

/* Nodes 0 and 1 (hash rate 1e6 each) joined by one connection of BPS up and down on each access link,
 * LATENCY_S one way, LOSS per packet and access link, drawn from SEED, device queues of QUEUE_PACKETS (0:
 * the model's own, as network.queue_packets). LINK must outlive the network. 0, or nonzero with ERR filled. */
int pair_create(const struct prnet_ops *ops, struct pair_link *link, const struct pr_config *c, double bps,
                double latency_s, double loss, uint32_t queue_packets, uint64_t seed, const struct prnet_callbacks *cb,
                struct prnet **out, char *err, size_t errlen);

/* Node 0 handed `batch` transactions (1,535 bytes) every every_ns from start_ns (the network run to then
 * first) until start_ns + window_ns, the network run to that end: 0, or the run's failure. */
int pair_offer(const struct prnet_ops *ops, struct prnet *net, int64_t start_ns, int64_t window_ns, int64_t every_ns,
               int batch);

/* Prints " mean_delay_s M p95_delay_s P" and a newline for n delays (sorted here) that sum to `sum`. */
void pair_print_delays(double *delays, size_t n, double sum);

/* argv's number in (lo, hi], or NAN (the probes' command lines). */
double pair_number(const char *arg, double lo, double hi);

#endif
