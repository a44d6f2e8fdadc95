/* powrelay model: the deterministic PRNG (xoshiro256**, seeded through splitmix64).
 *
 * Every random choice in a run comes from one of these, each seeded from (scenario seed, stream), so a
 * run never depends on a wall clock, on the host, or on the order in which other nodes draw. */
#ifndef POWRELAY_RNG_H
#define POWRELAY_RNG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pr_rng {
    uint64_t s[4];
};

/* Independent streams from one seed: the model uses stream = node id; other users pick their own
 * (see PR_STREAM_* in the runner). */
void pr_rng_seed(struct pr_rng *r, uint64_t seed, uint64_t stream);
uint64_t pr_rng_next(struct pr_rng *r);
double pr_rng_uniform(struct pr_rng *r);     /* [0, 1) */
double pr_rng_uniform_pos(struct pr_rng *r); /* (0, 1] */
uint64_t pr_rng_below(struct pr_rng *r, uint64_t n); /* [0, n), unbiased; n > 0 */
double pr_rng_exponential(struct pr_rng *r, double mean);
double pr_rng_normal(struct pr_rng *r);      /* standard normal */
/* Number of trials up to and including the first success, success probability 1/mean (mean >= 1). */
double pr_rng_geometric(struct pr_rng *r, double mean);

#ifdef __cplusplus
}
#endif
#endif
