/* powrelay ns-3 model: routing on the regional core routers, by arithmetic.
 *
 * A region's router has one interface per node of its region (its access link) and one per other region
 * (a core link). Ipv4StaticRouting would need a route per node and looks routes up linearly, and global
 * routing runs Dijkstra over every node; both are hopeless at 10,000 nodes. The destination address says
 * everything (addr.h): a node's index, hence its region; so the output interface is found in O(1) from
 * two tables the topology builder fills (CoreTable), shared read-only by all the routers. */
#ifndef POWRELAY_NS3_CORE_ROUTING_H
#define POWRELAY_NS3_CORE_ROUTING_H

#include <cstdint>
#include <vector>

#include <ns3/ipv4-routing-helper.h>
#include <ns3/ipv4-routing-protocol.h>
#include <ns3/ipv4.h>

namespace powrelay
{

/* Where each destination leaves each router. Filled by the topology builder, then read-only. */
struct CoreTable
{
    uint32_t nNodes = 0;
    uint32_t nRegions = 0;
    std::vector<uint8_t> region;   /* per node */
    std::vector<uint32_t> accessIf; /* per node: its access link's interface on its region's router */
    std::vector<int32_t> coreIf;   /* nRegions x nRegions: on router a, the interface towards b */
};

class CoreRouting : public ns3::Ipv4RoutingProtocol
{
  public:
    static ns3::TypeId GetTypeId();
    CoreRouting();
    ~CoreRouting() override;

    /* Which router this is, and the shared table (borrowed: it outlives the simulation). */
    void SetTable(const CoreTable* table, uint32_t region);

    ns3::Ptr<ns3::Ipv4Route> RouteOutput(ns3::Ptr<ns3::Packet> p,
                                         const ns3::Ipv4Header& header,
                                         ns3::Ptr<ns3::NetDevice> oif,
                                         ns3::Socket::SocketErrno& sockerr) override;
    bool RouteInput(ns3::Ptr<const ns3::Packet> p,
                    const ns3::Ipv4Header& header,
                    ns3::Ptr<const ns3::NetDevice> idev,
                    UnicastForwardCallback ucb,
                    MulticastForwardCallback mcb,
                    LocalDeliverCallback lcb,
                    ErrorCallback ecb) override;
    void NotifyInterfaceUp(uint32_t interface) override;
    void NotifyInterfaceDown(uint32_t interface) override;
    void NotifyAddAddress(uint32_t interface, ns3::Ipv4InterfaceAddress address) override;
    void NotifyRemoveAddress(uint32_t interface, ns3::Ipv4InterfaceAddress address) override;
    void SetIpv4(ns3::Ptr<ns3::Ipv4> ipv4) override;
    void PrintRoutingTable(ns3::Ptr<ns3::OutputStreamWrapper> stream,
                           ns3::Time::Unit unit = ns3::Time::S) const override;

  protected:
    void DoDispose() override;

  private:
    /* The output interface for dst, or -1 when no node or router has that address. */
    int32_t OutputInterface(ns3::Ipv4Address dst) const;
    /* Whether dst is one of this router's own addresses. */
    bool IsLocal(ns3::Ipv4Address dst) const;
    /* The forwarding route through an interface; one per interface, built on first use and shared by
     * every packet (Ipv4L3Protocol reads only its output device and gateway when forwarding). */
    ns3::Ptr<ns3::Ipv4Route> RouteVia(uint32_t interface);

    ns3::Ptr<ns3::Ipv4> m_ipv4;
    const CoreTable* m_table;
    uint32_t m_region;
    std::vector<ns3::Ptr<ns3::Ipv4Route>> m_routes; /* by interface index */
};

/* Installs a CoreRouting on each router through InternetStackHelper::SetRoutingHelper. */
class CoreRoutingHelper : public ns3::Ipv4RoutingHelper
{
  public:
    /* regionOfNode: ns-3 node id -> region, for the routers only (borrowed, as is table). */
    CoreRoutingHelper(const CoreTable* table, const std::vector<uint32_t>* regionOfNode);
    CoreRoutingHelper* Copy() const override;
    ns3::Ptr<ns3::Ipv4RoutingProtocol> Create(ns3::Ptr<ns3::Node> node) const override;

  private:
    const CoreTable* m_table;
    const std::vector<uint32_t>* m_regionOfNode;
};

} // namespace powrelay

#endif
