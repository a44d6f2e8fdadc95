#include "powrelay/config.h"

#include <math.h>
#include <string.h>

#include "powrelay/error.h"
#include "powrelay/node.h"
#include "powrelay/wire.h"

void pr_config_default(struct pr_config *c)
{
    memset(c, 0, sizeof *c);
    c->seed = 1;
    c->pow_enabled = true;
    c->pow_mode = PR_POW_MODEL;
    c->pow_base = 2500;
    c->pow_queue_max = 64;
    c->verify_ns = 0;
    c->difficulty_policy = PR_DIFFICULTY_POWER;
    c->window_ns = PR_S(10);
    c->count = PR_COUNT_NEW;
    c->rate_limit = 2;
    c->exponent = 2;
    c->difficulty_max = 1e12;
    c->hold_ns = PR_S(60);
    c->advertise_ns = PR_S(30);
    c->repackage_policy = PR_REPACKAGE_QUADRATIC;
    c->repackage_window_ns = PR_S(240);
    c->dandelion_enabled = true;
    c->stems = 2;
    c->fluff_probability = 0.2;
    c->epoch_ns = PR_S(600);
    c->epoch_range_ns = PR_S(30);
    c->embargo_ns = PR_S(39);
    c->flush_in_ns = PR_S(5);
    c->flush_out_ns = PR_S(2.5);
    c->mempool_max_bytes = 648000000ull;
    c->relay_mode = PR_RELAY_FLOOD;
    c->request_timeout_ns = PR_S(30);
    c->drop_failed_share = 0.7;
    c->drop_min_requests = 5;
    c->seen_ttl_ns = PR_S(600);
}

static bool finite_at_least(double v, double lo) { return isfinite(v) && v >= lo; }

int pr_config_check(const struct pr_config *c, const char **field)
{
#define BAD(name)                                                                                          \
    do {                                                                                                   \
        if (field)                                                                                         \
            *field = (name);                                                                               \
        return PR_ERR_INVALID;                                                                             \
    } while (0)
    if (c->pow_mode > PR_POW_SHA256)
        BAD("pow.mode");
    if (!finite_at_least(c->pow_base, 1))
        BAD("pow.base");
    if (c->pow_queue_max < 1)
        BAD("pow.queue_max");
    if (c->verify_ns < 0)
        BAD("pow.verify_us");
    if (c->difficulty_policy > PR_DIFFICULTY_MULTIPLY)
        BAD("difficulty.policy");
    if (c->window_ns <= 0)
        BAD("difficulty.window_s");
    if (c->count > PR_COUNT_ALL)
        BAD("difficulty.count");
    if (!(isfinite(c->rate_limit) && c->rate_limit > 0))
        BAD("difficulty.rate_limit");
    if (!(isfinite(c->exponent) && c->exponent > 1))
        BAD("difficulty.exponent");
    if (!finite_at_least(c->difficulty_max, c->pow_base))
        BAD("difficulty.max");
    if (c->hold_ns < 0)
        BAD("difficulty.hold_s");
    if (c->advertise_ns <= 0)
        BAD("difficulty.advertise_s");
    if (c->repackage_policy > PR_REPACKAGE_NEVER)
        BAD("repackage.policy");
    if (c->repackage_window_ns < 0)
        BAD("repackage.window_s");
    if (c->stems < 1 || c->stems > PR_MAX_STEMS)
        BAD("dandelion.stems");
    if (!(c->fluff_probability >= 0 && c->fluff_probability <= 1))
        BAD("dandelion.fluff_probability");
    if (c->epoch_ns <= 0)
        BAD("dandelion.epoch_s");
    if (c->epoch_range_ns < 0)
        BAD("dandelion.epoch_range_s");
    if (c->embargo_ns <= 0)
        BAD("dandelion.embargo_s");
    if (c->flush_in_ns < 0)
        BAD("dandelion.flush_in_s");
    if (c->flush_out_ns < 0)
        BAD("dandelion.flush_out_s");
    if (c->mempool_max_bytes < PR_TX_MIN_BYTES)
        BAD("mempool.max_bytes");
    if (c->relay_mode > PR_RELAY_ANNOUNCE)
        BAD("relay.mode");
    if (c->request_timeout_ns <= 0)
        BAD("relay.request_timeout_s");
    if (!(c->drop_failed_share >= 0 && c->drop_failed_share <= 1))
        BAD("relay.drop_failed_share");
    if (c->drop_min_requests < 1)
        BAD("relay.drop_min_requests");
    if (c->seen_ttl_ns <= 0)
        BAD("seen_ttl");
    return PR_OK;
#undef BAD
}
