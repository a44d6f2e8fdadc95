/* powrelay model: the protocol parameters every node of a run shares (docs/protocol.md).
 *
 * One pr_config is filled by the runner from the scenario and borrowed, read-only, by every node: it
 * must outlive them. pr_config_default() gives the defaults of docs/scenario.md; pr_config_check() says which field is
 * out of range. Times are int64 nanoseconds; rates and difficulties are doubles (expected hashes). */
#ifndef POWRELAY_CONFIG_H
#define POWRELAY_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "powrelay/defence.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_NS_PER_S 1000000000LL
#define PR_S(seconds) ((int64_t)((seconds) * 1e9))

enum pr_pow_mode {
    PR_POW_MODEL = 0, /* work = target difficulty, exactly */
    PR_POW_LUCKY,     /* work = D / U, U uniform in (0,1]: what a real hash gives */
    PR_POW_SHA256     /* real hashcash with SHA-256, verified by receivers */
};

enum pr_difficulty_policy {
    PR_DIFFICULTY_POWER = 0, /* escalate req^e, relax req^(1/e) */
    PR_DIFFICULTY_MULTIPLY   /* escalate req*k, relax req/k */
};

enum pr_rate_count {
    PR_COUNT_NEW = 0, /* only transactions new to the receiving node count in the rate */
    PR_COUNT_ALL      /* duplicates count too */
};

enum pr_repackage_policy {
    PR_REPACKAGE_QUADRATIC = 0, /* p = 100% at rp = 1, max(0, 100 - rp^2)% after */
    PR_REPACKAGE_ALWAYS,
    PR_REPACKAGE_NEVER
};

enum pr_relay_mode {
    PR_RELAY_FLOOD = 0, /* fluff sends whole transactions (Monero's relay today) */
    PR_RELAY_ANNOUNCE   /* fluff announces ids; peers fetch what they lack (Monero's tx relay v2) */
};

struct pr_config {
    uint64_t seed; /* master seed; each node's PRNG derives from (seed, node id) */

    /* pow.* */
    bool pow_enabled;       /* false: no PoW rule at all (the baseline) */
    enum pr_pow_mode pow_mode;
    double pow_base;        /* base requirement, expected hashes */
    uint32_t pow_queue_max; /* solver queue bound per node */
    int64_t verify_ns;      /* CPU time to verify one received transaction */

    /* difficulty.* */
    enum pr_difficulty_policy difficulty_policy;
    int64_t window_ns;      /* rate window */
    enum pr_rate_count count;
    double rate_limit;      /* y, transactions per second per neighbour */
    double exponent;        /* power policy exponent, or multiply policy factor */
    double difficulty_max;  /* cap on any requirement */
    int64_t hold_ns;        /* T */
    int64_t advertise_ns;   /* MINDIFF period */

    /* repackage.* */
    enum pr_repackage_policy repackage_policy;
    int64_t repackage_window_ns;

    /* dandelion.* */
    bool dandelion_enabled; /* false: plain flooding, every transaction fluffed at once */
    uint32_t stems;
    double fluff_probability;
    int64_t epoch_ns, epoch_range_ns;
    int64_t embargo_ns;     /* mean of the exponential embargo timer */
    int64_t flush_in_ns, flush_out_ns; /* mean Poisson flush delay, inbound / outbound connections */

    /* relay.* (docs/protocol.md#announce) */
    enum pr_relay_mode relay_mode;
    int64_t request_timeout_ns; /* a request not served by then has failed */
    double drop_failed_share;   /* a peer failing more than this share of our requests is dropped... */
    uint32_t drop_min_requests; /* ...once we asked it at least this many */

    /* mempool.* */
    uint64_t mempool_max_bytes; /* also bounds the stem pool, separately */

    /* defence.*: the relay defence (NULL: the original rules, whose parameters are the fields above) and
     * its own parameters, in the order of its pr_defence_info.params. */
    const struct pr_defence_info *defence;
    double defence_params[PR_DEFENCE_MAX_PARAMS];

    /* How long (at least; at most twice that) a node remembers a transaction it no longer holds
     * (confirmed, evicted), so that a late copy is answered "have it" rather than relayed again. Not a
     * scenario key. */
    int64_t seen_ttl_ns;
};

void pr_config_default(struct pr_config *c);

/* PR_OK, or PR_ERR_INVALID with *field set to the scenario key that is out of range. */
int pr_config_check(const struct pr_config *c, const char **field);

#ifdef __cplusplus
}
#endif
#endif
