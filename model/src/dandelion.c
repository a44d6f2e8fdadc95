#include "dandelion.h"

#include <string.h>

void pr_dandelion_new_epoch(struct pr_dandelion *d, struct pr_rng *rng, const uint16_t *outbound,
                            uint32_t n_out, uint32_t stems, double q)
{
    uint16_t pool[PR_MAX_PEERS];
    if (n_out > PR_MAX_PEERS)
        n_out = PR_MAX_PEERS;
    memcpy(pool, outbound, n_out * sizeof *pool);
    if (stems > PR_MAX_STEMS)
        stems = PR_MAX_STEMS;
    uint32_t k = stems < n_out ? stems : n_out;
    /* Partial Fisher-Yates: the first k of a uniform shuffle. */
    for (uint32_t i = 0; i < k; i++) {
        uint32_t j = i + (uint32_t)pr_rng_below(rng, n_out - i);
        uint16_t t = pool[i];
        pool[i] = pool[j];
        pool[j] = t;
        d->stems[i] = pool[i];
        d->use[i] = 0;
    }
    d->nstems = k;
    d->fluff_epoch = pr_rng_uniform(rng) < q;
    memset(d->map, 0, sizeof d->map);
}

int pr_dandelion_stem_for(struct pr_dandelion *d, struct pr_rng *rng, uint32_t source)
{
    if (d->nstems == 0 || source > PR_SRC_SELF)
        return -1;
    if (d->map[source] == 0) {
        uint32_t least = UINT32_MAX, ties = 0;
        for (uint32_t i = 0; i < d->nstems; i++) {
            if (d->use[i] < least) {
                least = d->use[i];
                ties = 1;
            } else if (d->use[i] == least) {
                ties++;
            }
        }
        uint32_t pick = ties > 1 ? (uint32_t)pr_rng_below(rng, ties) : 0, slot = 0;
        for (uint32_t i = 0; i < d->nstems; i++) {
            if (d->use[i] == least && pick-- == 0) {
                slot = i;
                break;
            }
        }
        d->use[slot]++;
        d->map[source] = (uint8_t)(slot + 1);
    }
    return d->stems[d->map[source] - 1];
}

int64_t pr_dandelion_epoch_length(const struct pr_config *c, struct pr_rng *rng)
{
    return c->epoch_ns + (int64_t)(pr_rng_uniform(rng) * (double)c->epoch_range_ns);
}

int64_t pr_dandelion_embargo(const struct pr_config *c, struct pr_rng *rng)
{
    return (int64_t)pr_rng_exponential(rng, (double)c->embargo_ns);
}

int64_t pr_dandelion_flush_delay(const struct pr_config *c, struct pr_rng *rng, bool outbound)
{
    int64_t mean = outbound ? c->flush_out_ns : c->flush_in_ns;
    if (mean <= 0)
        return 0;
    return (int64_t)pr_rng_exponential(rng, (double)mean);
}
