/* Small statistics for the outputs: the mean of a sample and the half-width of its 95% Student-t
 * interval. */
#ifndef POWRELAY_STATS_H
#define POWRELAY_STATS_H

#include <stddef.h>

/* The two-sided 95% quantile of Student's t with df degrees of freedom (df >= 1). */
double prr_t95(size_t df);
/* Mean and 95% half-width of the values that are numbers (NaN ones are left out); *n receives how
 * many. The half-width is NaN when n < 2, the mean NaN when n = 0. */
void prr_mean_ci95(const double *v, size_t count, double *mean, double *half, size_t *n);

#endif
