/* Repackaging probability (docs/protocol.md#repackaging): how likely a relay is to pay for a stronger PoW for a transaction
 * from neighbour N, falling as N keeps needing it. */
#ifndef POWRELAY_REPACKAGE_H
#define POWRELAY_REPACKAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "powrelay/config.h"
#include "powrelay/rng.h"

/* rp for one source neighbour: transactions from it that needed repackaging, each within the window
 * of the previous one. */
struct pr_rp_counter {
    uint32_t rp;
    int64_t last_ns;
};

/* Percent chance to repackage at this rp: quadratic 100 (rp <= 1), max(0, 100 - rp^2); always 100;
 * never 0. */
uint32_t pr_repackage_percent(enum pr_repackage_policy policy, uint32_t rp);

/* Count one more transaction that needs repackaging at now (a gap over the window starts again at 1)
 * and return the new rp. */
uint32_t pr_rp_note(struct pr_rp_counter *c, int64_t now_ns, int64_t window_ns);

/* Draw the decision for a given percentage; no draw is taken at 0 or 100. */
bool pr_repackage_draw(uint32_t percent, struct pr_rng *rng);

#endif
