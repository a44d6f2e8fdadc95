/* powrelay: the interface a network model implements (runner -> shim).
 *
 * Given the network (nodes, regions, bandwidths, latency matrix, loss, the overlay graph with who
 * dialled whom) and the protocol configuration, a network model creates one pr_node per simulated node
 * with a host table of its own, and runs them until a given time, passing the model's events to the
 * runner's sink. The runner picks a model by name (prnet_find) and never reaches into one; a model knows
 * nothing of scenario files.
 *
 * Life cycle: create -> (runner configures nodes: pr_node_set_attack) -> run(t1) -> at(...) -> run(t2)
 * ... -> destroy. The first run() starts every node (pr_node_start) at time 0. Callbacks scheduled with
 * at() fire from inside run(), in time order with the model's own events, on the thread that called
 * run(), with no node's event being handled at the same time; at equal times, after the nodes' events
 * (flow) or in the order they were scheduled (ns-3). The event callback is called on that thread too,
 * in the order of the events that reported them. */
#ifndef POWRELAY_NETMODEL_H
#define POWRELAY_NETMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "powrelay/config.h"
#include "powrelay/host.h"
#include "powrelay/node.h"

#ifdef __cplusplus
extern "C" {
#endif

struct prnet_desc {
    uint32_t n_nodes;
    const uint8_t *node_region; /* region index of each node */
    uint32_t n_regions;
    const double *up_bps, *down_bps; /* per region, bits per second */
    const double *latency_s;         /* n_regions x n_regions, mean one-way latency, row-major */
    double jitter;                   /* per-connection latency multiplier from uniform(1-j, 1+j) */
    double loss;                     /* packet loss probability per access link */
    uint32_t queue_packets;          /* the access links' device queues, packets (DropTail); 0: flow's never
                                        drop, ns-3's keep its default (100) */
    uint32_t n_edges;
    const uint32_t *edges;           /* 2 * n_edges: edges[2i] dialled edges[2i+1] */
    uint64_t seed;                   /* for the network's own random draws (jitter, loss) */
    uint32_t threads;                /* flow: threads to run on (0 or 1: the caller's alone); results
                                        do not depend on it (docs/protocol.md#flow-threads) */
};

/* The most threads the flow model runs on. */
#define PRNET_MAX_THREADS 64u

struct prnet_node_init {
    double hashrate; /* the node's PoW solver, H/s */
    bool attacker;
};

struct prnet_callbacks {
    void *ctx;
    void (*event)(void *ctx, const struct pr_event *ev); /* the model's events, in order */
};

struct prnet_stats {
    uint64_t events;   /* simulator events processed */
    uint64_t messages; /* messages delivered to nodes */
    uint64_t bytes;    /* bytes delivered, framing included */
};

typedef void (*prnet_fn)(void *arg, uint64_t a);

struct prnet;

struct prnet_ops {
    const char *name;
    /* Build the network. On failure writes a message into err and returns PRNET_EBAD when it refuses what
     * it was given (the description, or a setting of the environment it reads), other non-zero otherwise
     * (out of memory, threads): the runner's exit status 2 or 1. */
    int (*create)(const struct prnet_desc *d, const struct pr_config *cfg, const struct prnet_node_init *nodes,
                  const struct prnet_callbacks *cb, struct prnet **out, char *err, size_t errlen);
    struct pr_node *(*node)(struct prnet *net, uint32_t i);
    /* Call fn(arg, a) at absolute time t_ns (>= now). */
    int (*at)(struct prnet *net, int64_t t_ns, prnet_fn fn, void *arg, uint64_t a);
    int64_t (*now)(struct prnet *net);
    /* Process every event up to and including until_ns; then now() == until_ns. */
    int (*run)(struct prnet *net, int64_t until_ns);
    void (*stats)(struct prnet *net, struct prnet_stats *out);
    /* Bytes node i sent and received, as the network carried them (framing included). */
    void (*node_bytes)(struct prnet *net, uint32_t i, uint64_t *in, uint64_t *out);
    void (*destroy)(struct prnet *net);
};

/* create's refusal of its input (bad input, not a failure). */
#define PRNET_EBAD 2

/* Bytes of framing each message carries on a connection: a 4-byte length and a 4-byte pad count. */
#define PRNET_FRAME_BYTES 8u
/* TCP payload per segment, and TCP/IP header bytes per segment (as ns-3 carries them). */
#define PRNET_MSS 1448u
#define PRNET_SEGMENT_OVERHEAD 40u

extern const struct prnet_ops prnet_flow_ops;
#ifdef POWRELAY_HAVE_NS3
extern const struct prnet_ops prnet_ns3_ops;
#endif

/* The model called `name`, or NULL if this build has none. */
const struct prnet_ops *prnet_find(const char *name);

/* The window trace (a diagnosis, README's outputs): the file the environment variable `file_var` names
 * (POWRELAY_FLOW_CWND or POWRELAY_NS3_CWND), opened for writing with the trace's header written, and the
 * node POWRELAY_CWND_NODE names (default 0) of a network of n_nodes in *node. NULL when the variable is
 * unset, or (with a warning on stderr naming what) when the node is no node of the network or the file
 * cannot be written: the run goes on untraced. */
FILE *prnet_cwnd_trace(const char *file_var, uint32_t n_nodes, uint32_t *node);

#ifdef __cplusplus
}
#endif
#endif
