"""The two-sided 95% Student-t quantile every figure and table's intervals use (one table for all), and
the mean with its interval."""
import math
import statistics

# t(0.975, df) for df = 1..30, to four decimals; index 0 unused.
T95 = [float("nan"), 12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281, 2.2010,
       2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687, 2.0639,
       2.0595, 2.0555, 2.0518, 2.0484, 2.0452, 2.0423]


def t95(df):
    """t(0.975, df); past the table, the Cornish-Fisher expansion around the normal's 1.96 (error < 1e-4)."""
    if df < 1:
        return float("nan")
    if df < len(T95):
        return T95[df]
    z = 1.959964
    return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df)


def mean_interval(vals):
    """(mean, half-width of the 95% Student-t interval) of the values that are numbers (NaN skipped):
    (nan, nan) when none is, half-width nan for a single value."""
    v = [x for x in vals if not math.isnan(x)]
    if not v:
        return float("nan"), float("nan")
    if len(v) < 2:
        return v[0], float("nan")
    return statistics.mean(v), t95(len(v) - 1) * statistics.stdev(v) / math.sqrt(len(v))
