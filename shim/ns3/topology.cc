/* powrelay ns-3 model: the physical network (see topology.h). */
#include "topology.h"

#include "addr.h"
#include "keep-retx-queue.h"
#include "link-device.h"
#include "powrelay-c.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <ns3/data-rate.h>
#include <ns3/drop-tail-queue.h>
#include <ns3/error-model.h>
#include <ns3/queue-size.h>
#include <ns3/queue.h>
#include <ns3/internet-stack-helper.h>
#include <ns3/ipv4-static-routing-helper.h>
#include <ns3/ipv4-static-routing.h>
#include <ns3/ipv4-header.h>
#include <ns3/ipv4.h>
#include <ns3/log.h>
#include <ns3/net-device-queue-interface.h>
#include <ns3/nstime.h>
#include <ns3/point-to-point-channel.h>
#include <ns3/point-to-point-helper.h>
#include <ns3/point-to-point-net-device.h>
#include <ns3/tcp-l4-protocol.h>
#include <ns3/traffic-control-layer.h>


NS_LOG_COMPONENT_DEFINE("PowrelayTopology");

namespace powrelay
{

using namespace ns3;

namespace
{

/* Give a device an interface with a /30 address and bring it up; returns the interface index. */
uint32_t
AddInterface(Ptr<Node> node, Ptr<NetDevice> dev, Ipv4Address addr)
{
    Ptr<Ipv4> ipv4 = node->GetObject<Ipv4>();
    uint32_t i = ipv4->AddInterface(dev);
    ipv4->AddAddress(i, Ipv4InterfaceAddress(addr, Ipv4Mask(kNetMask30)));
    ipv4->SetUp(i);
    return i;
}

Ptr<RateErrorModel>
LossModel(double loss, int64_t stream)
{
    Ptr<RateErrorModel> em = CreateObject<RateErrorModel>();
    em->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
    em->SetRate(loss);
    /* An explicit stream, so the draws do not depend on how many random variables ns-3 handed out
     * before (in this process, or in an earlier run of it). */
    em->AssignStreams(stream);
    return em;
}

/* Whether a packet the traffic control layer dropped already has its IP header: ns-3.37 adds it before
 * it finds the device's queue stopped, later versions after. Read as an IP header, a TCP header (its
 * first byte a port's) almost never gives a length that matches the packet's. */
bool
HasTcpIpv4Header(Ptr<const Packet> p)
{
    Ipv4Header ip;
    return p->PeekHeader(ip) != 0 && ip.GetProtocol() == TcpL4Protocol::PROT_NUMBER &&
           ip.GetSerializedSize() + ip.GetPayloadSize() == p->GetSize();
}

void
TallyStoppedDrop(Topology::QueueTally* t, Ptr<const Packet> p)
{
    t->dropped[CarriesData(p, false, HasTcpIpv4Header(p))]++;
}

void
TallyEnqueue(Topology::QueueTally* t, Ptr<const Packet> p)
{
    t->enqueued[CarriesData(p, true, true)]++;
}

void
TallyDrop(Topology::QueueTally* t, Ptr<const Packet> p)
{
    t->dropped[CarriesData(p, true, true)]++;
}

/* POWRELAY_NS3_QUEUES: count what a node's uplink (t[0]) and its router's queue towards it (t[1]) take and
 * drop; `warn`: say so if this ns-3 cannot count the uplink's drops while its queue is stopped. */
void
TallyQueues(Ptr<Node> node, Ptr<PointToPointNetDevice> up, Ptr<PointToPointNetDevice> down, Topology::QueueTally* t,
            bool warn)
{
    up->GetQueue()->TraceConnectWithoutContext("Enqueue", MakeBoundCallback(&TallyEnqueue, &t[0]));
    up->GetQueue()->TraceConnectWithoutContext("Drop", MakeBoundCallback(&TallyDrop, &t[0]));
    down->GetQueue()->TraceConnectWithoutContext("Enqueue", MakeBoundCallback(&TallyEnqueue, &t[1]));
    down->GetQueue()->TraceConnectWithoutContext("Drop", MakeBoundCallback(&TallyDrop, &t[1]));
    /* a full device queue stops its interface: the traffic control layer drops what comes then */
    if (!node->GetObject<TrafficControlLayer>()->TraceConnectWithoutContext(
            "TcDrop", MakeBoundCallback(&TallyStoppedDrop, &t[0])) &&
        warn)
        std::fprintf(stderr, "powrelay: POWRELAY_NS3_QUEUES: this ns-3 has no TcDrop trace: the uplinks' "
                             "drops while stopped are not counted\n");
}

/* A router's output: the device and its transmit queue's flow-control state. */
CoreTable::Port
PortOf(Ptr<NetDevice> dev)
{
    Ptr<NetDeviceQueueInterface> q = dev->GetObject<NetDeviceQueueInterface>();
    return CoreTable::Port{dev, q ? q->GetTxQueue(0) : nullptr};
}

/* One end of a powrelay link (link-device.h) on node, sending at bps into a queue of `limit` packets. */
Ptr<LinkDevice>
NewLink(Ptr<Node> node, double bps, uint32_t limit)
{
    Ptr<LinkDevice> dev = CreateObject<LinkDevice>();
    dev->SetDataRate(DataRate(static_cast<uint64_t>(std::llround(bps))));
    dev->SetQueueLimit(limit);
    node->AddDevice(dev);
    return dev;
}

Time
Delay(double seconds)
{
    return NanoSeconds(static_cast<int64_t>(std::llround(seconds * 1e9)));
}

} // namespace

int
Topology::Build(const struct prnet_desc& d, char* err, size_t errlen)
{
    const uint32_t n = d.n_nodes, R = d.n_regions;
    const char* links = std::getenv("POWRELAY_NS3_LINKS");
    if (links && *links && std::strcmp(links, "p2p") != 0 && std::strcmp(links, "one-event") != 0)
    {
        std::snprintf(err, errlen, "ns3: POWRELAY_NS3_LINKS=%s: expected p2p or one-event", links);
        return PRNET_EBAD;
    }
    if (n == 0 || n >= kMaxNodes)
    {
        std::snprintf(err, errlen, "ns3: %u nodes (1 to %u supported)", n, kMaxNodes - 1);
        return PRNET_EBAD;
    }
    if (R == 0 || R > 255)
    {
        std::snprintf(err, errlen, "ns3: %u regions (1 to 255 supported)", R);
        return PRNET_EBAD;
    }
    for (uint32_t r = 0; r < R; r++)
    {
        if (!(d.up_bps[r] >= 1) || !(d.down_bps[r] >= 1) || !std::isfinite(d.up_bps[r]) ||
            !std::isfinite(d.down_bps[r]))
        {
            std::snprintf(err, errlen, "ns3: region %u: bandwidths must be at least 1 bit/s", r);
            return PRNET_EBAD;
        }
        for (uint32_t q = 0; q < R; q++)
            if (!(d.latency_s[r * R + q] >= 0) || !std::isfinite(d.latency_s[r * R + q]))
            {
                std::snprintf(err, errlen, "ns3: latency %u-%u is not a finite time >= 0", r, q);
                return PRNET_EBAD;
            }
    }
    if (!(d.loss >= 0 && d.loss < 1) || !(d.jitter >= 0 && d.jitter <= 1))
    {
        std::snprintf(err, errlen, "ns3: loss must be in [0, 1) and jitter in [0, 1]");
        return PRNET_EBAD;
    }
    for (uint32_t i = 0; i < n; i++)
        if (d.node_region[i] >= R)
        {
            std::snprintf(err, errlen, "ns3: node %u is in region %u of %u", i, d.node_region[i], R);
            return PRNET_EBAD;
        }

    m_table.nNodes = n;
    m_table.nRegions = R;
    m_table.region.assign(d.node_region, d.node_region + n);
    m_table.access.assign(n, CoreTable::Port{});
    m_table.core.assign(static_cast<size_t>(R) * R, CoreTable::Port{});

    /* Routers first (small ns-3 ids). They run no IP stack: each forwards by arithmetic (core-router.h). */
    routers.Create(R);
    nodes.Create(n);
    for (uint32_t r = 0; r < R; r++)
    {
        m_routers.push_back(std::make_unique<CoreRouter>(&m_table, r));
        m_routers.back()->Attach(routers.Get(r));
    }

    /* IPv4 only, on the end nodes: static routing, which will hold one default route. */
    InternetStackHelper stack;
    stack.SetIpv6StackInstall(false);
    stack.SetRoutingHelper(Ipv4StaticRoutingHelper());
    stack.Install(nodes);

    /* Links: powrelay's one-event devices (link-device.h), or ns-3's point-to-point devices, whose
     * queues' trace sources the diagnostics below hook (and which POWRELAY_NS3_LINKS=p2p asks for, to
     * check the two against each other). */
    const char* tally = std::getenv("POWRELAY_NS3_QUEUES");
    const char* keep = std::getenv("POWRELAY_NS3_KEEP_RETX");
    bool keep_retx = keep && *keep && std::strcmp(keep, "0") != 0;
    /* The device queues' size where the scenario leaves it to ns-3: its DropTailQueue's default, 100 packets
     * or what NS_ATTRIBUTE_DEFAULT says (e.g. MaxSize=1000p, a diagnosis's); one in bytes only ns-3's own
     * queue models. */
    QueueSize ns3_queue = CreateObject<DropTailQueue<Packet>>()->GetMaxSize();
    bool p2p_devices = (links && std::strcmp(links, "p2p") == 0) || keep_retx || (tally && *tally) ||
                       ns3_queue.GetUnit() != QueueSizeUnit::PACKETS;
    const uint32_t limit = ns3_queue.GetValue();

    /* Core links, between every pair of regions. */
    PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", DataRateValue(DataRate(static_cast<uint64_t>(kCoreBps))));
    for (uint32_t a = 0; a < R; a++)
        for (uint32_t b = a + 1; b < R; b++)
        {
            double delay = d.latency_s[a * R + b] - d.latency_s[a * R + a] / 2 - d.latency_s[b * R + b] / 2;
            if (delay < 0)
                delay = 0; /* not a metric: clamp (topology.h) */
            if (p2p_devices)
            {
                p2p.SetChannelAttribute("Delay", TimeValue(Delay(delay)));
                NetDeviceContainer devs = p2p.Install(routers.Get(a), routers.Get(b));
                m_table.core[a * R + b] = PortOf(devs.Get(0));
                m_table.core[b * R + a] = PortOf(devs.Get(1));
                continue;
            }
            Ptr<LinkDevice> ab = NewLink(routers.Get(a), kCoreBps, limit),
                            ba = NewLink(routers.Get(b), kCoreBps, limit);
            LinkDevice::Connect(ab, ba, Delay(delay));
            m_table.core[a * R + b] = PortOf(ab);
            m_table.core[b * R + a] = PortOf(ba);
        }

    /* Access links, one per node. */
    if (tally && *tally)
    {
        m_tally_path = tally;
        m_tally.assign(2 * static_cast<size_t>(n), QueueTally());
        m_tcp_tally.assign(2 * static_cast<size_t>(n), 0);
        m_region.assign(d.node_region, d.node_region + n);
    }
    struct pr_rng rng;
    pr_rng_seed(&rng, d.seed, kJitterStream);
    Ipv4StaticRoutingHelper staticHelper;
    for (uint32_t i = 0; i < n; i++)
    {
        uint32_t r = d.node_region[i];
        double mult = 1.0 + d.jitter * (2.0 * pr_rng_uniform(&rng) - 1.0);
        Time delay = Delay(d.latency_s[r * R + r] / 2 * mult);
        Ptr<Node> node = nodes.Get(i), router = routers.Get(r);
        /* network.loss on the receiving end of each direction: the same streams on either kind of device */
        auto lose = [&](auto up, auto down) {
            if (d.loss > 0)
            {
                up->SetReceiveErrorModel(LossModel(d.loss, 2 * static_cast<int64_t>(i)));       /* downlink */
                down->SetReceiveErrorModel(LossModel(d.loss, 2 * static_cast<int64_t>(i) + 1)); /* uplink */
            }
        };
        Ptr<NetDevice> upDev, downDev;
        if (!p2p_devices)
        {
            Ptr<LinkDevice> up = NewLink(node, d.up_bps[r], limit), down = NewLink(router, d.down_bps[r], limit);
            LinkDevice::Connect(up, down, delay);
            if (d.queue_packets > 0) /* docs/protocol.md#flow-queue: else ns-3's default (above) */
            {
                up->SetQueueLimit(d.queue_packets);
                down->SetQueueLimit(d.queue_packets);
            }
            lose(up, down);
            upDev = up;
            downDev = down;
        }
        else
        {
            p2p.SetChannelAttribute("Delay", TimeValue(delay));
            NetDeviceContainer devs = p2p.Install(node, router);
            Ptr<PointToPointNetDevice> up = DynamicCast<PointToPointNetDevice>(devs.Get(0));
            Ptr<PointToPointNetDevice> down = DynamicCast<PointToPointNetDevice>(devs.Get(1));
            up->SetDataRate(DataRate(static_cast<uint64_t>(std::llround(d.up_bps[r]))));
            down->SetDataRate(DataRate(static_cast<uint64_t>(std::llround(d.down_bps[r]))));
            if (d.queue_packets > 0) /* docs/protocol.md#flow-queue: else ns-3's default DropTail queue */
            {
                QueueSize size(QueueSizeUnit::PACKETS, d.queue_packets);
                up->GetQueue()->SetMaxSize(size);
                down->GetQueue()->SetMaxSize(size);
            }
            if (keep_retx) /* a diagnostic: the uplink never drops a retransmission (keep-retx-queue.h) */
            {
                Ptr<KeepRetxQueue> q = CreateObject<KeepRetxQueue>();
                q->SetLimit(up->GetQueue()->GetMaxSize().GetValue());
                up->SetQueue(q);
                m_keep.push_back(q);
            }
            if (!m_tally.empty())
                TallyQueues(node, up, down, &m_tally[2 * i], i == 0);
            lose(up, down);
            upDev = up;
            downDev = down;
        }
        uint32_t nif = AddInterface(node, upDev, NodeAddress(i));
        staticHelper.GetStaticRouting(node->GetObject<Ipv4>())->SetDefaultRoute(GatewayAddress(i), nif);
        m_table.access[i] = PortOf(downDev);
        if (!m_tally.empty())
            m_table.access[i].stopped_drops = m_tally[2 * i + 1].dropped;
    }
    return 0;
}

Topology::~Topology()
{
    if (!m_keep.empty())
    {
        uint64_t kept = 0;
        for (const Ptr<KeepRetxQueue>& q : m_keep)
            kept += q->Kept();
        std::fprintf(stderr, "powrelay: POWRELAY_NS3_KEEP_RETX: the uplinks took %llu retransmissions beyond their "
                             "queues' limit\n", (unsigned long long)kept);
    }
    if (m_tally.empty())
        return;
    FILE* f = std::fopen(m_tally_path.c_str(), "w");
    if (!f)
    {
        std::fprintf(stderr, "powrelay: POWRELAY_NS3_QUEUES: cannot write %s\n", m_tally_path.c_str());
        return;
    }
    /* data_ahead, data_ahead_dropped: flow's (its windows book segments ahead of their release); empty here */
    std::fprintf(f, "node,region,link,acks_enqueued,data_enqueued,acks_dropped,data_dropped,recoveries,timeouts,"
                    "data_ahead,data_ahead_dropped\n");
    for (size_t k = 0; k < m_tally.size(); k++)
    {
        const QueueTally& t = m_tally[k];
        std::fprintf(f, "%zu,%u,%s,%llu,%llu,%llu,%llu,", k / 2, m_region[k / 2], k % 2 ? "down" : "up",
                     (unsigned long long)t.enqueued[0], (unsigned long long)t.enqueued[1],
                     (unsigned long long)t.dropped[0], (unsigned long long)t.dropped[1]);
        if (k % 2)
            std::fprintf(f, ",,,\n");
        else
            std::fprintf(f, "%llu,%llu,,\n", (unsigned long long)m_tcp_tally[k], (unsigned long long)m_tcp_tally[k + 1]);
    }
    std::fclose(f);
}

} // namespace powrelay
