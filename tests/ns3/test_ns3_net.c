/* shim/ns3: the ns-3 network model through its prnet_ops, on real model nodes. Bytes cross real TCP
 * connections (serialisation, latency and the handshake add up), loss delays but loses nothing, bytes
 * are accounted as the sockets carried them, the region routers forward within and between regions,
 * runner callbacks keep their order, the same seed gives
 * the same run twice in one process, and there is one ns3 network at a time. */
#include "test.h"

#include "pair.h"
#include "powrelay/netmodel.h"

#define S PR_S
#define OPS prnet_ns3_ops

struct rec {
    uint64_t accepted;
    int64_t last_accept_ns;
};

static void sink(void *ctx, const struct pr_event *ev)
{
    struct rec *r = ctx;
    if (ev->type == PR_EV_TX_ACCEPTED) {
        r->accepted++;
        r->last_accept_ns = ev->t_ns;
    }
}

static struct prnet *two_nodes(struct pr_config *c, double bps, double latency_s, double loss, struct rec *r)
{
    static struct pair_link link;
    struct prnet_callbacks cb = {.ctx = r, .event = sink};
    struct prnet *net = NULL;
    char err[256];
    if (pair_create(&OPS, &link, c, bps, latency_s, loss, 0, 1, &cb, &net, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        abort();
    }
    return net;
}

static void submit(struct prnet *net, uint32_t node, uint32_t size)
{
    struct pr_tx_request rq = {.size = size, .fee = 80, .wallet_hashrate = 1, .work = 2500};
    pr_node_submit_tx(OPS.node(net, node), &rq, NULL);
}

TEST(latency_serialisation_and_bytes)
{
    struct pr_config c = pair_config();
    struct rec r = {0};
    /* 1 Mbit/s, 100 ms one way (two access links of 50 ms). Submit once TCP's handshake is done. */
    struct prnet *net = two_nodes(&c, 1e6, 0.1, 0, &r);
    ASSERT_OK(OPS.run(net, S(2)));
    ASSERT_EQ(OPS.now(net), S(2));
    submit(net, 0, 1535);
    ASSERT_OK(OPS.run(net, S(10)));
    ASSERT_EQ(r.accepted, 2); /* the origin, then node 1 */
    /* 1547 bytes with framing: at least latency + one serialisation of them; two segments with
     * headers cross the uplink, then the downlink: well under latency + 2 x 1.1 x serialisation. */
    double took = (double)(r.last_accept_ns - S(2));
    ASSERT_TRUE(took >= 0.1e9 + 1547 * 8 / 1e6 * 1e9);
    ASSERT_TRUE(took <= 0.1e9 + 2 * 1.1 * 1547 * 8 / 1e6 * 1e9);
    /* What the sockets carried: node 0 sent the frame, node 1 got it and answered (ANSWER). The
     * network is quiet now, so what was sent was received. */
    uint64_t in0, out0, in1, out1;
    OPS.node_bytes(net, 0, &in0, &out0);
    OPS.node_bytes(net, 1, &in1, &out1);
    ASSERT_U64(out0, in1);
    ASSERT_U64(out1, in0);
    ASSERT_TRUE(in1 >= 1547);
    struct prnet_stats st;
    OPS.stats(net, &st);
    ASSERT_U64(st.bytes, in0 + in1); /* every byte received was part of a delivered message */
    ASSERT_EQ(st.messages, 2);       /* the FLUFF and its ANSWER */
    ASSERT_TRUE(st.events > 0);
    OPS.destroy(net);
}

TEST(queued_before_connected)
{
    /* Sent at time 0, before any handshake: the frame waits in the application's queue. */
    struct pr_config c = pair_config();
    struct rec r = {0};
    struct prnet *net = two_nodes(&c, 1e7, 0.05, 0, &r);
    ASSERT_OK(OPS.run(net, 0));
    submit(net, 0, 1535);
    ASSERT_OK(OPS.run(net, S(5)));
    ASSERT_EQ(r.accepted, 2);
    ASSERT_TRUE(r.last_accept_ns >= S(0.1)); /* handshake (a round trip), then the data */
    OPS.destroy(net);
}

static void many_lossy(double loss, struct rec *r, uint64_t *bytes)
{
    struct pr_config c = pair_config();
    struct prnet *net = two_nodes(&c, 1e7, 0.05, loss, r);
    ASSERT_OK(OPS.run(net, S(2)));
    for (int i = 0; i < 200; i++)
        submit(net, 0, 1535);
    ASSERT_OK(OPS.run(net, S(100)));
    uint64_t in, out;
    OPS.node_bytes(net, 1, &in, &out);
    *bytes = in;
    OPS.destroy(net);
}

TEST(loss_delays_but_loses_nothing)
{
    struct rec r0 = {0}, r1 = {0}, r2 = {0};
    uint64_t b0, b1, b2;
    many_lossy(0, &r0, &b0);
    /* 5% on each access link: about one segment in ten lost end to end. (Real TCP, unlike the flow
     * model's independent retransmissions, backs off and shrinks its window: at 20% a burst of 200
     * transactions takes over 100 s.) */
    many_lossy(0.05, &r1, &b1);
    ASSERT_EQ(r0.accepted, 400);
    ASSERT_EQ(r1.accepted, 400);
    ASSERT_TRUE(r1.last_accept_ns > r0.last_accept_ns + S(0.2));
    ASSERT_U64(b1, b0); /* retransmissions are TCP's business: the stream is the same */
    /* The same seed in the same process: the same run (the loss draws have their own streams). */
    many_lossy(0.05, &r2, &b2);
    ASSERT_EQ(r2.accepted, 400);
    ASSERT_EQ(r2.last_accept_ns, r1.last_accept_ns);
}

static uint64_t cb_order[8];
static int cb_count;
static int64_t cb_time[8];
static struct prnet *cb_net;

static void record_call(void *arg, uint64_t a)
{
    (void)arg;
    cb_time[cb_count] = OPS.now(cb_net);
    cb_order[cb_count++] = a;
}

TEST(runner_callbacks_in_time_order)
{
    struct pr_config c = pair_config();
    struct rec r = {0};
    cb_net = two_nodes(&c, 1e6, 0.1, 0, &r);
    cb_count = 0;
    OPS.at(cb_net, S(3), record_call, NULL, 3);
    OPS.at(cb_net, S(1), record_call, NULL, 1);
    OPS.at(cb_net, S(2), record_call, NULL, 2);
    OPS.at(cb_net, S(2), record_call, NULL, 4); /* same instant: in the order scheduled */
    OPS.at(cb_net, S(5), record_call, NULL, 5); /* at the end of a run: included */
    ASSERT_OK(OPS.run(cb_net, S(5)));
    ASSERT_EQ(cb_count, 5);
    const uint64_t want[5] = {1, 2, 4, 3, 5};
    for (int i = 0; i < 5; i++)
        ASSERT_U64(cb_order[i], want[i]);
    ASSERT_EQ(cb_time[0], S(1));
    ASSERT_EQ(cb_time[4], S(5));
    ASSERT_EQ(OPS.now(cb_net), S(5));
    OPS.destroy(cb_net);
}

TEST(one_at_a_time)
{
    struct pr_config c = pair_config();
    struct rec r = {0};
    struct prnet *net = two_nodes(&c, 1e6, 0.1, 0, &r);
    uint8_t region[1] = {0};
    double bw = 1e6, lat = 0.1;
    struct prnet_desc d = {.n_nodes = 1, .node_region = region, .n_regions = 1, .up_bps = &bw, .down_bps = &bw,
                           .latency_s = &lat, .seed = 1};
    struct prnet_node_init init[1] = {{1e6, false}};
    struct prnet_callbacks cb = {0};
    struct prnet *other = NULL;
    char err[256] = "";
    ASSERT_TRUE(OPS.create(&d, &c, init, &cb, &other, err, sizeof err) != 0);
    ASSERT_TRUE(strstr(err, "one ns-3 network at a time") != NULL);
    OPS.destroy(net);
    ASSERT_OK(OPS.create(&d, &c, init, &cb, &other, err, sizeof err));
    ASSERT_OK(OPS.run(other, S(1)));
    OPS.destroy(other);
}

/* The region routers (shim/ns3/core-router.h) forward by the destination address: to a node of their
 * own region over its access link, to another region over the core link. Nodes 0 and 1 in region 0
 * (one way 20 ms), node 2 in region 1 (its own 40 ms; 200 ms from region 0); node 0 sends to both. */
static int64_t accepted_at[3];

static void accept_times(void *ctx, const struct pr_event *ev)
{
    (void)ctx;
    if (ev->type == PR_EV_TX_ACCEPTED && ev->node < 3)
        accepted_at[ev->node] = ev->t_ns;
}

TEST(routers_forward_within_and_between_regions)
{
    struct pr_config c = pair_config();
    uint8_t region[3] = {0, 0, 1};
    uint32_t edges[4] = {0, 1, 0, 2};
    double up[2] = {1e7, 1e7}, down[2] = {1e7, 1e7}, lat[4] = {0.02, 0.2, 0.2, 0.04};
    struct prnet_desc d = {.n_nodes = 3, .node_region = region, .n_regions = 2, .up_bps = up, .down_bps = down,
                           .latency_s = lat, .n_edges = 2, .edges = edges, .seed = 1};
    struct prnet_node_init init[3] = {{1e6, false}, {1e6, false}, {1e6, false}};
    struct prnet_callbacks cb = {.event = accept_times};
    struct prnet *net = NULL;
    char err[256];
    ASSERT_OK(OPS.create(&d, &c, init, &cb, &net, err, sizeof err));
    ASSERT_OK(OPS.run(net, S(2)));
    accepted_at[0] = accepted_at[1] = accepted_at[2] = -1;
    submit(net, 0, 1535);
    ASSERT_OK(OPS.run(net, S(10)));
    ASSERT_EQ(accepted_at[0], S(2));
    /* The path's latency, plus under 10 ms of serialisation (1,547 bytes at 10 Mbit/s: 1.2 ms a link). */
    ASSERT_TRUE(accepted_at[1] - S(2) >= S(0.02) && accepted_at[1] - S(2) < S(0.03));
    ASSERT_TRUE(accepted_at[2] - S(2) >= S(0.2) && accepted_at[2] - S(2) < S(0.21));
    OPS.destroy(net);
}

TESTS(latency_serialisation_and_bytes, queued_before_connected, loss_delays_but_loses_nothing,
      runner_callbacks_in_time_order, one_at_a_time, routers_forward_within_and_between_regions)
