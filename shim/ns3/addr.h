/* powrelay ns-3 model: addresses computed from indices, never looked up.
 *
 * ns-3's Ipv4AddressHelper is quadratic in the number of addresses it hands out (about two minutes for
 * 10,000 nodes), and a router with thousands of static routes looks each packet up linearly. So every
 * address here is a function of an index and back:
 *
 *   access link of node i : 10.0.0.0 + 4i, a /30; the router's end is .1 (+1), the node's .2 (+2)
 *
 * which leaves room for 2^22 nodes. The router's end is only the node's default gateway: routers run no
 * IP stack (core-router.h), so they and their core links have no addresses. */
#ifndef POWRELAY_NS3_ADDR_H
#define POWRELAY_NS3_ADDR_H

#include <cstdint>

#include <ns3/ipv4-address.h>

namespace powrelay
{

constexpr uint32_t kAccessBase = 0x0a000000u; /* 10.0.0.0/8 */
constexpr uint32_t kMaxNodes = 1u << 22;
constexpr uint32_t kNetMask30 = 0xfffffffcu;

/* The address of node i on its access link. */
inline ns3::Ipv4Address
NodeAddress(uint32_t i)
{
    return ns3::Ipv4Address(kAccessBase + 4 * i + 2);
}

/* The router's address on node i's access link: the node's default gateway. */
inline ns3::Ipv4Address
GatewayAddress(uint32_t i)
{
    return ns3::Ipv4Address(kAccessBase + 4 * i + 1);
}

/* Which access link an address lies on; false if it lies on none. *host is 1 (router) or 2 (node). */
inline bool
AccessIndex(ns3::Ipv4Address a, uint32_t* i, uint32_t* host)
{
    uint32_t v = a.Get();
    if ((v & 0xff000000u) != kAccessBase)
        return false;
    *i = (v - kAccessBase) >> 2;
    *host = v & 3u;
    return *host == 1 || *host == 2;
}

/* Which node has address a; false if none. */
inline bool
NodeIndex(ns3::Ipv4Address a, uint32_t n_nodes, uint32_t* i)
{
    uint32_t host;
    return AccessIndex(a, i, &host) && host == 2 && *i < n_nodes;
}

} // namespace powrelay

#endif
