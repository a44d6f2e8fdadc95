/* One lossy TCP connection on either network model: what each carries of a backlog.
 *
 * Two nodes, 10 Mbit/s access links, 100 ms one way (or LATENCY_S); node 0 is handed 20 transactions (1,535 bytes)
 * every 0.5 s for 120 s (40 a second: more than TCP carries at a few percent loss, so a backlog builds)
 * and relays each to node 1 at once (no Dandelion, no flush delay, no PoW). Printed: how many node 1 had
 * accepted by the end of the 120 s, and their mean delay from node 0. The same seed draws the same loss
 * stream on a model only, so compare models over several seeds (tests/ns3/test_ns3_tcp.py does).
 *
 * usage: tcp_probe flow|ns3 LOSS SEED [LATENCY_S]   (LOSS: per packet and access link, as network.loss)
 * ns-3's settings come from NS_ATTRIBUTE_DEFAULT as for powrelay (e.g. Linux's slow start:
 * ns3::TcpL4Protocol::SocketType=ns3::PowrelayLinuxCubic). Exit status 2 on bad arguments. */
#include "pair.h"
#include "powrelay/netmodel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFFERED_EVERY_NS PR_S(0.5)
#define OFFERED_BATCH 20
#define WINDOW_NS PR_S(120)
#define START_NS PR_S(2) /* after the connection's handshake */

/* Node 0's acceptances in order, then node 1's matched to them by id (one connection: in order too). */
struct probe {
    uint64_t *ids;
    int64_t *sent_at;
    size_t n_sent, next, cap, delivered;
    double delay_sum;
};

static void on_event(void *ctx, const struct pr_event *ev)
{
    struct probe *p = ctx;
    if (ev->type != PR_EV_TX_ACCEPTED)
        return;
    if (ev->node == 0 && p->n_sent < p->cap) {
        p->ids[p->n_sent] = ev->tx;
        p->sent_at[p->n_sent++] = ev->t_ns;
    } else if (ev->node == 1 && ev->t_ns <= START_NS + WINDOW_NS) {
        while (p->next < p->n_sent && p->ids[p->next] != ev->tx)
            p->next++;
        if (p->next < p->n_sent) {
            p->delivered++;
            p->delay_sum += (double)(ev->t_ns - p->sent_at[p->next]) / 1e9;
        }
    }
}

int main(int argc, char **argv)
{
    char *end = NULL;
    const struct prnet_ops *ops = argc == 4 || argc == 5 ? prnet_find(argv[1]) : NULL;
    double loss = ops ? strtod(argv[2], &end) : -1;
    char *lend = NULL;
    double latency = argc == 5 ? strtod(argv[4], &lend) : 0.1;
    if (!ops || !end || *end || !(loss >= 0 && loss < 1) || (lend && *lend) || !(latency > 0 && latency <= 10)) {
        fprintf(stderr, "usage: tcp_probe flow|ns3 LOSS SEED [LATENCY_S] (LOSS in [0, 1), LATENCY_S in (0, 10])\n");
        return 2;
    }
    uint64_t seed = strtoull(argv[3], &end, 10);
    if (*end || !*argv[3]) {
        fprintf(stderr, "tcp_probe: SEED must be a whole number, not '%s'\n", argv[3]);
        return 2;
    }

    struct pr_config c = pair_config();
    struct pair_link link;
    size_t cap = (size_t)(WINDOW_NS / OFFERED_EVERY_NS + 1) * OFFERED_BATCH;
    struct probe p = {.ids = calloc(cap, sizeof *p.ids), .sent_at = calloc(cap, sizeof *p.sent_at), .cap = cap};
    struct prnet_callbacks cb = {.ctx = &p, .event = on_event};
    struct prnet *net = NULL;
    char err[256];
    if (!p.ids || !p.sent_at || pair_create(ops, &link, &c, 1e7, latency, loss, seed, &cb, &net, err, sizeof err)) {
        fprintf(stderr, "tcp_probe: %s\n", p.ids && p.sent_at ? err : "out of memory");
        return 1;
    }
    int rc = ops->run(net, START_NS);
    for (int64_t t = START_NS; rc == 0 && t < START_NS + WINDOW_NS; t += OFFERED_EVERY_NS) {
        for (int i = 0; i < OFFERED_BATCH; i++) {
            struct pr_tx_request rq = {.size = 1535, .fee = 80, .wallet_hashrate = 1, .work = 2500};
            pr_node_submit_tx(ops->node(net, 0), &rq, NULL);
        }
        rc = ops->run(net, t + OFFERED_EVERY_NS);
    }
    if (rc == 0)
        printf("delivered %zu mean_delay_s %.3f\n", p.delivered, p.delivered ? p.delay_sum / (double)p.delivered : 0);
    else
        fprintf(stderr, "tcp_probe: the %s run failed\n", argv[1]);
    ops->destroy(net);
    free(p.ids);
    free(p.sent_at);
    return rc ? 1 : 0;
}
