/* The ns-3 network model (docs/protocol.md#network, "ns3"): prnet_ops on top of ns-3's packet-level simulation.
 *
 * The network is topology.h's (access links to regional core routers, core links with the latency
 * matrix), every simulated node runs a PowrelayApp (powrelay-app.h) that hosts its pr_node, and peer
 * connections are ns-3 TCP sockets carrying the model's framed bytes. The runner's at() callbacks are
 * simulator events like any other, so they interleave with the model's in time order, and at equal
 * times in the order they were scheduled (ns-3 orders events by time, then by insertion).
 *
 * ns-3's simulator is a process-wide singleton, so there is one ns3 network at a time; destroy() calls
 * Simulator::Destroy(), after which another may be created (a sweep runs its runs one after another).
 *
 * Determinism: ns-3's random numbers come from RngSeedManager seeded from the desc seed, and the only
 * random variables that draw (the loss models') get explicit streams; jitter comes from a powrelay PRNG;
 * every container is indexed by node or connection number. No wall clock is read. */
#include <cstdint>
#include <cstdio>
#include <ns3/object-factory.h>
#include <exception>
#include <new>
#include <vector>

#include <ns3/config.h>
#include <ns3/nstime.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>
#include <ns3/string.h>
#include <ns3/uinteger.h>

#include "linux-cubic.h"
#include "powrelay-app.h"
#include "powrelay-helper.h"
#include "powrelay-c.h"
#include "shared.h"
#include "topology.h"

using namespace ns3;

struct prnet
{
    powrelay::Shared shared;
    powrelay::Topology topo;
    std::vector<Ptr<powrelay::PowrelayApp>> apps;
    bool started = false;
};

namespace
{

bool g_live = false; /* an ns3 network exists: the simulator is taken */

/* TCP as a Linux host runs it, where ns-3's defaults differ in ways that matter here. */
void
ConfigureTcp()
{
    /* Full-sized segments (ns-3's default is 536 bytes): PRNET_MSS, as the flow model assumes. */
    Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(PRNET_MSS));
    /* Buffers that cover the largest bandwidth-delay product of an uplink (6.7 Mbit/s over a 700 ms
     * round trip is about 600 kB); ns-3's 128 kB would throttle a long connection well below its link. */
    Config::SetDefault("ns3::TcpSocket::SndBufSize", UintegerValue(1u << 20));
    Config::SetDefault("ns3::TcpSocket::RcvBufSize", UintegerValue(1u << 20));
    /* Linux's retransmission timer, srtt + max(4 rttvar, 200 ms), as the flow model's: ns-3 floors the
     * variance term at ClockGranularity (1 ms) and the sum at MinRto (1 s). RFC 6298's max(200 ms, srtt +
     * 4 rttvar) fires with nothing lost when a flood's bursts of queueing delay lift the round trip
     * (docs/validation.md#diagnosis). */
    Config::SetDefault("ns3::TcpSocketBase::ClockGranularity", TimeValue(MilliSeconds(200)));
    Config::SetDefault("ns3::TcpSocketBase::MinRto", TimeValue(MilliSeconds(200)));
    /* Linux gives up on a connection after 15 retransmissions (tcp_retries2), ns-3 after 6; a lost
     * connection voids the run, so keep Linux's patience. */
    Config::SetDefault("ns3::TcpSocket::DataRetries", UintegerValue(15));
    /* Registered, so that NS_ATTRIBUTE_DEFAULT can name it (the diagnosis's Linux slow start). */
    powrelay::LinuxCubic::GetTypeId();
}

void
CallAt(prnet_fn fn, void* arg, uint64_t a)
{
    fn(arg, a);
}

/* Ends a run() at its until_ns once nothing else is left to do at that instant. Simulator::Stop(delay)
 * alone would stop before the events that events at until_ns schedule for until_ns itself (they come
 * after the stop event); so this check goes to the back of the instant's queue until it finds that no
 * other event ran since it last looked. `last` is the simulator's event count then. */
void
StopWhenIdle(uint64_t last)
{
    uint64_t count = Simulator::GetEventCount(); /* this event included */
    if (count == last + 1)
        Simulator::Stop();
    else
        Simulator::ScheduleNow(&StopWhenIdle, count);
}

void
ns3_destroy(struct prnet* net)
{
    if (!net)
        return;
    /* Disposes every node, application and socket; pending events are dropped, not run. */
    Simulator::Destroy();
    if (net->shared.cwndFile && std::fclose(net->shared.cwndFile))
        std::fprintf(stderr, "powrelay: POWRELAY_NS3_CWND: cannot write the window trace\n");
    for (Ptr<powrelay::PowrelayApp>& app : net->apps)
        app->DestroyPrNode();
    delete net;
    g_live = false;
}

int
ns3_create(const struct prnet_desc* d, const struct pr_config* cfg, const struct prnet_node_init* init,
           const struct prnet_callbacks* cb, struct prnet** out, char* err, size_t errlen)
{
    if (g_live)
    {
        std::snprintf(err, errlen, "ns3: one ns-3 network at a time (ns-3's simulator is a singleton)");
        return -1;
    }
    struct prnet* net = nullptr;
    int rc = -1;
    try
    {
        net = new prnet();
        g_live = true;
        net->shared.cb = *cb;
        net->shared.cfg = cfg;
        net->shared.nNodes = d->n_nodes;

        ConfigureTcp();
        /* A binary heap of events: faster here than ns-3's default std::map. Any scheduler gives the
         * same order (time, then insertion), hence the same results. */
        ObjectFactory scheduler;
        scheduler.SetTypeId("ns3::PriorityQueueScheduler");
        Simulator::SetScheduler(scheduler);
        /* ns-3's seed must be in [1, 2^32 - 210); the run number selects independent substreams. */
        RngSeedManager::SetSeed(static_cast<uint32_t>(d->seed % 4294967000ull) + 1);
        RngSeedManager::SetRun(d->seed);

        if ((rc = net->topo.Build(*d, err, errlen)) != 0)
            goto fail;
        rc = -1;
        net->shared.tcpTally = net->topo.TcpTally();
        /* POWRELAY_NS3_CWND: node N's TCP senders' windows (powrelay-app.cc's CwndRow; a diagnosis) */
        net->shared.cwndFile = prnet_cwnd_trace("POWRELAY_NS3_CWND", d->n_nodes, &net->shared.cwndNode);
        powrelay::PowrelayHelper helper(&net->shared);
        if (helper.Install(net->topo.nodes, init, &net->apps, err, errlen) ||
            powrelay::PowrelayHelper::Connect(net->apps, d->edges, d->n_edges, err, errlen))
            goto fail;
        *out = net;
        return 0;
    }
    catch (const std::bad_alloc&)
    {
        std::snprintf(err, errlen, "out of memory");
    }
    catch (const std::exception& e)
    {
        std::snprintf(err, errlen, "ns3: %s", e.what());
    }
fail:
    if (net)
        ns3_destroy(net);
    else
        g_live = false;
    return rc;
}

struct pr_node*
ns3_node(struct prnet* net, uint32_t i)
{
    return i < net->apps.size() ? net->apps[i]->GetPrNode() : nullptr;
}

int
ns3_at(struct prnet* net, int64_t t_ns, prnet_fn fn, void* arg, uint64_t a)
{
    (void)net;
    try
    {
        int64_t now = Simulator::Now().GetNanoSeconds();
        Simulator::Schedule(NanoSeconds(t_ns > now ? t_ns - now : 0), &CallAt, fn, arg, a);
        return 0;
    }
    catch (...)
    {
        return -1;
    }
}

int64_t
ns3_now(struct prnet* net)
{
    (void)net;
    return Simulator::Now().GetNanoSeconds();
}

int
ns3_run(struct prnet* net, int64_t until_ns)
{
    try
    {
        if (net->shared.failed)
            return -1;
        if (!net->started)
        {
            /* The nodes start at time 0, before anything else runs, as in the flow model. Their first
             * messages wait in the connection queues until TCP's handshakes complete. */
            net->started = true;
            for (Ptr<powrelay::PowrelayApp>& app : net->apps)
                if (pr_node_start(app->GetPrNode()) != PR_OK)
                    return -1;
        }
        int64_t now = Simulator::Now().GetNanoSeconds();
        Simulator::Schedule(NanoSeconds(until_ns > now ? until_ns - now : 0), &StopWhenIdle, UINT64_MAX);
        Simulator::Run();
        return net->shared.failed ? -1 : 0;
    }
    catch (...)
    {
        return -1;
    }
}

void
ns3_stats(struct prnet* net, struct prnet_stats* out)
{
    out->events = Simulator::GetEventCount();
    out->messages = net->shared.messages;
    out->bytes = net->shared.bytes;
}

void
ns3_node_bytes(struct prnet* net, uint32_t i, uint64_t* in, uint64_t* out)
{
    *in = i < net->apps.size() ? net->apps[i]->GetBytesIn() : 0;
    *out = i < net->apps.size() ? net->apps[i]->GetBytesOut() : 0;
}

} // namespace

extern "C" const struct prnet_ops prnet_ns3_ops = {
    "ns3", ns3_create, ns3_node, ns3_at, ns3_now, ns3_run, ns3_stats, ns3_node_bytes, ns3_destroy,
};
