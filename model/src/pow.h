/* Proof of work: what a solve costs and what it proves (docs/protocol.md#pow). Who solves, and when, is
 * work.h's business. */
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

#endif
