/* Progress of a long run on stderr (simulated time, events/s, ETA), only when stderr is a terminal. */
#ifndef POWRELAY_PROGRESS_H
#define POWRELAY_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct prr_progress {
    bool on, shown;
    double start, last, total_s;
};

void prr_progress_start(struct prr_progress *p, bool wanted, double total_s);
void prr_progress_update(struct prr_progress *p, double sim_s, uint64_t events);
void prr_progress_done(struct prr_progress *p);

#endif
