#include "sim.h"

#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "metrics.h"
#include "output.h"
#include "powrelay/netmodel.h"
#include "powrelay/rng.h"
#include "progress.h"
#include "report.h"
#include "topology.h"

/* Independent random streams of the runner: the honest workload, blocks, attacker and spy placement
 * each draw from their own, so that changing one (say, the attacker) leaves the others as they were:
 * runs with and without PoW see the very same honest transactions. */
#define STREAM_HONEST 0x686f6e65ull
#define STREAM_BLOCKS 0x626c6b73ull
#define STREAM_ATTACK 0x6174636bull
#define STREAM_SPIES 0x73706965ull
#define STREAM_WALLETS 0x77616c6cull
#define STREAM_FEES 0x66656573ull

struct world {
    const struct prr_scenario *sc;
    uint32_t n;         /* all nodes */
    uint8_t *role;
    struct prr_topology topo;
    uint32_t *attacker_of; /* index into sc->attackers, per node, or UINT32_MAX */
    uint32_t *honest_origins, n_origins;
    uint32_t *miners, n_miners;
    double *wallet_rate; /* per node: its sender's device, H/s (honest.hashrate, drawn once per node) */
};

struct sim {
    struct world w;
    const struct prnet_ops *ops;
    struct prnet *net;
    struct prr_metrics m;
    struct pr_rng honest_rng, block_rng, fee_rng;
    uint64_t *chain_weights; /* the last blocks.median_window block weights, a ring (oldest at chain_at) */
    uint64_t *median_scratch;
    size_t chain_at;
    int64_t end_ns;
    uint64_t block_id;
    uint64_t bytes_seen; /* total bytes at the last time-series sample */
    size_t bin;
    struct pr_rate_step *steps; /* the attackers' schedules, as the model takes them */
    double *reqs; /* scratch for the time series' requirement quantiles */
    size_t cap_reqs;
    bool failed;
};

static void world_free(struct world *w)
{
    free(w->role);
    free(w->attacker_of);
    free(w->honest_origins);
    free(w->miners);
    free(w->wallet_rate);
    prr_topology_free(&w->topo);
    memset(w, 0, sizeof *w);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The nodes, their roles and the graph. */
static int world_build(struct world *w, const struct prr_scenario *sc, char *err, size_t errlen)
{
    memset(w, 0, sizeof *w);
    w->sc = sc;
    uint32_t n_extra = 0;
    for (size_t i = 0; i < sc->n_attackers; i++)
        if (sc->attackers[i].connections > 0)
            n_extra += sc->attackers[i].count;
    w->n = sc->nodes + n_extra;
    w->role = calloc(w->n, 1);
    w->attacker_of = malloc(sizeof *w->attacker_of * w->n);
    uint32_t *extra_conns = calloc(n_extra ? n_extra : 1, sizeof *extra_conns);
    double *shares = calloc(sc->n_regions, sizeof *shares);
    if (!w->role || !w->attacker_of || !extra_conns || !shares) {
        free(extra_conns);
        free(shares);
        snprintf(err, errlen, "out of memory");
        return PRR_EXIT_INTERNAL;
    }
    for (uint32_t i = 0; i < w->n; i++)
        w->attacker_of[i] = UINT32_MAX;
    /* Attackers: existing random nodes turn attacker; new nodes come after the network. */
    struct pr_rng arng;
    pr_rng_seed(&arng, sc->seed, STREAM_ATTACK);
    uint32_t next_extra = sc->nodes;
    for (size_t a = 0; a < sc->n_attackers; a++) {
        const struct prr_attacker *at = &sc->attackers[a];
        for (uint32_t k = 0; k < at->count; k++) {
            uint32_t v;
            if (at->connections > 0) {
                v = next_extra++;
                extra_conns[v - sc->nodes] = at->connections;
            } else {
                do
                    v = (uint32_t)pr_rng_below(&arng, sc->nodes);
                while (w->role[v] == PRR_ROLE_ATTACKER);
            }
            w->role[v] = PRR_ROLE_ATTACKER;
            w->attacker_of[v] = (uint32_t)a;
        }
    }
    for (size_t r = 0; r < sc->n_regions; r++)
        shares[r] = sc->regions[r].share;
    struct prr_topology_params tp = {.nodes = sc->nodes, .min = sc->peers_min, .max = sc->peers_max,
                                     .outbound = sc->peers_outbound, .inbound_share = sc->peers_inbound_share,
                                     .max_inbound = sc->peers_max_inbound, .shares = shares,
                                     .n_regions = (uint32_t)sc->n_regions, .extra_conns = extra_conns,
                                     .n_extra = n_extra, .seed = sc->seed};
    int rc = prr_topology_build(&tp, &w->topo, err, errlen);
    free(extra_conns);
    free(shares);
    if (rc)
        return PRR_EXIT_BAD;
    /* Spies: a fraction of the honest nodes of the network. */
    uint32_t honest = 0;
    for (uint32_t i = 0; i < sc->nodes; i++)
        honest += w->role[i] != PRR_ROLE_ATTACKER;
    uint32_t spies = (uint32_t)llround(sc->spies_fraction * honest);
    struct pr_rng srng;
    pr_rng_seed(&srng, sc->seed, STREAM_SPIES);
    for (uint32_t k = 0; k < spies; k++) {
        uint32_t v;
        do
            v = (uint32_t)pr_rng_below(&srng, sc->nodes);
        while (w->role[v] != PRR_ROLE_HONEST);
        w->role[v] = PRR_ROLE_SPY;
    }
    /* Where honest transactions come from, and who mines: honest nodes only. */
    w->honest_origins = malloc(sizeof *w->honest_origins * (sc->nodes + sc->n_honest_nodes + 1));
    w->miners = malloc(sizeof *w->miners * (sc->nodes + sc->n_miners + 1));
    if (!w->honest_origins || !w->miners) {
        snprintf(err, errlen, "out of memory");
        return PRR_EXIT_INTERNAL;
    }
    if (sc->n_honest_nodes) {
        for (size_t i = 0; i < sc->n_honest_nodes; i++)
            if (w->role[sc->honest_nodes[i]] != PRR_ROLE_ATTACKER)
                w->honest_origins[w->n_origins++] = sc->honest_nodes[i];
    } else {
        for (uint32_t i = 0; i < sc->nodes; i++)
            if (w->role[i] != PRR_ROLE_ATTACKER)
                w->honest_origins[w->n_origins++] = i;
    }
    if (sc->n_miners) {
        for (size_t i = 0; i < sc->n_miners; i++)
            if (w->role[sc->miners[i]] != PRR_ROLE_ATTACKER)
                w->miners[w->n_miners++] = sc->miners[i];
    } else {
        for (uint32_t i = 0; i < sc->nodes; i++)
            if (w->role[i] != PRR_ROLE_ATTACKER)
                w->miners[w->n_miners++] = i;
    }
    /* Each node's wallet: drawn for every node in id order from a stream of its own, so that a node has
     * the same device whoever the attackers are and whatever else the scenario changes. */
    w->wallet_rate = malloc(sizeof *w->wallet_rate * w->n);
    if (!w->wallet_rate) {
        snprintf(err, errlen, "out of memory");
        return PRR_EXIT_INTERNAL;
    }
    struct pr_rng wrng;
    pr_rng_seed(&wrng, sc->seed, STREAM_WALLETS);
    for (uint32_t i = 0; i < w->n; i++)
        w->wallet_rate[i] = prr_dist_draw(&sc->honest_hashrate, &wrng);
    (void)cmp_u32;
    return PRR_EXIT_OK;
}

int prr_sim_check(const struct prr_scenario *sc, char *err, size_t errlen)
{
    if (!prnet_find(sc->network)) {
        snprintf(err, errlen, "network.model: this build has no '%s' network model%s", sc->network,
                 strcmp(sc->network, "ns3") ? "" : " (build with ns-3: see README)");
        return PRR_EXIT_BAD;
    }
    struct world w;
    int rc = world_build(&w, sc, err, errlen);
    world_free(&w);
    return rc;
}

/* Where the allocator maps memory, per network model (the outputs do not depend on it).
 * flow: a large run's memory is mostly per-node tables of 16 to 64 KB, replaced by larger ones as they
 * grow. Under glibc's default (mmap from 128 KB, a threshold that then rises) they come from the heap,
 * and the tables they replace leave holes that later small allocations pin; mapped separately, a
 * replaced table goes back to the system.
 * ns3: ns-3 allocates and frees a 16 to 68 KB buffer per socket send and per segment copy; mapping each
 * one cost about a tenth of an ns-3 run in munmap and TLB flushes, so they come from the heap. */
static void tune_allocator(const char *network)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, strcmp(network, "flow") ? 4 * 1024 * 1024 : 16 * 1024);
#else
    (void)network;
#endif
}

/* ---- actors ---- */

static void honest_arrival(void *arg, uint64_t unused);

/* The next arrival of a Poisson process whose rate follows a schedule: one exponential draw of "work",
 * spent across the schedule's segments at their rates. */
static int64_t scheduled_arrival(struct sim *s, int64_t now)
{
    const struct prr_scenario *sc = s->w.sc;
    double work = pr_rng_exponential(&s->honest_rng, 1.0), t = (double)now / 1e9;
    for (;;) {
        double r = prr_schedule_rate(&sc->honest_schedule, sc->honest_rate, t);
        double end = prr_schedule_next(&sc->honest_schedule, t);
        if (r > 0 && work <= r * (end - t))
            return (int64_t)llround((t + work / r) * 1e9);
        if (isinf(end))
            return INT64_MAX;
        work -= r * (end - t);
        t = end;
    }
}

static void schedule_honest(struct sim *s, int64_t now)
{
    const struct prr_scenario *sc = s->w.sc;
    if (s->w.n_origins == 0)
        return;
    if (sc->honest_schedule.n) {
        int64_t next = scheduled_arrival(s, now);
        if (next < s->end_ns && s->ops->at(s->net, next, honest_arrival, s, 0))
            s->failed = true;
        return;
    }
    if (!(sc->honest_rate > 0))
        return;
    int64_t next = now + (int64_t)llround(pr_rng_exponential(&s->honest_rng, 1.0 / sc->honest_rate) * 1e9);
    if (next < s->end_ns && s->ops->at(s->net, next, honest_arrival, s, 0))
        s->failed = true;
}

static void honest_arrival(void *arg, uint64_t unused)
{
    (void)unused;
    struct sim *s = arg;
    const struct prr_scenario *sc = s->w.sc;
    uint32_t origin = s->w.honest_origins[pr_rng_below(&s->honest_rng, s->w.n_origins)];
    struct pr_tx_request rq = {.size = sc->tx_bytes, .fee = (float)prr_dist_draw(&sc->honest_fee, &s->fee_rng),
                               .wallet_hashrate = s->w.wallet_rate[origin], .work = -1};
    s->m.pending_kind = PRR_HONEST;
    pr_node_submit_tx(s->ops->node(s->net, origin), &rq, NULL);
    schedule_honest(s, s->ops->now(s->net));
}

static void block_arrival(void *arg, uint64_t unused);

static void schedule_block(struct sim *s, int64_t now)
{
    const struct prr_scenario *sc = s->w.sc;
    if (!sc->blocks_enabled || s->w.n_miners == 0)
        return;
    int64_t next = now + (int64_t)llround(pr_rng_exponential(&s->block_rng, sc->block_interval_s) * 1e9);
    if (next < s->end_ns && s->ops->at(s->net, next, block_arrival, s, 0))
        s->failed = true;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The median weight of the chain's last blocks; of an even count, the mean of the middle two, rounded
 * down, as epee's median() computes it (docs/protocol.md#block-template). */
static uint64_t chain_median(struct sim *s)
{
    size_t n = s->w.sc->block_median_window;
    memcpy(s->median_scratch, s->chain_weights, sizeof *s->median_scratch * n);
    qsort(s->median_scratch, n, sizeof *s->median_scratch, cmp_u64);
    return n % 2 ? s->median_scratch[n / 2] : (s->median_scratch[n / 2 - 1] + s->median_scratch[n / 2]) / 2;
}

static void block_arrival(void *arg, uint64_t unused)
{
    (void)unused;
    struct sim *s = arg;
    const struct prr_scenario *sc = s->w.sc;
    uint32_t miner = s->w.miners[pr_rng_below(&s->block_rng, s->w.n_miners)];
    uint64_t median = chain_median(s);
    struct pr_block_rules rules = {.policy = (uint32_t)sc->block_policy, .max_bytes = sc->block_max_bytes,
                                   .median_weight = median, .reserved = sc->block_reserved,
                                   .reward = sc->block_reward};
    struct pr_block_made made;
    size_t before = s->m.n_blocks;
    if (pr_node_mine_block_by(s->ops->node(s->net, miner), ++s->block_id, &rules, &made) == PR_OK &&
        s->m.n_blocks == before + 1) {
        struct prr_blockrec *b = &s->m.blocks[before];
        b->median_weight = median;
        b->zone = made.zone;
        b->reward = made.reward;
        s->chain_weights[s->chain_at] = made.weight;
        s->chain_at = (s->chain_at + 1) % sc->block_median_window;
    }
    schedule_block(s, s->ops->now(s->net));
}

static void script_fire(void *arg, uint64_t idx)
{
    struct sim *s = arg;
    const struct prr_script *e = &s->w.sc->script[idx];
    /* Without a work, the sender solves to the requirement at once (an exact, instant test input). */
    struct pr_tx_request rq = {.size = s->w.sc->tx_bytes, .fee = (float)prr_dist_draw(&s->w.sc->honest_fee, &s->fee_rng),
                               .wallet_hashrate = HUGE_VAL, .work = e->work};
    s->m.pending_kind = e->kind;
    pr_node_submit_tx(s->ops->node(s->net, e->node), &rq, NULL);
}

/* End of a time-series interval: what the network looks like now. */
static void sample(void *arg, uint64_t bin)
{
    struct sim *s = arg;
    struct prr_bin *b = &s->m.bins[bin];
    struct prnet_stats st;
    s->ops->stats(s->net, &st);
    b->bytes = st.bytes - s->bytes_seen;
    s->bytes_seen = st.bytes;
    double sum = 0, max = 0, mem = 0, base = s->w.sc->model.pow_base;
    uint64_t links = 0, nodes = 0, escalated = 0;
    for (uint32_t i = 0; i < s->w.n; i++) {
        if (s->w.role[i] == PRR_ROLE_ATTACKER)
            continue;
        struct pr_node *node = s->ops->node(s->net, i);
        size_t np = pr_node_peer_count(node);
        if (links + np > s->cap_reqs) {
            size_t cap = (links + np) * 2;
            double *r = realloc(s->reqs, sizeof *r * cap);
            if (!r) {
                s->m.oom = true;
                return;
            }
            s->reqs = r;
            s->cap_reqs = cap;
        }
        for (size_t k = 0; k < np; k++) {
            struct pr_peer_info pi;
            pr_node_peer_info(node, k, &pi);
            sum += pi.req;
            if (pi.req > max)
                max = pi.req;
            escalated += pi.req > base;
            s->reqs[links++] = pi.req;
        }
        struct pr_node_stats ns;
        pr_node_stats(node, &ns);
        mem += (double)ns.mempool_bytes;
        nodes++;
    }
    b->mean_req = links ? sum / (double)links : 0;
    b->max_req = max;
    /* A few links capped at difficulty.max dominate the mean: the quantiles and the share escalated
     * say what most links ask. */
    b->median_req = links ? prr_percentile(s->reqs, links, 0.5) : 0;
    b->p90_req = links ? prr_percentile(s->reqs, links, 0.9) : 0;
    b->escalated_share = links ? (double)escalated / (double)links : 0;
    b->mempool_bytes = nodes ? mem / (double)nodes : 0;
}

/* The flow model's threads: the command line's, the scenario's, or one per core but no more than one
 * per PRR_NODES_PER_THREAD nodes (a smaller network's windows hold too few events to pay for the
 * threads meeting twice a window). They change how fast a run goes, never its results
 * (docs/protocol.md#flow-threads). */
#define PRR_NODES_PER_THREAD 1000
static uint32_t threads_for(const struct prr_scenario *sc, const struct prr_run_opts *o)
{
    if (o->threads)
        return o->threads;
    if (sc->threads)
        return sc->threads;
    long cores = sysconf(_SC_NPROCESSORS_ONLN), fit = (long)(sc->nodes / PRR_NODES_PER_THREAD);
    long t = cores < fit ? cores : fit;
    return t < 1 ? 1 : t > (long)PRNET_MAX_THREADS ? PRNET_MAX_THREADS : (uint32_t)t;
}

static double peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0; /* kilobytes on Linux */
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int prr_sim_run(const struct prr_scenario *sc, const struct prr_run_opts *o, char *err, size_t errlen)
{
    double t0 = wall_now();
    const char *outdir = o->outdir ? o->outdir : sc->output_dir;
    struct sim *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return PRR_EXIT_INTERNAL;
    }
    int rc = PRR_EXIT_INTERNAL;
    bool made_outdir = false;
    s->ops = prnet_find(sc->network);
    if (!s->ops) {
        prr_sim_check(sc, err, errlen);
        rc = PRR_EXIT_BAD;
        goto out;
    }
    tune_allocator(sc->network);
    if ((rc = world_build(&s->w, sc, err, errlen)) != PRR_EXIT_OK)
        goto out;
    rc = PRR_EXIT_BAD;
    /* A run that fails leaves no output: not even the directory, if it made it (rmdir keeps a non-empty one). */
    made_outdir = access(outdir, F_OK) != 0;
    if (prr_out_prepare_dir(outdir, err, errlen))
        goto out;
    rc = PRR_EXIT_INTERNAL;
    if (prr_metrics_init(&s->m, s->w.role, s->w.n, sc->duration_s, sc->output_interval_s)) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    /* A diagnosis's switch, not a scenario's: the answers and the other files are the same either way. */
    const char *trace = getenv("POWRELAY_STEM_TRACE");
    s->m.trace_stems = trace && strcmp(trace, "1") == 0;
    s->end_ns = (int64_t)llround(sc->duration_s * 1e9);
    pr_rng_seed(&s->honest_rng, sc->seed, STREAM_HONEST);
    pr_rng_seed(&s->block_rng, sc->seed, STREAM_BLOCKS);
    pr_rng_seed(&s->fee_rng, sc->seed, STREAM_FEES);
    s->chain_weights = malloc(sizeof *s->chain_weights * sc->block_median_window);
    s->median_scratch = malloc(sizeof *s->median_scratch * sc->block_median_window);
    if (!s->chain_weights || !s->median_scratch) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < sc->block_median_window; i++)
        s->chain_weights[i] = sc->block_initial_weight;

    /* The network. */
    double *up = calloc(sc->n_regions, sizeof *up), *down = calloc(sc->n_regions, sizeof *down);
    double *lat = calloc(sc->n_regions * sc->n_regions, sizeof *lat);
    struct prnet_node_init *init = calloc(s->w.n, sizeof *init);
    if (!up || !down || !lat || !init) {
        free(up), free(down), free(lat), free(init);
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (size_t r = 0; r < sc->n_regions; r++) {
        up[r] = sc->regions[r].up_mbps * 1e6;
        down[r] = sc->regions[r].down_mbps * 1e6;
    }
    for (size_t i = 0; i < sc->n_regions * sc->n_regions; i++)
        lat[i] = sc->latency_ms[i] / 1e3;
    for (uint32_t i = 0; i < s->w.n; i++) {
        uint32_t a = s->w.attacker_of[i];
        init[i].attacker = a != UINT32_MAX;
        init[i].hashrate = a != UINT32_MAX ? sc->attackers[a].hashrate : sc->relay_hashrate;
    }
    struct prnet_desc d = {.n_nodes = s->w.n, .node_region = s->w.topo.region, .n_regions = (uint32_t)sc->n_regions,
                           .up_bps = up, .down_bps = down, .latency_s = lat, .jitter = sc->jitter, .loss = sc->loss,
                           .queue_packets = sc->queue_packets,
                           .n_edges = s->w.topo.n_edges, .edges = s->w.topo.edges, .seed = sc->seed,
                           .threads = threads_for(sc, o)};
    struct prnet_callbacks cb = {.ctx = &s->m, .event = prr_metrics_event};
    int created = s->ops->create(&d, &sc->model, init, &cb, &s->net, err, errlen);
    free(up), free(down), free(lat), free(init);
    if (created) {
        rc = created == PRNET_EBAD ? PRR_EXIT_BAD : PRR_EXIT_INTERNAL;
        goto out;
    }

    /* The actors. */
    size_t n_steps = 0;
    for (size_t a = 0; a < sc->n_attackers; a++)
        n_steps += sc->attackers[a].schedule.n;
    s->steps = calloc(n_steps ? n_steps : 1, sizeof *s->steps);
    if (!s->steps) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    size_t *first_step = calloc(sc->n_attackers ? sc->n_attackers : 1, sizeof *first_step);
    if (!first_step) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (size_t a = 0, k = 0; a < sc->n_attackers; a++) {
        first_step[a] = k;
        for (size_t j = 0; j < sc->attackers[a].schedule.n; j++, k++)
            s->steps[k] = (struct pr_rate_step){.t_ns = (int64_t)llround(sc->attackers[a].schedule.steps[j].t_s * 1e9),
                                                .rate = sc->attackers[a].schedule.steps[j].rate};
    }
    for (uint32_t i = 0; i < s->w.n; i++) {
        uint32_t a = s->w.attacker_of[i];
        if (a == UINT32_MAX)
            continue;
        const struct prr_attacker *at = &sc->attackers[a];
        struct pr_attack pa = {.strategy = (enum pr_attack_strategy)at->strategy, .rate = at->rate,
                               .fee = (float)at->fee, .size = sc->tx_bytes,
                               .start_ns = (int64_t)llround(at->start_s * 1e9),
                               .stop_ns = (int64_t)llround(at->stop_s * 1e9), .max_solve_s = at->max_solve_s,
                               .schedule = at->schedule.n ? s->steps + first_step[a] : NULL,
                               .n_schedule = at->schedule.n};
        if (pr_node_set_attack(s->ops->node(s->net, i), &pa) != PR_OK) {
            snprintf(err, errlen, "attackers.%u: cannot configure node %u", a, i);
            free(first_step);
            goto out;
        }
    }
    free(first_step);
    for (size_t b = 0; b < s->m.n_bins; b++) {
        int64_t t = (int64_t)(b + 1) * s->m.interval_ns;
        if (s->ops->at(s->net, t < s->end_ns ? t : s->end_ns, sample, s, b))
            s->failed = true;
    }
    for (size_t i = 0; i < sc->n_script; i++)
        if (s->ops->at(s->net, (int64_t)llround(sc->script[i].t * 1e9), script_fire, s, i))
            s->failed = true;
    schedule_honest(s, 0);
    schedule_block(s, 0);

    /* The run, in steps of simulated time so progress can be shown. */
    struct prr_progress prog;
    prr_progress_start(&prog, o->progress, sc->duration_s);
    int64_t step = PR_NS_PER_S;
    for (int64_t t = 0; t < s->end_ns && !s->failed && !s->m.oom;) {
        t = t + step < s->end_ns ? t + step : s->end_ns;
        if (s->ops->run(s->net, t)) {
            s->failed = true;
            break;
        }
        struct prnet_stats st;
        s->ops->stats(s->net, &st);
        prr_progress_update(&prog, (double)t / 1e9, st.events);
    }
    prr_progress_done(&prog);
    /* Solves still running are counted up to now: every hash spent is in the answers. */
    for (uint32_t i = 0; i < s->w.n && !s->failed; i++)
        pr_node_finish(s->ops->node(s->net, i));
    if (s->failed || s->m.oom) {
        /* flow fails only when out of memory; ns-3 also when TCP gives up on a connection, and says so */
        snprintf(err, errlen, "the simulation failed: %s",
                 s->m.oom || !strcmp(sc->network, "flow") ? "out of memory"
                                                          : "the ns-3 network stopped it (its reason is above)");
        goto out;
    }
    double wall = wall_now() - t0;
    struct prr_report rep = {.sc = sc, .net = s->net, .ops = s->ops, .m = &s->m, .role = s->w.role,
                             .topo = &s->w.topo, .attacker_of = s->w.attacker_of,
                             .wallet_rate = s->w.wallet_rate, .wall_s = wall,
                             .threads = strcmp(sc->network, "flow") ? 1 : threads_for(sc, o),
                             .peak_rss_mb = peak_rss_mb(), .command = o->command};
    if (prr_report_write(&rep, outdir, err, errlen))
        goto out;
    if (!o->quiet)
        prr_report_print(&rep, outdir, stdout);
    rc = PRR_EXIT_OK;
out:
    if (rc != PRR_EXIT_OK && made_outdir)
        rmdir(outdir);
    if (s->net)
        s->ops->destroy(s->net);
    prr_metrics_free(&s->m);
    world_free(&s->w);
    free(s->reqs);
    free(s->steps);
    free(s->chain_weights);
    free(s->median_scratch);
    free(s);
    return rc;
}
