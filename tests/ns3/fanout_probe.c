/* One thin uplink feeding many TCP connections at once, on either network model: how its device queue
 * and the connections' windows share it (a JP node's uplink in a flood, reduced to its physics).
 *
 * A hub (node 0: 1.7 Mbit/s up, 6.9 down, as the JP region) and PEERS leaves (100 Mbit/s both ways), each
 * leaf connected to the hub alone, 100 ms one way, no loss, device queues of QUEUE_PACKETS. The hub is
 * handed RATE transactions (1,535 bytes) a second in batches EVERY_S apart for 120 s and relays each to
 * every leaf at once (no Dandelion, no flush delay, no PoW), so every batch lands on all connections at the
 * same instant, as a flood's trickles converge. Printed: the transactions the leaves had accepted by the
 * end (all leaves together), their mean delay from the hub and its 95th percentile. With the queues' tally
 * (POWRELAY_FLOW_QUEUES or POWRELAY_NS3_QUEUES in the environment) the hub's uplink's drops are in its
 * file (node 0, link up).
 *
 * usage: fanout_probe flow|ns3 SEED PEERS RATE EVERY_S QUEUE_PACKETS
 * ns-3's settings come from NS_ATTRIBUTE_DEFAULT as for powrelay. Exit status 2 on bad arguments. */
#include "pair.h"
#include "powrelay/netmodel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define WINDOW_NS PR_S(120)
#define START_NS PR_S(2) /* after the connections' handshakes */
#define MAX_PEERS 64

/* The hub's acceptances in order (by id), and the leaves' matched to them. */
struct probe {
    uint64_t *ids;
    int64_t *sent_at;
    double *delays;
    size_t n_sent, cap, delivered, delays_cap;
    double delay_sum;
};

static void on_event(void *ctx, const struct pr_event *ev)
{
    struct probe *p = ctx;
    if (ev->type != PR_EV_TX_ACCEPTED)
        return;
    if (ev->node == 0) {
        if (p->n_sent < p->cap) {
            p->ids[p->n_sent] = ev->tx;
            p->sent_at[p->n_sent++] = ev->t_ns;
        }
        return;
    }
    if (ev->t_ns > START_NS + WINDOW_NS || p->delivered >= p->delays_cap)
        return;
    size_t lo = 0, hi = p->n_sent; /* ids rise in the hub's order: find it by bisection */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p->ids[mid] < ev->tx)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < p->n_sent && p->ids[lo] == ev->tx) {
        double d = (double)(ev->t_ns - p->sent_at[lo]) / 1e9;
        p->delays[p->delivered++] = d;
        p->delay_sum += d;
    }
}

int main(int argc, char **argv)
{
    const struct prnet_ops *ops = argc == 7 ? prnet_find(argv[1]) : NULL;
    double peers = ops ? pair_number(argv[3], 0, MAX_PEERS) : NAN;
    double rate = ops ? pair_number(argv[4], 0, 1000) : NAN;
    double every = ops ? pair_number(argv[5], 0, 60) : NAN;
    double queue = ops ? pair_number(argv[6], 0, 1e6) : NAN;
    char *end = NULL;
    uint64_t seed = ops ? strtoull(argv[2], &end, 10) : 0;
    if (!ops || !end || *end || isnan(peers) || peers != floor(peers) || isnan(rate) || isnan(every) ||
        rate * every < 1 || isnan(queue) || queue != floor(queue)) {
        fprintf(stderr, "usage: fanout_probe flow|ns3 SEED PEERS RATE EVERY_S QUEUE_PACKETS (PEERS 1-%d, RATE "
                        "transactions a second in (0, 1000], EVERY_S in (0, 60], at least one a batch, "
                        "QUEUE_PACKETS a whole number from 1 to 1e6)\n", MAX_PEERS);
        return 2;
    }
    uint32_t n = (uint32_t)peers + 1;
    uint8_t region[MAX_PEERS + 1] = {0};
    uint32_t edges[2 * MAX_PEERS];
    for (uint32_t i = 1; i < n; i++) {
        region[i] = 1;
        edges[2 * (i - 1)] = 0;
        edges[2 * (i - 1) + 1] = i;
    }
    double up[2] = {1.7e6, 1e8}, down[2] = {6.9e6, 1e8}, latency[4] = {0.1, 0.1, 0.1, 0.1};
    struct prnet_desc d = {.n_nodes = n, .node_region = region, .n_regions = 2, .up_bps = up, .down_bps = down,
                           .latency_s = latency, .queue_packets = (uint32_t)queue, .n_edges = n - 1,
                           .edges = edges, .seed = seed};
    struct prnet_node_init init[MAX_PEERS + 1];
    for (uint32_t i = 0; i < n; i++)
        init[i] = (struct prnet_node_init){1e6, false};

    int64_t every_ns = PR_S(every);
    int batch = (int)lround(rate * every);
    size_t cap = (size_t)(WINDOW_NS / every_ns + 1) * (size_t)batch;
    struct probe p = {.ids = calloc(cap, sizeof *p.ids), .sent_at = calloc(cap, sizeof *p.sent_at),
                      .delays = calloc(cap * (n - 1), sizeof *p.delays), .cap = cap, .delays_cap = cap * (n - 1)};
    struct pr_config c = pair_config();
    struct prnet_callbacks cb = {.ctx = &p, .event = on_event};
    struct prnet *net = NULL;
    char err[256];
    if (!p.ids || !p.sent_at || !p.delays || ops->create(&d, &c, init, &cb, &net, err, sizeof err)) {
        fprintf(stderr, "fanout_probe: %s\n", p.ids && p.sent_at && p.delays ? err : "out of memory");
        return 1;
    }
    int rc = pair_offer(ops, net, START_NS, WINDOW_NS, every_ns, batch);
    if (rc == 0) {
        printf("offered %zu delivered %zu", p.n_sent * (n - 1), p.delivered);
        pair_print_delays(p.delays, p.delivered, p.delay_sum);
    } else {
        fprintf(stderr, "fanout_probe: the %s run failed\n", argv[1]);
    }
    ops->destroy(net);
    free(p.ids);
    free(p.sent_at);
    free(p.delays);
    return rc ? 1 : 0;
}
