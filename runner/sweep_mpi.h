/* The MPI side of sweeps: when powrelay runs under mpirun (and was built with OpenMPI), the ranks take
 * the sweep's runs in turn (run k goes to rank k mod size) and rank 0 writes sweep.csv once every rank is
 * done. Without MPI these report a single process and do nothing. */
#ifndef POWRELAY_SWEEP_MPI_H
#define POWRELAY_SWEEP_MPI_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"

bool prr_mpi_available(void); /* this build has MPI sweeps */
bool prr_mpi_active(void);    /* true under mpirun with more than one rank */
int prr_mpi_rank(void);
/* Run the points k with todo[k], rank r taking those with k mod size == r. */
int prr_mpi_sweep(const struct prr_source *src, const struct prr_scenario *base, const char *outdir, size_t n_points,
                  const bool *todo, const char *command, bool quiet);
void prr_mpi_finish(void);

/* sweep.c, for the MPI side */
int prr_sweep_run_point(const struct prr_source *src, const struct prr_scenario *base, const char *outdir, size_t k,
                        const char *command);
/* The name of point k's run directory (run-<value indices>-s<seed>). */
void prr_sweep_run_name(const struct prr_source *src, const struct prr_scenario *base, size_t k, char *buf, size_t len);

#endif
