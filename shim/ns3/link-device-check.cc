/* Check (CTest ns3.links): powrelay's one-event link (link-device.h) against ns-3's point-to-point device
 * and channel, on the same traffic both ways over one link: bursts of packets of random sizes, offered
 * faster than the link carries them, into a short drop-tail queue, with a receive error model on one end.
 * Every packet must arrive at the same nanosecond on both, and the same packets must be dropped by the
 * queue and lost on the way. Exits 0 when they agree, 1 with the first difference, and says what it saw.
 *
 * Send times are drawn at random nanoseconds, so no send falls on the very instant a transmission ends
 * (where the two may order a full queue's dequeue differently: link-device.h). */
#include "link-device.h"

#include <powrelay/rng.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <utility>
#include <vector>

#include <ns3/error-model.h>
#include <ns3/ipv4-l3-protocol.h>
#include <ns3/net-device-container.h>
#include <ns3/node.h>
#include <ns3/point-to-point-helper.h>
#include <ns3/point-to-point-net-device.h>
#include <ns3/queue-size.h>
#include <ns3/simulator.h>

using namespace ns3;

namespace
{

constexpr uint64_t kRateBps = 2000000; /* 2 Mbit/s */
constexpr int64_t kDelayNs = 7300001;
constexpr uint32_t kQueueLimit = 20;
constexpr double kLoss = 0.05;   /* on packets arriving at node b */
constexpr uint32_t kPackets = 4000; /* each way */

struct Outcome
{
    std::vector<std::pair<int64_t, uint32_t>> arrivals; /* (ns, packet id), both ends */
    std::vector<uint32_t> dropped;                      /* by the sender's queue */
};

Outcome* g_out = nullptr;

void
Arrive(Ptr<NetDevice>, Ptr<const Packet> p, uint16_t, const Address&, const Address&, NetDevice::PacketType)
{
    uint32_t id;
    p->CopyData(reinterpret_cast<uint8_t*>(&id), sizeof id);
    g_out->arrivals.emplace_back(Simulator::Now().GetNanoSeconds(), id);
}

void
SendOne(Ptr<NetDevice> dev, uint32_t id, uint32_t size)
{
    std::vector<uint8_t> bytes(size, 0);
    std::memcpy(bytes.data(), &id, sizeof id);
    if (!dev->Send(Create<Packet>(bytes.data(), size), dev->GetBroadcast(), Ipv4L3Protocol::PROT_NUMBER))
        g_out->dropped.push_back(id);
}

void
ReceiveAll(Ptr<Node> node, Ptr<NetDevice> dev)
{
    node->RegisterProtocolHandler(MakeCallback(&Arrive), Ipv4L3Protocol::PROT_NUMBER, dev);
}

/* Bursts of 1-12 packets of 40-1500 bytes at random nanoseconds, on average 1.3 times what the link
 * carries; ids from `first`. */
void
Offer(Ptr<NetDevice> dev, uint32_t first, uint64_t stream)
{
    struct pr_rng rng;
    pr_rng_seed(&rng, 20261204, stream);
    double t = 0.01;
    for (uint32_t id = first; id < first + kPackets;)
    {
        uint32_t burst = 1 + static_cast<uint32_t>(pr_rng_below(&rng, 12));
        int64_t at = static_cast<int64_t>(t * 1e9);
        for (uint32_t k = 0; k < burst && id < first + kPackets; k++, id++)
        {
            uint32_t size = 40 + static_cast<uint32_t>(pr_rng_below(&rng, 1461));
            Simulator::ScheduleWithContext(dev->GetNode()->GetId(), NanoSeconds(at), &SendOne, dev, id, size);
        }
        t += pr_rng_exponential(&rng, burst * 772 * 8 / (1.3 * kRateBps));
    }
}

Ptr<RateErrorModel>
Loss()
{
    Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
    em->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
    em->SetRate(kLoss);
    em->AssignStreams(7);
    return em;
}

Outcome
Run(bool ns3_devices)
{
    Outcome out;
    g_out = &out;
    Ptr<Node> a = CreateObject<Node>(), b = CreateObject<Node>();
    Ptr<NetDevice> da, db;
    if (ns3_devices)
    {
        PointToPointHelper p2p;
        p2p.SetDeviceAttribute("DataRate", DataRateValue(DataRate(kRateBps)));
        p2p.SetChannelAttribute("Delay", TimeValue(NanoSeconds(kDelayNs)));
        p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize",
                     QueueSizeValue(QueueSize(QueueSizeUnit::PACKETS, kQueueLimit)));
        NetDeviceContainer devs = p2p.Install(a, b);
        da = devs.Get(0);
        db = devs.Get(1);
        DynamicCast<PointToPointNetDevice>(db)->SetReceiveErrorModel(Loss());
    }
    else
    {
        Ptr<powrelay::LinkDevice> la = CreateObject<powrelay::LinkDevice>(), lb = CreateObject<powrelay::LinkDevice>();
        for (Ptr<powrelay::LinkDevice> l : {la, lb})
        {
            l->SetDataRate(DataRate(kRateBps));
            l->SetQueueLimit(kQueueLimit);
        }
        a->AddDevice(la);
        b->AddDevice(lb);
        powrelay::LinkDevice::Connect(la, lb, NanoSeconds(kDelayNs));
        lb->SetReceiveErrorModel(Loss());
        da = la;
        db = lb;
    }
    ReceiveAll(a, da);
    ReceiveAll(b, db);
    Offer(da, 0, 1);
    Offer(db, kPackets, 2);
    Simulator::Run();
    Simulator::Destroy();
    g_out = nullptr;
    std::sort(out.arrivals.begin(), out.arrivals.end());
    std::sort(out.dropped.begin(), out.dropped.end());
    return out;
}

} // namespace

int
main()
{
    Outcome theirs = Run(true), ours = Run(false);
    size_t n = std::min(theirs.arrivals.size(), ours.arrivals.size());
    for (size_t i = 0; i < n; i++)
        if (theirs.arrivals[i] != ours.arrivals[i])
        {
            std::printf("FAIL: arrival %zu: ns-3's device: packet %u at %" PRId64 " ns; LinkDevice: packet %u at %" PRId64
                        " ns\n", i, theirs.arrivals[i].second, theirs.arrivals[i].first, ours.arrivals[i].second,
                        ours.arrivals[i].first);
            return 1;
        }
    if (theirs.arrivals.size() != ours.arrivals.size() || theirs.dropped != ours.dropped)
    {
        std::printf("FAIL: ns-3's device: %zu arrivals, %zu dropped; LinkDevice: %zu arrivals, %zu dropped\n",
                    theirs.arrivals.size(), theirs.dropped.size(), ours.arrivals.size(), ours.dropped.size());
        return 1;
    }
    size_t lost = 2 * kPackets - ours.arrivals.size() - ours.dropped.size();
    std::printf("%u packets each way: %zu arrived at the same nanoseconds, %zu dropped by a full queue, %zu lost\n",
                kPackets, ours.arrivals.size(), ours.dropped.size(), lost);
    /* The check means something only if the queue filled and the error model dropped. */
    if (ours.dropped.size() < 100 || lost < 50)
    {
        std::printf("FAIL: too few drops (%zu) or losses (%zu) to exercise the queue and the error model\n",
                    ours.dropped.size(), lost);
        return 1;
    }
    /* And against arithmetic: packet 0 (the first of node a's first burst) leaves at 10 ms on an idle
     * link: it arrives after its bytes and the PPP header at 2 Mbit/s, and the delay. */
    uint32_t size0 = 0;
    for (const auto& [ns, id] : ours.arrivals)
        if (id == 0)
        {
            struct pr_rng rng;
            pr_rng_seed(&rng, 20261204, 1);
            pr_rng_below(&rng, 12); /* the burst's size */
            size0 = 40 + static_cast<uint32_t>(pr_rng_below(&rng, 1461));
            int64_t want = 10000000 + static_cast<int64_t>((size0 + 2) * 8 * 1e9 / kRateBps + 0.5) + kDelayNs;
            if (ns != want)
            {
                std::printf("FAIL: packet 0 (%u bytes) arrived at %" PRId64 " ns, not %" PRId64 "\n", size0, ns, want);
                return 1;
            }
        }
    if (size0 == 0)
    {
        std::printf("FAIL: packet 0 did not arrive\n");
        return 1;
    }
    return 0;
}
