/* Receiving and relaying transactions: acceptance against the per-neighbour requirement, the stem and
 * fluff phases, repackaging, and a node's own transactions from its wallet onwards
 * (docs/protocol.md#acceptance, docs/protocol.md#dandelion, docs/protocol.md#repackaging). */
#ifndef POWRELAY_RELAY_H
#define POWRELAY_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include "powrelay/node.h"
#include "powrelay/tx.h"
#include "powrelay/wire.h"

struct pr_node;
struct pr_txent;

/* A decoded STEM, FLUFF, ANSWER or MINDIFF message from the peer at index peer_idx. */
int pr_relay_message(struct pr_node *n, uint32_t peer_idx, const struct pr_msg *m);
/* A message from the peer broke the protocol (err: enum pr_err): count and report it. */
void pr_relay_invalid(struct pr_node *n, uint32_t peer_idx, int err);
/* Timers: a connection's fluff queue is due; a stem transaction's embargo ended. */
void pr_relay_flush(struct pr_node *n, uint32_t peer_idx);
void pr_relay_embargo(struct pr_node *n, uint64_t tx);
/* Remove a live transaction (confirmed, evicted): out of its pool, timers cancelled, remembered. */
void pr_relay_drop(struct pr_node *n, uint32_t slot);

/* A transaction created here (pr_node_submit_tx). */
int pr_relay_submit(struct pr_node *n, const struct pr_tx_request *rq, uint64_t *id);

/* Tell the peer at index peer_idx what this node requires of it (MINDIFF). */
void pr_send_mindiff(struct pr_node *n, uint32_t peer_idx);
/* ANNOUNCE or REQUEST ids to one peer (in messages of up to a batch). */
void pr_send_ids(struct pr_node *n, uint32_t peer_idx, uint8_t type, const uint64_t *ids, size_t count);
/* Answers (up to a batch) to one peer, in one ANSWER message. PR_ERR_NOMEM if it could not be built. */
struct pr_answer;
int pr_send_answers(struct pr_node *n, uint32_t peer_idx, const struct pr_answer *a, size_t count);
/* Send a batch of transactions (STEM or FLUFF) to one peer, reporting TX_SENT for each. */
void pr_send_txs(struct pr_node *n, uint32_t peer_idx, uint8_t type, const struct pr_tx *txs, size_t count);

#endif
