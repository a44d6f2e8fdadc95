/* One run of a scenario: topology, roles, the network model, the actors (honest users, attackers,
 * blocks, script), the run with progress, and the output files. */
#ifndef POWRELAY_SIM_H
#define POWRELAY_SIM_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

/* Exit statuses (docs/scenario.md#command-line). */
#define PRR_EXIT_OK 0
#define PRR_EXIT_INTERNAL 1
#define PRR_EXIT_BAD 2

struct prr_run_opts {
    const char *outdir;  /* overrides the scenario's output.dir */
    const char *command; /* for run.json */
    bool progress;       /* on stderr */
    bool quiet;          /* no result lines on stdout */
    uint32_t threads;    /* the flow model's threads, over network.threads; 0: that, or the machine's cores */
};

/* Check what can be checked without simulating: the network model exists, the topology can be built. */
int prr_sim_check(const struct prr_scenario *sc, char *err, size_t errlen);

/* Returns one of PRR_EXIT_*; on failure err says why. */
int prr_sim_run(const struct prr_scenario *sc, const struct prr_run_opts *o, char *err, size_t errlen);

#endif
