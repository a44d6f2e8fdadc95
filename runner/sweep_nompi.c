/* Sweeps in a build without MPI: one process, the local pool does the work. */
#include "sweep_mpi.h"

bool prr_mpi_available(void) { return false; }
bool prr_mpi_active(void) { return false; }
int prr_mpi_rank(void) { return 0; }
int prr_mpi_sweep(const struct prr_source *src, const struct prr_scenario *base, const char *outdir, size_t n_points,
                  const bool *todo, const char *command, bool quiet)
{
    (void)src, (void)base, (void)outdir, (void)n_points, (void)todo, (void)command, (void)quiet;
    return 1;
}
void prr_mpi_finish(void) {}
