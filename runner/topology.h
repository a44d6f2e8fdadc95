/* The overlay graph (docs/protocol.md#network): every node dials random peers until it has peers.outbound of them,
 * accepting inbound ones only while under peers.max; nodes still under peers.min get more; the graph
 * is made one connected component; then new attacker nodes dial K honest nodes each. Only reachable
 * nodes (a share of them, peers.inbound_share) accept inbound connections, each at most
 * peers.max_inbound. Regions are drawn by share. */
#ifndef POWRELAY_TOPOLOGY_H
#define POWRELAY_TOPOLOGY_H

#include <stddef.h>
#include <stdint.h>

struct prr_topology {
    uint32_t n;           /* nodes, attackers' new nodes included */
    uint32_t n_edges;
    uint32_t *edges;      /* 2 * n_edges: dialler, dialled */
    uint32_t *degree, *outbound;
    uint8_t *region;
};

struct prr_topology_params {
    uint32_t nodes;       /* the network proper */
    uint32_t min, max, outbound;
    double inbound_share;  /* share of nodes that accept inbound connections (0 or 1: all) */
    uint32_t max_inbound;  /* at most this many inbound per node (0: no bound but max) */
    const double *shares; /* per region */
    uint32_t n_regions;
    const uint32_t *extra_conns; /* new nodes appended after the network, each dialling this many */
    uint32_t n_extra;
    uint64_t seed;
};

/* 0, or -1 with the reason in err (bounds that cannot be met). */
int prr_topology_build(const struct prr_topology_params *p, struct prr_topology *t, char *err, size_t errlen);
void prr_topology_free(struct prr_topology *t);
/* Number of connected components of the graph restricted to nodes [0, upto). */
uint32_t prr_topology_components(const struct prr_topology *t, uint32_t upto);

#endif
