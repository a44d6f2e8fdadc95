/* powrelay ns-3 model: routing on the regional core routers, by arithmetic (see core-routing.h). */
#include "core-routing.h"

#include "addr.h"

#include <ns3/ipv4-route.h>
#include <ns3/log.h>
#include <ns3/node.h>
#include <ns3/output-stream-wrapper.h>

NS_LOG_COMPONENT_DEFINE("PowrelayCoreRouting");

namespace powrelay
{

using namespace ns3;

NS_OBJECT_ENSURE_REGISTERED(CoreRouting);

TypeId
CoreRouting::GetTypeId()
{
    static TypeId tid = TypeId("powrelay::CoreRouting")
                            .SetParent<Ipv4RoutingProtocol>()
                            .SetGroupName("Powrelay")
                            .AddConstructor<CoreRouting>();
    return tid;
}

CoreRouting::CoreRouting()
    : m_table(nullptr),
      m_region(0)
{
}

CoreRouting::~CoreRouting() = default;

void
CoreRouting::SetTable(const CoreTable* table, uint32_t region)
{
    m_table = table;
    m_region = region;
}

int32_t
CoreRouting::OutputInterface(Ipv4Address dst) const
{
    uint32_t i, host;
    if (!m_table || !AccessIndex(dst, &i, &host) || i >= m_table->nNodes)
        return -1;
    uint32_t r = m_table->region[i];
    if (r == m_region)
        return host == 2 ? static_cast<int32_t>(m_table->accessIf[i]) : -1; /* host 1 is our own */
    return m_table->coreIf[m_region * m_table->nRegions + r];
}

bool
CoreRouting::IsLocal(Ipv4Address dst) const
{
    uint32_t i, host;
    if (AccessIndex(dst, &i, &host))
        return host == 1 && m_table && i < m_table->nNodes && m_table->region[i] == m_region;
    uint32_t v = dst.Get();
    if (!m_table || v < kCoreBase || v >= kCoreBase + 4 * kMaxCoreLinks)
        return false;
    uint32_t k = (v - kCoreBase) >> 2, end = (v & 3u) - 1;
    if (end > 1)
        return false;
    /* Core link k joins regions a < b; end 0 belongs to a. Few regions: a scan is cheapest. */
    uint32_t n = m_table->nRegions;
    for (uint32_t a = 0; a < n; a++)
        for (uint32_t b = a + 1; b < n; b++)
            if (CoreLinkIndex(a, b, n) == k)
                return (end == 0 ? a : b) == m_region;
    return false;
}

Ptr<Ipv4Route>
CoreRouting::RouteVia(uint32_t interface)
{
    if (interface >= m_routes.size())
        m_routes.resize(interface + 1);
    Ptr<Ipv4Route>& r = m_routes[interface];
    if (!r)
    {
        r = Create<Ipv4Route>();
        r->SetSource(m_ipv4->GetAddress(interface, 0).GetLocal());
        /* Point-to-point links need no next-hop address: the destination itself serves. */
        r->SetGateway(Ipv4Address::GetZero());
        r->SetOutputDevice(m_ipv4->GetNetDevice(interface));
    }
    return r;
}

Ptr<Ipv4Route>
CoreRouting::RouteOutput(Ptr<Packet> p, const Ipv4Header& header, Ptr<NetDevice> oif,
                         Socket::SocketErrno& sockerr)
{
    int32_t i = OutputInterface(header.GetDestination());
    if (i < 0)
    {
        sockerr = Socket::ERROR_NOROUTETOHOST;
        return nullptr;
    }
    sockerr = Socket::ERROR_NOTERROR;
    /* A route of its own: the caller may keep it, and reads its destination. */
    Ptr<Ipv4Route> r = Create<Ipv4Route>();
    r->SetDestination(header.GetDestination());
    r->SetSource(m_ipv4->GetAddress(i, 0).GetLocal());
    r->SetGateway(Ipv4Address::GetZero());
    r->SetOutputDevice(m_ipv4->GetNetDevice(i));
    return r;
}

bool
CoreRouting::RouteInput(Ptr<const Packet> p, const Ipv4Header& header, Ptr<const NetDevice> idev,
                        UnicastForwardCallback ucb, MulticastForwardCallback mcb, LocalDeliverCallback lcb,
                        ErrorCallback ecb)
{
    Ipv4Address dst = header.GetDestination();
    if (IsLocal(dst))
    {
        if (lcb.IsNull())
            return false;
        lcb(p, header, m_ipv4->GetInterfaceForDevice(idev));
        return true;
    }
    int32_t i = OutputInterface(dst);
    if (i < 0)
    {
        NS_LOG_LOGIC("no route to " << dst);
        return false; /* Ipv4L3Protocol drops it and traces the drop */
    }
    ucb(RouteVia(static_cast<uint32_t>(i)), p, header);
    return true;
}

void
CoreRouting::NotifyInterfaceUp(uint32_t)
{
}

void
CoreRouting::NotifyInterfaceDown(uint32_t)
{
}

void
CoreRouting::NotifyAddAddress(uint32_t, Ipv4InterfaceAddress)
{
}

void
CoreRouting::NotifyRemoveAddress(uint32_t, Ipv4InterfaceAddress)
{
}

void
CoreRouting::SetIpv4(Ptr<Ipv4> ipv4)
{
    m_ipv4 = ipv4;
}

void
CoreRouting::PrintRoutingTable(Ptr<OutputStreamWrapper> stream, Time::Unit) const
{
    std::ostream& os = *stream->GetStream();
    os << "powrelay core router of region " << m_region << ": nodes of this region via their access "
       << "interface, other regions via core interfaces";
    if (m_table)
        for (uint32_t r = 0; r < m_table->nRegions; r++)
            if (r != m_region)
                os << " [" << r << " -> if " << m_table->coreIf[m_region * m_table->nRegions + r] << "]";
    os << "\n";
}

void
CoreRouting::DoDispose()
{
    m_routes.clear();
    m_ipv4 = nullptr;
    Ipv4RoutingProtocol::DoDispose();
}

CoreRoutingHelper::CoreRoutingHelper(const CoreTable* table, const std::vector<uint32_t>* regionOfNode)
    : m_table(table),
      m_regionOfNode(regionOfNode)
{
}

CoreRoutingHelper*
CoreRoutingHelper::Copy() const
{
    return new CoreRoutingHelper(*this);
}

Ptr<Ipv4RoutingProtocol>
CoreRoutingHelper::Create(Ptr<Node> node) const
{
    Ptr<CoreRouting> r = CreateObject<CoreRouting>();
    r->SetTable(m_table, m_regionOfNode->at(node->GetId()));
    return r;
}

} // namespace powrelay
