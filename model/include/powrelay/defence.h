/* powrelay model: relay defences, the rules a node applies to the transactions it receives from and
 * sends to each neighbour (docs/defences.md). Each defence is one file of the model behind one interface
 * and one line of a registry, as network models are behind prnet_ops and SQLite's VFSes behind
 * sqlite3_vfs_find(). This header is what a host needs to choose one and to check its parameters: the
 * names, and each defence's own parameters with their defaults and ranges. */
#ifndef POWRELAY_DEFENCE_H
#define POWRELAY_DEFENCE_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A defence has at most this many parameters of its own (pr_config.defence_params). */
#define PR_DEFENCE_MAX_PARAMS 12

#define PR_PARAM_LO_OPEN 1u /* the lower bound is exclusive */
#define PR_PARAM_HI_OPEN 2u /* the upper bound is exclusive */
#define PR_PARAM_WHOLE 4u   /* a whole number */

struct pr_defence_param {
    const char *key; /* under defence.<name>. in a scenario */
    double def, lo, hi;
    unsigned flags;  /* PR_PARAM_* */
    const char *doc; /* one line */
    const char *const *names; /* a choice of names: the value is the index (lo 0, hi count - 1) */
};

struct pr_defence_info {
    const char *name;
    const char *doc; /* one line */
    bool pow;        /* transactions carry a proof of work: wallets solve it, relays may repackage */
    const struct pr_defence_param *params;
    size_t n_params;
};

/* The defence called `name`, or NULL. */
const struct pr_defence_info *pr_defence_find(const char *name);
/* Every defence, in the registry's order (i < pr_defence_count()). */
size_t pr_defence_count(void);
const struct pr_defence_info *pr_defence_at(size_t i);

#ifdef __cplusplus
}
#endif
#endif
