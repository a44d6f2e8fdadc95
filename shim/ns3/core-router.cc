/* powrelay ns-3 model: a region's core router (see core-router.h). */
#include "core-router.h"

#include "addr.h"

#include <ns3/ipv4-header.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/log.h>
#include <ns3/socket.h>
#include <ns3/ppp-header.h>
#include <ns3/tcp-header.h>
#include <ns3/tcp-l4-protocol.h>

NS_LOG_COMPONENT_DEFINE("PowrelayCoreRouter");

namespace powrelay
{

using namespace ns3;

CoreRouter::CoreRouter(const CoreTable* table, uint32_t region)
    : m_table(table),
      m_region(region)
{
}

void
CoreRouter::Attach(Ptr<Node> node)
{
    /* Device 0 = every device of the node, present and future. */
    node->RegisterProtocolHandler(MakeCallback(&CoreRouter::Receive, this), Ipv4L3Protocol::PROT_NUMBER,
                                  Ptr<NetDevice>(nullptr));
}

const CoreTable::Port*
CoreRouter::Output(Ipv4Address dst) const
{
    uint32_t i;
    if (!NodeIndex(dst, m_table->nNodes, &i))
        return nullptr;
    uint32_t r = m_table->region[i];
    return r == m_region ? &m_table->access[i] : &m_table->core[m_region * m_table->nRegions + r];
}

bool
CarriesData(Ptr<const Packet> packet, bool ppp, bool ipv4)
{
    Ptr<Packet> p = packet->Copy();
    if (ppp)
    {
        PppHeader h;
        p->RemoveHeader(h);
    }
    if (ipv4)
    {
        Ipv4Header ip;
        p->RemoveHeader(ip);
        if (ip.GetProtocol() != TcpL4Protocol::PROT_NUMBER)
            return true;
    }
    TcpHeader tcp;
    p->RemoveHeader(tcp);
    return p->GetSize() > 0;
}

void
CoreRouter::Receive(Ptr<NetDevice>, Ptr<const Packet> p, uint16_t, const Address&, const Address&,
                    NetDevice::PacketType)
{
    Ipv4Header h;
    p->PeekHeader(h);
    const CoreTable::Port* out = Output(h.GetDestination());
    if (!out)
    {
        NS_LOG_LOGIC("no node has address " << h.GetDestination() << ": dropped");
        return;
    }
    /* As the traffic-control layer hands a packet to a device with no queue disc: not while the
     * device's queue is stopped (full), and without the socket priority a one-queue device ignores. */
    if (out->txq && out->txq->IsStopped())
    {
        if (out->stopped_drops)
            out->stopped_drops[CarriesData(p, false, true)]++;
        return;
    }
    Ptr<Packet> fwd = p->Copy();
    SocketPriorityTag prio;
    fwd->RemovePacketTag(prio);
    out->dev->Send(fwd, out->dev->GetBroadcast(), Ipv4L3Protocol::PROT_NUMBER); /* false: queue full, dropped */
}

} // namespace powrelay
