/* Partition statistics (partstat.h, docs/scaling.md). */
#include "partstat.h"

#include "partition.h"

#include <stdlib.h>

static const uint32_t PARTS[] = {2, 4, 8, 16, 32, 64};
#define N_PARTS (sizeof PARTS / sizeof PARTS[0])

struct cut {
    uint32_t p;
    uint8_t *part;      /* per node */
    int64_t window_ns;  /* the smallest cross-partition latency */
    int64_t current;    /* the window being counted */
    uint64_t *count;    /* events per partition in it */
    uint64_t windows;   /* windows that held any event */
    double sum_max;     /* over windows: the most loaded partition's events */
    uint64_t events, cross_msgs, cross_bytes, msgs, bytes;
};

struct prf_partstat {
    struct cut cuts[N_PARTS];
};

void prf_partstat_free(struct prf_partstat *s)
{
    if (!s)
        return;
    for (size_t k = 0; k < N_PARTS; k++) {
        free(s->cuts[k].part);
        free(s->cuts[k].count);
    }
    free(s);
}

struct prf_partstat *prf_partstat_new(uint32_t n, const uint8_t *region, const uint32_t *degree,
                                      const uint32_t *conn_from, const uint32_t *conn_to,
                                      const int64_t *conn_latency_ns, uint32_t n_conns)
{
    struct prf_partstat *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    for (size_t k = 0; k < N_PARTS; k++) {
        struct cut *c = &s->cuts[k];
        c->p = PARTS[k];
        c->part = malloc(n ? n : 1);
        c->count = calloc(c->p, sizeof *c->count);
        if (!c->part || !c->count || prf_partition(n, region, degree, c->p, c->part)) {
            prf_partstat_free(s);
            return NULL;
        }
        c->window_ns = INT64_MAX;
        for (uint32_t e = 0; e < n_conns; e++)
            if (c->part[conn_from[e]] != c->part[conn_to[e]] && conn_latency_ns[e] < c->window_ns)
                c->window_ns = conn_latency_ns[e];
        if (c->window_ns <= 0)
            c->window_ns = 1;
        c->current = -1;
    }
    return s;
}

static void close_window(struct cut *c)
{
    uint64_t max = 0, any = 0;
    for (uint32_t p = 0; p < c->p; p++) {
        if (c->count[p] > max)
            max = c->count[p];
        any += c->count[p];
        c->count[p] = 0;
    }
    if (any) {
        c->windows++;
        c->sum_max += (double)max;
    }
}

void prf_partstat_event(struct prf_partstat *s, int64_t t, uint32_t node)
{
    for (size_t k = 0; k < N_PARTS; k++) {
        struct cut *c = &s->cuts[k];
        int64_t w = c->window_ns == INT64_MAX ? 0 : t / c->window_ns;
        if (w != c->current) {
            close_window(c);
            c->current = w;
        }
        c->count[c->part[node]]++;
        c->events++;
    }
}

void prf_partstat_message(struct prf_partstat *s, uint32_t from, uint32_t to, uint64_t bytes)
{
    for (size_t k = 0; k < N_PARTS; k++) {
        struct cut *c = &s->cuts[k];
        c->msgs++;
        c->bytes += bytes;
        if (c->part[from] != c->part[to]) {
            c->cross_msgs++;
            c->cross_bytes += bytes;
        }
    }
}

int prf_partstat_write(struct prf_partstat *s, FILE *f, int64_t sim_ns)
{
    fputs("partitions,window_ms,windows_busy,windows_total,events,events_per_busy_window,imbalance,"
          "speedup_bound,cross_msg_share,cross_msgs_per_sim_s,cross_mbit_per_sim_s\n",
          f);
    double sim_s = (double)sim_ns / 1e9;
    for (size_t k = 0; k < N_PARTS; k++) {
        struct cut *c = &s->cuts[k];
        close_window(c);
        double mean = c->windows ? (double)c->events / (double)c->windows / c->p : 0;
        fprintf(f, "%u,%.3f,%llu,%.0f,%llu,%.1f,%.3f,%.2f,%.4f,%.1f,%.3f\n", c->p,
                c->window_ns == INT64_MAX ? 0.0 : (double)c->window_ns / 1e6, (unsigned long long)c->windows,
                c->window_ns == INT64_MAX ? 1.0 : sim_s * 1e9 / (double)c->window_ns, (unsigned long long)c->events,
                c->windows ? (double)c->events / (double)c->windows : 0.0,
                mean > 0 ? c->sum_max / (double)c->windows / mean : 0.0,
                c->sum_max > 0 ? (double)c->events / c->sum_max : 0.0,
                c->msgs ? (double)c->cross_msgs / (double)c->msgs : 0.0, sim_s > 0 ? c->cross_msgs / sim_s : 0.0,
                sim_s > 0 ? (double)c->cross_bytes * 8 / 1e6 / sim_s : 0.0);
    }
    return ferror(f) ? -1 : 0;
}
