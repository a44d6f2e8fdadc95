/* One lossy TCP connection on either network model: what each carries of a backlog.
 *
 * Two nodes, 10 Mbit/s access links, 100 ms one way (or LATENCY_S); node 0 is handed 20 transactions (1,535 bytes)
 * every 0.5 s for 120 s (40 a second: more than TCP carries at a few percent loss, so a backlog builds;
 * or RATE a second in batches EVERY_S apart, as a flood's trickle sends them) and relays each to node 1
 * at once (no Dandelion, no flush delay, no PoW). Printed: how many node 1 had accepted by the end of
 * the 120 s, their mean delay from node 0, and the 95th percentile of that delay. The same seed draws
 * the same loss stream on a model only, so compare models over several seeds (tests/ns3/test_ns3_tcp.py
 * does).
 *
 * usage: tcp_probe flow|ns3 LOSS SEED [LATENCY_S [RATE EVERY_S [QUEUE_PACKETS]]]   (LOSS: per packet and
 * access link, as network.loss; QUEUE_PACKETS as network.queue_packets)
 * ns-3's settings come from NS_ATTRIBUTE_DEFAULT as for powrelay (e.g. Linux's slow start:
 * ns3::TcpL4Protocol::SocketType=ns3::PowrelayLinuxCubic). Exit status 2 on bad arguments. */
#include "pair.h"
#include "powrelay/netmodel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFFERED_EVERY_S 0.5
#define OFFERED_RATE 40.0
#define WINDOW_NS PR_S(120)
#define START_NS PR_S(2) /* after the connection's handshake */

/* Node 0's acceptances in order, then node 1's matched to them by id (one connection: in order too). */
struct probe {
    uint64_t *ids;
    int64_t *sent_at;
    double *delays; /* of the delivered, in order */
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
            double d = (double)(ev->t_ns - p->sent_at[p->next]) / 1e9;
            p->delays[p->delivered++] = d;
            p->delay_sum += d;
        }
    }
}

int main(int argc, char **argv)
{
    const struct prnet_ops *ops = argc == 4 || argc == 5 || argc == 7 || argc == 8 ? prnet_find(argv[1]) : NULL;
    double loss = ops ? pair_number(argv[2], -1, 1) : NAN;
    if (loss < 0 || loss == 1)
        loss = NAN; /* [0, 1) */
    double latency = argc >= 5 ? pair_number(argv[4], 0, 10) : 0.1;
    double rate = argc >= 7 ? pair_number(argv[5], 0, 1000) : OFFERED_RATE;
    double every = argc >= 7 ? pair_number(argv[6], 0, 60) : OFFERED_EVERY_S;
    double queue = argc == 8 ? pair_number(argv[7], -1, 1e6) : 0;
    if (!ops || isnan(loss) || isnan(latency) || isnan(rate) || isnan(every) || rate * every < 1 || isnan(queue) ||
        queue != floor(queue)) {
        fprintf(stderr, "usage: tcp_probe flow|ns3 LOSS SEED [LATENCY_S [RATE EVERY_S [QUEUE_PACKETS]]] (LOSS in [0, "
                        "1), LATENCY_S in (0, 10], RATE transactions a second in (0, 1000], EVERY_S in (0, 60], at "
                        "least one a batch, QUEUE_PACKETS a whole number up to 1e6, 0: the model's own)\n");
        return 2;
    }
    char *end = NULL;
    uint64_t seed = strtoull(argv[3], &end, 10);
    if (*end || !*argv[3]) {
        fprintf(stderr, "tcp_probe: SEED must be a whole number, not '%s'\n", argv[3]);
        return 2;
    }
    int64_t every_ns = PR_S(every);
    int batch = (int)lround(rate * every);

    struct pr_config c = pair_config();
    struct pair_link link;
    size_t cap = (size_t)(WINDOW_NS / every_ns + 1) * (size_t)batch;
    struct probe p = {.ids = calloc(cap, sizeof *p.ids), .sent_at = calloc(cap, sizeof *p.sent_at),
                      .delays = calloc(cap, sizeof *p.delays), .cap = cap};
    struct prnet_callbacks cb = {.ctx = &p, .event = on_event};
    struct prnet *net = NULL;
    char err[256];
    if (!p.ids || !p.sent_at || !p.delays ||
        pair_create(ops, &link, &c, 1e7, latency, loss, (uint32_t)queue, seed, &cb, &net, err, sizeof err)) {
        fprintf(stderr, "tcp_probe: %s\n", p.ids && p.sent_at && p.delays ? err : "out of memory");
        return 1;
    }
    int rc = pair_offer(ops, net, START_NS, WINDOW_NS, every_ns, batch);
    if (rc == 0) {
        printf("delivered %zu", p.delivered);
        pair_print_delays(p.delays, p.delivered, p.delay_sum);
    } else {
        fprintf(stderr, "tcp_probe: the %s run failed\n", argv[1]);
    }
    ops->destroy(net);
    free(p.ids);
    free(p.sent_at);
    free(p.delays);
    return rc ? 1 : 0;
}
