/* The network models this build has, by name. */
#include <string.h>

#include "powrelay/netmodel.h"

const struct prnet_ops *prnet_find(const char *name)
{
    if (!strcmp(name, "flow"))
        return &prnet_flow_ops;
#ifdef POWRELAY_HAVE_NS3
    if (!strcmp(name, "ns3"))
        return &prnet_ns3_ops;
#endif
    return NULL;
}
