/* Attacker nodes (docs/protocol.md#attackers): spam by strategy, from start_ns to stop_ns. */
#ifndef POWRELAY_ATTACKER_H
#define POWRELAY_ATTACKER_H

struct pr_node;

/* The node starts: schedule the first attempt. */
void pr_attack_start(struct pr_node *n);
/* The attempt timer fired: try one spam, schedule the next. */
void pr_attack_tick(struct pr_node *n);

#endif
