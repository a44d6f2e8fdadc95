/* Dandelion++ epochs (docs/protocol.md#epochs): stems picked from outbound peers, sources mapped to the least-used stem,
 * fluff epochs with probability q, and the random delays (epoch length, embargo, fluff flush). */
#ifndef POWRELAY_DANDELION_H
#define POWRELAY_DANDELION_H

#include <stdbool.h>
#include <stdint.h>

#include "powrelay/config.h"
#include "powrelay/node.h"
#include "powrelay/rng.h"

/* A source is a peer index, or PR_SRC_SELF for the node's own transactions. */
#define PR_SRC_SELF PR_MAX_PEERS

struct pr_dandelion {
    bool fluff_epoch;
    uint32_t nstems;
    uint16_t stems[PR_MAX_STEMS];   /* peer indices */
    uint32_t use[PR_MAX_STEMS];     /* sources mapped to each stem this epoch */
    uint8_t map[PR_MAX_PEERS + 1];  /* source -> stem slot + 1; 0 = not mapped yet this epoch */
};

/* Start an epoch: choose min(stems, n_out) of the outbound peers, decide fluff with probability q,
 * forget the mapping. */
void pr_dandelion_new_epoch(struct pr_dandelion *d, struct pr_rng *rng, const uint16_t *outbound,
                            uint32_t n_out, uint32_t stems, double q);

/* The stem (peer index) for a source, mapping it to the least-used stem (ties at random) on first use
 * this epoch; -1 when the node has no stem. */
int pr_dandelion_stem_for(struct pr_dandelion *d, struct pr_rng *rng, uint32_t source);

int64_t pr_dandelion_epoch_length(const struct pr_config *c, struct pr_rng *rng);
int64_t pr_dandelion_embargo(const struct pr_config *c, struct pr_rng *rng);
/* A Poisson flush delay for a connection; 0 when the configured mean is 0 (send at once). */
int64_t pr_dandelion_flush_delay(const struct pr_config *c, struct pr_rng *rng, bool outbound);

#endif
