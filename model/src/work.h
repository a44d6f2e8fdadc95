/* Who computes a proof of work, and when: a node's solver (one job at a time, the waiting ones FIFO in
 * a bounded queue) and devices of their own that solve one job at once (a sender's wallet).
 *
 * A job carries its kind, a table of callbacks (as libuv's uv_work_t carries its work and after-work
 * callbacks): the kind decides what to solve when the job starts and what to do with the result. The
 * solver knows no kind, so a new kind of job needs no change here. Hashes are counted as they are spent
 * (docs/protocol.md#cost): on completion by the kind, which reports the solve; a solve still running when
 * the run ends by pr_work_cut(), for the part computed by then. */
#ifndef POWRELAY_WORK_H
#define POWRELAY_WORK_H

#include <stdbool.h>
#include <stdint.h>

#include "pow.h"

struct pr_node;
struct pr_job;

struct pr_job_kind {
    /* Whose hashes these are (PR_SOLVE_*): how a solve cut off by the end of the run is reported. */
    uint32_t cost;
    /* The job reaches a solver: set *target (expected hashes, >= 1) and return true to solve it, or
     * return false to end it here, having done what it had to. May set job->tx and job->peer. */
    bool (*start)(struct pr_node *n, struct pr_job *job, double *target);
    /* The solve is done: r->hashes were spent and r->work is proven; the kind reports it (TX_SOLVED).
     * r is NULL when the device has no hash power: nothing was solved, nothing spent. */
    void (*done)(struct pr_node *n, const struct pr_job *job, const struct pr_pow_result *r);
};

struct pr_job {
    const struct pr_job_kind *kind;
    uint64_t tx;   /* the transaction, when the kind has one */
    uint32_t peer; /* a peer index, when the kind needs one */
    double target; /* a target fixed when the job was made, when the kind uses one */
};

/* A solve under way: its result is drawn when it starts and applied when its timer fires. */
struct pr_solve {
    struct pr_job job;
    double hashrate;
    int64_t start_ns;
    uint64_t key; /* a device's timer argument */
    struct pr_pow_result r;
};

struct pr_solver {
    double hashrate;
    bool busy, kicking; /* kicking: the start loop is running; nested kicks return */
    struct pr_solve cur;
    struct pr_job *ring; /* waiting jobs */
    uint32_t head, len, cap;
};

struct pr_devices {
    struct pr_solve *v; /* solves running on devices of their own, in no order */
    uint32_t len, cap;
    uint64_t next_key;
};

void pr_solver_free(struct pr_solver *s);
/* Append a job; PR_ERR_QUEUE_FULL when `limit` jobs already wait, PR_ERR_NOMEM. */
int pr_solver_push(struct pr_solver *s, const struct pr_job *job, uint32_t limit);
bool pr_solver_pop(struct pr_solver *s, struct pr_job *job);

/* Queue a job on the node's solver (pow.queue_max bound) and start it if the solver is idle. PR_OK,
 * PR_ERR_QUEUE_FULL or PR_ERR_NOMEM: the caller reports a job it could not queue. */
int pr_work_queue(struct pr_node *n, const struct pr_job *job);
/* Start the next waiting jobs if the solver is idle (after something it waits for changed). */
void pr_work_kick(struct pr_node *n);
/* Run a job at once on a device of its own at `hashrate` (a sender's wallet). PR_OK or PR_ERR_NOMEM
 * (the job is then not run). */
int pr_work_alone(struct pr_node *n, const struct pr_job *job, double hashrate);

/* Timers: the solver's job is done; the device solve `key` is done. */
void pr_work_solver_timer(struct pr_node *n);
void pr_work_device_timer(struct pr_node *n, uint64_t key);

/* The run ends now: report the hashes spent so far on every solve still running (PR_EV_HASHES_CUT,
 * hash rate x time run, never more than the solve's draw) and count them in the node's stats. Call once,
 * after the last event. */
void pr_work_cut(struct pr_node *n);

void pr_devices_free(struct pr_devices *d);

#endif
