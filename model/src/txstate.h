/* What the protocol keeps of one transaction at a node: where it is (wallet, stem pool, mempool), what is
 * known of its peers (who has it, whose fluff queue holds it, whose answer is due, who did not relay
 * it), its PoW, and what it waits for. One entry of the node's transaction table (txtable.h), which owns
 * only `id` and `cold`; the rest is the relay's (docs/protocol.md#dandelion). */
#ifndef POWRELAY_TXSTATE_H
#define POWRELAY_TXSTATE_H

#include <stdint.h>

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

struct pr_txent {      /* one cache line (txtable.c checks) */
    uint64_t id;       /* the table's: 0 = empty slot, PR_TX_TOMB = deleted */
    double work;
    uint64_t known;    /* peers known to have it (bit = peer index) */
    uint64_t queued;   /* peers whose fluff queue holds it */
    uint64_t inflight; /* peers it was fluffed to whose answer is still due */
    uint64_t nonrelay; /* fluff round: peers that did not relay it */
    uint32_t cold;     /* the table's: its pr_txcold */
    uint32_t size;
    uint8_t state;     /* enum pr_tx_state */
    uint8_t flags;
    uint8_t after;     /* what to do once its pending PoW job is done (enum pr_after) */
    uint8_t src;       /* peer index it came from; PR_SRC_SELF for own */
    uint8_t stem_peer; /* peer index it was stemmed to */
    uint8_t round_n, round_relayed, round_notrelayed;
};

/* What to do with a transaction once its PoW job is done (or found unnecessary). */
enum pr_after {
    PR_AFTER_NONE = 0,
    PR_AFTER_STEM,    /* send to the stem peer */
    PR_AFTER_DIFFUSE, /* open the fluff round: queue to every target */
    PR_AFTER_RESEND   /* resend to the fluff peers that did not relay */
};

#endif
