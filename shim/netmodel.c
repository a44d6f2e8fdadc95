/* The network models this build has, by name; what both models' diagnoses read from the environment. */
#include <stdlib.h>
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

FILE *prnet_cwnd_trace(const char *file_var, uint32_t n_nodes, uint32_t *node)
{
    const char *path = getenv(file_var), *which = getenv("POWRELAY_CWND_NODE");
    if (!path || !*path)
        return NULL;
    char *end = NULL;
    unsigned long n = which && *which ? strtoul(which, &end, 10) : 0;
    if (which && *which && (*end || n >= n_nodes)) {
        fprintf(stderr, "powrelay: POWRELAY_CWND_NODE=%s is not a node of this network (0..%u): no window trace\n",
                which, n_nodes ? n_nodes - 1 : 0);
        return NULL;
    }
    FILE *f = fopen(path, "w");
    if (!f || fprintf(f, "t_s,node,peer,event,cwnd,ssthresh\n") < 0) {
        fprintf(stderr, "powrelay: %s: cannot write %s: no window trace\n", file_var, path);
        if (f)
            fclose(f);
        return NULL;
    }
    *node = (uint32_t)n;
    return f;
}
