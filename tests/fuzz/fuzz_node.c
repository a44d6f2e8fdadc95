/* Fuzz target: one honest node among hostile peers. The input is a script of messages from three
 * external peers (framed as: peer byte, 2-byte length, 4-byte pad, bytes) interleaved with the passing
 * of time; the node must survive any of it, keep its invariants, and still relay an honest transaction
 * at the end. The first byte's bits: 1 sha256 PoW, 2 relay.mode announce. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "powrelay/node.h"
#include "powrelay/wire.h"
#include "testhost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct pr_config c;
    pr_config_default(&c);
    c.flush_in_ns = PR_S(0.5);
    c.flush_out_ns = 0;
    c.embargo_ns = PR_S(3);
    c.mempool_max_bytes = 20000;
    c.pow_queue_max = 4;
    c.pow_mode = size > 0 && (data[0] & 1) ? PR_POW_SHA256 : PR_POW_MODEL;
    c.pow_base = c.pow_mode == PR_POW_SHA256 ? 4 : 2500;
    c.relay_mode = size > 0 && (data[0] & 2) ? PR_RELAY_ANNOUNCE : PR_RELAY_FLOOD;
    struct th *h = th_new(5, &c);
    th_node(h, 0, 1e9, false);
    th_link(h, 1, 0);
    th_link(h, 0, 2);
    th_link(h, 3, 0);
    th_link(h, 0, 4);
    th_start(h);
    size_t i = 1;
    while (i + 7 <= size) {
        uint8_t peer = data[i];
        size_t len = (size_t)data[i + 1] | (size_t)data[i + 2] << 8;
        uint32_t pad = (uint32_t)data[i + 3] | (uint32_t)data[i + 4] << 8 | (uint32_t)data[i + 5] << 16 |
                       (uint32_t)data[i + 6] << 24;
        i += 7;
        if (len > size - i)
            len = size - i;
        if (peer & 0x80) {
            /* a pause instead of a message */
            th_run_until(h, th_now(h) + (int64_t)(peer & 0x7f) * PR_S(0.25));
            continue;
        }
        th_inject(h, 1 + peer % 4, 0, data + i, len, pad);
        th_run_until(h, th_now(h) + PR_S(0.01));
        i += len;
    }
    th_run_until(h, th_now(h) + PR_S(120));
    struct pr_node *n = th_get(h, 0);
    struct pr_node_stats st;
    pr_node_stats(n, &st);
    if (st.mempool_bytes > c.mempool_max_bytes || st.stempool_bytes > c.mempool_max_bytes)
        abort(); /* a pool over its bound */
    th_free(h);
    return 0;
}
