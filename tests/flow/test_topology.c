/* runner/topology.c: for N from 100 to 10,000 and several seeds, every node's degree lies in
 * [peers.min, peers.max], the graph is one connected component, has no self-loops or duplicate edges;
 * impossible bounds are refused; new attacker nodes get exactly their K connections. */
#include "test.h"

#include "powrelay/u64map.h"
#include "topology.h"

static const double shares[6] = {0.3316, 0.4998, 0.0090, 0.1177, 0.0224, 0.0195};

static void check_graph(const struct prr_topology *t, uint32_t n, uint32_t min, uint32_t max)
{
    struct pr_u64map seen = {0};
    uint32_t *deg = calloc(t->n, sizeof *deg);
    for (uint32_t e = 0; e < t->n_edges; e++) {
        uint32_t a = t->edges[2 * e], b = t->edges[2 * e + 1];
        ASSERT_TRUE(a != b);
        ASSERT_TRUE(a < t->n && b < t->n);
        uint64_t k = ((uint64_t)(a < b ? b : a) << 32 | (a < b ? a : b)) + 1;
        ASSERT_TRUE(!pr_u64map_get(&seen, k, NULL));
        pr_u64map_put(&seen, k, 1);
        deg[a]++;
        deg[b]++;
    }
    for (uint32_t v = 0; v < t->n; v++) {
        ASSERT_EQ(deg[v], t->degree[v]);
        ASSERT_TRUE(t->region[v] < 6);
        if (v < n) {
            if (deg[v] < min || deg[v] > max)
                FAIL_AT("node %u has %u peers, outside [%u, %u]", v, deg[v], min, max);
        }
    }
    ASSERT_EQ(prr_topology_components(t, n), 1);
    free(deg);
    pr_u64map_free(&seen);
}

TEST(bounds_and_connectivity_from_100_to_10000)
{
    const uint32_t sizes[] = {100, 300, 1000, 3000, 10000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (uint64_t seed = 1; seed <= (sizes[i] <= 1000 ? 5u : 2u); seed++) {
            struct prr_topology t;
            char err[256];
            struct prr_topology_params p = {.nodes = sizes[i], .min = 12, .max = 24, .outbound = 8, .shares = shares,
                                            .n_regions = 6, .seed = seed};
            ASSERT_OK(prr_topology_build(&p, &t, err, sizeof err));
            check_graph(&t, sizes[i], 12, 24);
            if (test_failed)
                return;
            /* 8 outbound each (the graph is large enough for every dial to succeed) */
            uint64_t out = 0;
            for (uint32_t v = 0; v < t.n; v++)
                out += t.outbound[v];
            ASSERT_TRUE(out >= 8ull * sizes[i]);
            prr_topology_free(&t);
        }
    }
}

TEST(tight_bounds)
{
    /* 13 nodes, 12 peers each: the complete graph */
    struct prr_topology t;
    char err[256];
    struct prr_topology_params p = {.nodes = 13, .min = 12, .max = 12, .outbound = 8, .shares = shares,
                                    .n_regions = 6, .seed = 3};
    ASSERT_OK(prr_topology_build(&p, &t, err, sizeof err));
    check_graph(&t, 13, 12, 12);
    ASSERT_EQ(t.n_edges, 13 * 12 / 2);
    prr_topology_free(&t);
    /* the every-node-24 case the spec mentions: 12 outbound, max 24 */
    p = (struct prr_topology_params){.nodes = 500, .min = 12, .max = 24, .outbound = 12, .shares = shares,
                                     .n_regions = 6, .seed = 4};
    ASSERT_OK(prr_topology_build(&p, &t, err, sizeof err));
    check_graph(&t, 500, 12, 24);
    prr_topology_free(&t);
}

TEST(impossible_bounds_refused)
{
    struct prr_topology t;
    char err[256] = "";
    struct prr_topology_params p = {.nodes = 12, .min = 12, .max = 24, .outbound = 8, .shares = shares,
                                    .n_regions = 6, .seed = 1};
    ASSERT_TRUE(prr_topology_build(&p, &t, err, sizeof err) != 0);
    ASSERT_TRUE(strstr(err, "peers") != NULL);
    p.nodes = 100;
    p.min = 30;
    p.max = 20;
    ASSERT_TRUE(prr_topology_build(&p, &t, err, sizeof err) != 0);
}

TEST(attacker_nodes_get_their_connections)
{
    struct prr_topology t;
    char err[256];
    uint32_t extra[3] = {4, 8, 1};
    struct prr_topology_params p = {.nodes = 200, .min = 12, .max = 24, .outbound = 8, .shares = shares,
                                    .n_regions = 6, .extra_conns = extra, .n_extra = 3, .seed = 7};
    ASSERT_OK(prr_topology_build(&p, &t, err, sizeof err));
    check_graph(&t, 200, 12, 24);
    ASSERT_EQ(t.n, 203);
    for (uint32_t x = 0; x < 3; x++) {
        ASSERT_EQ(t.degree[200 + x], extra[x]);
        ASSERT_EQ(t.outbound[200 + x], extra[x]);
    }
    prr_topology_free(&t);
}

TEST(same_seed_same_graph)
{
    struct prr_topology a, b;
    char err[256];
    struct prr_topology_params p = {.nodes = 1000, .min = 12, .max = 24, .outbound = 8, .shares = shares,
                                    .n_regions = 6, .seed = 11};
    ASSERT_OK(prr_topology_build(&p, &a, err, sizeof err));
    ASSERT_OK(prr_topology_build(&p, &b, err, sizeof err));
    ASSERT_EQ(a.n_edges, b.n_edges);
    ASSERT_TRUE(memcmp(a.edges, b.edges, sizeof *a.edges * 2 * a.n_edges) == 0);
    ASSERT_TRUE(memcmp(a.region, b.region, a.n) == 0);
    prr_topology_free(&a);
    prr_topology_free(&b);
}

TEST(only_reachable_nodes_take_inbound_up_to_their_bound)
{
    /* Monero's shape: 12 outbound each; 30% of the nodes accept inbound, at most 50 each (40 on average) */
    for (uint64_t seed = 1; seed <= 3; seed++) {
        struct prr_topology t;
        char err[256];
        uint32_t extra[2] = {12, 12};
        struct prr_topology_params p = {.nodes = 2000, .min = 12, .max = 64, .outbound = 12,
                                        .inbound_share = 0.3, .max_inbound = 50, .shares = shares,
                                        .n_regions = 6, .extra_conns = extra, .n_extra = 2, .seed = seed};
        if (prr_topology_build(&p, &t, err, sizeof err))
            FAIL_AT("%s", err);
        check_graph(&t, 2000, 12, 64);
        uint32_t *in = calloc(t.n, sizeof *in);
        for (uint32_t e = 0; e < t.n_edges; e++)
            in[t.edges[2 * e + 1]]++; /* the dialled end */
        uint32_t reachable = 0, in_reachable = 0;
        for (uint32_t v = 0; v < 2000; v++) {
            ASSERT_EQ(in[v], t.degree[v] - t.outbound[v]);
            ASSERT_TRUE(in[v] <= 50);
            if (in[v] > 0) {
                reachable++;
                in_reachable += in[v];
            } else {
                ASSERT_EQ(t.degree[v], 12); /* no inbound: its 12 outbound only */
            }
        }
        ASSERT_EQ(in[2000] + in[2001], 0); /* attacker nodes only dial */
        /* about 30% accept (binomial: 600 +- 20); they hold the 24,000 + 24 outbound between them */
        ASSERT_TRUE(reachable > 520 && reachable < 680);
        ASSERT_EQ(in_reachable, 2000 * 12 + 24);
        free(in);
        prr_topology_free(&t);
    }
    /* too few accept for everyone's outbound: refused, naming the key */
    struct prr_topology t;
    char err[256];
    struct prr_topology_params p = {.nodes = 100, .min = 12, .max = 64, .outbound = 12, .inbound_share = 0.05,
                                    .shares = shares, .n_regions = 6, .seed = 1};
    ASSERT_TRUE(prr_topology_build(&p, &t, err, sizeof err) != 0);
    ASSERT_TRUE(strstr(err, "inbound") != NULL);
}

TESTS(bounds_and_connectivity_from_100_to_10000, tight_bounds, impossible_bounds_refused,
      attacker_nodes_get_their_connections, same_seed_same_graph, only_reachable_nodes_take_inbound_up_to_their_bound)
