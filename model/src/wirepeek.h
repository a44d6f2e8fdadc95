/* Reading ids out of messages for prefetch hints only (hints.c, and the relay fetching ahead within a
 * batch): nothing the protocol decides depends on them. */
#ifndef POWRELAY_WIREPEEK_H
#define POWRELAY_WIREPEEK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "powrelay/wire.h"

/* The id alone of tx record / answer i of a decoded message. */
uint64_t pr_wire_tx_id_at(const struct pr_msg *m, size_t i);
uint64_t pr_wire_answer_id_at(const struct pr_msg *m, size_t i);
/* The transaction id a STEM, FLUFF or ANSWER message starts with, read without decoding or checking the
 * rest (the message may still turn out malformed). False for other messages. */
bool pr_wire_peek_tx_id(const uint8_t *msg, size_t len, uint64_t *id);

#endif
