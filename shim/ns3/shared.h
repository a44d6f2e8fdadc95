/* powrelay ns-3 model: what every node's application shares with the network model. */
#ifndef POWRELAY_NS3_SHARED_H
#define POWRELAY_NS3_SHARED_H

#include <cstdint>
#include <cstdio>
#include <deque>

#include "powrelay-c.h"

namespace powrelay
{

/* Owned by the network model (ns3.cc); each PowrelayApp borrows it. */
struct Shared
{
    struct prnet_callbacks cb = {};   /* the runner's event sink */
    const struct pr_config* cfg = nullptr;
    uint32_t nNodes = 0;
    uint64_t messages = 0; /* messages delivered to nodes */
    uint64_t bytes = 0;    /* their bytes on the wire: framing + message + pad */
    bool failed = false;   /* a framing error or an allocation failure: the run is void */
    /* With POWRELAY_NS3_QUEUES: per node, its TCP senders' fast recoveries and timeouts ([2 i], [2 i + 1]) */
    uint64_t* tcpTally = nullptr;
    /* With POWRELAY_NS3_CWND=FILE: node cwndNode's TCP senders' windows, a row per change (powrelay-app.cc's
     * CwndWatch, one per traced socket) */
    std::FILE* cwndFile = nullptr;
    uint32_t cwndNode = 0;
    struct CwndWatch
    {
        std::FILE* f;
        uint32_t node, peer;
        double cwnd, ssthresh; /* segments, as last traced */
    };
    std::deque<CwndWatch> cwndWatches; /* a deque: the callbacks hold pointers into it */
};

} // namespace powrelay

#endif
