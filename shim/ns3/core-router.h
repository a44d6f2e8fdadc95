/* powrelay ns-3 model: a region's core router, forwarding IPv4 packets between its links by arithmetic.
 *
 * A region's router has one link per node of its region (the node's access link) and one per other
 * region (a core link). It runs no IP stack: ns-3's Ipv4L3Protocol would scan all of the router's
 * interfaces and protocol handlers for every packet (hundreds of them on a router of a large region),
 * and static or global routing cannot hold 10,000 nodes. Instead one protocol handler for IPv4 on all of
 * the router's devices reads the destination address, which says everything (addr.h): a node's index,
 * hence its region, hence the output device, found in O(1) from tables the topology builder fills.
 *
 * What is modelled is what an IP router's forwarding would do here: the packet, IP header and all, is
 * queued on the output device (its drop-tail queue, at its data rate), nothing else; the header is not
 * rewritten (the TTL is not decremented: the overlay's paths have two or three hops). A packet that
 * arrives while the output device's queue is full is dropped, as ns-3's traffic-control layer drops it
 * in front of a stopped device queue. */
#ifndef POWRELAY_NS3_CORE_ROUTER_H
#define POWRELAY_NS3_CORE_ROUTER_H

#include <cstdint>
#include <vector>

#include <ns3/ipv4-address.h>
#include <ns3/net-device-queue-interface.h>
#include <ns3/net-device.h>
#include <ns3/node.h>
#include <ns3/packet.h>
#include <ns3/ptr.h>

namespace powrelay
{

/* Where each destination leaves each router. Filled by the topology builder, then read-only. */
/* Whether a TCP packet carries data (a pure ACK has none), given the headers it has above TCP: PPP and
 * IPv4 in a device's queue, IPv4 as routed, none yet when the traffic control layer drops it. Anything
 * but TCP counts as data. For POWRELAY_NS3_QUEUES's tally (topology.h). */
bool CarriesData(ns3::Ptr<const ns3::Packet> packet, bool ppp, bool ipv4);

struct CoreTable
{
    /* An output device and its transmit queue's flow-control state (looked up once, not per packet). */
    struct Port
    {
        ns3::Ptr<ns3::NetDevice> dev;
        ns3::Ptr<ns3::NetDeviceQueue> txq; /* null when the device has no flow control */
        uint64_t* stopped_drops = nullptr; /* POWRELAY_NS3_QUEUES: [pure ACKs, with data] dropped while stopped */
    };

    uint32_t nNodes = 0;
    uint32_t nRegions = 0;
    std::vector<uint8_t> region; /* per node */
    std::vector<Port> access; /* per node: the router's end of its access link */
    std::vector<Port> core;   /* nRegions x nRegions: on router a, the link to b */
};

class CoreRouter
{
  public:
    /* Region `region`'s router; the table is borrowed (it outlives the simulation). */
    CoreRouter(const CoreTable* table, uint32_t region);
    /* Start forwarding for every device of node (the router's ns-3 node). */
    void Attach(ns3::Ptr<ns3::Node> node);

  private:
    void Receive(ns3::Ptr<ns3::NetDevice> in, ns3::Ptr<const ns3::Packet> p, uint16_t protocol,
                 const ns3::Address& from, const ns3::Address& to, ns3::NetDevice::PacketType type);
    /* The port a packet to dst leaves by, or null when no node has that address. */
    const CoreTable::Port* Output(ns3::Ipv4Address dst) const;

    const CoreTable* m_table;
    uint32_t m_region;
};

} // namespace powrelay

#endif
