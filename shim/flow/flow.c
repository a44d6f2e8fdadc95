/* The built-in message-level network model (docs/protocol.md#network, "flow"): per-node uplink and downlink FIFO
 * serialisation at the region's bandwidth, per-connection propagation latency from the region matrix
 * with jitter, loss as TCP's recovery delays it (tcp.c), in-order delivery per connection.
 *
 * A message goes: the sender's uplink (FIFO in send order, size / up_bps, computed when it is sent)
 * -> the connection (latency, plus what TCP's recovery adds under loss) -> the receiver's downlink
 * (size / down_bps) -> pr_node_receive(). The downlink is shared by the receiver's connections: a
 * message is served when it would finish if the link were idle, unless the link is still busy with
 * earlier ones, in which case it queues behind them (work-conserving; messages of different connections
 * interleave as TCP's packets do, rather than waiting for a whole earlier message). Each connection
 * delivers in order (a message never finishes before the one sent before it on the same connection),
 * so TCP's head-of-line blocking after a loss holds too. A message costs one event in the queue, two
 * when its downlink is busy.
 *
 * Memory: nodes, connections, messages and timers live in flat arrays; message and timer records are
 * recycled (a stack of free indices), and a message record keeps a small byte buffer, so the hot path
 * allocates only for large batches once the run has warmed up. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evq.h"
#include "partstat.h"
#include "tcp.h"
#include "powrelay/hints.h"
#include "powrelay/netmodel.h"
#include "powrelay/rng.h"

#define NONE UINT32_MAX
#define FLOW_RNG_STREAM 0x666c6f77ull /* "flow": the network's own draws */

enum ev_type { EV_TIMER = 1, EV_DELIVER, EV_CALL }; /* fits the event's 2 type bits */

#define INLINE_BYTES 40 /* answers (up to two), MINDIFFs and single transactions fit in the record */
/* A record keeps its buffer for the next message only up to this size (a batch of ~30 transactions):
 * records are reused in any order, so kept buffers would each grow to the largest message of the run. */
#define KEEP_BUFFER_BYTES 1024

/* One cache line: what delivering needs, then the bytes of a small message. The receiver is the
 * event's node, and the serialisation time on its downlink is computed again from its link, so neither
 * is stored. */
struct msg {
    _Alignas(64) uint32_t conn;
    uint32_t from;            /* the connection's sender, kept here to spare a dependent load */
    uint32_t len, pad;
    uint32_t rev;             /* the connection back, which an answer to this message takes */
    bool queued;              /* already placed behind a busy downlink: deliver when it fires */
    uint8_t inline_bytes[INLINE_BYTES]; /* a larger message's first bytes, for the prefetch hint */
};
_Static_assert(sizeof(struct msg) == 64, "a message record is one cache line");

/* A larger message's bytes, per record, kept for reuse (a record's buffer is only ever grown). */
struct msgbuf {
    uint8_t *p;
    uint32_t cap;
};

struct msgchunk {
    struct msg *rec;
    struct msgbuf *buf; /* allocated when one of the chunk's records first carries a larger message */
};

/* A connection seen from its sender; a node's connections are contiguous and sorted by peer, so the
 * lookup on the send path and the fields it then needs share cache lines. */
struct conn {
    uint32_t to;
    uint32_t rev;        /* the same connection seen from the other end */
    int64_t latency_ns;
    int64_t last_finish; /* in-order delivery: no message finishes before its predecessor */
    double down_bps;     /* the receiver's downlink, so that sending need not touch the receiver */
};

struct fnode {
    struct pr_node *pr;
    double up_bps, down_bps;
    int64_t up_free, down_free; /* when the link finishes what it already carries */
    uint32_t conn_begin, conn_end; /* its outgoing connections in net->conns */
    uint64_t bytes_in, bytes_out;
};


struct timer {
    uint32_t node, kind;
    uint64_t arg;
    uint32_t gen;
    uint32_t next_free; /* NONE while live */
};

struct call {
    prnet_fn fn;
    void *arg;
    uint64_t a;
    uint32_t next_free;
};

struct prnet {
    struct pr_host host;
    struct prnet_callbacks cb;
    const struct pr_config *cfg;
    struct pr_rng rng;
    double loss;
    struct prf_tcp *tcp; /* per connection, when loss > 0 */
    uint8_t *fails;      /* a message's per-segment loss draws */
    uint32_t cap_fails;
    int64_t now;
    bool started;

    uint32_t n_nodes;
    struct fnode *nodes;
    struct pr_node **prs; /* nodes[i].pr again, dense, so the loop can prefetch a node's state at once */
    struct conn *conns;
    uint32_t n_conns;

    struct msgchunk *msg_chunks; /* records in fixed chunks: their addresses (and inline bytes) never move */
    uint32_t n_msgs, n_chunks, cap_chunks;
    /* Free records, a stack of indices rather than a list threaded through them: a node fluffing to
     * all its peers takes a dozen records at once, and popping a list would wait on each record's
     * memory in turn to learn the next; the stack holds a slot for every record, so pushing never fails. */
    uint32_t *free_msgs, n_free_msgs;
    struct timer *timers;
    uint32_t n_timers, cap_timers, free_timer;
    struct call *calls;
    uint32_t n_calls, cap_calls, free_call;

    /* While a message is being received: its connection back, so the answer skips the lookup. */
    uint32_t reply_from, reply_to, reply_conn;

    struct prf_evq q;
    struct prnet_stats stats;
    bool oom;
    /* POWRELAY_PARTSTAT=FILE: partition statistics for docs/scaling.md, written at the end */
    struct prf_partstat *ps;
    const char *ps_path;
};

/* ---- helpers ---- */

static int grow(void **arr, uint32_t *cap, size_t elem)
{
    uint32_t c = *cap ? *cap * 2 : 1024;
    void *p = realloc(*arr, elem * c);
    if (!p)
        return -1;
    *arr = p;
    *cap = c;
    return 0;
}

#define CHUNK_SHIFT 12
#define CHUNK (1u << CHUNK_SHIFT)

static inline struct msg *msg_at(const struct prnet *net, uint32_t i)
{
    return &net->msg_chunks[i >> CHUNK_SHIFT].rec[i & (CHUNK - 1)];
}

static inline struct msgbuf *msgbuf_at(const struct prnet *net, uint32_t i)
{
    return &net->msg_chunks[i >> CHUNK_SHIFT].buf[i & (CHUNK - 1)];
}

static inline uint8_t *msg_bytes(const struct prnet *net, uint32_t i)
{
    struct msg *m = msg_at(net, i);
    return m->len <= INLINE_BYTES ? m->inline_bytes : msgbuf_at(net, i)->p;
}

/* Make record i's buffer hold len bytes. False when out of memory. */
static bool msg_buffer(struct prnet *net, uint32_t i, size_t len)
{
    struct msgbuf **chunk = &net->msg_chunks[i >> CHUNK_SHIFT].buf;
    if (!*chunk && !(*chunk = calloc(CHUNK, sizeof **chunk)))
        return false;
    struct msgbuf *mb = &(*chunk)[i & (CHUNK - 1)];
    if (mb->cap >= len)
        return true;
    uint8_t *b = malloc(len);
    if (!b)
        return false;
    free(mb->p);
    mb->p = b;
    mb->cap = (uint32_t)len;
    return true;
}

static uint32_t msg_alloc(struct prnet *net, size_t len)
{
    uint32_t i;
    if (net->n_free_msgs) {
        i = net->free_msgs[--net->n_free_msgs];
        if (net->n_free_msgs)
            __builtin_prefetch(msg_at(net, net->free_msgs[net->n_free_msgs - 1])); /* the next send's */
    } else {
        if (net->n_msgs == net->n_chunks * CHUNK) {
            if (net->n_chunks == net->cap_chunks &&
                grow((void **)&net->msg_chunks, &net->cap_chunks, sizeof *net->msg_chunks))
                return NONE;
            uint32_t *stack = realloc(net->free_msgs, sizeof *stack * (net->n_chunks + 1) * CHUNK);
            if (!stack)
                return NONE;
            net->free_msgs = stack;
            struct msg *chunk = aligned_alloc(64, CHUNK * sizeof *chunk);
            if (!chunk)
                return NONE;
            memset(chunk, 0, CHUNK * sizeof *chunk);
            net->msg_chunks[net->n_chunks++] = (struct msgchunk){.rec = chunk, .buf = NULL};
        }
        i = net->n_msgs++;
    }
    struct msg *m = msg_at(net, i);
    if (len > INLINE_BYTES && !msg_buffer(net, i, len)) {
        net->free_msgs[net->n_free_msgs++] = i;
        return NONE;
    }
    m->len = (uint32_t)len;
    return i;
}

static void msg_free(struct prnet *net, uint32_t i) { net->free_msgs[net->n_free_msgs++] = i; }

static void push(struct prnet *net, int64_t t, uint32_t type, uint32_t idx, uint32_t node)
{
    if (prf_evq_push(&net->q, t, type, idx, node) != 0)
        net->oom = true;
}

/* Bytes a message occupies on an access link: framing, payload and per-segment TCP/IP headers. */
static uint64_t link_bytes(uint64_t wire)
{
    uint64_t segments = (wire + PRNET_MSS - 1) / PRNET_MSS;
    return wire + segments * PRNET_SEGMENT_OVERHEAD;
}

static int64_t tx_time_ns(uint64_t bytes, double bps) { return (int64_t)ceil((double)bytes * 8.0 / bps * 1e9); }

/* Loss: each segment and the message's final ACK cross two access links; tcp.c turns the draws into
 * the delay TCP's recovery adds (docs/protocol.md#network). The connection's round trip is twice its
 * latency. */
static int64_t loss_delay(struct prnet *net, uint32_t c, int64_t sent, uint64_t wire, int64_t latency_ns)
{
    if (net->loss <= 0)
        return 0;
    double p = 1 - (1 - net->loss) * (1 - net->loss);
    uint64_t segments = (wire + PRNET_MSS - 1) / PRNET_MSS;
    if (segments > net->cap_fails) {
        uint8_t *f = realloc(net->fails, segments);
        if (!f) {
            net->oom = true;
            return 0;
        }
        net->fails = f;
        net->cap_fails = (uint32_t)segments;
    }
    for (uint64_t s = 0; s < segments; s++) {
        uint8_t fails = 0;
        while (pr_rng_uniform(&net->rng) < p && fails < 16)
            fails++;
        net->fails[s] = fails;
    }
    bool ack_lost = pr_rng_uniform(&net->rng) < p;
    return prf_tcp_message(&net->tcp[c], sent, (uint32_t)segments, net->fails, ack_lost, 2 * latency_ns);
}

static uint32_t find_conn(const struct prnet *net, uint32_t from, uint32_t to)
{
    const struct fnode *n = &net->nodes[from];
    for (uint32_t k = n->conn_begin; k < n->conn_end; k++)
        if (net->conns[k].to == to)
            return k;
    return NONE;
}

/* ---- the host table ---- */

static int64_t host_now(void *ctx) { return ((struct prnet *)ctx)->now; }

static void host_send(void *ctx, uint32_t from, uint32_t to, const uint8_t *bytes, size_t len, uint32_t pad)
{
    struct prnet *net = ctx;
    if (from >= net->n_nodes || to >= net->n_nodes)
        return;
    uint32_t c = from == net->reply_from && to == net->reply_to ? net->reply_conn : find_conn(net, from, to);
    if (c == NONE)
        return; /* not connected: the model only sends to peers, so this is a host bug guard */
    uint32_t mi = msg_alloc(net, len);
    if (mi == NONE) {
        net->oom = true;
        return;
    }
    struct msg *m = msg_at(net, mi);
    memcpy(msg_bytes(net, mi), bytes, len);
    if (len > INLINE_BYTES) /* its head in the record too: the hint then needs no read of the buffer */
        memcpy(m->inline_bytes, bytes, INLINE_BYTES);
    m->pad = pad;
    struct fnode *src = &net->nodes[from];
    struct conn *cn = &net->conns[c];
    m->conn = c;
    m->from = from;
    m->rev = cn->rev;
    uint64_t wire = (uint64_t)len + pad + PRNET_FRAME_BYTES, on_link = link_bytes(wire);
    int64_t start = src->up_free > net->now ? src->up_free : net->now;
    int64_t sent = start + tx_time_ns(on_link, src->up_bps);
    src->up_free = sent;
    src->bytes_out += wire;
    int64_t arrival = sent + cn->latency_ns + loss_delay(net, c, sent, wire, cn->latency_ns);
    if (net->ps)
        prf_partstat_message(net->ps, from, to, wire);
    m->queued = false;
    int64_t finish = arrival + tx_time_ns(on_link, cn->down_bps);
    if (finish < cn->last_finish)
        finish = cn->last_finish; /* TCP delivers in order */
    cn->last_finish = finish;
    push(net, finish, EV_DELIVER, mi, to);
}

static uint64_t host_set_timer(void *ctx, uint32_t node, int64_t delay_ns, uint32_t kind, uint64_t arg)
{
    struct prnet *net = ctx;
    uint32_t i;
    if (net->free_timer != NONE) {
        i = net->free_timer;
        net->free_timer = net->timers[i].next_free;
    } else {
        if (net->n_timers == net->cap_timers && grow((void **)&net->timers, &net->cap_timers, sizeof *net->timers)) {
            net->oom = true;
            return 0;
        }
        i = net->n_timers++;
        net->timers[i].gen = 0;
    }
    struct timer *t = &net->timers[i];
    t->node = node;
    t->kind = kind;
    t->arg = arg;
    t->gen++;
    t->next_free = NONE;
    push(net, net->now + (delay_ns > 0 ? delay_ns : 0), EV_TIMER, i, node);
    return (uint64_t)t->gen << 32 | (i + 1);
}

static void timer_release(struct prnet *net, uint32_t i)
{
    net->timers[i].gen++; /* stale handles no longer match */
    net->timers[i].next_free = net->free_timer;
    net->free_timer = i;
}

static void host_cancel(void *ctx, uint32_t node, uint64_t handle)
{
    struct prnet *net = ctx;
    (void)node;
    uint32_t i = (uint32_t)(handle & 0xffffffffu);
    if (i == 0 || i > net->n_timers)
        return;
    struct timer *t = &net->timers[i - 1];
    if (t->gen == (uint32_t)(handle >> 32) && t->next_free == NONE)
        t->kind = 0; /* cancelled: its queue entry is dropped when it comes up */
}

static void host_event(void *ctx, const struct pr_event *ev)
{
    struct prnet *net = ctx;
    if (net->cb.event)
        net->cb.event(net->cb.ctx, ev);
}

/* ---- events ---- */

static void on_deliver(struct prnet *net, uint32_t mi, uint32_t to)
{
    struct msg *m = msg_at(net, mi);
    struct fnode *n = &net->nodes[to];
    uint64_t wire = (uint64_t)m->len + m->pad + PRNET_FRAME_BYTES;
    if (!m->queued) {
        int64_t ser = tx_time_ns(link_bytes(wire), n->down_bps); /* as host_send() computed it */
        if (n->down_free > net->now - ser) {
            /* The downlink was still busy when this message needed it: it queues behind. */
            int64_t t = n->down_free + ser;
            n->down_free = t;
            struct conn *cn = &net->conns[m->conn];
            if (t > cn->last_finish)
                cn->last_finish = t;
            m->queued = true;
            push(net, t, EV_DELIVER, mi, to);
            return;
        }
    }
    if (n->down_free < net->now)
        n->down_free = net->now;
    n->bytes_in += wire;
    net->stats.messages++;
    net->stats.bytes += wire;
    uint32_t len = m->len, pad = m->pad, from = m->from;
    /* While it is received, an answer to its sender takes the connection back without a lookup. */
    net->reply_from = to;
    net->reply_to = from;
    net->reply_conn = m->rev;
    uint8_t copy[INLINE_BYTES];
    bool small = len <= INLINE_BYTES;
    const uint8_t *bytes = copy;
    if (small) {
        /* Copy it out and recycle the record at once, so the sends receive() makes reuse this record,
         * which is in cache, rather than a cold one. A larger message's record (and buffer) stays ours
         * until receive() returns. */
        memcpy(copy, m->inline_bytes, len);
        msg_free(net, mi);
    } else {
        bytes = msgbuf_at(net, mi)->p;
    }
    pr_node_receive(n->pr, from, bytes, len, pad);
    net->reply_from = NONE;
    if (!small) {
        struct msgbuf *mb = msgbuf_at(net, mi);
        if (mb->cap > KEEP_BUFFER_BYTES) {
            free(mb->p);
            *mb = (struct msgbuf){0};
        }
        msg_free(net, mi);
    }
}

static void on_timer(struct prnet *net, uint32_t i)
{
    struct timer t = net->timers[i];
    timer_release(net, i);
    if (t.kind != 0)
        pr_node_timer(net->nodes[t.node].pr, t.kind, t.arg);
}

static void on_call(struct prnet *net, uint32_t i)
{
    struct call c = net->calls[i];
    net->calls[i].next_free = net->free_call;
    net->free_call = i;
    c.fn(c.arg, c.a);
}

/* ---- the prnet_ops ---- */

static void flow_destroy(struct prnet *net)
{
    if (!net)
        return;
    if (net->ps) {
        FILE *f = fopen(net->ps_path, "w");
        if (!f || prf_partstat_write(net->ps, f, net->now) || fclose(f))
            fprintf(stderr, "powrelay: POWRELAY_PARTSTAT: cannot write %s\n", net->ps_path);
        prf_partstat_free(net->ps);
    }
    for (uint32_t i = 0; i < net->n_nodes; i++)
        pr_node_destroy(net->nodes[i].pr);
    for (uint32_t c = 0; c < net->n_chunks; c++) {
        struct msgchunk *ch = &net->msg_chunks[c];
        for (uint32_t i = 0; ch->buf && i < CHUNK; i++)
            free(ch->buf[i].p);
        free(ch->buf);
        free(ch->rec);
    }
    free(net->msg_chunks);
    free(net->free_msgs);
    free(net->timers);
    free(net->calls);
    free(net->nodes);
    free(net->prs);
    free(net->conns);
    free(net->tcp);
    free(net->fails);
    prf_evq_free(&net->q);
    free(net);
}

static int cmp_conn(const void *a, const void *b)
{
    const struct conn *x = a, *y = b;
    return x->to < y->to ? -1 : x->to > y->to;
}

static int flow_create(const struct prnet_desc *d, const struct pr_config *cfg, const struct prnet_node_init *init,
                       const struct prnet_callbacks *cb, struct prnet **out, char *err, size_t errlen)
{
    struct prnet *net = calloc(1, sizeof *net);
    if (!net) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    net->cfg = cfg;
    net->cb = *cb;
    net->loss = d->loss;
    net->free_timer = net->free_call = NONE;
    if (prf_evq_init(&net->q)) {
        free(net);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    pr_rng_seed(&net->rng, d->seed, FLOW_RNG_STREAM);
    net->host = (struct pr_host){.version = PR_HOST_VERSION, .ctx = net, .now_ns = host_now, .send = host_send,
                                 .set_timer = host_set_timer, .cancel_timer = host_cancel, .event = host_event};
    net->n_nodes = d->n_nodes;
    net->nodes = calloc(d->n_nodes, sizeof *net->nodes);
    net->prs = calloc(d->n_nodes, sizeof *net->prs);
    net->n_conns = 2 * d->n_edges;
    net->conns = calloc(net->n_conns ? net->n_conns : 1, sizeof *net->conns);
    /* TCP's sender state only where loss makes it matter: a lossless run never reads it */
    net->tcp = net->loss > 0 ? malloc(sizeof *net->tcp * (net->n_conns ? net->n_conns : 1)) : NULL;
    for (uint32_t c = 0; net->tcp && c < net->n_conns; c++)
        prf_tcp_init(&net->tcp[c]);
    net->reply_from = NONE;
    struct conn *byedge = calloc(net->n_conns ? net->n_conns : 1, sizeof *byedge);
    uint32_t *efrom = calloc(net->n_conns ? net->n_conns : 1, sizeof *efrom); /* byedge[i]'s sender */
    uint32_t *deg = calloc(d->n_nodes + 1, sizeof *deg);
    if (!net->nodes || !net->prs || !net->conns || (net->loss > 0 && !net->tcp) || !byedge || !efrom || !deg) {
        free(efrom);
        free(byedge);
        free(deg);
        flow_destroy(net);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (uint32_t i = 0; i < d->n_nodes; i++) {
        struct fnode *n = &net->nodes[i];
        uint8_t r = d->node_region[i];
        n->up_bps = d->up_bps[r];
        n->down_bps = d->down_bps[r];
        struct pr_node_params p = {.id = i, .config = cfg, .host = &net->host, .hashrate = init[i].hashrate,
                                   .attacker = init[i].attacker};
        int e = pr_node_create(&p, &n->pr);
        net->prs[i] = n->pr;
        if (e != PR_OK) {
            free(deg);
            free(efrom);
            free(byedge);
            flow_destroy(net);
            snprintf(err, errlen, "node %u: %s", i, pr_strerror(e));
            return -1;
        }
    }
    /* Connections: edge i gives conn 2i (dialler -> dialled) and 2i+1 (back), with one latency draw. */
    for (uint32_t e = 0; e < d->n_edges; e++) {
        uint32_t a = d->edges[2 * e], b = d->edges[2 * e + 1];
        double base = d->latency_s[d->node_region[a] * d->n_regions + d->node_region[b]];
        double mult = 1.0 + d->jitter * (2.0 * pr_rng_uniform(&net->rng) - 1.0);
        int64_t lat = (int64_t)llround(base * mult * 1e9);
        byedge[2 * e] = (struct conn){.to = b, .latency_ns = lat, .down_bps = d->down_bps[d->node_region[b]]};
        byedge[2 * e + 1] = (struct conn){.to = a, .latency_ns = lat, .down_bps = d->down_bps[d->node_region[a]]};
        efrom[2 * e] = a;
        efrom[2 * e + 1] = b;
        deg[a]++;
        deg[b]++;
        int ea = pr_node_add_peer(net->nodes[a].pr, b, true), eb = pr_node_add_peer(net->nodes[b].pr, a, false);
        if (ea != PR_OK || eb != PR_OK) {
            free(deg);
            free(efrom);
            free(byedge);
            flow_destroy(net);
            snprintf(err, errlen, "connection %u-%u: %s", a, b, pr_strerror(ea != PR_OK ? ea : eb));
            return -1;
        }
    }
    /* Connections grouped by sender (CSR), sorted by receiver, for the send path's lookup. */
    uint32_t pos = 0;
    for (uint32_t i = 0; i < d->n_nodes; i++) {
        net->nodes[i].conn_begin = net->nodes[i].conn_end = pos;
        pos += deg[i];
    }
    for (uint32_t c = 0; c < net->n_conns; c++)
        net->conns[net->nodes[efrom[c]].conn_end++] = byedge[c];
    net->ps_path = getenv("POWRELAY_PARTSTAT");
    if (net->ps_path && *net->ps_path) {
        uint32_t *to = malloc(sizeof *to * (net->n_conns ? net->n_conns : 1));
        int64_t *lat = malloc(sizeof *lat * (net->n_conns ? net->n_conns : 1));
        for (uint32_t c = 0; to && lat && c < net->n_conns; c++) {
            to[c] = byedge[c].to;
            lat[c] = byedge[c].latency_ns;
        }
        net->ps = to && lat ? prf_partstat_new(d->n_nodes, d->node_region, deg, efrom, to, lat, net->n_conns) : NULL;
        free(to);
        free(lat);
    }
    for (uint32_t i = 0; i < d->n_nodes; i++) {
        struct fnode *n = &net->nodes[i];
        qsort(net->conns + n->conn_begin, n->conn_end - n->conn_begin, sizeof *net->conns, cmp_conn);
    }
    for (uint32_t i = 0; i < d->n_nodes; i++)
        for (uint32_t k = net->nodes[i].conn_begin; k < net->nodes[i].conn_end; k++)
            net->conns[k].rev = find_conn(net, net->conns[k].to, i);
    free(efrom);
    free(byedge);
    free(deg);
    *out = net;
    return 0;
}

static struct pr_node *flow_node(struct prnet *net, uint32_t i) { return i < net->n_nodes ? net->nodes[i].pr : NULL; }

static int flow_at(struct prnet *net, int64_t t_ns, prnet_fn fn, void *arg, uint64_t a)
{
    uint32_t i;
    if (net->free_call != NONE) {
        i = net->free_call;
        net->free_call = net->calls[i].next_free;
    } else {
        if (net->n_calls == net->cap_calls && grow((void **)&net->calls, &net->cap_calls, sizeof *net->calls))
            return -1;
        i = net->n_calls++;
    }
    net->calls[i] = (struct call){.fn = fn, .arg = arg, .a = a, .next_free = NONE};
    push(net, t_ns > net->now ? t_ns : net->now, EV_CALL, i, 0);
    return net->oom ? -1 : 0;
}

static int64_t flow_now(struct prnet *net) { return net->now; }

/* Stage 1 of the prefetch pipeline: an event two ahead of the one being handled. */
static void prefetch_far(const struct prnet *net, const struct prf_ev *e)
{
    if (prf_ev_type(e) == EV_DELIVER) {
        __builtin_prefetch(msg_at(net, e->idx));
    } else if (prf_ev_type(e) == EV_TIMER) {
        __builtin_prefetch(&net->timers[e->idx]);
    }
    if (prf_ev_type(e) != EV_CALL) {
        __builtin_prefetch(&net->nodes[e->node]); /* its links: delivering checks the downlink */
        pr_node_prefetch(net->prs[e->node]);
    }
}

/* Stage 2: the next event, whose record and node are in cache by now: what its handling looks up. */
static void prefetch_near(const struct prnet *net, const struct prf_ev *e)
{
    if (prf_ev_type(e) == EV_DELIVER) {
        const struct msg *m = msg_at(net, e->idx);
        __builtin_prefetch(&net->conns[m->rev]); /* where the answer goes */
        pr_node_prefetch_msg(net->prs[e->node], m->inline_bytes, m->len < INLINE_BYTES ? m->len : INLINE_BYTES);
    } else if (prf_ev_type(e) == EV_TIMER) {
        const struct timer *t = &net->timers[e->idx];
        if (t->kind != 0)
            pr_node_prefetch_timer(net->prs[e->node], t->kind, t->arg);
    }
}

static void dispatch(struct prnet *net, const struct prf_ev *ev)
{
    switch (prf_ev_type(ev)) {
    case EV_DELIVER:
        on_deliver(net, ev->idx, ev->node);
        break;
    case EV_TIMER:
        on_timer(net, ev->idx);
        break;
    case EV_CALL:
        on_call(net, ev->idx);
        break;
    }
}

static void hint_far(void *ctx, const struct prf_ev *ev) { prefetch_far(ctx, ev); }

/* The event loop, through the queue's lookahead window (evq.h): an event is popped two events before it
 * is handled (stage 1 fetches its message or timer record and its node), and one event before, stage 2
 * fetches what those point to; on a large network nearly every event touches state nobody touched for
 * a while. */
static int flow_run(struct prnet *net, int64_t until)
{
    if (!net->started) {
        net->started = true;
        for (uint32_t i = 0; i < net->n_nodes; i++)
            if (pr_node_start(net->nodes[i].pr) != PR_OK)
                return -1;
    }
    struct prf_lookahead la = {.n = 0};
    struct prf_ev ev;
    for (;;) {
        if (prf_lookahead_fill(&la, &net->q, until, hint_far, net) != PRF_EVQ_OK)
            return -1;
        if (!prf_lookahead_take(&la, &ev))
            break;
        if (la.n)
            prefetch_near(net, &la.ev[0]);
        net->now = ev.t;
        net->stats.events++;
        if (net->ps) /* the runner's own calls counted at node 0 */
            prf_partstat_event(net->ps, ev.t, prf_ev_type(&ev) == EV_CALL ? 0 : ev.node);
        dispatch(net, &ev);
        if (net->oom || prf_lookahead_settle(&la, &net->q) != PRF_EVQ_OK)
            return -1;
    }
    if (net->now < until)
        net->now = until;
    return 0;
}

static void flow_stats(struct prnet *net, struct prnet_stats *out) { *out = net->stats; }

static void flow_node_bytes(struct prnet *net, uint32_t i, uint64_t *in, uint64_t *out)
{
    *in = net->nodes[i].bytes_in;
    *out = net->nodes[i].bytes_out;
}

const struct prnet_ops prnet_flow_ops = {
    .name = "flow",
    .create = flow_create,
    .node = flow_node,
    .at = flow_at,
    .now = flow_now,
    .run = flow_run,
    .stats = flow_stats,
    .node_bytes = flow_node_bytes,
    .destroy = flow_destroy,
};
