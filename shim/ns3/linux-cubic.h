/* powrelay ns-3 model: ns-3's TcpCubic with Linux's slow start, for the agreement matrix's lossy cells
 * (docs/validation.md#linux-slow-start and #diagnosis).
 *
 * ns-3's TcpCubic grows the window in slow start by every segment an ACK acknowledges, with no stop at
 * the slow-start threshold (it byte-counts to stand in for Linux's QUICKACK). After a retransmission
 * fills a hole that SACK has seen a hundred segments beyond, the cumulative ACK covers them all and the
 * window jumps by a hundred segments, far above the threshold the loss just set. Linux's
 * tcp_slow_start stops at the threshold and hands what is left of the ACK to congestion avoidance,
 * which grows the window by a fraction of a segment; so does the flow model (docs/protocol.md#flow-loss).
 * This class does exactly that and otherwise is TcpCubic: selected by name,
 * ns3::TcpL4Protocol::SocketType=ns3::PowrelayLinuxCubic. */
#ifndef POWRELAY_NS3_LINUX_CUBIC_H
#define POWRELAY_NS3_LINUX_CUBIC_H

#include <ns3/tcp-cubic.h>

namespace powrelay
{

class LinuxCubic : public ns3::TcpCubic
{
  public:
    static ns3::TypeId GetTypeId();
    LinuxCubic() = default;
    LinuxCubic(const LinuxCubic& other) = default;
    std::string GetName() const override;
    void IncreaseWindow(ns3::Ptr<ns3::TcpSocketState> tcb, uint32_t segmentsAcked) override;
    ns3::Ptr<ns3::TcpCongestionOps> Fork() override;
};

} // namespace powrelay

#endif
