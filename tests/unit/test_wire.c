/* wire.c: every message type round-trips; truncated, padded-wrong, oversized, out-of-range and random
 * bytes are refused with an error code, never a crash or an out-of-bounds read (run it under ASan). */
#include "test.h"

#include <string.h>

#include "wirepeek.h"

#include "powrelay/error.h"
#include "powrelay/rng.h"
#include "powrelay/wire.h"

static struct pr_tx tx(uint64_t id, uint32_t size, double work)
{
    return (struct pr_tx){.id = id, .size = size, .fee = 80.5f, .work = work, .nonce = id * 7};
}

TEST(tx_batch_roundtrip_and_honest_size)
{
    struct pr_tx in[3] = {tx(1, 1535, 2500), tx(0xffffffff00000001ull, 32, 0), tx(3, 250000, 1e12)};
    uint8_t buf[256];
    uint32_t pad;
    size_t len = pr_wire_encode_txs(buf, sizeof buf, PR_MSG_FLUFF, in, 3, &pad);
    ASSERT_EQ(len, 4 + 3 * 32);
    /* on the wire the message weighs what its transactions weigh, plus the 4-byte header */
    ASSERT_EQ(len + pad, 4 + 1535 + 32 + 250000);
    struct pr_msg m;
    ASSERT_OK(pr_wire_decode(buf, len, pad, &m));
    ASSERT_EQ(m.type, PR_MSG_FLUFF);
    ASSERT_EQ(m.count, 3);
    for (int i = 0; i < 3; i++) {
        struct pr_tx out;
        pr_wire_tx_at(&m, i, &out);
        ASSERT_U64(out.id, in[i].id);
        ASSERT_EQ(out.size, in[i].size);
        ASSERT_DBL(out.fee, in[i].fee);
        ASSERT_DBL(out.work, in[i].work);
        ASSERT_U64(out.nonce, in[i].nonce);
        ASSERT_U64(pr_wire_tx_id_at(&m, i), in[i].id);
    }
}

TEST(stem_carries_exactly_one)
{
    struct pr_tx in[2] = {tx(1, 1535, 1), tx(2, 1535, 1)};
    uint8_t buf[256];
    uint32_t pad;
    ASSERT_EQ(pr_wire_encode_txs(buf, sizeof buf, PR_MSG_STEM, in, 2, &pad), 0);
    size_t len = pr_wire_encode_txs(buf, sizeof buf, PR_MSG_FLUFF, in, 2, &pad);
    buf[1] = PR_MSG_STEM; /* a stem message claiming two */
    struct pr_msg m;
    ASSERT_EQ(pr_wire_decode(buf, len, pad, &m), PR_ERR_MALFORMED);
}

TEST(answers_mindiff_block_roundtrip)
{
    struct pr_answer a[3] = {{1, PR_ANS_RELAYED, 0}, {2, PR_ANS_NACK, 6.25e6}, {3, PR_ANS_HAVE, 0}};
    uint8_t buf[1024];
    size_t len = pr_wire_encode_answers(buf, sizeof buf, a, 3);
    struct pr_msg m;
    ASSERT_OK(pr_wire_decode(buf, len, 0, &m));
    ASSERT_EQ(m.count, 3);
    struct pr_answer out;
    pr_wire_answer_at(&m, 1, &out);
    ASSERT_U64(out.id, 2);
    ASSERT_EQ(out.status, PR_ANS_NACK);
    ASSERT_DBL(out.req, 6.25e6);
    for (int i = 0; i < 3; i++)
        ASSERT_U64(pr_wire_answer_id_at(&m, i), a[i].id);

    len = pr_wire_encode_mindiff(buf, sizeof buf, 2500);
    ASSERT_OK(pr_wire_decode(buf, len, 0, &m));
    ASSERT_EQ(m.type, PR_MSG_MINDIFF);
    ASSERT_DBL(m.req, 2500);

    uint64_t ids[4] = {10, 20, 30, 40};
    uint32_t pad;
    len = pr_wire_encode_block(buf, sizeof buf, 77, ids, 4, &pad);
    ASSERT_EQ(pad, PR_BLOCK_HEADER_PAD + 4 * PR_BLOCK_PER_TX_PAD);
    ASSERT_OK(pr_wire_decode(buf, len, pad, &m));
    ASSERT_U64(m.block_id, 77);
    ASSERT_EQ(m.count, 4);
    ASSERT_U64(pr_wire_block_tx_at(&m, 3), 40);
}

/* Every strict prefix of a valid message is refused. */
static int every_truncation_fails(const uint8_t *buf, size_t len, uint32_t pad)
{
    struct pr_msg m;
    for (size_t k = 0; k < len; k++) {
        int err = pr_wire_decode(buf, k, pad, &m);
        if (err == PR_OK)
            return (int)k + 1;
    }
    return 0;
}

TEST(truncated_messages_rejected)
{
    uint8_t buf[1024];
    uint32_t pad;
    struct pr_tx in[2] = {tx(1, 1535, 2500), tx(2, 100, 3)};
    size_t len = pr_wire_encode_txs(buf, sizeof buf, PR_MSG_FLUFF, in, 2, &pad);
    ASSERT_EQ(every_truncation_fails(buf, len, pad), 0);
    struct pr_answer a[2] = {{1, PR_ANS_NACK, 9}, {2, PR_ANS_HAVE, 0}};
    len = pr_wire_encode_answers(buf, sizeof buf, a, 2);
    ASSERT_EQ(every_truncation_fails(buf, len, 0), 0);
    len = pr_wire_encode_mindiff(buf, sizeof buf, 7);
    ASSERT_EQ(every_truncation_fails(buf, len, 0), 0);
    uint64_t ids[3] = {1, 2, 3};
    len = pr_wire_encode_block(buf, sizeof buf, 5, ids, 3, &pad);
    ASSERT_EQ(every_truncation_fails(buf, len, pad), 0);
    struct pr_msg m;
    ASSERT_EQ(pr_wire_decode(buf, 0, 0, &m), PR_ERR_TRUNCATED);
}

TEST(malformed_fields_rejected)
{
    uint8_t buf[1024];
    uint32_t pad;
    struct pr_msg m;
    struct pr_tx one = tx(1, 1535, 2500);
    size_t len = pr_wire_encode_txs(buf, sizeof buf, PR_MSG_FLUFF, &one, 1, &pad);
    ASSERT_EQ(pr_wire_decode(buf, len, pad + 1, &m), PR_ERR_MALFORMED); /* pad disagrees */
    ASSERT_EQ(pr_wire_decode(buf, len, 0, &m), PR_ERR_MALFORMED);
    uint8_t longer[1024];
    memcpy(longer, buf, len);
    longer[len] = 0;
    ASSERT_EQ(pr_wire_decode(longer, len + 1, pad, &m), PR_ERR_MALFORMED); /* trailing byte */
    buf[0] = 2;
    ASSERT_EQ(pr_wire_decode(buf, len, pad, &m), PR_ERR_VERSION);
    buf[0] = 1;
    buf[1] = 99;
    ASSERT_EQ(pr_wire_decode(buf, len, pad, &m), PR_ERR_UNKNOWN_TYPE);
    buf[1] = PR_MSG_FLUFF;
    /* size below the record itself */
    buf[4 + 8] = 10;
    buf[4 + 9] = buf[4 + 10] = buf[4 + 11] = 0;
    ASSERT_EQ(pr_wire_decode(buf, len, 0, &m), PR_ERR_MALFORMED);
    /* a NaN or negative work */
    struct pr_tx bad = tx(1, 1535, 0);
    len = pr_wire_encode_txs(buf, sizeof buf, PR_MSG_FLUFF, &bad, 1, &pad);
    double nan = NAN, neg = -1;
    memcpy(buf + 4 + 16, &nan, 8);
    ASSERT_EQ(pr_wire_decode(buf, len, pad, &m), PR_ERR_MALFORMED);
    memcpy(buf + 4 + 16, &neg, 8);
    ASSERT_EQ(pr_wire_decode(buf, len, pad, &m), PR_ERR_MALFORMED);
    /* count 0 */
    buf[2] = buf[3] = 0;
    ASSERT_EQ(pr_wire_decode(buf, 4, 0, &m), PR_ERR_MALFORMED);
}

TEST(oversized_batch_rejected)
{
    static uint8_t buf[4 + 2000 * 32];
    memset(buf, 0, sizeof buf);
    buf[0] = PR_WIRE_VERSION;
    buf[1] = PR_MSG_FLUFF;
    buf[2] = (uint8_t)(2000 & 0xff);
    buf[3] = (uint8_t)(2000 >> 8);
    struct pr_msg m;
    ASSERT_EQ(pr_wire_decode(buf, sizeof buf, 0, &m), PR_ERR_TOO_LARGE);
    struct pr_tx many[PR_WIRE_MAX_BATCH + 1];
    for (size_t i = 0; i < PR_WIRE_MAX_BATCH + 1; i++)
        many[i] = tx(i + 1, 64, 1);
    uint32_t pad;
    ASSERT_EQ(pr_wire_encode_txs(buf, sizeof buf, PR_MSG_FLUFF, many, PR_WIRE_MAX_BATCH + 1, &pad), 0);
}

TEST(mindiff_values_zero_negative_nan_inf_rejected)
{
    const double bad[] = {0, -1, -INFINITY, INFINITY, NAN, 0.5, -0.0};
    uint8_t buf[16];
    struct pr_msg m;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ASSERT_EQ(pr_wire_encode_mindiff(buf, sizeof buf, bad[i]), 0);
        pr_wire_encode_mindiff(buf, sizeof buf, 1);
        memcpy(buf + 4, &bad[i], 8);
        ASSERT_EQ(pr_wire_decode(buf, 12, 0, &m), PR_ERR_MALFORMED);
    }
    /* huge but finite is well-formed on the wire; the node refuses it against its cap */
    pr_wire_encode_mindiff(buf, sizeof buf, 1e300);
    ASSERT_OK(pr_wire_decode(buf, 12, 0, &m));
}

TEST(random_bytes_never_crash)
{
    struct pr_rng r;
    pr_rng_seed(&r, 99, 0);
    uint8_t buf[512];
    int ok = 0;
    for (int it = 0; it < 200000; it++) {
        size_t len = pr_rng_below(&r, sizeof buf);
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)pr_rng_next(&r);
        if (len >= 2 && (it & 1)) { /* half the time a plausible header */
            buf[0] = PR_WIRE_VERSION;
            buf[1] = (uint8_t)(1 + pr_rng_below(&r, 5));
        }
        struct pr_msg m;
        uint32_t pad = (uint32_t)pr_rng_below(&r, 4000);
        if (pr_wire_decode(buf, len, pad, &m) == PR_OK) {
            ok++;
            /* whatever decodes is safe to read completely */
            for (size_t i = 0; i < m.count; i++) {
                struct pr_tx t;
                struct pr_answer a;
                if (m.type == PR_MSG_STEM || m.type == PR_MSG_FLUFF)
                    pr_wire_tx_at(&m, i, &t);
                else if (m.type == PR_MSG_ANSWER)
                    pr_wire_answer_at(&m, i, &a);
                else if (m.type == PR_MSG_BLOCK)
                    (void)pr_wire_block_tx_at(&m, i);
            }
        }
    }
    ASSERT_TRUE(ok < 200000);
}

TEST(peek_tx_id_reads_the_first_id_of_tx_and_answer_messages_only)
{
    struct pr_tx in[2] = {tx(0x0102030405060708ull, 300, 1), tx(9, 300, 1)};
    uint8_t buf[128];
    uint32_t pad;
    uint64_t id = 0;
    size_t len = pr_wire_encode_txs(buf, sizeof buf, PR_MSG_FLUFF, in, 2, &pad);
    ASSERT_TRUE(pr_wire_peek_tx_id(buf, len, &id));
    ASSERT_U64(id, 0x0102030405060708ull);
    len = pr_wire_encode_txs(buf, sizeof buf, PR_MSG_STEM, in + 1, 1, &pad);
    ASSERT_TRUE(pr_wire_peek_tx_id(buf, len, &id));
    ASSERT_U64(id, 9);
    struct pr_answer a = {.id = 0xfedcba9876543210ull, .status = PR_ANS_HAVE};
    len = pr_wire_encode_answers(buf, sizeof buf, &a, 1);
    ASSERT_TRUE(pr_wire_peek_tx_id(buf, len, &id));
    ASSERT_U64(id, 0xfedcba9876543210ull);
    /* too short to hold an id, and a message that carries none */
    id = 77;
    ASSERT_TRUE(!pr_wire_peek_tx_id(buf, PR_WIRE_HEADER_BYTES + 7, &id));
    len = pr_wire_encode_mindiff(buf, sizeof buf, 2500);
    ASSERT_TRUE(len >= PR_WIRE_HEADER_BYTES + 8);
    ASSERT_TRUE(!pr_wire_peek_tx_id(buf, len, &id));
    ASSERT_U64(id, 77);
}

TEST(announce_and_request_roundtrip_and_checks)
{
    uint64_t ids[3] = {7, 0xfffffffffffffff0ull, 9};
    uint8_t buf[64];
    uint32_t pad;
    for (uint8_t type = PR_MSG_ANNOUNCE; type <= PR_MSG_REQUEST; type++) {
        size_t len = pr_wire_encode_ids(buf, sizeof buf, type, ids, 3, &pad);
        ASSERT_EQ(len, 4 + 3 * 8);
        ASSERT_EQ(len + pad, 4 + 3 * 32); /* a 32-byte hash per transaction */
        struct pr_msg m;
        ASSERT_OK(pr_wire_decode(buf, len, pad, &m));
        ASSERT_EQ(m.type, type);
        ASSERT_EQ(m.count, 3);
        for (int i = 0; i < 3; i++)
            ASSERT_U64(pr_wire_id_at(&m, i), ids[i]);
        ASSERT_EQ(pr_wire_decode(buf, len, pad + 1, &m), PR_ERR_MALFORMED);   /* pad must match */
        ASSERT_EQ(pr_wire_decode(buf, len - 1, pad, &m), PR_ERR_TRUNCATED);   /* cut short */
        uint8_t longer[72];
        memcpy(longer, buf, len);
        longer[len] = 0;
        ASSERT_EQ(pr_wire_decode(longer, len + 1, pad, &m), PR_ERR_MALFORMED); /* trailing byte */
        buf[2] = buf[3] = 0;                                                   /* count 0 */
        ASSERT_EQ(pr_wire_decode(buf, 4, 0, &m), PR_ERR_MALFORMED);
    }
    ASSERT_EQ(pr_wire_encode_ids(buf, sizeof buf, PR_MSG_FLUFF, ids, 3, &pad), 0); /* not an id message */
    ASSERT_EQ(pr_wire_encode_ids(buf, sizeof buf, PR_MSG_ANNOUNCE, ids, 0, &pad), 0);
    ASSERT_EQ(pr_wire_encode_ids(buf, 20, PR_MSG_ANNOUNCE, ids, 3, &pad), 0); /* does not fit */
    /* 1,025 ids: too large */
    static uint8_t big[4 + 8 * 1025];
    big[0] = PR_WIRE_VERSION;
    big[1] = PR_MSG_REQUEST;
    big[2] = 1025 & 0xff;
    big[3] = 1025 >> 8;
    struct pr_msg m;
    ASSERT_EQ(pr_wire_decode(big, sizeof big, 24 * 1025, &m), PR_ERR_TOO_LARGE);
}

TESTS(tx_batch_roundtrip_and_honest_size, stem_carries_exactly_one, answers_mindiff_block_roundtrip,
      truncated_messages_rejected, malformed_fields_rejected, oversized_batch_rejected,
      mindiff_values_zero_negative_nan_inf_rejected, random_bytes_never_crash,
      peek_tx_id_reads_the_first_id_of_tx_and_answer_messages_only, announce_and_request_roundtrip_and_checks)
