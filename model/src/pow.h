/* Proof of work: what a solve costs and what it proves (SPEC 3), and the per-node solver queue. */
#ifndef POWRELAY_POW_H
#define POWRELAY_POW_H

#include <stdbool.h>
#include <stdint.h>

#include "powrelay/config.h"
#include "powrelay/rng.h"

struct pr_pow_result {
    double hashes; /* hashes spent: geometric with mean = target */
    double work;   /* difficulty proven: the target (model), target/U (lucky), 2^256/hash (sha256) */
    uint64_t nonce;
};

/* Solve `target` (>= 1) for transaction `id`. sha256 runs the real hashcash search. */
void pr_pow_solve(enum pr_pow_mode mode, struct pr_rng *rng, uint64_t id, double target,
                  struct pr_pow_result *out);

/* The work SHA-256(id || nonce) proves: 2^256 / value (ids and nonces as 8 bytes little-endian). */
double pr_pow_sha256_work(uint64_t id, uint64_t nonce);

/* A received sha256 proof is valid when the hash proves at least the work claimed. */
bool pr_pow_sha256_verify(uint64_t id, uint64_t nonce, double claimed_work);

/* One solver per node; jobs run one at a time, the waiting ones FIFO in a bounded ring. */
enum pr_job_purpose {
    PR_JOB_REPACKAGE = 1, /* a relayed transaction; what it is for is the transaction's `after` */
    PR_JOB_SPAM           /* an attacker's transaction for one peer */
};

struct pr_job {
    uint64_t tx;
    uint32_t purpose; /* enum pr_job_purpose */
    uint32_t peer;    /* peer index (stem, spam target), when it matters */
};

struct pr_solver {
    double hashrate;
    bool busy;
    struct pr_job current;
    double current_hashes, current_target;
    struct pr_job *ring;
    uint32_t head, len, cap;
};

void pr_solver_free(struct pr_solver *s);
/* Append a job; PR_ERR_QUEUE_FULL when `limit` jobs already wait, PR_ERR_NOMEM. */
int pr_solver_push(struct pr_solver *s, const struct pr_job *job, uint32_t limit);
bool pr_solver_pop(struct pr_solver *s, struct pr_job *job);

#endif
