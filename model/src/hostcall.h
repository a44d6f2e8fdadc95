/* The model's only calls into its host (as SQLite's os.c wraps its VFS): every module reaches the
 * simulator through these thin wrappers over the node's copy of the pr_host table, never through the
 * table itself. */
#ifndef POWRELAY_HOSTCALL_H
#define POWRELAY_HOSTCALL_H

#include <stddef.h>
#include <stdint.h>

struct pr_node;

/* Simulated time, nanoseconds. */
int64_t pr_now(struct pr_node *n);
/* Report an event to the host's sink (a no-op without one). peer_idx is this node's index of the other
 * node, or PR_NO_PEER. */
void pr_emit(struct pr_node *n, uint32_t type, uint32_t flags, uint32_t peer_idx, uint64_t tx, double a,
             double b);
/* Report a whole event (ids, a peer that is not a neighbour): node and time are filled in here. */
struct pr_event;
void pr_emit_event(struct pr_node *n, struct pr_event *ev);
/* Send len bytes, then pad opaque bytes, to the peer at index peer_idx. */
void pr_send(struct pr_node *n, uint32_t peer_idx, const uint8_t *msg, size_t len, uint32_t pad);
/* A timer of this node, fired through pr_node_timer(kind, arg) after delay_ns (clamped at 0). */
uint64_t pr_set_timer(struct pr_node *n, int64_t delay_ns, uint32_t kind, uint64_t arg);
/* Cancel *handle if set, and clear it. */
void pr_cancel_timer(struct pr_node *n, uint64_t *handle);

#endif
