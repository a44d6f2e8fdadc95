/* The relay protocol's message format; see powrelay/wire.h for the layout. Everything explicit-endian
 * and bounds-checked: a message is validated completely before the accessors read it. */
#include "powrelay/wire.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "powrelay/error.h"
#include "wirepeek.h"

static inline void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline void put_f64(uint8_t *p, double d)
{
    uint64_t v;
    memcpy(&v, &d, sizeof v);
    put_u64(p, v);
}
static inline void put_f32(uint8_t *p, float f)
{
    uint32_t v;
    memcpy(&v, &f, sizeof v);
    put_u32(p, v);
}
static inline uint16_t get_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t get_u64(const uint8_t *p) { return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32; }
static inline double get_f64(const uint8_t *p)
{
    uint64_t v = get_u64(p);
    double d;
    memcpy(&d, &v, sizeof d);
    return d;
}
static inline float get_f32(const uint8_t *p)
{
    uint32_t v = get_u32(p);
    float f;
    memcpy(&f, &v, sizeof f);
    return f;
}

static void put_header(uint8_t *buf, uint8_t type, uint16_t count)
{
    buf[0] = PR_WIRE_VERSION;
    buf[1] = type;
    put_u16(buf + 2, count);
}

/* A requirement is a difficulty: finite and at least one expected hash. */
static bool valid_req(double r) { return isfinite(r) && r >= 1.0; }

static bool valid_tx(const struct pr_tx *t)
{
    return t->size >= PR_TX_MIN_BYTES && t->size <= PR_TX_MAX_BYTES && isfinite(t->fee) && t->fee >= 0 &&
           isfinite(t->work) && t->work >= 0;
}

/* Checks a body of `count` fixed-size items: exact length, no trailing bytes. */
static int check_len(size_t len, size_t fixed, size_t count, size_t item)
{
    size_t want = PR_WIRE_HEADER_BYTES + fixed + count * item;
    if (len < want)
        return PR_ERR_TRUNCATED;
    if (len > want)
        return PR_ERR_MALFORMED;
    return PR_OK;
}

int pr_wire_decode(const uint8_t *msg, size_t len, uint32_t pad, struct pr_msg *out)
{
    if (!out)
        return PR_ERR_INVALID;
    memset(out, 0, sizeof *out);
    if (len < PR_WIRE_HEADER_BYTES)
        return PR_ERR_TRUNCATED;
    if (!msg)
        return PR_ERR_INVALID;
    if (msg[0] != PR_WIRE_VERSION)
        return PR_ERR_VERSION;
    uint8_t type = msg[1];
    uint16_t count = get_u16(msg + 2);
    const uint8_t *body = msg + PR_WIRE_HEADER_BYTES;
    int err;
    out->type = type;
    out->count = count;
    out->body = body;

    switch (type) {
    case PR_MSG_STEM:
    case PR_MSG_FLUFF: {
        if (count == 0 || (type == PR_MSG_STEM && count != 1))
            return PR_ERR_MALFORMED;
        if (count > PR_WIRE_MAX_BATCH)
            return PR_ERR_TOO_LARGE;
        if ((err = check_len(len, 0, count, PR_TX_RECORD_BYTES)) != PR_OK)
            return err;
        uint64_t want_pad = 0;
        for (size_t i = 0; i < count; i++) {
            struct pr_tx t;
            pr_wire_tx_at(out, i, &t);
            if (!valid_tx(&t))
                return PR_ERR_MALFORMED;
            want_pad += t.size - PR_TX_RECORD_BYTES;
        }
        if (want_pad != pad)
            return PR_ERR_MALFORMED;
        return PR_OK;
    }
    case PR_MSG_ANSWER:
        if (count == 0)
            return PR_ERR_MALFORMED;
        if (count > PR_WIRE_MAX_BATCH)
            return PR_ERR_TOO_LARGE;
        if ((err = check_len(len, 0, count, PR_ANSWER_BYTES)) != PR_OK)
            return err;
        if (pad != 0)
            return PR_ERR_MALFORMED;
        for (size_t i = 0; i < count; i++) {
            struct pr_answer a;
            pr_wire_answer_at(out, i, &a);
            if (a.status > PR_ANS_DROPPED)
                return PR_ERR_MALFORMED;
            if (a.status == PR_ANS_NACK ? !valid_req(a.req) : a.req != 0.0)
                return PR_ERR_MALFORMED;
        }
        return PR_OK;
    case PR_MSG_MINDIFF:
        if (count != 1)
            return PR_ERR_MALFORMED;
        if ((err = check_len(len, 8, 0, 0)) != PR_OK)
            return err;
        if (pad != 0)
            return PR_ERR_MALFORMED;
        out->req = get_f64(body);
        if (!valid_req(out->req))
            return PR_ERR_MALFORMED;
        return PR_OK;
    case PR_MSG_BLOCK:
        if ((err = check_len(len, 8, count, 8)) != PR_OK)
            return err;
        if (pad != PR_BLOCK_HEADER_PAD + PR_BLOCK_PER_TX_PAD * (uint32_t)count)
            return PR_ERR_MALFORMED;
        out->block_id = get_u64(body);
        out->body = body + 8;
        return PR_OK;
    case PR_MSG_ANNOUNCE:
    case PR_MSG_REQUEST:
        if (count == 0)
            return PR_ERR_MALFORMED;
        if (count > PR_WIRE_MAX_BATCH)
            return PR_ERR_TOO_LARGE;
        if ((err = check_len(len, 0, count, 8)) != PR_OK)
            return err;
        if (pad != PR_HASH_PAD * (uint32_t)count)
            return PR_ERR_MALFORMED;
        return PR_OK;
    default:
        return PR_ERR_UNKNOWN_TYPE;
    }
}

bool pr_wire_peek_tx_id(const uint8_t *msg, size_t len, uint64_t *id)
{
    if (len < PR_WIRE_HEADER_BYTES + 8 || msg[1] < PR_MSG_STEM || msg[1] > PR_MSG_ANSWER)
        return false;
    *id = get_u64(msg + PR_WIRE_HEADER_BYTES);
    return true;
}

void pr_wire_tx_at(const struct pr_msg *m, size_t i, struct pr_tx *tx)
{
    const uint8_t *p = m->body + i * PR_TX_RECORD_BYTES;
    tx->id = get_u64(p);
    tx->size = get_u32(p + 8);
    tx->fee = get_f32(p + 12);
    tx->work = get_f64(p + 16);
    tx->nonce = get_u64(p + 24);
}

void pr_wire_answer_at(const struct pr_msg *m, size_t i, struct pr_answer *a)
{
    const uint8_t *p = m->body + i * PR_ANSWER_BYTES;
    a->id = get_u64(p);
    a->status = p[8];
    a->req = get_f64(p + 9);
}

uint64_t pr_wire_block_tx_at(const struct pr_msg *m, size_t i) { return get_u64(m->body + i * 8); }
uint64_t pr_wire_id_at(const struct pr_msg *m, size_t i) { return get_u64(m->body + i * 8); }
uint64_t pr_wire_tx_id_at(const struct pr_msg *m, size_t i) { return get_u64(m->body + i * PR_TX_RECORD_BYTES); }
uint64_t pr_wire_answer_id_at(const struct pr_msg *m, size_t i) { return get_u64(m->body + i * PR_ANSWER_BYTES); }

size_t pr_wire_encode_txs(uint8_t *buf, size_t cap, uint8_t type, const struct pr_tx *txs, size_t n,
                          uint32_t *pad)
{
    if ((type != PR_MSG_STEM && type != PR_MSG_FLUFF) || n == 0 || n > PR_WIRE_MAX_BATCH ||
        (type == PR_MSG_STEM && n != 1))
        return 0;
    size_t len = PR_WIRE_HEADER_BYTES + n * PR_TX_RECORD_BYTES;
    if (len > cap)
        return 0;
    uint64_t body = 0;
    put_header(buf, type, (uint16_t)n);
    uint8_t *p = buf + PR_WIRE_HEADER_BYTES;
    for (size_t i = 0; i < n; i++, p += PR_TX_RECORD_BYTES) {
        const struct pr_tx *t = &txs[i];
        if (!valid_tx(t))
            return 0;
        put_u64(p, t->id);
        put_u32(p + 8, t->size);
        put_f32(p + 12, t->fee);
        put_f64(p + 16, t->work);
        put_u64(p + 24, t->nonce);
        body += t->size - PR_TX_RECORD_BYTES;
    }
    if (body > UINT32_MAX)
        return 0;
    *pad = (uint32_t)body;
    return len;
}

size_t pr_wire_encode_answers(uint8_t *buf, size_t cap, const struct pr_answer *a, size_t n)
{
    size_t len = PR_WIRE_HEADER_BYTES + n * PR_ANSWER_BYTES;
    if (n == 0 || n > PR_WIRE_MAX_BATCH || len > cap)
        return 0;
    put_header(buf, PR_MSG_ANSWER, (uint16_t)n);
    uint8_t *p = buf + PR_WIRE_HEADER_BYTES;
    for (size_t i = 0; i < n; i++, p += PR_ANSWER_BYTES) {
        put_u64(p, a[i].id);
        p[8] = a[i].status;
        put_f64(p + 9, a[i].status == PR_ANS_NACK ? a[i].req : 0.0);
    }
    return len;
}

size_t pr_wire_encode_mindiff(uint8_t *buf, size_t cap, double req)
{
    size_t len = PR_WIRE_HEADER_BYTES + 8;
    if (len > cap || !valid_req(req))
        return 0;
    put_header(buf, PR_MSG_MINDIFF, 1);
    put_f64(buf + PR_WIRE_HEADER_BYTES, req);
    return len;
}

size_t pr_wire_encode_block(uint8_t *buf, size_t cap, uint64_t block_id, const uint64_t *ids, size_t n,
                            uint32_t *pad)
{
    size_t len = PR_WIRE_HEADER_BYTES + 8 + 8 * n;
    if (n > PR_WIRE_MAX_BLOCK_TXS || len > cap)
        return 0;
    put_header(buf, PR_MSG_BLOCK, (uint16_t)n);
    put_u64(buf + PR_WIRE_HEADER_BYTES, block_id);
    for (size_t i = 0; i < n; i++)
        put_u64(buf + PR_WIRE_HEADER_BYTES + 8 + 8 * i, ids[i]);
    *pad = PR_BLOCK_HEADER_PAD + PR_BLOCK_PER_TX_PAD * (uint32_t)n;
    return len;
}

size_t pr_wire_encode_ids(uint8_t *buf, size_t cap, uint8_t type, const uint64_t *ids, size_t n, uint32_t *pad)
{
    size_t len = PR_WIRE_HEADER_BYTES + 8 * n;
    if ((type != PR_MSG_ANNOUNCE && type != PR_MSG_REQUEST) || n == 0 || n > PR_WIRE_MAX_BATCH || len > cap)
        return 0;
    put_header(buf, type, (uint16_t)n);
    for (size_t i = 0; i < n; i++)
        put_u64(buf + PR_WIRE_HEADER_BYTES + 8 * i, ids[i]);
    *pad = PR_HASH_PAD * (uint32_t)n;
    return len;
}
