/* powrelay model: a transaction as the relay protocol sees it.
 *
 * The model does not know whether a transaction is honest or spam: that label lives in the runner, keyed
 * by id, so no node can cheat by reading it. Origin and creation time are metrics, also kept outside. */
#ifndef POWRELAY_TX_H
#define POWRELAY_TX_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pr_tx {
    uint64_t id;    /* unique; (origin node + 1) << 32 | per-node sequence, assigned by the creating node */
    uint32_t size;  /* bytes on the wire, PR_TX_MIN_BYTES..PR_TX_MAX_BYTES */
    float fee;      /* fee rate; only its order matters */
    double work;    /* the difficulty the PoW proves, in expected hashes */
    uint64_t nonce; /* the hashcash nonce (pow.mode sha256); 0 in the other modes */
};

/* The node that created a transaction, from its id. */
static inline uint32_t pr_tx_origin(uint64_t id) { return (uint32_t)(id >> 32) - 1u; }

#ifdef __cplusplus
}
#endif
#endif
