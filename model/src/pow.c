#include "pow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "powrelay/error.h"

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

void pr_solver_free(struct pr_solver *s)
{
    free(s->ring);
    s->ring = NULL;
    s->head = s->len = s->cap = 0;
}

int pr_solver_push(struct pr_solver *s, const struct pr_job *job, uint32_t limit)
{
    if (s->len >= limit)
        return PR_ERR_QUEUE_FULL;
    if (s->len == s->cap) {
        uint32_t cap = s->cap ? s->cap * 2 : 8;
        if (cap > limit)
            cap = limit;
        struct pr_job *ring = malloc(sizeof *ring * cap);
        if (!ring)
            return PR_ERR_NOMEM;
        for (uint32_t i = 0; i < s->len; i++)
            ring[i] = s->ring[(s->head + i) % s->cap];
        free(s->ring);
        s->ring = ring;
        s->cap = cap;
        s->head = 0;
    }
    s->ring[(s->head + s->len) % s->cap] = *job;
    s->len++;
    return PR_OK;
}

bool pr_solver_pop(struct pr_solver *s, struct pr_job *job)
{
    if (s->len == 0)
        return false;
    *job = s->ring[s->head];
    s->head = (s->head + 1) % s->cap;
    s->len--;
    return true;
}
