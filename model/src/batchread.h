/* Reading a received batch (a FLUFF's or STEM's transactions, an ANSWER's answers) record by record,
 * fetching ahead the table entries of the records to come: on a large network each lookup is a cache miss,
 * and fetched ahead these overlap. Nothing the protocol decides depends on the fetching. Records are
 * found one at a time by whoever handles them, not all first: handling one may insert (and move every
 * slot). The first record's entry is fetched by the host's message hint (hints.c). */
#ifndef POWRELAY_BATCHREAD_H
#define POWRELAY_BATCHREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "powrelay/wire.h"
#include "txtable.h"
#include "wirepeek.h"

#define PR_BATCH_AHEAD 8 /* records fetched ahead of the one being handled */

struct pr_batch_reader {
    const struct pr_msg *m;
    const struct pr_txtable *t; /* where the records will be looked up */
    bool answers;               /* an ANSWER's records, else transactions */
    uint32_t i, n;              /* the next record; the count (kept here: not reloaded through m) */
    uint32_t fetch_end;         /* records before this are fetched: the count, or 0 with nowhere to look */
};

static inline __attribute__((always_inline)) void pr_batch_fetch(const struct pr_batch_reader *r, uint32_t i)
{
    if (i < r->fetch_end) /* one comparison per record, as a loop of its own would have */
        pr_txtable_prefetch(r->t, r->answers ? pr_wire_answer_id_at(r->m, i) : pr_wire_tx_id_at(r->m, i));
}

static inline __attribute__((always_inline)) struct pr_batch_reader
pr_batch_reader(const struct pr_msg *m, const struct pr_txtable *t, bool answers)
{
    struct pr_batch_reader r = {.m = m, .t = t, .answers = answers, .i = 0, .n = m->count, .fetch_end = t ? m->count : 0};
    for (uint32_t i = 1; i < PR_BATCH_AHEAD; i++)
        pr_batch_fetch(&r, i);
    return r;
}

/* The transactions of a STEM or FLUFF message, looked up in t (or NULL). */
static inline struct pr_batch_reader pr_batch_txs(const struct pr_msg *m, const struct pr_txtable *t)
{
    return pr_batch_reader(m, t, false);
}

/* The answers of an ANSWER message, looked up in t (or NULL). */
static inline struct pr_batch_reader pr_batch_answers(const struct pr_msg *m, const struct pr_txtable *t)
{
    return pr_batch_reader(m, t, true);
}

/* The next record into *tx / *a; false after the last. */
static inline bool pr_batch_next_tx(struct pr_batch_reader *r, struct pr_tx *tx)
{
    if (r->i >= r->n)
        return false;
    pr_batch_fetch(r, r->i + PR_BATCH_AHEAD);
    pr_wire_tx_at(r->m, r->i++, tx);
    return true;
}

static inline bool pr_batch_next_answer(struct pr_batch_reader *r, struct pr_answer *a)
{
    if (r->i >= r->n)
        return false;
    pr_batch_fetch(r, r->i + PR_BATCH_AHEAD);
    pr_wire_answer_at(r->m, r->i++, a);
    return true;
}

#endif
