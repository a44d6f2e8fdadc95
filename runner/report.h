/* The answers of a run computed from the metrics, and every output file (docs/scenario.md#outputs). */
#ifndef POWRELAY_REPORT_H
#define POWRELAY_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "metrics.h"
#include "powrelay/netmodel.h"
#include "scenario.h"
#include "topology.h"

struct prr_report {
    const struct prr_scenario *sc;
    struct prnet *net;
    const struct prnet_ops *ops;
    struct prr_metrics *m;
    const uint8_t *role;
    const struct prr_topology *topo;
    const uint32_t *attacker_of;
    const double *wallet_rate; /* per node: the sender's device, H/s */
    double wall_s, peak_rss_mb;
    uint32_t threads;
    const char *command;
};

/* The numeric answers of summary.json, as dotted keys, in sweep.csv's order; NULL-terminated. */
extern const char *const prr_summary_answers[];

/* scenario.yaml (what ran), txs.csv, nodes.csv, timeseries.csv, run.json, then summary.json: each atomically. */
int prr_report_write(const struct prr_report *r, const char *dir, char *err, size_t errlen);
/* A few lines for the terminal: where the results are and the headline numbers. */
void prr_report_print(const struct prr_report *r, const char *dir, FILE *f);

#endif
