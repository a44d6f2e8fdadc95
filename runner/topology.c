#include "topology.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "powrelay/rng.h"
#include "powrelay/u64map.h"

#define STREAM_TOPOLOGY 0x746f706full /* "topo" */
#define STREAM_REGIONS 0x72656773ull  /* "regs" */
#define STREAM_REACH 0x72656163ull    /* "reac": which nodes accept inbound */

struct builder {
    struct prr_topology *t;
    struct pr_u64map present; /* undirected edge key -> 1 */
    uint32_t cap_edges;
    uint32_t max, max_in;
    const bool *reach; /* per node: accepts inbound connections */
};

static uint64_t key(uint32_t a, uint32_t b)
{
    uint32_t lo = a < b ? a : b, hi = a < b ? b : a;
    return ((uint64_t)hi << 32 | lo) + 1; /* never 0 */
}

static bool connected(struct builder *b, uint32_t x, uint32_t y) { return pr_u64map_get(&b->present, key(x, y), NULL); }

static int add_edge(struct builder *b, uint32_t from, uint32_t to)
{
    struct prr_topology *t = b->t;
    if (t->n_edges == b->cap_edges) {
        uint32_t cap = b->cap_edges ? b->cap_edges * 2 : 1024;
        uint32_t *e = realloc(t->edges, sizeof *e * 2 * cap);
        if (!e)
            return -1;
        t->edges = e;
        b->cap_edges = cap;
    }
    if (pr_u64map_put(&b->present, key(from, to), 1))
        return -1;
    t->edges[2 * t->n_edges] = from;
    t->edges[2 * t->n_edges + 1] = to;
    t->n_edges++;
    t->degree[from]++;
    t->degree[to]++;
    t->outbound[from]++;
    return 0;
}

/* May y take one more inbound connection? */
static bool accepts(const struct builder *b, uint32_t y)
{
    return b->reach[y] && b->t->degree[y] - b->t->outbound[y] < b->max_in;
}

/* May x dial y? */
static bool can_link(struct builder *b, uint32_t x, uint32_t y)
{
    return x != y && b->t->degree[x] < b->max && b->t->degree[y] < b->max && accepts(b, y) && !connected(b, x, y);
}

/* Find a partner for v among [0, n) with a free slot: random tries, then a scan from a random start. */
static int64_t find_partner(struct builder *b, struct pr_rng *rng, uint32_t v, uint32_t n)
{
    for (int tries = 0; tries < 64; tries++) {
        uint32_t u = (uint32_t)pr_rng_below(rng, n);
        if (can_link(b, v, u))
            return u;
    }
    uint32_t start = (uint32_t)pr_rng_below(rng, n);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t u = (start + k) % n;
        if (can_link(b, v, u))
            return u;
    }
    return -1;
}

static uint32_t find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

static uint32_t *components(const struct prr_topology *t, uint32_t upto, uint32_t *count)
{
    uint32_t *parent = malloc(sizeof *parent * (upto ? upto : 1));
    if (!parent)
        return NULL;
    for (uint32_t i = 0; i < upto; i++)
        parent[i] = i;
    for (uint32_t e = 0; e < t->n_edges; e++) {
        uint32_t a = t->edges[2 * e], c = t->edges[2 * e + 1];
        if (a < upto && c < upto) {
            uint32_t ra = find(parent, a), rc = find(parent, c);
            if (ra != rc)
                parent[ra] = rc;
        }
    }
    uint32_t k = 0;
    for (uint32_t i = 0; i < upto; i++)
        if (find(parent, i) == i)
            k++;
    *count = k;
    return parent;
}

uint32_t prr_topology_components(const struct prr_topology *t, uint32_t upto)
{
    uint32_t k = 0;
    free(components(t, upto, &k));
    return k;
}

/* Join two components without breaking any bound: link two nodes with spare slots, or else swap one
 * edge of each component, (a,a2) + (b,b2) -> (a,b) + (a2,b2), which keeps every degree. */
static int join(struct builder *b, struct pr_rng *rng, uint32_t n, uint32_t *parent, uint32_t ra, uint32_t rb)
{
    struct prr_topology *t = b->t;
    /* a free node of one component dials one that accepts in the other, either way round */
    int64_t da = -1, db = -1, aa = -1, ab = -1;
    for (uint32_t v = 0; v < n; v++) {
        if (t->degree[v] >= b->max)
            continue;
        uint32_t r = find(parent, v);
        if (r == ra) {
            if (da < 0)
                da = v;
            if (aa < 0 && accepts(b, v))
                aa = v;
        } else if (r == rb) {
            if (db < 0)
                db = v;
            if (ab < 0 && accepts(b, v))
                ab = v;
        }
    }
    if (da >= 0 && ab >= 0)
        return add_edge(b, (uint32_t)da, (uint32_t)ab);
    if (db >= 0 && aa >= 0)
        return add_edge(b, (uint32_t)db, (uint32_t)aa);
    for (uint32_t e = 0; e < t->n_edges; e++) {
        uint32_t a = t->edges[2 * e], a2 = t->edges[2 * e + 1];
        if (find(parent, a) != ra)
            continue;
        for (uint32_t f = 0; f < t->n_edges; f++) {
            uint32_t c = t->edges[2 * f], c2 = t->edges[2 * f + 1];
            /* c takes an inbound connection in place of one it made: it must accept one */
            if (find(parent, c) != rb || connected(b, a, c) || connected(b, a2, c2) || !accepts(b, c))
                continue;
            /* rewire in place: e becomes a -> c, f becomes a2 -> c2 */
            pr_u64map_del(&b->present, key(a, a2));
            pr_u64map_del(&b->present, key(c, c2));
            t->edges[2 * e + 1] = c;
            t->edges[2 * f] = a2;
            t->outbound[c]--;
            t->outbound[a2]++;
            if (pr_u64map_put(&b->present, key(a, c), 1) || pr_u64map_put(&b->present, key(a2, c2), 1))
                return -1;
            (void)rng;
            return 0;
        }
    }
    return -2;
}

int prr_topology_build(const struct prr_topology_params *p, struct prr_topology *t, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    uint32_t n = p->nodes, total = p->nodes + p->n_extra;
    if (p->min > p->max || p->outbound > p->max || n <= p->min) {
        snprintf(err, errlen, "peers: %u nodes cannot each have between %u and %u peers (outbound %u)", n, p->min,
                 p->max, p->outbound);
        return -1;
    }
    t->n = total;
    t->degree = calloc(total, sizeof *t->degree);
    t->outbound = calloc(total, sizeof *t->outbound);
    t->region = calloc(total, 1);
    bool *reach = malloc(total ? total : 1);
    struct builder b = {.t = t, .max = p->max, .max_in = p->max_inbound ? p->max_inbound : p->max, .reach = reach};
    bool everyone = p->inbound_share <= 0 || p->inbound_share >= 1;
    struct pr_rng rng, rrng;
    pr_rng_seed(&rng, p->seed, STREAM_TOPOLOGY);
    pr_rng_seed(&rrng, p->seed, STREAM_REGIONS);
    uint32_t *order = malloc(sizeof *order * (n ? n : 1));
    uint32_t *parent = NULL;
    int rc = -1;
    if (!t->degree || !t->outbound || !t->region || !order || !reach) {
        snprintf(err, errlen, "topology: out of memory");
        goto out;
    }
    /* Who accepts inbound: everyone, or each node with probability inbound_share (attackers' new nodes
     * never: they only dial). */
    uint32_t reachable = 0;
    struct pr_rng reach_rng;
    pr_rng_seed(&reach_rng, p->seed, STREAM_REACH);
    for (uint32_t i = 0; i < total; i++) {
        reach[i] = i < n && (everyone || pr_rng_uniform(&reach_rng) < p->inbound_share);
        reachable += reach[i];
    }
    if (reachable <= p->outbound) {
        snprintf(err, errlen, "peers.inbound_share: %u of %u nodes accept inbound, too few for peers.outbound = %u",
                 reachable, n, p->outbound);
        goto out;
    }
    /* Regions by share. */
    double total_share = 0;
    for (uint32_t r = 0; r < p->n_regions; r++)
        total_share += p->shares[r];
    for (uint32_t i = 0; i < total; i++) {
        double u = pr_rng_uniform(&rrng) * total_share;
        uint32_t r = 0;
        while (r + 1 < p->n_regions && u >= p->shares[r]) {
            u -= p->shares[r];
            r++;
        }
        while (p->shares[r] <= 0 && r > 0)
            r--; /* never a region of share 0 (rounding at the top) */
        t->region[i] = (uint8_t)r;
    }
    /* 1. Outbound connections, nodes in random order. */
    for (uint32_t i = 0; i < n; i++)
        order[i] = i;
    for (uint32_t i = n; i > 1; i--) {
        uint32_t j = (uint32_t)pr_rng_below(&rng, i);
        uint32_t tmp = order[i - 1];
        order[i - 1] = order[j];
        order[j] = tmp;
    }
    for (uint32_t k = 0; k < n; k++) {
        uint32_t v = order[k];
        for (uint32_t tries = 0; t->outbound[v] < p->outbound && t->degree[v] < p->max && tries < 64 * p->outbound;
             tries++) {
            uint32_t u = (uint32_t)pr_rng_below(&rng, n);
            if (can_link(&b, v, u) && add_edge(&b, v, u)) {
                snprintf(err, errlen, "topology: out of memory");
                goto out;
            }
        }
    }
    /* 2. Nodes still under peers.min dial more. */
    for (uint32_t k = 0; k < n; k++) {
        uint32_t v = order[k];
        while (t->degree[v] < p->min) {
            int64_t u = find_partner(&b, &rng, v, n);
            if (u < 0) {
                snprintf(err, errlen,
                         "peers: cannot give node %u peers.min = %u peers with peers.max = %u among %u nodes (%u of them "
                         "accept inbound, peers.max_inbound = %u each)",
                         v, p->min, p->max, n, reachable, b.max_in);
                goto out;
            }
            if (add_edge(&b, v, (uint32_t)u)) {
                snprintf(err, errlen, "topology: out of memory");
                goto out;
            }
        }
    }
    /* 3. One connected component. */
    for (;;) {
        uint32_t count;
        free(parent);
        parent = components(t, n, &count);
        if (!parent) {
            snprintf(err, errlen, "topology: out of memory");
            goto out;
        }
        if (count <= 1)
            break;
        uint32_t r0 = find(parent, 0), other = r0;
        for (uint32_t v = 0; v < n && other == r0; v++)
            if (find(parent, v) != r0)
                other = find(parent, v);
        int j = join(&b, &rng, n, parent, r0, other);
        if (j == -2) {
            snprintf(err, errlen, "peers: the graph cannot be made connected within peers.max = %u", p->max);
            goto out;
        }
        if (j) {
            snprintf(err, errlen, "topology: out of memory");
            goto out;
        }
    }
    /* 4. New attacker nodes, each dialling its K honest nodes with a free slot. */
    for (uint32_t x = 0; x < p->n_extra; x++) {
        uint32_t v = n + x;
        for (uint32_t c = 0; c < p->extra_conns[x]; c++) {
            int64_t u = find_partner(&b, &rng, v, n);
            if (u < 0) {
                snprintf(err, errlen, "attackers: no honest node has a free slot for attacker node %u (peers.max = %u)",
                         v, p->max);
                goto out;
            }
            if (add_edge(&b, v, (uint32_t)u)) {
                snprintf(err, errlen, "topology: out of memory");
                goto out;
            }
        }
    }
    /* The bounds hold for every node of the network proper (checked, not assumed). */
    for (uint32_t v = 0; v < n; v++)
        if (t->degree[v] < p->min || t->degree[v] > p->max) {
            snprintf(err, errlen, "peers: node %u ended with %u peers, outside [%u, %u]", v, t->degree[v], p->min, p->max);
            goto out;
        }
    rc = 0;
out:
    free(order);
    free(parent);
    free(reach);
    pr_u64map_free(&b.present);
    if (rc)
        prr_topology_free(t);
    return rc;
}

void prr_topology_free(struct prr_topology *t)
{
    free(t->edges);
    free(t->degree);
    free(t->outbound);
    free(t->region);
    memset(t, 0, sizeof *t);
}
