/* powrelay ns-3 model: the diagnostic uplink queue that keeps retransmissions (see keep-retx-queue.h). */
#include "keep-retx-queue.h"

#include <ns3/ipv4-header.h>
#include <ns3/ppp-header.h>
#include <ns3/queue-size.h>
#include <ns3/tcp-header.h>
#include <ns3/tcp-l4-protocol.h>

namespace powrelay
{

using namespace ns3;

NS_OBJECT_ENSURE_REGISTERED(KeepRetxQueue);

TypeId
KeepRetxQueue::GetTypeId()
{
    static TypeId tid = TypeId("powrelay::KeepRetxQueue")
                            .SetParent<DropTailQueue<Packet>>()
                            .SetGroupName("Powrelay")
                            .AddConstructor<KeepRetxQueue>();
    return tid;
}

void
KeepRetxQueue::SetLimit(uint32_t limit)
{
    m_limit = limit;
    SetMaxSize(QueueSize(QueueSizeUnit::PACKETS, 1u << 30));
}

bool
KeepRetxQueue::IsRetransmission(Ptr<const Packet> item)
{
    Ptr<Packet> p = item->Copy();
    PppHeader ppp;
    Ipv4Header ip;
    TcpHeader tcp;
    p->RemoveHeader(ppp);
    p->RemoveHeader(ip);
    if (ip.GetProtocol() != TcpL4Protocol::PROT_NUMBER)
        return false;
    p->RemoveHeader(tcp);
    uint32_t len = p->GetSize();
    if (len == 0)
        return false; /* a pure ACK */
    uint64_t key = static_cast<uint64_t>(ip.GetDestination().Get()) << 32 |
                   static_cast<uint64_t>(tcp.GetSourcePort()) << 16 | tcp.GetDestinationPort();
    SequenceNumber32 end = tcp.GetSequenceNumber() + len;
    auto it = m_sent.find(key);
    if (it == m_sent.end())
    {
        m_sent.emplace(key, end);
        return false;
    }
    if (tcp.GetSequenceNumber() < it->second)
        return true;
    it->second = end;
    return false;
}

bool
KeepRetxQueue::Enqueue(Ptr<Packet> item)
{
    bool retx = IsRetransmission(item);
    if (GetNPackets() >= m_limit)
    {
        if (!retx)
        {
            DropBeforeEnqueue(item);
            return false;
        }
        m_kept++;
    }
    return DropTailQueue<Packet>::Enqueue(item);
}

} // namespace powrelay
