/* A scenario (docs/scenario.md): every key with its default, read from a YAML tree with range checks. Errors name
 * the file, line and column (1-based) and the key. */
#ifndef POWRELAY_SCENARIO_H
#define POWRELAY_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "powrelay/config.h"
#include "powrelay/node.h"
#include "yamltree.h"

#define PRR_MAX_REGIONS 64
#define PRR_MAX_NODES 1000000u

enum prr_kind { PRR_HONEST = 0, PRR_SPAM = 1 };

enum prr_dist_kind { PRR_DIST_CONST = 0, PRR_DIST_LOGNORMAL, PRR_DIST_CHOICE };

struct prr_dist {
    enum prr_dist_kind kind;
    double value;          /* const */
    double median, sigma;  /* lognormal */
    double *values, *weights;
    size_t n;              /* choice */
};

struct prr_region {
    char name[32];
    double share, up_mbps, down_mbps;
};

/* A rate that changes over time: from steps[i].t_s on, steps[i].rate (until the next step); before the
 * first step, the key's plain rate. Steps in increasing time. */
struct prr_rate_step {
    double t_s, rate;
};
struct prr_schedule {
    struct prr_rate_step *steps;
    size_t n;
};
/* The rate of schedule s at t_s (base before its first step). */
double prr_schedule_rate(const struct prr_schedule *s, double base, double t_s);
/* The end of the schedule's segment holding t_s (the next step's time), or +inf. */
double prr_schedule_next(const struct prr_schedule *s, double t_s);

struct prr_attacker {
    uint32_t count, connections;
    double hashrate, rate, start_s, stop_s, fee;
    int strategy; /* enum pr_attack_strategy */
    double max_solve_s; /* horizon: solves expected to take longer are skipped */
    struct prr_schedule schedule; /* attempts a second over time (rate before its first step) */
};

struct prr_script {
    double t;
    uint32_t node;
    double work; /* < 0: solve to the requirement */
    int kind;    /* enum prr_kind */
};

struct prr_sweep_param {
    char *path;
    const struct yt_node *values; /* a sequence in the scenario's tree */
    int zip;                      /* > 0: varied together with the other params of this zip group */
};

struct prr_scenario {
    char *name;
    uint64_t seed;
    double duration_s;
    char network[8];
    struct prr_region *regions;
    size_t n_regions;
    double *latency_ms; /* n_regions^2, row-major */
    double jitter, loss;
    uint32_t queue_packets; /* network.queue_packets: the access links' device queues; 0: each model's own */
    uint32_t threads; /* network.threads: the flow model's threads; 0: the machine's cores */
    uint32_t nodes;
    uint32_t peers_min, peers_max, peers_outbound;
    double peers_inbound_share; /* share of nodes accepting inbound connections */
    uint32_t peers_max_inbound;
    uint32_t tx_bytes;
    struct pr_config model; /* pow.*, difficulty.*, repackage.*, dandelion.*, mempool.* */
    double relay_hashrate;
    bool blocks_enabled;
    double block_interval_s;
    uint64_t block_max_bytes;  /* simple: the size limit; monero: the penalty-free minimum zone */
    int block_policy;          /* enum pr_block_policy */
    double block_reward;       /* monero: the base reward, in fee units (nanonero) */
    uint32_t block_median_window;
    uint64_t block_initial_weight, block_reserved;
    uint32_t *miners;
    size_t n_miners;
    double honest_rate;
    struct prr_schedule honest_schedule; /* honest tx/s over time (honest_rate before its first step) */
    struct prr_dist honest_hashrate;
    struct prr_dist honest_fee; /* fee rate per transaction (drawn per transaction) */
    uint32_t *honest_nodes;
    size_t n_honest_nodes;
    struct prr_attacker *attackers;
    size_t n_attackers;
    double spies_fraction;
    struct prr_script *script;
    size_t n_script;
    char *output_dir;
    double output_interval_s;
    struct prr_sweep_param *sweep;
    size_t n_sweep;
    const struct yt_node *sweep_extra; /* sweep.extra: a list of {path: value} points, or NULL */
    uint32_t replications;
    const struct yt_node *search; /* the checked search: section (docs/search.md), in the scenario's tree */
};

/* A scenario file and the --set overrides applied to it, as a tree. */
struct prr_source {
    char *path;
    struct yt_doc doc;
    struct yt_doc *extra; /* documents the overrides came from: their nodes live in doc's tree */
    size_t n_extra;
};

int prr_source_load(const char *path, struct prr_source *src, char *err, size_t errlen);
/* Apply "path=value" (value in YAML) to the tree. */
int prr_source_set(struct prr_source *src, const char *assignment, char *err, size_t errlen);
void prr_source_free(struct prr_source *src);

/* Set a dotted path (attackers.0.hashrate) in a tree to a copy of value. */
int prr_tree_set(struct yt_node *root, const char *path, const struct yt_node *value, char *err, size_t errlen);

/* Read a whole scenario from a tree (file = the scenario file's path, for the default name). */
int prr_scenario_read(const struct yt_node *root, const char *file, struct prr_scenario *sc, char *err,
                      size_t errlen);
void prr_scenario_free(struct prr_scenario *sc);

/* True when path (as sweeps and searches name keys) takes whole numbers. */
bool prr_scenario_key_is_whole(const char *path, const struct prr_scenario *sc);

/* Write sc back as a scenario file with every key resolved (defaults included; output.dir and sweep left
 * out): what a run ran. Reading it back gives the same scenario. -1 on a write error. */
int prr_scenario_write(const struct prr_scenario *sc, FILE *f);

/* Draw from a distribution (a hash rate, a fee rate). */
struct pr_rng;
double prr_dist_draw(const struct prr_dist *d, struct pr_rng *rng);

#endif
