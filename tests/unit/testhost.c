#include "testhost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ITEM_MSG, ITEM_TIMER };

struct item {
    int64_t t;
    uint64_t seq;
    uint32_t kind, node;
    /* message */
    uint32_t from;
    uint8_t *bytes;
    size_t len;
    uint32_t pad;
    /* timer */
    uint32_t tkind;
    uint64_t arg, handle;
};

struct th {
    struct pr_host host;
    struct pr_config cfg;
    int64_t now, latency;
    uint64_t seq, next_handle, messages;
    uint64_t by_type[256];
    uint32_t n;
    struct pr_node **nodes;
    struct item *heap;
    size_t hlen, hcap;
    uint8_t *cancelled; /* by handle */
    size_t ccap;
    struct pr_event *evs;
    size_t nevs, cevs;
    uint64_t digest;
    struct th_sent *sent;
    size_t nsent, csent;
    struct th_timer { uint32_t node, kind; int64_t set, due; } *timers; /* every timer set, in order */
    size_t ntimers, ctimers;
};

static bool earlier(const struct item *a, const struct item *b)
{
    return a->t != b->t ? a->t < b->t : a->seq < b->seq;
}

static void push(struct th *h, struct item it)
{
    if (h->hlen == h->hcap) {
        h->hcap = h->hcap ? h->hcap * 2 : 64;
        h->heap = realloc(h->heap, sizeof *h->heap * h->hcap);
    }
    size_t i = h->hlen++;
    while (i > 0 && earlier(&it, &h->heap[(i - 1) / 2])) {
        h->heap[i] = h->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h->heap[i] = it;
}

static struct item pop(struct th *h)
{
    struct item top = h->heap[0], last = h->heap[--h->hlen];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->hlen)
            break;
        if (c + 1 < h->hlen && earlier(&h->heap[c + 1], &h->heap[c]))
            c++;
        if (!earlier(&h->heap[c], &last))
            break;
        h->heap[i] = h->heap[c];
        i = c;
    }
    if (h->hlen)
        h->heap[i] = last;
    return top;
}

static int64_t host_now(void *ctx) { return ((struct th *)ctx)->now; }

static void record_sent(struct th *h, uint32_t from, uint32_t to, const uint8_t *msg, size_t len, uint32_t pad)
{
    if (h->nsent == h->csent) {
        h->csent = h->csent ? h->csent * 2 : 64;
        h->sent = realloc(h->sent, sizeof *h->sent * h->csent);
    }
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, msg, len);
    h->sent[h->nsent++] = (struct th_sent){from, to, h->now, copy, len, pad};
}

static void host_send(void *ctx, uint32_t from, uint32_t to, const uint8_t *msg, size_t len, uint32_t pad)
{
    struct th *h = ctx;
    if (to >= h->n)
        return;
    h->messages++;
    if (len >= 2)
        h->by_type[msg[1]]++;
    if (!h->nodes[to]) {
        record_sent(h, from, to, msg, len, pad);
        return;
    }
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, msg, len);
    push(h, (struct item){.t = h->now + h->latency, .seq = h->seq++, .kind = ITEM_MSG, .node = to, .from = from,
                          .bytes = copy, .len = len, .pad = pad});
}

static uint64_t host_set_timer(void *ctx, uint32_t node, int64_t delay, uint32_t kind, uint64_t arg)
{
    struct th *h = ctx;
    uint64_t handle = ++h->next_handle;
    if (h->ntimers == h->ctimers) {
        h->ctimers = h->ctimers ? h->ctimers * 2 : 256;
        h->timers = realloc(h->timers, sizeof *h->timers * h->ctimers);
    }
    h->timers[h->ntimers++] = (struct th_timer){.node = node, .kind = kind, .set = h->now, .due = h->now + delay};
    push(h, (struct item){.t = h->now + delay, .seq = h->seq++, .kind = ITEM_TIMER, .node = node, .tkind = kind,
                          .arg = arg, .handle = handle});
    return handle;
}

static void host_cancel(void *ctx, uint32_t node, uint64_t handle)
{
    struct th *h = ctx;
    (void)node;
    if (handle >= h->ccap) {
        size_t cap = h->ccap ? h->ccap : 256;
        while (cap <= handle)
            cap *= 2;
        h->cancelled = realloc(h->cancelled, cap);
        memset(h->cancelled + h->ccap, 0, cap - h->ccap);
        h->ccap = cap;
    }
    h->cancelled[handle] = 1;
}

static void host_event(void *ctx, const struct pr_event *ev)
{
    struct th *h = ctx;
    if (h->nevs == h->cevs) {
        h->cevs = h->cevs ? h->cevs * 2 : 256;
        h->evs = realloc(h->evs, sizeof *h->evs * h->cevs);
    }
    struct pr_event e = *ev;
    e.ids = NULL; /* borrowed: not kept */
    h->evs[h->nevs++] = e;
    /* FNV-1a over the fields that matter, for determinism checks. */
    uint64_t fields[8] = {ev->type, ev->flags, ev->node, ev->peer, ev->tx, (uint64_t)ev->t_ns, 0, ev->n_ids};
    memcpy(&fields[6], &ev->a, sizeof(double));
    const uint8_t *p = (const uint8_t *)fields;
    for (size_t i = 0; i < sizeof fields; i++)
        h->digest = (h->digest ^ p[i]) * 0x100000001b3ull;
}

struct th *th_new(uint32_t n, const struct pr_config *cfg)
{
    struct th *h = calloc(1, sizeof *h);
    h->n = n;
    h->cfg = *cfg;
    h->latency = 50 * 1000 * 1000; /* 50 ms */
    h->nodes = calloc(n, sizeof *h->nodes);
    h->digest = 0xcbf29ce484222325ull;
    h->host = (struct pr_host){.version = PR_HOST_VERSION, .ctx = h, .now_ns = host_now, .send = host_send,
                               .set_timer = host_set_timer, .cancel_timer = host_cancel, .event = host_event};
    return h;
}

void th_free(struct th *h)
{
    for (uint32_t i = 0; i < h->n; i++)
        pr_node_destroy(h->nodes[i]);
    for (size_t i = 0; i < h->hlen; i++)
        free(h->heap[i].bytes);
    for (size_t i = 0; i < h->nsent; i++)
        free(h->sent[i].bytes);
    free(h->sent);
    free(h->heap);
    free(h->nodes);
    free(h->cancelled);
    free(h->timers);
    free(h->evs);
    free(h);
}

struct pr_config *th_config(struct th *h) { return &h->cfg; }
void th_set_latency(struct th *h, int64_t ns) { h->latency = ns; }

struct pr_node *th_node(struct th *h, uint32_t id, double hashrate, bool attacker)
{
    struct pr_node_params p = {.id = id, .config = &h->cfg, .host = &h->host, .hashrate = hashrate,
                               .attacker = attacker};
    if (pr_node_create(&p, &h->nodes[id]) != PR_OK) {
        fprintf(stderr, "th_node: cannot create node %u\n", id);
        abort();
    }
    return h->nodes[id];
}

struct pr_node *th_get(struct th *h, uint32_t id) { return id < h->n ? h->nodes[id] : NULL; }

void th_link(struct th *h, uint32_t a, uint32_t b)
{
    if (h->nodes[a])
        pr_node_add_peer(h->nodes[a], b, true);
    if (h->nodes[b])
        pr_node_add_peer(h->nodes[b], a, false);
}

void th_start(struct th *h)
{
    for (uint32_t i = 0; i < h->n; i++)
        if (h->nodes[i])
            pr_node_start(h->nodes[i]);
}

int64_t th_now(const struct th *h) { return h->now; }

uint64_t th_run_until(struct th *h, int64_t t)
{
    uint64_t count = 0;
    while (h->hlen && h->heap[0].t <= t) {
        struct item it = pop(h);
        h->now = it.t;
        count++;
        if (it.kind == ITEM_MSG) {
            if (h->nodes[it.node])
                pr_node_receive(h->nodes[it.node], it.from, it.bytes, it.len, it.pad);
            free(it.bytes);
        } else {
            if (it.handle < h->ccap && h->cancelled[it.handle])
                continue;
            if (h->nodes[it.node])
                pr_node_timer(h->nodes[it.node], it.tkind, it.arg);
        }
    }
    if (h->now < t)
        h->now = t;
    return count;
}

void th_inject(struct th *h, uint32_t from, uint32_t to, const uint8_t *msg, size_t len, uint32_t pad)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, msg, len);
    push(h, (struct item){.t = h->now + h->latency, .seq = h->seq++, .kind = ITEM_MSG, .node = to, .from = from,
                          .bytes = copy, .len = len, .pad = pad});
}

void th_inject_txs(struct th *h, uint32_t from, uint32_t to, uint8_t type, const struct pr_tx *txs, size_t n)
{
    uint8_t buf[PR_WIRE_HEADER_BYTES + PR_WIRE_MAX_BATCH * PR_TX_RECORD_BYTES];
    uint32_t pad = 0;
    size_t len = pr_wire_encode_txs(buf, sizeof buf, type, txs, n, &pad);
    if (!len) {
        fprintf(stderr, "th_inject_txs: cannot encode\n");
        abort();
    }
    th_inject(h, from, to, buf, len, pad);
}

void th_inject_mindiff(struct th *h, uint32_t from, uint32_t to, double req)
{
    uint8_t buf[16];
    size_t len = pr_wire_encode_mindiff(buf, sizeof buf, req);
    th_inject(h, from, to, buf, len, 0);
}

size_t th_sent_count(const struct th *h) { return h->nsent; }
const struct th_sent *th_sent_at(const struct th *h, size_t i) { return i < h->nsent ? &h->sent[i] : NULL; }

void th_sent_clear(struct th *h)
{
    for (size_t i = 0; i < h->nsent; i++)
        free(h->sent[i].bytes);
    h->nsent = 0;
}

size_t th_sent_of_type(const struct th *h, uint32_t to, uint8_t type)
{
    size_t k = 0;
    for (size_t i = 0; i < h->nsent; i++)
        if ((to == UINT32_MAX || h->sent[i].to == to) && h->sent[i].len >= 2 && h->sent[i].bytes[1] == type)
            k++;
    return k;
}

size_t th_events(const struct th *h, const struct pr_event **evs)
{
    *evs = h->evs;
    return h->nevs;
}

size_t th_count(const struct th *h, uint32_t type, uint32_t node, uint64_t tx)
{
    size_t k = 0;
    for (size_t i = 0; i < h->nevs; i++) {
        const struct pr_event *e = &h->evs[i];
        if (e->type == type && (node == UINT32_MAX || e->node == node) && (tx == 0 || e->tx == tx))
            k++;
    }
    return k;
}

uint64_t th_digest(const struct th *h) { return h->digest; }
uint64_t th_messages(const struct th *h) { return h->messages; }
uint64_t th_messages_of_type(const struct th *h, uint8_t type) { return h->by_type[type]; }

struct pr_tx th_tx(uint64_t id, double work)
{
    return (struct pr_tx){.id = id, .size = 1535, .fee = 80, .work = work, .nonce = 0};
}

int th_answer(const struct th *h, uint32_t to, uint64_t id, double *req)
{
    int status = -1;
    for (size_t i = 0; i < h->nsent; i++) {
        const struct th_sent *m = &h->sent[i];
        struct pr_msg msg;
        if (m->to != to || pr_wire_decode(m->bytes, m->len, m->pad, &msg) != PR_OK || msg.type != PR_MSG_ANSWER)
            continue;
        for (size_t k = 0; k < msg.count; k++) {
            struct pr_answer a;
            pr_wire_answer_at(&msg, k, &a);
            if (a.id == id) {
                status = a.status;
                if (req)
                    *req = a.req;
            }
        }
    }
    return status;
}

size_t th_sent_tx(const struct th *h, uint32_t to, uint64_t id, uint8_t type, double *work, int64_t *t_ns)
{
    size_t count = 0;
    for (size_t i = 0; i < h->nsent; i++) {
        const struct th_sent *m = &h->sent[i];
        struct pr_msg msg;
        if ((to != UINT32_MAX && m->to != to) || pr_wire_decode(m->bytes, m->len, m->pad, &msg) != PR_OK)
            continue;
        if (!(msg.type == PR_MSG_STEM || msg.type == PR_MSG_FLUFF) || (type && msg.type != type))
            continue;
        for (size_t k = 0; k < msg.count; k++) {
            struct pr_tx t;
            pr_wire_tx_at(&msg, k, &t);
            if (t.id == id) {
                count++;
                if (work)
                    *work = t.work;
                if (t_ns)
                    *t_ns = m->t_ns;
            }
        }
    }
    return count;
}

double th_last_mindiff(const struct th *h, uint32_t to)
{
    double v = 0;
    for (size_t i = 0; i < h->nsent; i++) {
        const struct th_sent *m = &h->sent[i];
        struct pr_msg msg;
        if (m->to == to && pr_wire_decode(m->bytes, m->len, m->pad, &msg) == PR_OK && msg.type == PR_MSG_MINDIFF)
            v = msg.req;
    }
    return v;
}

double th_timer_seconds(const struct th *h, uint32_t node, uint32_t kind, int64_t until_ns)
{
    double s = 0;
    for (size_t i = 0; i < h->ntimers; i++) {
        const struct th_timer *t = &h->timers[i];
        if (t->node != node || t->kind != kind || t->set >= until_ns)
            continue;
        s += (double)((t->due < until_ns ? t->due : until_ns) - t->set) / 1e9;
    }
    return s;
}
