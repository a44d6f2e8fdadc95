/* Sweeps over MPI (OpenMPI): under mpirun, rank r runs the points k with k mod size == r (skipping
 * finished ones, as a local sweep does), one at a time in its own process; after a barrier rank 0 writes
 * sweep.csv. MPI is initialised only when mpirun launched us, so a plain `powrelay` never touches it. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"
#include "sweep_mpi.h"

static int state = -1; /* -1 unknown, 0 not under mpirun (or one rank), 1 active */
static int rank, size;

static bool launched_by_mpirun(void)
{
    const char *s = getenv("OMPI_COMM_WORLD_SIZE");
    if (!s)
        s = getenv("PMI_SIZE");
    return s && atoi(s) > 1;
}

bool prr_mpi_available(void) { return true; }

bool prr_mpi_active(void)
{
    if (state < 0) {
        state = 0;
        if (launched_by_mpirun() && MPI_Init(NULL, NULL) == MPI_SUCCESS) {
            MPI_Comm_rank(MPI_COMM_WORLD, &rank);
            MPI_Comm_size(MPI_COMM_WORLD, &size);
            state = size > 1 ? 1 : 0;
            if (!state)
                MPI_Finalize();
        }
    }
    return state == 1;
}

int prr_mpi_rank(void) { return state == 1 ? rank : 0; }

int prr_mpi_sweep(const struct prr_source *src, const struct prr_scenario *base, const char *outdir, size_t n_points,
                  const bool *todo, const char *command, bool quiet)
{
    /* Rank 0 made the directory; the others wait for it. */
    MPI_Barrier(MPI_COMM_WORLD);
    int worst = PRR_EXIT_OK;
    for (size_t k = (size_t)rank; k < n_points; k += (size_t)size) {
        if (!todo[k])
            continue;
        int rc = prr_sweep_run_point(src, base, outdir, k, command);
        if (rc && (worst == PRR_EXIT_OK || rc == PRR_EXIT_INTERNAL))
            worst = rc;
        if (!quiet) {
            char name[512];
            prr_sweep_run_name(src, base, k, name, sizeof name);
            fprintf(stderr, "powrelay sweep: rank %d: %s %s\n", rank, name, rc ? "failed" : "finished");
        }
    }
    /* Everyone's runs are written before rank 0 reads them; the worst exit status is everyone's. */
    int all = worst;
    MPI_Allreduce(&worst, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return all;
}

void prr_mpi_finish(void)
{
    if (state == 1) {
        MPI_Barrier(MPI_COMM_WORLD);
        MPI_Finalize();
        state = 0;
    }
}
