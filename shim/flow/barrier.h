/* A barrier for the flow model's threads, which meet twice per window (docs/protocol.md#flow-threads),
 * often only tens of microseconds apart: a thread that arrives early spins a while before it sleeps,
 * so meeting costs little when the threads have cores of their own and nothing when they do not. */
#ifndef POWRELAY_FLOW_BARRIER_H
#define POWRELAY_FLOW_BARRIER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

struct prf_barrier {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    uint32_t n;
    int64_t spin_ns; /* how long an early thread spins before it sleeps */
    atomic_uint arrived;
    atomic_uint_fast64_t gen; /* how many times the barrier has opened */
};

/* n threads meet at it; they spin only when each has a core of its own (spinning on a shared core
 * would keep the thread being waited for off it). 0, or -1 when the system refuses. */
int prf_barrier_init(struct prf_barrier *b, uint32_t n);
void prf_barrier_destroy(struct prf_barrier *b);
/* Arrive (counting as `weight` threads: 1, or more to stand in for threads that never started) and
 * wait until all n have arrived. */
void prf_barrier_wait(struct prf_barrier *b, uint32_t weight);

#endif
