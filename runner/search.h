/* powrelay search (docs/search.md): checks the scenario and its search: section, writes the search's
 * specification (DIR/search.json) and hands over to the Optuna driver kept beside the runner
 * (runner/search.py, run with the system's Python 3). */
#ifndef POWRELAY_SEARCH_H
#define POWRELAY_SEARCH_H

#include <stdbool.h>

#include "scenario.h"

struct prr_search_opts {
    const char *scenario_path;
    const char *outdir;   /* NULL: results/<name>-search */
    const char *storage;  /* NULL: sqlite:///OUTDIR/study.db */
    const char *const *sets; /* the --set overrides, passed on to every run */
    size_t n_sets;
    long trials;          /* 0: the section's (or 40) */
    const char *only;     /* search this defence of the section only (NULL: all) */
    int jobs;
    bool quiet;
};

/* Returns PRR_EXIT_* (it does not return when the driver starts). */
int prr_search(const struct prr_source *src, const struct prr_search_opts *o);

#endif
