/* The runner's metrics: it listens to every node's events and keeps, per transaction, what the outputs
 * need (reach and its times, stem hops, fluff time, confirmation, PoW spent), the cost
 * totals, the first-spy observations and the time-series bins. */
#ifndef POWRELAY_METRICS_H
#define POWRELAY_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "powrelay/host.h"
#include "powrelay/u64map.h"

enum prr_role { PRR_ROLE_HONEST = 0, PRR_ROLE_SPY = 1, PRR_ROLE_ATTACKER = 2 };

#define PRR_NEVER INT64_MIN

/* A step of an honest transaction's stem, kept when a run is asked for them (POWRELAY_STEM_TRACE=1;
 * docs/validation-stems.md): its creation at the origin, its acceptance as a stem by node from peer,
 * its first fluff at node (flags: why, PR_FLUFF_*), the first spy's copy (node the spy, peer its guess),
 * or its acceptance by node straight from the origin, not as a stem (peer the origin). */
enum prr_stem_step { PRR_STEM_CREATED, PRR_STEM_ACCEPTED, PRR_STEM_FLUFFED, PRR_STEM_SPIED, PRR_STEM_FROM_ORIGIN };
struct prr_stemrec {
    uint64_t tx;
    int64_t t_ns;
    uint32_t node, peer; /* peer: PR_NO_PEER but for an acceptance, or a spy's guess */
    uint8_t step, flags;
};

struct prr_txrec {
    uint64_t id;
    int64_t created_ns, fluff_ns, t50_ns, t90_ns, confirmed_ns; /* PRR_NEVER when it did not happen */
    double work_initial, hashes;
    double sender_hashes; /* the sender's wallet's (honest and scripted transactions), cut-off solves included */
    uint32_t origin, size, reach, stem_hops, repackagings;
    uint32_t spy_guess; /* the first spy's guess of the origin, or UINT32_MAX */
    float fee;          /* its fee rate */
    uint8_t kind;       /* enum prr_kind */
    bool work_set, first_hop;
};

struct prr_bin {
    uint64_t honest_created, honest_reached90, spam_created, spam_accepted, bytes;
    double mean_req, max_req, mempool_bytes;
    double median_req, p90_req, escalated_share; /* over honest nodes' links */
};

/* A mined block. The metrics fill what the miner's event says; the runner adds the chain's state. */
struct prr_blockrec {
    int64_t t_ns;
    uint64_t id;
    uint32_t miner, txs, honest, spam;
    uint64_t weight, median_weight, zone;
    double fees, reward;
};

struct prr_metrics {
    const uint8_t *role; /* per node */
    uint32_t n_nodes, n_honest;
    uint32_t need50, need90; /* honest nodes a transaction must reach */
    struct prr_txrec *txs;
    size_t n_txs, cap_txs;
    struct pr_u64map index; /* tx id -> index + 1 */
    int pending_kind;       /* the kind of the next transaction a submit creates */
    bool scripted_spam;     /* spam was created at an honest node (script): TX_SENT must look up */

    double attacker_hashes, honest_sender_hashes, relay_repackage_hashes;
    uint64_t repackagings, spam_bytes_relayed, invalid_messages, dropped;
    uint64_t spam_skipped; /* attackers' solves skipped as too costly for their horizon */
    struct prr_blockrec *blocks;
    size_t n_blocks, cap_blocks;

    bool trace_stems; /* keep stems[] (off unless asked: it is a diagnosis's, not an answer's) */
    struct prr_stemrec *stems;
    size_t n_stems, cap_stems;

    int64_t interval_ns;
    struct prr_bin *bins;
    size_t n_bins;
    bool oom;
};

int prr_metrics_init(struct prr_metrics *m, const uint8_t *role, uint32_t n_nodes, double duration_s,
                     double interval_s);
void prr_metrics_free(struct prr_metrics *m);
/* The event sink (pass m as ctx). */
void prr_metrics_event(void *ctx, const struct pr_event *ev);
struct prr_txrec *prr_metrics_tx(struct prr_metrics *m, uint64_t id);

/* The q-quantile of v[0..n) by linear interpolation between closest ranks (numpy's default); sorts v.
 * NaN for n = 0. */
double prr_percentile(double *v, size_t n, double q);

#endif
