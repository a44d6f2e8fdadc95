/* Sweeps (docs/scenario.md#sweeps): the cross product of the sweep lists times the replications (seeds
 * seed .. seed+R-1), one directory per run named by its values and seed, and sweep.csv with one row per
 * run: the parameters, then the summary's answers. A run whose directory holds a summary and a record
 * (scenario.yaml) of exactly this run is kept, so an interrupted or grown sweep resumes; a directory
 * holding anything else stops the sweep before it runs anything (or is run again with force_rerun). Runs
 * go through a local process pool (-j), or, under mpirun, through the MPI ranks in turn. */
#ifndef POWRELAY_SWEEP_H
#define POWRELAY_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "scenario.h"

struct prr_sweep_opts {
    const char *outdir;
    int jobs;
    const char *command;
    bool quiet;
    bool force_rerun; /* run again what holds another run, instead of stopping */
};

/* Warnings about a design that is valid but likely not what was meant. */
void prr_sweep_warn(const struct prr_scenario *base, FILE *f);
/* Validate every point of the sweep (and the base scenario's topology). PRR_EXIT_*. */
int prr_sweep_check(const struct prr_source *src, const struct prr_scenario *base, char *err, size_t errlen);
/* Run the sweep; messages go to stderr. Returns PRR_EXIT_*. */
int prr_sweep(const struct prr_source *src, const struct prr_sweep_opts *o);

#endif
