#include "repackage.h"

uint32_t pr_repackage_percent(enum pr_repackage_policy policy, uint32_t rp)
{
    switch (policy) {
    case PR_REPACKAGE_ALWAYS:
        return 100;
    case PR_REPACKAGE_NEVER:
        return 0;
    case PR_REPACKAGE_QUADRATIC:
    default:
        if (rp <= 1)
            return 100;
        if (rp >= 10)
            return 0;
        return 100 - rp * rp;
    }
}

uint32_t pr_rp_note(struct pr_rp_counter *c, int64_t now_ns, int64_t window_ns)
{
    if (c->rp == 0 || now_ns - c->last_ns > window_ns)
        c->rp = 1;
    else if (c->rp < UINT32_MAX)
        c->rp++;
    c->last_ns = now_ns;
    return c->rp;
}

bool pr_repackage_draw(uint32_t percent, struct pr_rng *rng)
{
    if (percent >= 100)
        return true;
    if (percent == 0)
        return false;
    return pr_rng_below(rng, 100) < percent;
}
