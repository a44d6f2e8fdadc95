/* powrelay ns-3 model: addresses computed from indices, never looked up.
 *
 * ns-3's Ipv4AddressHelper is quadratic in the number of addresses it hands out (about two minutes for
 * 10,000 nodes), and a router with thousands of static routes looks each packet up linearly. So every
 * address here is a function of an index and back:
 *
 *   access link of node i : 10.0.0.0 + 4i, a /30; the router's end is .1 (+1), the node's .2 (+2)
 *   core link k           : 172.16.0.0 + 4k, a /30; the lower-numbered region's router .1, the other .2
 *
 * which leaves room for 2^22 nodes and 2^18 core links. */
#ifndef POWRELAY_NS3_ADDR_H
#define POWRELAY_NS3_ADDR_H

#include <cstdint>

#include <ns3/ipv4-address.h>

namespace powrelay
{

constexpr uint32_t kAccessBase = 0x0a000000u; /* 10.0.0.0/8 */
constexpr uint32_t kCoreBase = 0xac100000u;   /* 172.16.0.0/12 */
constexpr uint32_t kMaxNodes = 1u << 22;
constexpr uint32_t kMaxCoreLinks = 1u << 18;
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

/* The two ends of core link k (end 0 on the lower-numbered region's router). */
inline ns3::Ipv4Address
CoreAddress(uint32_t k, unsigned end)
{
    return ns3::Ipv4Address(kCoreBase + 4 * k + 1 + end);
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

/* Core link between regions a < b of n: the upper triangle of the region matrix, row by row. */
inline uint32_t
CoreLinkIndex(uint32_t a, uint32_t b, uint32_t n)
{
    return a * n - a * (a + 1) / 2 + (b - a - 1);
}

} // namespace powrelay

#endif
