/* The node's CPU (docs/protocol.md#verify): with pow.verify_us > 0, a message carrying transactions
 * waits, FIFO, until the CPU has checked each of them, and only then is handled. */
#ifndef POWRELAY_CPU_H
#define POWRELAY_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pr_node;

/* Queue a decoded-valid message of ntx transactions from the peer at index peer_idx (bytes copied). */
int pr_cpu_queue(struct pr_node *n, uint32_t peer_idx, const uint8_t *msg, size_t len, uint32_t pad, uint32_t ntx);
/* The verify timer fired: take the oldest queued message, now checked, to handle it (its bytes are the
 * caller's to free). False when none waits. */
struct pr_pending_msg;
bool pr_cpu_take(struct pr_node *n, struct pr_pending_msg *out);
void pr_cpu_free(struct pr_node *n);

#endif
