/* powrelay ns-3 model: one end of a point-to-point link, as ns-3's PointToPointNetDevice and its channel
 * model it, in one simulator event per packet instead of two.
 *
 * What is modelled is exactly what ns-3's point-to-point device models here: a drop-tail queue of
 * `limit` packets in front of a transmitter of `rate` bit/s; a packet occupies the transmitter for its
 * size (with the 2-byte PPP header ns-3 adds) at that rate, and arrives at the other end `delay` after its
 * last bit left; a receive error model, if set, drops arriving packets. A packet that finds `limit`
 * packets waiting is dropped (what ns-3's traffic control layer does in front of a full, stopped device
 * queue). ns-3's device schedules a "transmission complete" event per packet, to start the next one; here
 * the queue is FIFO and the rate fixed, so each packet's start is known when it is sent (the later of now
 * and the previous packet's end) and only its arrival is an event. The queue is the start times of the
 * packets still waiting, which says how many wait at any time. Same times to the nanosecond; only the
 * order of events at one same instant can differ (ns-3's device schedules an arrival when the packet
 * starts, this one when it is queued; a send at the very instant a transmission ends may then find one
 * packet more or fewer waiting). link-device-check.cc (CTest ns3.links) checks every arrival and drop
 * against ns-3's device; POWRELAY_NS3_LINKS=p2p runs ns-3's devices instead (topology.h).
 *
 * Not here: ns-3's device trace sources (the queue tally and the keep-retransmissions diagnostic run on
 * ns-3's own devices: topology.h). */
#ifndef POWRELAY_NS3_LINK_DEVICE_H
#define POWRELAY_NS3_LINK_DEVICE_H

#include <cstdint>
#include <deque>

#include <ns3/channel.h>
#include <ns3/data-rate.h>
#include <ns3/error-model.h>
#include <ns3/mac48-address.h>
#include <ns3/net-device.h>
#include <ns3/node.h>
#include <ns3/nstime.h>
#include <ns3/packet.h>
#include <ns3/ptr.h>

namespace powrelay
{

class LinkDevice : public ns3::NetDevice
{
  public:
    static ns3::TypeId GetTypeId();

    /* Join a and b (each already added to its node) by a link of one-way `delay`. */
    static void Connect(ns3::Ptr<LinkDevice> a, ns3::Ptr<LinkDevice> b, ns3::Time delay);

    void SetDataRate(ns3::DataRate rate) { m_rate = rate; }
    void SetQueueLimit(uint32_t packets) { m_limit = packets; }
    void SetReceiveErrorModel(ns3::Ptr<ns3::ErrorModel> em) { m_errors = em; }

    /* ns3::NetDevice */
    void SetIfIndex(const uint32_t index) override { m_ifIndex = index; }
    uint32_t GetIfIndex() const override { return m_ifIndex; }
    ns3::Ptr<ns3::Channel> GetChannel() const override { return nullptr; }
    void SetAddress(ns3::Address address) override { m_address = ns3::Mac48Address::ConvertFrom(address); }
    ns3::Address GetAddress() const override { return m_address; }
    bool SetMtu(const uint16_t mtu) override;
    uint16_t GetMtu() const override { return m_mtu; }
    bool IsLinkUp() const override { return m_peer != nullptr; }
    void AddLinkChangeCallback(ns3::Callback<void>) override {}
    bool IsBroadcast() const override { return true; }
    ns3::Address GetBroadcast() const override;
    bool IsMulticast() const override { return true; }
    ns3::Address GetMulticast(ns3::Ipv4Address) const override;
    ns3::Address GetMulticast(ns3::Ipv6Address) const override;
    bool IsBridge() const override { return false; }
    bool IsPointToPoint() const override { return true; }
    bool Send(ns3::Ptr<ns3::Packet> packet, const ns3::Address& dest, uint16_t protocol) override;
    bool SendFrom(ns3::Ptr<ns3::Packet>, const ns3::Address&, const ns3::Address&, uint16_t) override
    {
        return false;
    }
    ns3::Ptr<ns3::Node> GetNode() const override { return m_node; }
    void SetNode(ns3::Ptr<ns3::Node> node) override { m_node = node; }
    bool NeedsArp() const override { return false; }
    void SetReceiveCallback(ns3::NetDevice::ReceiveCallback cb) override { m_rx = cb; }
    void SetPromiscReceiveCallback(ns3::NetDevice::PromiscReceiveCallback cb) override { m_promisc = cb; }
    bool SupportsSendFrom() const override { return false; }

  protected:
    void DoDispose() override;

  private:
    /* The packet's last bit has arrived here (scheduled by the peer's Send). */
    void Receive(ns3::Ptr<ns3::Packet> packet, uint16_t protocol);

    static constexpr uint32_t kPppHeaderBytes = 2; /* ns-3's point-to-point device adds it; it is sent */

    ns3::Ptr<ns3::Node> m_node;
    LinkDevice* m_peer = nullptr; /* the other end (its node owns it; both live until the simulation ends) */
    ns3::Time m_delay;
    ns3::DataRate m_rate;
    uint32_t m_limit = 100; /* ns-3's default device queue: DropTail, 100 packets (topology.cc reads ns-3's) */
    ns3::Ptr<ns3::ErrorModel> m_errors;
    ns3::Time m_busyUntil; /* when the last packet queued finishes leaving */
    std::deque<int64_t> m_waiting; /* start times (time steps) of queued packets, in order */
    ns3::Mac48Address m_address;
    uint32_t m_ifIndex = 0;
    uint16_t m_mtu = 1500; /* ns-3's point-to-point default */
    ns3::NetDevice::ReceiveCallback m_rx;
    ns3::NetDevice::PromiscReceiveCallback m_promisc;
};

} // namespace powrelay

#endif
