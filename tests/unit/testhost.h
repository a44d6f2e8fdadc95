/* A tiny deterministic host for the model's unit tests: one event loop (binary heap keyed by time then
 * sequence), a fixed latency per message, in-order delivery, no bandwidth. Node ids are 0..n-1; an id
 * can be a real pr_node or an "external" peer whose messages the test writes and reads by hand. */
#ifndef POWRELAY_TESTHOST_H
#define POWRELAY_TESTHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "powrelay/node.h"
#include "powrelay/wire.h"

struct th_sent {      /* a message a real node sent to an external peer */
    uint32_t from, to;
    int64_t t_ns;
    uint8_t *bytes;
    size_t len;
    uint32_t pad;
};

struct th;

/* n ids; cfg is copied and shared by the nodes. */
struct th *th_new(uint32_t n, const struct pr_config *cfg);
void th_free(struct th *h);
struct pr_config *th_config(struct th *h);   /* change before th_node() */
void th_set_latency(struct th *h, int64_t ns);

/* Make id a real node (hashrate, attacker?) or leave it external (the default). */
struct pr_node *th_node(struct th *h, uint32_t id, double hashrate, bool attacker);
struct pr_node *th_get(struct th *h, uint32_t id);
/* a dialled b: a's outbound, b's inbound. */
void th_link(struct th *h, uint32_t a, uint32_t b);
void th_start(struct th *h);

int64_t th_now(const struct th *h);
/* Run events up to and including time t. Returns the number processed. */
uint64_t th_run_until(struct th *h, int64_t t_ns);

/* An external peer sends bytes to a node, delivered after the latency. */
void th_inject(struct th *h, uint32_t from, uint32_t to, const uint8_t *msg, size_t len, uint32_t pad);
void th_inject_txs(struct th *h, uint32_t from, uint32_t to, uint8_t type, const struct pr_tx *txs, size_t n);
void th_inject_mindiff(struct th *h, uint32_t from, uint32_t to, double req);

/* Messages real nodes sent to external peers, in order. */
size_t th_sent_count(const struct th *h);
const struct th_sent *th_sent_at(const struct th *h, size_t i);
void th_sent_clear(struct th *h);
/* Count messages of a type sent to an external peer (to = UINT32_MAX: any). */
size_t th_sent_of_type(const struct th *h, uint32_t to, uint8_t type);

/* The last answer sent to `to` about tx `id`: its status, or -1 if none; *req gets its requirement. */
int th_answer(const struct th *h, uint32_t to, uint64_t id, double *req);
/* How many times tx `id` went to `to` in messages of `type` (0: STEM or FLUFF); *work gets the work of
 * the last copy, *t_ns when it was sent. */
size_t th_sent_tx(const struct th *h, uint32_t to, uint64_t id, uint8_t type, double *work, int64_t *t_ns);
/* The last MINDIFF value sent to `to`, or 0. */
double th_last_mindiff(const struct th *h, uint32_t to);

/* Every event the nodes reported, in order. */
size_t th_events(const struct th *h, const struct pr_event **evs);
size_t th_count(const struct th *h, uint32_t type, uint32_t node, uint64_t tx);
/* A digest of the whole event sequence, for determinism checks. */
uint64_t th_digest(const struct th *h);
/* Messages delivered between real nodes (and to externals). */
uint64_t th_messages(const struct th *h);
uint64_t th_messages_of_type(const struct th *h, uint8_t type);

/* Seconds that node's timers of `kind` ran (from being set to firing, or to until_ns): e.g. how long
 * its solver was busy. Cancelled timers count in full. */
double th_timer_seconds(const struct th *h, uint32_t node, uint32_t kind, int64_t until_ns);

/* A transaction record as a test would send it. */
struct pr_tx th_tx(uint64_t id, double work);

#endif
