/* Fuzz target: the wire decoder. Input: 4 bytes of pad (little-endian), then a message. Whatever
 * decodes must be readable to the end without going out of bounds (ASan checks that). */
#include <stddef.h>
#include <stdint.h>

#include "powrelay/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    uint32_t pad = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
    struct pr_msg m;
    if (pr_wire_decode(data + 4, size - 4, pad, &m) != 0)
        return 0;
    volatile uint64_t sink = 0;
    for (size_t i = 0; i < m.count; i++) {
        struct pr_tx t;
        struct pr_answer a;
        switch (m.type) {
        case PR_MSG_STEM:
        case PR_MSG_FLUFF:
            pr_wire_tx_at(&m, i, &t);
            sink += t.id;
            break;
        case PR_MSG_ANSWER:
            pr_wire_answer_at(&m, i, &a);
            sink += a.id;
            break;
        case PR_MSG_BLOCK:
            sink += pr_wire_block_tx_at(&m, i);
            break;
        }
    }
    (void)sink;
    return 0;
}
