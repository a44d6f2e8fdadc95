/* ns3_setup NODES [SEED]: how long the ns-3 network model takes to build a network of NODES nodes (the default
 * regions, bandwidths and latencies of docs/protocol.md#network; the runner's overlay graph with 8 outbound and 12..24 peers),
 * and its peak memory. Setup = create() + the first run() up to time 0, i.e. everything before any
 * traffic: nodes, links, stacks, addresses, routes, applications, model nodes and listening sockets
 * (nodes dial in the first millisecond after 0). Also times the run from 0 to 1 s, which creates the
 * dialling sockets and completes every handshake. Prints one JSON object. Used by
 * tests/bench/ns3_bench.py. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "powrelay/netmodel.h"
#include "topology.h"

static const double shares[6] = {0.3316, 0.4998, 0.0090, 0.1177, 0.0224, 0.0195};
static const double up_mbps[6] = {6.74, 6.72, 2.2, 6.53, 1.7, 6.1};
static const double down_mbps[6] = {41.68, 21.29, 9.89, 14.56, 6.9, 16};
static const double latency_ms[36] = {
    35.5,   119.49, 254.79, 310.11, 154.36, 207.91, 119.49, 11.61,  221.08, 241.9,  266.45, 350.07,
    254.79, 221.08, 137.09, 346.65, 255.95, 268.91, 310.11, 241.9,  346.65, 99.46,  172.24, 277.8,
    154.36, 266.45, 255.95, 172.24, 8.76,   162.59, 207.91, 350.07, 268.91, 277.8,  162.59, 21.72,
};

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: ns3_setup NODES [SEED]\n");
        return 2;
    }
    uint32_t n = (uint32_t)strtoul(argv[1], NULL, 10);
    uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;
    struct prr_topology topo;
    char err[256];
    struct prr_topology_params tp = {.nodes = n, .min = 12, .max = 24, .outbound = 8, .shares = shares,
                                     .n_regions = 6, .seed = seed};
    if (prr_topology_build(&tp, &topo, err, sizeof err)) {
        fprintf(stderr, "topology: %s\n", err);
        return 1;
    }
    double up[6], down[6], lat[36];
    for (int r = 0; r < 6; r++) {
        up[r] = up_mbps[r] * 1e6;
        down[r] = down_mbps[r] * 1e6;
    }
    for (int i = 0; i < 36; i++)
        lat[i] = latency_ms[i] / 1e3;
    struct pr_config cfg;
    pr_config_default(&cfg);
    cfg.seed = seed;
    struct prnet_node_init *init = calloc(n, sizeof *init);
    if (!init)
        return 1;
    for (uint32_t i = 0; i < n; i++)
        init[i].hashrate = 2000;
    struct prnet_desc d = {.n_nodes = n, .node_region = topo.region, .n_regions = 6, .up_bps = up, .down_bps = down,
                           .latency_s = lat, .jitter = 0.1, .loss = 0, .n_edges = topo.n_edges, .edges = topo.edges,
                           .seed = seed};
    struct prnet_callbacks cb = {0};
    double rss0 = rss_mb();
    double t0 = wall();
    struct prnet *net = NULL;
    if (prnet_ns3_ops.create(&d, &cfg, init, &cb, &net, err, sizeof err)) {
        fprintf(stderr, "create: %s\n", err);
        return 1;
    }
    double t1 = wall();
    if (prnet_ns3_ops.run(net, 0)) {
        fprintf(stderr, "run to 0 failed\n");
        return 1;
    }
    double t2 = wall();
    double rss_setup = rss_mb();
    if (getenv("NS3_SETUP_ONLY")) { /* for profiling the setup alone */
        printf("{\"setup_s\": %.3f}\n", t2 - t0);
        return 0;
    }
    if (prnet_ns3_ops.run(net, PR_S(1))) {
        fprintf(stderr, "run to 1 s failed\n");
        return 1;
    }
    double t3 = wall();
    struct prnet_stats st;
    prnet_ns3_ops.stats(net, &st);
    printf("{\"nodes\": %u, \"edges\": %u, \"create_s\": %.3f, \"run0_s\": %.3f, \"setup_s\": %.3f, "
           "\"rss_before_mb\": %.1f, \"rss_setup_mb\": %.1f, \"connect_s\": %.3f, \"rss_connected_mb\": %.1f, "
           "\"events_to_1s\": %llu}\n",
           n, topo.n_edges, t1 - t0, t2 - t1, t2 - t0, rss0, rss_setup, t3 - t2, rss_mb(),
           (unsigned long long)st.events);
    double t4 = wall();
    prnet_ns3_ops.destroy(net);
    fprintf(stderr, "destroy: %.3f s\n", wall() - t4);
    prr_topology_free(&topo);
    free(init);
    return 0;
}
