/* Announce-and-fetch relay (relay.mode announce, docs/protocol.md#announce): the ids a peer announces and
 * this node lacks are requested from it; a request not served within the timeout fails and goes to the
 * next peer that announced the id; a peer that fails too many requests is dropped. */
#ifndef POWRELAY_FETCH_H
#define POWRELAY_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "powrelay/u64map.h"
#include "powrelay/wire.h"

struct pr_node;

#define PR_FETCH_ALTS 7 /* other peers remembered per requested id, to ask after a failure */

struct pr_request {
    uint64_t id;
    uint64_t timer;
    uint8_t peer;  /* asked now */
    uint8_t n_alt; /* others that announced it, asked in order after a failure */
    uint8_t alt[PR_FETCH_ALTS];
};

/* The requests in flight: a dense array, with an index from id to position + 1. */
struct pr_fetch {
    struct pr_request *reqs;
    uint32_t len, cap;
    struct pr_u64map index;
};

void pr_fetch_free(struct pr_fetch *f);
/* A decoded ANNOUNCE or REQUEST from the peer at index pi. */
int pr_fetch_announce(struct pr_node *n, uint32_t pi, const struct pr_msg *m);
int pr_fetch_request(struct pr_node *n, uint32_t pi, const struct pr_msg *m);
/* A transaction with this id came from the peer at pi (fetched or pushed): taken (accepted, or held
 * already) ends its request; not taken (below the requirement, no room), the next announcer is asked. */
void pr_fetch_arrived(struct pr_node *n, uint32_t pi, uint64_t id, bool taken);
/* A block confirmed the id: a request for it is no longer wanted, and failing it is nobody's fault. */
void pr_fetch_forget(struct pr_node *n, uint64_t id);
/* The request timer of id fired. */
void pr_fetch_timeout(struct pr_node *n, uint64_t id);

#endif
