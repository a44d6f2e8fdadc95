/* Sweeps (SPEC 8-10): the cross product of the sweep lists times the replications (seeds seed ..
 * seed+R-1), one directory per run, and sweep.csv with one row per run: the parameters, then the
 * summary's answers. Runs whose summary.json exists are skipped, so an interrupted sweep resumes. Runs go
 * through a local process pool (-j), or, under mpirun, through the MPI ranks in turn. */
#ifndef POWRELAY_SWEEP_H
#define POWRELAY_SWEEP_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

struct prr_sweep_opts {
    const char *outdir;
    int jobs;
    const char *command;
    bool quiet;
};

/* Validate every point of the sweep (and the base scenario's topology). PRR_EXIT_*. */
int prr_sweep_check(const struct prr_source *src, const struct prr_scenario *base, char *err, size_t errlen);
/* Run the sweep; messages go to stderr. Returns PRR_EXIT_*. */
int prr_sweep(const struct prr_source *src, const struct prr_sweep_opts *o);

#endif
