/* The registry of relay defences: adding one is a file in this folder and a line here. */
#include <string.h>

#include "defence.h"

extern const struct pr_defence_ops pr_defence_original;
extern const struct pr_defence_ops pr_defence_none;
extern const struct pr_defence_ops pr_defence_fixed;
extern const struct pr_defence_ops pr_defence_token_bucket;
extern const struct pr_defence_ops pr_defence_fee_floor;
extern const struct pr_defence_ops pr_defence_work_floor;
extern const struct pr_defence_ops pr_defence_credit;

static const struct pr_defence_ops *const registry[] = {
    &pr_defence_original,
    &pr_defence_none,
    &pr_defence_fixed,
    &pr_defence_token_bucket,
    &pr_defence_fee_floor,
    &pr_defence_work_floor,
    &pr_defence_credit,
};
#define N_DEFENCES (sizeof registry / sizeof registry[0])

size_t pr_defence_count(void) { return N_DEFENCES; }

const struct pr_defence_info *pr_defence_at(size_t i) { return i < N_DEFENCES ? registry[i]->info : NULL; }

const struct pr_defence_info *pr_defence_find(const char *name)
{
    for (size_t i = 0; name && i < N_DEFENCES; i++)
        if (!strcmp(registry[i]->info->name, name))
            return registry[i]->info;
    return NULL;
}

const struct pr_defence_ops *pr_defence_ops_of(const struct pr_defence_info *info)
{
    for (size_t i = 0; i < N_DEFENCES; i++)
        if (registry[i]->info == info)
            return registry[i];
    return registry[0]; /* NULL or unknown: the original rules */
}
