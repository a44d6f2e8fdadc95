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
 * when its downlink is busy; under loss, a change in what its ACKs wait for on the receiver's uplink
 * costs one more (ack_report), and a connection holding messages while a lost last segment's fate is
 * open one timer event for its deadline (hold_or_send). Under loss, or with network.queue_packets set,
 * the uplink is a device queue behind each connection's TCP window instead (uplink.c, queue_delay;
 * docs/protocol.md#flow-loss, #flow-queue): a message waits for its window, then for the uplink; one
 * whose window opens more than a round trip ahead waits until a round trip before (wait_or_not,
 * wait_run: one timer event). With queue_packets set the queues drop: the uplink's, and the receiver's
 * router queue, as the receiver works out from what reaches it, its ACKs telling the sender how many
 * (downlink.c, downlink_arrive; docs/protocol.md#flow-downlink); under loss alone they never do.
 *
 * Memory: nodes, connections, messages and timers live in flat arrays; message and timer records are
 * recycled (a stack of free indices), and a message record keeps a small byte buffer, so the hot path
 * allocates only for large batches once the run has warmed up. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "barrier.h"
#include "downlink.h"
#include "evq.h"
#include "partition.h"
#include "partstat.h"
#include "tcp.h"
#include "uplink.h"
#include "powrelay/hints.h"
#include "powrelay/netmodel.h"
#include "powrelay/rng.h"

#define NONE UINT32_MAX
#define FLOW_RNG_STREAM 0x666c6f77ull /* "flow": the network's own draws */
#define LOSS_RNG_STREAM (0x6c6f7373ull << 32) /* "loss", + the sending node: beyond the model's node streams */

enum ev_type { EV_TIMER = 1, EV_DELIVER, EV_CALL }; /* fits the event's 2 type bits */

/* An event's key (docs/protocol.md#flow-order): the node it was scheduled for or by (a message: its
 * sender; a timer: its node; a runner's call: RUNNER, after every node), then that node's own count of
 * the events it has scheduled. Simultaneous events are ordered by key, which the simulation alone
 * decides, so any number of threads gives the same order. */
#define COUNT_BITS 40
#define RUNNER ((1u << (62 - COUNT_BITS)) - 1) /* 22 bits of node: up to 4,194,302 nodes */
static inline uint64_t key_of(uint32_t origin, uint64_t count)
{
    return (uint64_t)origin << COUNT_BITS | (count & ((UINT64_C(1) << COUNT_BITS) - 1));
}

/* A queue under loss with network.queue_packets unset: it never drops (UINT32_MAX is a retransmission's,
 * which the queues' tally does not count as a first attempt) */
#define QUEUE_UNBOUNDED (UINT32_MAX - 1)
#define CONN_GROUP 2 /* connection records that fill whole cache lines */

enum msg_kind {
    MSG_DATA,   /* a message's bytes, to deliver */
    MSG_ACKS,   /* its ACKs' report, to the connection's sender (ack_report) */
    MSG_NOTICE, /* a message's segments reach its receiver's router: booked then (downlink_notice) */
};
#define AUX_MAX ((1u << 29) - 1)
#define AUX_UNIT_NS 256000 /* struct msg's aux: 256 microseconds, ... */
#define AUX_KEPT_MAX ((1u << 15) - 1)  /* ... kept up to 8.4 s (this value: booked by a notice) ... */
#define AUX_SPREAD_MAX ((1u << 14) - 1) /* ... and 4.2 s of spread */
/* A message whose first segment reaches the router longer than this before its receiver handles it
 * (kept, spread and its time on the downlink) is booked by a notice event at that time instead: the
 * router's calendar then needs to remember only PRF_DOWNLINK_HISTORY_NS. */
#define NOTICE_NS 200000000LL
#define NOTICED (-2) /* send_on's last_left: its notice has gone (a message held, hold_or_send) */

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
    uint32_t queued : 1;      /* already placed behind a busy downlink: deliver when it fires */
    uint32_t kind : 2;        /* MSG_...: a message, or an event of the connection's about it */
    /* With finite queues, a message: how long after its last segment's first attempt could have crossed
     * the downlink it arrives (TCP's recovery and in-order delivery kept it: 15 bits; AUX_KEPT_MAX: its
     * segments were booked by a notice), and how far apart its first and last segments left the sender
     * (14), in AUX_UNIT_NS (see aux_of); a notice: that spread; an ACKs' report: how many of the
     * connection's segments the receiver's router queue dropped (ack_report) */
    uint32_t aux : 29;
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

/* A connection seen from its sender, who alone reads and writes it (so a thread owns its nodes'
 * connections); a node's connections are contiguous and sorted by peer, so the lookup on the send path
 * and the fields it then needs share cache lines. */
struct conn {
    uint32_t to;
    uint32_t rev;        /* the same connection seen from the other end */
    int64_t latency_ns;
    int64_t last_finish; /* in-order delivery: no message finishes before its predecessor */
    double down_bps;     /* the receiver's downlink, so that sending need not touch the receiver */
};
_Static_assert(sizeof(struct conn) * CONN_GROUP % 64 == 0, "a group of connections fills whole cache lines");

/* A node's links, and its count of the events it has scheduled (its keys' second half): written only by
 * the thread that owns the node, one cache line each so that threads never write the same line. */
struct fnode {
    _Alignas(64) uint64_t count;
    double up_bps, down_bps;
    int64_t up_free, down_free; /* when the link finishes what it already carries */
    uint32_t conn_begin, conn_end; /* its outgoing connections in net->conns */
    uint64_t bytes_in, bytes_out;
};
_Static_assert(sizeof(struct fnode) == 64, "a node's links are one cache line");

/* The queue a connection's ACKs wait in on its receiver's uplink (docs/protocol.md#flow-acks), as the
 * connection's sender knows it (queue_ns: from the last report to arrive), and what that sender, as the
 * receiver of the connection back, last reported to its peer (told_ns). All written by the sender alone. */
struct ackq {
    int64_t queue_ns, told_ns;
    /* With finite queues, the same for the connection's segments its receiver's router queue dropped
     * (downlink.h): those reported and not yet lost again (owed), and as the receiver of the connection
     * back, those dropped there and not yet reported (untold); and its segments lost to that queue (the
     * queue tally) */
    uint32_t owed, untold;
    uint32_t down_drops;
};

/* A node's downlink's drops (docs/protocol.md#flow-downlink), a cache line of its own (written by the
 * node's thread alone). */
struct down {
    _Alignas(64) struct prf_downlink d;
};

/* A node's loss draws, a cache line of its own (threads own different nodes). */
struct loss_rng {
    _Alignas(64) struct pr_rng rng;
};

/* Messages a connection holds back while a lost last segment's fate is open (docs/protocol.md#flow-loss):
 * the first whose delay is the timer's, and every one sent after it (TCP delivers in order). Written by
 * the connection's sender alone. */
struct held {
    uint64_t key;
    int64_t sent, delay, floor; /* floor >= 0: the delay if the timer is cancelled (prf_tcp_message) */
    int64_t first_left, last_left; /* send_on's */
    uint32_t mi;                /* its bytes, in a message record of the sender's partition */
};

struct hold {
    struct held *v;
    uint32_t n, cap;
    uint32_t gen;     /* the timer it waits on (prf_tcp's timer_gen) */
    int64_t deadline; /* the timer fires unless later segments leave before this */
};

/* With finite queues, the messages a connection's sender wrote while its window had no room for more
 * than a round trip ahead, in order: each is handed to TCP a round trip before the window opens for it
 * (docs/protocol.md#flow-queue), so its segments meet the device queue as the other connections will
 * have filled it by then, not as they had booked it when it was written. Written by the sender alone. */
struct waiting {
    uint64_t key;
    uint32_t mi; /* its bytes, in a message record of the sender's partition */
};

struct wait {
    struct waiting *v;
    uint32_t head, n, cap;
    bool armed; /* a WAIT_KIND timer runs for it */
};

/* A connection's sender state when TCP's is kept: one record, whole cache lines, in the order the send
 * path reads it (the ACKs' report and the hold, then TCP's state, most read fields first), since on a
 * large network nearly every message finds its connection's record cold. */
struct ctcp {
    _Alignas(64) struct ackq ackq;
    struct hold hold;
    struct prf_tcp tcp;
    struct wait wait;
};

/* A timer's kind that is no model timer: a hold's deadline, or a waiting message's turn (arg: the
 * connection). */
#define HOLD_KIND UINT32_MAX
#define WAIT_KIND (UINT32_MAX - 1)

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

/* A message on its way to its receiver (post). To a node of another partition it waits in its sender's
 * outbox for the window's end: the record, then its bytes (rounded up to 8). */
struct xmsg {
    int64_t t;
    uint64_t key;
    uint32_t to, from, conn, rev, len, pad;
    uint32_t kind, aux; /* as struct msg's */
};

struct outbox {
    uint8_t *p;
    size_t len, cap;
};

/* The model's events a partition reported in a window, each tagged with the event being handled, so
 * that the partitions' logs merge into the order one thread would have reported them in. */
struct logent {
    int64_t t;
    uint64_t seq;
    struct pr_event ev;
    size_t ids_at; /* ev.ids copied into the log's ids */
};

struct evlog {
    struct logent *e;
    size_t n, cap, pos;
    uint64_t *ids;
    size_t n_ids, cap_ids;
};

/* A partition: some of the nodes, their events, message and timer records, handled by one thread
 * (docs/protocol.md#flow-threads). Everything here is its thread's alone during a window. */
struct part {
    _Alignas(64) struct prnet *net;
    uint32_t id;
    struct pr_host host; /* its nodes' host table: ctx is the partition */
    int64_t now;
    int64_t cur_t;   /* the event being handled: what its logged events are tagged with */
    uint64_t cur_seq;
    bool logging;    /* in a parallel window: the model's events go to the log */
    struct prf_evq q;

    struct msgchunk *msg_chunks; /* records in fixed chunks: their addresses (and inline bytes) never move */
    uint32_t n_msgs, n_chunks, cap_chunks;
    /* Free records, a stack of indices rather than a list threaded through them: a node fluffing to
     * all its peers takes a dozen records at once, and popping a list would wait on each record's
     * memory in turn to learn the next; the stack holds a slot for every record, so pushing never fails. */
    uint32_t *free_msgs, n_free_msgs;
    struct timer *timers;
    uint32_t n_timers, cap_timers, free_timer;

    /* While a message is being received: its connection back, so the answer skips the lookup. */
    uint32_t reply_from, reply_to, reply_conn;
    uint8_t *fails; /* a message's per-segment loss draws */
    uint8_t *dropped; /* and which of its segments the device queue dropped */
    uint32_t cap_fails;
    uint32_t link_node; /* the sender whose device queue the message being sent enters */
    /* when the first and last of its segments' first attempts left the uplink (-1: none yet), and the
     * first and last retransmissions of those the queue dropped (all of them dropped: the message comes
     * with these) */
    int64_t seg_first, seg_last, resent_first, resent_last;

    struct outbox *out[2]; /* per window parity, per destination partition */
    int64_t out_min[2];    /* the earliest message in out[parity] */
    struct evlog log[2]; /* by window parity: one is written while the last window's is merged */
    struct prnet_stats stats;
    bool oom;
};

struct prnet {
    struct prnet_callbacks cb;
    const struct pr_config *cfg;
    double loss;
    uint32_t queue_packets;    /* the device queues' size; 0: the uplinks never drop */
    uint32_t queue_limit;      /* what a queue holds before it drops: queue_packets, or never (QUEUE_UNBOUNDED) */
    /* per node, with TCP's state (loss, or queues that drop): the uplink behind the connections' windows,
     * and its router's queue towards it */
    struct prf_uplink *uplinks;
    struct down *downs;
    /* TCP's state, when loss > 0 or the device queues may drop */
    struct ctcp *ct;           /* per connection */
    uint32_t n_ct;
    struct loss_rng *loss_rng; /* per sending node, with TCP's state */
    int64_t now;
    bool started;

    uint32_t n_nodes;
    struct fnode *nodes;
    struct pr_node **prs; /* the model's nodes */
    uint8_t *part_of;
    struct conn *conns;
    uint32_t n_conns;

    struct part *parts;
    uint32_t n_parts, n_threads;
    atomic_uint next_part; /* in a window: the next partition a thread may take */
    int64_t window_ns;    /* the smallest latency between two partitions */
    struct prf_ev bound;  /* the window being run: events before it */
    int wpar;             /* the outboxes' parity being written */
    int drain;            /* the parity the window starts by taking in */
    int lpar;             /* the logs' parity being written */
    bool merge_pending;   /* the last window's logs are still to be passed on */

    /* The runner's calls: handled by the calling thread between windows, with every partition idle. */
    struct call *calls;
    uint32_t n_calls, cap_calls, free_call;
    struct prf_evq callq;
    uint64_t call_count;
    uint64_t call_events;

    struct prf_barrier start, done;
    pthread_t *threads;
    uint32_t n_threads_up;
    bool barriers_ready; /* the workers (as many as started) wait at `start` */
    bool quit;
    bool oom;
    /* POWRELAY_PARTSTAT=FILE: partition statistics for docs/scaling.md, written at the end */
    struct prf_partstat *ps;
    const char *ps_path;
    /* POWRELAY_FLOW_QUEUES=FILE: what each node's device queue took and dropped, written at the end (a
     * diagnosis's switch, as ns-3's POWRELAY_NS3_QUEUES; outputs unchanged), with the nodes' regions */
    const char *queues_path;
    uint8_t *region_of;
    /* POWRELAY_FLOW_CWND=FILE: one node's TCP senders' windows, a row per change (cwnd_row; the threads
     * write it in turn) */
    FILE *cwnd_f;
    uint32_t cwnd_node;
    pthread_mutex_t cwnd_mu;
};

/* ---- helpers ---- */

/* Zeroed, cache-line aligned (for arrays of cache-line records). */
static void *aligned_calloc(size_t n, size_t size)
{
    size_t bytes = (n * size + 63) / 64 * 64;
    void *p = aligned_alloc(64, bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}

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

static int reserve(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t c = *cap ? *cap : 256;
    while (c < need)
        c *= 2;
    void *p = realloc(*arr, elem * c);
    if (!p)
        return -1;
    *arr = p;
    *cap = c;
    return 0;
}

#define CHUNK_SHIFT 12
#define CHUNK (1u << CHUNK_SHIFT)

static inline struct msg *msg_at(const struct part *p, uint32_t i)
{
    return &p->msg_chunks[i >> CHUNK_SHIFT].rec[i & (CHUNK - 1)];
}

static inline struct msgbuf *msgbuf_at(const struct part *p, uint32_t i)
{
    return &p->msg_chunks[i >> CHUNK_SHIFT].buf[i & (CHUNK - 1)];
}

static inline uint8_t *msg_bytes(const struct part *p, uint32_t i)
{
    struct msg *m = msg_at(p, i);
    return m->len <= INLINE_BYTES ? m->inline_bytes : msgbuf_at(p, i)->p;
}

/* Make record i's buffer hold len bytes. False when out of memory. */
static bool msg_buffer(struct part *p, uint32_t i, size_t len)
{
    struct msgbuf **chunk = &p->msg_chunks[i >> CHUNK_SHIFT].buf;
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

static uint32_t msg_alloc(struct part *p, size_t len)
{
    uint32_t i;
    if (p->n_free_msgs) {
        i = p->free_msgs[--p->n_free_msgs];
        if (p->n_free_msgs)
            __builtin_prefetch(msg_at(p, p->free_msgs[p->n_free_msgs - 1])); /* the next send's */
    } else {
        if (p->n_msgs == p->n_chunks * CHUNK) {
            if (p->n_chunks == p->cap_chunks &&
                grow((void **)&p->msg_chunks, &p->cap_chunks, sizeof *p->msg_chunks))
                return NONE;
            uint32_t *stack = realloc(p->free_msgs, sizeof *stack * (p->n_chunks + 1) * CHUNK);
            if (!stack)
                return NONE;
            p->free_msgs = stack;
            struct msg *chunk = aligned_alloc(64, CHUNK * sizeof *chunk);
            if (!chunk)
                return NONE;
            memset(chunk, 0, CHUNK * sizeof *chunk);
            p->msg_chunks[p->n_chunks++] = (struct msgchunk){.rec = chunk, .buf = NULL};
        }
        i = p->n_msgs++;
    }
    struct msg *m = msg_at(p, i);
    if (len > INLINE_BYTES && !msg_buffer(p, i, len)) {
        p->free_msgs[p->n_free_msgs++] = i;
        return NONE;
    }
    m->len = (uint32_t)len;
    return i;
}

static void msg_free(struct part *p, uint32_t i) { p->free_msgs[p->n_free_msgs++] = i; }

static void push(struct part *p, int64_t t, uint64_t key, uint32_t type, uint32_t idx, uint32_t node)
{
    if (prf_evq_push(&p->q, t, key, type, idx, node) != 0)
        p->oom = true;
}

/* Bytes a message occupies on an access link: framing, payload and per-segment TCP/IP headers. */
static uint64_t link_bytes(uint64_t wire)
{
    uint64_t segments = (wire + PRNET_MSS - 1) / PRNET_MSS;
    return wire + segments * PRNET_SEGMENT_OVERHEAD;
}

static int64_t tx_time_ns(uint64_t bytes, double bps) { return (int64_t)ceil((double)bytes * 8.0 / bps * 1e9); }

/* Room for a message's per-segment flags (p->fails, p->dropped). False when out of memory. */
static bool segment_room(struct part *p, uint64_t segments)
{
    if (segments > p->cap_fails) {
        uint8_t *f = realloc(p->fails, segments), *d = f ? realloc(p->dropped, segments) : NULL;
        if (f)
            p->fails = f;
        if (!f || !d) {
            p->oom = true;
            return false;
        }
        p->dropped = d;
        p->cap_fails = (uint32_t)segments;
    }
    return true;
}

/* The message's loss draws on connection c into p->fails (all clear without loss or drops); whether its
 * final ACK was lost. Each attempt of a segment and the ACK cross two access links; with finite queues,
 * the first attempts of as many segments as its receiver's router queue dropped of the connection's
 * (reported and not yet lost again) are lost (docs/protocol.md#flow-downlink). */
static bool draw_losses(struct part *p, uint32_t from, uint32_t c, uint64_t segments)
{
    struct prnet *net = p->net;
    struct ackq *a = &net->ct[c].ackq;
    uint32_t owed = net->downs ? a->owed : 0;
    struct pr_rng *rng = &net->loss_rng[from].rng;
    double pl = 1 - (1 - net->loss) * (1 - net->loss); /* an attempt crosses two access links */
    for (uint64_t s = 0; s < segments; s++) {
        uint8_t fails = s < owed; /* its first attempt: a drop owed */
        while (pl > 0 && pr_rng_uniform(rng) < pl && fails < 16)
            fails++;
        p->fails[s] = fails;
    }
    if (owed) {
        uint32_t paid = owed < segments ? owed : (uint32_t)segments;
        a->owed -= paid;
        a->down_drops += paid;
    }
    return pl > 0 && pr_rng_uniform(rng) < pl;
}

/* After each change to p->link_node's uplink, the node's up_free follows it (when the link, busy now,
 * goes idle, not what is booked beyond): its ACKs wait for that (ack_report). */
static void devq_follow(struct part *p)
{
    p->net->nodes[p->link_node].up_free = prf_uplink_free_at(&p->net->uplinks[p->link_node], p->now);
}

/* A segment of the message being sent left the uplink at `left` (< 0: dropped): the message's segments
 * reach its receiver's router over the span of these first attempts (downlink_arrive). */
static void seg_left(struct part *p, int64_t left)
{
    if (left >= 0 && (p->seg_first < 0 || left < p->seg_first))
        p->seg_first = left;
    if (left > p->seg_last)
        p->seg_last = left;
}

/* p->link_node's uplink as TCP's window releases a segment of `bytes` onto it at `at` (prf_tcp_link):
 * dropped when its device queue is full (uplink.c). */
static int64_t devq_enqueue(void *ctx, int64_t at, uint32_t bytes)
{
    struct part *p = ctx;
    struct prnet *net = p->net;
    struct fnode *src = &net->nodes[p->link_node];
    struct prf_uplink *u = &net->uplinks[p->link_node];
    int64_t left = prf_uplink_enqueue(u, p->now, at, tx_time_ns(bytes, src->up_bps), net->queue_limit, &p->oom);
    devq_follow(p);
    seg_left(p, left);
    return left;
}

/* A segment p->link_node's uplink dropped, sent again at `at` (prf_tcp_link): the queue takes it; when
 * it has left. */
static int64_t devq_resend(void *ctx, int64_t at, uint32_t bytes)
{
    struct part *p = ctx;
    struct fnode *src = &p->net->nodes[p->link_node];
    struct prf_uplink *u = &p->net->uplinks[p->link_node];
    int64_t left = prf_uplink_enqueue(u, p->now, at, tx_time_ns(bytes, src->up_bps), UINT32_MAX, &p->oom);
    if (p->resent_first < 0 || left < p->resent_first)
        p->resent_first = left;
    if (left > p->resent_last)
        p->resent_last = left;
    devq_follow(p);
    return left;
}

/* A retransmission p->link_node's uplink had booked (released at `at`, gone at `left`) taken back
 * (prf_tcp_link). */
static bool devq_unbook(void *ctx, int64_t at, int64_t left, uint32_t bytes)
{
    struct part *p = ctx;
    struct fnode *src = &p->net->nodes[p->link_node];
    int64_t tx = tx_time_ns(bytes, src->up_bps);
    bool took = prf_uplink_unbook(&p->net->uplinks[p->link_node], p->now, at, left - tx, tx, &p->oom);
    devq_follow(p);
    return took;
}

/* The segment p->link_node's uplink lets go at `left` grows by `bytes` (prf_tcp_link): when it has gone. */
static int64_t devq_extend(void *ctx, int64_t left, uint32_t bytes)
{
    struct part *p = ctx;
    struct fnode *src = &p->net->nodes[p->link_node];
    struct prf_uplink *u = &p->net->uplinks[p->link_node];
    left = prf_uplink_extend(u, p->now, left, tx_time_ns(bytes, src->up_bps), &p->oom);
    devq_follow(p);
    return left;
}

/* When p->link_node's uplink, busy at `at`, first goes idle (prf_tcp_link). */
static int64_t devq_free_at(void *ctx, int64_t at)
{
    struct part *p = ctx;
    return prf_uplink_free_at(&p->net->uplinks[p->link_node], at);
}

/* Connection c's round trip as its sender knows it: twice its latency, and its ACKs' last reported wait
 * on the receiver's uplink (ack_report). With TCP's state only. */
static int64_t conn_rtt(const struct prnet *net, uint32_t c)
{
    return 2 * net->conns[c].latency_ns + net->ct[c].ackq.queue_ns;
}

/* Under loss or with a device queue (docs/protocol.md#flow-loss, #flow-queue): TCP's window releases the
 * message's segments onto the sender's uplink, whose queue may drop them (with queue_packets set); each
 * segment and the message's final ACK cross two access links, and may be lost there, drawn from the
 * sender's own stream so that no other node's traffic shifts them. The delay from now until the message
 * would arrive but for latency and the receiver's downlink, the uplink's wait and time included. */
static int64_t queue_delay(struct part *p, uint32_t from, uint32_t c, uint64_t wire, int64_t *floor)
{
    struct prnet *net = p->net;
    *floor = -1;
    uint64_t segments = (wire + PRNET_MSS - 1) / PRNET_MSS;
    if (!segment_room(p, segments))
        return 0;
    bool ack_lost = draw_losses(p, from, c, segments);
    p->link_node = from;
    struct prf_tcp_link link = {.enqueue = devq_enqueue, .extend = devq_extend, .resend = devq_resend,
                                .unbook = devq_unbook, .free_at = devq_free_at, .ctx = p, .dropped = p->dropped,
                                .oom = &p->oom};
    return prf_tcp_send(&net->ct[c].tcp, p->now, wire, p->fails, ack_lost, conn_rtt(net, c), &link, floor);
}

static uint32_t find_conn(const struct prnet *net, uint32_t from, uint32_t to)
{
    const struct fnode *n = &net->nodes[from];
    for (uint32_t k = n->conn_begin; k < n->conn_end; k++)
        if (net->conns[k].to == to)
            return k;
    return NONE;
}

/* ---- messages between partitions ---- */

#define XMSG_BYTES(len) (sizeof(struct xmsg) + (((size_t)(len) + 7) & ~(size_t)7))

static void outbox_put(struct part *p, uint32_t dest, const struct xmsg *x, const uint8_t *bytes)
{
    struct outbox *o = &p->out[p->net->wpar][dest];
    size_t need = XMSG_BYTES(x->len);
    if (reserve((void **)&o->p, &o->cap, o->len + need, 1)) {
        p->oom = true;
        return;
    }
    memcpy(o->p + o->len, x, sizeof *x);
    memcpy(o->p + o->len + sizeof *x, bytes, x->len);
    o->len += need;
    int64_t *min = &p->out_min[p->net->wpar];
    if (x->t < *min)
        *min = x->t;
}

/* A message record for each message another partition sent to ours, queued at its time. */
/* A message record for x (to a node of ours), queued at its time. */
static void queue_here(struct part *p, const struct xmsg *x, const uint8_t *bytes)
{
    uint32_t mi = msg_alloc(p, x->len);
    if (mi == NONE) {
        p->oom = true;
        return;
    }
    struct msg *m = msg_at(p, mi);
    memcpy(msg_bytes(p, mi), bytes, x->len);
    if (x->len > INLINE_BYTES) /* its head in the record too: the hint then needs no read of the buffer */
        memcpy(m->inline_bytes, bytes, INLINE_BYTES);
    m->conn = x->conn;
    m->from = x->from;
    m->rev = x->rev;
    m->pad = x->pad;
    m->queued = false;
    m->kind = x->kind;
    m->aux = x->aux;
    push(p, x->t, x->key, EV_DELIVER, mi, x->to);
}

/* x to its receiver: queued here if the node is ours, else to its partition's outbox for the window's end. */
static void post(struct part *p, const struct xmsg *x, const uint8_t *bytes)
{
    uint32_t dest = p->net->part_of[x->to];
    if (dest != p->id)
        outbox_put(p, dest, x, bytes);
    else
        queue_here(p, x, bytes);
}

/* A message record for each message another partition sent to ours. */
static void outbox_take(struct part *p, struct outbox *o)
{
    for (size_t at = 0; at < o->len;) {
        struct xmsg x;
        memcpy(&x, o->p + at, sizeof x);
        queue_here(p, &x, o->p + at + sizeof x);
        if (p->oom)
            return;
        at += XMSG_BYTES(x.len);
    }
    o->len = 0;
}

/* ---- the host table (ctx: the node's partition) ---- */

static int64_t host_now(void *ctx) { return ((struct part *)ctx)->now; }

/* A message's aux (struct msg): the time recovery and in-order delivery kept it, then its segments' spread. */
static uint32_t aux_of(int64_t kept_ns, int64_t spread_ns)
{
    int64_t k = kept_ns > 0 ? kept_ns / AUX_UNIT_NS : 0, s = spread_ns > 0 ? spread_ns / AUX_UNIT_NS : 0;
    return (uint32_t)(k < AUX_KEPT_MAX ? k : AUX_KEPT_MAX) << 14 | (uint32_t)(s < AUX_SPREAD_MAX ? s : AUX_SPREAD_MAX);
}

/* A notice to connection c's receiver (with finite queues): the segments of a message of `wire` bytes,
 * whose first attempts left the sender's uplink from first_left (>= now) to last_left, reach its router
 * a latency later, and are booked there then (downlink_notice). */
static void post_notice(struct part *p, uint32_t c, int64_t first_left, int64_t last_left, uint64_t wire)
{
    const struct conn *cn = &p->net->conns[c];
    uint32_t from = p->net->conns[cn->rev].to;
    struct xmsg notice = {.t = first_left + cn->latency_ns, .key = key_of(from, p->net->nodes[from].count++),
                          .to = cn->to, .from = from, .conn = c, .rev = cn->rev, .len = 0,
                          .pad = (uint32_t)(wire < UINT32_MAX ? wire : UINT32_MAX), .kind = MSG_NOTICE,
                          .aux = aux_of(0, last_left - first_left)};
    post(p, &notice, (const uint8_t *)"");
}

/* A message on connection c (from its sender), which left the sender's uplink at `sent`, to its receiver:
 * it arrives a latency and TCP's delay later, then crosses the receiver's downlink, never before the
 * connection's previous message (TCP delivers in order). With finite queues, its segments' first
 * attempts left the uplink from first_left to last_left (< 0: none did), which its receiver's router
 * queue is told (downlink_arrive). */
static void send_on(struct part *p, uint32_t c, uint64_t key, int64_t sent, int64_t delay, int64_t first_left,
                    int64_t last_left, const uint8_t *bytes, uint32_t len, uint32_t pad)
{
    struct conn *cn = &p->net->conns[c];
    uint64_t on_link = link_bytes((uint64_t)len + pad + PRNET_FRAME_BYTES);
    int64_t ser = tx_time_ns(on_link, cn->down_bps), finish = sent + cn->latency_ns + delay + ser;
    if (finish < cn->last_finish)
        finish = cn->last_finish;
    cn->last_finish = finish;
    struct xmsg x = {.t = finish, .key = key, .to = cn->to, .from = p->net->conns[cn->rev].to, .conn = c,
                     .rev = cn->rev, .len = len, .pad = pad};
    if (last_left == NOTICED) {
        x.aux = AUX_KEPT_MAX << 14;
    } else if (last_left >= 0) {
        int64_t kept = finish - ser - cn->latency_ns - last_left, spread = last_left - first_left;
        x.aux = aux_of(kept, spread);
        if (kept + spread + ser > NOTICE_NS) { /* known too late for the router's calendar */
            post_notice(p, c, first_left, last_left, (uint64_t)len + pad + PRNET_FRAME_BYTES);
            x.aux = AUX_KEPT_MAX << 14;
        }
    }
    post(p, &x, bytes);
}

/* A record's buffer back to the free records, kept for reuse only if small. */
static void msg_release(struct part *p, uint32_t mi)
{
    if (msg_at(p, mi)->len > INLINE_BYTES) {
        struct msgbuf *mb = msgbuf_at(p, mi);
        if (mb->cap > KEEP_BUFFER_BYTES) {
            free(mb->p);
            *mb = (struct msgbuf){0};
        }
    }
    msg_free(p, mi);
}

/* What connection c holds goes on its way, in order: with the fast retransmission that left at
 * resolved_at (>= 0), or with the timer's delays (< 0). */
static void hold_release(struct part *p, uint32_t c, int64_t resolved_at)
{
    struct hold *h = &p->net->ct[c].hold;
    for (uint32_t i = 0; i < h->n; i++) {
        const struct held *m = &h->v[i];
        int64_t delay = m->delay;
        if (m->floor >= 0 && resolved_at >= 0)
            delay = resolved_at - m->sent > m->floor ? resolved_at - m->sent : m->floor;
        const struct msg *r = msg_at(p, m->mi);
        send_on(p, c, m->key, m->sent, delay, m->first_left, m->last_left, msg_bytes(p, m->mi), r->len, r->pad);
        msg_release(p, m->mi);
    }
    h->n = 0;
}

static uint64_t timer_push(struct part *p, uint32_t node, int64_t at, uint32_t kind, uint64_t arg);

/* After a message was handed to TCP on lossy connection c: if c holds messages, release them once their
 * timer's fate is known; then hold this one too if c still holds (or its own delay is open), else send
 * it. A hold's deadline is a timer event, for when no later segments come. */
static void hold_or_send(struct part *p, uint32_t c, uint64_t key, int64_t sent, int64_t delay, int64_t floor,
                         int64_t first_left, int64_t last_left, const uint8_t *bytes, uint32_t len, uint32_t pad)
{
    struct hold *h = &p->net->ct[c].hold;
    struct prf_tcp *t = &p->net->ct[c].tcp;
    if (h->n && t->resolved_gen == h->gen)
        hold_release(p, c, t->resolved_at);
    else if (h->n && (t->timer_gen != h->gen || !prf_tcp_fate_open(t)))
        hold_release(p, c, -1); /* the timer fired, or fires whatever follows */
    if (!h->n && floor < 0) {
        send_on(p, c, key, sent, delay, first_left, last_left, bytes, len, pad);
        return;
    }
    uint32_t mi = msg_alloc(p, len);
    if (mi == NONE || (h->n == h->cap && grow((void **)&h->v, &h->cap, sizeof *h->v))) {
        p->oom = true;
        return;
    }
    memcpy(msg_bytes(p, mi), bytes, len);
    msg_at(p, mi)->pad = pad;
    if (last_left >= 0 && p->net->downs) { /* held: it reaches its receiver later, its segments now */
        post_notice(p, c, first_left, last_left, (uint64_t)len + pad + PRNET_FRAME_BYTES);
        last_left = NOTICED;
    }
    if (!h->n) {
        h->gen = t->timer_gen;
        h->deadline = 0;
    }
    h->v[h->n++] = (struct held){.key = key, .sent = sent, .delay = delay, .floor = floor,
                                   .first_left = first_left, .last_left = last_left, .mi = mi};
    int64_t deadline = prf_tcp_deadline(t, conn_rtt(p->net, c));
    if (!h->deadline || deadline < h->deadline) {
        h->deadline = deadline;
        uint32_t from = p->net->conns[p->net->conns[c].rev].to;
        timer_push(p, from, deadline > p->now ? deadline : p->now, HOLD_KIND, c);
    }
}

/* A hold's deadline: what the connection still holds goes with the timer's delays. Stale (the hold it was
 * set for is gone, or its deadline moved) when the connection's deadline is later. */
static void hold_expire(struct part *p, uint32_t c)
{
    struct hold *h = &p->net->ct[c].hold;
    if (h->n && h->deadline <= p->now)
        hold_release(p, c, -1);
}

/* A message through connection c's sender's device queue, now (docs/protocol.md#flow-queue). */
static void send_queued(struct part *p, uint32_t from, uint32_t c, uint64_t key, const uint8_t *bytes, uint32_t len,
                        uint32_t pad)
{
    int64_t floor;
    p->seg_first = p->seg_last = p->resent_first = p->resent_last = -1;
    int64_t delay = queue_delay(p, from, c, (uint64_t)len + pad + PRNET_FRAME_BYTES, &floor);
    if (p->seg_first < 0) {
        p->seg_first = p->resent_first;
        p->seg_last = p->resent_last;
    }
    hold_or_send(p, c, key, p->now, delay, floor, p->seg_first, p->seg_last, bytes, len, pad);
}

/* Connection c's waiting messages whose window opens within a round trip go to TCP, in order; a timer
 * for the next one's turn if any wait still. */
static void wait_run(struct part *p, uint32_t c)
{
    struct ctcp *ct = &p->net->ct[c];
    struct wait *w = &ct->wait;
    uint32_t from = p->net->conns[p->net->conns[c].rev].to;
    w->armed = false;
    while (w->n) {
        int64_t turn = prf_tcp_ready_at(&ct->tcp, p->now) - conn_rtt(p->net, c);
        if (turn > p->now) {
            w->armed = timer_push(p, from, turn, WAIT_KIND, c) != 0;
            return;
        }
        struct waiting m = w->v[w->head++];
        w->n--;
        const struct msg *r = msg_at(p, m.mi);
        send_queued(p, from, c, m.key, msg_bytes(p, m.mi), r->len, r->pad);
        msg_release(p, m.mi);
    }
    w->head = 0;
}

/* A message connection c's sender writes while earlier ones wait, or whose window opens more than a
 * round trip from now: it waits (wait_run). Whether it does. */
static bool wait_or_not(struct part *p, uint32_t from, uint32_t c, uint64_t key, const uint8_t *bytes, uint32_t len,
                        uint32_t pad)
{
    struct ctcp *ct = &p->net->ct[c];
    struct wait *w = &ct->wait;
    int64_t turn = w->n ? 0 : prf_tcp_ready_at(&ct->tcp, p->now) - conn_rtt(p->net, c);
    if (!w->n && turn <= p->now)
        return false;
    uint32_t mi = msg_alloc(p, len);
    if (mi == NONE) {
        p->oom = true;
        return true;
    }
    if (w->head && w->head + w->n == w->cap) { /* room at the front: move down */
        memmove(w->v, w->v + w->head, w->n * sizeof *w->v);
        w->head = 0;
    }
    if (w->head + w->n == w->cap) { /* from 8: most connections never wait, a few wait for many */
        uint32_t cap = w->cap ? 2 * w->cap : 8;
        struct waiting *v = realloc(w->v, cap * sizeof *v);
        if (!v) {
            msg_free(p, mi);
            p->oom = true;
            return true;
        }
        w->v = v;
        w->cap = cap;
    }
    memcpy(msg_bytes(p, mi), bytes, len);
    msg_at(p, mi)->len = len;
    msg_at(p, mi)->pad = pad;
    w->v[w->head + w->n++] = (struct waiting){.key = key, .mi = mi};
    if (!w->armed)
        w->armed = timer_push(p, from, turn > p->now ? turn : p->now, WAIT_KIND, c) != 0;
    return true;
}

static void host_send(void *ctx, uint32_t from, uint32_t to, const uint8_t *bytes, size_t len, uint32_t pad)
{
    struct part *p = ctx;
    struct prnet *net = p->net;
    if (from >= net->n_nodes || to >= net->n_nodes)
        return;
    uint32_t c = from == p->reply_from && to == p->reply_to ? p->reply_conn : find_conn(net, from, to);
    if (c == NONE)
        return; /* not connected: the model only sends to peers, so this is a host bug guard */
    struct fnode *src = &net->nodes[from];
    uint64_t wire = (uint64_t)len + pad + PRNET_FRAME_BYTES;
    src->bytes_out += wire;
    p->seg_first = p->seg_last = p->resent_first = p->resent_last = -1;
    if (net->ps)
        prf_partstat_message(net->ps, from, to, wire);
    uint64_t key = key_of(from, src->count++);
    if (net->uplinks) { /* TCP's window releases it onto the uplink (or it waits) */
        if (!wait_or_not(p, from, c, key, bytes, (uint32_t)len, pad))
            send_queued(p, from, c, key, bytes, (uint32_t)len, pad);
        return;
    }
    /* no loss and no drops: the uplink's FIFO alone */
    int64_t start = src->up_free > p->now ? src->up_free : p->now;
    int64_t sent = start + tx_time_ns(link_bytes(wire), src->up_bps);
    src->up_free = sent;
    send_on(p, c, key, sent, 0, -1, -1, bytes, (uint32_t)len, pad);
}

static uint64_t host_set_timer(void *ctx, uint32_t node, int64_t delay_ns, uint32_t kind, uint64_t arg)
{
    struct part *p = ctx;
    return timer_push(p, node, p->now + (delay_ns > 0 ? delay_ns : 0), kind, arg);
}

/* A timer event for `node` at `at`: a model timer of `kind`, or HOLD_KIND. Its handle, or 0. */
static uint64_t timer_push(struct part *p, uint32_t node, int64_t at, uint32_t kind, uint64_t arg)
{
    uint32_t i;
    if (p->free_timer != NONE) {
        i = p->free_timer;
        p->free_timer = p->timers[i].next_free;
    } else {
        if (p->n_timers == p->cap_timers && grow((void **)&p->timers, &p->cap_timers, sizeof *p->timers)) {
            p->oom = true;
            return 0;
        }
        i = p->n_timers++;
        p->timers[i].gen = 0;
    }
    struct timer *t = &p->timers[i];
    t->node = node;
    t->kind = kind;
    t->arg = arg;
    t->gen++;
    t->next_free = NONE;
    push(p, at, key_of(node, p->net->nodes[node].count++), EV_TIMER, i, node);
    return (uint64_t)t->gen << 32 | (i + 1);
}

static void timer_release(struct part *p, uint32_t i)
{
    p->timers[i].gen++; /* stale handles no longer match */
    p->timers[i].next_free = p->free_timer;
    p->free_timer = i;
}

static void host_cancel(void *ctx, uint32_t node, uint64_t handle)
{
    struct part *p = ctx;
    (void)node;
    uint32_t i = (uint32_t)(handle & 0xffffffffu);
    if (i == 0 || i > p->n_timers)
        return;
    struct timer *t = &p->timers[i - 1];
    if (t->gen == (uint32_t)(handle >> 32) && t->next_free == NONE)
        t->kind = 0; /* cancelled: its queue entry is dropped when it comes up */
}

static void log_event(struct part *p, const struct pr_event *ev)
{
    struct evlog *lg = &p->log[p->net->lpar];
    if (reserve((void **)&lg->e, &lg->cap, lg->n + 1, sizeof *lg->e) ||
        reserve((void **)&lg->ids, &lg->cap_ids, lg->n_ids + ev->n_ids, sizeof *lg->ids)) {
        p->oom = true;
        return;
    }
    struct logent *e = &lg->e[lg->n++];
    *e = (struct logent){.t = p->cur_t, .seq = p->cur_seq, .ev = *ev, .ids_at = lg->n_ids};
    if (ev->n_ids)
        memcpy(lg->ids + lg->n_ids, ev->ids, sizeof *ev->ids * ev->n_ids);
    lg->n_ids += ev->n_ids;
}

static void host_event(void *ctx, const struct pr_event *ev)
{
    struct part *p = ctx;
    if (p->logging)
        log_event(p, ev);
    else if (p->net->cb.event)
        p->net->cb.event(p->net->cb.ctx, ev);
}

static inline bool log_before(const struct evlog *a, const struct evlog *b)
{
    const struct logent *x = &a->e[a->pos], *y = &b->e[b->pos];
    return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

static void heap_down(struct evlog **h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, best = i;
        if (l < n && log_before(h[l], h[best]))
            best = l;
        if (l + 1 < n && log_before(h[l + 1], h[best]))
            best = l + 1;
        if (best == i)
            return;
        struct evlog *x = h[i];
        h[i] = h[best];
        h[best] = x;
        i = best;
    }
}

/* A parallel window's events to the runner, in the order of the events that reported them, as one
 * thread would have reported them: a merge of the partitions' logs (each already in that order) through
 * a heap of their heads. The entries of one handled event are consecutive in one log. */
static void merge_logs(struct prnet *net, int par)
{
    struct evlog *h[256];
    size_t n = 0;
    for (uint32_t k = 0; k < net->n_parts; k++)
        if (net->parts[k].log[par].n)
            h[n++] = &net->parts[k].log[par];
    for (size_t i = n / 2; i-- > 0;)
        heap_down(h, n, i);
    while (n) {
        struct evlog *lg = h[0];
        struct logent *e = &lg->e[lg->pos++];
        if (e->ev.n_ids)
            e->ev.ids = lg->ids + e->ids_at;
        if (net->cb.event)
            net->cb.event(net->cb.ctx, &e->ev);
        if (lg->pos == lg->n)
            h[0] = h[--n];
        heap_down(h, n, 0);
    }
    for (uint32_t k = 0; k < net->n_parts; k++) {
        struct evlog *lg = &net->parts[k].log[par];
        lg->n = lg->pos = lg->n_ids = 0;
    }
}

/* Pass on the last window's events, if they are still waiting (before the runner's calls, and before
 * run() returns). */
static void flush_logs(struct prnet *net)
{
    if (net->merge_pending) {
        merge_logs(net, net->lpar);
        net->merge_pending = false;
    }
}

/* ---- events ---- */

/* ACKs queue on the receiver's uplink behind what it sends (docs/protocol.md#flow-acks): when node `to`
 * receives a message on connection c (from `from`; rev: the connection back), its ACK waits for the
 * uplink's backlog, up to a full device queue. The sender learns that wait from the ACKs themselves, a
 * latency later, and counts it in the connection's round trip from then on: a report travels as an event
 * (between partitions as messages do), sent only when the wait changed by ACK_REPORT_STEP_NS since the
 * last one. Reports keep their order: now + min(backlog, full queue) never decreases. With finite queues
 * the ACKs tell how many of the connection's segments the receiver's router queue dropped too
 * (docs/protocol.md#flow-downlink): a report goes whenever there are new ones. */
#define ACK_QUEUE_PACKETS 100                 /* ns-3's default device queue (DropTail, 100 packets) */
#define ACK_REPORT_STEP_NS 10000000LL        /* 10 ms */
static void ack_report(struct part *p, uint32_t to, uint32_t from, uint32_t c, uint32_t rev)
{
    struct prnet *net = p->net;
    struct fnode *n = &net->nodes[to];
    uint64_t packets = net->queue_packets ? net->queue_packets : ACK_QUEUE_PACKETS;
    int64_t full = tx_time_ns(packets * (PRNET_MSS + PRNET_SEGMENT_OVERHEAD), n->up_bps);
    int64_t wait = n->up_free > p->now ? n->up_free - p->now : 0;
    if (wait > full)
        wait = full;
    struct ackq *a = &net->ct[rev].ackq;
    if (llabs(wait - a->told_ns) < ACK_REPORT_STEP_NS && !a->untold)
        return;
    a->told_ns = wait;
    uint32_t drops = a->untold < AUX_MAX ? a->untold : AUX_MAX;
    a->untold -= drops;
    uint32_t us = (uint32_t)(wait / 1000 < UINT32_MAX ? wait / 1000 : UINT32_MAX);
    struct xmsg x = {.t = p->now + wait + net->conns[rev].latency_ns, .key = key_of(to, n->count++), .to = from,
                     .from = to, .conn = c, .rev = rev, .len = 0, .pad = us, .kind = MSG_ACKS, .aux = drops};
    post(p, &x, (const uint8_t *)"");
}

/* A message of `wire` bytes from m->from reached node `to`'s router, its last segment at last_at: which of
 * its segments the router's queue towards `to` drops (docs/protocol.md#flow-downlink), to be reported on
 * the connection. Its segments came as far apart as their first attempts left the sender (m's aux),
 * evenly. */
static void downlink_book(struct part *p, uint32_t to, const struct msg *m, uint64_t wire, int64_t last_at)
{
    struct prnet *net = p->net;
    const struct fnode *n = &net->nodes[to];
    int64_t spread = (int64_t)(m->aux & AUX_SPREAD_MAX) * AUX_UNIT_NS;
    uint32_t segments = (uint32_t)((wire + PRNET_MSS - 1) / PRNET_MSS);
    int64_t spacing = segments > 1 ? spread / (segments - 1) : 0;
    /* never closer than the sender's uplink carries them (when most first attempts were dropped, the
     * span of the others says little); its rate is set once, before any thread runs: no race */
    int64_t pkt = tx_time_ns(PRNET_MSS + PRNET_SEGMENT_OVERHEAD, n->down_bps);
    int64_t up_pkt = tx_time_ns(PRNET_MSS + PRNET_SEGMENT_OVERHEAD, net->nodes[m->from].up_bps);
    if (spacing < up_pkt)
        spacing = up_pkt;
    int64_t last = tx_time_ns(wire - (uint64_t)(segments - 1) * PRNET_MSS + PRNET_SEGMENT_OVERHEAD, n->down_bps);
    uint32_t dropped = prf_downlink_arrive(&net->downs[to].d, p->now, last_at, segments, spacing, pkt, last,
                                           net->queue_limit, &p->oom);
    net->ct[m->rev].ackq.untold += dropped; /* `to`'s own record: its ACKs report them (ack_report) */
}

/* Message m (ser: its time on node `to`'s downlink), delivered now but for the downlink's queue: its
 * segments are booked on `to`'s router's calendar when they came, unless a notice booked them. */
static void downlink_arrive(struct part *p, uint32_t to, const struct msg *m, uint64_t wire, int64_t ser)
{
    uint32_t kept = m->aux >> 14;
    if (kept != AUX_KEPT_MAX)
        downlink_book(p, to, m, wire, p->now - ser - (int64_t)kept * AUX_UNIT_NS);
}

/* A notice: a message's first segment reached node `to`'s router its aux's kept time ago (none, unless
 * its connection held it), the rest over its spread after it (pad: the message's bytes). */
static void downlink_notice(struct part *p, uint32_t to, const struct msg *m)
{
    int64_t first_at = p->now - (int64_t)(m->aux >> 14) * AUX_UNIT_NS;
    downlink_book(p, to, m, m->pad, first_at + (int64_t)(m->aux & AUX_SPREAD_MAX) * AUX_UNIT_NS);
}

static void on_deliver(struct part *p, const struct prf_ev *ev)
{
    uint32_t mi = ev->idx, to = ev->node;
    struct prnet *net = p->net;
    struct msg *m = msg_at(p, mi);
    if (m->kind == MSG_NOTICE) { /* `to` is the receiver: the message's segments reach its router now */
        downlink_notice(p, to, m);
        msg_free(p, mi);
        return;
    }
    if (m->kind == MSG_ACKS) { /* `to` is the connection's sender: its ACKs' report */
        net->ct[m->conn].ackq.queue_ns = (int64_t)m->pad * 1000;
        net->ct[m->conn].ackq.owed += m->aux;
        msg_free(p, mi);
        return;
    }
    struct fnode *n = &net->nodes[to];
    uint64_t wire = (uint64_t)m->len + m->pad + PRNET_FRAME_BYTES;
    if (!m->queued) {
        int64_t ser = tx_time_ns(link_bytes(wire), n->down_bps); /* as host_send() computed it */
        if (net->downs)
            downlink_arrive(p, to, m, wire, ser);
        if (n->down_free > p->now - ser) {
            /* The downlink was still busy when this message needed it: it queues behind, keeping its
             * key. A later message on its connection fires no earlier than this one did, and then
             * finds the downlink busy at least until this one is through, so the order holds. */
            int64_t t = n->down_free + ser;
            n->down_free = t;
            m->queued = true;
            push(p, t, ev->seq >> 2, EV_DELIVER, mi, to);
            return;
        }
    }
    if (n->down_free < p->now)
        n->down_free = p->now;
    n->bytes_in += wire;
    p->stats.messages++;
    p->stats.bytes += wire;
    uint32_t len = m->len, pad = m->pad, from = m->from;
    /* While it is received, an answer to its sender takes the connection back without a lookup. */
    p->reply_from = to;
    p->reply_to = from;
    p->reply_conn = m->rev;
    if (net->ct)
        ack_report(p, to, from, m->conn, m->rev);
    uint8_t copy[INLINE_BYTES];
    bool small = len <= INLINE_BYTES;
    const uint8_t *bytes = copy;
    if (small) {
        /* Copy it out and recycle the record at once, so the sends receive() makes reuse this record,
         * which is in cache, rather than a cold one. A larger message's record (and buffer) stays ours
         * until receive() returns. */
        memcpy(copy, m->inline_bytes, len);
        msg_free(p, mi);
    } else {
        bytes = msgbuf_at(p, mi)->p;
    }
    pr_node_receive(net->prs[to], from, bytes, len, pad);
    p->reply_from = NONE;
    if (!small)
        msg_release(p, mi);
}

static void on_timer(struct part *p, uint32_t i)
{
    struct timer t = p->timers[i];
    timer_release(p, i);
    if (t.kind == HOLD_KIND)
        hold_expire(p, (uint32_t)t.arg);
    else if (t.kind == WAIT_KIND)
        wait_run(p, (uint32_t)t.arg);
    else if (t.kind != 0)
        pr_node_timer(p->net->prs[t.node], t.kind, t.arg);
}

/* Stage 1 of the prefetch pipeline: an event two ahead of the one being handled. */
static void prefetch_far(const struct part *p, const struct prf_ev *e)
{
    const struct prnet *net = p->net;
    if (prf_ev_type(e) == EV_DELIVER)
        __builtin_prefetch(msg_at(p, e->idx));
    else
        __builtin_prefetch(&p->timers[e->idx]);
    __builtin_prefetch(&net->nodes[e->node]); /* its links: delivering checks the downlink */
    if (net->uplinks) {
        __builtin_prefetch(&net->uplinks[e->node]); /* what it sends enters its device queue */
        __builtin_prefetch(&net->downs[e->node]);   /* what it receives, its router's queue */
    }
    pr_node_prefetch(net->prs[e->node]);
}

/* Stage 2: the next event, whose record and node are in cache by now: what its handling looks up. */
static void prefetch_near(const struct part *p, const struct prf_ev *e)
{
    const struct prnet *net = p->net;
    if (prf_ev_type(e) == EV_DELIVER) {
        const struct msg *m = msg_at(p, e->idx);
        __builtin_prefetch(&net->conns[m->rev]); /* where the answer goes */
        if (net->ct) /* an ACKs' report's connection; else the report back (ack_report), the answer's TCP */
            __builtin_prefetch(&net->ct[m->kind == MSG_ACKS ? m->conn : m->rev]);
        const struct prf_uplink *u = net->uplinks ? &net->uplinks[e->node] : NULL;
        if (u && u->busy) /* its device queue's calendar, where what it sends is booked */
            __builtin_prefetch(u->busy + u->head);
        if (u && u->pkt)
            __builtin_prefetch(u->pkt + u->pkt_head);
        const struct prf_uplink *port = net->downs && m->kind != MSG_ACKS ? &net->downs[e->node].d.port : NULL;
        if (port && port->n_busy) /* its router's calendar, where its segments are booked: the newest end */
            __builtin_prefetch(port->busy + port->head + port->n_busy - 1);
        if (port && port->n_pkt)
            __builtin_prefetch(port->pkt + port->pkt_head + port->n_pkt - 1);
        if (port && port->n_later)
            __builtin_prefetch(port->later + port->later_head + port->n_later - 1);
        pr_node_prefetch_msg(net->prs[e->node], m->inline_bytes, m->len < INLINE_BYTES ? m->len : INLINE_BYTES);
    } else {
        const struct timer *t = &p->timers[e->idx];
        if (t->kind != 0 && t->kind != HOLD_KIND && t->kind != WAIT_KIND)
            pr_node_prefetch_timer(net->prs[e->node], t->kind, t->arg);
    }
}

static void hint_far(void *ctx, const struct prf_ev *ev) { prefetch_far(ctx, ev); }

/* One partition's share of a window: take in what other partitions sent it, then handle its events
 * before the window's bound, through the queue's lookahead window (evq.h): an event is popped two events
 * before it is handled (stage 1 fetches its message or timer record and its node), and one event before,
 * stage 2 fetches what those point to; on a large network nearly every event touches state nobody
 * touched for a while. */
static void part_window(struct part *p, int drain_parity)
{
    struct prnet *net = p->net;
    for (uint32_t k = 0; k < net->n_parts && drain_parity >= 0; k++)
        outbox_take(p, &net->parts[k].out[drain_parity][p->id]);
    struct prf_lookahead la = {.n = 0};
    struct prf_ev ev;
    for (;;) {
        if (prf_lookahead_fill(&la, &p->q, &net->bound, hint_far, p) != PRF_EVQ_OK) {
            p->oom = true;
            return;
        }
        if (!prf_lookahead_take(&la, &ev))
            break;
        if (la.n)
            prefetch_near(p, &la.ev[0]);
        p->now = ev.t;
        p->cur_t = ev.t;
        p->cur_seq = ev.seq;
        p->stats.events++;
        if (net->ps)
            prf_partstat_event(net->ps, ev.t, ev.node);
        if (prf_ev_type(&ev) == EV_DELIVER)
            on_deliver(p, &ev);
        else
            on_timer(p, ev.idx);
        if (p->oom || prf_lookahead_settle(&la, &p->q) != PRF_EVQ_OK) {
            p->oom = true;
            return;
        }
    }
}

/* ---- threads: the caller's and n_threads - 1 workers, each taking partitions until none is left ---- */

/* Partitions are more than threads, and taken in turn as threads come free: a window's work is uneven
 * across partitions (a transaction's flood starts in one), and this evens it across threads. Which
 * thread runs a partition changes nothing it computes. */
static void take_partitions(struct prnet *net)
{
    for (;;) {
        unsigned k = atomic_fetch_add(&net->next_part, 1);
        if (k >= net->n_parts)
            return;
        part_window(&net->parts[k], net->drain);
    }
}

static void *worker(void *arg)
{
    struct prnet *net = arg;
    for (;;) {
        prf_barrier_wait(&net->start, 1);
        if (net->quit)
            return NULL;
        take_partitions(net);
        prf_barrier_wait(&net->done, 1);
    }
}

static void run_window(struct prnet *net)
{
    if (net->n_parts == 1) {
        part_window(&net->parts[0], -1);
        return;
    }
    net->drain = net->wpar;
    net->wpar ^= 1;
    for (uint32_t k = 0; k < net->n_parts; k++) {
        net->parts[k].out_min[net->drain] = INT64_MAX;
        net->parts[k].logging = true;
    }
    net->lpar ^= 1;
    atomic_store(&net->next_part, 0);
    prf_barrier_wait(&net->start, 1);
    /* The last window's logs are merged while the other threads start on this one's partitions: the
     * merge is the one serial part of a window, and the partitions left go to whoever is free. */
    if (net->merge_pending) {
        merge_logs(net, net->lpar ^ 1);
        net->merge_pending = false;
    }
    take_partitions(net);
    prf_barrier_wait(&net->done, 1);
    for (uint32_t k = 0; k < net->n_parts; k++)
        net->parts[k].logging = false;
    net->merge_pending = true;
}

static void stop_threads(struct prnet *net)
{
    if (!net->barriers_ready)
        return;
    /* the caller stands in for the workers that never started, if some did not */
    net->quit = true;
    prf_barrier_wait(&net->start, net->n_threads - net->n_threads_up);
    for (uint32_t k = 0; k < net->n_threads_up; k++)
        pthread_join(net->threads[k], NULL);
    prf_barrier_destroy(&net->start);
    prf_barrier_destroy(&net->done);
    net->barriers_ready = false;
}

static int start_threads(struct prnet *net)
{
    if (!(net->threads = calloc(net->n_threads, sizeof *net->threads)))
        return -1;
    if (prf_barrier_init(&net->start, net->n_threads))
        return -1;
    if (prf_barrier_init(&net->done, net->n_threads)) {
        prf_barrier_destroy(&net->start);
        return -1;
    }
    net->barriers_ready = true;
    for (uint32_t k = 0; k + 1 < net->n_threads; k++) {
        if (pthread_create(&net->threads[k], NULL, worker, net))
            return -1; /* flow_destroy() stops the ones that started */
        net->n_threads_up = k + 1;
    }
    return 0;
}

/* ---- the prnet_ops ---- */

static void part_free(struct part *p, uint32_t n_parts)
{
    for (uint32_t c = 0; c < p->n_chunks; c++) {
        struct msgchunk *ch = &p->msg_chunks[c];
        for (uint32_t i = 0; ch->buf && i < CHUNK; i++)
            free(ch->buf[i].p);
        free(ch->buf);
        free(ch->rec);
    }
    free(p->msg_chunks);
    free(p->free_msgs);
    free(p->timers);
    free(p->fails);
    free(p->dropped);
    for (int par = 0; par < 2; par++) {
        for (uint32_t k = 0; p->out[par] && k < n_parts; k++)
            free(p->out[par][k].p);
        free(p->out[par]);
    }
    for (int par = 0; par < 2; par++) {
        free(p->log[par].e);
        free(p->log[par].ids);
    }
    prf_evq_free(&p->q);
}

/* POWRELAY_FLOW_QUEUES's file, in POWRELAY_NS3_QUEUES's columns: flow has no ACK packets (left empty). An
 * uplink's row counts its node's connections' recoveries and timeouts too. */
static void write_queues(const struct prnet *net)
{
    FILE *f = fopen(net->queues_path, "w");
    bool ok = f && fprintf(f, "node,region,link,acks_enqueued,data_enqueued,acks_dropped,data_dropped,recoveries,"
                              "timeouts,data_ahead,data_ahead_dropped\n") > 0;
    for (uint32_t i = 0; ok && i < net->n_nodes; i++) { /* what was released by the run's end */
        uint64_t taken, dropped, ahead, ahead_dropped, recoveries = 0, timeouts = 0;
        prf_uplink_tally(&net->uplinks[i], net->now, &taken, &dropped);
        prf_uplink_ahead(&net->uplinks[i], net->now, &ahead, &ahead_dropped);
        for (uint32_t k = net->nodes[i].conn_begin; k < net->nodes[i].conn_end; k++) {
            recoveries += net->ct[k].tcp.recoveries;
            timeouts += net->ct[k].tcp.timeouts;
        }
        ok = fprintf(f, "%u,%u,up,,%llu,,%llu,%llu,%llu,%llu,%llu\n", i, net->region_of[i], (unsigned long long)taken,
                     (unsigned long long)dropped, (unsigned long long)recoveries, (unsigned long long)timeouts,
                     (unsigned long long)ahead, (unsigned long long)ahead_dropped) > 0;
    }
    /* a downlink: the segments that reached it (each once) and the attempts its senders drew dropped */
    uint64_t *drops = calloc(net->n_nodes ? net->n_nodes : 1, sizeof *drops);
    ok = ok && drops;
    for (uint32_t i = 0; ok && i < net->n_nodes; i++)
        for (uint32_t k = net->nodes[i].conn_begin; k < net->nodes[i].conn_end; k++)
            drops[net->conns[k].to] += net->ct[k].ackq.down_drops;
    for (uint32_t i = 0; ok && i < net->n_nodes; i++)
        ok = fprintf(f, "%u,%u,down,,%llu,,%llu,,,,\n", i, net->region_of[i],
                     (unsigned long long)net->downs[i].d.segments, (unsigned long long)drops[i]) > 0;
    free(drops);
    if (!f || fclose(f) || !ok)
        fprintf(stderr, "powrelay: POWRELAY_FLOW_QUEUES: cannot write %s\n", net->queues_path);
}

/* POWRELAY_FLOW_CWND's row for a change of connection c's window (tcp.h's hook), if its sender is the
 * traced node: t_s,node,peer,event,cwnd,ssthresh (segments; the threshold 1e6 before the first loss). */
static void cwnd_row(void *ctx, const struct prf_tcp *t, int64_t at, enum prf_tcp_change what)
{
    static const char *const event[] = {"window", "recovery", "timeout"};
    struct prnet *net = ctx;
    uintptr_t first = (uintptr_t)&net->ct[0].tcp, u = (uintptr_t)t;
    if (u < first || (u - first) % sizeof *net->ct || (u - first) / sizeof *net->ct >= net->n_ct)
        return; /* not a connection's (none is copied: defensive) */
    uint32_t c = (uint32_t)((u - first) / sizeof *net->ct), from = net->conns[net->conns[c].rev].to;
    if (from != net->cwnd_node)
        return;
    pthread_mutex_lock(&net->cwnd_mu);
    fprintf(net->cwnd_f, "%.9f,%u,%u,%s,%.3f,%.3f\n", (double)at / 1e9, from, net->conns[c].to, event[what], t->cwnd,
            t->ssthresh);
    pthread_mutex_unlock(&net->cwnd_mu);
}

/* POWRELAY_FLOW_CWND=FILE (and POWRELAY_CWND_NODE=N, default 0): trace node N's TCP senders' windows into
 * FILE (prnet_cwnd_trace). A diagnosis: outputs unchanged; a warning, and no trace, when it cannot be done. */
static void cwnd_trace_open(struct prnet *net)
{
    const char *path = getenv("POWRELAY_FLOW_CWND");
    if (!path || !*path)
        return;
    if (!net->ct) {
        fprintf(stderr, "powrelay: POWRELAY_FLOW_CWND: this network keeps no TCP window (no loss, no device "
                        "queues): no window trace\n");
        return;
    }
    net->cwnd_f = prnet_cwnd_trace("POWRELAY_FLOW_CWND", net->n_nodes, &net->cwnd_node);
    if (!net->cwnd_f)
        return;
    if (pthread_mutex_init(&net->cwnd_mu, NULL)) {
        fprintf(stderr, "powrelay: POWRELAY_FLOW_CWND: no window trace (no mutex)\n");
        fclose(net->cwnd_f);
        net->cwnd_f = NULL;
        return;
    }
    prf_tcp_set_trace(cwnd_row, net);
}

static void cwnd_trace_close(struct prnet *net)
{
    if (!net->cwnd_f)
        return;
    prf_tcp_set_trace(NULL, NULL);
    pthread_mutex_destroy(&net->cwnd_mu);
    if (fclose(net->cwnd_f))
        fprintf(stderr, "powrelay: POWRELAY_FLOW_CWND: cannot write the window trace\n");
    net->cwnd_f = NULL;
}

static void flow_destroy(struct prnet *net)
{
    if (!net)
        return;
    stop_threads(net);
    cwnd_trace_close(net);
    if (net->region_of && net->started)
        write_queues(net);
    free(net->region_of);
    if (net->ps) {
        FILE *f = fopen(net->ps_path, "w");
        if (!f || prf_partstat_write(net->ps, f, net->now) || fclose(f))
            fprintf(stderr, "powrelay: POWRELAY_PARTSTAT: cannot write %s\n", net->ps_path);
        prf_partstat_free(net->ps);
    }
    for (uint32_t i = 0; net->prs && i < net->n_nodes; i++)
        pr_node_destroy(net->prs[i]);
    for (uint32_t k = 0; net->parts && k < net->n_parts; k++)
        part_free(&net->parts[k], net->n_parts);
    free(net->parts);
    free(net->threads);
    free(net->calls);
    prf_evq_free(&net->callq);
    free(net->nodes);
    free(net->prs);
    free(net->part_of);
    free(net->conns);
    for (uint32_t c = 0; net->ct && c < net->n_ct; c++) {
        free(net->ct[c].hold.v);
        free(net->ct[c].wait.v);
        prf_tcp_free(&net->ct[c].tcp);
    }
    free(net->ct);
    free(net->loss_rng);
    for (uint32_t i = 0; net->uplinks && i < net->n_nodes; i++)
        prf_uplink_free(&net->uplinks[i]);
    free(net->uplinks);
    for (uint32_t i = 0; net->downs && i < net->n_nodes; i++)
        prf_downlink_free(&net->downs[i].d);
    free(net->downs);
    free(net);
}

static int cmp_conn(const void *a, const void *b)
{
    const struct conn *x = a, *y = b;
    return x->to < y->to ? -1 : x->to > y->to;
}

static int part_init(struct prnet *net, struct part *p, uint32_t id)
{
    p->net = net;
    p->id = id;
    p->free_timer = NONE;
    p->reply_from = NONE;
    p->out_min[0] = p->out_min[1] = INT64_MAX;
    p->host = (struct pr_host){.version = PR_HOST_VERSION, .ctx = p, .now_ns = host_now, .send = host_send,
                               .set_timer = host_set_timer, .cancel_timer = host_cancel, .event = host_event};
    if (prf_evq_init(&p->q))
        return -1;
    for (int par = 0; par < 2 && net->n_parts > 1; par++)
        if (!(p->out[par] = calloc(net->n_parts, sizeof *p->out[par])))
            return -1;
    return 0;
}

/* How many threads: the ones asked for, one when counting partitions (POWRELAY_PARTSTAT, which cuts
 * its own). */
static uint32_t threads_for(const struct prnet_desc *d, bool counting)
{
    uint32_t t = d->threads ? d->threads : 1;
    if (t > PRNET_MAX_THREADS)
        t = PRNET_MAX_THREADS;
    return counting ? 1 : t;
}

/* How many partitions: PARTS_PER_THREAD a thread (one alone: no windows to even out), at most 255 and
 * no more than the nodes. */
#define PARTS_PER_THREAD 8
static uint32_t parts_for(const struct prnet_desc *d, uint32_t threads)
{
    uint32_t p = threads > 1 ? threads * PARTS_PER_THREAD : 1;
    if (p > 255)
        p = 255;
    if (p > d->n_nodes)
        p = d->n_nodes ? d->n_nodes : 1;
    return p;
}

static int flow_create(const struct prnet_desc *d, const struct pr_config *cfg, const struct prnet_node_init *init,
                       const struct prnet_callbacks *cb, struct prnet **out, char *err, size_t errlen)
{
    if (d->n_nodes >= RUNNER) {
        snprintf(err, errlen, "the flow model takes at most %u nodes", RUNNER - 1);
        return PRNET_EBAD;
    }
    struct prnet *net = calloc(1, sizeof *net);
    if (!net) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    net->cfg = cfg;
    net->cb = *cb;
    net->loss = d->loss;
    net->queue_packets = d->queue_packets;
    net->free_call = NONE;
    net->ps_path = getenv("POWRELAY_PARTSTAT");
    bool counting = net->ps_path && *net->ps_path;
    net->n_nodes = d->n_nodes;
    net->n_threads = threads_for(d, counting);
    net->n_parts = parts_for(d, net->n_threads);
    net->nodes = aligned_calloc(d->n_nodes ? d->n_nodes : 1, sizeof *net->nodes);
    net->prs = calloc(d->n_nodes ? d->n_nodes : 1, sizeof *net->prs);
    net->part_of = calloc(d->n_nodes ? d->n_nodes : 1, 1);
    net->parts = aligned_alloc(64, sizeof *net->parts * net->n_parts);
    net->n_conns = 2 * d->n_edges;
    uint32_t *deg = calloc(d->n_nodes + 1, sizeof *deg);
    for (uint32_t e = 0; deg && e < d->n_edges; e++) {
        deg[d->edges[2 * e]]++;
        deg[d->edges[2 * e + 1]]++;
    }
    /* With threads, each node's connections start on a cache line of their own (a group of
     * CONN_GROUP records is whole lines): neighbouring nodes may belong to different threads. */
    uint32_t group = net->n_parts > 1 ? CONN_GROUP : 1, slots = 0;
    for (uint32_t i = 0; deg && i < d->n_nodes; i++)
        slots += (deg[i] + group - 1) / group * group;
    net->conns = aligned_calloc(slots ? slots : 1, sizeof *net->conns);
    /* TCP's sender state only where losses or drops make it matter: a run without either never reads it */
    bool tcp = net->loss > 0 || net->queue_packets > 0;
    net->ct = tcp ? aligned_calloc(slots ? slots : 1, sizeof *net->ct) : NULL;
    net->n_ct = net->ct ? slots : 0;
    /* the loss draws' streams: with finite queues, the downlinks' drops are drawn too */
    net->loss_rng = tcp ? aligned_calloc(d->n_nodes ? d->n_nodes : 1, sizeof *net->loss_rng) : NULL;
    /* Under loss the window releases segments onto the uplink as with finite queues, which then never drop
     * (docs/protocol.md#flow-loss): a message waits for its window before the uplink, not after it */
    net->queue_limit = net->queue_packets ? net->queue_packets : QUEUE_UNBOUNDED;
    net->uplinks = tcp ? calloc(d->n_nodes ? d->n_nodes : 1, sizeof *net->uplinks) : NULL;
    net->downs = tcp ? aligned_calloc(d->n_nodes ? d->n_nodes : 1, sizeof *net->downs) : NULL;
    if (net->parts)
        memset(net->parts, 0, sizeof *net->parts * net->n_parts);
    struct conn *byedge = calloc(net->n_conns ? net->n_conns : 1, sizeof *byedge);
    uint32_t *efrom = calloc(net->n_conns ? net->n_conns : 1, sizeof *efrom); /* byedge[i]'s sender */
    bool ok = net->nodes && net->prs && net->part_of && net->parts && net->conns &&
              (!tcp || (net->ct && net->loss_rng)) &&
              (!tcp || (net->uplinks && net->downs)) && byedge && efrom && deg &&
              prf_evq_init(&net->callq) == 0;
    for (uint32_t k = 0; ok && k < net->n_parts; k++)
        ok = part_init(net, &net->parts[k], k) == 0;
    if (!ok) {
        free(efrom);
        free(byedge);
        free(deg);
        flow_destroy(net);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (uint32_t c = 0; net->ct && c < slots; c++)
        prf_tcp_init(&net->ct[c].tcp);
    cwnd_trace_open(net);
    net->queues_path = getenv("POWRELAY_FLOW_QUEUES");
    if (net->uplinks && net->queues_path && *net->queues_path) {
        net->region_of = malloc(d->n_nodes ? d->n_nodes : 1);
        if (net->region_of) {
            memcpy(net->region_of, d->node_region, d->n_nodes);
            for (uint32_t i = 0; i < d->n_nodes; i++) /* the tally's alone: other runs keep no such list */
                net->uplinks[i].tallied = true;
        } else {
            fprintf(stderr, "powrelay: POWRELAY_FLOW_QUEUES: out of memory, no tally written\n");
        }
    }
    for (uint32_t i = 0; net->loss_rng && i < d->n_nodes; i++)
        pr_rng_seed(&net->loss_rng[i].rng, d->seed, LOSS_RNG_STREAM + i);
    if (net->n_parts > 1 && prf_partition(d->n_nodes, d->node_region, deg, net->n_parts, net->part_of)) {
        free(efrom);
        free(byedge);
        free(deg);
        flow_destroy(net);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    /* Created partition by partition, so that each thread's nodes' state lies together in memory. */
    for (uint64_t j = 0; j < (uint64_t)net->n_parts * d->n_nodes; j++) {
        uint32_t i = (uint32_t)(j % d->n_nodes);
        if (net->part_of[i] != j / d->n_nodes)
            continue;
        struct fnode *n = &net->nodes[i];
        uint8_t r = d->node_region[i];
        n->up_bps = d->up_bps[r];
        n->down_bps = d->down_bps[r];
        struct pr_node_params p = {.id = i, .config = cfg, .host = &net->parts[net->part_of[i]].host,
                                   .hashrate = init[i].hashrate, .attacker = init[i].attacker};
        int e = pr_node_create(&p, &net->prs[i]);
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
    struct pr_rng jitter;
    pr_rng_seed(&jitter, d->seed, FLOW_RNG_STREAM);
    net->window_ns = INT64_MAX;
    for (uint32_t e = 0; e < d->n_edges; e++) {
        uint32_t a = d->edges[2 * e], b = d->edges[2 * e + 1];
        double base = d->latency_s[d->node_region[a] * d->n_regions + d->node_region[b]];
        double mult = 1.0 + d->jitter * (2.0 * pr_rng_uniform(&jitter) - 1.0);
        int64_t lat = (int64_t)llround(base * mult * 1e9);
        byedge[2 * e] = (struct conn){.to = b, .latency_ns = lat, .down_bps = d->down_bps[d->node_region[b]]};
        byedge[2 * e + 1] = (struct conn){.to = a, .latency_ns = lat, .down_bps = d->down_bps[d->node_region[a]]};
        efrom[2 * e] = a;
        efrom[2 * e + 1] = b;
        if (net->part_of[a] != net->part_of[b] && lat < net->window_ns)
            net->window_ns = lat;
        int ea = pr_node_add_peer(net->prs[a], b, true), eb = pr_node_add_peer(net->prs[b], a, false);
        if (ea != PR_OK || eb != PR_OK) {
            free(deg);
            free(efrom);
            free(byedge);
            flow_destroy(net);
            snprintf(err, errlen, "connection %u-%u: %s", a, b, pr_strerror(ea != PR_OK ? ea : eb));
            return -1;
        }
    }
    /* A message takes at least its latency and two serialisations of a nanosecond or more: a window
     * of the smallest latency between partitions (at least 1 ns) holds nothing sent within it. */
    if (net->window_ns < 1)
        net->window_ns = 1;
    /* Connections grouped by sender (CSR), sorted by receiver, for the send path's lookup. */
    uint32_t pos = 0;
    for (uint32_t i = 0; i < d->n_nodes; i++) {
        net->nodes[i].conn_begin = net->nodes[i].conn_end = pos;
        pos += (deg[i] + group - 1) / group * group;
    }
    for (uint32_t c = 0; c < net->n_conns; c++)
        net->conns[net->nodes[efrom[c]].conn_end++] = byedge[c];
    if (counting) {
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
    if (net->n_threads > 1 && start_threads(net)) {
        flow_destroy(net);
        snprintf(err, errlen, "cannot start %u threads", net->n_threads - 1);
        return -1;
    }
    *out = net;
    return 0;
}

static struct pr_node *flow_node(struct prnet *net, uint32_t i) { return i < net->n_nodes ? net->prs[i] : NULL; }

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
    if (prf_evq_push(&net->callq, t_ns > net->now ? t_ns : net->now, key_of(RUNNER, net->call_count++), EV_CALL, i,
                     0))
        net->oom = true;
    return net->oom ? -1 : 0;
}

static int64_t flow_now(struct prnet *net) { return net->now; }

static void set_now(struct prnet *net, int64_t t)
{
    net->now = t;
    for (uint32_t k = 0; k < net->n_parts; k++)
        net->parts[k].now = t;
}

/* The earliest event any partition holds (its queue, or its outbox of the parity being written). */
static int earliest(struct prnet *net, int64_t *t)
{
    *t = INT64_MAX;
    for (uint32_t k = 0; k < net->n_parts; k++) {
        struct part *p = &net->parts[k];
        const struct prf_ev *top;
        int rc = prf_evq_peek(&p->q, &top);
        if (rc == PRF_EVQ_NOMEM)
            return -1;
        if (rc == PRF_EVQ_OK && top->t < *t)
            *t = top->t;
        if (p->out_min[net->wpar] < *t)
            *t = p->out_min[net->wpar];
    }
    return 0;
}

static bool any_oom(const struct prnet *net)
{
    for (uint32_t k = 0; k < net->n_parts; k++)
        if (net->parts[k].oom)
            return true;
    return net->oom;
}

/* The run, as windows (docs/protocol.md#flow-threads): from the earliest event T, every partition
 * handles its events before T + the window (or the runner's next call, or past `until`) at once; what
 * crosses to another partition arrives after the window, so the partitions cannot affect each other
 * within it. The runner's calls run alone, between windows. One partition: windows run from call to
 * call. */
static int flow_run(struct prnet *net, int64_t until)
{
    if (!net->started) {
        net->started = true;
        for (uint32_t i = 0; i < net->n_nodes; i++)
            if (pr_node_start(net->prs[i]) != PR_OK)
                return -1;
    }
    for (;;) {
        int64_t t;
        if (earliest(net, &t))
            return -1;
        const struct prf_ev *call = NULL;
        int rc = prf_evq_peek(&net->callq, &call);
        if (rc == PRF_EVQ_NOMEM)
            return -1;
        if (rc == PRF_EVQ_EMPTY)
            call = NULL;
        if (call && call->t <= until && call->t < t) {
            /* Every node's events before it are done (a call's key comes after theirs at one instant). */
            flush_logs(net);
            struct prf_ev ev;
            prf_evq_pop(&net->callq, &ev);
            set_now(net, ev.t);
            struct call c = net->calls[ev.idx];
            net->calls[ev.idx].next_free = net->free_call;
            net->free_call = ev.idx;
            net->call_events++;
            c.fn(c.arg, c.a);
            if (any_oom(net))
                return -1;
            continue;
        }
        if (t > until)
            break;
        struct prf_ev bound = {.t = until, .seq = UINT64_MAX};
        if (net->n_parts > 1 && net->window_ns <= until - t)
            bound = (struct prf_ev){.t = t + net->window_ns, .seq = 0};
        if (call && prf_ev_before(call, &bound))
            bound = *call;
        net->bound = bound;
        run_window(net);
        if (any_oom(net))
            return -1;
    }
    flush_logs(net);
    set_now(net, until);
    return 0;
}

static void flow_stats(struct prnet *net, struct prnet_stats *out)
{
    *out = (struct prnet_stats){.events = net->call_events};
    for (uint32_t k = 0; k < net->n_parts; k++) {
        out->events += net->parts[k].stats.events;
        out->messages += net->parts[k].stats.messages;
        out->bytes += net->parts[k].stats.bytes;
    }
}

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
