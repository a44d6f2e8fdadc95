/* powrelay ns-3 model: installs a PowrelayApp on each simulated node and wires the overlay graph, in
 * the manner of ns-3's application helpers. */
#ifndef POWRELAY_NS3_HELPER_H
#define POWRELAY_NS3_HELPER_H

#include <cstddef>
#include <string>
#include <vector>

#include <ns3/attribute.h>
#include <ns3/node-container.h>
#include <ns3/object-factory.h>

#include "powrelay-app.h"
#include "powrelay-c.h"
#include "shared.h"

namespace powrelay
{

class PowrelayHelper
{
  public:
    explicit PowrelayHelper(Shared* shared);

    /* An attribute of every PowrelayApp installed from now on. */
    void SetAttribute(const std::string& name, const ns3::AttributeValue& value);

    /* One application per node (node i of `nodes` is simulated node i), each with its pr_node created
     * from init[i], dialling (1 + i mod 1000) microseconds after time 0; appended to *apps. 0, or -1
     * with a message in err. */
    int Install(const ns3::NodeContainer& nodes, const struct prnet_node_init* init,
                std::vector<ns3::Ptr<PowrelayApp>>* apps, char* err, size_t errlen) const;

    /* The overlay graph: edges[2e] dialled edges[2e+1], exactly as the runner built it. Each node
     * learns its peers (pr_node_add_peer) in edge order, as the flow model tells them. */
    static int Connect(const std::vector<ns3::Ptr<PowrelayApp>>& apps, const uint32_t* edges, uint32_t nEdges,
                       char* err, size_t errlen);

  private:
    ns3::ObjectFactory m_factory;
    Shared* m_shared;
};

} // namespace powrelay

#endif
