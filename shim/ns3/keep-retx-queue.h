/* powrelay ns-3 model, a diagnostic: a node's uplink queue that never drops a TCP retransmission.
 *
 * DropTail at `limit` packets for everything else, as ns-3's own queue, but a segment whose data its
 * connection has sent before is always taken, beyond the limit. The flow model decides a segment's fate
 * when its message is sent and never drops a retransmission (docs/protocol.md#flow-queue); with this queue
 * on every uplink (POWRELAY_NS3_KEEP_RETX=1), ns-3 does the same, so the queues' tally can show how much of
 * the two models' gap that rule makes (scripts/queues.sh). Not a model of anything real. */
#ifndef POWRELAY_NS3_KEEP_RETX_QUEUE_H
#define POWRELAY_NS3_KEEP_RETX_QUEUE_H

#include <ns3/drop-tail-queue.h>
#include <ns3/packet.h>
#include <ns3/sequence-number.h>

#include <cstdint>
#include <unordered_map>

namespace powrelay
{

class KeepRetxQueue : public ns3::DropTailQueue<ns3::Packet>
{
  public:
    static ns3::TypeId GetTypeId();
    /* Drops at `limit` packets but for retransmissions; its own size limit is set far beyond, so that the
     * device never stops the traffic control layer (which would drop a retransmission itself). */
    void SetLimit(uint32_t limit);
    bool Enqueue(ns3::Ptr<ns3::Packet> item) override;
    uint64_t Kept() const { return m_kept; }

  private:
    /* Whether the packet (PPP, IPv4, TCP) carries data its connection has sent before; remembers the
     * connection's highest sequence number sent. */
    bool IsRetransmission(ns3::Ptr<const ns3::Packet> item);

    uint32_t m_limit = 100;
    uint64_t m_kept = 0; /* retransmissions taken beyond the limit */
    std::unordered_map<uint64_t, ns3::SequenceNumber32> m_sent; /* by (destination, ports): end of data sent */
};

} // namespace powrelay

#endif
