/* powrelay model: the relay protocol's message format.
 *
 * Every message starts with a 4-byte header: version (u8), type (u8), count (u16 LE). All integers are
 * little-endian; doubles are IEEE-754 binary64 in little-endian byte order.
 *
 *   STEM    count = 1        one tx record                       (Dandelion++ stem phase)
 *   FLUFF   count = 1..1024  tx records                          (a fluff batch)
 *   ANSWER  count = 1..1024  entries: id u64, status u8, req f64 (the answer to one STEM/FLUFF message)
 *   MINDIFF count = 1        req f64                             (what the sender requires of us)
 *   BLOCK   count = 0..65535 block id u64, then count tx ids u64 (a compact block)
 *   ANNOUNCE count = 1..1024 tx ids u64                          (relay.mode announce: "I have these")
 *   REQUEST count = 1..1024  tx ids u64                          (announce: "send me these", as a FLUFF)
 *
 * A tx record is 32 bytes: id u64, size u32, fee f32, work f64, nonce u64. The rest of the transaction
 * (size - 32 bytes) is an opaque body the protocol never reads; it travels as `pad` bytes after the
 * message (see pr_host.send), so a FLUFF message of n transactions takes 4 + sum(size) bytes on the
 * wire, exactly what its transactions weigh. A BLOCK is padded to what a compact block weighs: a
 * 200-byte header and miner transaction, and 32 bytes per transaction hash (we carry 8 of them);
 * ANNOUNCE and REQUEST likewise weigh 32 bytes per hash.
 *
 * Decoding treats every byte as hostile: pr_wire_decode() checks the whole message (lengths, counts,
 * ranges, finite numbers, the pad) before anything is read from it, and returns an error code rather
 * than reading out of bounds. After PR_OK, the accessors below cannot fail. */
#ifndef POWRELAY_WIRE_H
#define POWRELAY_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "powrelay/tx.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PR_WIRE_VERSION 1u
#define PR_WIRE_HEADER_BYTES 4u
#define PR_TX_RECORD_BYTES 32u
#define PR_ANSWER_BYTES 17u
#define PR_TX_MIN_BYTES PR_TX_RECORD_BYTES
#define PR_TX_MAX_BYTES 1000000u
#define PR_WIRE_MAX_BATCH 1024u
#define PR_WIRE_MAX_BLOCK_TXS 65535u
#define PR_BLOCK_HEADER_PAD 200u
#define PR_BLOCK_PER_TX_PAD 24u
#define PR_HASH_PAD 24u /* a 32-byte hash of which the id carries 8 (ANNOUNCE, REQUEST) */
/* The largest message the encoder produces (a full block); hosts may size buffers with it. */
#define PR_WIRE_MAX_MSG_BYTES (PR_WIRE_HEADER_BYTES + 8u + 8u * PR_WIRE_MAX_BLOCK_TXS)

enum pr_msg_type {
    PR_MSG_STEM = 1,
    PR_MSG_FLUFF = 2,
    PR_MSG_ANSWER = 3,
    PR_MSG_MINDIFF = 4,
    PR_MSG_BLOCK = 5,
    PR_MSG_ANNOUNCE = 6,
    PR_MSG_REQUEST = 7
};

enum pr_answer_status {
    PR_ANS_RELAYED = 0, /* accepted (and, for an honest node, relayed on) */
    PR_ANS_HAVE = 1,    /* already held */
    PR_ANS_NACK = 2,    /* work below the requirement, which the entry carries */
    PR_ANS_DROPPED = 3  /* valid but not admitted (pool full) */
};

struct pr_answer {
    uint64_t id;
    uint8_t status; /* enum pr_answer_status */
    double req;     /* the requirement, for PR_ANS_NACK; 0 otherwise */
};

/* A decoded, fully validated message: a view into the caller's bytes. */
struct pr_msg {
    uint8_t type;   /* enum pr_msg_type */
    uint16_t count; /* tx records, answers, block tx ids or announced / requested ids */
    double req;     /* MINDIFF */
    uint64_t block_id;
    const uint8_t *body; /* first record / entry / id */
};

int pr_wire_decode(const uint8_t *msg, size_t len, uint32_t pad, struct pr_msg *out);
void pr_wire_tx_at(const struct pr_msg *m, size_t i, struct pr_tx *tx);
void pr_wire_answer_at(const struct pr_msg *m, size_t i, struct pr_answer *a);
uint64_t pr_wire_block_tx_at(const struct pr_msg *m, size_t i);
uint64_t pr_wire_id_at(const struct pr_msg *m, size_t i); /* ANNOUNCE, REQUEST */

/* Encoders write into buf (cap bytes) and return the length, or 0 when it does not fit or the input is
 * out of range. *pad receives the bytes that follow on the wire. */
size_t pr_wire_encode_txs(uint8_t *buf, size_t cap, uint8_t type, const struct pr_tx *txs, size_t n,
                          uint32_t *pad);
size_t pr_wire_encode_answers(uint8_t *buf, size_t cap, const struct pr_answer *a, size_t n);
size_t pr_wire_encode_mindiff(uint8_t *buf, size_t cap, double req);
/* ANNOUNCE or REQUEST of n (1..1024) ids. */
size_t pr_wire_encode_ids(uint8_t *buf, size_t cap, uint8_t type, const uint64_t *ids, size_t n, uint32_t *pad);
size_t pr_wire_encode_block(uint8_t *buf, size_t cap, uint64_t block_id, const uint64_t *ids, size_t n,
                            uint32_t *pad);

#ifdef __cplusplus
}
#endif
#endif
