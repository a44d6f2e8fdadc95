#include "pair.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

struct pr_config pair_config(void)
{
    struct pr_config c;
    pr_config_default(&c);
    c.dandelion_enabled = false;
    c.flush_in_ns = c.flush_out_ns = 0;
    c.pow_enabled = false;
    c.advertise_ns = PR_S(1000);
    return c;
}

int pair_create(const struct prnet_ops *ops, struct pair_link *link, const struct pr_config *c, double bps,
                double latency_s, double loss, uint32_t queue_packets, uint64_t seed, const struct prnet_callbacks *cb,
                struct prnet **out,
                char *err, size_t errlen)
{
    *link = (struct pair_link){.region = {0, 0}, .edges = {0, 1}, .bps = bps, .latency_s = latency_s};
    struct prnet_desc d = {.n_nodes = 2, .node_region = link->region, .n_regions = 1, .up_bps = &link->bps,
                           .down_bps = &link->bps, .latency_s = &link->latency_s, .jitter = 0, .loss = loss,
                           .queue_packets = queue_packets,
                           .n_edges = 1, .edges = link->edges, .seed = seed};
    struct prnet_node_init init[2] = {{1e6, false}, {1e6, false}};
    return ops->create(&d, c, init, cb, out, err, errlen);
}

double pair_number(const char *arg, double lo, double hi)
{
    char *end = NULL;
    double v = strtod(arg, &end);
    return end != arg && !*end && v > lo && v <= hi ? v : NAN;
}


int pair_offer(const struct prnet_ops *ops, struct prnet *net, int64_t start_ns, int64_t window_ns, int64_t every_ns,
               int batch)
{
    int rc = ops->run(net, start_ns);
    for (int64_t t = start_ns; rc == 0 && t < start_ns + window_ns; t += every_ns) {
        for (int i = 0; i < batch; i++) {
            struct pr_tx_request rq = {.size = 1535, .fee = 80, .wallet_hashrate = 1, .work = 2500};
            pr_node_submit_tx(ops->node(net, 0), &rq, NULL);
        }
        rc = ops->run(net, t + every_ns);
    }
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void pair_print_delays(double *delays, size_t n, double sum)
{
    qsort(delays, n, sizeof *delays, cmp_double);
    printf(" mean_delay_s %.3f p95_delay_s %.3f\n", n ? sum / (double)n : 0,
           n ? delays[(size_t)(0.95 * (double)(n - 1))] : 0);
}
