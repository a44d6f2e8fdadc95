/* powrelay ns-3 model: installs the applications (see powrelay-helper.h). */
#include "powrelay-helper.h"

#include <cstdio>

#include <ns3/node.h>
#include <ns3/nstime.h>


namespace powrelay
{

using namespace ns3;

PowrelayHelper::PowrelayHelper(Shared* shared)
    : m_shared(shared)
{
    m_factory.SetTypeId(PowrelayApp::GetTypeId());
}

void
PowrelayHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_factory.Set(name, value);
}

int
PowrelayHelper::Install(const NodeContainer& nodes, const struct prnet_node_init* init,
                        std::vector<Ptr<PowrelayApp>>* apps, char* err, size_t errlen) const
{
    apps->reserve(apps->size() + nodes.GetN());
    for (uint32_t i = 0; i < nodes.GetN(); i++)
    {
        Ptr<PowrelayApp> app = m_factory.Create<PowrelayApp>();
        /* Dial a little after time 0, staggered by node over the first millisecond: no SYN burst of
         * the whole network in one instant, and run(0) is the network built, with every node
         * listening, before any packet moves. */
        app->SetAttribute("DialDelay", TimeValue(MicroSeconds(1 + i % 1000)));
        int e = app->Setup(m_shared, i, init[i].hashrate, init[i].attacker);
        if (e != PR_OK)
        {
            std::snprintf(err, errlen, "node %u: %s", i, pr_strerror(e));
            return -1;
        }
        nodes.Get(i)->AddApplication(app);
        apps->push_back(app);
    }
    return 0;
}

int
PowrelayHelper::Connect(const std::vector<Ptr<PowrelayApp>>& apps, const uint32_t* edges, uint32_t nEdges,
                        char* err, size_t errlen)
{
    for (uint32_t e = 0; e < nEdges; e++)
    {
        uint32_t a = edges[2 * e], b = edges[2 * e + 1];
        if (a >= apps.size() || b >= apps.size() || a == b)
        {
            std::snprintf(err, errlen, "connection %u-%u: no such node", a, b);
            return -1;
        }
        int ea = apps[a]->AddPeer(b, true), eb = apps[b]->AddPeer(a, false);
        if (ea != PR_OK || eb != PR_OK)
        {
            std::snprintf(err, errlen, "connection %u-%u: %s", a, b, pr_strerror(ea != PR_OK ? ea : eb));
            return -1;
        }
    }
    for (const Ptr<PowrelayApp>& app : apps)
        app->FinishPeers();
    return 0;
}

} // namespace powrelay
