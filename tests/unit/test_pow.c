/* pow.c: solve costs are geometric with mean D; the three modes' work; real SHA-256 hashcash whose
 * solve counts match the model statistically (fixed seed); verification. */
#include "test.h"

#include <stdlib.h>

#include "pow.h"
#include "powrelay/error.h"

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Two-sample Kolmogorov-Smirnov statistic. */
static double ks(double *a, int na, double *b, int nb)
{
    qsort(a, na, sizeof *a, cmp_dbl);
    qsort(b, nb, sizeof *b, cmp_dbl);
    int i = 0, j = 0;
    double d = 0;
    while (i < na && j < nb) {
        double v = a[i] < b[j] ? a[i] : b[j];
        while (i < na && a[i] <= v)
            i++;
        while (j < nb && b[j] <= v)
            j++;
        double diff = fabs((double)i / na - (double)j / nb);
        if (diff > d)
            d = diff;
    }
    return d;
}

TEST(geometric_mean_and_minimum)
{
    struct pr_rng r;
    pr_rng_seed(&r, 1, 0);
    double sum = 0, n = 200000;
    for (int i = 0; i < n; i++) {
        double k = pr_rng_geometric(&r, 100);
        ASSERT_TRUE(k >= 1 && k == floor(k));
        sum += k;
    }
    ASSERT_NEAR(sum / n, 100, 1.5); /* sd of the mean ~ 0.22 */
    ASSERT_DBL(pr_rng_geometric(&r, 1), 1);
    ASSERT_DBL(pr_rng_geometric(&r, 0.5), 1);
}

TEST(model_mode_work_is_target)
{
    struct pr_rng r;
    pr_rng_seed(&r, 2, 0);
    struct pr_pow_result res;
    pr_pow_solve(PR_POW_MODEL, &r, 42, 2500, &res);
    ASSERT_DBL(res.work, 2500);
    ASSERT_TRUE(res.hashes >= 1);
    ASSERT_U64(res.nonce, 0);
}

TEST(lucky_mode_work_is_target_over_uniform)
{
    struct pr_rng r;
    pr_rng_seed(&r, 3, 0);
    int above2 = 0, n = 100000;
    for (int i = 0; i < n; i++) {
        struct pr_pow_result res;
        pr_pow_solve(PR_POW_LUCKY, &r, 42, 1000, &res);
        ASSERT_TRUE(res.work >= 1000);
        above2 += res.work > 2000; /* P(U < 1/2) = 1/2 */
    }
    ASSERT_NEAR(above2, n / 2, 800);
}

TEST(sha256_solves_verify_and_exceed_target)
{
    struct pr_rng r;
    pr_rng_seed(&r, 4, 0);
    for (uint64_t id = 1; id < 200; id++) {
        struct pr_pow_result res;
        pr_pow_solve(PR_POW_SHA256, &r, id, 50, &res);
        ASSERT_TRUE(res.work > 50);
        ASSERT_DBL(res.work, pr_pow_sha256_work(id, res.nonce));
        ASSERT_TRUE(pr_pow_sha256_verify(id, res.nonce, res.work));
        /* claiming more than the hash proves, or the proof for another id, fails */
        ASSERT_TRUE(!pr_pow_sha256_verify(id, res.nonce, res.work * 1.0000001));
        ASSERT_TRUE(!pr_pow_sha256_verify(id + 1000, res.nonce, res.work) ||
                    pr_pow_sha256_work(id + 1000, res.nonce) >= res.work);
    }
}

TEST(sha256_known_vector)
{
    /* SHA-256 of 16 zero bytes is 374708fff7719dd5979ec875d56cd2286f6d3cf7ec317a3b25632aab28ec37bb:
     * value / 2^256 = 0x374708fff7719dd5... / 2^64 ~ 0.2159, work ~ 4.632 */
    double w = pr_pow_sha256_work(0, 0);
    ASSERT_NEAR(w, 1.0 / ((double)0x374708fff7719dd5ull * 0x1.0p-64), 1e-9);
}

TEST(sha256_solve_counts_match_model)
{
    enum { N = 3000 };
    const double D = 64;
    static double sha[N], model[N];
    struct pr_rng r1, r2;
    pr_rng_seed(&r1, 5, 0);
    pr_rng_seed(&r2, 6, 0);
    double ms = 0, mm = 0;
    for (int i = 0; i < N; i++) {
        struct pr_pow_result a, b;
        pr_pow_solve(PR_POW_SHA256, &r1, (uint64_t)i + 1, D, &a);
        pr_pow_solve(PR_POW_MODEL, &r2, (uint64_t)i + 1, D, &b);
        sha[i] = a.hashes;
        model[i] = b.hashes;
        ms += a.hashes;
        mm += b.hashes;
    }
    /* Means: sd of a geometric(64) is ~63.5, of the mean over 3000 ~ 1.16: 5 sd. */
    ASSERT_NEAR(ms / N, D, 6);
    ASSERT_NEAR(mm / N, D, 6);
    /* Whole distributions: two-sample KS at alpha = 0.001 is 1.95 * sqrt(2 / N) ~ 0.050. */
    double d = ks(sha, N, model, N);
    if (d > 0.05)
        FAIL_AT("KS distance %g between sha256 and model solve counts", d);
}

TESTS(geometric_mean_and_minimum, model_mode_work_is_target, lucky_mode_work_is_target_over_uniform,
      sha256_solves_verify_and_exceed_target, sha256_known_vector, sha256_solve_counts_match_model)
