#include "pow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>


double pr_pow_sha256_work(uint64_t id, uint64_t nonce)
{
    uint8_t in[16], h[SHA256_DIGEST_LENGTH];
    for (int i = 0; i < 8; i++) {
        in[i] = (uint8_t)(id >> (8 * i));
        in[8 + i] = (uint8_t)(nonce >> (8 * i));
    }
    SHA256(in, sizeof in, h);
    /* value / 2^256 from its top 128 bits (big-endian): ample precision for any difficulty we use. */
    uint64_t hi = 0, lo = 0;
    for (int i = 0; i < 8; i++) {
        hi = hi << 8 | h[i];
        lo = lo << 8 | h[8 + i];
    }
    double x = ((double)hi + (double)lo * 0x1.0p-64) * 0x1.0p-64;
    return x > 0 ? 1.0 / x : 0x1.0p128;
}

bool pr_pow_sha256_verify(uint64_t id, uint64_t nonce, double claimed_work)
{
    return pr_pow_sha256_work(id, nonce) >= claimed_work;
}

void pr_pow_solve(enum pr_pow_mode mode, struct pr_rng *rng, uint64_t id, double target,
                  struct pr_pow_result *out)
{
    if (!(target > 1))
        target = 1;
    out->nonce = 0;
    switch (mode) {
    case PR_POW_SHA256: {
        /* Real hashcash: try nonces until 2^256 / SHA-256(id || nonce) exceeds the target. */
        uint64_t nonce = pr_rng_next(rng);
        double tries = 0, work;
        do {
            work = pr_pow_sha256_work(id, ++nonce);
            tries++;
        } while (work <= target);
        out->hashes = tries;
        out->work = work;
        out->nonce = nonce;
        return;
    }
    case PR_POW_LUCKY:
        out->hashes = pr_rng_geometric(rng, target);
        out->work = target / pr_rng_uniform_pos(rng);
        return;
    case PR_POW_MODEL:
    default:
        out->hashes = pr_rng_geometric(rng, target);
        out->work = target;
        return;
    }
}
