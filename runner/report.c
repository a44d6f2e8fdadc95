#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

#ifndef POWRELAY_VERSION
#define POWRELAY_VERSION "unknown"
#endif

struct answers {
    uint64_t honest_created, honest_reached90, honest_confirmed;
    double lat90_p50, lat90_p95, confirm_p50;
    uint64_t spam_created, spam_first_hop, spam_reached50, spam_confirmed, spam_bytes;
    double attacker_hashes, sender_hashes, relay_hashes;
    uint64_t repackagings;
    double spam_bytes_share;
    uint64_t edges, events, messages, tx_deliveries;
    double precision, recall;
    uint32_t spies;
    /* Honest transactions created while the attack ran (when the scenario lists attackers). */
    bool attack;
    double attack_from_s, attack_to_s;
    uint64_t da_created, da_reached90;
    double da_lat90_p50, da_lat90_p95, da_sender_hashes;
    uint64_t spam_skipped;
};

/* The attack window: from the first listed attacker's start to the last one's stop. An entry with
 * count 0 adds no node but still sets the window, so a no-attack baseline is measured alike. */
static bool attack_window(const struct prr_scenario *sc, double *from, double *to)
{
    if (sc->n_attackers == 0)
        return false;
    *from = HUGE_VAL;
    *to = -HUGE_VAL;
    for (size_t i = 0; i < sc->n_attackers; i++) {
        if (sc->attackers[i].start_s < *from)
            *from = sc->attackers[i].start_s;
        if (sc->attackers[i].stop_s > *to)
            *to = sc->attackers[i].stop_s;
    }
    return true;
}

const char *const prr_summary_answers[] = {
    "nodes", "edges", "sim_s", "events", "messages", "tx_deliveries",
    "honest.created", "honest.reached90", "honest.confirmed", "honest.latency90_p50_s", "honest.latency90_p95_s",
    "honest.confirm_p50_s",
    "spam.created", "spam.accepted_first_hop", "spam.reached50", "spam.confirmed", "spam.bytes_relayed",
    "cost.attacker_hashes", "cost.honest_sender_hashes", "cost.relay_repackage_hashes", "cost.repackagings",
    "cost.spam_bytes_share", "cost.attacker_hashes_per_spam_reached50",
    "privacy.first_spy_precision", "privacy.first_spy_recall",
    /* added later: columns are only appended */
    "honest.during_attack.created", "honest.during_attack.reached90", "honest.during_attack.reached90_share",
    "honest.during_attack.latency90_p50_s", "honest.during_attack.latency90_p95_s",
    "cost.honest_sender_hashes_per_tx", "spam.skipped_too_costly", "blocks",
    "honest.during_attack.from_s", "honest.during_attack.to_s", "privacy.spies",
    NULL,
};

static double secs(int64_t ns) { return (double)ns / 1e9; }

static void compute(const struct prr_report *r, struct answers *a)
{
    const struct prr_metrics *m = r->m;
    memset(a, 0, sizeof *a);
    double *lat = malloc(sizeof *lat * (m->n_txs + 1)), *conf = malloc(sizeof *conf * (m->n_txs + 1));
    double *dlat = malloc(sizeof *dlat * (m->n_txs + 1));
    size_t nl = 0, nc = 0, ndl = 0;
    a->attack = attack_window(r->sc, &a->attack_from_s, &a->attack_to_s);
    int64_t from_ns = a->attack ? (int64_t)llround(a->attack_from_s * 1e9) : 0;
    int64_t to_ns = a->attack ? (int64_t)llround(a->attack_to_s * 1e9) : 0;
    /* first-spy estimator: guesses per honest transaction from a non-spy origin */
    uint64_t guesses = 0, correct = 0, observable = 0;
    for (size_t i = 0; i < m->n_txs; i++) {
        const struct prr_txrec *t = &m->txs[i];
        if (t->kind == PRR_SPAM) {
            a->spam_created++;
            a->spam_first_hop += t->first_hop;
            a->spam_reached50 += t->reach >= m->need50 && m->need50 > 0;
            a->spam_confirmed += t->confirmed_ns != PRR_NEVER;
            continue;
        }
        a->honest_created++;
        if (t->t90_ns != PRR_NEVER) {
            a->honest_reached90++;
            if (lat)
                lat[nl++] = secs(t->t90_ns - t->created_ns);
        }
        if (a->attack && t->created_ns >= from_ns && t->created_ns < to_ns) {
            a->da_created++;
            a->da_sender_hashes += t->sender_hashes;
            if (t->t90_ns != PRR_NEVER) {
                a->da_reached90++;
                if (dlat)
                    dlat[ndl++] = secs(t->t90_ns - t->created_ns);
            }
        }
        if (t->confirmed_ns != PRR_NEVER) {
            a->honest_confirmed++;
            if (conf)
                conf[nc++] = secs(t->confirmed_ns - t->created_ns);
        }
        if (r->role[t->origin] != PRR_ROLE_SPY) {
            observable++;
            if (t->spy_guess != UINT32_MAX) {
                guesses++;
                correct += t->spy_guess == t->origin;
            }
        }
    }
    a->lat90_p50 = prr_percentile(lat, lat ? nl : 0, 0.5);
    a->lat90_p95 = prr_percentile(lat, lat ? nl : 0, 0.95);
    a->confirm_p50 = prr_percentile(conf, conf ? nc : 0, 0.5);
    a->da_lat90_p50 = prr_percentile(dlat, dlat ? ndl : 0, 0.5);
    a->da_lat90_p95 = prr_percentile(dlat, dlat ? ndl : 0, 0.95);
    free(lat);
    free(conf);
    free(dlat);
    a->spam_skipped = m->spam_skipped;
    a->spam_bytes = m->spam_bytes_relayed;
    a->attacker_hashes = m->attacker_hashes;
    a->sender_hashes = m->honest_sender_hashes;
    a->relay_hashes = m->relay_repackage_hashes;
    a->repackagings = m->repackagings;
    uint64_t honest_out = 0;
    for (uint32_t i = 0; i < r->topo->n; i++) {
        struct pr_node_stats ns;
        pr_node_stats(r->ops->node(r->net, i), &ns);
        a->tx_deliveries += ns.tx_deliveries;
        if (r->role[i] != PRR_ROLE_ATTACKER) {
            uint64_t in, out;
            r->ops->node_bytes(r->net, i, &in, &out);
            honest_out += out;
        }
        a->spies += r->role[i] == PRR_ROLE_SPY;
    }
    a->spam_bytes_share = honest_out ? (double)a->spam_bytes / (double)honest_out : 0;
    struct prnet_stats st;
    r->ops->stats(r->net, &st);
    a->events = st.events;
    a->messages = st.messages;
    a->edges = r->topo->n_edges;
    a->precision = guesses ? (double)correct / (double)guesses : NAN;
    a->recall = observable ? (double)correct / (double)observable : NAN;
}

static void csv_num(FILE *f, double v, bool last)
{
    char buf[64];
    prr_fmt_num(buf, sizeof buf, v);
    fputs(buf, f);
    fputc(last ? '\n' : ',', f);
}

static double rel(int64_t t, int64_t created) { return t == PRR_NEVER ? NAN : secs(t - created); }

/* Fees matter to the outcome, so the outputs carry them: under Monero's template, or when honest fees
 * vary (docs/scenario.md#outputs). */
static bool fees_reported(const struct prr_scenario *sc)
{
    return sc->block_policy == PR_BLOCKS_MONERO || sc->honest_fee.kind != PRR_DIST_CONST;
}

static int write_txs(const struct prr_report *r, const char *dir, char *err, size_t errlen)
{
    struct prr_out o;
    if (prr_out_open(&o, dir, "txs.csv", err, errlen))
        return -1;
    const struct prr_metrics *m = r->m;
    bool fees = fees_reported(r->sc);
    fputs("id,kind,origin,created_s,size,work_initial,stem_hops,fluff_s,reach_frac,t50_s,t90_s,confirmed_s,"
          "repackagings,hashes",
          o.f);
    fputs(fees ? ",fee\n" : "\n", o.f);
    for (size_t i = 0; i < m->n_txs; i++) {
        const struct prr_txrec *t = &m->txs[i];
        fprintf(o.f, "%llu,%s,%u,", (unsigned long long)t->id, t->kind == PRR_SPAM ? "spam" : "honest", t->origin);
        csv_num(o.f, secs(t->created_ns), false);
        fprintf(o.f, "%u,", t->size);
        csv_num(o.f, t->work_set ? t->work_initial : NAN, false);
        fprintf(o.f, "%u,", t->stem_hops);
        csv_num(o.f, rel(t->fluff_ns, t->created_ns), false);
        csv_num(o.f, m->n_honest ? (double)t->reach / m->n_honest : 0, false);
        csv_num(o.f, rel(t->t50_ns, t->created_ns), false);
        csv_num(o.f, rel(t->t90_ns, t->created_ns), false);
        csv_num(o.f, rel(t->confirmed_ns, t->created_ns), false);
        fprintf(o.f, "%u,", t->repackagings);
        csv_num(o.f, t->hashes, !fees);
        if (fees)
            csv_num(o.f, t->fee, true);
    }
    return prr_out_commit(&o, err, errlen);
}

static int cmp_stemrec(const void *a, const void *b)
{
    const struct prr_stemrec *x = a, *y = b;
    if (x->t_ns != y->t_ns)
        return x->t_ns < y->t_ns ? -1 : 1;
    if (x->tx != y->tx)
        return x->tx < y->tx ? -1 : 1;
    if (x->step != y->step)
        return x->step < y->step ? -1 : 1;
    return x->node < y->node ? -1 : x->node > y->node;
}

/* stems.csv, when asked for (docs/validation-stems.md): in time order, so the file is the same
 * whatever order the network model's threads reported the steps in. */
static int write_stems(const struct prr_report *r, const char *dir, char *err, size_t errlen)
{
    struct prr_metrics *m = r->m;
    qsort(m->stems, m->n_stems, sizeof *m->stems, cmp_stemrec);
    struct prr_out o;
    if (prr_out_open(&o, dir, "stems.csv", err, errlen))
        return -1;
    static const char *const step[] = {"created", "accepted", "fluffed", "spied", "from_origin"};
    fputs("tx,step,node,peer,t_s,fluff_why\n", o.f);
    for (size_t i = 0; i < m->n_stems; i++) {
        const struct prr_stemrec *s = &m->stems[i];
        fprintf(o.f, "%llu,%s,%u,", (unsigned long long)s->tx, step[s->step], s->node);
        if (s->peer != PR_NO_PEER)
            fprintf(o.f, "%u", s->peer);
        fputc(',', o.f);
        csv_num(o.f, secs(s->t_ns), false);
        fprintf(o.f, "%u\n", s->flags);
    }
    return prr_out_commit(&o, err, errlen);
}

static int write_nodes(const struct prr_report *r, const char *dir, char *err, size_t errlen)
{
    struct prr_out o;
    if (prr_out_open(&o, dir, "nodes.csv", err, errlen))
        return -1;
    fputs("node,region,degree,outbound,hashrate,bytes_in,bytes_out,txs_rejected,repackagings,repackage_hashes,"
          "req_max,mempool_peak_bytes,relay_hashrate\n",
          o.f);
    for (uint32_t i = 0; i < r->topo->n; i++) {
        struct pr_node *n = r->ops->node(r->net, i);
        struct pr_node_stats ns;
        pr_node_stats(n, &ns);
        uint64_t in, out;
        r->ops->node_bytes(r->net, i, &in, &out);
        fprintf(o.f, "%u,%s,%u,%u,", i, r->sc->regions[r->topo->region[i]].name, r->topo->degree[i],
                r->topo->outbound[i]);
        /* hashrate: what the node's own transactions are solved at (an honest node's wallet, an
         * attacker's solver); relay_hashrate: its solver for repackaging (attackers relay nothing). */
        bool attacker = r->role[i] == PRR_ROLE_ATTACKER;
        csv_num(o.f, attacker ? pr_node_hashrate(n) : r->wallet_rate[i], false);
        fprintf(o.f, "%llu,%llu,%llu,%llu,", (unsigned long long)in, (unsigned long long)out,
                (unsigned long long)ns.txs_rejected, (unsigned long long)ns.repackagings);
        csv_num(o.f, ns.repackage_hashes, false);
        csv_num(o.f, ns.req_max, false);
        fprintf(o.f, "%llu,", (unsigned long long)ns.mempool_peak_bytes);
        csv_num(o.f, attacker ? 0 : pr_node_hashrate(n), true);
    }
    return prr_out_commit(&o, err, errlen);
}

static int write_timeseries(const struct prr_report *r, const char *dir, char *err, size_t errlen)
{
    struct prr_out o;
    if (prr_out_open(&o, dir, "timeseries.csv", err, errlen))
        return -1;
    const struct prr_metrics *m = r->m;
    fputs("t_s,honest_created,honest_reached90,spam_created,spam_accepted,bytes,mean_req,max_req,mempool_bytes,"
          "median_req,p90_req,escalated_share\n",
          o.f);
    double end = r->sc->duration_s;
    for (size_t b = 0; b < m->n_bins; b++) {
        const struct prr_bin *x = &m->bins[b];
        double t = secs((int64_t)(b + 1) * m->interval_ns);
        csv_num(o.f, t < end ? t : end, false);
        fprintf(o.f, "%llu,%llu,%llu,%llu,%llu,", (unsigned long long)x->honest_created,
                (unsigned long long)x->honest_reached90, (unsigned long long)x->spam_created,
                (unsigned long long)x->spam_accepted, (unsigned long long)x->bytes);
        csv_num(o.f, x->mean_req, false);
        csv_num(o.f, x->max_req, false);
        csv_num(o.f, x->mempool_bytes, false);
        csv_num(o.f, x->median_req, false);
        csv_num(o.f, x->p90_req, false);
        csv_num(o.f, x->escalated_share, true);
    }
    return prr_out_commit(&o, err, errlen);
}

/* A row per mined block (docs/scenario.md#outputs). */
static int write_blocks(const struct prr_report *r, const char *dir, char *err, size_t errlen)
{
    struct prr_out o;
    if (prr_out_open(&o, dir, "blocks.csv", err, errlen))
        return -1;
    const struct prr_metrics *m = r->m;
    fputs("time_s,block,miner,weight,txs,honest,spam,median_weight,penalty_free_zone,fees,reward\n", o.f);
    for (size_t i = 0; i < m->n_blocks; i++) {
        const struct prr_blockrec *b = &m->blocks[i];
        csv_num(o.f, secs(b->t_ns), false);
        fprintf(o.f, "%llu,%u,%llu,%u,%u,%u,%llu,%llu,", (unsigned long long)b->id, b->miner,
                (unsigned long long)b->weight, b->txs, b->honest, b->spam, (unsigned long long)b->median_weight,
                (unsigned long long)b->zone);
        csv_num(o.f, b->fees, false);
        csv_num(o.f, b->reward, true);
    }
    return prr_out_commit(&o, err, errlen);
}

/* Confirmation by fee rate: per kind and fee rate, how many were created, how many confirmed, and the
 * delay from creation to the block (p50, p90 over the confirmed ones). */
struct fee_key {
    uint8_t kind;
    float fee;
    double delay; /* s, or NAN when not confirmed */
};

static int cmp_fee_key(const void *pa, const void *pb)
{
    const struct fee_key *a = pa, *b = pb;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    if (a->fee != b->fee)
        return a->fee < b->fee ? -1 : 1;
    return 0;
}

static void write_confirmation_by_fee(struct prr_json *j, const struct prr_metrics *m)
{
    prr_json_array(j, "confirmation_by_fee");
    struct fee_key *k = malloc(sizeof *k * (m->n_txs ? m->n_txs : 1));
    double *d = malloc(sizeof *d * (m->n_txs ? m->n_txs : 1));
    if (!k || !d) {
        free(k);
        free(d);
        prr_json_close_array(j);
        return;
    }
    for (size_t i = 0; i < m->n_txs; i++) {
        const struct prr_txrec *t = &m->txs[i];
        k[i] = (struct fee_key){t->kind, t->fee,
                                t->confirmed_ns == PRR_NEVER ? NAN : secs(t->confirmed_ns - t->created_ns)};
    }
    qsort(k, m->n_txs, sizeof *k, cmp_fee_key);
    for (size_t i = 0; i < m->n_txs;) {
        size_t e = i, nd = 0;
        while (e < m->n_txs && k[e].kind == k[i].kind && k[e].fee == k[i].fee) {
            if (!isnan(k[e].delay))
                d[nd++] = k[e].delay;
            e++;
        }
        prr_json_object(j, NULL);
        prr_json_str(j, "kind", k[i].kind == PRR_SPAM ? "spam" : "honest");
        prr_json_num(j, "fee", k[i].fee);
        prr_json_uint(j, "txs", e - i);
        prr_json_uint(j, "confirmed", nd);
        prr_json_num(j, "confirm_p50_s", prr_percentile(d, nd, 0.5));
        prr_json_num(j, "confirm_p90_s", prr_percentile(d, nd, 0.9));
        prr_json_close(j);
        i = e;
    }
    free(k);
    free(d);
    prr_json_close_array(j);
}

static int write_run(const struct prr_report *r, const struct answers *a, const char *dir, char *err, size_t errlen)
{
    struct prr_out o;
    if (prr_out_open(&o, dir, "run.json", err, errlen))
        return -1;
    struct prr_json j;
    prr_json_begin(&j, o.f);
    prr_json_num(&j, "wall_s", r->wall_s);
    prr_json_num(&j, "peak_rss_mb", r->peak_rss_mb);
    prr_json_num(&j, "events_per_s", r->wall_s > 0 ? (double)a->events / r->wall_s : 0);
    prr_json_uint(&j, "threads", r->threads);
    prr_json_str(&j, "version", POWRELAY_VERSION);
    prr_json_str(&j, "command", r->command ? r->command : "");
    prr_json_end(&j);
    return prr_out_commit(&o, err, errlen);
}

static int write_summary(const struct prr_report *r, const struct answers *a, const char *dir, char *err,
                         size_t errlen)
{
    struct prr_out o;
    if (prr_out_open(&o, dir, "summary.json", err, errlen))
        return -1;
    const struct prr_scenario *sc = r->sc;
    struct prr_json j;
    prr_json_begin(&j, o.f);
    prr_json_str(&j, "name", sc->name);
    prr_json_uint(&j, "seed", sc->seed);
    prr_json_str(&j, "network", sc->network);
    prr_json_uint(&j, "nodes", r->topo->n);
    prr_json_uint(&j, "edges", a->edges);
    prr_json_num(&j, "sim_s", sc->duration_s);
    prr_json_uint(&j, "events", a->events);
    prr_json_uint(&j, "messages", a->messages);
    prr_json_uint(&j, "tx_deliveries", a->tx_deliveries);
    prr_json_object(&j, "honest");
    prr_json_uint(&j, "created", a->honest_created);
    prr_json_uint(&j, "reached90", a->honest_reached90);
    prr_json_uint(&j, "confirmed", a->honest_confirmed);
    prr_json_num(&j, "latency90_p50_s", a->lat90_p50);
    prr_json_num(&j, "latency90_p95_s", a->lat90_p95);
    prr_json_num(&j, "confirm_p50_s", a->confirm_p50);
    if (a->attack) {
        prr_json_object(&j, "during_attack");
        prr_json_num(&j, "from_s", a->attack_from_s);
        prr_json_num(&j, "to_s", a->attack_to_s);
        prr_json_uint(&j, "created", a->da_created);
        prr_json_uint(&j, "reached90", a->da_reached90);
        prr_json_num(&j, "reached90_share", a->da_created ? (double)a->da_reached90 / (double)a->da_created : NAN);
        prr_json_num(&j, "latency90_p50_s", a->da_lat90_p50);
        prr_json_num(&j, "latency90_p95_s", a->da_lat90_p95);
        prr_json_close(&j);
    }
    prr_json_close(&j);
    prr_json_object(&j, "spam");
    prr_json_uint(&j, "created", a->spam_created);
    prr_json_uint(&j, "accepted_first_hop", a->spam_first_hop);
    prr_json_uint(&j, "reached50", a->spam_reached50);
    prr_json_uint(&j, "confirmed", a->spam_confirmed);
    prr_json_uint(&j, "bytes_relayed", a->spam_bytes);
    if (a->attack)
        prr_json_uint(&j, "skipped_too_costly", a->spam_skipped);
    prr_json_close(&j);
    prr_json_object(&j, "cost");
    prr_json_num(&j, "attacker_hashes", a->attacker_hashes);
    prr_json_num(&j, "honest_sender_hashes", a->sender_hashes);
    prr_json_num(&j, "relay_repackage_hashes", a->relay_hashes);
    prr_json_uint(&j, "repackagings", a->repackagings);
    prr_json_num(&j, "spam_bytes_share", a->spam_bytes_share);
    prr_json_num(&j, "attacker_hashes_per_spam_reached50",
                 a->spam_reached50 ? a->attacker_hashes / (double)a->spam_reached50 : NAN);
    if (a->attack) /* the wallet's hashes per honest transaction created during the attack */
        prr_json_num(&j, "honest_sender_hashes_per_tx",
                     a->da_created ? a->da_sender_hashes / (double)a->da_created : NAN);
    prr_json_close(&j);
    if (a->spies) {
        prr_json_object(&j, "privacy");
        prr_json_num(&j, "first_spy_precision", a->precision);
        prr_json_num(&j, "first_spy_recall", a->recall);
        prr_json_uint(&j, "spies", a->spies);
        prr_json_close(&j);
    }
    /* Which nodes were attackers: nodes.csv has no role column (its columns are fixed: docs/scenario.md#outputs). */
    prr_json_array(&j, "attacker_nodes");
    for (uint32_t i = 0; i < r->topo->n; i++)
        if (r->role[i] == PRR_ROLE_ATTACKER)
            prr_json_uint(&j, NULL, i);
    prr_json_close_array(&j);
    if (sc->model.relay_mode == PR_RELAY_ANNOUNCE) { /* docs/protocol.md#announce */
        uint64_t failed = 0, dropped = 0;
        for (uint32_t i = 0; i < r->topo->n; i++) {
            struct pr_node_stats ns;
            pr_node_stats(r->ops->node(r->net, i), &ns);
            failed += ns.requests_failed;
            dropped += ns.peers_dropped;
        }
        prr_json_object(&j, "relay");
        prr_json_uint(&j, "requests_failed", failed);
        prr_json_uint(&j, "peers_dropped", dropped);
        prr_json_close(&j);
    }
    prr_json_uint(&j, "blocks", r->m->n_blocks);
    if (fees_reported(sc))
        write_confirmation_by_fee(&j, r->m);
    prr_json_end(&j);
    return prr_out_commit(&o, err, errlen);
}

static int write_scenario(const struct prr_report *r, const char *dir, char *err, size_t errlen)
{
    struct prr_out o;
    if (prr_out_open(&o, dir, "scenario.yaml", err, errlen))
        return -1;
    prr_scenario_write(r->sc, o.f);
    return prr_out_commit(&o, err, errlen);
}

int prr_report_write(const struct prr_report *r, const char *dir, char *err, size_t errlen)
{
    struct answers a;
    compute(r, &a);
    if (write_scenario(r, dir, err, errlen) || write_txs(r, dir, err, errlen) || write_nodes(r, dir, err, errlen) || write_timeseries(r, dir, err, errlen) ||
        (r->sc->blocks_enabled && write_blocks(r, dir, err, errlen)) ||
        (r->m->trace_stems && write_stems(r, dir, err, errlen)) || write_run(r, &a, dir, err, errlen) || write_summary(r, &a, dir, err, errlen))
        return -1;
    return 0;
}

void prr_report_print(const struct prr_report *r, const char *dir, FILE *f)
{
    struct answers a;
    compute(r, &a);
    fprintf(f, "%s: %u nodes, %.0f simulated s on %s in %.1f s wall\n", r->sc->name, r->topo->n, r->sc->duration_s,
            r->sc->network, r->wall_s);
    fprintf(f, "  honest: %llu created, %llu reached 90%% of nodes (median %.1f s), %llu confirmed\n",
            (unsigned long long)a.honest_created, (unsigned long long)a.honest_reached90, a.lat90_p50,
            (unsigned long long)a.honest_confirmed);
    fprintf(f, "  spam:   %llu created, %llu accepted at the first hop, %llu reached 50%% of nodes, %llu confirmed\n",
            (unsigned long long)a.spam_created, (unsigned long long)a.spam_first_hop,
            (unsigned long long)a.spam_reached50, (unsigned long long)a.spam_confirmed);
    fprintf(f, "  hashes: attackers %.3g, honest senders %.3g, relays (repackaging) %.3g; spam %.1f%% of honest bytes\n",
            a.attacker_hashes, a.sender_hashes, a.relay_hashes, 100 * a.spam_bytes_share);
    fprintf(f, "results in %s/ (summary.json, txs.csv, nodes.csv, timeseries.csv, run.json)\n", dir);
}
