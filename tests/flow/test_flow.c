/* shim/flow: the physics of the message-level network, on real model nodes. Serialisation and
 * latency add up as they should, messages on a connection arrive in order, loss delays but loses
 * nothing, bytes are accounted as carried (message + pad + framing), a backlog behind a finite queue
 * arrives whole and no faster than its link, and with no attack a flood reaches every node. A run whose event queue runs out of memory fails (status 1, a message, no
 * summary); it never ends early as if it had finished. */
#include "test.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "evq.h"
#include "powrelay/netmodel.h"
#include "powrelay/wire.h"
#include "scenario.h"
#include "sim.h"

#define S PR_S

struct rec {
    uint64_t accepted;
    int64_t last_accept_ns;
    uint64_t order_violations;
    uint64_t last_id_at[4];
};

static void sink(void *ctx, const struct pr_event *ev)
{
    struct rec *r = ctx;
    if (ev->type == PR_EV_TX_ACCEPTED) {
        r->accepted++;
        r->last_accept_ns = ev->t_ns;
    }
}

/* Nodes 0 - 1 connected, honest, 1 MH/s each, on the regions d describes; a failure aborts the test. */
static struct prnet *connected_pair(struct prnet_desc *d, const struct pr_config *c, struct prnet_callbacks cb)
{
    static uint32_t edges[2] = {0, 1};
    d->n_nodes = 2;
    d->n_edges = 1;
    d->edges = edges;
    d->seed = 1;
    struct prnet_node_init init[2] = {{1e6, false}, {1e6, false}};
    struct prnet *net = NULL;
    char err[256];
    if (prnet_flow_ops.create(d, c, init, &cb, &net, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        abort();
    }
    return net;
}

static struct prnet *two_nodes(struct pr_config *c, double up_bps, double down_bps, double latency_s, double loss,
                               struct rec *r)
{
    static uint8_t region[2] = {0, 0};
    double up = up_bps, down = down_bps, lat = latency_s;
    struct prnet_desc d = {.node_region = region, .n_regions = 1, .up_bps = &up, .down_bps = &down,
                           .latency_s = &lat, .jitter = 0, .loss = loss};
    return connected_pair(&d, c, (struct prnet_callbacks){.ctx = r, .event = sink});
}

static struct pr_config plain(void)
{
    struct pr_config c;
    pr_config_default(&c);
    c.dandelion_enabled = false;
    c.flush_in_ns = c.flush_out_ns = 0;
    c.pow_enabled = false; /* physics only: no rate limit on these bursts */
    return c;
}

static void submit(struct prnet *net, uint32_t node, uint32_t size)
{
    struct pr_tx_request rq = {.size = size, .fee = 80, .wallet_hashrate = 1, .work = 2500};
    pr_node_submit_tx(prnet_flow_ops.node(net, node), &rq, NULL);
}

TEST(serialisation_plus_latency)
{
    struct pr_config c = plain();
    struct rec r = {0};
    /* 1 Mbit/s both ways, 100 ms: a 1535-byte transaction (+4 header +8 framing = 1547 bytes, 2 segments
     * of TCP/IP overhead = 1627 bytes on the link) takes 13.016 ms up + 100 ms + 13.016 ms down */
    struct prnet *net = two_nodes(&c, 1e6, 1e6, 0.1, 0, &r);
    prnet_flow_ops.run(net, 0);
    submit(net, 0, 1535);
    prnet_flow_ops.run(net, S(10));
    ASSERT_EQ(r.accepted, 2); /* the origin, then node 1 */
    ASSERT_EQ(r.last_accept_ns, 2 * 13016000 + 100000000);
    uint64_t in, out;
    prnet_flow_ops.node_bytes(net, 1, &in, &out);
    ASSERT_TRUE(in >= 1547); /* the transaction, plus MINDIFFs */
    prnet_flow_ops.node_bytes(net, 0, &in, &out);
    ASSERT_TRUE(out >= 1547);
    prnet_flow_ops.destroy(net);
}

TEST(uplink_is_a_fifo)
{
    struct pr_config c = plain();
    struct rec r = {0};
    struct prnet *net = two_nodes(&c, 1e6, 1e9, 0.05, 0, &r);
    prnet_flow_ops.run(net, 0);
    for (int i = 0; i < 10; i++)
        submit(net, 0, 1535);
    prnet_flow_ops.run(net, S(10));
    ASSERT_EQ(r.accepted, 20);
    /* the tenth leaves the 1 Mbit/s uplink after 10 serialisations */
    ASSERT_NEAR((double)r.last_accept_ns, 10 * 13016000.0 + 50e6 + 1627 * 8.0, 10);
    prnet_flow_ops.destroy(net);
}

TEST(loss_delays_but_loses_nothing)
{
    struct pr_config c = plain();
    struct rec r0 = {0}, r1 = {0};
    struct prnet *clean = two_nodes(&c, 1e7, 1e7, 0.05, 0, &r0);
    struct prnet *lossy = two_nodes(&c, 1e7, 1e7, 0.05, 0.2, &r1);
    prnet_flow_ops.run(clean, 0);
    prnet_flow_ops.run(lossy, 0);
    for (int i = 0; i < 200; i++) {
        submit(clean, 0, 1535);
        submit(lossy, 0, 1535);
    }
    prnet_flow_ops.run(clean, S(100));
    prnet_flow_ops.run(lossy, S(1000)); /* 36% of segments lost: TCP crawls, but delivers */
    ASSERT_EQ(r0.accepted, 400);
    ASSERT_EQ(r1.accepted, 400);
    ASSERT_TRUE(r1.last_accept_ns > r0.last_accept_ns + S(0.2));
    prnet_flow_ops.destroy(clean);
    prnet_flow_ops.destroy(lossy);
}

/* What each of nodes 1 and 2 accepted from node 0: how many, and when the last. */
struct from0 {
    uint64_t n[3];
    int64_t last_ns[3];
};

static void sink_from0(void *ctx, const struct pr_event *ev)
{
    struct from0 *r = ctx;
    if (ev->type == PR_EV_TX_ACCEPTED && ev->peer == 0 && ev->node < 3) {
        r->n[ev->node]++;
        r->last_ns[ev->node] = ev->t_ns;
    }
}

/* docs/protocol.md#flow-acks: a connection's ACKs wait behind its receiver's uplink, up to a full
 * 100-packet queue, and the sender's window opens that much later. Node 0 (10 Mbit/s up) sends node 1
 * (1 Mbit/s up) 200 transactions at 2 s over a connection with loss on (at a rate no draw meets, so only
 * the window acts). When node 1's uplink carries 300 transactions of its own from 0 s (3.9 s of backlog),
 * its ACKs wait a full queue, 100 x 1488 bytes at 1 Mbit/s = 1.1904 s, which node 0 learns from its first
 * message's ACK at 1.30 s. The 200 messages are 214 segments; node 0's window at 2 s is at most 161 (10,
 * plus one for each ACKed segment it sent before: its first message's 2 and at most 149 answers to node
 * 1's transactions), so the last of them leaves one round trip (0.1 s + 1.1904 s) or more after 2 s, and
 * arrives 0.05 s later (plus its downlink); not more than two round trips and its uplink's 0.26 s.
 * With node 1 idle (no answers: a window of 12) the five rounds of slow start take 4 x 0.1 s. */
static int64_t window_rounds_behind_acks(bool receiver_busy)
{
    static uint8_t region[2] = {0, 1};
    double up[2] = {1e7, 1e6}, down[2] = {1e7, 1e7}, lat[4] = {0.05, 0.05, 0.05, 0.05};
    struct prnet_desc d = {.node_region = region, .n_regions = 2, .up_bps = up, .down_bps = down,
                           .latency_s = lat, .jitter = 0, .loss = 1e-12};
    struct from0 r = {{0}, {0}};
    struct pr_config c = plain();
    c.advertise_ns = S(1000); /* no MINDIFF answers on the connection: only the transactions fill it */
    struct prnet *net = connected_pair(&d, &c, (struct prnet_callbacks){.ctx = &r, .event = sink_from0});
    prnet_flow_ops.run(net, 0);
    for (int i = 0; receiver_busy && i < 300; i++)
        submit(net, 1, 1535);
    submit(net, 0, 1535);
    prnet_flow_ops.run(net, S(2));
    for (int i = 0; i < 200; i++)
        submit(net, 0, 1535);
    prnet_flow_ops.run(net, S(100));
    uint64_t n = r.n[1];
    prnet_flow_ops.destroy(net);
    return n == 201 ? r.last_ns[1] - S(2) : -1;
}

TEST(acks_wait_behind_the_receivers_uplink)
{
    int64_t busy = window_rounds_behind_acks(true), idle = window_rounds_behind_acks(false);
    ASSERT_TRUE(idle > 0 && busy > 0);
    ASSERT_TRUE(busy >= S(0.1 + 1.1904 + 0.05));
    ASSERT_TRUE(busy <= S(2 * (0.1 + 1.1904) + 0.26 + 0.05 + 0.01));
    ASSERT_TRUE(idle >= S(4 * 0.1 + 0.05) && idle <= S(4 * 0.1 + 0.26 + 0.05 + 0.01));
}

/* What node 1 accepted from node 0, in order or not. */
struct in_order {
    uint64_t n, last_tx, out_of_order;
    int64_t last_ns;
};

static void sink_in_order(void *ctx, const struct pr_event *ev)
{
    struct in_order *r = ctx;
    if (ev->type != PR_EV_TX_ACCEPTED || ev->node != 1)
        return;
    r->out_of_order += r->n && ev->tx < r->last_tx;
    r->last_tx = ev->tx;
    r->last_ns = ev->t_ns;
    r->n++;
}

/* docs/protocol.md#flow-queue: a backlog on a thin uplink with a finite queue arrives whole, in the order
 * written, and never faster than the link carries it. 1,000 transactions written at once (1,547 bytes
 * each with framing: 1,547,000 bytes, at least 1,069 segments of 40 bytes of headers each, 12.718 s at
 * 1 Mbit/s) on a 1 Mbit/s uplink with a 100-packet queue, 50 ms away: the last arrives no earlier than
 * 1 + 12.718 + 0.05 s (more, for the retransmissions of what the queue drops), and well before the 60 s
 * the run allows; on a 1 Gbit/s uplink, where the window sets the pace, within 2 s. A model that
 * delivered a retransmitted segment's message before the link had carried it would break the first
 * bound (as flow did when more than four retransmissions waited on one timer). */
static struct in_order backlog(double up_bps)
{
    static uint8_t region[2] = {0, 0};
    double up = up_bps, down = 1e9, lat = 0.05;
    struct prnet_desc d = {.node_region = region, .n_regions = 1, .up_bps = &up, .down_bps = &down,
                           .latency_s = &lat, .jitter = 0, .loss = 0, .queue_packets = 100};
    struct in_order r = {0};
    struct pr_config c = plain();
    c.advertise_ns = S(1000);
    struct prnet *net = connected_pair(&d, &c, (struct prnet_callbacks){.ctx = &r, .event = sink_in_order});
    prnet_flow_ops.run(net, S(1));
    for (int i = 0; i < 1000; i++)
        submit(net, 0, 1535);
    prnet_flow_ops.run(net, S(61));
    prnet_flow_ops.destroy(net);
    return r;
}

TEST(a_backlog_arrives_whole_and_no_faster_than_its_link)
{
    struct in_order thin = backlog(1e6), wide = backlog(1e9);
    ASSERT_EQ(thin.n, 1000);
    ASSERT_EQ(thin.out_of_order, 0);
    ASSERT_TRUE(thin.last_ns >= S(1 + 12.718 + 0.05));
    ASSERT_TRUE(thin.last_ns <= S(40));
    ASSERT_EQ(wide.n, 1000);
    ASSERT_EQ(wide.out_of_order, 0);
    ASSERT_TRUE(wide.last_ns <= S(3)); /* 1 s + 2 s */
}

/* docs/protocol.md#flow-loss: under loss a message waits for its connection's window before the uplink,
 * so a window that is shut leaves the uplink to the node's other connections, as TCP's send buffer
 * does. Node 0 (10 Mbit/s up) relays 200 transactions at 1 s to node 1, 1 s away (its window of 10
 * segments takes 2 s a round), and to node 2, 1 ms away (a round trip of 2 ms: slow start opens its
 * window to the whole backlog in a few ms). Each is 1,627 bytes on the link, 1.3016 ms at 10 Mbit/s:
 * node 2's 200 have left the uplink 0.26 s after 1 s plus what node 1's first window (10 segments)
 * takes, and arrive within 0.3 s. Had node 1's messages taken the uplink before their window (as flow
 * did), node 2's would be interleaved with them and arrive after 400 x 1.3016 ms = 0.52 s. Node 1 still
 * gets all 200, in slow start's rounds. Loss on at a rate no draw meets: only the window acts. */
TEST(a_shut_window_leaves_the_uplink_to_other_connections)
{
    static uint8_t region[3] = {0, 1, 0};
    static uint32_t edges[4] = {0, 1, 0, 2};
    double up[2] = {1e7, 1e7}, down[2] = {1e9, 1e9}, lat[4] = {0.001, 1.0, 1.0, 0.001};
    struct prnet_desc d = {.n_nodes = 3, .node_region = region, .n_regions = 2, .up_bps = up, .down_bps = down,
                           .latency_s = lat, .jitter = 0, .loss = 1e-12, .n_edges = 2, .edges = edges, .seed = 1};
    struct prnet_node_init init[3] = {{1e6, false}, {1e6, false}, {1e6, false}};
    struct from0 r = {{0}, {0}};
    struct pr_config c = plain();
    c.advertise_ns = S(1000); /* no MINDIFF answers: only the transactions */
    struct prnet_callbacks cb = {.ctx = &r, .event = sink_from0};
    struct prnet *net = NULL;
    char err[256];
    ASSERT_EQ(prnet_flow_ops.create(&d, &c, init, &cb, &net, err, sizeof err), 0);
    prnet_flow_ops.run(net, S(1));
    for (int i = 0; i < 200; i++)
        submit(net, 0, 1535);
    prnet_flow_ops.run(net, S(60));
    ASSERT_EQ(r.n[2], 200);
    ASSERT_TRUE(r.last_ns[2] - S(1) >= 200 * 1301600LL);
    ASSERT_TRUE(r.last_ns[2] - S(1) <= S(0.3));
    ASSERT_EQ(r.n[1], 200);
    ASSERT_TRUE(r.last_ns[1] - S(1) >= S(4 * 2.0));
    prnet_flow_ops.destroy(net);
}

TEST(answer_goes_back_on_its_own_connection)
{
    /* A line 0 - 1 - 2 with 100 ms between 0 and 1 and 300 ms between 1 and 2. Node 1 answers node 0's
     * transaction on the connection it came in on (the send path takes that connection without a
     * lookup): the answer's bytes reach node 0 100 ms after they leave, not 300. */
    struct pr_config c = plain();
    struct rec r = {0};
    static uint8_t region[3] = {0, 1, 2};
    static uint32_t edges[4] = {0, 1, 1, 2};
    double up[3] = {1e6, 1e6, 1e6}, down[3] = {1e6, 1e6, 1e6};
    double lat[9] = {0.01, 0.1, 0.3, 0.1, 0.01, 0.3, 0.3, 0.3, 0.01};
    struct prnet_desc d = {.n_nodes = 3, .node_region = region, .n_regions = 3, .up_bps = up, .down_bps = down,
                           .latency_s = lat, .jitter = 0, .loss = 0, .n_edges = 2, .edges = edges, .seed = 1};
    struct prnet_node_init init[3] = {{1e6, false}, {1e6, false}, {1e6, false}};
    struct prnet_callbacks cb = {.ctx = &r, .event = sink};
    struct prnet *net = NULL;
    char err[256];
    ASSERT_EQ(prnet_flow_ops.create(&d, &c, init, &cb, &net, err, sizeof err), 0);
    prnet_flow_ops.run(net, S(1)); /* the opening MINDIFFs are done with */
    uint64_t in0, in_at_accept, in_later, out;
    prnet_flow_ops.node_bytes(net, 0, &in0, &out);
    submit(net, 0, 1535);
    /* node 1 accepts at 1 s + 2 x 13.016 ms + 100 ms and answers then (behind its relay to node 2 on
     * its uplink at most: 13.016 ms) */
    prnet_flow_ops.run(net, S(1) + 2 * 13016000 + 100000000);
    ASSERT_EQ(r.accepted, 2);
    prnet_flow_ops.node_bytes(net, 0, &in_at_accept, &out);
    ASSERT_EQ(in_at_accept, in0);
    prnet_flow_ops.run(net, S(1.4)); /* past 100 ms of the way back, short of 300 */
    prnet_flow_ops.node_bytes(net, 0, &in_later, &out);
    ASSERT_EQ(in_later - in_at_accept, PR_WIRE_HEADER_BYTES + PR_ANSWER_BYTES + PRNET_FRAME_BYTES);
    prnet_flow_ops.run(net, S(10));
    ASSERT_EQ(r.accepted, 3);
    prnet_flow_ops.destroy(net);
}

static uint64_t cb_order[8];
static int cb_count;
static int64_t cb_time[8];
static struct prnet *cb_net;

static void record_call(void *arg, uint64_t a)
{
    (void)arg;
    cb_time[cb_count] = prnet_flow_ops.now(cb_net);
    cb_order[cb_count++] = a;
}

TEST(runner_callbacks_in_time_order)
{
    struct pr_config c = plain();
    struct rec r = {0};
    cb_net = two_nodes(&c, 1e6, 1e6, 0.1, 0, &r);
    cb_count = 0;
    prnet_flow_ops.at(cb_net, S(3), record_call, NULL, 3);
    prnet_flow_ops.at(cb_net, S(1), record_call, NULL, 1);
    prnet_flow_ops.at(cb_net, S(2), record_call, NULL, 2);
    prnet_flow_ops.at(cb_net, S(2), record_call, NULL, 4); /* same instant: in the order scheduled */
    prnet_flow_ops.run(cb_net, S(5));
    ASSERT_EQ(cb_count, 4);
    const uint64_t want[4] = {1, 2, 4, 3};
    for (int i = 0; i < 4; i++)
        ASSERT_U64(cb_order[i], want[i]);
    ASSERT_EQ(cb_time[0], S(1));
    ASSERT_EQ(prnet_flow_ops.now(cb_net), S(5));
    prnet_flow_ops.destroy(cb_net);
}

static long alloc_budget = -1; /* allocations the queue may still make; -1: no limit */
static long alloc_calls;
static void *failing_realloc(void *p, size_t n)
{
    alloc_calls++;
    if (alloc_budget == 0)
        return NULL;
    if (alloc_budget > 0)
        alloc_budget--;
    return realloc(p, n);
}

/* Run a small attacked network with the event queue allowed `budget` allocations (-1: any). */
static int run_with_budget(long budget, const char *dir, char *err, size_t errlen)
{
    static const char text[] = "name: oom\nduration_s: 120\nnodes: {count: 60}\nhonest: {rate: 2}\n"
                               "attackers:\n  - {count: 1, connections: 6, hashrate: 1e5, rate: 20, start_s: 5}\n";
    struct yt_doc doc;
    struct prr_scenario sc;
    if (yt_load_string(text, strlen(text), "oom.yaml", &doc, err, errlen) ||
        prr_scenario_read(doc.root, "oom.yaml", &sc, err, errlen))
        abort();
    void *(*saved)(void *, size_t) = prf_evq_realloc;
    alloc_budget = budget;
    alloc_calls = 0;
    prf_evq_realloc = failing_realloc;
    struct prr_run_opts ro = {.outdir = dir, .command = "test", .progress = false, .quiet = true};
    int rc = prr_sim_run(&sc, &ro, err, errlen);
    prf_evq_realloc = saved;
    alloc_budget = -1;
    prr_scenario_free(&sc);
    yt_doc_free(&doc);
    return rc;
}

TEST(out_of_memory_in_the_event_queue_fails_the_run)
{
    char tmpl[] = "/tmp/powrelay-oom-XXXXXX";
    ASSERT_TRUE(mkdtemp(tmpl) != NULL);
    char dir[256], summary[300], err[1024] = "";
    snprintf(dir, sizeof dir, "%s/ok", tmpl);
    ASSERT_EQ(run_with_budget(-1, dir, err, sizeof err), PRR_EXIT_OK);
    long total = alloc_calls; /* what a whole run allocates in the queue */
    ASSERT_TRUE(total > 8);
    /* Fail the k-th allocation, for allocations spread over the whole run: each time the run fails,
     * with a message, and writes no summary. */
    int during_run = 0;
    for (long k = 2; k < total; k += total / 7 + 1) {
        snprintf(dir, sizeof dir, "%s/k%ld", tmpl, k);
        err[0] = '\0';
        int rc = run_with_budget(k, dir, err, sizeof err);
        if (rc != PRR_EXIT_INTERNAL)
            FAIL_AT("allocation %ld of %ld failed, yet the run returned %d", k, total, rc);
        ASSERT_TRUE(err[0] != '\0');
        during_run += strstr(err, "simulation failed") != NULL;
        snprintf(summary, sizeof summary, "%s/summary.json", dir);
        struct stat st;
        ASSERT_TRUE(stat(summary, &st) != 0);
    }
    ASSERT_TRUE(during_run > 0);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpl);
    ASSERT_EQ(system(cmd), 0);
}

TESTS(out_of_memory_in_the_event_queue_fails_the_run, a_shut_window_leaves_the_uplink_to_other_connections, serialisation_plus_latency, uplink_is_a_fifo, loss_delays_but_loses_nothing, acks_wait_behind_the_receivers_uplink,
      a_backlog_arrives_whole_and_no_faster_than_its_link, answer_goes_back_on_its_own_connection,
      runner_callbacks_in_time_order)
