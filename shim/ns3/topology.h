/* powrelay ns-3 model: the physical network, built to scale to 10,000 nodes.
 *
 *   node i --access link--> core router of region(i) --core link--> core router of region r --> node j
 *
 * - Every simulated node is an ns-3 node with one point-to-point access link to its region's core
 *   router. The node's end sends at the region's upload rate, the router's end at its download rate,
 *   so a node's uplink and downlink are the bottlenecks docs/protocol.md#network describes. network.loss is a
 *   RateErrorModel (per packet) on the receiving end of each access link, in both directions.
 * - One core router per region; every pair of routers is joined by a fast point-to-point link (10 Gbps).
 * - Latency: access links of region r have delay L(r,r)/2, and the core link a-b has
 *   L(a,b) - L(a,a)/2 - L(b,b)/2, so a path between regions a and b adds up to L(a,b) and one within
 *   region r to L(r,r). A core delay that would come out negative (a matrix far from metric) is
 *   clamped at 0: that path is then a little slower than the matrix says.
 * - Jitter: the scenario's jitter is a per-connection multiplier, but a core link carries thousands of
 *   connections, so it cannot vary per connection there. Each node's access link delay is instead
 *   multiplied by uniform(1-j, 1+j), drawn once per node from a powrelay PRNG (desc seed, stream
 *   kJitterStream), which varies every connection's latency through its two ends.
 * - Links are powrelay's LinkDevice (link-device.h): ns-3's point-to-point device and channel (a drop-tail
 *   queue, the rate, the delay, PPP's two bytes) to the nanosecond, in one simulator event per packet
 *   rather than two. POWRELAY_NS3_LINKS=p2p (a check's switch, not a scenario's) builds ns-3's own
 *   devices instead, as do the two diagnostics below (they hook those devices' queues).
 * - Addresses are arithmetic (addr.h). End nodes route everything through a default route to their
 *   router (Ipv4StaticRouting with one entry); routers run no IP stack and forward by arithmetic
 *   (core-router.h). No global routing, and no link per overlay edge. */
#ifndef POWRELAY_NS3_TOPOLOGY_H
#define POWRELAY_NS3_TOPOLOGY_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <ns3/node-container.h>

#include "core-router.h"
#include "keep-retx-queue.h"
#include "powrelay-c.h"

namespace powrelay
{

class Topology
{
  public:
    /* The stream of the jitter draws (with the desc seed), apart from every other powrelay stream. */
    static constexpr uint64_t kJitterStream = 0x6e73336a6974ull; /* "ns3jit" */
    static constexpr double kCoreBps = 10e9;

    /* Build it all. 0, or -1 with a message in err. */
    int Build(const struct prnet_desc& d, char* err, size_t errlen);

    /* A diagnosis's switch, not a scenario's (outputs those of POWRELAY_NS3_LINKS=p2p, as it hooks ns-3's
     * own devices' queues): with POWRELAY_NS3_QUEUES=FILE, what each
     * node's access link queues took and dropped (its uplink's, and its router's towards it: its
     * downlink's), pure ACKs apart from segments with data, and each node's TCP senders' fast recoveries
     * and timeouts, written to FILE (CSV) when the network goes. Another, which changes the outputs:
     * POWRELAY_NS3_KEEP_RETX=1 gives every uplink a queue that never drops a retransmission
     * (keep-retx-queue.h), and says how many it took beyond its limit (stderr). */
    ~Topology();

    struct QueueTally
    {
        uint64_t enqueued[2] = {0, 0}, dropped[2] = {0, 0}; /* [0]: pure ACKs, [1]: with data */
    };

    /* With POWRELAY_NS3_QUEUES: node i's TCP senders' fast recoveries and timeouts, at [2 i] and [2 i + 1]
     * (PowrelayApp counts them: Shared::tcpTally); else nullptr. */
    uint64_t* TcpTally() { return m_tcp_tally.empty() ? nullptr : m_tcp_tally.data(); }

    ns3::NodeContainer nodes;   /* simulated node i is nodes.Get(i) */
    ns3::NodeContainer routers; /* region r's core router is routers.Get(r) */

  private:
    CoreTable m_table;
    std::vector<QueueTally> m_tally; /* by node, up then down, with POWRELAY_NS3_QUEUES only */
    std::vector<uint64_t> m_tcp_tally; /* by node, recoveries then timeouts, likewise */
    std::vector<uint32_t> m_region;
    std::string m_tally_path;
    std::vector<std::unique_ptr<CoreRouter>> m_routers; /* by region; ns-3 calls them back */
    std::vector<ns3::Ptr<KeepRetxQueue>> m_keep; /* with POWRELAY_NS3_KEEP_RETX only */
};

} // namespace powrelay

#endif
