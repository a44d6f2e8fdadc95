#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void prr_progress_start(struct prr_progress *p, bool wanted, double total_s)
{
    p->on = wanted && isatty(STDERR_FILENO);
    p->shown = false;
    p->start = p->last = wall();
    p->total_s = total_s;
}

void prr_progress_update(struct prr_progress *p, double sim_s, uint64_t events)
{
    if (!p->on)
        return;
    double now = wall();
    if (now - p->last < 0.5 && sim_s < p->total_s)
        return;
    p->last = now;
    double elapsed = now - p->start;
    double rate = elapsed > 0 ? (double)events / elapsed : 0;
    double eta = sim_s > 0 ? elapsed * (p->total_s - sim_s) / sim_s : 0;
    fprintf(stderr, "\r  simulated %.0f / %.0f s   %.2fM events/s   ETA %.0f s   ", sim_s, p->total_s, rate / 1e6, eta);
    fflush(stderr);
    p->shown = true;
}

void prr_progress_done(struct prr_progress *p)
{
    if (p->on && p->shown)
        fputc('\n', stderr);
}
