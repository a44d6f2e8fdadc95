/* xoshiro256** (Blackman & Vigna), seeded by splitmix64 from (seed, stream). */
#include "powrelay/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void pr_rng_seed(struct pr_rng *r, uint64_t seed, uint64_t stream)
{
    /* Mix the stream through its own splitmix step so that adjacent streams are unrelated. */
    uint64_t x = stream;
    uint64_t s = seed ^ splitmix64(&x);
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&s);
}

uint64_t pr_rng_next(struct pr_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double pr_rng_uniform(struct pr_rng *r) { return (double)(pr_rng_next(r) >> 11) * 0x1.0p-53; }

double pr_rng_uniform_pos(struct pr_rng *r) { return (double)((pr_rng_next(r) >> 11) + 1) * 0x1.0p-53; }

uint64_t pr_rng_below(struct pr_rng *r, uint64_t n)
{
    /* Lemire's nearly divisionless method, with rejection so every value is equally likely. */
    uint64_t x = pr_rng_next(r);
    __uint128_t m = (__uint128_t)x * n;
    uint64_t l = (uint64_t)m;
    if (l < n) {
        uint64_t t = -n % n;
        while (l < t) {
            x = pr_rng_next(r);
            m = (__uint128_t)x * n;
            l = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double pr_rng_exponential(struct pr_rng *r, double mean) { return -mean * log(pr_rng_uniform_pos(r)); }

double pr_rng_normal(struct pr_rng *r)
{
    /* Box-Muller; one value per call keeps the stream simple to reason about. */
    double u1 = pr_rng_uniform_pos(r), u2 = pr_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586476925 * u2);
}

double pr_rng_geometric(struct pr_rng *r, double mean)
{
    if (!(mean > 1.0))
        return 1.0;
    /* Inversion: ceil(ln U / ln(1 - 1/mean)); log1p keeps precision for large means. */
    double u = pr_rng_uniform_pos(r);
    double k = ceil(log(u) / log1p(-1.0 / mean));
    return k < 1.0 ? 1.0 : k;
}
