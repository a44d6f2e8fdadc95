/* Scenario reading: a table of the accepted keys of each section (so an unknown key is an error), each
 * with its type, its range and where it goes; the defaults of docs/scenario.md; cross-field checks. */
#include "scenario.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "powrelay/defence.h"
#include "powrelay/netmodel.h"
#include "powrelay/rng.h"
#include "report.h"
#include "powrelay/wire.h"

/* ---- default regions (docs/protocol.md#network): Gervais et al. (CCS 2016) latencies and bandwidths, SimBlock's 2019 shares ---- */

static const struct prr_region default_regions[] = {
    {"NA", 0.3316, 6.74, 41.68}, {"EU", 0.4998, 6.72, 21.29}, {"SA", 0.0090, 2.2, 9.89},
    {"AP", 0.1177, 6.53, 14.56}, {"JP", 0.0224, 1.7, 6.9},    {"AU", 0.0195, 6.1, 16},
};
static const double default_latency_ms[36] = {
    35.5,   119.49, 254.79, 310.11, 154.36, 207.91, /* NA */
    119.49, 11.61,  221.08, 241.9,  266.45, 350.07, /* EU */
    254.79, 221.08, 137.09, 346.65, 255.95, 268.91, /* SA */
    310.11, 241.9,  346.65, 99.46,  172.24, 277.8,  /* AP */
    154.36, 266.45, 255.95, 172.24, 8.76,   162.59, /* JP */
    207.91, 350.07, 268.91, 277.8,  162.59, 21.72,  /* AU */
};

/* ---- errors ---- */

struct conv {
    char *err;
    size_t errlen;
    const struct yt_node *root;
};

static int fail_at(struct conv *cv, const struct yt_node *at, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (at)
        snprintf(cv->err, cv->errlen, "%s:%d:%d: %s", at->file, at->line, at->col, msg);
    else
        snprintf(cv->err, cv->errlen, "%s", msg);
    return -1;
}

static const char *kind_name(const struct yt_node *n)
{
    return n->kind == YT_MAP ? "a map" : n->kind == YT_SEQ ? "a list" : "a scalar";
}

/* ---- scalars ---- */

static int get_number(struct conv *cv, const struct yt_node *v, const char *key, double *out)
{
    if (v->kind != YT_SCALAR)
        return fail_at(cv, v, "%s: expected a number, got %s", key, kind_name(v));
    const char *s = v->text;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (!v->plain || *s == '\0' || *end != '\0' || isspace((unsigned char)*s) || isnan(d) ||
        (errno == ERANGE && isinf(d)))
        return fail_at(cv, v, "%s: expected a number, got '%.60s'", key, s);
    if (isinf(d))
        return fail_at(cv, v, "%s: expected a finite number, got '%.60s'", key, s);
    *out = d;
    return 0;
}

static int get_bool(struct conv *cv, const struct yt_node *v, const char *key, bool *out)
{
    if (v->kind == YT_SCALAR && v->plain) {
        const char *s = v->text;
        if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) {
            *out = true;
            return 0;
        }
        if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
            *out = false;
            return 0;
        }
    }
    return fail_at(cv, v, "%s: expected true or false, got %s%.60s%s", key, v->kind == YT_SCALAR ? "'" : "",
                   v->kind == YT_SCALAR ? v->text : kind_name(v), v->kind == YT_SCALAR ? "'" : "");
}

static int get_string(struct conv *cv, const struct yt_node *v, const char *key, char **out)
{
    if (v->kind != YT_SCALAR)
        return fail_at(cv, v, "%s: expected a string, got %s", key, kind_name(v));
    char *s = strdup(v->text);
    if (!s)
        return fail_at(cv, v, "out of memory");
    free(*out);
    *out = s;
    return 0;
}

/* A whole number in [lo, hi] (written as an integer or in e-notation, e.g. 1e4). */
static int get_whole(struct conv *cv, const struct yt_node *v, const char *key, double lo, double hi, double *out)
{
    double d;
    if (get_number(cv, v, key, &d))
        return -1;
    if (d != floor(d))
        return fail_at(cv, v, "%s: expected a whole number, got '%.60s'", key, v->text);
    if (d < lo || d > hi)
        return fail_at(cv, v, "%s: must be between %.17g and %.17g, got %.60s", key, lo, hi, v->text);
    *out = d;
    return 0;
}

/* ---- the key tables ---- */

enum ftype { F_NUM, F_U32, F_U64, F_BOOL, F_STR, F_NS, F_ENUM, F_CUSTOM, F_SCHED };

#define LO_OPEN 1u /* the lower bound is exclusive */
#define HI_OPEN 2u /* the upper bound is exclusive */

struct prr_scenario;
typedef int (*custom_fn)(struct conv *cv, const struct yt_node *v, const char *key, struct prr_scenario *sc);

struct field {
    const char *key;
    enum ftype type;
    size_t off;
    double lo, hi;
    unsigned flags;
    const char *const *names; /* F_ENUM: names, index = value */
    custom_fn custom;
};

static const char *const pow_modes[] = {"model", "lucky", "sha256", NULL};
static const char *const diff_policies[] = {"power", "multiply", NULL};
static const char *const counts[] = {"new", "all", NULL};
static const char *const repack_policies[] = {"quadratic", "always", "never", NULL};
static const char *const strategies[] = {"flood", "under_limit", "lowball", "cheapest", NULL};
static const char *const kinds[] = {"honest", "spam", NULL};
static const char *const block_policies[] = {"simple", "monero", NULL};
static const char *const relay_modes[] = {"flood", "announce", NULL};

#define OFF(f) offsetof(struct prr_scenario, f)
#define INF HUGE_VAL

static int conv_network_model(struct conv *cv, const struct yt_node *v, const char *key, struct prr_scenario *sc);
static int conv_regions(struct conv *cv, const struct yt_node *v, const char *key, struct prr_scenario *sc);
static int conv_latency(struct conv *cv, const struct yt_node *v, const char *key, struct prr_scenario *sc);
static int conv_verify_us(struct conv *cv, const struct yt_node *v, const char *key, struct prr_scenario *sc);
static int conv_miners(struct conv *cv, const struct yt_node *v, const char *key, struct prr_scenario *sc);
static int conv_honest_nodes(struct conv *cv, const struct yt_node *v, const char *key, struct prr_scenario *sc);
static int conv_hashrate(struct conv *cv, const struct yt_node *v, const char *key, struct prr_scenario *sc);
static int conv_fee(struct conv *cv, const struct yt_node *v, const char *key, struct prr_scenario *sc);
static int conv_skip(struct conv *cv, const struct yt_node *v, const char *key, struct prr_scenario *sc)
{
    (void)cv, (void)v, (void)key, (void)sc;
    return 0;
}

static const struct field top_fields[] = {
    {"name", F_STR, OFF(name), 0, 0, 0, NULL, NULL},
    {"seed", F_U64, OFF(seed), 0, 9007199254740992.0, 0, NULL, NULL},
    {"duration_s", F_NUM, OFF(duration_s), 0, 1e9, LO_OPEN, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
static const struct field network_fields[] = {
    {"model", F_CUSTOM, 0, 0, 0, 0, NULL, conv_network_model},
    {"regions", F_CUSTOM, 0, 0, 0, 0, NULL, conv_regions},
    {"latency_ms", F_CUSTOM, 0, 0, 0, 0, NULL, conv_latency},
    {"jitter", F_NUM, OFF(jitter), 0, 1, HI_OPEN, NULL, NULL},
    {"loss", F_NUM, OFF(loss), 0, 1, HI_OPEN, NULL, NULL},
    {"queue_packets", F_U32, OFF(queue_packets), 0, 1000000, 0, NULL, NULL},
    {"threads", F_U32, OFF(threads), 1, PRNET_MAX_THREADS, 0, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
static const struct field nodes_fields[] = {
    {"count", F_U32, OFF(nodes), 2, PRR_MAX_NODES, 0, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
static const struct field peers_fields[] = {
    {"min", F_U32, OFF(peers_min), 1, PR_MAX_PEERS, 0, NULL, NULL},
    {"max", F_U32, OFF(peers_max), 1, PR_MAX_PEERS, 0, NULL, NULL},
    {"outbound", F_U32, OFF(peers_outbound), 0, PR_MAX_PEERS, 0, NULL, NULL},
    {"inbound_share", F_NUM, OFF(peers_inbound_share), 0, 1, LO_OPEN, NULL, NULL},
    {"max_inbound", F_U32, OFF(peers_max_inbound), 1, PR_MAX_PEERS, 0, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
static const struct field tx_fields[] = {
    {"bytes", F_U32, OFF(tx_bytes), PR_TX_MIN_BYTES, PR_TX_MAX_BYTES, 0, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
static const struct field pow_fields[] = {
    {"enabled", F_BOOL, OFF(model.pow_enabled), 0, 0, 0, NULL, NULL},
    {"mode", F_ENUM, OFF(model.pow_mode), 0, 0, 0, pow_modes, NULL},
    {"base", F_NUM, OFF(model.pow_base), 1, 1e15, 0, NULL, NULL},
    {"queue_max", F_U32, OFF(model.pow_queue_max), 1, 1e6, 0, NULL, NULL},
    {"verify_us", F_CUSTOM, 0, 0, 0, 0, NULL, conv_verify_us},
    {"relay_hashrate", F_NUM, OFF(relay_hashrate), 0, 1e18, 0, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
static const struct field difficulty_fields[] = {
    {"policy", F_ENUM, OFF(model.difficulty_policy), 0, 0, 0, diff_policies, NULL},
    {"window_s", F_NS, OFF(model.window_ns), 0, 1e6, LO_OPEN, NULL, NULL},
    {"count", F_ENUM, OFF(model.count), 0, 0, 0, counts, NULL},
    {"rate_limit", F_NUM, OFF(model.rate_limit), 0, 1e9, LO_OPEN, NULL, NULL},
    {"exponent", F_NUM, OFF(model.exponent), 1, 1e6, LO_OPEN, NULL, NULL},
    {"max", F_NUM, OFF(model.difficulty_max), 1, 1e30, 0, NULL, NULL},
    {"hold_s", F_NS, OFF(model.hold_ns), 0, 1e8, 0, NULL, NULL},
    {"advertise_s", F_NS, OFF(model.advertise_ns), 0, 1e8, LO_OPEN, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
static const struct field repackage_fields[] = {
    {"policy", F_ENUM, OFF(model.repackage_policy), 0, 0, 0, repack_policies, NULL},
    {"window_s", F_NS, OFF(model.repackage_window_ns), 0, 1e8, 0, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
static const struct field dandelion_fields[] = {
    {"enabled", F_BOOL, OFF(model.dandelion_enabled), 0, 0, 0, NULL, NULL},
    {"stems", F_U32, OFF(model.stems), 1, PR_MAX_STEMS, 0, NULL, NULL},
    {"fluff_probability", F_NUM, OFF(model.fluff_probability), 0, 1, 0, NULL, NULL},
    {"epoch_s", F_NS, OFF(model.epoch_ns), 0, 1e8, LO_OPEN, NULL, NULL},
    {"epoch_range_s", F_NS, OFF(model.epoch_range_ns), 0, 1e8, 0, NULL, NULL},
    {"embargo_s", F_NS, OFF(model.embargo_ns), 0, 1e8, LO_OPEN, NULL, NULL},
    {"flush_in_s", F_NS, OFF(model.flush_in_ns), 0, 1e8, 0, NULL, NULL},
    {"flush_out_s", F_NS, OFF(model.flush_out_ns), 0, 1e8, 0, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
static const struct field blocks_fields[] = {
    {"enabled", F_BOOL, OFF(blocks_enabled), 0, 0, 0, NULL, NULL},
    {"interval_s", F_NUM, OFF(block_interval_s), 0, 1e9, LO_OPEN, NULL, NULL},
    {"max_bytes", F_U64, OFF(block_max_bytes), 1, 1e12, 0, NULL, NULL},
    {"miners", F_CUSTOM, 0, 0, 0, 0, NULL, conv_miners},
    {"policy", F_ENUM, OFF(block_policy), 0, 0, 0, block_policies, NULL},
    {"reward", F_NUM, OFF(block_reward), 0, 1e30, 0, NULL, NULL},
    {"median_window", F_U32, OFF(block_median_window), 1, 1e6, 0, NULL, NULL},
    {"initial_weight", F_U64, OFF(block_initial_weight), 0, 1e12, 0, NULL, NULL},
    {"reserved", F_U64, OFF(block_reserved), 0, 1e9, 0, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
static const struct field relay_fields[] = {
    {"mode", F_ENUM, OFF(model.relay_mode), 0, 0, 0, relay_modes, NULL},
    {"request_timeout_s", F_NS, OFF(model.request_timeout_ns), 0, 1e6, LO_OPEN, NULL, NULL},
    {"drop_failed_share", F_NUM, OFF(model.drop_failed_share), 0, 1, 0, NULL, NULL},
    {"drop_min_requests", F_U32, OFF(model.drop_min_requests), 1, 1e9, 0, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
static const struct field mempool_fields[] = {
    {"max_bytes", F_U64, OFF(model.mempool_max_bytes), PR_TX_MIN_BYTES, 1e15, 0, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
static const struct field honest_fields[] = {
    {"rate", F_NUM, OFF(honest_rate), 0, 1e9, 0, NULL, NULL},
    {"hashrate", F_CUSTOM, 0, 0, 0, 0, NULL, conv_hashrate},
    {"fee", F_CUSTOM, 0, 0, 0, 0, NULL, conv_fee},
    {"nodes", F_CUSTOM, 0, 0, 0, 0, NULL, conv_honest_nodes},
    {"schedule", F_SCHED, OFF(honest_schedule), 0, 1e9, 0, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
static const struct field spies_fields[] = {
    {"fraction", F_NUM, OFF(spies_fraction), 0, 1, 0, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
static const struct field output_fields[] = {
    {"dir", F_STR, OFF(output_dir), 0, 0, 0, NULL, NULL},
    {"interval_s", F_NUM, OFF(output_interval_s), 0, 1e9, LO_OPEN, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};

/* Fields of list items, relative to their own struct. */
#define AOFF(f) offsetof(struct prr_attacker, f)
static const struct field attacker_fields[] = {
    {"count", F_U32, AOFF(count), 0, PRR_MAX_NODES, 0, NULL, NULL},
    {"connections", F_U32, AOFF(connections), 0, PR_MAX_PEERS, 0, NULL, NULL},
    {"hashrate", F_NUM, AOFF(hashrate), 0, 1e18, 0, NULL, NULL},
    {"rate", F_NUM, AOFF(rate), 0, 1e9, LO_OPEN, NULL, NULL},
    {"start_s", F_NUM, AOFF(start_s), 0, 1e9, 0, NULL, NULL},
    {"stop_s", F_NUM, AOFF(stop_s), 0, 1e9, 0, NULL, NULL},
    {"fee", F_NUM, AOFF(fee), 0, 1e30, 0, NULL, NULL},
    {"strategy", F_ENUM, AOFF(strategy), 0, 0, 0, strategies, NULL},
    {"max_solve_s", F_NUM, AOFF(max_solve_s), 0, 1e18, LO_OPEN, NULL, NULL},
    {"schedule", F_SCHED, AOFF(schedule), 0, 1e9, 0, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
#define SOFF(f) offsetof(struct prr_script, f)
static const struct field script_fields[] = {
    {"t", F_NUM, SOFF(t), 0, 1e9, 0, NULL, NULL},
    {"node", F_U32, SOFF(node), 0, PRR_MAX_NODES, 0, NULL, NULL},
    {"work", F_NUM, SOFF(work), 0, 1e30, 0, NULL, NULL},
    {"kind", F_ENUM, SOFF(kind), 0, 0, 0, kinds, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};
#define ROFF(f) offsetof(struct prr_region, f)
static const struct field region_fields[] = {
    {"name", F_CUSTOM, 0, 0, 0, 0, NULL, conv_skip}, /* read by conv_regions */
    {"share", F_NUM, ROFF(share), 0, 1e9, 0, NULL, NULL},
    {"up_mbps", F_NUM, ROFF(up_mbps), 0, 1e9, LO_OPEN, NULL, NULL},
    {"down_mbps", F_NUM, ROFF(down_mbps), 0, 1e9, LO_OPEN, NULL, NULL},
    {NULL, 0, 0, 0, 0, 0, NULL, NULL},
};

struct section {
    const char *name;
    const struct field *fields;
};

static const struct section sections[] = {
    {"network", network_fields},     {"nodes", nodes_fields},         {"peers", peers_fields},
    {"tx", tx_fields},               {"pow", pow_fields},             {"difficulty", difficulty_fields},
    {"repackage", repackage_fields}, {"dandelion", dandelion_fields}, {"blocks", blocks_fields},
    {"mempool", mempool_fields},     {"honest", honest_fields},       {"spies", spies_fields},
    {"output", output_fields},       {"relay", relay_fields},
};

/* Levenshtein distance, for "did you mean" hints. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 40 || lb > 40)
        return 99;
    size_t d[41][41];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c)
                c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c)
                c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    return d[la][lb];
}

static int unknown_key(struct conv *cv, const struct yt_node *k, const char *prefix, const struct field *fields,
                       const char *const *extra)
{
    const char *best = NULL;
    size_t bd = 3;
    for (const struct field *f = fields; f && f->key; f++) {
        size_t d = edit_distance(k->text, f->key);
        if (d < bd) {
            bd = d;
            best = f->key;
        }
    }
    for (; extra && *extra; extra++) {
        size_t d = edit_distance(k->text, *extra);
        if (d < bd) {
            bd = d;
            best = *extra;
        }
    }
    if (best)
        return fail_at(cv, k, "unknown key '%s%.60s' (did you mean '%s%s'?)", prefix, k->text, prefix, best);
    return fail_at(cv, k, "unknown key '%s%.60s'", prefix, k->text);
}

static int bounded(struct conv *cv, const struct yt_node *v, const char *key, const struct field *f, double d)
{
    bool lo_ok = (f->flags & LO_OPEN) ? d > f->lo : d >= f->lo;
    bool hi_ok = (f->flags & HI_OPEN) ? d < f->hi : d <= f->hi;
    if (lo_ok && hi_ok)
        return 0;
    if (!lo_ok)
        return fail_at(cv, v, "%s: must be %s %.17g, got %.60s", key, (f->flags & LO_OPEN) ? "greater than" : "at least",
                       f->lo, v->text);
    return fail_at(cv, v, "%s: must be %s %.17g, got %.60s", key, (f->flags & HI_OPEN) ? "less than" : "at most", f->hi,
                   v->text);
}

/* A schedule: a list of [t_s, rate] pairs, times increasing from 0, rates within the field's range. */
static int conv_schedule(struct conv *cv, const struct yt_node *v, const char *key, const struct field *f,
                         struct prr_schedule *out)
{
    if (v->kind != YT_SEQ)
        return fail_at(cv, v, "%s: expected a list of [t_s, rate] pairs", key);
    struct prr_rate_step *steps = calloc(v->n ? v->n : 1, sizeof *steps);
    if (!steps)
        return fail_at(cv, v, "out of memory");
    for (size_t i = 0; i < v->n; i++) {
        const struct yt_node *it = v->items[i];
        char k[160];
        snprintf(k, sizeof k, "%s.%zu", key, i);
        if (it->kind != YT_SEQ || it->n != 2) {
            free(steps);
            return fail_at(cv, it, "%s: expected a pair [t_s, rate]", k);
        }
        if (get_number(cv, it->items[0], k, &steps[i].t_s) || get_number(cv, it->items[1], k, &steps[i].rate)) {
            free(steps);
            return -1;
        }
        if (!(steps[i].t_s >= 0) || (i && !(steps[i].t_s > steps[i - 1].t_s))) {
            free(steps);
            return fail_at(cv, it->items[0], "%s: times must start at 0 or later and increase", k);
        }
        if (!(steps[i].rate >= f->lo && steps[i].rate <= f->hi)) {
            free(steps);
            return fail_at(cv, it->items[1], "%s: a rate must be between %g and %g", k, f->lo, f->hi);
        }
    }
    free(out->steps);
    out->steps = steps;
    out->n = v->n;
    return 0;
}

double prr_schedule_rate(const struct prr_schedule *s, double base, double t_s)
{
    double r = base;
    for (size_t i = 0; i < s->n && s->steps[i].t_s <= t_s; i++)
        r = s->steps[i].rate;
    return r;
}

double prr_schedule_next(const struct prr_schedule *s, double t_s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->steps[i].t_s > t_s)
            return s->steps[i].t_s;
    return HUGE_VAL;
}

/* Convert one value into base + f->off according to its field. */
static int convert(struct conv *cv, const struct field *f, const struct yt_node *v, const char *key, void *base,
                   struct prr_scenario *sc)
{
    char *p = (char *)base + f->off;
    double d;
    switch (f->type) {
    case F_NUM:
        if (get_number(cv, v, key, &d) || bounded(cv, v, key, f, d))
            return -1;
        *(double *)p = d;
        return 0;
    case F_NS:
        if (get_number(cv, v, key, &d) || bounded(cv, v, key, f, d))
            return -1;
        *(int64_t *)p = (int64_t)llround(d * 1e9);
        return 0;
    case F_U32:
        if (get_whole(cv, v, key, f->lo, f->hi, &d))
            return -1;
        *(uint32_t *)p = (uint32_t)d;
        return 0;
    case F_U64:
        if (get_whole(cv, v, key, f->lo, f->hi, &d))
            return -1;
        *(uint64_t *)p = (uint64_t)d;
        return 0;
    case F_BOOL:
        return get_bool(cv, v, key, (bool *)p);
    case F_STR:
        return get_string(cv, v, key, (char **)p);
    case F_ENUM:
        if (v->kind == YT_SCALAR)
            for (int i = 0; f->names[i]; i++)
                if (!strcmp(v->text, f->names[i])) {
                    *(int *)p = i;
                    return 0;
                }
        {
            char allowed[160] = "";
            for (int i = 0; f->names[i]; i++) {
                strncat(allowed, i ? ", " : "", sizeof allowed - strlen(allowed) - 1);
                strncat(allowed, f->names[i], sizeof allowed - strlen(allowed) - 1);
            }
            return fail_at(cv, v, "%s: expected one of %s, got %s%.60s%s", key, allowed, v->kind == YT_SCALAR ? "'" : "",
                           v->kind == YT_SCALAR ? v->text : kind_name(v), v->kind == YT_SCALAR ? "'" : "");
        }
    case F_CUSTOM:
        return f->custom(cv, v, key, sc);
    case F_SCHED:
        return conv_schedule(cv, v, key, f, (struct prr_schedule *)p);
    }
    return -1;
}

/* Every key of a map against a field table. */
static int convert_map(struct conv *cv, const struct yt_node *map, const char *prefix, const struct field *fields,
                       void *base, struct prr_scenario *sc)
{
    if (map->kind != YT_MAP) {
        char name[64];
        snprintf(name, sizeof name, "%s", prefix);
        if (*name)
            name[strlen(name) - 1] = '\0';
        return fail_at(cv, map, "%s: expected a map, got %s", name, kind_name(map));
    }
    for (size_t i = 0; i < map->n; i++) {
        const struct yt_node *k = map->keys[i];
        const struct field *f = fields;
        while (f->key && strcmp(f->key, k->text))
            f++;
        if (!f->key)
            return unknown_key(cv, k, prefix, fields, NULL);
        char key[128];
        snprintf(key, sizeof key, "%s%s", prefix, f->key);
        if (convert(cv, f, map->items[i], key, base, sc))
            return -1;
    }
    return 0;
}

/* ---- custom fields ---- */

static int conv_network_model(struct conv *cv, const struct yt_node *v, const char *key, struct prr_scenario *sc)
{
    if (v->kind == YT_SCALAR && (!strcmp(v->text, "flow") || !strcmp(v->text, "ns3"))) {
        snprintf(sc->network, sizeof sc->network, "%s", v->text);
        return 0;
    }
    return fail_at(cv, v, "%s: expected flow or ns3, got %s%.60s%s", key, v->kind == YT_SCALAR ? "'" : "",
                   v->kind == YT_SCALAR ? v->text : kind_name(v), v->kind == YT_SCALAR ? "'" : "");
}

static int conv_regions(struct conv *cv, const struct yt_node *v, const char *key, struct prr_scenario *sc)
{
    if (v->kind != YT_SEQ || v->n == 0)
        return fail_at(cv, v, "%s: expected a non-empty list of {name, share, up_mbps, down_mbps}", key);
    if (v->n > PRR_MAX_REGIONS)
        return fail_at(cv, v, "%s: at most %d regions", key, PRR_MAX_REGIONS);
    struct prr_region *r = calloc(v->n, sizeof *r);
    if (!r)
        return fail_at(cv, v, "out of memory");
    free(sc->regions);
    sc->regions = r;
    sc->n_regions = v->n;
    double total = 0;
    for (size_t i = 0; i < v->n; i++) {
        const struct yt_node *it = v->items[i];
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s.%zu.", key, i);
        if (it->kind != YT_MAP)
            return fail_at(cv, it, "%s.%zu: expected {name, share, up_mbps, down_mbps}", key, i);
        const char *const need[] = {"name", "share", "up_mbps", "down_mbps"};
        for (size_t k = 0; k < 4; k++)
            if (!yt_get(it, need[k]))
                return fail_at(cv, it, "%s.%zu: missing '%s'", key, i, need[k]);
        const struct yt_node *name = yt_get(it, "name");
        if (name->kind != YT_SCALAR || !*name->text || strlen(name->text) >= sizeof r[i].name)
            return fail_at(cv, name, "%s.%zu.name: expected a name of 1 to 31 characters", key, i);
        snprintf(r[i].name, sizeof r[i].name, "%s", name->text);
        for (size_t j = 0; j < i; j++)
            if (!strcmp(r[j].name, r[i].name))
                return fail_at(cv, name, "%s.%zu.name: region '%s' appears twice", key, i, r[i].name);
        if (convert_map(cv, it, prefix, region_fields, &r[i], sc))
            return -1;
        total += r[i].share;
    }
    if (!(total > 0))
        return fail_at(cv, v, "%s: the shares must not all be zero", key);
    return 0;
}

static int conv_latency(struct conv *cv, const struct yt_node *v, const char *key, struct prr_scenario *sc)
{
    if (v->kind != YT_SEQ || v->n == 0 || v->n > PRR_MAX_REGIONS)
        return fail_at(cv, v, "%s: expected a square matrix (a list of rows)", key);
    size_t n = v->n;
    double *m = calloc(n * n, sizeof *m);
    if (!m)
        return fail_at(cv, v, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const struct yt_node *row = v->items[i];
        if (row->kind != YT_SEQ || row->n != n) {
            free(m);
            return fail_at(cv, row, "%s: row %zu must list %zu latencies (the matrix is square)", key, i, n);
        }
        for (size_t j = 0; j < n; j++) {
            char k[96];
            snprintf(k, sizeof k, "%s[%zu][%zu]", key, i, j);
            double d;
            if (get_number(cv, row->items[j], k, &d)) {
                free(m);
                return -1;
            }
            if (!(d >= 0 && d <= 1e6)) {
                free(m);
                return fail_at(cv, row->items[j], "%s: must be between 0 and 1e6 ms", k);
            }
            m[i * n + j] = d;
        }
    }
    free(sc->latency_ms);
    sc->latency_ms = m; /* checked against the region count once both are read */
    return 0;
}

static int conv_verify_us(struct conv *cv, const struct yt_node *v, const char *key, struct prr_scenario *sc)
{
    double d;
    if (get_number(cv, v, key, &d))
        return -1;
    if (!(d >= 0 && d <= 1e9))
        return fail_at(cv, v, "%s: must be between 0 and 1e9, got %.60s", key, v->text);
    sc->model.verify_ns = (int64_t)llround(d * 1e3);
    return 0;
}

static int conv_node_list(struct conv *cv, const struct yt_node *v, const char *key, uint32_t **out, size_t *n)
{
    if (v->kind != YT_SEQ)
        return fail_at(cv, v, "%s: expected a list of node ids", key);
    uint32_t *ids = calloc(v->n ? v->n : 1, sizeof *ids);
    if (!ids)
        return fail_at(cv, v, "out of memory");
    for (size_t i = 0; i < v->n; i++) {
        double d = 0;
        char k[96];
        snprintf(k, sizeof k, "%s.%zu", key, i);
        if (get_whole(cv, v->items[i], k, 0, PRR_MAX_NODES - 1, &d)) {
            free(ids);
            return -1;
        }
        ids[i] = (uint32_t)d;
    }
    free(*out);
    *out = ids;
    *n = v->n;
    return 0;
}

static int conv_miners(struct conv *cv, const struct yt_node *v, const char *key, struct prr_scenario *sc)
{
    return conv_node_list(cv, v, key, &sc->miners, &sc->n_miners);
}

static int conv_honest_nodes(struct conv *cv, const struct yt_node *v, const char *key, struct prr_scenario *sc)
{
    return conv_node_list(cv, v, key, &sc->honest_nodes, &sc->n_honest_nodes);
}

/* A number, or {dist: lognormal, median, sigma} or {dist: choice, values, weights}. A number or a value
 * must be greater than 0, or at least 0 when zero_ok. */
static int conv_dist(struct conv *cv, const struct yt_node *v, const char *key, struct prr_dist *d, bool zero_ok)
{
    free(d->values);
    free(d->weights);
    memset(d, 0, sizeof *d);
    if (v->kind == YT_SCALAR) {
        d->kind = PRR_DIST_CONST;
        if (get_number(cv, v, key, &d->value))
            return -1;
        if (!(d->value > 0 || (zero_ok && d->value == 0)))
            return fail_at(cv, v, "%s: must be %s 0, got %.60s", key, zero_ok ? "at least" : "greater than", v->text);
        return 0;
    }
    if (v->kind != YT_MAP)
        return fail_at(cv, v, "%s: expected a number or {dist: lognormal|choice, ...}", key);
    const struct yt_node *dist = yt_get(v, "dist");
    if (!dist || dist->kind != YT_SCALAR)
        return fail_at(cv, v, "%s: missing 'dist' (lognormal or choice)", key);
    char k[96];
    if (!strcmp(dist->text, "lognormal")) {
        d->kind = PRR_DIST_LOGNORMAL;
        for (size_t i = 0; i < v->n; i++) {
            const char *name = v->keys[i]->text;
            snprintf(k, sizeof k, "%s.%s", key, name);
            if (!strcmp(name, "dist"))
                continue;
            if (!strcmp(name, "median")) {
                if (get_number(cv, v->items[i], k, &d->median))
                    return -1;
                if (!(d->median > 0))
                    return fail_at(cv, v->items[i], "%s: must be greater than 0", k);
            } else if (!strcmp(name, "sigma")) {
                if (get_number(cv, v->items[i], k, &d->sigma))
                    return -1;
                if (!(d->sigma >= 0 && d->sigma <= 20))
                    return fail_at(cv, v->items[i], "%s: must be between 0 and 20", k);
            } else {
                static const char *const allowed[] = {"dist", "median", "sigma", NULL};
                char prefix[96];
                snprintf(prefix, sizeof prefix, "%s.", key);
                return unknown_key(cv, v->keys[i], prefix, NULL, allowed);
            }
        }
        if (!yt_get(v, "median") || !yt_get(v, "sigma"))
            return fail_at(cv, v, "%s: a lognormal needs median and sigma", key);
        return 0;
    }
    if (!strcmp(dist->text, "choice")) {
        d->kind = PRR_DIST_CHOICE;
        const struct yt_node *vals = NULL, *wts = NULL;
        for (size_t i = 0; i < v->n; i++) {
            const char *name = v->keys[i]->text;
            if (!strcmp(name, "values"))
                vals = v->items[i];
            else if (!strcmp(name, "weights"))
                wts = v->items[i];
            else if (strcmp(name, "dist")) {
                static const char *const allowed[] = {"dist", "values", "weights", NULL};
                char prefix[96];
                snprintf(prefix, sizeof prefix, "%s.", key);
                return unknown_key(cv, v->keys[i], prefix, NULL, allowed);
            }
        }
        if (!vals || vals->kind != YT_SEQ || vals->n == 0)
            return fail_at(cv, vals ? vals : v, "%s.values: expected a non-empty list of values", key);
        if (wts && (wts->kind != YT_SEQ || wts->n != vals->n))
            return fail_at(cv, wts, "%s.weights: expected one weight per value", key);
        d->n = vals->n;
        d->values = calloc(d->n, sizeof *d->values);
        d->weights = calloc(d->n, sizeof *d->weights);
        if (!d->values || !d->weights)
            return fail_at(cv, v, "out of memory");
        double total = 0;
        for (size_t i = 0; i < d->n; i++) {
            snprintf(k, sizeof k, "%s.values.%zu", key, i);
            if (get_number(cv, vals->items[i], k, &d->values[i]))
                return -1;
            if (!(d->values[i] > 0 || (zero_ok && d->values[i] == 0)))
                return fail_at(cv, vals->items[i], "%s: must be %s 0", k, zero_ok ? "at least" : "greater than");
            d->weights[i] = 1;
            if (wts) {
                snprintf(k, sizeof k, "%s.weights.%zu", key, i);
                if (get_number(cv, wts->items[i], k, &d->weights[i]))
                    return -1;
                if (!(d->weights[i] >= 0))
                    return fail_at(cv, wts->items[i], "%s: must not be negative", k);
            }
            total += d->weights[i];
        }
        if (!(total > 0))
            return fail_at(cv, wts ? wts : v, "%s.weights: must not all be zero", key);
        return 0;
    }
    return fail_at(cv, dist, "%s.dist: expected lognormal or choice, got '%.60s'", key, dist->text);
}

static int conv_hashrate(struct conv *cv, const struct yt_node *v, const char *key, struct prr_scenario *sc)
{
    return conv_dist(cv, v, key, &sc->honest_hashrate, false);
}

static int conv_fee(struct conv *cv, const struct yt_node *v, const char *key, struct prr_scenario *sc)
{
    return conv_dist(cv, v, key, &sc->honest_fee, true);
}

/* ---- lists of items: attackers, script ---- */

static int conv_attackers(struct conv *cv, const struct yt_node *v, struct prr_scenario *sc)
{
    if (v->kind != YT_SEQ)
        return fail_at(cv, v, "attackers: expected a list");
    sc->attackers = calloc(v->n ? v->n : 1, sizeof *sc->attackers);
    if (!sc->attackers)
        return fail_at(cv, v, "out of memory");
    sc->n_attackers = v->n;
    for (size_t i = 0; i < v->n; i++) {
        struct prr_attacker *a = &sc->attackers[i];
        *a = (struct prr_attacker){.count = 1, .connections = 0, .hashrate = 1e5, .rate = 100, .start_s = 0,
                                   .stop_s = -1, .fee = 20, .strategy = PR_ATTACK_FLOOD,
                                   .max_solve_s = 60};
        char prefix[32];
        snprintf(prefix, sizeof prefix, "attackers.%zu.", i);
        if (convert_map(cv, v->items[i], prefix, attacker_fields, a, sc))
            return -1;
    }
    return 0;
}

static int conv_script(struct conv *cv, const struct yt_node *v, struct prr_scenario *sc)
{
    if (v->kind != YT_SEQ)
        return fail_at(cv, v, "script: expected a list of {t, node, work, kind}");
    sc->script = calloc(v->n ? v->n : 1, sizeof *sc->script);
    if (!sc->script)
        return fail_at(cv, v, "out of memory");
    sc->n_script = v->n;
    for (size_t i = 0; i < v->n; i++) {
        struct prr_script *s = &sc->script[i];
        *s = (struct prr_script){.t = 0, .node = 0, .work = -1, .kind = PRR_HONEST};
        char prefix[32];
        snprintf(prefix, sizeof prefix, "script.%zu.", i);
        if (convert_map(cv, v->items[i], prefix, script_fields, s, sc))
            return -1;
        if (!yt_get(v->items[i], "t") || !yt_get(v->items[i], "node"))
            return fail_at(cv, v->items[i], "script.%zu: needs at least t and node", i);
    }
    return 0;
}

/* ---- defence: the relay defence and its own parameters (docs/defences.md) ---- */

/* A defence's parameter named `key`, or NULL. */
static const struct pr_defence_param *defence_param(const struct pr_defence_info *d, const char *key, size_t *index)
{
    for (size_t i = 0; d && i < d->n_params; i++)
        if (!strcmp(d->params[i].key, key)) {
            if (index)
                *index = i;
            return &d->params[i];
        }
    return NULL;
}

/* defence: {policy: NAME, NAME2: {key: value, ...}, ...}: every defence's keys are checked; the chosen
 * one's values (or defaults) go into the model's config. */
static int conv_defence(struct conv *cv, const struct yt_node *v, struct prr_scenario *sc)
{
    if (v->kind != YT_MAP)
        return fail_at(cv, v, "defence: expected a map: {policy: NAME, NAME: {its keys}}");
    const struct pr_defence_info *chosen = pr_defence_find("original");
    const struct yt_node *pol = yt_get(v, "policy");
    if (pol) {
        chosen = pol->kind == YT_SCALAR ? pr_defence_find(pol->text) : NULL;
        if (!chosen) {
            char names[256] = "";
            for (size_t i = 0; i < pr_defence_count(); i++) {
                strncat(names, i ? ", " : "", sizeof names - strlen(names) - 1);
                strncat(names, pr_defence_at(i)->name, sizeof names - strlen(names) - 1);
            }
            return fail_at(cv, pol, "defence.policy: expected one of %s, got %s%.60s%s", names,
                           pol->kind == YT_SCALAR ? "'" : "", pol->kind == YT_SCALAR ? pol->text : kind_name(pol),
                           pol->kind == YT_SCALAR ? "'" : "");
        }
    }
    sc->model.defence = chosen;
    for (size_t i = 0; i < chosen->n_params; i++)
        sc->model.defence_params[i] = chosen->params[i].def;
    for (size_t i = 0; i < v->n; i++) {
        const struct yt_node *k = v->keys[i], *m = v->items[i];
        if (!strcmp(k->text, "policy"))
            continue;
        const struct pr_defence_info *d = pr_defence_find(k->text);
        if (!d) {
            const char *names[40];
            size_t q = 0;
            names[q++] = "policy";
            for (size_t j = 0; j < pr_defence_count() && q < 39; j++)
                names[q++] = pr_defence_at(j)->name;
            names[q] = NULL;
            return unknown_key(cv, k, "defence.", NULL, names);
        }
        if (m->kind != YT_MAP)
            return fail_at(cv, m, "defence.%s: expected a map of its keys", d->name);
        for (size_t j = 0; j < m->n; j++) {
            const struct yt_node *pk = m->keys[j];
            char key[160];
            snprintf(key, sizeof key, "defence.%s.%s", d->name, pk->text);
            size_t idx;
            const struct pr_defence_param *pp = defence_param(d, pk->text, &idx);
            if (!pp) {
                const char *names[PR_DEFENCE_MAX_PARAMS + 1];
                for (size_t q = 0; q < d->n_params; q++)
                    names[q] = d->params[q].key;
                names[d->n_params] = NULL;
                char prefix[80];
                snprintf(prefix, sizeof prefix, "defence.%s.", d->name);
                return unknown_key(cv, pk, prefix, NULL, names);
            }
            double x;
            if (pp->names) {
                const struct yt_node *val = m->items[j];
                int found = -1;
                for (int q = 0; val->kind == YT_SCALAR && pp->names[q]; q++)
                    if (!strcmp(val->text, pp->names[q]))
                        found = q;
                if (found < 0) {
                    char allowed[160] = "";
                    for (int q = 0; pp->names[q]; q++) {
                        strncat(allowed, q ? ", " : "", sizeof allowed - strlen(allowed) - 1);
                        strncat(allowed, pp->names[q], sizeof allowed - strlen(allowed) - 1);
                    }
                    return fail_at(cv, val, "%s: expected one of %s, got %s%.60s%s", key, allowed,
                                   val->kind == YT_SCALAR ? "'" : "", val->kind == YT_SCALAR ? val->text : kind_name(val),
                                   val->kind == YT_SCALAR ? "'" : "");
                }
                if (d == chosen)
                    sc->model.defence_params[idx] = found;
                continue;
            }
            struct field f = {.key = pp->key, .lo = pp->lo, .hi = pp->hi,
                              .flags = (pp->flags & PR_PARAM_LO_OPEN ? LO_OPEN : 0) |
                                       (pp->flags & PR_PARAM_HI_OPEN ? HI_OPEN : 0)};
            if ((pp->flags & PR_PARAM_WHOLE) ? get_whole(cv, m->items[j], key, pp->lo, pp->hi, &x)
                                             : (get_number(cv, m->items[j], key, &x) ||
                                                bounded(cv, m->items[j], key, &f, x)))
                return -1;
            if (d == chosen)
                sc->model.defence_params[idx] = x;
        }
    }
    return 0;
}

/* ---- sweep ---- */

/* Whether path is a key a sweep or a search may set; *whole (if given) tells whether its values are
 * whole numbers. */
static bool path_kind(const char *path, const struct prr_scenario *sc, bool *whole)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", path);
    bool w = false;
    if (!whole)
        whole = &w;
    *whole = false;
    if (!strcmp(buf, "defence.policy"))
        return true;
    if (!strncmp(buf, "defence.", 8)) {
        char *dot = strchr(buf + 8, '.');
        if (!dot)
            return false;
        *dot = '\0';
        const struct pr_defence_param *p = defence_param(pr_defence_find(buf + 8), dot + 1, NULL);
        *whole = p && (p->flags & PR_PARAM_WHOLE) && !p->names;
        return p != NULL;
    }
    const struct field *f = NULL;
    char *dot = strchr(buf, '.');
    if (!dot) {
        for (f = top_fields; f->key && strcmp(f->key, buf); f++)
            ;
    } else {
        *dot = '\0';
        const char *rest = dot + 1;
        if (!strcmp(buf, "attackers") || !strcmp(buf, "script")) {
            char *end;
            unsigned long idx = strtoul(rest, &end, 10);
            if (end == rest || *end != '.' ||
                idx >= (!strcmp(buf, "attackers") ? sc->n_attackers : sc->n_script))
                return false;
            for (f = !strcmp(buf, "attackers") ? attacker_fields : script_fields; f->key && strcmp(f->key, end + 1);
                 f++)
                ;
        } else {
            size_t q = 0;
            while (q < sizeof sections / sizeof sections[0] && strcmp(sections[q].name, buf))
                q++;
            if (q == sizeof sections / sizeof sections[0])
                return false;
            for (f = sections[q].fields; f->key && strcmp(f->key, rest); f++)
                ;
        }
    }
    if (!f || !f->key)
        return false;
    *whole = f->type == F_U32 || f->type == F_U64;
    return true;
}

static bool known_path(const char *path, const struct prr_scenario *sc) { return path_kind(path, sc, NULL); }

static int conv_sweep(struct conv *cv, const struct yt_node *v, struct prr_scenario *sc)
{
    if (v->kind != YT_MAP)
        return fail_at(cv, v, "sweep: expected a map of parameter paths to lists, zip, extra and replications");
    size_t slots = v->n;
    const struct yt_node *zip = yt_get(v, "zip");
    if (zip && zip->kind == YT_MAP)
        slots += zip->n;
    sc->sweep = calloc(slots ? slots : 1, sizeof *sc->sweep);
    if (!sc->sweep)
        return fail_at(cv, v, "out of memory");
    for (size_t i = 0; i < v->n; i++) {
        const struct yt_node *k = v->keys[i], *val = v->items[i];
        if (!strcmp(k->text, "replications")) {
            double d;
            if (get_whole(cv, val, "sweep.replications", 1, 1e6, &d))
                return -1;
            sc->replications = (uint32_t)d;
            continue;
        }
        if (!strcmp(k->text, "zip")) {
            /* lists of one length, varied together: one dimension of the design */
            if (val->kind != YT_MAP || val->n == 0)
                return fail_at(cv, val, "sweep.zip: expected a map of parameter paths to lists of one length");
            for (size_t j = 0; j < val->n; j++) {
                const struct yt_node *zk = val->keys[j], *zv = val->items[j];
                if (!strncmp(zk->text, "sweep", 5) || !known_path(zk->text, sc))
                    return fail_at(cv, zk, "sweep.zip: '%.80s' is not a scenario key that can be swept", zk->text);
                if (zv->kind != YT_SEQ || zv->n == 0)
                    return fail_at(cv, zv, "sweep.zip.%.80s: expected a non-empty list of values", zk->text);
                if (zv->n != val->items[0]->n)
                    return fail_at(cv, zv, "sweep.zip.%.80s: %zu values, but sweep.zip.%.80s has %zu: zipped lists "
                                           "go together, one length", zk->text, zv->n, val->keys[0]->text,
                                   val->items[0]->n);
                struct prr_sweep_param *p = &sc->sweep[sc->n_sweep++];
                p->path = strdup(zk->text);
                p->values = zv;
                p->zip = 1;
                if (!p->path)
                    return fail_at(cv, v, "out of memory");
            }
            continue;
        }
        if (!strcmp(k->text, "extra")) {
            /* single points outside the cross product: each a map of paths to values */
            if (val->kind != YT_SEQ || val->n == 0)
                return fail_at(cv, val, "sweep.extra: expected a list of points, each {path: value, ...}");
            for (size_t j = 0; j < val->n; j++) {
                const struct yt_node *pt = val->items[j];
                if (pt->kind != YT_MAP || pt->n == 0)
                    return fail_at(cv, pt, "sweep.extra.%zu: expected a map of parameter paths to values", j);
                for (size_t q = 0; q < pt->n; q++)
                    if (!strncmp(pt->keys[q]->text, "sweep", 5) || !known_path(pt->keys[q]->text, sc))
                        return fail_at(cv, pt->keys[q], "sweep.extra.%zu: '%.80s' is not a scenario key that can be "
                                                        "swept", j, pt->keys[q]->text);
            }
            sc->sweep_extra = val;
            continue;
        }
        if (!strcmp(k->text, "sweep") || !strncmp(k->text, "sweep.", 6) || !known_path(k->text, sc))
            return fail_at(cv, k, "sweep: '%.80s' is not a scenario key that can be swept", k->text);
        if (val->kind != YT_SEQ || val->n == 0)
            return fail_at(cv, val, "sweep.%.80s: expected a non-empty list of values", k->text);
        struct prr_sweep_param *p = &sc->sweep[sc->n_sweep++];
        p->path = strdup(k->text);
        p->values = val;
        if (!p->path)
            return fail_at(cv, v, "out of memory");
    }
    return 0;
}

bool prr_scenario_key_is_whole(const char *path, const struct prr_scenario *sc)
{
    bool whole = false;
    return path_kind(path, sc, &whole) && whole;
}

/* ---- search: a multi-objective search over defences' parameters (docs/search.md) ---- */

/* A parameter's range: {low, high[, log]} (numbers, low < high; log needs low > 0) or a list of values. */
static int check_range(struct conv *cv, const struct yt_node *v, const char *key)
{
    if (v->kind == YT_SEQ) {
        if (v->n == 0)
            return fail_at(cv, v, "%s: a list of values must not be empty", key);
        return 0;
    }
    if (v->kind != YT_MAP)
        return fail_at(cv, v, "%s: expected {low, high, log} or a list of values", key);
    double lo = 0, hi = 0;
    bool log_scale = false;
    for (size_t i = 0; i < v->n; i++) {
        const char *k = v->keys[i]->text;
        char full[200];
        snprintf(full, sizeof full, "%s.%s", key, k);
        if (!strcmp(k, "low")) {
            if (get_number(cv, v->items[i], full, &lo))
                return -1;
        } else if (!strcmp(k, "high")) {
            if (get_number(cv, v->items[i], full, &hi))
                return -1;
        } else if (!strcmp(k, "log")) {
            if (get_bool(cv, v->items[i], full, &log_scale))
                return -1;
        } else {
            static const char *const allowed[] = {"low", "high", "log", NULL};
            char prefix[200];
            snprintf(prefix, sizeof prefix, "%s.", key);
            return unknown_key(cv, v->keys[i], prefix, NULL, allowed);
        }
    }
    if (!yt_get(v, "low") || !yt_get(v, "high"))
        return fail_at(cv, v, "%s: a range needs low and high", key);
    if (!(lo < hi))
        return fail_at(cv, v, "%s: low (%g) must be below high (%g)", key, lo, hi);
    if (log_scale && !(lo > 0))
        return fail_at(cv, v, "%s: a log range needs low > 0", key);
    return 0;
}

static int conv_search(struct conv *cv, const struct yt_node *v, struct prr_scenario *sc)
{
    if (v->kind != YT_MAP)
        return fail_at(cv, v, "search: expected a map: defences, objectives, replications, trials, seed");
    const struct yt_node *defs = yt_get(v, "defences"), *objs = yt_get(v, "objectives");
    for (size_t i = 0; i < v->n; i++) {
        const char *k = v->keys[i]->text;
        const struct yt_node *x = v->items[i];
        double d;
        if (!strcmp(k, "replications")) {
            if (get_whole(cv, x, "search.replications", 1, 1e4, &d))
                return -1;
        } else if (!strcmp(k, "trials")) {
            if (get_whole(cv, x, "search.trials", 1, 1e6, &d))
                return -1;
        } else if (!strcmp(k, "seed")) {
            if (get_whole(cv, x, "search.seed", 0, 4294967295.0, &d))
                return -1;
        } else if (strcmp(k, "defences") && strcmp(k, "objectives")) {
            static const char *const allowed[] = {"defences", "objectives", "replications", "trials", "seed", NULL};
            return unknown_key(cv, v->keys[i], "search.", NULL, allowed);
        }
    }
    if (!defs || defs->kind != YT_MAP || defs->n == 0)
        return fail_at(cv, defs ? defs : v, "search.defences: expected a map of defence names to their parameter ranges");
    for (size_t i = 0; i < defs->n; i++) {
        const struct yt_node *name = defs->keys[i], *params = defs->items[i];
        const struct pr_defence_info *d = pr_defence_find(name->text);
        if (!d) {
            const char *names[40];
            size_t q = 0;
            for (size_t j = 0; j < pr_defence_count() && q < 39; j++)
                names[q++] = pr_defence_at(j)->name;
            names[q] = NULL;
            return unknown_key(cv, name, "search.defences.", NULL, names);
        }
        if (params->kind == YT_SCALAR && !*params->text)
            continue; /* a defence at its defaults */
        if (params->kind != YT_MAP)
            return fail_at(cv, params, "search.defences.%s: expected a map of parameter paths to ranges", d->name);
        for (size_t j = 0; j < params->n; j++) {
            const struct yt_node *path = params->keys[j];
            char key[256];
            snprintf(key, sizeof key, "search.defences.%s.%s", d->name, path->text);
            if (!strcmp(path->text, "defence.policy") || !strncmp(path->text, "sweep", 5) ||
                !strncmp(path->text, "search", 6) || !known_path(path->text, sc))
                return fail_at(cv, path, "%s: '%.80s' is not a scenario key that can be searched", key, path->text);
            if (check_range(cv, params->items[j], key))
                return -1;
        }
    }
    if (!objs || objs->kind != YT_MAP || objs->n == 0)
        return fail_at(cv, objs ? objs : v, "search.objectives: expected a map of summary keys to minimize or maximize");
    for (size_t i = 0; i < objs->n; i++) {
        const struct yt_node *key = objs->keys[i], *dir = objs->items[i];
        bool known = false;
        for (size_t q = 0; prr_summary_answers[q]; q++)
            known |= !strcmp(prr_summary_answers[q], key->text);
        if (!known)
            return fail_at(cv, key, "search.objectives: '%.80s' is not a numeric answer of summary.json", key->text);
        if (dir->kind != YT_SCALAR || (strcmp(dir->text, "minimize") && strcmp(dir->text, "maximize")))
            return fail_at(cv, dir, "search.objectives.%s: expected minimize or maximize", key->text);
    }
    sc->search = v;
    return 0;
}

/* ---- the whole scenario ---- */

static void defaults(struct prr_scenario *sc)
{
    memset(sc, 0, sizeof *sc);
    pr_config_default(&sc->model);
    sc->seed = 1;
    sc->duration_s = 600;
    snprintf(sc->network, sizeof sc->network, "flow");
    sc->jitter = 0.1;
    sc->loss = 0;
    sc->nodes = 1000;
    sc->peers_min = 12;
    sc->peers_max = 24;
    sc->peers_outbound = 8;
    sc->peers_inbound_share = 1;
    sc->peers_max_inbound = PR_MAX_PEERS;
    sc->tx_bytes = 1535;
    sc->relay_hashrate = 2000;
    sc->blocks_enabled = true;
    sc->block_interval_s = 120;
    sc->block_max_bytes = 300000;
    sc->honest_rate = 1;
    sc->honest_hashrate = (struct prr_dist){.kind = PRR_DIST_CONST, .value = 500};
    sc->honest_fee = (struct prr_dist){.kind = PRR_DIST_CONST, .value = 80};
    sc->block_policy = PR_BLOCKS_SIMPLE;
    sc->block_reward = 6e8; /* 0.6 XMR, Monero's tail emission, in nanonero */
    sc->block_median_window = 100;
    sc->block_initial_weight = 0;
    sc->block_reserved = 600;
    sc->spies_fraction = 0;
    sc->output_interval_s = 10;
    sc->replications = 1;
}

static int set_default_regions(struct prr_scenario *sc)
{
    size_t n = sizeof default_regions / sizeof default_regions[0];
    if (!sc->regions) {
        sc->regions = malloc(sizeof default_regions);
        if (!sc->regions)
            return -1;
        memcpy(sc->regions, default_regions, sizeof default_regions);
        sc->n_regions = n;
    }
    if (!sc->latency_ms && sc->n_regions == n) {
        sc->latency_ms = malloc(sizeof default_latency_ms);
        if (!sc->latency_ms)
            return -1;
        memcpy(sc->latency_ms, default_latency_ms, sizeof default_latency_ms);
    }
    return 0;
}

/* Where a key was written, for cross-field errors; the nearest enclosing node if it was not. */
static const struct yt_node *where(const struct yt_node *root, const char *section, const char *key)
{
    const struct yt_node *s = yt_get(root, section);
    const struct yt_node *k = key ? yt_get(s, key) : NULL;
    return k ? k : s ? s : root;
}

static int check_node_ids(struct conv *cv, const uint32_t *ids, size_t n, uint32_t nodes, const struct yt_node *at,
                          const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (ids[i] >= nodes) {
            const struct yt_node *item = at && at->kind == YT_SEQ && i < at->n ? at->items[i] : at;
            return fail_at(cv, item, "%s: node %u does not exist (nodes.count is %u)", key, ids[i], nodes);
        }
    return 0;
}

static int cross_checks(struct conv *cv, struct prr_scenario *sc)
{
    const struct yt_node *root = cv->root;
    if (sc->peers_min > sc->peers_max)
        return fail_at(cv, where(root, "peers", "min"), "peers.min (%u) is larger than peers.max (%u)", sc->peers_min,
                       sc->peers_max);
    if (sc->peers_outbound > sc->peers_max)
        return fail_at(cv, where(root, "peers", "outbound"), "peers.outbound (%u) is larger than peers.max (%u)",
                       sc->peers_outbound, sc->peers_max);
    if (sc->nodes <= sc->peers_min)
        return fail_at(cv, where(root, "nodes", "count"),
                       "nodes.count (%u) must be larger than peers.min (%u): every node needs peers.min distinct peers",
                       sc->nodes, sc->peers_min);
    if (!sc->latency_ms)
        return fail_at(cv, where(root, "network", "regions"),
                       "network.latency_ms: give the latency matrix for the %zu regions of network.regions",
                       sc->n_regions);
    const struct yt_node *lat = yt_get(yt_get(root, "network"), "latency_ms");
    size_t lat_n = lat && lat->kind == YT_SEQ ? lat->n : 6;
    if (lat_n != sc->n_regions)
        return fail_at(cv, lat ? lat : where(root, "network", "regions"),
                       "network.latency_ms: a %zu x %zu matrix for %zu regions", lat_n, lat_n, sc->n_regions);
    if (sc->model.difficulty_max < sc->model.pow_base)
        return fail_at(cv, where(root, "difficulty", "max"), "difficulty.max (%g) is below pow.base (%g)",
                       sc->model.difficulty_max, sc->model.pow_base);
    if (check_node_ids(cv, sc->miners, sc->n_miners, sc->nodes, where(root, "blocks", "miners"), "blocks.miners") ||
        check_node_ids(cv, sc->honest_nodes, sc->n_honest_nodes, sc->nodes, where(root, "honest", "nodes"),
                       "honest.nodes"))
        return -1;
    if (sc->blocks_enabled && sc->block_max_bytes < sc->tx_bytes)
        return fail_at(cv, where(root, "blocks", "max_bytes"), "blocks.max_bytes (%llu) cannot hold one transaction",
                       (unsigned long long)sc->block_max_bytes);
    if (sc->block_policy == PR_BLOCKS_MONERO && sc->block_reserved + sc->tx_bytes > 2 * sc->block_max_bytes)
        return fail_at(cv, where(root, "blocks", "reserved"),
                       "blocks.reserved (%llu) leaves no room for a transaction in twice blocks.max_bytes (%llu)",
                       (unsigned long long)sc->block_reserved, (unsigned long long)sc->block_max_bytes);
    const struct yt_node *atk = yt_get(root, "attackers");
    uint64_t existing = 0;
    for (size_t i = 0; i < sc->n_attackers; i++) {
        struct prr_attacker *a = &sc->attackers[i];
        const struct yt_node *it = atk && i < atk->n ? atk->items[i] : atk;
        if (a->stop_s < 0)
            a->stop_s = sc->duration_s;
        if (a->stop_s < a->start_s)
            return fail_at(cv, yt_get(it, "stop_s") ? yt_get(it, "stop_s") : it,
                           "attackers.%zu: stop_s (%g) is before start_s (%g)", i, a->stop_s, a->start_s);
        if (a->connections > sc->peers_max)
            return fail_at(cv, yt_get(it, "connections"), "attackers.%zu.connections (%u) is above peers.max (%u)", i,
                           a->connections, sc->peers_max);
        if (a->connections == 0)
            existing += a->count;
    }
    if (existing >= sc->nodes)
        return fail_at(cv, atk, "attackers: %llu existing nodes turned attacker leave no honest node",
                       (unsigned long long)existing);
    const struct yt_node *scr = yt_get(root, "script");
    for (size_t i = 0; i < sc->n_script; i++) {
        const struct yt_node *it = scr && i < scr->n ? scr->items[i] : scr;
        if (sc->script[i].node >= sc->nodes)
            return fail_at(cv, yt_get(it, "node"), "script.%zu.node: node %u does not exist (nodes.count is %u)", i,
                           sc->script[i].node, sc->nodes);
        if (sc->script[i].t > sc->duration_s)
            return fail_at(cv, yt_get(it, "t"), "script.%zu.t: %g is after duration_s (%g)", i, sc->script[i].t,
                           sc->duration_s);
    }
    const char *field = NULL;
    if (pr_config_check(&sc->model, &field) != 0)
        return fail_at(cv, root, "%s: out of range", field ? field : "model");
    return 0;
}

int prr_scenario_read(const struct yt_node *root, const char *file, struct prr_scenario *sc, char *err, size_t errlen)
{
    struct conv cv = {.err = err, .errlen = errlen, .root = root};
    defaults(sc);
    if (!root || root->kind != YT_MAP) {
        prr_scenario_free(sc);
        return fail_at(&cv, root, "a scenario is a map of keys (see docs/scenario.md)");
    }
    static const char *const lists[] = {"attackers", "script", "sweep", "defence", "search", NULL};
    for (size_t i = 0; i < root->n; i++) {
        const struct yt_node *k = root->keys[i], *v = root->items[i];
        const struct field *f = top_fields;
        while (f->key && strcmp(f->key, k->text))
            f++;
        int rc = 0;
        if (f->key) {
            rc = convert(&cv, f, v, f->key, sc, sc);
        } else if (!strcmp(k->text, "defence")) {
            rc = conv_defence(&cv, v, sc);
        } else if (!strcmp(k->text, "attackers")) {
            rc = conv_attackers(&cv, v, sc);
        } else if (!strcmp(k->text, "script")) {
            rc = conv_script(&cv, v, sc);
        } else if (!strcmp(k->text, "sweep") || !strcmp(k->text, "search")) {
            rc = 0; /* after everything else: they check their paths against the scenario */
        } else {
            size_t s = 0;
            while (s < sizeof sections / sizeof sections[0] && strcmp(sections[s].name, k->text))
                s++;
            if (s == sizeof sections / sizeof sections[0]) {
                const char *names[32];
                size_t m = 0;
                for (const struct field *t = top_fields; t->key; t++)
                    names[m++] = t->key;
                for (size_t q = 0; q < sizeof sections / sizeof sections[0]; q++)
                    names[m++] = sections[q].name;
                for (size_t q = 0; lists[q]; q++)
                    names[m++] = lists[q];
                names[m] = NULL;
                rc = unknown_key(&cv, k, "", NULL, names);
            } else {
                char prefix[32];
                snprintf(prefix, sizeof prefix, "%s.", sections[s].name);
                rc = convert_map(&cv, v, prefix, sections[s].fields, sc, sc);
            }
        }
        if (rc) {
            prr_scenario_free(sc);
            return -1;
        }
    }
    const struct yt_node *sw = yt_get(root, "sweep"), *se = yt_get(root, "search");
    if ((sw && conv_sweep(&cv, sw, sc)) || (se && conv_search(&cv, se, sc)) || set_default_regions(sc) ||
        cross_checks(&cv, sc)) {
        if (!*err)
            fail_at(&cv, root, "out of memory");
        prr_scenario_free(sc);
        return -1;
    }
    if (!sc->name) {
        const char *base = strrchr(file, '/');
        base = base ? base + 1 : file;
        size_t len = strlen(base);
        if (len > 5 && !strcmp(base + len - 5, ".yaml"))
            len -= 5;
        else if (len > 4 && !strcmp(base + len - 4, ".yml"))
            len -= 4;
        sc->name = strndup(base, len);
    }
    if (sc->name && (!*sc->name || strchr(sc->name, '/') || !strcmp(sc->name, ".") || !strcmp(sc->name, ".."))) {
        fail_at(&cv, yt_get(root, "name") ? yt_get(root, "name") : root,
                "name: '%.60s' cannot name an output directory (no '/', not empty)", sc->name);
        prr_scenario_free(sc);
        return -1;
    }
    if (!sc->output_dir && sc->name) {
        size_t len = strlen(sc->name) + 10;
        sc->output_dir = malloc(len);
        if (sc->output_dir)
            snprintf(sc->output_dir, len, "results/%s", sc->name);
    }
    if (!sc->name || !sc->output_dir) {
        fail_at(&cv, root, "out of memory");
        prr_scenario_free(sc);
        return -1;
    }
    sc->model.seed = sc->seed;
    return 0;
}

void prr_scenario_free(struct prr_scenario *sc)
{
    free(sc->name);
    free(sc->regions);
    free(sc->latency_ms);
    free(sc->miners);
    free(sc->honest_nodes);
    free(sc->honest_hashrate.values);
    free(sc->honest_hashrate.weights);
    free(sc->honest_fee.values);
    free(sc->honest_fee.weights);
    for (size_t i = 0; sc->attackers && i < sc->n_attackers; i++)
        free(sc->attackers[i].schedule.steps);
    free(sc->attackers);
    free(sc->honest_schedule.steps);
    free(sc->script);
    free(sc->output_dir);
    for (size_t i = 0; i < sc->n_sweep; i++)
        free(sc->sweep[i].path);
    free(sc->sweep);
    memset(sc, 0, sizeof *sc);
}

/* ---- sources and overrides ---- */

int prr_source_load(const char *path, struct prr_source *src, char *err, size_t errlen)
{
    memset(src, 0, sizeof *src);
    src->path = strdup(path);
    if (!src->path) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    if (yt_load_file(path, &src->doc, err, errlen)) {
        prr_source_free(src);
        return -1;
    }
    return 0;
}

void prr_source_free(struct prr_source *src)
{
    yt_doc_free(&src->doc);
    for (size_t i = 0; i < src->n_extra; i++)
        yt_doc_free(&src->extra[i]);
    free(src->extra);
    free(src->path);
    memset(src, 0, sizeof *src);
}

int prr_tree_set(struct yt_node *root, const char *path, const struct yt_node *value, char *err, size_t errlen)
{
    if (!root || root->kind != YT_MAP) {
        snprintf(err, errlen, "%s: the scenario is not a map", path);
        return -1;
    }
    char buf[256];
    if (strlen(path) >= sizeof buf || !*path) {
        snprintf(err, errlen, "'%.80s': not a scenario key", path);
        return -1;
    }
    snprintf(buf, sizeof buf, "%s", path);
    struct yt_node *cur = root;
    /* Keys that are themselves dotted paths: those of sweep:, search.objectives: and of each defence
     * under search.defences: (`--set sweep.peers.outbound=[8,16]` sets sweep's key "peers.outbound"). */
    size_t whole_from = 0;
    if (!strncmp(buf, "sweep.", 6))
        whole_from = 6;
    else if (!strncmp(buf, "search.objectives.", 18))
        whole_from = 18;
    else if (!strncmp(buf, "search.defences.", 16) && strchr(buf + 16, '.'))
        whole_from = (size_t)(strchr(buf + 16, '.') - buf) + 1;
    char *save = NULL;
    char *part = strtok_r(buf, ".", &save);
    while (part) {
        char *next = NULL;
        if (whole_from && (size_t)(part - buf) == whole_from) {
            /* the rest of the path is this one key: undo strtok's cut */
            for (char *c = part; c < buf + strlen(path); c++)
                if (*c == '\0')
                    *c = '.';
        } else {
            next = strtok_r(NULL, ".", &save);
            if (next && whole_from && (size_t)(next - buf) == whole_from) {
                for (char *c = next; c < buf + strlen(path); c++)
                    if (*c == '\0')
                        *c = '.';
                save = NULL;
            }
        }
        if (cur->kind == YT_SEQ) {
            char *end;
            unsigned long idx = strtoul(part, &end, 10);
            if (end == part || *end || idx >= cur->n) {
                snprintf(err, errlen, "%s: no item %s in the list (it has %zu)", path, part, cur->n);
                return -1;
            }
            if (!next) {
                struct yt_node *copy = yt_clone(value);
                if (!copy)
                    goto oom;
                yt_free(cur->items[idx]);
                cur->items[idx] = copy;
                return 0;
            }
            cur = cur->items[idx];
        } else if (cur->kind == YT_MAP) {
            if (!next) {
                struct yt_node *copy = yt_clone(value);
                if (!copy || yt_set(cur, part, value->file, value->line, value->col, copy)) {
                    yt_free(copy);
                    goto oom;
                }
                return 0;
            }
            struct yt_node *child = yt_get(cur, part);
            if (!child) {
                /* A section not written in the file: create it. */
                child = calloc(1, sizeof *child);
                if (!child)
                    goto oom;
                child->kind = YT_MAP;
                child->file = value->file;
                child->line = value->line;
                child->col = value->col;
                if (yt_set(cur, part, value->file, value->line, value->col, child)) {
                    free(child);
                    goto oom;
                }
            }
            cur = child;
        } else {
            snprintf(err, errlen, "%s: '%s' is not a section", path, part);
            return -1;
        }
        part = next;
    }
    return 0;
oom:
    snprintf(err, errlen, "%s: out of memory", path);
    return -1;
}

int prr_source_set(struct prr_source *src, const char *assignment, char *err, size_t errlen)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment) {
        snprintf(err, errlen, "--set '%.100s': expected path=value", assignment);
        return -1;
    }
    char path[256];
    size_t plen = (size_t)(eq - assignment);
    if (plen >= sizeof path) {
        snprintf(err, errlen, "--set: path too long");
        return -1;
    }
    memcpy(path, assignment, plen);
    path[plen] = '\0';
    struct yt_doc *extra = realloc(src->extra, sizeof *extra * (src->n_extra + 1));
    if (!extra) {
        snprintf(err, errlen, "--set: out of memory");
        return -1;
    }
    src->extra = extra;
    char origin[300];
    snprintf(origin, sizeof origin, "--set %.280s", assignment);
    struct yt_doc *d = &src->extra[src->n_extra];
    if (yt_parse_value(eq + 1, origin, d, err, errlen))
        return -1;
    src->n_extra++;
    /* Columns point into the value, past "path=". */
    if (d->root && d->root->line == 1)
        d->root->col += (int)plen + 1;
    return prr_tree_set(src->doc.root, path, d->root, err, errlen);
}

double prr_dist_draw(const struct prr_dist *d, struct pr_rng *rng)
{
    switch (d->kind) {
    case PRR_DIST_LOGNORMAL:
        return d->median * exp(d->sigma * pr_rng_normal(rng));
    case PRR_DIST_CHOICE: {
        double total = 0;
        for (size_t i = 0; i < d->n; i++)
            total += d->weights[i];
        double u = pr_rng_uniform(rng) * total;
        for (size_t i = 0; i < d->n; i++) {
            if (u < d->weights[i])
                return d->values[i];
            u -= d->weights[i];
        }
        return d->values[d->n - 1];
    }
    case PRR_DIST_CONST:
    default:
        return d->value;
    }
}

/* ---- writing a resolved scenario back (the record of what a run ran) ---- */

/* The shortest decimal that reads back as exactly v (whole numbers under a million in full). */
static void put_num(FILE *f, double v)
{
    char buf[40];
    if (v == floor(v) && fabs(v) < 1e6) {
        fprintf(f, "%.0f", v == 0 ? 0.0 : v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v == 0 ? 0.0 : v);
        if (strtod(buf, NULL) == v)
            break;
    }
    fputs(buf, f);
}

/* A string as a YAML scalar: plain when it is safe, else double-quoted. */
static void put_str(FILE *f, const char *s)
{
    bool plain = *s != '\0';
    for (const char *p = s; *p && plain; p++)
        plain = isalnum((unsigned char)*p) || *p == '_' || *p == '-' || *p == '.';
    if (plain) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\x%02x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void put_ids(FILE *f, const uint32_t *ids, size_t n)
{
    fputc('[', f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%u", i ? ", " : "", ids[i]);
    fputc(']', f);
}

static void put_custom(FILE *f, const struct field *fl, const struct prr_scenario *sc, const char *indent)
{
    if (fl->custom == conv_network_model) {
        put_str(f, sc->network);
    } else if (fl->custom == conv_regions) {
        for (size_t i = 0; i < sc->n_regions; i++) {
            const struct prr_region *r = &sc->regions[i];
            fprintf(f, "\n%s  - {name: ", indent);
            put_str(f, r->name);
            fputs(", share: ", f);
            put_num(f, r->share);
            fputs(", up_mbps: ", f);
            put_num(f, r->up_mbps);
            fputs(", down_mbps: ", f);
            put_num(f, r->down_mbps);
            fputc('}', f);
        }
    } else if (fl->custom == conv_latency) {
        for (size_t i = 0; i < sc->n_regions; i++) {
            fprintf(f, "\n%s  - [", indent);
            for (size_t j = 0; j < sc->n_regions; j++) {
                if (j)
                    fputs(", ", f);
                put_num(f, sc->latency_ms[i * sc->n_regions + j]);
            }
            fputc(']', f);
        }
    } else if (fl->custom == conv_verify_us) {
        put_num(f, (double)sc->model.verify_ns / 1e3);
    } else if (fl->custom == conv_miners) {
        put_ids(f, sc->miners, sc->n_miners);
    } else if (fl->custom == conv_honest_nodes) {
        put_ids(f, sc->honest_nodes, sc->n_honest_nodes);
    } else if (fl->custom == conv_hashrate || fl->custom == conv_fee) {
        const struct prr_dist *d = fl->custom == conv_fee ? &sc->honest_fee : &sc->honest_hashrate;
        if (d->kind == PRR_DIST_CONST) {
            put_num(f, d->value);
        } else if (d->kind == PRR_DIST_LOGNORMAL) {
            fputs("{dist: lognormal, median: ", f);
            put_num(f, d->median);
            fputs(", sigma: ", f);
            put_num(f, d->sigma);
            fputc('}', f);
        } else {
            fputs("{dist: choice, values: [", f);
            for (size_t i = 0; i < d->n; i++) {
                if (i)
                    fputs(", ", f);
                put_num(f, d->values[i]);
            }
            fputs("], weights: [", f);
            for (size_t i = 0; i < d->n; i++) {
                if (i)
                    fputs(", ", f);
                put_num(f, d->weights[i]);
            }
            fputs("]}", f);
        }
    }
}

static void put_value(FILE *f, const struct field *fl, const void *base, const struct prr_scenario *sc,
                      const char *indent)
{
    const char *p = (const char *)base + fl->off;
    switch (fl->type) {
    case F_NUM:
        put_num(f, *(const double *)p);
        break;
    case F_NS:
        put_num(f, (double)*(const int64_t *)p / 1e9);
        break;
    case F_U32:
        fprintf(f, "%u", *(const uint32_t *)p);
        break;
    case F_U64:
        fprintf(f, "%llu", (unsigned long long)*(const uint64_t *)p);
        break;
    case F_BOOL:
        fputs(*(const bool *)p ? "true" : "false", f);
        break;
    case F_STR:
        put_str(f, *(char *const *)p ? *(char *const *)p : "");
        break;
    case F_ENUM:
        put_str(f, fl->names[*(const int *)p]);
        break;
    case F_CUSTOM:
        put_custom(f, fl, sc, indent);
        break;
    case F_SCHED: {
        const struct prr_schedule *sch = (const struct prr_schedule *)p;
        fputc('[', f);
        for (size_t i = 0; i < sch->n; i++) {
            fputs(i ? ", [" : "[", f);
            put_num(f, sch->steps[i].t_s);
            fputs(", ", f);
            put_num(f, sch->steps[i].rate);
            fputc(']', f);
        }
        fputc(']', f);
        break;
    }
    }
}

/* One list item's fields as a flow map. */
static void put_item(FILE *f, const struct field *fields, const void *base, const struct prr_scenario *sc)
{
    fputs("  - {", f);
    for (const struct field *fl = fields; fl->key; fl++) {
        fprintf(f, "%s%s: ", fl == fields ? "" : ", ", fl->key);
        put_value(f, fl, base, sc, "");
    }
    fputs("}\n", f);
}

int prr_scenario_write(const struct prr_scenario *sc, FILE *f)
{
    fputs("# The resolved scenario of one run: every key with the value it ran with, defaults included\n"
          "# (output.dir, network.threads and sweep left out). `powrelay run` reads it back as it is.\n",
          f);
    for (const struct field *fl = top_fields; fl->key; fl++) {
        fprintf(f, "%s: ", fl->key);
        put_value(f, fl, sc, sc, "");
        fputc('\n', f);
    }
    for (size_t s = 0; s < sizeof sections / sizeof sections[0]; s++) {
        fprintf(f, "%s:\n", sections[s].name);
        for (const struct field *fl = sections[s].fields; fl->key; fl++) {
            if ((fl->type == F_STR && fl->off == OFF(output_dir)) || (fl->type == F_U32 && fl->off == OFF(threads)))
                continue; /* where the run went and how fast, not what it ran */
            if (fl->type == F_U32 && fl->off == OFF(queue_packets) && !sc->queue_packets)
                continue; /* each model's own queues: the file is then as before the key existed */
            fprintf(f, "  %s:", fl->key);
            bool block = fl->type == F_CUSTOM && (fl->custom == conv_regions || fl->custom == conv_latency);
            if (!block)
                fputc(' ', f);
            put_value(f, fl, sc, sc, "  ");
            fputc('\n', f);
        }
    }
    const struct pr_defence_info *d = sc->model.defence ? sc->model.defence : pr_defence_find("original");
    fputs("defence:\n  policy: ", f);
    put_str(f, d->name);
    fputc('\n', f);
    if (d->n_params) {
        fprintf(f, "  %s:\n", d->name);
        for (size_t i = 0; i < d->n_params; i++) {
            fprintf(f, "    %s: ", d->params[i].key);
            if (d->params[i].names)
                put_str(f, d->params[i].names[(int)sc->model.defence_params[i]]);
            else
                put_num(f, sc->model.defence_params[i]);
            fputc('\n', f);
        }
    }
    fputs(sc->n_attackers ? "attackers:\n" : "attackers: []\n", f);
    for (size_t i = 0; i < sc->n_attackers; i++)
        put_item(f, attacker_fields, &sc->attackers[i], sc);
    fputs(sc->n_script ? "script:\n" : "script: []\n", f);
    for (size_t i = 0; i < sc->n_script; i++)
        put_item(f, script_fields, &sc->script[i], sc);
    return ferror(f) ? -1 : 0;
}
