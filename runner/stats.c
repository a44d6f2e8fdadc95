#include "stats.h"

#include <math.h>

double prr_t95(size_t df)
{
    /* Exact to the 4th digit (tables of the t distribution); beyond 30, the Cornish-Fisher expansion
     * around the normal's 1.95996 is within 1e-4. */
    static const double t[] = {0,      12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622,
                               2.2281, 2.2010,  2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930,
                               2.0860, 2.0796,  2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484, 2.0452,
                               2.0423};
    if (df == 0)
        return NAN;
    if (df <= 30)
        return t[df];
    double z = 1.959964, d = (double)df;
    return z + (z * z * z + z) / (4 * d) + (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * d * d);
}

void prr_mean_ci95(const double *v, size_t count, double *mean, double *half, size_t *n)
{
    double sum = 0;
    size_t k = 0;
    for (size_t i = 0; i < count; i++)
        if (!isnan(v[i])) {
            sum += v[i];
            k++;
        }
    *n = k;
    *mean = k ? sum / (double)k : NAN;
    *half = NAN;
    if (k < 2)
        return;
    double ss = 0;
    for (size_t i = 0; i < count; i++)
        if (!isnan(v[i]))
            ss += (v[i] - *mean) * (v[i] - *mean);
    *half = prr_t95(k - 1) * sqrt(ss / (double)(k - 1)) / sqrt((double)k);
}
