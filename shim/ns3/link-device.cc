/* powrelay ns-3 model: one end of a point-to-point link in one event per packet (see link-device.h). */
#include "link-device.h"

#include <ns3/simulator.h>

namespace powrelay
{

using namespace ns3;

NS_OBJECT_ENSURE_REGISTERED(LinkDevice);

TypeId
LinkDevice::GetTypeId()
{
    static TypeId tid =
        TypeId("powrelay::LinkDevice").SetParent<NetDevice>().SetGroupName("Powrelay").AddConstructor<LinkDevice>();
    return tid;
}

void
LinkDevice::Connect(Ptr<LinkDevice> a, Ptr<LinkDevice> b, Time delay)
{
    a->m_peer = PeekPointer(b);
    b->m_peer = PeekPointer(a);
    a->m_delay = b->m_delay = delay;
    a->SetAddress(Mac48Address::Allocate());
    b->SetAddress(Mac48Address::Allocate());
}

bool
LinkDevice::SetMtu(const uint16_t mtu)
{
    m_mtu = mtu;
    return true;
}

Address
LinkDevice::GetBroadcast() const
{
    return Mac48Address("ff:ff:ff:ff:ff:ff");
}

Address
LinkDevice::GetMulticast(Ipv4Address) const
{
    return Mac48Address("01:00:5e:00:00:00");
}

Address
LinkDevice::GetMulticast(Ipv6Address) const
{
    return Mac48Address("33:33:00:00:00:00");
}

bool
LinkDevice::Send(Ptr<Packet> packet, const Address&, uint16_t protocol)
{
    if (!m_peer)
        return false;
    const Time now = Simulator::Now();
    /* Packets whose transmission has started are no longer in the queue (ns-3's device dequeues a packet
     * when it starts sending it, at the end of the one before). */
    while (!m_waiting.empty() && m_waiting.front() <= now.GetTimeStep())
        m_waiting.pop_front();
    if (m_waiting.size() >= m_limit)
        return false; /* dropped: the queue is full */
    const Time start = m_busyUntil > now ? m_busyUntil : now;
    if (start > now)
        m_waiting.push_back(start.GetTimeStep());
    m_busyUntil = start + m_rate.CalculateBytesTxTime(packet->GetSize() + kPppHeaderBytes);
    /* As ns-3's channel: a copy arrives, in the receiving node's context, `delay` after the last bit. */
    Simulator::ScheduleWithContext(m_peer->GetNode()->GetId(), m_busyUntil + m_delay - now, &LinkDevice::Receive,
                                   m_peer, packet->Copy(), protocol);
    return true;
}

void
LinkDevice::Receive(Ptr<Packet> packet, uint16_t protocol)
{
    if (m_errors && m_errors->IsCorrupt(packet))
        return;
    if (!m_promisc.IsNull())
        m_promisc(this, packet, protocol, m_peer->GetAddress(), GetAddress(), NetDevice::PACKET_HOST);
    m_rx(this, packet, protocol, m_peer->GetAddress());
}

void
LinkDevice::DoDispose()
{
    m_node = nullptr;
    m_peer = nullptr;
    m_errors = nullptr;
    NetDevice::DoDispose();
}

} // namespace powrelay
