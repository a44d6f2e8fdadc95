/* A node's transaction state: the live transactions (own ones being solved, the stem pool, the
 * mempool) and the ids it no longer holds but still remembers ("seen"), so that late copies of confirmed
 * or evicted transactions are recognised as old. The memory is two generations of an id set, the older
 * dropped every TTL: an id is remembered between one and two TTLs, at 8 bytes a slot and no scans.
 *
 * Layout for speed on large networks, where every lookup is a cache miss: what receiving a copy or an
 * answer touches sits in a 64-byte "hot" entry stored in an open-addressing table (one cache line per
 * lookup); the rest sits in a "cold" record in a slab whose indices never change (the mempool's heap
 * refers to those). Hot slots stay put until an insertion grows the table: hold a slot only across
 * calls that cannot insert. */
#ifndef POWRELAY_TXTABLE_H
#define POWRELAY_TXTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "powrelay/u64map.h"
#include "prefetch.h"

#define PR_NO_SLOT UINT32_MAX

enum pr_tx_state {
    PR_TXS_FREE = 0,
    PR_TXS_WALLET, /* own transaction: the sender's wallet is solving its PoW */
    PR_TXS_STEM,   /* in the stem pool */
    PR_TXS_POOL    /* in the mempool: fluffed */
};

/* Entry flags. */
#define PR_TXF_OWN 0x01u         /* created here (own rule: always solved to the target) */
#define PR_TXF_EXACT 0x02u       /* scripted with an explicit work: never re-solved */
#define PR_TXF_RP_COUNTED 0x04u  /* already counted once in its source's rp */
#define PR_TXF_STEM_RESENT 0x08u /* the one stem resend after a NACK is used */
#define PR_TXF_ROUND_DONE 0x10u  /* the fluff round's half-relayed check is done */
#define PR_TXF_JOB 0x20u         /* a PoW job (solver or wallet) for it is queued or running */
#define PR_TXF_ROUND_OPEN 0x40u  /* a fluff round is being counted */
#define PR_TXF_EMBARGO 0x80u     /* its embargo timer is set (the handler checks the state, so it is never
                                    cancelled: one stale event is cheaper than a handle per entry) */

struct pr_txent {      /* hot: 64 bytes */
    uint64_t id;       /* 0: empty slot; PR_TX_TOMB: deleted */
    double work;
    uint64_t known;    /* peers known to have it (bit = peer index) */
    uint64_t queued;   /* peers whose fluff queue holds it */
    uint64_t inflight; /* peers it was fluffed to whose answer is still due */
    uint64_t nonrelay; /* fluff round: peers that did not relay it */
    uint32_t cold;     /* its pr_txcold */
    uint32_t size;
    uint8_t state;     /* enum pr_tx_state */
    uint8_t flags;
    uint8_t after;     /* what to do once its pending PoW job is done (enum pr_after) */
    uint8_t src;       /* peer index it came from; PR_SRC_SELF for own */
    uint8_t stem_peer; /* peer index it was stemmed to */
    uint8_t round_n, round_relayed, round_notrelayed;
};

struct pr_txcold {     /* 24 bytes: what the mempool orders by, and what only sending needs (the size is
                          in the hot entry: a large run holds millions of these) */
    uint64_t id;
    int64_t arrival_ns; /* when this node got it (its age in the mempool) */
    float fee;
    uint32_t heap_pos;  /* position in the mempool's eviction heap; next free record when free */
};

#define PR_TX_TOMB UINT64_MAX

struct pr_txtable {
    struct pr_txent *hot; /* open addressing, linear probing, 64-byte aligned, at most 3/4 used */
    uint32_t slots;       /* a power of two less one (see txtable.c); 0 when unallocated */
    uint32_t live, used;  /* used = live + tombstones */
    struct pr_txcold *cold;
    uint32_t n_cold, cap_cold, free_cold;
    struct pr_u64set seen[2]; /* remembered ids: this generation and the one before */
    int64_t seen_ttl, seen_rotate_at;
    struct pr_u64map nonces; /* id -> hashcash nonce, pow.mode sha256 only (the others prove no hash) */
};

/* ttl_ns: how long a dropped transaction's id is remembered (at least). */
void pr_txtable_init(struct pr_txtable *t, int64_t ttl_ns);
void pr_txtable_free(struct pr_txtable *t);
/* Hot slot of a live transaction, or PR_NO_SLOT. */
uint32_t pr_txtable_find(const struct pr_txtable *t, uint64_t id);
/* pr_txtable_find(), trying first the slot id had when last found (it stays put unless an insertion
 * grew the table; an entry is only ever at one slot, so a match there is the answer). */
static inline uint32_t pr_txtable_refind(const struct pr_txtable *t, uint64_t id, uint32_t hint)
{
    if (hint < t->slots && t->hot[hint].id == id && id != 0 && id != PR_TX_TOMB)
        return hint;
    return pr_txtable_find(t, id);
}
/* A zeroed live entry (and cold record) for id, which must not be live. May move every hot slot.
 * PR_ERR_NOMEM. */
int pr_txtable_add(struct pr_txtable *t, uint64_t id, uint32_t *slot);
/* Drop a live entry, remembering its id. */
void pr_txtable_forget(struct pr_txtable *t, uint32_t slot, int64_t now_ns);
/* Remember an id that never was live here (a confirmed tx we did not have). */
void pr_txtable_remember(struct pr_txtable *t, uint64_t id, int64_t now_ns);
/* True if the id is remembered. */
bool pr_txtable_seen(const struct pr_txtable *t, uint64_t id);
/* Ids remembered. */
static inline uint64_t pr_txtable_seen_count(const struct pr_txtable *t) { return t->seen[0].len + t->seen[1].len; }

static inline struct pr_txcold *pr_txcold_of(const struct pr_txtable *t, const struct pr_txent *e)
{
    return &t->cold[e->cold];
}

/* The slot where id's probe starts. */
static inline uint32_t pr_txtable_home(const struct pr_txtable *t, uint64_t id)
{
    return (uint32_t)pr_hash_slot(id, t->slots);
}

/* Prefetch the hot slot where id would be (always inlined: see prefetch.h). */
static inline __attribute__((always_inline)) void pr_txtable_prefetch(const struct pr_txtable *t, uint64_t id)
{
    if (t->hot)
        pr_prefetch(&t->hot[pr_txtable_home(t, id)]);
}

#endif
