/* The threads' barrier (barrier.h). */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, sysconf */
#include "barrier.h"

#include <time.h>
#include <unistd.h>

/* Longer than most windows' imbalance between two threads (a window of a large network takes about
 * a millisecond): sleeping and being woken costs tens of microseconds each time. */
#define SPIN_NS 200000

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

int prf_barrier_init(struct prf_barrier *b, uint32_t n)
{
    if (pthread_mutex_init(&b->mu, NULL))
        return -1;
    if (pthread_cond_init(&b->cv, NULL)) {
        pthread_mutex_destroy(&b->mu);
        return -1;
    }
    b->n = n;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    b->spin_ns = cores >= (long)n ? SPIN_NS : 0;
    atomic_init(&b->arrived, 0);
    atomic_init(&b->gen, 0);
    return 0;
}

void prf_barrier_destroy(struct prf_barrier *b)
{
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->mu);
}

void prf_barrier_wait(struct prf_barrier *b, uint32_t weight)
{
    uint_fast64_t gen = atomic_load(&b->gen);
    if (atomic_fetch_add(&b->arrived, weight) + weight == b->n) {
        /* The last to arrive opens it: reset the count before the others can come round again. */
        atomic_store(&b->arrived, 0);
        pthread_mutex_lock(&b->mu);
        atomic_fetch_add(&b->gen, 1);
        pthread_cond_broadcast(&b->cv);
        pthread_mutex_unlock(&b->mu);
        return;
    }
    if (b->spin_ns > 0) {
        int64_t until = now_ns() + b->spin_ns;
        for (unsigned i = 1;; i++) {
            if (atomic_load_explicit(&b->gen, memory_order_acquire) != gen)
                return;
            relax();
            if (i % 64 == 0 && now_ns() > until)
                break;
        }
    }
    pthread_mutex_lock(&b->mu);
    while (atomic_load(&b->gen) == gen)
        pthread_cond_wait(&b->cv, &b->mu);
    pthread_mutex_unlock(&b->mu);
}
